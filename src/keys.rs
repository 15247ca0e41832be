//! Key pairs for JavaScript. The secret stays inside wasm memory; the only
//! ways out are the explicit `exportPrivateKey*` calls and `toJson`.

use hcp_core::keys::file::{self, SaveOptions};
use hcp_core::keys::{self as core, Jwk, KeyError};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::to_js;
use crate::error::to_js_error;

#[wasm_bindgen(typescript_custom_section)]
const KEYS_TS: &'static str = r#"
/**
 * A P-256 JSON Web Key as hcp-kit writes it (`kty` "EC", `crv` "P-256", `x`,
 * `y`, and `d` for a private key). Declared here rather than taken from the DOM
 * library so Node-only TypeScript projects need no `dom` lib; it is assignable
 * to and from WebCrypto's `JsonWebKey`.
 */
export interface Jwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  ext?: boolean;
  key_ops?: string[];
  alg?: string;
  use?: string;
}

/**
 * A P-256 public key as hcp-kit accepts it: SPKI DER hex (the iCure form of
 * `publicKeysP256`), SEC1 point hex, PEM text, SPKI DER or SEC1 bytes, or a JWK.
 */
export type PublicKeyInput = string | Uint8Array | Jwk;

/**
 * A private key to import: PKCS#8 PEM, base64 PKCS#8 DER, a JWK (object or
 * JSON text) with `d`, or PKCS#8 DER bytes.
 */
export type PrivateKeyInput = string | Uint8Array | Jwk;

/** Options for {@link KeyPair.toJson}. */
export interface KeyPairSaveOptions {
  /**
   * Seal the private key with this passphrase (Argon2id, 19 MiB, 2 passes,
   * then AES-256-GCM). Without it the private key is written in clear.
   */
  passphrase?: string;
}

/** What a keypair file says about itself; readable without the passphrase. */
export interface KeyPairFileInfo {
  /** File format version (currently 1). */
  version: number;
  /** The HCP this key pair belongs to. */
  hcpId: string;
  /** When the key pair was saved (ISO 8601). */
  createdAt: string;
  /** The public key as SPKI DER hex. */
  publicKeyHex: string;
  /** The last 32 hex characters of `publicKeyHex`. */
  fingerprint: string;
  /** Whether the private key is sealed under a passphrase. */
  encrypted: boolean;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "KeyPairSaveOptions")]
    pub type SaveOptionsJs;
}

/// An HCP's P-256 key pair (ECDSA signatures and ECDH key agreement).
///
/// The private key lives in WebAssembly memory and is wiped when the object is
/// freed: call `free()` (or `using kp = generateKeyPair()`) when done.
#[wasm_bindgen]
pub struct KeyPair {
    inner: core::KeyPair,
}

impl KeyPair {
    /// The core key pair, for the client's certificate of it.
    #[cfg(feature = "client")]
    pub(crate) fn core(&self) -> &core::KeyPair {
        &self.inner
    }
}

/// Generates a new P-256 key pair from the browser's `crypto.getRandomValues`.
///
/// @example
/// const kp = generateKeyPair();
/// await client.registerPublicKey(hcpId, kp.publicKeyHex);
/// download(kp.toJson(hcpId, { passphrase }));
/// kp.free();
#[wasm_bindgen(js_name = generateKeyPair)]
pub fn generate_key_pair() -> Result<KeyPair, JsValue> {
    core::KeyPair::generate()
        .map(|inner| KeyPair { inner })
        .map_err(to_js_error)
}

/// Reads a keypair file written by {@link KeyPair.toJson}.
///
/// Throws `HcpError` with code `InvalidFile` (malformed or truncated),
/// `UnsupportedVersion`, `PassphraseRequired`, `WrongPassphrase`, `InvalidKey`
/// or `KeyMismatch` (the public key in the file is not the private key's).
#[wasm_bindgen(js_name = loadKeyPair)]
pub fn load_key_pair(json: &str, passphrase: Option<String>) -> Result<KeyPair, JsValue> {
    let passphrase = passphrase.map(Zeroizing::new);
    file::load(json, passphrase.as_deref().map(String::as_str))
        .map(|loaded| KeyPair {
            inner: loaded.key_pair,
        })
        .map_err(to_js_error)
}

/// Reads a keypair file's metadata (HCP id, creation time, public key,
/// whether it is encrypted) without decrypting anything.
#[wasm_bindgen(js_name = inspectKeyPairFile, unchecked_return_type = "KeyPairFileInfo")]
pub fn inspect_key_pair_file(json: &str) -> Result<JsValue, JsValue> {
    to_js(&file::inspect(json).map_err(to_js_error)?)
}

/// Imports an existing private key (for example one exported by WebCrypto).
#[wasm_bindgen(js_name = importPrivateKey)]
pub fn import_private_key(
    #[wasm_bindgen(unchecked_param_type = "PrivateKeyInput")] key: JsValue,
) -> Result<KeyPair, JsValue> {
    let inner = if let Some(text) = key.as_string() {
        core::KeyPair::from_private_text(&text)
    } else if let Some(bytes) = key.dyn_ref::<js_sys::Uint8Array>() {
        core::KeyPair::from_pkcs8_der(&Zeroizing::new(bytes.to_vec()))
    } else {
        jwk_from_js(key).and_then(|jwk| core::KeyPair::from_jwk(&jwk))
    };
    inner.map(|inner| KeyPair { inner }).map_err(to_js_error)
}

/// Checks an ECDSA P-256/SHA-256 `signature` of `message`. The signature may
/// be WebCrypto's 64-byte `r‖s` or OpenSSL's DER; anything else is `false`.
#[wasm_bindgen]
pub fn verify(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
    public_key: JsValue,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, JsValue> {
    Ok(public_key_from_js(public_key)?.verify(message, signature))
}

#[wasm_bindgen]
impl KeyPair {
    /// The public key as SPKI DER hex: the value iCure stores in `publicKeysP256`.
    #[wasm_bindgen(getter, js_name = publicKeyHex)]
    pub fn public_key_hex(&self) -> String {
        self.inner.public_key().spki_hex()
    }

    /// The last 32 hex characters of {@link KeyPair.publicKeyHex}, for humans to compare.
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.public_key().fingerprint()
    }

    /// The public key as SPKI DER bytes (WebCrypto `importKey("spki", …)`).
    #[wasm_bindgen(js_name = publicKeySpki)]
    pub fn public_key_spki(&self) -> Vec<u8> {
        self.inner.public_key().spki_der()
    }

    /// The public key as a PEM `PUBLIC KEY` block.
    #[wasm_bindgen(js_name = publicKeyPem)]
    pub fn public_key_pem(&self) -> String {
        self.inner.public_key().pem()
    }

    /// The public key as a JWK (`kty`, `crv`, `x`, `y`).
    #[wasm_bindgen(js_name = publicKeyJwk, unchecked_return_type = "Jwk")]
    pub fn public_key_jwk(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.public_key().jwk())
    }

    /// The private key as base64 PKCS#8 DER. Handle with care: whoever holds
    /// it can act as this HCP. Never send it to a server.
    #[wasm_bindgen(js_name = exportPrivateKeyPkcs8)]
    pub fn export_private_key_pkcs8(&self) -> String {
        self.inner.private_pkcs8_base64().to_string()
    }

    /// The private key as a PKCS#8 PEM `PRIVATE KEY` block (OpenSSL reads it).
    #[wasm_bindgen(js_name = exportPrivateKeyPem)]
    pub fn export_private_key_pem(&self) -> String {
        self.inner.private_pem().to_string()
    }

    /// The private key as a JWK with `d` (WebCrypto `importKey("jwk", …)`).
    #[wasm_bindgen(js_name = exportPrivateKeyJwk, unchecked_return_type = "Jwk")]
    pub fn export_private_key_jwk(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.private_jwk())
    }

    /// The keypair file ("Save as JSON"): format version, HCP id, creation
    /// time, public key, private key (sealed when a passphrase is given) and
    /// fingerprint. Read it back with {@link loadKeyPair}.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(
        &self,
        #[wasm_bindgen(js_name = hcpId)] hcp_id: &str,
        options: Option<SaveOptionsJs>,
    ) -> Result<String, JsValue> {
        #[derive(Deserialize)]
        struct Options {
            passphrase: Option<String>,
        }
        let options: Option<Options> = match options {
            Some(v) => Some(
                serde_wasm_bindgen::from_value(v.into())
                    .map_err(|e| to_js_error(KeyError::Validation(format!("options: {e}"))))?,
            ),
            None => None,
        };
        let save = SaveOptions {
            passphrase: options.and_then(|o| o.passphrase).map(Zeroizing::new),
            ..SaveOptions::default()
        };
        let now = String::from(js_sys::Date::new_0().to_iso_string());
        file::to_json(&self.inner, hcp_id, &now, &save)
            .map(|json| json.to_string())
            .map_err(to_js_error)
    }

    /// Signs `message` with ECDSA P-256/SHA-256; returns the 64-byte `r‖s`
    /// WebCrypto uses.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.inner.sign(message).to_vec()
    }

    /// Signs `message` like {@link KeyPair.sign} but returns ASN.1 DER, as OpenSSL expects.
    #[wasm_bindgen(js_name = signDer)]
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        self.inner.sign_der(message)
    }

    /// ECDH with a peer's public key: the 32-byte shared secret, equal to
    /// WebCrypto's `deriveBits({ name: "ECDH", public }, privateKey, 256)`.
    #[wasm_bindgen(js_name = deriveSharedSecret)]
    pub fn derive_shared_secret(
        &self,
        #[wasm_bindgen(js_name = peerPublicKey, unchecked_param_type = "PublicKeyInput")]
        peer_public_key: JsValue,
    ) -> Result<Vec<u8>, JsValue> {
        let peer = public_key_from_js(peer_public_key)?;
        Ok(self.inner.shared_secret(&peer).to_vec())
    }

    /// "Verify my key": `true` when `publicKey` (for example the one registered
    /// on the HCP) is this pair's public key.
    #[wasm_bindgen(js_name = matchesPublicKey)]
    pub fn matches_public_key(
        &self,
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "PublicKeyInput")]
        public_key: JsValue,
    ) -> Result<bool, JsValue> {
        Ok(self
            .inner
            .check_public(&public_key_from_js(public_key)?)
            .is_ok())
    }
}

fn public_key_from_js(value: JsValue) -> Result<core::PublicKey, JsValue> {
    let key = if let Some(text) = value.as_string() {
        core::PublicKey::parse(&text)
    } else if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        core::PublicKey::from_bytes(&bytes.to_vec())
    } else {
        jwk_from_js(value).and_then(|jwk| core::PublicKey::parse_jwk(&jwk))
    };
    key.map_err(to_js_error)
}

fn jwk_from_js(value: JsValue) -> Result<Jwk, KeyError> {
    if !value.is_object() {
        return Err(KeyError::InvalidKey(
            "expected a string, a Uint8Array or a JWK object".into(),
        ));
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| KeyError::InvalidKey(format!("not a P-256 JWK ({e})")))
}
