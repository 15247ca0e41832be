//! Exchange data: one random 32-byte exchange key per (delegator, delegate)
//! pair, wrapped with HPKE (RFC 9180 base mode, DHKEM(P-256, HKDF-SHA256),
//! HKDF-SHA256, AES-256-GCM) for every key of both parties, and signed by
//! the delegator. Each wrap is stored under the fingerprint of the key it is
//! for, so nothing is decrypted by trying keys in turn. The signature also
//! covers the roots of both parties' key chains: a delegator re-reading its
//! own exchange data learns which chain it trusted for the delegate.

use std::collections::BTreeMap;

use base64ct::{Base64, Encoding};
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::aead::SecretKey;
use super::certs::VerifiedKeys;
use super::{CryptoError, tampered};
use crate::keys::{KeyPair, PublicKey};

type Kem = hpke::kem::DhP256HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::AesGcm256;

/// HPKE `info`: which protocol and purpose (short: WebCrypto HPKE libraries
/// cap it at 128 bytes). What the wrap is for goes in the associated data.
pub const HPKE_INFO: &[u8] = b"hcp-kit/v1 exchange-key";
const ENC_LEN: usize = 65;

/// The exchange data of one (delegator, delegate) pair, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeData {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    pub delegator: String,
    pub delegate: String,
    /// Root fingerprints of both parties' key chains, as the delegator saw them.
    pub delegator_root: String,
    pub delegate_root: String,
    /// The exchange key wrapped for each key of both parties, by fingerprint:
    /// `base64(enc || ciphertext)`.
    pub wrapped_keys: BTreeMap<String, String>,
    /// The delegator's key that signed, and its ECDSA signature (base64 `r || s`).
    pub signed_by: String,
    pub signature: String,
}

/// The associated data of one wrap.
pub fn wrap_aad(id: &str, delegator: &str, delegate: &str, fingerprint: &str) -> Vec<u8> {
    format!("hcp-kit/v1\0exchange-key\0{id}\0{delegator}\0{delegate}\0{fingerprint}").into_bytes()
}

/// HPKE seal of `secret` for `recipient`: `enc || ciphertext`.
pub fn hpke_seal(recipient: &PublicKey, aad: &[u8], secret: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(&recipient.sec1_uncompressed())
        .map_err(|e| CryptoError::Invalid(format!("recipient key: {e}")))?;
    let mut rng = hpke::rand_core::UnwrapErr(getrandom::SysRng);
    let (enc, ct) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &pk,
        HPKE_INFO,
        secret,
        aad,
        &mut rng,
    )
    .map_err(|e| CryptoError::Invalid(format!("HPKE seal: {e}")))?;
    let mut out = enc.to_bytes().to_vec();
    out.extend_from_slice(&ct);
    Ok(out)
}

/// HPKE open of [`hpke_seal`]'s output with `me`'s private key.
pub fn hpke_open(
    me: &KeyPair,
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if sealed.len() < ENC_LEN + 16 {
        return Err(tampered("a wrapped key is too short"));
    }
    let (enc, ct) = sealed.split_at(ENC_LEN);
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc)
        .map_err(|_| tampered("a wrapped key's encapsulation is not a P-256 point"))?;
    let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(me.secret_scalar().as_ref())
        .map_err(|e| CryptoError::Invalid(format!("private key: {e}")))?;
    hpke::single_shot_open::<Aead, Kdf, Kem>(&OpModeR::Base, &sk, &enc, HPKE_INFO, ct, aad)
        .map(Zeroizing::new)
        .map_err(|_| tampered("a wrapped exchange key failed authentication"))
}

impl ExchangeData {
    /// What the delegator signs: every field but the signature (and the rev).
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "hcp-kit/v1\0exchange-data\0{}\0{}\0{}\0{}\0{}\0{}",
            self.id,
            self.delegator,
            self.delegate,
            self.delegator_root,
            self.delegate_root,
            self.signed_by
        )
        .into_bytes();
        for (fingerprint, wrapped) in &self.wrapped_keys {
            out.push(0);
            out.extend_from_slice(fingerprint.as_bytes());
            out.push(0);
            out.extend_from_slice(wrapped.as_bytes());
        }
        out
    }

    /// New exchange data from `me` (`me_id`, its verified keys) to a
    /// delegate, with a fresh exchange key, which is returned too.
    pub fn create(
        id: &str,
        me: &KeyPair,
        me_id: &str,
        my_keys: &VerifiedKeys,
        delegate: &str,
        delegate_keys: &VerifiedKeys,
    ) -> Result<(ExchangeData, SecretKey), CryptoError> {
        let key = SecretKey::generate()?;
        let mut data = ExchangeData {
            id: id.to_owned(),
            rev: None,
            delegator: me_id.to_owned(),
            delegate: delegate.to_owned(),
            delegator_root: my_keys.root.clone(),
            delegate_root: delegate_keys.root.clone(),
            wrapped_keys: BTreeMap::new(),
            signed_by: String::new(),
            signature: String::new(),
        };
        data.wrap_for(&key, my_keys.keys.iter().chain(&delegate_keys.keys))?;
        data.sign(me);
        Ok((data, key))
    }

    fn wrap_for<'a>(
        &mut self,
        key: &SecretKey,
        recipients: impl Iterator<Item = &'a PublicKey>,
    ) -> Result<(), CryptoError> {
        for recipient in recipients {
            let fingerprint = recipient.fingerprint();
            let aad = wrap_aad(&self.id, &self.delegator, &self.delegate, &fingerprint);
            let sealed = hpke_seal(recipient, &aad, key.as_bytes())?;
            self.wrapped_keys
                .insert(fingerprint, Base64::encode_string(&sealed));
        }
        Ok(())
    }

    fn sign(&mut self, me: &KeyPair) {
        self.signed_by = me.public_key().fingerprint();
        self.signature = Base64::encode_string(&me.sign(&self.signed_bytes()));
    }

    /// The key of the delegator's chain that must have signed this, once the
    /// chain is the one it names.
    pub fn signer<'a>(
        &self,
        delegator_keys: &'a VerifiedKeys,
    ) -> Result<&'a PublicKey, CryptoError> {
        if delegator_keys.root != self.delegator_root {
            return Err(tampered(format!(
                "exchange data {} names another key chain for its delegator",
                self.id
            )));
        }
        delegator_keys
            .by_fingerprint(&self.signed_by)
            .ok_or_else(|| {
                tampered(format!(
                    "exchange data {} is signed by a key its delegator never certified",
                    self.id
                ))
            })
    }

    /// The signature's bytes (empty when it is not base64: it then fails).
    pub fn signature_bytes(&self) -> Vec<u8> {
        Base64::decode_vec(&self.signature).unwrap_or_default()
    }

    /// Checks that the delegator signed this with a key of its chain, and
    /// that the chain is the one it names.
    pub fn verify(&self, delegator_keys: &VerifiedKeys) -> Result<(), CryptoError> {
        let signer = self.signer(delegator_keys)?;
        if !signer.verify(&self.signed_bytes(), &self.signature_bytes()) {
            return Err(tampered(format!(
                "exchange data {} does not carry its delegator's signature",
                self.id
            )));
        }
        Ok(())
    }

    /// The exchange key, unwrapped with `me` (one of the two parties). Call
    /// [`ExchangeData::verify`] first.
    pub fn open(&self, me: &KeyPair) -> Result<SecretKey, CryptoError> {
        let fingerprint = me.public_key().fingerprint();
        let wrapped = self.wrapped_keys.get(&fingerprint).ok_or_else(|| {
            CryptoError::KeyMissing(format!(
                "exchange data {} holds no copy of its key for key {fingerprint}",
                self.id
            ))
        })?;
        let sealed =
            Base64::decode_vec(wrapped).map_err(|_| tampered("a wrapped key is not base64"))?;
        let aad = wrap_aad(&self.id, &self.delegator, &self.delegate, &fingerprint);
        let secret = hpke_open(me, &aad, &sealed)?;
        SecretKey::from_bytes(&secret)
    }

    /// Adds wraps for keys of either party that have none yet (a new device
    /// key), and signs again. Only the delegator can.
    pub fn rewrap(
        &mut self,
        me: &KeyPair,
        key: &SecretKey,
        keys: &[&VerifiedKeys],
    ) -> Result<bool, CryptoError> {
        let missing: Vec<PublicKey> = keys
            .iter()
            .flat_map(|v| v.keys.iter())
            .filter(|k| !self.wrapped_keys.contains_key(&k.fingerprint()))
            .cloned()
            .collect();
        if missing.is_empty() {
            return Ok(false);
        }
        self.wrap_for(key, missing.iter())?;
        self.sign(me);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::certs::{certify, verify_chain};

    fn owner(id: &str, kp: &KeyPair) -> VerifiedKeys {
        let keys = vec![kp.public_key().spki_hex()];
        let certs = BTreeMap::from([(
            kp.public_key().fingerprint(),
            certify(id, kp, kp.public_key()),
        )]);
        verify_chain(id, &keys, &certs).unwrap()
    }

    fn hex(s: &str) -> Vec<u8> {
        base16ct::mixed::decode_vec(s).unwrap()
    }

    /// RFC 9180 test vector for this suite (mode 0, KEM 0x10, KDF 1, AEAD 2),
    /// from the CFRG's test-vectors.json (as BoringSSL's and Go's copies
    /// carry it): the recipient key converts, the first encryption opens,
    /// and sealing with the vector's ephemeral seed gives the vector's bytes.
    #[test]
    fn rfc9180_test_vector_p256_sha256_aes256gcm() {
        let info = hex("4f6465206f6e2061204772656369616e2055726e");
        let ikm_e = hex("a90d3417c3da9cb6c6ae19b4b5dd6cc9529a4cc24efb7ae0ace1f31887a8cd6c");
        let sk_rm = hex("317f915db7bc629c48fe765587897e01e282d3e8445f79f27f65d031a88082b2");
        let pk_rm = hex(
            "04abc7e49a4c6b3566d77d0304addc6ed0e98512ffccf505e6a8e3eb25c685136f853148544876de76c0f2ef99cdc3a05ccf5ded7860c7c021238f9e2073d2356c",
        );
        let enc = hex(
            "04c06b4f6bebc7bb495cb797ab753f911aff80aefb86fd8b6fcc35525f3ab5f03e0b21bd31a86c6048af3cb2d98e0d3bf01da5cc4c39ff5370d331a4f1f7d5a4e0",
        );
        let aad = hex("436f756e742d30");
        let pt = hex("4265617574792069732074727574682c20747275746820626561757479");
        let ct = hex(
            "58c61a45059d0c5704560e9d88b564a8b63f1364b8d1fcb3c4c6ddc1d291742465e902cd216f8908da49f8f96f",
        );

        let recipient = KeyPair::from_scalar_bytes(&sk_rm).unwrap();
        assert_eq!(recipient.public_key().sec1_uncompressed(), pk_rm);
        let sk =
            <Kem as hpke::Kem>::PrivateKey::from_bytes(recipient.secret_scalar().as_ref()).unwrap();
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&enc).unwrap();
        let opened = hpke::single_shot_open::<Aead, Kdf, Kem>(
            &OpModeR::Base,
            &sk,
            &encapped,
            &info,
            &ct,
            &aad,
        )
        .unwrap();
        assert_eq!(opened, pt);

        struct Seed(Vec<u8>);
        impl hpke::rand_core::TryRng for Seed {
            type Error = core::convert::Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok(0)
            }
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(0)
            }
            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
                let n = dst.len().min(self.0.len());
                dst[..n].copy_from_slice(&self.0[..n]);
                Ok(())
            }
        }
        impl hpke::rand_core::TryCryptoRng for Seed {}
        let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(&pk_rm).unwrap();
        let (enc2, ct2) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
            &OpModeS::Base,
            &pk,
            &info,
            &pt,
            &aad,
            &mut Seed(ikm_e),
        )
        .unwrap();
        assert_eq!(enc2.to_bytes().to_vec(), enc);
        assert_eq!(ct2, ct);
    }

    #[test]
    fn both_parties_open_and_tampering_fails_closed() {
        let (a, b, c) = (
            KeyPair::generate().unwrap(),
            KeyPair::generate().unwrap(),
            KeyPair::generate().unwrap(),
        );
        let (ka, kb) = (owner("A", &a), owner("B", &b));
        let (data, key) = ExchangeData::create("x1", &a, "A", &ka, "B", &kb).unwrap();
        data.verify(&ka).unwrap();
        assert_eq!(data.open(&a).unwrap().as_bytes(), key.as_bytes());
        assert_eq!(data.open(&b).unwrap().as_bytes(), key.as_bytes());
        assert!(matches!(data.open(&c), Err(CryptoError::KeyMissing(_))));

        // Re-signed by a key the delegator never certified.
        let mut forged = data.clone();
        forged.sign(&c);
        assert!(matches!(forged.verify(&ka), Err(CryptoError::Tampered(_))));
        // A wrap moved to another recipient, or changed.
        let mut moved = data.clone();
        let wrap = moved
            .wrapped_keys
            .remove(&b.public_key().fingerprint())
            .unwrap();
        moved
            .wrapped_keys
            .insert(a.public_key().fingerprint(), wrap);
        assert!(matches!(moved.verify(&ka), Err(CryptoError::Tampered(_))));
        assert!(matches!(moved.open(&a), Err(CryptoError::Tampered(_))));
        // The delegate swapped.
        let mut swapped = data.clone();
        swapped.delegate = "C".into();
        assert!(matches!(swapped.verify(&ka), Err(CryptoError::Tampered(_))));
        // Another chain for the delegator.
        assert!(matches!(
            data.verify(&owner("A", &c)),
            Err(CryptoError::Tampered(_))
        ));
    }
}
