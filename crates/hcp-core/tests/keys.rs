//! Key generation, every export format, and ECDSA/ECDH, checked against
//! vectors produced by OpenSSL and by RFC 6979.

use hcp_core::Code;
use hcp_core::Coded;
use hcp_core::keys::{Jwk, KeyError, KeyPair, PublicKey};

// Generated once with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.
const KAT_PKCS8_B64: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQge97PTRRaudgI8eBpzyKnIp+SFkPxeZx/UlTWuPUjLzqhRANCAARILE1o7c9qSjfL/u8tJIPj1P6IS3J0VfzX5BonahmfC61emJNTSpSPFCQBBomHGaIVQM1eGTiRaCnPy3vKrA7d";
const KAT_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQge97PTRRaudgI8eBp
zyKnIp+SFkPxeZx/UlTWuPUjLzqhRANCAARILE1o7c9qSjfL/u8tJIPj1P6IS3J0
VfzX5BonahmfC61emJNTSpSPFCQBBomHGaIVQM1eGTiRaCnPy3vKrA7d
-----END PRIVATE KEY-----
";
// `openssl pkey -pubout -outform DER | xxd -p`
const KAT_SPKI_HEX: &str = "3059301306072a8648ce3d020106082a8648ce3d03010703420004482c4d68edcf6a4a37cbfeef2d2483e3d4fe884b727455fcd7e41a276a199f0bad5e9893534a948f14240106898719a21540cd5e1938916829cfcb7bcaac0edd";
const KAT_X: &str = "SCxNaO3Pako3y_7vLSSD49T-iEtydFX81-QaJ2oZnws";
const KAT_Y: &str = "rV6Yk1NKlI8UJAEGiYcZohVAzV4ZOJFoKc_Le8qsDt0";
const KAT_D: &str = "e97PTRRaudgI8eBpzyKnIp-SFkPxeZx_UlTWuPUjLzo";
// `openssl dgst -sha256 -sign` over KAT_MESSAGE.
const KAT_MESSAGE: &[u8] = b"hcp-kit known answer";
const KAT_OPENSSL_SIG_HEX: &str = "30450220641e5a7027b7079e4d1ce353fd777d125e53d6cd541c51826ae3af525a860d1802210087d710729c71d1139291c94db7cbcfc086b8d5b4e701030d933504a28869ee90";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn kat() -> KeyPair {
    KeyPair::from_private_text(KAT_PKCS8_B64).unwrap()
}

#[test]
fn known_pkcs8_gives_openssls_public_key() {
    let pair = kat();
    assert_eq!(pair.public_key().spki_hex(), KAT_SPKI_HEX);
    assert_eq!(
        pair.public_key().fingerprint(),
        &KAT_SPKI_HEX[KAT_SPKI_HEX.len() - 32..]
    );
    let jwk = pair.private_jwk();
    assert_eq!((jwk.kty.as_str(), jwk.crv.as_str()), ("EC", "P-256"));
    assert_eq!((jwk.x.as_str(), jwk.y.as_str()), (KAT_X, KAT_Y));
    assert_eq!(jwk.d.as_deref(), Some(KAT_D));
    assert_eq!(pair.public_key().jwk().d, None);
}

#[test]
fn known_pkcs8_reexports_byte_identical() {
    let pair = kat();
    assert_eq!(pair.private_pkcs8_base64().as_str(), KAT_PKCS8_B64);
    assert_eq!(pair.private_pem().as_str(), KAT_PEM);
    assert_eq!(
        KeyPair::from_private_text(KAT_PEM)
            .unwrap()
            .public_key()
            .spki_hex(),
        KAT_SPKI_HEX
    );
}

#[test]
fn openssl_signature_verifies_and_tampering_does_not() {
    let public = PublicKey::parse(KAT_SPKI_HEX).unwrap();
    let sig = hex(KAT_OPENSSL_SIG_HEX);
    assert!(public.verify(KAT_MESSAGE, &sig));
    assert!(!public.verify(b"hcp-kit known answeR", &sig));
    let mut bent = sig.clone();
    let last = bent.len() - 1;
    bent[last] ^= 1;
    assert!(!public.verify(KAT_MESSAGE, &bent));
    assert!(!public.verify(KAT_MESSAGE, &sig[..sig.len() - 3]));
    assert!(!public.verify(KAT_MESSAGE, &[]));
}

#[test]
fn rfc6979_p256_sha256_sample_vector() {
    // RFC 6979 appendix A.2.5, message "sample".
    let jwk = Jwk {
        kty: "EC".into(),
        crv: "P-256".into(),
        x: b64url(&hex(
            "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
        )),
        y: b64url(&hex(
            "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
        )),
        d: Some(b64url(&hex(
            "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
        ))),
    };
    let pair = KeyPair::from_jwk(&jwk).unwrap();
    let sig = pair.sign(b"sample");
    let expected = hex(concat!(
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
        "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"
    ));
    assert_eq!(sig.to_vec(), expected);
    assert!(pair.public_key().verify(b"sample", &sig));
}

fn b64url(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64UrlUnpadded::encode_string(bytes)
}

#[test]
fn generated_keys_round_trip_every_format() {
    let pair = KeyPair::generate().unwrap();
    let public = pair.public_key();
    let hex_form = public.spki_hex();
    assert_eq!(
        hex_form.len(),
        182,
        "SPKI of an uncompressed P-256 point is 91 bytes"
    );
    assert!(hex_form.starts_with("3059301306072a8648ce3d020106082a8648ce3d030107034200"));
    for text in [
        hex_form.clone(),
        hex_form.to_uppercase(),
        public.pem(),
        serde_json::to_string(&public.jwk()).unwrap(),
        base16ct::lower::encode_string(&public.sec1_uncompressed()),
    ] {
        assert_eq!(&PublicKey::parse(&text).unwrap(), public, "{text}");
    }
    assert_eq!(&PublicKey::from_bytes(&public.spki_der()).unwrap(), public);

    let b64 = pair.private_pkcs8_base64();
    let pem = pair.private_pem();
    let jwk = serde_json::to_string(&pair.private_jwk()).unwrap();
    for text in [b64.as_str(), pem.as_str(), jwk.as_str()] {
        let back = KeyPair::from_private_text(text).unwrap();
        assert_eq!(back.public_key(), public);
        assert_eq!(
            back.private_pkcs8_der().as_slice(),
            pair.private_pkcs8_der().as_slice()
        );
    }
}

#[test]
fn two_generated_keys_differ() {
    let a = KeyPair::generate().unwrap();
    let b = KeyPair::generate().unwrap();
    assert_ne!(a.public_key(), b.public_key());
    assert_ne!(
        a.private_pkcs8_der().as_slice(),
        b.private_pkcs8_der().as_slice()
    );
}

#[test]
fn sign_verify_both_encodings() {
    let pair = KeyPair::generate().unwrap();
    let other = KeyPair::generate().unwrap();
    let msg = b"register HCP public key";
    let raw = pair.sign(msg);
    let der = pair.sign_der(msg);
    assert_eq!(der.first(), Some(&0x30));
    assert!(pair.public_key().verify(msg, &raw));
    assert!(pair.public_key().verify(msg, &der));
    assert!(!other.public_key().verify(msg, &raw));
    assert!(!pair.public_key().verify(b"other", &raw));
}

#[test]
fn ecdh_agrees_both_ways() {
    let a = KeyPair::generate().unwrap();
    let b = KeyPair::generate().unwrap();
    let ab = a.shared_secret(b.public_key());
    let ba = b.shared_secret(a.public_key());
    assert_eq!(*ab, *ba);
    assert_ne!(*ab, [0u8; 32]);
    let c = KeyPair::generate().unwrap();
    assert_ne!(*a.shared_secret(c.public_key()), *ab);
}

fn code_of(r: Result<impl Sized, KeyError>) -> Code {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

#[test]
fn malformed_public_keys_are_typed_errors() {
    let point_off_curve = format!("{}{}", &KAT_SPKI_HEX[..KAT_SPKI_HEX.len() - 2], "de");
    // secp256k1 SPKI: right shape, wrong curve OID.
    let secp256k1 = "3056301006072a8648ce3d020106052b8104000a034200044f355bdcb7cc0af728ef3cceb9615d90684bb5b2ca5f859ab0f0b704075871aa385b6b1b8ead809ca67454d9683fcf2ba03456d6fe2c4abe2b07f0fbdbb2f1c1";
    let bad = [
        "",
        "zz",
        "abc",
        &KAT_SPKI_HEX[..100],
        &point_off_curve,
        secp256k1,
        "04",
        "05aabb",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        "{\"kty\":\"RSA\",\"crv\":\"P-256\",\"x\":\"\",\"y\":\"\"}",
        "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"\",\"y\":\"\"}",
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}",
        "{not json",
    ];
    for text in bad {
        assert_eq!(
            code_of(PublicKey::parse(text)),
            Code::InvalidKey,
            "{text:?}"
        );
    }
}

#[test]
fn malformed_private_keys_are_typed_errors() {
    let der = {
        use base64ct::Encoding;
        base64ct::Base64::decode_vec(KAT_PKCS8_B64).unwrap()
    };
    for cut in [0, 1, 10, 40, der.len() - 1] {
        assert_eq!(
            code_of(KeyPair::from_pkcs8_der(&der[..cut])),
            Code::InvalidKey,
            "cut {cut}"
        );
    }
    let mut flipped = der.clone();
    flipped[20] ^= 0xff; // inside the algorithm OID
    assert_eq!(code_of(KeyPair::from_pkcs8_der(&flipped)), Code::InvalidKey);
    assert_eq!(
        code_of(KeyPair::from_private_text("not base64 !!")),
        Code::InvalidKey
    );
    assert_eq!(
        code_of(KeyPair::from_private_text(&KAT_PEM[..60])),
        Code::InvalidKey
    );
    // A JWK whose public part is someone else's.
    let mut jwk = kat().private_jwk();
    jwk.x = KeyPair::generate().unwrap().public_key().jwk().x.clone();
    assert!(KeyPair::from_jwk(&jwk).is_err());
    let mut jwk = kat().private_jwk();
    jwk.d = Some(b64url(&[0u8; 32]));
    assert_eq!(code_of(KeyPair::from_jwk(&jwk)), Code::InvalidKey);
}

#[test]
fn debug_output_never_shows_the_secret() {
    let pair = kat();
    let shown = format!("{pair:?}");
    assert!(!shown.contains(KAT_D));
    assert!(!shown.contains("7bdecf4d"));
    assert!(shown.contains(&KAT_SPKI_HEX[..20]));
}
