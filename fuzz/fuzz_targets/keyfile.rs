//! Keypair files and key text from anywhere: typed errors only, never a panic,
//! and a file that loads always holds a matching pair.
#![no_main]

use hcp_core::keys::{KeyPair, PublicKey, file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(loaded) = file::load(&text, Some("pw")) {
        assert_eq!(loaded.key_pair.public_key().spki_hex(), loaded.info.public_key_hex);
    }
    let _ = file::inspect(&text);
    let _ = PublicKey::parse(&text);
    let _ = PublicKey::from_bytes(data);
    let _ = KeyPair::from_private_text(&text);
    let _ = KeyPair::from_pkcs8_der(data);
});
