//! What the HCP list's search box matches ("Search by Name Email or Phone",
//! the HCP guide). Each HCP gets one search text, made here and stored beside
//! its document. Both databases index it (SQLite FTS5 trigram, PostgreSQL
//! pg_trgm) and match a query made by [`needle`] as a plain substring of it,
//! so they return the same HCPs. Accents and case are folded on both sides.
//! A phone number is indexed in its E.164 digits and its national form, so
//! `+32 475 12 34 56`, `0032475123456`, `0475123456` and `475123456` all find
//! `+32475123456`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::model::Hcp;
use crate::rules::countries;

/// Between the fields of a search text. A needle never holds it (control
/// characters are dropped), so a match never spans two fields.
pub const FIELD_SEPARATOR: char = '\u{1f}';

/// The shortest needle a trigram index can answer; shorter ones are matched
/// by a scan.
pub const INDEXED_MIN_CHARS: usize = 3;

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
/// "first last"), an organization's name, its email, and its mobile number
/// in the forms people type.
pub fn index_text(hcp: &Hcp) -> String {
    let mut fields: Vec<String> = Vec::with_capacity(5);
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
    for form in phone_forms(hcp.mobile().unwrap_or_default()) {
        push(form);
    }
    fields.join(&FIELD_SEPARATOR.to_string())
}

/// A stored number's digits, and for an E.164 number also its national
/// form (trunk prefix 0 and the subscriber number).
fn phone_forms(phone: &str) -> Vec<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Vec::new();
    }
    let mut forms = vec![digits.clone()];
    if phone.trim_start().starts_with('+')
        && let Some(code) = countries::prefix_of(&digits)
        && let Some(national) = digits.get(code.to_string().len()..)
    {
        // Italy's numbers keep their leading 0 in E.164 already.
        if national.starts_with('0') {
            forms.push(national.to_owned());
        } else {
            forms.push(format!("0{national}"));
        }
    }
    forms
}

/// What a query looks for in the search texts: the folded query, or for
/// something that reads as a phone number (digits and the separators people
/// write, at least three digits) its digits alone, an international prefix
/// (`+`, `00`) dropped. `None` for a query with nothing to look for.
pub fn needle(query: &str) -> Option<String> {
    let query = query.trim();
    let digits = query.chars().filter(char::is_ascii_digit).count();
    let phone_like = digits >= INDEXED_MIN_CHARS
        && query
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')' | '/'));
    if phone_like {
        let all: String = query.chars().filter(char::is_ascii_digit).collect();
        let international = query.starts_with('+') || all.starts_with("00");
        let stripped = match all.strip_prefix("00") {
            Some(rest) if international => rest.to_owned(),
            _ => all,
        };
        return Some(stripped).filter(|s| !s.is_empty());
    }
    Some(fold(query)).filter(|s| !s.is_empty())
}

/// `needle` as a `LIKE` pattern (`%needle%`, with `\` escaping `%`, `_`, `\`).
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

/// `needle` as an FTS5 phrase (quoted, `"` doubled): with the trigram
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
        let text = index_text(hcp);
        needle(query).is_some_and(|n| text.contains(&n))
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
        ] {
            assert!(finds(&hcp, query), "{query}");
        }
        for query in ["+33 475 12 34 56", "0476123456", "+32475123457"] {
            assert!(!finds(&hcp, query), "{query}");
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
        assert_eq!(needle("be\u{1f}32"), Some("be32".into()));
        assert_eq!(needle("   "), None);
        assert_eq!(needle("\u{301}"), None);
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
