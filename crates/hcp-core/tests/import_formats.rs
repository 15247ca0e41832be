//! One table of logical rows, written by LibreOffice into every format (and by
//! SheetJS into .xlsb, which LibreOffice cannot write, and into a second
//! .xlsx dialect): each must come out identically (same rows, numbers,
//! values, verdicts).

use hcp_core::import::{Format, ImportOptions, ImportReport, parse_import};
use hcp_core::rules::{Field, Reason};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> ImportReport {
    parse_import(&fixture(name), &ImportOptions::default(), &mut |_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

const FIXTURES: [(&str, Format); 11] = [
    ("canonical.csv", Format::Csv),
    ("canonical-utf8-bom.csv", Format::Csv),
    ("canonical-cp1252.csv", Format::Csv),
    ("canonical-utf16le-tab.txt", Format::Csv),
    ("canonical-semicolon.csv", Format::Csv),
    ("canonical.xlsx", Format::Xlsx),
    ("canonical-sheetjs.xlsx", Format::Xlsx),
    ("canonical.xlsb", Format::Xlsb),
    ("canonical.xls", Format::Xls),
    ("canonical.ods", Format::Ods),
    ("canonical.xml", Format::Xml),
];

#[test]
fn every_format_yields_the_same_rows() {
    let reference = parse("canonical.csv");
    for (name, format) in FIXTURES {
        let report = parse(name);
        assert_eq!(report.format, format, "{name}");
        assert_eq!(
            report.accepted, reference.accepted,
            "{name}: accepted rows differ"
        );
        assert_eq!(
            report.rejected, reference.rejected,
            "{name}: rejected rows differ"
        );
        assert_eq!(report.stats.rows, reference.stats.rows, "{name}");
        let headers: Vec<_> = report
            .columns
            .iter()
            .map(|c| (c.header.as_str(), c.field))
            .collect();
        let expected: Vec<_> = Field::ALL.iter().map(|f| (f.title(), Some(*f))).collect();
        assert_eq!(headers, expected, "{name}");
        let only_cp1252_warns = report
            .warnings
            .iter()
            .all(|w| name.contains("cp1252") && w.message.contains("Windows-1252"));
        assert!(only_cp1252_warns, "{name}: {:?}", report.warnings);
        if name.contains("cp1252") {
            assert_eq!(report.warnings.len(), 1);
        }
        if matches!(format, Format::Csv) {
            assert_eq!(report.sheet, None);
        } else {
            assert_eq!(report.sheet.as_deref(), Some("canonical"), "{name}");
        }
    }
}

#[test]
fn the_canonical_rows_get_the_expected_verdicts() {
    let r = parse("canonical.csv");
    let accepted: Vec<(u64, &str, Option<&str>)> = r
        .accepted
        .iter()
        .map(|a| (a.row, a.person.email(), a.person.phone()))
        .collect();
    assert_eq!(
        accepted,
        vec![
            (2, "anne.dupont@example.be", Some("+32475123456")),
            (4, "zoe@exämple.be", Some("+32478001122")),
            (5, "oedipe@example.de", Some("+4915123456789")),
            (14, "o.brien@example.ie", Some("+353871234567")),
            (16, "grace@example.com", Some("+14155550100")),
        ]
    );
    let first = &r.accepted[0].person;
    assert_eq!(
        first.parent_id(),
        Some("7d0f4a2e-1b3c-4d5e-8f90-a1b2c3d4e5f6")
    );
    assert_eq!((first.first_name(), first.last_name()), ("Anne", "Dupont"));
    assert_eq!(r.accepted[2].person.first_name(), "Œdipe");
    assert_eq!(r.accepted[4].person.first_name(), "Grace, Ann");
    assert_eq!(r.accepted[4].person.last_name(), "Hopper \"Amazing\"");

    let rejected: Vec<(u64, Vec<(Field, Reason)>)> = r
        .rejected
        .iter()
        .map(|x| (x.row, x.reasons.iter().map(|v| (v.field, v.code)).collect()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (3, vec![(Field::Email, Reason::DuplicateInFile)]),
            (7, vec![(Field::FirstName, Reason::Required)]),
            (8, vec![(Field::Email, Reason::InvalidEmail)]),
            (9, vec![(Field::MobilePhone, Reason::InvalidPhone)]),
            (10, vec![(Field::MobilePhone, Reason::MissingCountryCode)]),
            (11, vec![(Field::ParentId, Reason::InvalidId)]),
            (12, vec![(Field::Email, Reason::DuplicateInFile)]),
            (13, vec![(Field::MobilePhone, Reason::InvalidPhone)]),
            (15, vec![(Field::Email, Reason::InvalidEmail)]),
        ]
    );
    // The duplicates point at each other.
    assert!(
        r.rejected[0].reasons[0].message.ends_with("row 12"),
        "{}",
        r.rejected[0].reasons[0].message
    );
    assert!(r.rejected[6].reasons[0].message.ends_with("row 3"));
    // Values are kept exactly as typed.
    assert_eq!(r.rejected[4].values.mobile_phone, "0475 99 88 77");
    assert_eq!(r.rejected[7].values.mobile_phone, "+1234567890123456");
    // Every non-empty data row exactly once.
    assert_eq!(r.stats.rows, 14);
    assert_eq!(r.stats.accepted + r.stats.rejected, r.stats.rows);
    let mut rows: Vec<u64> = r
        .accepted
        .iter()
        .map(|a| a.row)
        .chain(r.rejected.iter().map(|x| x.row))
        .collect();
    rows.sort_unstable();
    assert_eq!(rows, vec![2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
}
