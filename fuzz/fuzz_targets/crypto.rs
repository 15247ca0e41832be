//! What a malicious server can send a data owner's session: exchange data,
//! key chains, entities and ciphertexts of any shape. Typed errors only,
//! never a panic; nothing opens without its key.
#![no_main]

use hcp_core::crypto::aead::{Aad, SecretKey, delegation_aad};
use hcp_core::crypto::certs::verify_chain;
use hcp_core::crypto::exchange::{ExchangeData, hpke_open};
use hcp_core::dataowner::DataOwnerKeys;
use hcp_core::dataowner::entity::{Entity, EntityKind, check_document};
use hcp_core::keys::KeyPair;
use hcp_core::keys::leak::find_private_key;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let me = KeyPair::from_scalar_bytes(&[7u8; 32]).expect("a valid scalar");
    let key = SecretKey::from_bytes(&[9u8; 32]).expect("32 bytes");
    let text = String::from_utf8_lossy(data);
    let aad = Aad { kind: "patient", id: "x", key_version: 1, content_version: 1, part: "self" };
    assert!(key.open(&aad.bytes(), &text).is_err() || text.len() >= 40);
    let _ = key.open(&delegation_aad("contact", "x", 1, "y"), &text);
    let _ = hpke_open(&me, b"aad", data);
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = find_private_key(&value);
        for kind in EntityKind::ALL {
            let _ = check_document(kind, &value);
        }
        if let Ok(owner) = serde_json::from_value::<DataOwnerKeys>(value.clone()) {
            let _ = verify_chain(&owner.id, &owner.public_keys_p256, &owner.key_certificates);
        }
        if let Ok(exchange) = serde_json::from_value::<ExchangeData>(value.clone()) {
            let _ = exchange.signed_bytes();
            let _ = exchange.open(&me);
        }
        let _ = serde_json::from_value::<Entity>(value);
    }
});
