//! The keypair file behind the page's "Save as JSON": a versioned document an
//! HCP keeps, optionally with the private key sealed under a passphrase
//! (Argon2id + AES-256-GCM). Loading is strict: every field is checked, and
//! the public key must belong to the private key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64ct::{Base64, Encoding};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Jwk, KeyError, KeyPair, PublicKey, fingerprint_of_hex};

/// The `format` field: tells our files apart from any other JSON.
pub const FORMAT: &str = "hcp-kit-keypair";
/// The only version this code writes and reads.
pub const VERSION: u64 = 1;
const CURVE: &str = "P-256";
const KDF_NAME: &str = "argon2id";
const CIPHER_NAME: &str = "AES-256-GCM";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const MAX_ID_LEN: usize = 256;

/// Argon2id cost, recorded in the file so it can be raised later without
/// breaking old files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for KdfParams {
    /// OWASP's Argon2id recommendation (19 MiB, 2 passes, 1 lane).
    fn default() -> Self {
        KdfParams {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl KdfParams {
    // A hostile file must not make the loader allocate gigabytes or spin for
    // minutes; honest files written by any hcp-kit stay well inside these.
    const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    const MAX_ITERATIONS: u32 = 64;
    const MAX_PARALLELISM: u32 = 16;

    fn argon2(&self) -> Result<argon2::Argon2<'static>, KeyError> {
        if self.memory_kib > Self::MAX_MEMORY_KIB
            || self.iterations > Self::MAX_ITERATIONS
            || self.parallelism > Self::MAX_PARALLELISM
        {
            return Err(KeyError::InvalidFile(
                "key derivation cost is out of bounds".into(),
            ));
        }
        let params =
            argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
                .map_err(|e| KeyError::InvalidFile(format!("key derivation parameters: {e}")))?;
        Ok(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileV1 {
    format: String,
    version: u64,
    hcp_id: String,
    created_at: String,
    curve: String,
    public_key: PublicPart,
    private_key: PrivatePart,
    fingerprint: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublicPart {
    spki_hex: String,
    jwk: Jwk,
}

/// Exactly one of the two forms: serde's `untagged` would accept an object
/// holding both and silently pick one.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PrivatePart {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pkcs8_base64: Option<Zeroizing<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encrypted: Option<Sealed>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sealed {
    kdf: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
    cipher: String,
    nonce: String,
    ciphertext: String,
}

/// How to save the private key.
#[derive(Debug, Clone, Default)]
pub struct SaveOptions {
    /// Seal the private key under this passphrase; `None` writes it in clear.
    pub passphrase: Option<Zeroizing<String>>,
    pub kdf: KdfParams,
}

/// What a file says about itself, readable without the passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    pub version: u64,
    pub hcp_id: String,
    pub created_at: String,
    pub public_key_hex: String,
    pub fingerprint: String,
    pub encrypted: bool,
}

/// A key pair read back from a file, with the file's metadata.
#[derive(Debug)]
pub struct LoadedKeyPair {
    pub key_pair: KeyPair,
    pub info: FileInfo,
}

/// Writes the keypair file. `created_at` is supplied by the caller (an
/// RFC 3339 time) so this stays free of clocks.
pub fn to_json(
    pair: &KeyPair,
    hcp_id: &str,
    created_at: &str,
    options: &SaveOptions,
) -> Result<Zeroizing<String>, KeyError> {
    check_label("hcpId", hcp_id)?;
    check_label("createdAt", created_at)?;
    let public = pair.public_key();
    let spki_hex = public.spki_hex();
    let private_key = match options.passphrase.as_ref().map(|p| p.as_str()) {
        None => PrivatePart {
            pkcs8_base64: Some(pair.private_pkcs8_base64()),
            encrypted: None,
        },
        Some("") => return Err(KeyError::Validation("the passphrase is empty".into())),
        Some(passphrase) => PrivatePart {
            pkcs8_base64: None,
            encrypted: Some(seal(pair, passphrase, &spki_hex, options.kdf)?),
        },
    };
    let file = FileV1 {
        format: FORMAT.into(),
        version: VERSION,
        hcp_id: hcp_id.into(),
        created_at: created_at.into(),
        curve: CURVE.into(),
        fingerprint: public.fingerprint(),
        public_key: PublicPart {
            jwk: public.jwk(),
            spki_hex,
        },
        private_key,
    };
    serde_json::to_string_pretty(&file)
        .map(Zeroizing::new)
        .map_err(|e| KeyError::InvalidFile(e.to_string()))
}

/// Reads what a file says about itself without touching the private key.
pub fn inspect(json: &str) -> Result<FileInfo, KeyError> {
    parse(json).map(|(_, info)| info)
}

/// Reads a keypair file back. Encrypted files need `passphrase`.
pub fn load(json: &str, passphrase: Option<&str>) -> Result<LoadedKeyPair, KeyError> {
    let (file, info) = parse(json)?;
    let public = PublicKey::parse(&file.public_key.spki_hex)?;
    let key_pair = match (&file.private_key.pkcs8_base64, &file.private_key.encrypted) {
        (Some(b64), None) => {
            let der = Zeroizing::new(Base64::decode_vec(b64.trim()).map_err(|_| {
                KeyError::InvalidFile("privateKey.pkcs8Base64 is not base64".into())
            })?);
            KeyPair::from_pkcs8_der(&der)?
        }
        (None, Some(sealed)) => {
            let passphrase = passphrase.ok_or(KeyError::PassphraseRequired)?;
            unseal(sealed, passphrase, &file.public_key.spki_hex)?
        }
        _ => {
            return Err(KeyError::InvalidFile(
                "privateKey must hold exactly one of pkcs8Base64 or encrypted".into(),
            ));
        }
    };
    key_pair.check_public(&public)?;
    Ok(LoadedKeyPair { key_pair, info })
}

/// Parses and checks everything but the private key.
fn parse(json: &str) -> Result<(FileV1, FileInfo), KeyError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| KeyError::InvalidFile(format!("not JSON ({e})")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(KeyError::InvalidFile(format!(
            "not an {FORMAT} file (missing \"format\")"
        )));
    }
    match value.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => return Err(KeyError::UnsupportedVersion(v.to_string())),
        None => return Err(KeyError::InvalidFile("missing \"version\"".into())),
    }
    let file: FileV1 =
        serde_json::from_value(value).map_err(|e| KeyError::InvalidFile(e.to_string()))?;
    if file.curve != CURVE {
        return Err(KeyError::InvalidFile(format!(
            "curve {:?} is not {CURVE}",
            file.curve
        )));
    }
    check_label("hcpId", &file.hcp_id).map_err(as_file_error)?;
    check_label("createdAt", &file.created_at).map_err(as_file_error)?;
    let public = PublicKey::parse(&file.public_key.spki_hex)?;
    let jwk_public = PublicKey::parse_jwk(&file.public_key.jwk)?;
    if jwk_public != public {
        return Err(KeyError::InvalidFile(
            "publicKey.jwk and publicKey.spkiHex differ".into(),
        ));
    }
    if file.fingerprint != fingerprint_of_hex(&public.spki_hex()) {
        return Err(KeyError::InvalidFile(
            "fingerprint does not match the public key".into(),
        ));
    }
    let info = FileInfo {
        version: file.version,
        hcp_id: file.hcp_id.clone(),
        created_at: file.created_at.clone(),
        public_key_hex: public.spki_hex(),
        fingerprint: file.fingerprint.clone(),
        encrypted: file.private_key.encrypted.is_some(),
    };
    Ok((file, info))
}

fn derive_key(
    passphrase: &str,
    salt: &[u8],
    kdf: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let mut key = Zeroizing::new([0u8; 32]);
    kdf.argon2()?
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut_slice())
        .map_err(|e| KeyError::InvalidFile(format!("key derivation: {e}")))?;
    Ok(key)
}

// The public key is the AEAD's associated data: a sealed private key pasted
// under another public key fails to open instead of loading a mismatched pair.
fn seal(
    pair: &KeyPair,
    passphrase: &str,
    spki_hex: &str,
    kdf: KdfParams,
) -> Result<Sealed, KeyError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut salt).map_err(|e| KeyError::Random(e.to_string()))?;
    getrandom::fill(&mut nonce).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = derive_key(passphrase, &salt, kdf)?;
    let cipher = Aes256Gcm::new((&*key).into());
    let plaintext = pair.private_pkcs8_der();
    let ciphertext = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &plaintext,
                aad: spki_hex.as_bytes(),
            },
        )
        .map_err(|_| KeyError::Validation("encryption failed".into()))?;
    Ok(Sealed {
        kdf: KDF_NAME.into(),
        params: kdf,
        salt: Base64::encode_string(&salt),
        cipher: CIPHER_NAME.into(),
        nonce: Base64::encode_string(&nonce),
        ciphertext: Base64::encode_string(&ciphertext),
    })
}

fn unseal(sealed: &Sealed, passphrase: &str, spki_hex: &str) -> Result<KeyPair, KeyError> {
    if sealed.kdf != KDF_NAME || sealed.cipher != CIPHER_NAME {
        return Err(KeyError::InvalidFile(format!(
            "unsupported protection {}/{}",
            sealed.kdf, sealed.cipher
        )));
    }
    let salt = decode_field("salt", &sealed.salt)?;
    if salt.len() < SALT_LEN {
        return Err(KeyError::InvalidFile("salt is too short".into()));
    }
    let nonce: [u8; NONCE_LEN] = decode_field("nonce", &sealed.nonce)?
        .try_into()
        .map_err(|_| KeyError::InvalidFile(format!("nonce must be {NONCE_LEN} bytes")))?;
    let ciphertext = decode_field("ciphertext", &sealed.ciphertext)?;
    let key = derive_key(passphrase, &salt, sealed.params)?;
    let cipher = Aes256Gcm::new((&*key).into());
    let plaintext = Zeroizing::new(
        cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &ciphertext,
                    aad: spki_hex.as_bytes(),
                },
            )
            .map_err(|_| KeyError::WrongPassphrase)?,
    );
    KeyPair::from_pkcs8_der(&plaintext)
}

fn decode_field(name: &str, text: &str) -> Result<Vec<u8>, KeyError> {
    Base64::decode_vec(text).map_err(|_| KeyError::InvalidFile(format!("{name} is not base64")))
}

fn check_label(name: &str, value: &str) -> Result<(), KeyError> {
    if value.trim().is_empty() {
        return Err(KeyError::Validation(format!("{name} is empty")));
    }
    if value.len() > MAX_ID_LEN || value.chars().any(char::is_control) {
        return Err(KeyError::Validation(format!(
            "{name} must be at most {MAX_ID_LEN} bytes without control characters"
        )));
    }
    Ok(())
}

fn as_file_error(e: KeyError) -> KeyError {
    KeyError::InvalidFile(e.to_string())
}
