//! Email syntax: what a mail server would accept as an address, without DNS.
//! Internationalized domains and local parts (RFC 6531) are accepted.

use std::borrow::Cow;

use super::{Field, Reason, Violation};

const MAX_LEN: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_LABEL: usize = 63;
/// What a local part may hold besides letters, digits and single dots (RFC 5322 atext).
const ATEXT_SYMBOLS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";

fn invalid(raw: &str, why: &str) -> Violation {
    Violation::new(
        Field::Email,
        Reason::InvalidEmail,
        format!("{raw:?} is not a valid email address: {why}"),
    )
}

/// Checks `raw` (already trimmed) and returns it with the domain lowercased
/// (borrowed when it already is: nearly every address).
pub fn normalize_email(raw: &str) -> Result<Cow<'_, str>, Violation> {
    if is_plain(raw.as_bytes()) {
        Ok(Cow::Borrowed(raw))
    } else {
        checked_one_by_one(raw)
    }
}

/// Every check in turn, with what is wrong. Out of line and cold: the
/// common address never comes here, and the browser's optimizing compile of
/// `normalize_email` (a row's hot path) took longer with it inside.
#[cold]
#[inline(never)]
fn checked_one_by_one(raw: &str) -> Result<Cow<'_, str>, Violation> {
    // Nearly every address is ASCII: a byte test there (space, controls).
    let spaced = if raw.is_ascii() {
        raw.bytes().any(|b| b <= b' ' || b == 0x7F)
    } else {
        raw.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    if spaced {
        return Err(invalid(raw, "it contains a space"));
    }
    if raw.len() > MAX_LEN {
        return Err(invalid(raw, "it is longer than 254 bytes"));
    }
    // Byte scans, here and in `check_domain`: a `char` pattern sets up a
    // searcher per call, which cost more than these few bytes (in wasm, a
    // tenth of the email check).
    let (local, domain) = match raw.bytes().position(|b| b == b'@') {
        Some(at) => match (raw.get(..at), raw.get(at + 1..)) {
            (Some(l), Some(d)) if !d.bytes().any(|b| b == b'@') => (l, d),
            _ => return Err(invalid(raw, "it has more than one @")),
        },
        None => return Err(invalid(raw, "it has no @")),
    };
    check_local(local).map_err(|why| invalid(raw, why))?;
    check_domain(domain).map_err(|why| invalid(raw, why))?;
    if domain
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        Ok(Cow::Owned(format!("{local}@{}", domain.to_lowercase())))
    } else {
        Ok(Cow::Borrowed(raw))
    }
}

/// The common address in one pass: ASCII, one `@`, a local part of allowed
/// characters and single inner dots, a lowercase domain of labels that
/// neither start nor end with a hyphen, ending in a label that is not a
/// number. Such an address is valid and already normalized; for any other,
/// `false` sends it through the checks above, which say what is wrong.
/// (The checks one by one were a tenth of a CSV import in the browser.)
fn is_plain(raw: &[u8]) -> bool {
    let Some(at) = raw.iter().position(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = raw.split_at(at);
    if raw.len() > MAX_LEN || local.is_empty() || local.len() > MAX_LOCAL {
        return false;
    }
    let mut prev = b'.';
    for &b in local {
        let ok = match b {
            b'.' => prev != b'.',
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => true,
            _ => ATEXT_SYMBOLS.contains(&b),
        };
        if !ok {
            return false;
        }
        prev = b;
    }
    if prev == b'.' {
        return false;
    }
    // The domain, after its `@`.
    let (mut label, mut dots, mut number, mut prev) = (0, 0, true, b'.');
    for &b in domain.get(1..).unwrap_or_default() {
        match b {
            b'.' if label > 0 && prev != b'-' => {
                (label, number) = (0, true);
                dots += 1;
            }
            b'-' if label > 0 => (label, number) = (label + 1, false),
            b'a'..=b'z' => (label, number) = (label + 1, false),
            b'0'..=b'9' => label += 1,
            _ => return false,
        }
        if label > MAX_LABEL {
            return false;
        }
        prev = b;
    }
    label > 0 && prev != b'-' && dots > 0 && !number
}

fn check_local(local: &str) -> Result<(), &'static str> {
    if local.is_empty() {
        return Err("nothing before the @");
    }
    if local.len() > MAX_LOCAL {
        return Err("the part before the @ is longer than 64 bytes");
    }
    // (`windows` rather than `contains("..")`: a substring searcher costs
    // more to set up than these few bytes cost to scan.)
    if local.starts_with('.')
        || local.ends_with('.')
        || local.as_bytes().windows(2).any(|w| w == b"..")
    {
        return Err("misplaced dot before the @");
    }
    let atext = |c: char| {
        c.is_alphanumeric() || c == '.' || u8::try_from(c).is_ok_and(|b| ATEXT_SYMBOLS.contains(&b))
    };
    // Nearly every local part is ASCII: bytes there, no char decoding.
    let allowed = if local.is_ascii() {
        local.bytes().all(|b| atext(char::from(b)))
    } else {
        local.chars().all(atext)
    };
    if !allowed {
        return Err("a character that is not allowed before the @");
    }
    Ok(())
}

#[expect(
    clippy::manual_pattern_char_comparison,
    reason = "a closure iterates the few chars; a char pattern sets up a memchr searcher per call"
)]
fn check_domain(domain: &str) -> Result<(), &'static str> {
    if domain.is_empty() {
        return Err("no domain after the @");
    }
    if !domain.bytes().any(|b| b == b'.') {
        return Err("the domain has no dot");
    }
    for label in domain.split(|c| c == '.') {
        if label.is_empty() {
            return Err("misplaced dot in the domain");
        }
        if label.len() > MAX_LABEL {
            return Err("a domain label is longer than 63 bytes");
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a domain label starts or ends with a hyphen");
        }
        let allowed = if label.is_ascii() {
            label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        } else {
            label.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if !allowed {
            return Err("a character that is not allowed in the domain");
        }
    }
    if domain
        .rsplit(|c| c == '.')
        .next()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the domain ends in a number");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_address_is_one_the_full_checks_accept_unchanged() {
        // Every text of up to 7 characters over the bytes the fast path
        // decides on: whenever it says plain, the checks accept the address
        // as it is; and it says plain for every lowercase ASCII address the
        // checks accept (which is what makes it fast).
        const ALPHABET: [char; 8] = ['a', 'A', '1', '-', '.', '@', '!', '_'];
        let mut plain = 0;
        for text in crate::exhaustive::texts(&ALPHABET, 1..=7) {
            let raw = text.as_str();
            let full = checked_one_by_one(raw);
            if is_plain(raw.as_bytes()) {
                assert!(matches!(full, Ok(Cow::Borrowed(r)) if r == raw), "{raw:?}");
                plain += 1;
            } else if let Some((_, domain)) = raw.split_once('@') {
                let lower = !domain.bytes().any(|b| b.is_ascii_uppercase());
                assert!(!(lower && full.is_ok()), "{raw:?} is valid but not plain");
            }
        }
        assert!(plain > 1000, "{plain}");
    }
}
