//! Recognizes a private key wherever it hides in a JSON document: the server
//! refuses such a request (storing a private key by mistake cannot be undone),
//! and the client can check before sending. Every string value is looked at,
//! in every encoding a key is commonly pasted in.

use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding};
use serde_json::Value;

/// Why a value was taken for a private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leak {
    /// A field named like `privateKey`.
    FieldName,
    /// `-----BEGIN ... PRIVATE KEY-----`.
    Pem,
    /// A PKCS#8 or SEC1 private key in DER, as hex or base64.
    Der,
    /// A JWK with its private part `d`.
    JwkD,
    /// 64 hex digits: a bare P-256 scalar.
    RawScalar,
}

impl Leak {
    pub fn describe(self) -> &'static str {
        match self {
            Leak::FieldName => "a field named like a private key",
            Leak::Pem => "a PEM private key",
            Leak::Der => "a DER-encoded private key (hex or base64)",
            Leak::JwkD => "a JWK with its private part \"d\"",
            Leak::RawScalar => "64 hex digits (a raw private scalar)",
        }
    }
}

/// The first private key found anywhere in `value`, if any.
pub fn find_private_key(value: &Value) -> Option<Leak> {
    match value {
        Value::Object(map) => {
            if map.keys().any(|k| is_private_key_name(k)) {
                return Some(Leak::FieldName);
            }
            if is_private_jwk(map) {
                return Some(Leak::JwkD);
            }
            map.values().find_map(find_private_key)
        }
        Value::Array(items) => items.iter().find_map(find_private_key),
        Value::String(s) => find_in_text(s),
        _ => None,
    }
}

fn is_private_key_name(name: &str) -> bool {
    let squashed: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    squashed.contains("privatekey")
}

fn is_private_jwk(map: &serde_json::Map<String, Value>) -> bool {
    let Some(Value::String(d)) = map.get("d") else {
        return false;
    };
    map.contains_key("kty")
        || map.contains_key("crv")
        || Base64UrlUnpadded::decode_vec(d).is_ok_and(|b| b.len() == 32)
}

/// A string value: itself, or the JSON document it holds (a stringified JWK).
pub fn find_in_text(s: &str) -> Option<Leak> {
    let t = s.trim();
    if t.contains("-----BEGIN") && t.contains("PRIVATE KEY") {
        return Some(Leak::Pem);
    }
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(inner) = serde_json::from_str::<Value>(t) {
            return find_private_key(&inner);
        }
    }
    let hex = t.strip_prefix("0x").unwrap_or(t);
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(Leak::RawScalar);
    }
    decoded(t).filter(|b| is_private_der(b)).map(|_| Leak::Der)
}

/// The bytes a hex or base64 string stands for; short strings are not keys.
fn decoded(t: &str) -> Option<Vec<u8>> {
    if t.len() < 48 {
        return None;
    }
    if t.len() % 2 == 0 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return base16ct::mixed::decode_vec(t).ok();
    }
    let compact: String = t.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    Base64::decode_vec(&compact)
        .or_else(|_| Base64Unpadded::decode_vec(&compact))
        .or_else(|_| Base64Url::decode_vec(&compact))
        .or_else(|_| Base64UrlUnpadded::decode_vec(&compact))
        .ok()
}

/// DER that opens like a private key: `SEQUENCE { INTEGER 0|1, ... }` followed
/// by an AlgorithmIdentifier (PKCS#8) or the key's OCTET STRING (SEC1). A
/// public key (SPKI) opens with a SEQUENCE instead of the INTEGER.
fn is_private_der(der: &[u8]) -> bool {
    let Some((&0x30, rest)) = der.split_first() else {
        return false;
    };
    let body = match rest.split_first() {
        Some((&len, body)) if len < 0x80 => body,
        Some((&len, body)) if (0x81..=0x84).contains(&len) => {
            body.get(usize::from(len - 0x80)..).unwrap_or_default()
        }
        _ => return false,
    };
    matches!(body, [0x02, 0x01, 0x00 | 0x01, 0x30 | 0x04, ..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyPair;
    use serde_json::json;

    #[test]
    fn finds_a_private_key_in_every_common_encoding() {
        let kp = KeyPair::generate().unwrap();
        let der = kp.private_pkcs8_der();
        let jwk = serde_json::to_value(kp.private_jwk()).unwrap();
        let d = jwk["d"].as_str().unwrap().to_owned();
        let scalar = base16ct::lower::encode_string(&Base64UrlUnpadded::decode_vec(&d).unwrap());
        let cases = [
            (json!({"privateKey": "x"}), Leak::FieldName),
            (json!({"notes": {"PRIVATE_KEY": 1}}), Leak::FieldName),
            (json!({"a": [kp.private_pem().as_str()]}), Leak::Pem),
            (json!({"a": kp.private_pkcs8_base64().as_str()}), Leak::Der),
            (
                json!({"a": base16ct::upper::encode_string(&der)}),
                Leak::Der,
            ),
            (
                json!({"a": Base64UrlUnpadded::encode_string(&der)}),
                Leak::Der,
            ),
            (json!({"a": jwk.clone()}), Leak::JwkD),
            (json!({"a": jwk.to_string()}), Leak::JwkD),
            (json!({"a": {"d": d}}), Leak::JwkD),
            (json!(["x", scalar]), Leak::RawScalar),
            (
                json!({"a": format!("0x{}", scalar.to_uppercase())}),
                Leak::RawScalar,
            ),
        ];
        for (doc, want) in cases {
            assert_eq!(find_private_key(&doc), Some(want), "{doc}");
        }
    }

    #[test]
    fn public_keys_and_ordinary_values_pass() {
        let kp = KeyPair::generate().unwrap();
        let public = kp.public_key();
        let doc = json!({
            "publicKeysP256": [public.spki_hex(), public.pem()],
            "jwk": public.jwk(),
            "spkiBase64": Base64::encode_string(&public.spki_der()),
            "id": "7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6",
            "fingerprint": public.fingerprint(),
            "note": "never paste your private key here",
            "token": "q3Jx0nD3m2Vx7Yz8aB1cD2eF3gH4iJ5kL6mN7oP8qR9",
            "n": 12,
        });
        assert_eq!(find_private_key(&doc), None);
    }
}
