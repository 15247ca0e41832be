//! The row rules on arbitrary text: never panic, and whatever is accepted is
//! normalized the way the server will store it.
#![no_main]

use hcp_core::rules::{PersonInput, RuleContext, validate_person};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1f}').map(str::to_owned);
    let mut next = || parts.next().unwrap_or_default();
    let input = PersonInput {
        first_name: next(),
        last_name: next(),
        email: next(),
        country_code: next(),
        mobile_phone: next(),
        parent_id: next(),
    };
    if let Ok(p) = validate_person(&input, &RuleContext::default()) {
        assert!(p.email().contains('@') && !p.email().contains(' '));
        if let Some(phone) = p.phone() {
            assert!(phone.starts_with('+') && (7..=16).contains(&phone.len()), "{phone}");
            assert!(phone[1..].bytes().all(|b| b.is_ascii_digit()), "{phone}");
        }
        assert!(!p.first_name().is_empty() && !p.last_name().is_empty());
    }
});
