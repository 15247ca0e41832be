//! The rejection report a person downloads: the original values plus the
//! reasons, as CSV a spreadsheet opens safely.

use super::RejectedRow;
use crate::rules::Field;

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, also
/// after leading white space, which spreadsheets skip, or a leading tab /
/// carriage return) is prefixed with `'` (OWASP's advice).
fn neutralize(value: &str) -> std::borrow::Cow<'_, str> {
    let starts_formula = matches!(value.chars().next(), Some('\t' | '\r'))
        || matches!(
            value.trim_start().chars().next(),
            Some('=' | '+' | '-' | '@')
        );
    if starts_formula {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// CSV with a header row: Row, the six columns, Reasons.
pub fn rejections_csv(rejected: &[RejectedRow]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec!["Row"];
    header.extend(Field::ALL.iter().map(|f| f.title()));
    header.push("Reasons");
    // Writing CSV into a Vec<u8> cannot fail.
    let _ = writer.write_record(&header);
    for r in rejected {
        let mut record = vec![r.row.to_string()];
        record.extend(
            Field::ALL
                .iter()
                .map(|&f| neutralize(r.values.get(f)).into_owned()),
        );
        let reasons = r
            .reasons
            .iter()
            .map(|v| v.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        record.push(neutralize(&reasons).into_owned());
        let _ = writer.write_record(&record);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Only strings went in, so the output is UTF-8; the BOM makes Excel read it so.
    format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes))
}
