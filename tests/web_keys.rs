//! The key API as JavaScript sees it, run in headless Chromium: values,
//! thrown `HcpError`s with their codes, and the keypair file round trip.
#![cfg(target_arch = "wasm32")]

use hcp_kit::{
    KeyPair, generate_key_pair, import_private_key, inspect_key_pair_file, load_key_pair, verify,
};
use js_sys::{JSON, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn code_of<T>(r: Result<T, JsValue>) -> String {
    let Err(e) = r else {
        panic!("expected an HcpError")
    };
    assert!(
        e.is_instance_of::<js_sys::Error>(),
        "thrown value is a real Error"
    );
    assert_eq!(get(&e, "name").as_string().as_deref(), Some("HcpError"));
    assert!(is_hcp_error(e.clone()));
    let message = get(&e, "message").as_string().unwrap();
    assert!(!message.is_empty());
    get(&e, "code").as_string().unwrap()
}

fn options(passphrase: &str) -> hcp_kit::SaveOptionsJs {
    let o = Object::new();
    Reflect::set(&o, &"passphrase".into(), &passphrase.into()).unwrap();
    o.unchecked_into()
}

#[wasm_bindgen_test]
fn generated_key_exports_look_like_webcrypto_formats() {
    let kp = generate_key_pair().unwrap();
    let hex = kp.public_key_hex();
    assert_eq!(hex.len(), 182);
    assert!(hex.starts_with("3059301306072a8648ce3d0201"));
    assert_eq!(kp.fingerprint(), hex[hex.len() - 32..]);
    let jwk = kp.public_key_jwk().unwrap();
    assert_eq!(get(&jwk, "kty").as_string().as_deref(), Some("EC"));
    assert_eq!(get(&jwk, "crv").as_string().as_deref(), Some("P-256"));
    assert!(get(&jwk, "d").is_undefined(), "public JWK has no d");
    let private = kp.export_private_key_jwk().unwrap();
    assert_eq!(get(&private, "d").as_string().map(|d| d.len()), Some(43));
    assert!(
        kp.export_private_key_pem()
            .starts_with("-----BEGIN PRIVATE KEY-----\n")
    );
    assert!(
        kp.public_key_pem()
            .starts_with("-----BEGIN PUBLIC KEY-----\n")
    );
    assert_eq!(kp.public_key_spki().len(), 91);
    drop(kp);
}

#[wasm_bindgen_test]
fn private_key_imports_from_every_export() {
    let kp = generate_key_pair().unwrap();
    let inputs: Vec<JsValue> = vec![
        kp.export_private_key_pkcs8().into(),
        kp.export_private_key_pem().into(),
        kp.export_private_key_jwk().unwrap(),
        JSON::stringify(&kp.export_private_key_jwk().unwrap())
            .unwrap()
            .into(),
    ];
    for input in inputs {
        let back = import_private_key(input).unwrap();
        assert_eq!(back.public_key_hex(), kp.public_key_hex());
    }
    assert_eq!(code_of(import_private_key(JsValue::from(42))), "InvalidKey");
    assert_eq!(code_of(import_private_key("MIGHAgEA".into())), "InvalidKey");
}

#[wasm_bindgen_test]
fn signatures_and_shared_secrets_work_across_js_values() {
    let a = generate_key_pair().unwrap();
    let b = generate_key_pair().unwrap();
    let msg = b"hello HCP";
    let sig = a.sign(msg);
    assert_eq!(sig.len(), 64);
    assert!(verify(a.public_key_hex().into(), msg, &sig).unwrap());
    assert!(verify(a.public_key_jwk().unwrap(), msg, &a.sign_der(msg)).unwrap());
    assert!(!verify(b.public_key_hex().into(), msg, &sig).unwrap());
    assert!(!verify(a.public_key_hex().into(), b"hello HCp", &sig).unwrap());
    let spki = js_sys::Uint8Array::from(a.public_key_spki().as_slice());
    assert!(verify(spki.into(), msg, &sig).unwrap());

    let ab = a.derive_shared_secret(b.public_key_hex().into()).unwrap();
    let ba = b.derive_shared_secret(a.public_key_jwk().unwrap()).unwrap();
    assert_eq!(ab.len(), 32);
    assert_eq!(ab, ba);
    assert!(a.matches_public_key(a.public_key_hex().into()).unwrap());
    assert!(!a.matches_public_key(b.public_key_hex().into()).unwrap());
    assert_eq!(
        code_of(a.derive_shared_secret("04deadbeef".into())),
        "InvalidKey"
    );
    assert_eq!(code_of(verify("not hex".into(), msg, &sig)), "InvalidKey");
    assert_eq!(code_of(a.matches_public_key(JsValue::NULL)), "InvalidKey");
}

#[wasm_bindgen_test]
fn keypair_file_round_trip_plain_and_sealed() {
    let kp = generate_key_pair().unwrap();
    let plain = kp.to_json("hcp-1", None).unwrap();
    let info = inspect_key_pair_file(&plain).unwrap();
    assert_eq!(get(&info, "hcpId").as_string().as_deref(), Some("hcp-1"));
    assert_eq!(get(&info, "encrypted").as_bool(), Some(false));
    assert_eq!(
        get(&info, "publicKeyHex").as_string(),
        Some(kp.public_key_hex())
    );
    let created = get(&info, "createdAt").as_string().unwrap();
    assert!(
        created.ends_with('Z') && created.contains('T'),
        "ISO time: {created}"
    );
    let back: KeyPair = load_key_pair(&plain, None).unwrap();
    assert_eq!(back.public_key_hex(), kp.public_key_hex());

    let sealed = kp.to_json("hcp-1", Some(options("s3cret"))).unwrap();
    assert!(!sealed.contains(&kp.export_private_key_pkcs8()));
    assert_eq!(
        get(&inspect_key_pair_file(&sealed).unwrap(), "encrypted").as_bool(),
        Some(true)
    );
    assert_eq!(code_of(load_key_pair(&sealed, None)), "PassphraseRequired");
    assert_eq!(
        code_of(load_key_pair(&sealed, Some("s3creT".into()))),
        "WrongPassphrase"
    );
    let opened = load_key_pair(&sealed, Some("s3cret".into())).unwrap();
    assert_eq!(
        opened.export_private_key_pkcs8(),
        kp.export_private_key_pkcs8()
    );

    assert_eq!(
        code_of(load_key_pair(&plain[..plain.len() / 2], None)),
        "InvalidFile"
    );
    assert_eq!(code_of(load_key_pair("{}", None)), "InvalidFile");
    assert_eq!(
        code_of(load_key_pair(
            &plain.replace("\"version\": 1", "\"version\": 9"),
            None
        )),
        "UnsupportedVersion"
    );
    assert_eq!(code_of(kp.to_json("", None)), "Validation");
    assert_eq!(
        code_of(kp.to_json("hcp-1", Some(options("")))),
        "Validation"
    );
}

#[wasm_bindgen_test]
fn a_mismatched_file_is_refused() {
    let kp = generate_key_pair().unwrap();
    let other = generate_key_pair().unwrap();
    let plain = kp.to_json("hcp-1", None).unwrap();
    let doctored = plain
        .replace(&kp.public_key_hex(), &other.public_key_hex())
        .replace(&kp.fingerprint(), &other.fingerprint())
        .replace(
            &as_str(&get(&kp.public_key_jwk().unwrap(), "x")),
            &as_str(&get(&other.public_key_jwk().unwrap(), "x")),
        )
        .replace(
            &as_str(&get(&kp.public_key_jwk().unwrap(), "y")),
            &as_str(&get(&other.public_key_jwk().unwrap(), "y")),
        );
    assert_eq!(code_of(load_key_pair(&doctored, None)), "KeyMismatch");
}

fn as_str(v: &JsValue) -> String {
    v.as_string().unwrap()
}

/// The shape of an `HcpError` (the package's `isHcpError` is plain JS).
fn is_hcp_error(v: JsValue) -> bool {
    v.dyn_ref::<js_sys::Error>()
        .is_some_and(|e| e.name() == "HcpError")
        && js_sys::Reflect::get(&v, &JsValue::from_str("code")).is_ok_and(|c| c.is_string())
}
