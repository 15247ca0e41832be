//! Secret links from a patient to its data. A patient has a random secret id
//! known only to its delegates (it is inside the patient's encrypted
//! content); its Data Samples and Healthcare Elements carry a secret foreign
//! key derived from it, a different one per kind of child. The server can
//! answer "the children with this key" without learning whose they are.

use base64ct::{Base64UrlUnpadded, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::{CryptoError, random32};

/// A new patient secret id (32 random bytes, base64url).
pub fn new_secret_id() -> Result<String, CryptoError> {
    Ok(Base64UrlUnpadded::encode_string(random32()?.as_ref()))
}

/// The secret foreign key of a patient's children of `child_kind`
/// (`contact`, `helement`): HMAC-SHA256(secret id, kind), base64url.
pub fn secret_foreign_key(secret_id: &str, child_kind: &str) -> Result<String, CryptoError> {
    let secret = Base64UrlUnpadded::decode_vec(secret_id)
        .map_err(|_| CryptoError::Invalid("a secret id is not base64url".into()))?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&secret)
        .map_err(|_| CryptoError::Invalid("a secret id is empty".into()))?;
    mac.update(b"hcp-kit/v1\0secret-foreign-key\0");
    mac.update(child_kind.as_bytes());
    Ok(Base64UrlUnpadded::encode_string(
        &mac.finalize().into_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_per_patient_and_kind_that_reveals_neither() {
        let a = new_secret_id().unwrap();
        let b = new_secret_id().unwrap();
        let ka = secret_foreign_key(&a, "contact").unwrap();
        assert_eq!(ka, secret_foreign_key(&a, "contact").unwrap());
        assert_ne!(ka, secret_foreign_key(&a, "helement").unwrap());
        assert_ne!(ka, secret_foreign_key(&b, "contact").unwrap());
        assert_eq!(ka.len(), 43);
        assert!(!ka.contains(&a));
    }
}
