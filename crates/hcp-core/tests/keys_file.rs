//! The keypair file: round trips, passphrase sealing, and every way a file
//! can be malformed, truncated, tampered with or mismatched.

use hcp_core::keys::KeyPair;
use hcp_core::keys::file::{self, KdfParams, SaveOptions};
use hcp_core::{Code, Coded};
use serde_json::{Value, json};
use zeroize::Zeroizing;

const HCP: &str = "3f1c2a7e-5b4d-4c1e-9a8f-0d2b6e7c1a90";
const AT: &str = "2026-11-23T12:00:00.000Z";

// Cheap Argon2 for the many cases; one test keeps the real defaults.
fn fast() -> KdfParams {
    KdfParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    }
}

fn sealed(pass: &str) -> SaveOptions {
    SaveOptions {
        passphrase: Some(Zeroizing::new(pass.into())),
        kdf: fast(),
    }
}

fn code(r: Result<impl Sized, hcp_core::keys::KeyError>) -> Code {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

fn edit(json: &str, f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(json).unwrap();
    f(&mut v);
    v.to_string()
}

#[test]
fn plain_file_round_trips_and_describes_itself() {
    let pair = KeyPair::generate().unwrap();
    let json = file::to_json(&pair, HCP, AT, &SaveOptions::default()).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["format"], "hcp-kit-keypair");
    assert_eq!(v["version"], 1);
    assert_eq!(v["hcpId"], HCP);
    assert_eq!(v["createdAt"], AT);
    assert_eq!(v["curve"], "P-256");
    assert_eq!(v["publicKey"]["spkiHex"], pair.public_key().spki_hex());
    assert_eq!(v["fingerprint"], pair.public_key().fingerprint());
    assert_eq!(
        v["privateKey"]["pkcs8Base64"],
        pair.private_pkcs8_base64().as_str()
    );

    let loaded = file::load(&json, None).unwrap();
    assert_eq!(loaded.key_pair.public_key(), pair.public_key());
    assert_eq!(
        loaded.key_pair.private_pkcs8_der().as_slice(),
        pair.private_pkcs8_der().as_slice()
    );
    assert_eq!(loaded.info.hcp_id, HCP);
    assert_eq!(loaded.info.created_at, AT);
    assert!(!loaded.info.encrypted);
    assert_eq!(file::inspect(&json).unwrap(), loaded.info);
}

#[test]
fn sealed_file_hides_the_key_and_opens_only_with_the_passphrase() {
    let pair = KeyPair::generate().unwrap();
    let json = file::to_json(&pair, HCP, AT, &sealed("correct horse")).unwrap();
    assert!(!json.contains(pair.private_pkcs8_base64().as_str()));
    assert!(!json.contains(pair.private_jwk().d.as_deref().unwrap()));
    assert!(file::inspect(&json).unwrap().encrypted);

    assert_eq!(code(file::load(&json, None)), Code::PassphraseRequired);
    assert_eq!(
        code(file::load(&json, Some("correct horsf"))),
        Code::WrongPassphrase
    );
    assert_eq!(code(file::load(&json, Some(""))), Code::WrongPassphrase);
    let loaded = file::load(&json, Some("correct horse")).unwrap();
    assert_eq!(loaded.key_pair.public_key(), pair.public_key());
}

#[test]
fn default_kdf_is_recorded_and_works() {
    let pair = KeyPair::generate().unwrap();
    let opts = SaveOptions {
        passphrase: Some(Zeroizing::new("pw".into())),
        kdf: KdfParams::default(),
    };
    let json = file::to_json(&pair, HCP, AT, &opts).unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    let enc = &v["privateKey"]["encrypted"];
    assert_eq!(enc["kdf"], "argon2id");
    assert_eq!(enc["memoryKib"], 19456);
    assert_eq!(enc["iterations"], 2);
    assert_eq!(enc["parallelism"], 1);
    assert_eq!(enc["cipher"], "AES-256-GCM");
    assert!(file::load(&json, Some("pw")).is_ok());
}

#[test]
fn two_seals_of_one_key_use_fresh_salt_and_nonce() {
    let pair = KeyPair::generate().unwrap();
    let a: Value =
        serde_json::from_str(&file::to_json(&pair, HCP, AT, &sealed("p")).unwrap()).unwrap();
    let b: Value =
        serde_json::from_str(&file::to_json(&pair, HCP, AT, &sealed("p")).unwrap()).unwrap();
    for field in ["salt", "nonce", "ciphertext"] {
        assert_ne!(
            a["privateKey"]["encrypted"][field], b["privateKey"]["encrypted"][field],
            "{field}"
        );
    }
}

#[test]
fn tampered_ciphertext_or_swapped_public_key_never_yields_a_key() {
    let pair = KeyPair::generate().unwrap();
    let other = KeyPair::generate().unwrap();
    let json = file::to_json(&pair, HCP, AT, &sealed("pw")).unwrap();

    let bent = edit(&json, |v| {
        let ct = v["privateKey"]["encrypted"]["ciphertext"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut bytes: Vec<char> = ct.chars().collect();
        bytes[5] = if bytes[5] == 'A' { 'B' } else { 'A' };
        v["privateKey"]["encrypted"]["ciphertext"] = json!(bytes.into_iter().collect::<String>());
    });
    assert_eq!(code(file::load(&bent, Some("pw"))), Code::WrongPassphrase);

    // Someone else's public key pasted in, with a consistent fingerprint and JWK:
    // the AEAD binds the sealed key to the original public key.
    let swapped = edit(&json, |v| {
        let p = other.public_key();
        v["publicKey"]["spkiHex"] = json!(p.spki_hex());
        v["publicKey"]["jwk"] = serde_json::to_value(p.jwk()).unwrap();
        v["fingerprint"] = json!(p.fingerprint());
    });
    assert_eq!(
        code(file::load(&swapped, Some("pw"))),
        Code::WrongPassphrase
    );
}

#[test]
fn mismatched_public_key_in_a_plain_file_is_refused() {
    let pair = KeyPair::generate().unwrap();
    let other = KeyPair::generate().unwrap();
    let json = file::to_json(&pair, HCP, AT, &SaveOptions::default()).unwrap();
    let swapped = edit(&json, |v| {
        let p = other.public_key();
        v["publicKey"]["spkiHex"] = json!(p.spki_hex());
        v["publicKey"]["jwk"] = serde_json::to_value(p.jwk()).unwrap();
        v["fingerprint"] = json!(p.fingerprint());
    });
    assert_eq!(code(file::load(&swapped, None)), Code::KeyMismatch);
    // Only the JWK or only the fingerprint changed: inconsistent file.
    let jwk_only = edit(&json, |v| {
        v["publicKey"]["jwk"] = serde_json::to_value(other.public_key().jwk()).unwrap()
    });
    assert_eq!(code(file::load(&jwk_only, None)), Code::InvalidFile);
    let fp_only = edit(&json, |v| {
        v["fingerprint"] = json!(other.public_key().fingerprint())
    });
    assert_eq!(code(file::load(&fp_only, None)), Code::InvalidFile);
}

#[test]
fn every_truncation_of_a_file_is_a_typed_error() {
    let pair = KeyPair::generate().unwrap();
    for opts in [SaveOptions::default(), sealed("pw")] {
        let json = file::to_json(&pair, HCP, AT, &opts).unwrap();
        for cut in 0..json.len() {
            let Some(prefix) = json.get(..cut) else {
                continue;
            };
            let r = file::load(prefix, Some("pw"));
            assert!(matches!(code(r), Code::InvalidFile), "cut at {cut}");
        }
    }
}

#[test]
fn malformed_fields_are_reported() {
    let pair = KeyPair::generate().unwrap();
    let json = file::to_json(&pair, HCP, AT, &SaveOptions::default()).unwrap();
    let sealed_json = file::to_json(&pair, HCP, AT, &sealed("pw")).unwrap();
    let cases: Vec<(String, Code)> = vec![
        ("[]".into(), Code::InvalidFile),
        ("{\"version\":1}".into(), Code::InvalidFile),
        (
            edit(&json, |v| v["format"] = json!("other")),
            Code::InvalidFile,
        ),
        (
            edit(&json, |v| v["version"] = json!(2)),
            Code::UnsupportedVersion,
        ),
        (
            edit(&json, |v| v["version"] = json!("1")),
            Code::UnsupportedVersion,
        ),
        (
            edit(&json, |v| {
                v.as_object_mut().unwrap().remove("version");
            }),
            Code::InvalidFile,
        ),
        (
            edit(&json, |v| {
                v.as_object_mut().unwrap().remove("hcpId");
            }),
            Code::InvalidFile,
        ),
        (edit(&json, |v| v["hcpId"] = json!("")), Code::InvalidFile),
        (
            edit(&json, |v| v["hcpId"] = json!("a\u{0}b")),
            Code::InvalidFile,
        ),
        (
            edit(&json, |v| v["curve"] = json!("P-384")),
            Code::InvalidFile,
        ),
        (
            edit(&json, |v| v["publicKey"]["spkiHex"] = json!("3059")),
            Code::InvalidKey,
        ),
        (
            edit(&json, |v| v["privateKey"]["pkcs8Base64"] = json!("%%%")),
            Code::InvalidFile,
        ),
        (
            edit(&json, |v| {
                v["privateKey"]["pkcs8Base64"] = json!("MIGHAgEA")
            }),
            Code::InvalidKey,
        ),
        (
            edit(&json, |v| v["privateKey"] = json!({})),
            Code::InvalidFile,
        ),
        (
            edit(&json, |v| v["privateKey"]["extra"] = json!(1)),
            Code::InvalidFile,
        ),
        (
            edit(&sealed_json, |v| {
                v["privateKey"]["pkcs8Base64"] = json!(pair.private_pkcs8_base64().as_str())
            }),
            Code::InvalidFile,
        ),
        (
            edit(&sealed_json, |v| {
                v["privateKey"]["encrypted"]["memoryKib"] = json!(u32::MAX)
            }),
            Code::InvalidFile,
        ),
        (
            edit(&sealed_json, |v| {
                v["privateKey"]["encrypted"]["iterations"] = json!(1000)
            }),
            Code::InvalidFile,
        ),
        (
            edit(&sealed_json, |v| {
                v["privateKey"]["encrypted"]["iterations"] = json!(0)
            }),
            Code::InvalidFile,
        ),
        (
            edit(&sealed_json, |v| {
                v["privateKey"]["encrypted"]["nonce"] = json!("AAAA")
            }),
            Code::InvalidFile,
        ),
        (
            edit(&sealed_json, |v| {
                v["privateKey"]["encrypted"]["salt"] = json!("AAAA")
            }),
            Code::InvalidFile,
        ),
        (
            edit(&sealed_json, |v| {
                v["privateKey"]["encrypted"]["kdf"] = json!("pbkdf2")
            }),
            Code::InvalidFile,
        ),
    ];
    for (i, (text, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            code(file::load(&text, Some("pw"))),
            expected,
            "case {i}: {text}"
        );
    }
}

#[test]
fn saving_checks_its_arguments() {
    let pair = KeyPair::generate().unwrap();
    assert_eq!(
        code(file::to_json(&pair, "", AT, &SaveOptions::default())),
        Code::Validation
    );
    assert_eq!(
        code(file::to_json(&pair, "a\nb", AT, &SaveOptions::default())),
        Code::Validation
    );
    assert_eq!(
        code(file::to_json(
            &pair,
            &"x".repeat(300),
            AT,
            &SaveOptions::default()
        )),
        Code::Validation
    );
    assert_eq!(
        code(file::to_json(&pair, HCP, AT, &sealed(""))),
        Code::Validation
    );
}
