//! What the HCP list's search box matches ("Search by Name Email or Phone",
//! the HCP guide), defined once here for both databases:
//! - text (anything but a phone number) is a substring of the HCP's search
//!   text: its name both ways round, an organization's name, its email;
//!   accents and case folded on both sides. Both databases index that text
//!   (SQLite FTS5 trigram, PostgreSQL pg_trgm).
//! - a phone number, in any form people type it (`+32 475 12 34 56`,
//!   `0032 475…`, `0475 12 34 56`, `475123456`, or its last digits), matches
//!   the mobile numbers that end with its digits, once an international
//!   (`+`, `00`) or trunk (`0`) prefix is dropped. Both databases answer it
//!   from a B-tree over the stored number's digits reversed ([`phone_key`]),
//!   a range scan: digit trigrams are in nearly every row (every number of a
//!   country starts alike), so a trigram index would read most of itself.
//!
//! [`matches`] is the reference the databases' answers are tested against.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::model::Hcp;

/// Between the fields of a search text. A needle never holds it (control
/// characters are dropped), so a match never spans two fields.
pub const FIELD_SEPARATOR: char = '\u{1f}';

/// The shortest text needle a trigram index can answer; shorter ones are
/// matched by a scan.
pub const INDEXED_MIN_CHARS: usize = 3;

/// The fewest digits a query needs to be read as a phone number.
pub const PHONE_MIN_DIGITS: usize = 3;

/// Lowercase, without accents (NFKD, combining marks dropped), control
/// characters dropped and runs of white space made one space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// The text an HCP is found by: its name both ways round ("last first",
/// "first last"), an organization's name, and its email.
pub fn index_text(hcp: &Hcp) -> String {
    let mut fields: Vec<String> = Vec::with_capacity(4);
    let mut push = |field: String| {
        if !field.is_empty() && !fields.contains(&field) {
            fields.push(field);
        }
    };
    let first = hcp.first_name.as_deref().unwrap_or_default();
    let last = hcp.last_name.as_deref().unwrap_or_default();
    push(fold(&format!("{last} {first}")));
    push(fold(&format!("{first} {last}")));
    push(fold(hcp.name.as_deref().unwrap_or_default()));
    push(fold(hcp.email().unwrap_or_default()));
    fields.join(&FIELD_SEPARATOR.to_string())
}

/// The mobile number's digits, last first: a number ends with some digits
/// exactly when this key starts with them reversed. `None` without a number.
pub fn phone_key(hcp: &Hcp) -> Option<String> {
    let key: String = hcp
        .mobile()?
        .chars()
        .rev()
        .filter(char::is_ascii_digit)
        .collect();
    Some(key).filter(|k| !k.is_empty())
}

/// What a query looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needle {
    /// A substring of the search text (folded).
    Text(String),
    /// The reversed digits a phone key must start with.
    Phone(String),
}

/// Reads a query: digits and the separators people write in phone numbers
/// (at least [`PHONE_MIN_DIGITS`] digits) make a phone number; anything else
/// is folded text. `None` for a query with nothing to look for.
pub fn needle(query: &str) -> Option<Needle> {
    let query = query.trim();
    let digits = query.chars().filter(char::is_ascii_digit).count();
    let phone_like = digits >= PHONE_MIN_DIGITS
        && query
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')' | '/'));
    if phone_like {
        let all: String = query.chars().filter(char::is_ascii_digit).collect();
        let significant = if query.starts_with('+') {
            all.as_str()
        } else if let Some(rest) = all.strip_prefix("00") {
            rest
        } else {
            all.strip_prefix('0').unwrap_or(&all)
        };
        let key: String = significant.chars().rev().collect();
        return Some(Needle::Phone(key)).filter(|_| !significant.is_empty());
    }
    Some(fold(query))
        .filter(|s| !s.is_empty())
        .map(Needle::Text)
}

/// Whether the HCP answers the needle: the definition both databases'
/// indexes implement.
pub fn matches(hcp: &Hcp, needle: &Needle) -> bool {
    match needle {
        Needle::Text(text) => index_text(hcp).contains(text.as_str()),
        Needle::Phone(key) => phone_key(hcp).is_some_and(|k| k.starts_with(key.as_str())),
    }
}

/// The half-open range of phone keys that start with `key`: from `key` to
/// `key` with its last digit raised (carrying). Digits compare alike in
/// every collation, so both databases read it from a B-tree. `None` for the
/// upper bound when `key` is all nines.
pub fn phone_key_range(key: &str) -> (String, Option<String>) {
    let mut upper: Vec<u8> = key.bytes().collect();
    while let Some(last) = upper.pop() {
        if last < b'9' {
            upper.push(last + 1);
            return (key.to_owned(), String::from_utf8(upper).ok());
        }
    }
    (key.to_owned(), None)
}

/// A text needle as a `LIKE` pattern (`%needle%`, with `\` escaping `%`,
/// `_`, `\`).
pub fn like_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// A text needle as an FTS5 phrase (quoted, `"` doubled): with the trigram
/// tokenizer it matches exactly the texts holding it as a substring.
pub fn fts_phrase(needle: &str) -> String {
    format!("\"{}\"", needle.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, Telecom};

    fn person(first: &str, last: &str, email: &str, phone: Option<&str>) -> Hcp {
        let mut telecoms = vec![Telecom {
            telecom_type: Some("email".into()),
            telecom_number: Some(email.into()),
        }];
        if let Some(p) = phone {
            telecoms.push(Telecom {
                telecom_type: Some("mobile".into()),
                telecom_number: Some(p.into()),
            });
        }
        Hcp {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            addresses: vec![Address {
                address_type: Some("work".into()),
                telecoms,
            }],
            ..Hcp::default()
        }
    }

    fn finds(hcp: &Hcp, query: &str) -> bool {
        needle(query).is_some_and(|n| matches(hcp, &n))
    }

    #[test]
    fn a_phone_is_found_in_every_form_people_type() {
        let hcp = person("Anne", "Martin", "anne@example.org", Some("+32475123456"));
        for query in [
            "+32 475 12 34 56",
            "0032 475 12 34 56",
            "0475123456",
            "0475 12 34 56",
            "475123456",
            "475-12-34-56",
            "(0475) 12.34.56",
            "3456",
            "+32475123456",
        ] {
            assert!(finds(&hcp, query), "{query}");
        }
        // Other numbers, and digits from the middle of this one.
        for query in ["+33 475 12 34 56", "0476123456", "+32475123457", "47512"] {
            assert!(!finds(&hcp, query), "{query}");
        }
        // A number is not looked for in names and emails.
        let digits = person("Anne", "Martin", "dr4751@example.org", None);
        assert!(!finds(&digits, "4751"));
        assert!(finds(&digits, "dr4751"));
    }

    #[test]
    fn phone_key_ranges_carry() {
        assert_eq!(phone_key_range("123"), ("123".into(), Some("124".into())));
        assert_eq!(phone_key_range("129"), ("129".into(), Some("13".into())));
        assert_eq!(phone_key_range("999"), ("999".into(), None));
        // Every key starting with "129" is in ["129", "13").
        for key in ["129", "1290", "12999999"] {
            assert!(("129".."13").contains(&key));
        }
    }

    #[test]
    fn italian_numbers_keep_their_zero() {
        let hcp = person("Luca", "Rossi", "l@example.it", Some("+390612345678"));
        assert!(finds(&hcp, "06 1234 5678"));
        assert!(finds(&hcp, "+39 06 1234 5678"));
    }

    #[test]
    fn names_either_way_round_without_accents_or_case() {
        let hcp = person("Zoë", "Van  Damme", "Zoe.VD@Example.org", None);
        for query in [
            "van damme zoe",
            "Zoë Van",
            "ZOE",
            "zoe.vd@example",
            "EXAMPLE.ORG",
            "damme",
        ] {
            assert!(finds(&hcp, query), "{query}");
        }
        assert!(!finds(&hcp, "zoe van damme x"));
        assert!(!finds(&hcp, "zoe.vd@example.orgx"));
    }

    #[test]
    fn a_match_never_spans_two_fields() {
        let hcp = person("Anne", "Martin", "x@y.be", Some("+32475123456"));
        let text = index_text(&hcp);
        assert!(text.contains(FIELD_SEPARATOR));
        assert!(!finds(&hcp, "martinanne"));
        assert_eq!(needle("be\u{1f}x"), Some(Needle::Text("bex".into())));
        assert_eq!(needle("   "), None);
        assert_eq!(needle("\u{301}"), None);
        assert_eq!(needle("+"), Some(Needle::Text("+".into())));
        assert_eq!(needle("000"), Some(Needle::Phone("0".into())));
    }

    #[test]
    fn patterns_escape_what_their_syntax_uses() {
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(fts_phrase("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn organizations_by_their_name() {
        let org = Hcp {
            name: Some("Clinique Saint-Luc".into()),
            ..Hcp::default()
        };
        assert!(finds(&org, "saint-luc"));
        assert!(finds(&org, "Clinique"));
    }
}
