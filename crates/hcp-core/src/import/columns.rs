//! Accepted rows as columns: one string of every value and a table of where
//! each ends, from which JavaScript builds the row objects itself.
//!
//! Measured on 100,000 rows: as JSON, the accepted rows are 14 MB to write
//! and 14 MB for `JSON.parse` to read again, which took about as long as
//! parsing and checking the whole file. As columns they are the values alone
//! (7 MB, decoded by one `TextDecoder` call per piece) and a loop of object
//! literals of one shape, which V8 optimizes within the first piece.

use super::ImportReport;
use crate::rules::duplicates::AcceptedRow;

/// Numbers per row in [`AcceptedColumns::table`]: the row number, where each
/// of the five values ends, and [`HAS_PHONE`] | [`HAS_PARENT`].
pub const ROW_STRIDE: usize = 7;
/// The row has a phone (its slice of the text may be empty otherwise).
pub const HAS_PHONE: u32 = 1;
/// The row has a parent organization.
pub const HAS_PARENT: u32 = 2;

/// One piece of accepted rows as columns. The ends are in UTF-16 code units
/// from the start of `text`: the unit of `String.prototype.slice`.
#[derive(Debug, Default)]
pub struct AcceptedColumns {
    /// firstName, lastName, email, phone, parentId of each row, back to back.
    pub text: String,
    /// [`ROW_STRIDE`] numbers per row.
    pub table: Vec<u32>,
}

impl ImportReport {
    /// The accepted rows `rows` as columns, written over `out` (whose buffers
    /// are reused). `None` when the range is outside the list or the piece's
    /// text is longer than 4 GiB of UTF-16, which a 4 GiB wasm memory cannot hold.
    pub fn accepted_columns(
        &self,
        rows: std::ops::Range<usize>,
        out: &mut AcceptedColumns,
    ) -> Option<()> {
        out.text.clear();
        out.table.clear();
        let rows = self.accepted.get(rows)?;
        out.table.reserve(rows.len() * ROW_STRIDE);
        let mut end: u32 = 0;
        for AcceptedRow { row, person } in rows {
            out.table.push(u32::try_from(*row).ok()?);
            let phone = person.phone();
            let parent = person.parent_id();
            for value in [
                person.first_name(),
                person.last_name(),
                person.email(),
                phone.unwrap_or_default(),
                parent.unwrap_or_default(),
            ] {
                out.text.push_str(value);
                end = end.checked_add(utf16_len(value)?)?;
                out.table.push(end);
            }
            let flags = if phone.is_some() { HAS_PHONE } else { 0 }
                | if parent.is_some() { HAS_PARENT } else { 0 };
            out.table.push(flags);
        }
        Some(())
    }
}

fn utf16_len(s: &str) -> Option<u32> {
    let units = if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    };
    u32::try_from(units).ok()
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;

    use super::*;
    use crate::import::{ImportOptions, parse_import};

    /// What the JavaScript side does: slices in UTF-16 code units.
    fn rows_back(columns: &AcceptedColumns) -> Vec<AcceptedRow> {
        let units: Vec<u16> = columns.text.encode_utf16().collect();
        let mut start = 0;
        let mut slice = |end: u32| {
            let s = String::from_utf16(&units[start..end as usize]).unwrap();
            start = end as usize;
            s
        };
        columns
            .table
            .chunks(ROW_STRIDE)
            .map(|r| {
                let (first, last, email) = (slice(r[1]), slice(r[2]), slice(r[3]));
                let (phone, parent) = (slice(r[4]), slice(r[5]));
                let person = crate::rules::Person::new(
                    &first,
                    &last,
                    &email,
                    Some(phone.as_str()).filter(|_| r[6] & HAS_PHONE != 0),
                    Some(parent.as_str()).filter(|_| r[6] & HAS_PARENT != 0),
                );
                AcceptedRow {
                    row: r[0].into(),
                    person,
                }
            })
            .collect()
    }

    #[test]
    fn the_columns_give_back_every_accepted_row() {
        let parent = "7d0f4a2e-1b3c-4d5e-8f90-000000000001";
        let mut csv = String::from(
            "First Name,Last Name,Email Address,Country Code,Mobile Phone,Parent Organization ID\n",
        );
        // Accents (two UTF-8 bytes, one UTF-16 unit), a character outside the
        // BMP (four bytes, two units), rows without a phone or a parent, and
        // a refused row between accepted ones.
        csv.push_str("Zoë,Lée,zoe@example.be,BE,0475 000001,\n");
        csv.push_str(&format!("𝄞 Anne,Müller,anne@example.be,,,{parent}\n"));
        csv.push_str("No,Email,,BE,0475 000003,\n");
        csv.push_str("Émile,O'Brien,emile@example.be,BE,0475 000004,\n");
        let options = ImportOptions {
            organization_ids: Some(vec![parent.to_owned()]),
            ..ImportOptions::default()
        };
        let report =
            parse_import(csv.as_bytes(), &options, &mut |_| ControlFlow::Continue(())).unwrap();
        assert_eq!((report.accepted.len(), report.rejected.len()), (3, 1));
        let mut columns = AcceptedColumns::default();
        report.accepted_columns(0..3, &mut columns).unwrap();
        assert_eq!(columns.table.len(), 3 * ROW_STRIDE);
        assert_eq!(rows_back(&columns), report.accepted);
        // A later piece reuses the buffers and starts its ends at 0.
        report.accepted_columns(1..3, &mut columns).unwrap();
        assert_eq!(rows_back(&columns), report.accepted[1..]);
        assert!(report.accepted_columns(2..4, &mut columns).is_none());
    }
}
