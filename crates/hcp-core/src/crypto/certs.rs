//! A data owner's public keys as a chain: the first key certifies itself
//! (proof that whoever registered it held its private key), and every later
//! key is certified by an earlier one. Each certificate names the owner, so a
//! certified key cannot be moved to someone else. A key without a valid
//! certificate (one a server added, say) breaks the chain, and the client
//! refuses to encrypt for, or trust signatures of, that owner.

use std::collections::BTreeMap;

use base64ct::{Base64, Encoding};
use serde::{Deserialize, Serialize};

use super::{CryptoError, tampered};
use crate::keys::{KeyPair, PublicKey};

/// A certificate of one key: who signed it (a key fingerprint) and the
/// ECDSA P-256 signature (64-byte `r || s`, base64).
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCertificate {
    pub signed_by: String,
    pub signature: String,
}

/// What a certificate signs.
pub fn certificate_message(owner_id: &str, spki_hex: &str) -> Vec<u8> {
    format!("hcp-kit/v1\0key-certificate\0{owner_id}\0{spki_hex}").into_bytes()
}

/// `signer` certifies `key` as a key of `owner_id` (the first key of an
/// owner is certified by itself).
pub fn certify(owner_id: &str, signer: &KeyPair, key: &PublicKey) -> KeyCertificate {
    let signature = signer.sign(&certificate_message(owner_id, &key.spki_hex()));
    KeyCertificate {
        signed_by: signer.public_key().fingerprint(),
        signature: Base64::encode_string(&signature),
    }
}

/// The keys of an owner that passed the chain check, in order.
#[derive(Debug, Clone)]
pub struct VerifiedKeys {
    /// The fingerprint of the first key: it names the chain.
    pub root: String,
    pub keys: Vec<PublicKey>,
}

impl VerifiedKeys {
    pub fn by_fingerprint(&self, fingerprint: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|k| k.fingerprint() == fingerprint)
    }
}

/// A signature a chain needs checked: the certifying key, the message, the
/// signature (64-byte `r || s`).
pub struct SignatureCheck {
    pub signer: PublicKey,
    pub message: Vec<u8>,
    pub signature: Vec<u8>,
}

/// The structure of `owner_id`'s chain (every key parses, once; the first
/// certifies itself; every later one names an earlier key), and the
/// signatures that remain to be checked: where they are checked is the
/// caller's choice (p256 here, WebCrypto in a browser). `KeyMissing` when
/// the owner has no key yet, `Tampered` when the structure is wrong.
pub fn chain_checks(
    owner_id: &str,
    keys_hex: &[String],
    certificates: &BTreeMap<String, KeyCertificate>,
) -> Result<(VerifiedKeys, Vec<SignatureCheck>), CryptoError> {
    if keys_hex.is_empty() {
        return Err(CryptoError::KeyMissing(format!(
            "data owner {owner_id} has no public key yet"
        )));
    }
    let mut keys: Vec<PublicKey> = Vec::with_capacity(keys_hex.len());
    let mut checks = Vec::with_capacity(keys_hex.len());
    for hex in keys_hex {
        let key = PublicKey::parse(hex).map_err(|_| {
            tampered(format!(
                "data owner {owner_id} lists a key that is not P-256"
            ))
        })?;
        let fingerprint = key.fingerprint();
        if keys.iter().any(|k| k.fingerprint() == fingerprint) {
            return Err(tampered(format!("data owner {owner_id} lists a key twice")));
        }
        let cert = certificates.get(&fingerprint).ok_or_else(|| {
            tampered(format!(
                "key {fingerprint} of data owner {owner_id} has no certificate"
            ))
        })?;
        let signer = if keys.is_empty() {
            (cert.signed_by == fingerprint).then_some(&key)
        } else {
            keys.iter().find(|k| k.fingerprint() == cert.signed_by)
        };
        let signer = signer.cloned().ok_or_else(|| {
            tampered(format!(
                "key {fingerprint} of data owner {owner_id} is not certified by its earlier keys"
            ))
        })?;
        checks.push(SignatureCheck {
            message: certificate_message(owner_id, &key.spki_hex()),
            signature: Base64::decode_vec(&cert.signature).unwrap_or_default(),
            signer,
        });
        keys.push(key);
    }
    let root = keys.first().map(PublicKey::fingerprint).unwrap_or_default();
    Ok((VerifiedKeys { root, keys }, checks))
}

/// Checks that every key of `owner_id` is in the chain, signatures included
/// (with p256); `KeyMissing` when the owner has no key yet, `Tampered` when
/// any key is not certified.
pub fn verify_chain(
    owner_id: &str,
    keys_hex: &[String],
    certificates: &BTreeMap<String, KeyCertificate>,
) -> Result<VerifiedKeys, CryptoError> {
    let (keys, checks) = chain_checks(owner_id, keys_hex, certificates)?;
    for c in checks {
        if !c.signer.verify(&c.message, &c.signature) {
            return Err(tampered(format!(
                "a key of data owner {owner_id} is not certified by its earlier keys"
            )));
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(owner: &str, pairs: &[&KeyPair]) -> (Vec<String>, BTreeMap<String, KeyCertificate>) {
        let mut keys = Vec::new();
        let mut certs = BTreeMap::new();
        for (i, kp) in pairs.iter().enumerate() {
            let signer = if i == 0 { kp } else { pairs[i - 1] };
            keys.push(kp.public_key().spki_hex());
            certs.insert(
                kp.public_key().fingerprint(),
                certify(owner, signer, kp.public_key()),
            );
        }
        (keys, certs)
    }

    #[test]
    fn a_chain_verifies_and_an_added_key_breaks_it() {
        let (a, b) = (KeyPair::generate().unwrap(), KeyPair::generate().unwrap());
        let (keys, certs) = chain("owner", &[&a, &b]);
        let ok = verify_chain("owner", &keys, &certs).unwrap();
        assert_eq!(ok.root, a.public_key().fingerprint());
        assert_eq!(ok.keys.len(), 2);

        // The server adds its own key, with a self-certificate.
        let evil = KeyPair::generate().unwrap();
        let (mut k2, mut c2) = (keys.clone(), certs.clone());
        k2.push(evil.public_key().spki_hex());
        c2.insert(
            evil.public_key().fingerprint(),
            certify("owner", &evil, evil.public_key()),
        );
        assert!(matches!(
            verify_chain("owner", &k2, &c2),
            Err(CryptoError::Tampered(_))
        ));
        // ... or without any.
        c2.remove(&evil.public_key().fingerprint());
        assert!(matches!(
            verify_chain("owner", &k2, &c2),
            Err(CryptoError::Tampered(_))
        ));
        // A certified key moved to another owner.
        assert!(matches!(
            verify_chain("other", &keys, &certs),
            Err(CryptoError::Tampered(_))
        ));
        // No key yet.
        assert!(matches!(
            verify_chain("owner", &[], &BTreeMap::new()),
            Err(CryptoError::KeyMissing(_))
        ));
    }
}
