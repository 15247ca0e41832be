//! P-256 keys for an HCP: generation, the export formats iCure and WebCrypto
//! use, ECDSA and ECDH. The private key only ever leaves this module as an
//! explicit export the caller asked for, in a buffer wiped on drop.

mod error;
pub mod file;
mod jwk;
pub mod leak;

pub use error::KeyError;
pub use jwk::Jwk;

use base64ct::{Base64, Encoding};
use error::invalid_key;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use p256::elliptic_curve::Generate;
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use zeroize::Zeroizing;

/// Length in hex characters of the fingerprint: the tail of the SPKI hex,
/// which is where two P-256 public keys differ (the head is the fixed
/// algorithm identifier).
pub const FINGERPRINT_HEX_LEN: usize = 32;

/// A P-256 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(p256::PublicKey);

/// A P-256 key pair. The secret scalar is zeroized when this is dropped.
#[derive(Clone)]
pub struct KeyPair {
    secret: p256::SecretKey,
    public: PublicKey,
}

impl core::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never print the secret, even in a debug log.
        f.debug_struct("KeyPair")
            .field("public", &self.public.spki_hex())
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A fresh key pair from the operating system's (or browser's) CSPRNG.
    pub fn generate() -> Result<KeyPair, KeyError> {
        let secret =
            p256::SecretKey::try_generate().map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(KeyPair::from_secret(secret))
    }

    fn from_secret(secret: p256::SecretKey) -> KeyPair {
        let public = PublicKey(secret.public_key());
        KeyPair { secret, public }
    }

    /// Reads a PKCS#8 DER private key (what WebCrypto's `exportKey("pkcs8")` gives).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<KeyPair, KeyError> {
        p256::SecretKey::from_pkcs8_der(der)
            .map(KeyPair::from_secret)
            .map_err(|e| invalid_key(format!("not a P-256 PKCS#8 private key ({e})")))
    }

    /// Reads a private key given as text: PKCS#8 PEM, base64 PKCS#8 DER, or a JWK with `d`.
    pub fn from_private_text(text: &str) -> Result<KeyPair, KeyError> {
        let text = text.trim();
        if text.starts_with("-----BEGIN") {
            return p256::SecretKey::from_pkcs8_pem(text)
                .map(KeyPair::from_secret)
                .map_err(|e| invalid_key(format!("not a P-256 PKCS#8 PEM private key ({e})")));
        }
        if text.starts_with('{') {
            let jwk: Jwk =
                serde_json::from_str(text).map_err(|e| invalid_key(format!("not a JWK ({e})")))?;
            return KeyPair::from_jwk(&jwk);
        }
        let der = Zeroizing::new(
            Base64::decode_vec(text)
                .map_err(|_| invalid_key("private key is neither PEM, JWK nor base64"))?,
        );
        KeyPair::from_pkcs8_der(&der)
    }

    /// Reads a private JWK; its `x`/`y` must be the public key of `d`.
    pub fn from_jwk(jwk: &Jwk) -> Result<KeyPair, KeyError> {
        let d = jwk.private_scalar()?;
        let claimed = PublicKey::from_sec1(&jwk.sec1_point()?)?;
        let secret = p256::SecretKey::from_slice(&d)
            .map_err(|_| invalid_key("JWK \"d\" is not a valid P-256 scalar"))?;
        let pair = KeyPair::from_secret(secret);
        pair.check_public(&claimed)?;
        Ok(pair)
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Errors with [`KeyError::Mismatch`] unless `public` is this pair's public key.
    pub fn check_public(&self, public: &PublicKey) -> Result<(), KeyError> {
        if &self.public == public {
            Ok(())
        } else {
            Err(KeyError::Mismatch)
        }
    }

    pub fn private_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        match self.secret.to_pkcs8_der() {
            Ok(doc) => Zeroizing::new(doc.as_bytes().to_vec()),
            // Encoding a valid in-memory key into a growable buffer cannot fail.
            Err(_) => unreachable!("PKCS#8 encoding of a valid P-256 key"),
        }
    }

    pub fn private_pkcs8_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(Base64::encode_string(&self.private_pkcs8_der()))
    }

    pub fn private_pem(&self) -> Zeroizing<String> {
        match self.secret.to_pkcs8_pem(LineEnding::LF) {
            Ok(pem) => Zeroizing::new(pem.to_string()),
            Err(_) => unreachable!("PEM encoding of a valid P-256 key"),
        }
    }

    pub fn private_jwk(&self) -> Jwk {
        let mut jwk = self.public.jwk();
        let d = Zeroizing::new(self.secret.to_bytes());
        jwk.d = Some(base64ct::Base64UrlUnpadded::encode_string(d.as_slice()));
        jwk
    }

    fn signing_key(&self) -> SigningKey {
        SigningKey::from(&self.secret)
    }

    /// ECDSA P-256 with SHA-256, as the 64-byte `r || s` that WebCrypto produces and expects.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let signature: Signature = self.signing_key().sign(message);
        signature.to_bytes().into()
    }

    /// The same signature ASN.1 DER encoded, as OpenSSL produces and expects.
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        let signature: DerSignature = self.signing_key().sign(message);
        signature.as_bytes().to_vec()
    }

    /// A key pair from its private scalar (32 bytes, big-endian).
    pub fn from_scalar_bytes(bytes: &[u8]) -> Result<KeyPair, KeyError> {
        p256::SecretKey::from_slice(bytes)
            .map(KeyPair::from_secret)
            .map_err(|_| invalid_key("not a P-256 private scalar"))
    }

    /// The private scalar, big-endian, for HPKE (which takes it as bytes).
    pub(crate) fn secret_scalar(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(self.secret.to_bytes().as_slice());
        out
    }

    /// ECDH: the 32-byte x coordinate of the shared point, as WebCrypto's
    /// `deriveBits({name: "ECDH"}, _, 256)` returns it.
    pub fn shared_secret(&self, peer: &PublicKey) -> Zeroizing<[u8; 32]> {
        let shared =
            p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), peer.0.as_affine());
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(shared.raw_secret_bytes().as_slice());
        out
    }
}

impl PublicKey {
    /// Reads a public key from SPKI DER (iCure and WebCrypto's "spki") or a
    /// SEC1 point (WebCrypto's "raw", compressed or not).
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        match bytes.first() {
            Some(0x30) => p256::PublicKey::from_public_key_der(bytes)
                .map(PublicKey)
                .map_err(|e| invalid_key(format!("not a P-256 SPKI public key ({e})"))),
            Some(0x02..=0x04) => PublicKey::from_sec1(bytes),
            Some(_) => Err(invalid_key("bytes are neither SPKI DER nor a SEC1 point")),
            None => Err(invalid_key("public key is empty")),
        }
    }

    fn from_sec1(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        p256::PublicKey::from_sec1_bytes(bytes)
            .map(PublicKey)
            .map_err(|_| invalid_key("not a point on the P-256 curve"))
    }

    /// Reads a public key given as text: hex (SPKI or SEC1), PEM, or a JWK.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        let text = text.trim();
        if text.starts_with("-----BEGIN") {
            return p256::PublicKey::from_public_key_pem(text)
                .map(PublicKey)
                .map_err(|e| invalid_key(format!("not a P-256 PEM public key ({e})")));
        }
        if text.starts_with('{') {
            let jwk: Jwk =
                serde_json::from_str(text).map_err(|e| invalid_key(format!("not a JWK ({e})")))?;
            return PublicKey::parse_jwk(&jwk);
        }
        PublicKey::from_bytes(&decode_hex(text)?)
    }

    pub fn parse_jwk(jwk: &Jwk) -> Result<PublicKey, KeyError> {
        PublicKey::from_sec1(&jwk.sec1_point()?)
    }

    pub fn spki_der(&self) -> Vec<u8> {
        match self.0.to_public_key_der() {
            Ok(doc) => doc.as_bytes().to_vec(),
            Err(_) => unreachable!("SPKI encoding of a valid P-256 point"),
        }
    }

    /// SPKI DER as lowercase hex: how iCure stores `publicKeysP256`.
    pub fn spki_hex(&self) -> String {
        base16ct::lower::encode_string(&self.spki_der())
    }

    pub fn pem(&self) -> String {
        match self.0.to_public_key_pem(LineEnding::LF) {
            Ok(pem) => pem,
            Err(_) => unreachable!("PEM encoding of a valid P-256 point"),
        }
    }

    /// The uncompressed SEC1 point, WebCrypto's "raw" format.
    pub fn sec1_uncompressed(&self) -> Vec<u8> {
        self.0.as_affine().to_sec1_point(false).as_bytes().to_vec()
    }

    pub fn jwk(&self) -> Jwk {
        let point = self.0.as_affine().to_sec1_point(false);
        match (point.x(), point.y()) {
            (Some(x), Some(y)) => Jwk::from_point(x, y),
            _ => unreachable!("an uncompressed non-identity point has both coordinates"),
        }
    }

    /// The last 32 hex characters of [`PublicKey::spki_hex`].
    pub fn fingerprint(&self) -> String {
        fingerprint_of_hex(&self.spki_hex())
    }

    /// Verifies an ECDSA P-256/SHA-256 signature given either as 64-byte
    /// `r || s` (WebCrypto) or ASN.1 DER (OpenSSL). Malformed signatures are
    /// simply not valid, as in WebCrypto.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let key = VerifyingKey::from(&self.0);
        if signature.len() == 64
            && let Ok(sig) = Signature::from_slice(signature)
            && key.verify(message, &sig).is_ok()
        {
            return true;
        }
        match Signature::from_der(signature) {
            Ok(sig) => key.verify(message, &sig).is_ok(),
            Err(_) => false,
        }
    }
}

pub(crate) fn fingerprint_of_hex(spki_hex: &str) -> String {
    let start = spki_hex.len().saturating_sub(FINGERPRINT_HEX_LEN);
    spki_hex.get(start..).unwrap_or_default().to_owned()
}

fn decode_hex(text: &str) -> Result<Vec<u8>, KeyError> {
    if text.is_empty() {
        return Err(invalid_key("public key is empty"));
    }
    base16ct::mixed::decode_vec(text).map_err(|_| invalid_key("public key is not valid hex"))
}
