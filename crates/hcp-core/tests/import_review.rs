//! What the page's review steps rely on: the column mapping, the header read
//! on its own, a chosen encoding, and rows checked again after edits.

use std::ops::ControlFlow;

use hcp_core::import::{
    ImportError, ImportOptions, ImportReport, TextEncoding, parse_import, read_header,
    validate_rows,
};
use hcp_core::rules::{Field, PersonInput, Reason};

fn parse_with(bytes: &[u8], options: &ImportOptions) -> Result<ImportReport, ImportError> {
    parse_import(bytes, options, &mut |_| ControlFlow::Continue(()))
}

const FRENCH: &str = "Prénom,Nom,Courriel,Pays,GSM\nZoé,Dupré,zoe@example.fr,FR,06 12 34 56 78\n";

/// The French file read with the user's mapping.
fn parse_mapped(mapping: [Option<String>; 6]) -> Result<ImportReport, ImportError> {
    parse_with(
        FRENCH.as_bytes(),
        &ImportOptions {
            mapping: Some(mapping),
            ..ImportOptions::default()
        },
    )
}

fn french_mapping() -> [Option<String>; 6] {
    ["Prénom", "Nom", "Courriel", "Pays", "GSM", ""]
        .map(|h| Some(h.to_owned()).filter(|h| !h.is_empty()))
}

#[test]
fn the_header_alone_with_its_guesses() {
    let columns = read_header(FRENCH.as_bytes(), &ImportOptions::default()).unwrap();
    let guessed: Vec<_> = columns
        .iter()
        .map(|c| (c.header.as_str(), c.field))
        .collect();
    assert_eq!(
        guessed,
        [
            ("Prénom", Some(Field::FirstName)),
            ("Nom", Some(Field::LastName)),
            ("Courriel", Some(Field::Email)),
            ("Pays", None),
            ("GSM", Some(Field::MobilePhone)),
        ]
    );
    // A header missing required columns is read all the same (the page maps it).
    let columns = read_header(b"Name,Mail\nx,y\n", &ImportOptions::default()).unwrap();
    assert_eq!(columns.len(), 2);
    assert_eq!(
        read_header(b"\n\n", &ImportOptions::default()).unwrap_err(),
        ImportError::Empty
    );
}

#[test]
fn a_mapping_reads_the_chosen_columns() {
    // Without it, Pays is ignored and the national number has no country.
    let plain = parse_with(FRENCH.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(plain.stats.rejected, 1);
    let mapped = parse_mapped(french_mapping()).unwrap();
    assert_eq!(mapped.stats.accepted, 1, "{:?}", mapped.rejected);
    assert_eq!(mapped.accepted[0].person.phone(), Some("+33612345678"));
    assert_eq!(mapped.columns[3].field, Some(Field::CountryCode));
}

#[test]
fn a_mapping_that_names_a_missing_column_or_one_column_twice_is_refused() {
    let mut missing = french_mapping();
    missing[3] = Some("Land".into());
    let e = parse_mapped(missing).unwrap_err();
    assert!(
        matches!(&e, ImportError::Validation(m) if m.contains("\"Land\"")),
        "{e}"
    );
    let mut twice = french_mapping();
    twice[1] = Some("Prénom".into());
    let e = parse_mapped(twice).unwrap_err();
    assert!(
        matches!(&e, ImportError::Validation(m) if m.contains("both")),
        "{e}"
    );
    // A mapping without a required field: the file cannot be imported.
    let mut no_email = french_mapping();
    no_email[2] = None;
    let e = parse_mapped(no_email).unwrap_err();
    assert!(matches!(e, ImportError::MissingColumns(_)), "{e}");
}

#[test]
fn a_chosen_encoding_reads_the_bytes_as_that() {
    // "Cœur" and "€" in ISO-8859-15: 0xBD and 0xA4, which Windows-1252 reads as ½ and ¤.
    let text = "First Name,Last Name,Email Address\nChloé,Cœur,c@example.fr\n";
    let latin9: Vec<u8> = text
        .chars()
        .map(|c| match c {
            'œ' => 0xBD,
            c => c as u8,
        })
        .collect();
    let guessed = parse_with(&latin9, &ImportOptions::default()).unwrap();
    assert_eq!(guessed.accepted[0].person.last_name(), "C½ur");
    assert!(
        guessed
            .warnings
            .iter()
            .any(|w| w.message.contains("Windows-1252"))
    );
    let chosen = parse_with(
        &latin9,
        &ImportOptions {
            encoding: Some(TextEncoding::Iso8859_15),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert_eq!(chosen.accepted[0].person.last_name(), "Cœur");
    assert!(
        chosen.warnings.is_empty(),
        "a chosen encoding is not a guess"
    );
    let utf8 = parse_with(
        &latin9,
        &ImportOptions {
            encoding: Some(TextEncoding::Utf8),
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert!(utf8.to_string().contains("not UTF-8"), "{utf8}");
    // UTF-16 without a byte-order mark: little-endian.
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let wide = parse_with(
        &utf16,
        &ImportOptions {
            encoding: Some(TextEncoding::Utf16),
            ..ImportOptions::default()
        },
    );
    // The sniffer may not see text in BOM-less UTF-16; when it does, the row reads right.
    if let Ok(report) = wide {
        assert_eq!(report.accepted[0].person.last_name(), "Cœur");
    }
    assert_eq!(
        TextEncoding::from_label("ISO-8859-15"),
        Some(TextEncoding::Iso8859_15)
    );
    assert_eq!(TextEncoding::from_label("koi8-r"), None);
}

fn person(first: &str, last: &str, email: &str) -> PersonInput {
    PersonInput {
        first_name: first.into(),
        last_name: last.into(),
        email: email.into(),
        ..PersonInput::default()
    }
}

#[test]
fn rows_checked_again_settle_duplicates_across_all_of_them() {
    let rows = vec![
        (2, person("Ada", "Lovelace", "ada@example.org")),
        (3, person("Bob", "Stone", "bob@example")),
        (4, person("Carl", "Mayer", "ADA@example.org")),
    ];
    let (accepted, rejected) = validate_rows(rows.clone(), &ImportOptions::default());
    assert!(accepted.is_empty());
    let codes: Vec<_> = rejected
        .iter()
        .map(|r| (r.row, r.reasons[0].code))
        .collect();
    assert_eq!(
        codes,
        [
            (2, Reason::DuplicateInFile),
            (3, Reason::InvalidEmail),
            (4, Reason::DuplicateInFile)
        ]
    );
    // Fixing row 4's email frees row 2 too; fixing row 3 accepts it.
    let mut fixed = rows;
    fixed[1].1.email = "bob@example.org".into();
    fixed[2].1.email = "carl@example.org".into();
    let (accepted, rejected) = validate_rows(fixed.clone(), &ImportOptions::default());
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(
        accepted.iter().map(|a| a.row).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    // The database's emails count as they do in the import.
    let (_, rejected) = validate_rows(
        fixed,
        &ImportOptions {
            existing_emails: vec!["Carl@Example.org".into()],
            ..ImportOptions::default()
        },
    );
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].reasons[0].code, Reason::AlreadyExists);
}

#[test]
fn the_report_serializes_every_field_by_its_name() {
    // `ImportReport`'s Serialize is written by hand (rows one call each): its
    // keys must stay those of the struct, which the TypeScript check compares.
    let report = parse_with(FRENCH.as_bytes(), &ImportOptions::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = [
        "format", "sheet", "columns", "accepted", "rejected", "warnings", "stats",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["rejected"][0]["row"], 2);
    assert_eq!(json["stats"]["rows"], 1);
}

#[test]
fn a_field_key_is_its_json_name() {
    for field in Field::ALL {
        assert_eq!(serde_json::to_value(field).unwrap(), field.key());
    }
}
