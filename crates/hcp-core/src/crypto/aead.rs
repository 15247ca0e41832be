//! AES-256-GCM with associated data that says what a ciphertext is: the
//! entity's type and id, its key version and content version, and which part
//! of it. A server that moves a ciphertext to another entity, another part,
//! or serves one from an older version makes decryption fail.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64ct::{Base64, Encoding};
use zeroize::Zeroizing;

use super::{CryptoError, random32, tampered};

const NONCE: usize = 12;

/// A 256-bit symmetric key (an entity key or an exchange key), wiped on drop.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    pub fn generate() -> Result<SecretKey, CryptoError> {
        Ok(SecretKey(random32()?))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<SecretKey, CryptoError> {
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| tampered("a key is not 32 bytes"))?;
        Ok(SecretKey(Zeroizing::new(array)))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `base64(nonce || ciphertext || tag)` of `plaintext` bound to `aad`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).map_err(|e| CryptoError::Random(e.to_string()))?;
        let cipher = Aes256Gcm::new((&*self.0).into());
        let ct = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| CryptoError::Invalid("encryption failed".into()))?;
        let mut out = Vec::with_capacity(NONCE + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(Base64::encode_string(&out))
    }

    /// The plaintext of [`SecretKey::seal`]'s output, if `aad` and the key
    /// are the ones it was sealed with; `Tampered` otherwise.
    pub fn open(&self, aad: &[u8], sealed: &str) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let bytes =
            Base64::decode_vec(sealed).map_err(|_| tampered("a ciphertext is not base64"))?;
        if bytes.len() < NONCE + 16 {
            return Err(tampered("a ciphertext is too short"));
        }
        let (nonce, ct) = bytes.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| tampered("nonce"))?;
        let cipher = Aes256Gcm::new((&*self.0).into());
        cipher
            .decrypt(&Nonce::from(nonce), Payload { msg: ct, aad })
            .map(Zeroizing::new)
            .map_err(|_| tampered("a ciphertext failed authentication"))
    }
}

/// What a ciphertext is, as associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aad<'a> {
    /// `patient`, `contact`, `helement`, `maintenancetask`, `device`.
    pub kind: &'a str,
    pub id: &'a str,
    /// Bumped when the entity key changes (after a revocation).
    pub key_version: u32,
    /// Bumped on every write of the encrypted content.
    pub content_version: u64,
    /// `self`, or a part of the entity (`service:<id>` for a Data Sample).
    pub part: &'a str,
}

impl Aad<'_> {
    pub fn bytes(&self) -> Vec<u8> {
        format!(
            "hcp-kit/v1\0content\0{}\0{}\0{}\0{}\0{}",
            self.kind, self.id, self.key_version, self.content_version, self.part
        )
        .into_bytes()
    }
}

/// Associated data of an entity key wrapped for one delegate under an
/// exchange key: a wrapped key cannot be moved to another entity, version or
/// delegate.
pub fn delegation_aad(kind: &str, id: &str, key_version: u32, delegate: &str) -> Vec<u8> {
    format!("hcp-kit/v1\0delegation\0{kind}\0{id}\0{key_version}\0{delegate}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aad(id: &str, cv: u64) -> Vec<u8> {
        Aad {
            kind: "patient",
            id,
            key_version: 1,
            content_version: cv,
            part: "self",
        }
        .bytes()
    }

    #[test]
    fn a_ciphertext_opens_only_where_it_was_sealed() {
        let key = SecretKey::generate().unwrap();
        let sealed = key.seal(&aad("a", 1), b"{\"note\":\"x\"}").unwrap();
        assert_eq!(
            &*key.open(&aad("a", 1), &sealed).unwrap(),
            b"{\"note\":\"x\"}"
        );
        for wrong in [aad("b", 1), aad("a", 2)] {
            assert!(matches!(
                key.open(&wrong, &sealed),
                Err(CryptoError::Tampered(_))
            ));
        }
        let other = SecretKey::generate().unwrap();
        assert!(matches!(
            other.open(&aad("a", 1), &sealed),
            Err(CryptoError::Tampered(_))
        ));
        let mut bytes = Base64::decode_vec(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(
            key.open(&aad("a", 1), &Base64::encode_string(&bytes))
                .is_err()
        );
        assert!(key.open(&aad("a", 1), "not base64!").is_err());
        assert!(key.open(&aad("a", 1), "AAAA").is_err());
    }
}
