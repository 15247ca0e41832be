//! Mobile numbers in E.164: `+`, a calling code, the subscriber number, at
//! most 15 digits. Input may be national ("0475 12 34 56" with a country
//! code) or international ("+32 475...", "0032 475...").

use super::countries;
use super::{Field, Reason, Violation};

const MIN_DIGITS: usize = 6;
const MAX_DIGITS: usize = 15;

/// Reads a Country Code cell: "+32", "32", "0032" or "BE". Empty is `None`.
pub fn normalize_country_code(raw: &str) -> Result<Option<u16>, Violation> {
    let raw = super::trim(raw);
    if raw.is_empty() {
        return Ok(None);
    }
    let invalid = || bad_country(raw);
    if raw.len() == 2 && raw.chars().all(|c| c.is_ascii_alphabetic()) {
        return countries::for_region(raw).map(Some).ok_or_else(invalid);
    }
    let digits = raw
        .strip_prefix('+')
        .or_else(|| raw.strip_prefix("00"))
        .unwrap_or(raw);
    if digits.is_empty() || digits.len() > 3 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    match digits.parse::<u16>() {
        Ok(code) if countries::is_calling_code(code) => Ok(Some(code)),
        _ => Err(invalid()),
    }
}

// A phone's violations are built out of line: every row runs the check,
// few fail it, and the browser's optimizing compile of the check is shorter
// without the messages' formatting (see `rules::missing`).
#[cold]
#[inline(never)]
fn bad_phone(raw: &str, why: &str) -> Violation {
    Violation::new(
        Field::MobilePhone,
        Reason::InvalidPhone,
        format!("{raw:?} is not a valid phone number: {why}"),
    )
}

#[cold]
#[inline(never)]
fn bad_country(raw: &str) -> Violation {
    Violation::new(
        Field::CountryCode,
        Reason::InvalidCountryCode,
        format!("{raw:?} is not a country code (use +32, 32 or BE)"),
    )
}

#[cold]
#[inline(never)]
fn national(raw: &str) -> Violation {
    Violation::new(
        Field::MobilePhone,
        Reason::MissingCountryCode,
        format!(
            "{raw:?} is a national number: fill in the Country Code, or write it as +<code>..."
        ),
    )
}

/// Normalizes a Mobile Phone cell (trimmed, non-empty) to E.164.
pub fn normalize_phone(raw: &str, country: Option<u16>) -> Result<String, Violation> {
    let invalid = |why: &str| bad_phone(raw, why);
    let (international, rest) = match raw.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    // "+" then the digits: the E.164 form, built in place.
    let mut e164 = String::with_capacity(rest.len() + 4);
    e164.push('+');
    // Bytes, not chars: the one separator that is not ASCII is the
    // no-break space, C2 A0 in UTF-8.
    let mut bytes = rest.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'0'..=b'9' => e164.push(char::from(b)),
            b' ' | b'.' | b'-' | b'(' | b')' | b'/' => {}
            0xC2 if bytes.next() == Some(0xA0) => {}
            _ => {
                return Err(invalid(
                    "only digits, spaces, dots, dashes and parentheses are allowed",
                ));
            }
        }
    }
    if !international {
        if e164.starts_with("+00") {
            e164.replace_range(1..3, "");
        } else {
            let Some(code) = country else {
                return Err(national(raw));
            };
            // The national trunk prefix 0 is not part of the E.164 number, except
            // in Italy (and San Marino, the Vatican) where it is dialled from abroad too.
            if !matches!(code, 39 | 378 | 379) && e164.starts_with("+0") {
                e164.remove(1);
            }
            // The code's digits after the `+`, without a string of their own.
            let mut at = 1;
            for place in [10_000, 1000, 100, 10, 1] {
                let digit = code / place % 10;
                if at > 1 || digit > 0 || place == 1 {
                    e164.insert(at, char::from(b'0' + digit as u8));
                    at += 1;
                }
            }
        }
    }
    let full = e164.get(1..).unwrap_or_default();
    if full.len() < MIN_DIGITS {
        return Err(invalid("too few digits"));
    }
    if full.len() > MAX_DIGITS {
        return Err(invalid("more than 15 digits"));
    }
    if countries::prefix_of(full).is_none() {
        return Err(invalid("it does not start with a country calling code"));
    }
    Ok(e164)
}
