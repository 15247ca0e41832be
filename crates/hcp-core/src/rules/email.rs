//! Email syntax: what a mail server would accept as an address, without DNS.
//! Internationalized domains and local parts (RFC 6531) are accepted.

use super::{Field, Reason, Violation};

const MAX_LEN: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_LABEL: usize = 63;

fn invalid(raw: &str, why: &str) -> Violation {
    Violation::new(
        Field::Email,
        Reason::InvalidEmail,
        format!("{raw:?} is not a valid email address: {why}"),
    )
}

/// Checks `raw` (already trimmed) and returns it with the domain lowercased.
pub fn normalize_email(raw: &str) -> Result<String, Violation> {
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
        Ok(format!("{local}@{}", domain.to_lowercase()))
    } else {
        Ok(raw.to_owned())
    }
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
        c.is_alphanumeric()
            || matches!(
                c,
                '!' | '#'
                    | '$'
                    | '%'
                    | '&'
                    | '\''
                    | '*'
                    | '+'
                    | '-'
                    | '/'
                    | '='
                    | '?'
                    | '^'
                    | '_'
                    | '`'
                    | '{'
                    | '|'
                    | '}'
                    | '~'
                    | '.'
            )
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
