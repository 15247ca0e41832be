//! HCP import: any accepted spreadsheet in, every data row out exactly once,
//! either accepted (normalized) or rejected with its row number and every
//! reason. Nothing here does I/O; bytes in, report out.

mod cell;
mod columns;
mod error;
mod header;
mod records;
mod report;
mod sniff;
mod text;
mod tokens;
mod workbook;
mod xlsx;
mod xml;
mod xml2003;

use std::ops::ControlFlow;

use serde::Serialize;

pub use columns::{AcceptedColumns, HAS_PARENT, HAS_PHONE, ROW_STRIDE};
pub use error::ImportError;
pub use report::rejections_csv;

/// The records of delimited text, each a list of fields, as the import
/// splits them: for the fuzz target that holds the splitter to the `csv`
/// crate's reader on long texts. Not an API.
#[doc(hidden)]
pub fn split_records(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut records = records::Records::new(text, delimiter);
    let mut out = Vec::new();
    while records.next_record().is_some() {
        out.push(records.fields().map(str::to_owned).collect());
    }
    out
}

pub use crate::rules::duplicates::{AcceptedRow, RejectedRow};
use crate::rules::duplicates::{CheckedRow, Known, settle};
use crate::rules::{Field, PersonInput, RuleContext, TypedRow, trim, validate_person};

/// The formats hcp-kit reads, as detected from the bytes.
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    /// Excel 2003 XML (SpreadsheetML).
    Xml,
    /// Delimited text (.csv, .txt).
    Csv,
}

/// Caps that keep a hostile or mistaken file from exhausting the browser.
/// (JavaScript passes them, and the options below, by their camelCase names:
/// `src/import.rs` reads them.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_rows: u64,
    pub max_columns: usize,
    pub max_cell_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 50 * 1024 * 1024,
            max_rows: 1_000_000,
            max_columns: 64,
            max_cell_chars: 1024,
        }
    }
}

/// What the caller knows besides the file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Sheet to read; the first one when `None`.
    pub sheet: Option<String>,
    pub limits: Limits,
    /// Emails already in the database (compared case-insensitively).
    pub existing_emails: Vec<String>,
    /// Phones already in the database (compared in E.164).
    pub existing_phones: Vec<String>,
    /// When given, a Parent Organization ID must be one of these.
    pub organization_ids: Option<Vec<String>>,
    /// The encoding of a CSV or text file, when the user chose one (after
    /// the Windows-1252 warning's preview); detected when `None`.
    pub encoding: Option<TextEncoding>,
    /// Which column holds each field, by its header as written (indexed like
    /// `Field::ALL`), when the user mapped the columns; matched by name when `None`.
    pub mapping: Option<[Option<String>; 6]>,
}

/// The encodings a user may choose for a CSV or text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Windows1252,
    Iso8859_15,
    /// Little-endian unless the file starts with a big-endian byte-order mark.
    Utf16,
}

impl TextEncoding {
    /// From the WHATWG label a page would use.
    pub fn from_label(label: &str) -> Option<TextEncoding> {
        match label.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(TextEncoding::Utf8),
            "windows-1252" | "cp1252" => Some(TextEncoding::Windows1252),
            "iso-8859-15" | "latin-9" | "latin9" => Some(TextEncoding::Iso8859_15),
            "utf-16" | "utf-16le" | "utf16" => Some(TextEncoding::Utf16),
            _ => None,
        }
    }
}

/// Parse progress, reported every few thousand rows.
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Data rows read so far.
    #[cfg_attr(test, ts(type = "number"))]
    pub rows: u64,
    /// Bytes of input consumed, when the reader knows it (CSV, text, .xlsx;
    /// else 0 until done).
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub total_bytes: u64,
}

/// A column of the header row.
#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    /// 0-based column position.
    pub index: usize,
    pub header: String,
    /// The field it was matched to, if any.
    pub field: Option<Field>,
}

#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WarningCode {
    Windows1252,
    UnknownColumns,
    DuplicateColumn,
    ColumnsIgnored,
    NoDataRows,
}

#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
}

impl Warning {
    pub(crate) fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning {
            code,
            message: message.into(),
        }
    }
}

#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Non-empty data rows (header excluded) = accepted + rejected.
    #[cfg_attr(test, ts(type = "number"))]
    pub rows: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub accepted: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub rejected: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes: u64,
}

#[cfg_attr(test, derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub format: Format,
    pub sheet: Option<String>,
    pub columns: Vec<ColumnInfo>,
    #[cfg_attr(test, ts(as = "Vec<crate::rules::duplicates::AcceptedRowShape>"))]
    pub accepted: Vec<AcceptedRow>,
    pub rejected: Vec<RejectedRow>,
    pub warnings: Vec<Warning>,
    pub stats: Stats,
}

// By hand rather than derived: the rows are serialized by one call per row.
// A browser runs a single long call in its baseline tier throughout (wasm has
// no on-stack replacement), and the report is serialized once per import.
impl Serialize for ImportReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut report = s.serialize_struct("ImportReport", 7)?;
        report.serialize_field("format", &self.format)?;
        report.serialize_field("sheet", &self.sheet)?;
        report.serialize_field("columns", &self.columns)?;
        report.serialize_field("accepted", &RowByRow(&self.accepted))?;
        report.serialize_field("rejected", &RowByRow(&self.rejected))?;
        report.serialize_field("warnings", &self.warnings)?;
        report.serialize_field("stats", &self.stats)?;
        report.end()
    }
}

/// Rows of the report that cross into JavaScript with one `JSON.parse`.
pub const ROWS_PER_PIECE: usize = 4096;

/// One of the report's two lists of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowList {
    Accepted,
    Rejected,
}

impl RowList {
    /// Its property name in the report's JSON.
    pub fn key(self) -> &'static str {
        match self {
            RowList::Accepted => "accepted",
            RowList::Rejected => "rejected",
        }
    }
}

/// The report as JSON in pieces: the caller parses the head (the report with
/// empty lists of rows), then each piece of rows, and appends those to their
/// list. Whole, the JSON of 100,000 rows is 14 MB: the largest allocation of
/// the import, made while the rows are all still held, and held once more as
/// a JavaScript string while it is parsed. A piece is about 600 KB.
impl ImportReport {
    /// The report's JSON with `accepted` and `rejected` empty.
    pub fn head_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&ImportReport {
            format: self.format,
            sheet: self.sheet.clone(),
            columns: self.columns.clone(),
            accepted: Vec::new(),
            rejected: Vec::new(),
            warnings: self.warnings.clone(),
            stats: self.stats,
        })
    }

    /// Which rows go in which piece, in order.
    pub fn pieces(&self) -> impl Iterator<Item = (RowList, std::ops::Range<usize>)> + use<> {
        let ranges = |list, len: usize| {
            (0..len)
                .step_by(ROWS_PER_PIECE)
                .map(move |start| (list, start..len.min(start + ROWS_PER_PIECE)))
        };
        ranges(RowList::Accepted, self.accepted.len())
            .chain(ranges(RowList::Rejected, self.rejected.len()))
    }

    /// A piece's rows as a JSON array, written over `out` (whose buffer is reused).
    pub fn piece_json(
        &self,
        (list, rows): (RowList, std::ops::Range<usize>),
        out: &mut String,
    ) -> Result<(), serde_json::Error> {
        let mut bytes = std::mem::take(out).into_bytes();
        bytes.clear();
        match list {
            RowList::Accepted => write_rows(&mut bytes, self.accepted.get(rows))?,
            RowList::Rejected => write_rows(&mut bytes, self.rejected.get(rows))?,
        }
        *out = String::from_utf8(bytes).map_err(|e| serde::ser::Error::custom(e.to_string()))?;
        Ok(())
    }
}

fn write_rows<T: Serialize>(
    out: &mut Vec<u8>,
    rows: Option<&[T]>,
) -> Result<(), serde_json::Error> {
    serde_json::to_writer(out, &RowByRow(rows.unwrap_or_default()))
}

struct RowByRow<'a, T>(&'a [T]);

impl<T: Serialize> Serialize for RowByRow<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for row in self.0 {
            one_row(&mut seq, row)?;
        }
        seq.end()
    }
}

#[inline(never)]
fn one_row<T: Serialize, Q: serde::ser::SerializeSeq>(
    seq: &mut Q,
    row: &T,
) -> Result<(), Q::Error> {
    seq.serialize_element(row)
}

/// How often progress is reported, in rows.
const PROGRESS_EVERY: u64 = 4096;

/// Where readers deliver rows: it skips blank rows, takes the first
/// non-empty one as the header, validates the rest, and enforces the limits.
pub(crate) struct RowSink<'a> {
    limits: Limits,
    rules: RuleContext,
    /// The user's choice of columns, when the header did not speak for itself.
    chosen: Option<[Option<String>; 6]>,
    /// Stop after the header row (`read_header`).
    header_only: bool,
    mapping: Option<header::Mapping>,
    checked: Vec<CheckedRow>,
    warnings: Vec<Warning>,
    ignored_columns: bool,
    rows: u64,
    total_bytes: u64,
    progress: &'a mut dyn FnMut(Progress) -> ControlFlow<()>,
    /// The buffer `row` lends each row's cells in (always empty here).
    cells: Vec<&'static str>,
}

/// An emptied vector of borrowed strings, to borrow for another lifetime.
fn recycle<'b>(mut cells: Vec<&str>) -> Vec<&'b str> {
    cells.clear();
    cells.into_iter().map(|_| "").collect()
}

impl RowSink<'_> {
    pub(crate) fn max_columns(&self) -> usize {
        self.limits.max_columns
    }

    pub(crate) fn note_ignored_column(&mut self) {
        self.ignored_columns = true;
    }

    /// A row's cells, lent by the reader: its values are copied once, into
    /// its `TypedRow`.
    pub(crate) fn row<'c>(
        &mut self,
        number: u64,
        cells: impl IntoIterator<Item = &'c str>,
        bytes_done: u64,
    ) -> Result<(), ImportError> {
        // One buffer of cells for every row: kept empty between rows, as
        // borrowed cells cannot outlive theirs, and retyped by `collect`,
        // which reuses an emptied vector's buffer in place.
        let mut row: Vec<&'c str> = recycle(std::mem::take(&mut self.cells));
        let mut cells = cells.into_iter();
        row.extend(cells.by_ref().take(self.limits.max_columns));
        if cells.any(|c| !trim(c).is_empty()) {
            self.ignored_columns = true;
        }
        let done = self.row_of(number, &row, bytes_done);
        self.cells = recycle(row);
        done
    }

    /// The first non-empty row: which column holds which field. Apart from
    /// `row_of`, which runs for every row: a browser optimizes a function
    /// once it has run enough, and compiles a small one sooner.
    #[cold]
    #[inline(never)]
    fn header(&mut self, cells: &[&str]) -> Result<(), ImportError> {
        let cells: Vec<String> = cells.iter().map(|c| (*c).to_owned()).collect();
        let mapping = match &self.chosen {
            Some(chosen) => header::map_chosen(&cells, chosen, &mut self.warnings)?,
            None => header::map(&cells, &mut self.warnings),
        };
        if self.header_only {
            self.mapping = Some(mapping);
            // Not a failure: `read_header` has what it came for.
            return Err(ImportError::Cancelled);
        }
        let missing: Vec<&'static str> = [Field::FirstName, Field::LastName, Field::Email]
            .into_iter()
            .filter(|f| mapping.by_field[f.index()].is_none())
            .map(Field::title)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns(missing));
        }
        self.mapping = Some(mapping);
        Ok(())
    }

    // One copy for every reader's kind of cells (the import module has a size budget).
    #[inline(never)]
    fn row_of(&mut self, number: u64, cells: &[&str], bytes_done: u64) -> Result<(), ImportError> {
        if cells.iter().all(|c| trim(c).is_empty()) {
            return Ok(());
        }
        let Some(mapping) = &self.mapping else {
            return self.header(cells);
        };
        self.rows += 1;
        if self.rows > self.limits.max_rows {
            return Err(ImportError::TooLarge(format!(
                "more than {} data rows",
                self.limits.max_rows
            )));
        }
        let values = Field::ALL.map(|field| {
            mapping.by_field[field.index()]
                .and_then(|i| cells.get(i))
                .map_or("", |c| *c)
        });
        // Checked as lent, then kept packed.
        let verdict = validate_person(&values, &self.rules);
        self.checked.push(CheckedRow {
            row: number,
            values: TypedRow::new(values),
            verdict,
        });
        if self.rows % PROGRESS_EVERY == 0 {
            let p = Progress {
                rows: self.rows,
                bytes: bytes_done,
                total_bytes: self.total_bytes,
            };
            if (self.progress)(p).is_break() {
                return Err(ImportError::Cancelled);
            }
        }
        Ok(())
    }
}

/// Parses and validates an import file. `progress` is called every few
/// thousand rows (and once at the end); returning `Break` cancels the parse.
pub fn parse_import(
    bytes: &[u8],
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let (sink, format, sheet) = read(bytes, options, false, progress)?;
    finish(sink, format, sheet, options)
}

/// `parse_import` for a caller that hands the file over (the wasm binding):
/// its bytes are freed once every row is read, before the duplicates are
/// settled, which is the import's peak of memory. The allocator then reuses
/// them (an 8.5 MB .xlsx is 8.5 MB less at that peak).
pub fn parse_import_owned(
    bytes: Vec<u8>,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let (sink, format, sheet) = read(&bytes, options, false, progress)?;
    drop(bytes);
    finish(sink, format, sheet, options)
}

/// The rules a row is checked by, from the caller's options.
fn rule_context(options: &ImportOptions) -> RuleContext {
    RuleContext {
        max_chars: options.limits.max_cell_chars,
        organizations: options.organization_ids.as_ref().map(|ids| {
            ids.iter()
                .map(|id| id.trim().to_ascii_lowercase())
                .collect()
        }),
    }
}

/// Checks rows again after a user edited or dropped some (the review grid):
/// every rule of the import, and the duplicates across all of them and
/// against the database's, exactly as `parse_import` settles a file.
pub fn validate_rows(
    rows: Vec<(u64, PersonInput)>,
    options: &ImportOptions,
) -> (Vec<AcceptedRow>, Vec<RejectedRow>) {
    let rules = rule_context(options);
    let checked = rows
        .into_iter()
        .map(|(row, values)| CheckedRow {
            row,
            verdict: validate_person(&values, &rules),
            values: TypedRow::from(&values),
        })
        .collect();
    settle_against(checked, options)
}

/// Duplicates across the rows and against the database's emails and phones
/// the caller gave: what a file's rows and rows checked again both go through.
fn settle_against(
    checked: Vec<CheckedRow>,
    options: &ImportOptions,
) -> (Vec<AcceptedRow>, Vec<RejectedRow>) {
    settle(
        checked,
        &Known::new(&options.existing_emails, &options.existing_phones),
    )
}

/// The header row of a file: its columns, each with the field it would be
/// matched to (or the user's mapping), without reading the data rows. For a
/// page that lets the user map the columns before the import.
pub fn read_header(bytes: &[u8], options: &ImportOptions) -> Result<Vec<ColumnInfo>, ImportError> {
    let mut progress = |_| ControlFlow::Continue(());
    let (sink, ..) = read(bytes, options, true, &mut progress)?;
    sink.mapping.map(|m| m.columns).ok_or(ImportError::Empty)
}

/// Reads the rows of `bytes` into a sink (the whole file, or only its header).
fn read<'a>(
    bytes: &[u8],
    options: &ImportOptions,
    header_only: bool,
    progress: &'a mut dyn FnMut(Progress) -> ControlFlow<()>,
) -> Result<(RowSink<'a>, Format, Option<String>), ImportError> {
    let limits = options.limits;
    let total_bytes = bytes.len() as u64;
    if total_bytes > limits.max_bytes {
        return Err(ImportError::TooLarge(format!(
            "the file is {:.1} MB, over the {:.1} MB limit",
            total_bytes as f64 / 1e6,
            limits.max_bytes as f64 / 1e6
        )));
    }
    let format = sniff::sniff(bytes)?;
    let rules = rule_context(options);
    let mut sink = RowSink {
        limits,
        rules,
        chosen: options.mapping.clone(),
        header_only,
        mapping: None,
        checked: Vec::new(),
        warnings: Vec::new(),
        ignored_columns: false,
        rows: 0,
        total_bytes,
        progress,
        cells: Vec::new(),
    };
    let sheet = match read_rows(bytes, format, options, &mut sink) {
        Ok(sheet) => sheet,
        // The sink stops itself once it has the header, when that is all we want.
        Err(ImportError::Cancelled) if header_only && sink.mapping.is_some() => None,
        Err(e) => return Err(e),
    };
    Ok((sink, format, sheet))
}

/// Runs the reader of `format` over the file; the sheet read, for workbooks.
fn read_rows(
    bytes: &[u8],
    format: Format,
    options: &ImportOptions,
    sink: &mut RowSink<'_>,
) -> Result<Option<String>, ImportError> {
    let limits = options.limits;
    Ok(match format {
        Format::Csv => {
            read_text(bytes, options, sink)?;
            None
        }
        Format::Xml => Some(read_xml2003(bytes, options, sink)?),
        Format::Xlsx | Format::Xlsb | Format::Ods => {
            workbook::check_zip_expansion(bytes, limits.max_bytes)?;
            Some(workbook::read(
                bytes,
                format,
                options.sheet.as_deref(),
                sink,
            )?)
        }
        Format::Xls => Some(workbook::read(
            bytes,
            format,
            options.sheet.as_deref(),
            sink,
        )?),
    })
}

// Each format's reader is its own function, not inlined into `read_rows`:
// see `workbook::read` for why.
#[inline(never)]
fn read_text(
    bytes: &[u8],
    options: &ImportOptions,
    sink: &mut RowSink<'_>,
) -> Result<(), ImportError> {
    if options.sheet.is_some() {
        return Err(ImportError::Validation(
            "a CSV or text file has no sheets".into(),
        ));
    }
    let mut warnings = Vec::new();
    let text = text::decode_as(bytes, options.encoding, &mut warnings)?;
    sink.warnings.extend(warnings);
    text::read(&text, sink)
}

#[inline(never)]
fn read_xml2003(
    bytes: &[u8],
    options: &ImportOptions,
    sink: &mut RowSink<'_>,
) -> Result<String, ImportError> {
    let names = xml2003::sheet_names(bytes)?;
    let index = match &options.sheet {
        Some(w) => names
            .iter()
            .position(|n| n == w)
            .ok_or_else(|| ImportError::SheetNotFound(w.clone(), names.join(", ")))?,
        None => 0,
    };
    let name = names
        .get(index)
        .cloned()
        .ok_or_else(|| error::invalid("the workbook has no sheet"))?;
    xml2003::read(bytes, index, sink)?;
    Ok(name)
}

/// The report: duplicates settled across every row, counts and warnings.
fn finish(
    mut sink: RowSink<'_>,
    format: Format,
    sheet: Option<String>,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let limits = options.limits;
    let total_bytes = sink.total_bytes;
    if sink.mapping.is_none() {
        return Err(ImportError::Empty);
    }
    if sink.ignored_columns {
        sink.warnings.push(Warning::new(
            WarningCode::ColumnsIgnored,
            format!("columns after the {}th were ignored", limits.max_columns),
        ));
    }
    if sink.rows == 0 {
        sink.warnings.push(Warning::new(
            WarningCode::NoDataRows,
            "the file has a header row but no data rows",
        ));
    }
    let done = Progress {
        rows: sink.rows,
        bytes: total_bytes,
        total_bytes,
    };
    if (sink.progress)(done).is_break() {
        return Err(ImportError::Cancelled);
    }
    let columns = sink.mapping.map(|m| m.columns).unwrap_or_default();
    let (accepted, rejected) = settle_against(sink.checked, options);
    let stats = Stats {
        rows: sink.rows,
        accepted: accepted.len() as u64,
        rejected: rejected.len() as u64,
        bytes: total_bytes,
    };
    Ok(ImportReport {
        format,
        sheet,
        columns,
        accepted,
        rejected,
        warnings: sink.warnings,
        stats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pieces_put_together_are_the_report() {
        let mut csv =
            String::from("First Name,Last Name,Email Address,Country Code,Mobile Phone\n");
        for i in 0..10_000 {
            // Every fifth row is refused (no email); every seventh shares the phone of the row before.
            let email = if i % 5 == 0 {
                String::new()
            } else {
                format!("hcp{i}@example.be")
            };
            let phone = if i % 7 == 0 { i.max(1) - 1 } else { i };
            csv.push_str(&format!("Ann{i},Lée{i},{email},BE,0475 {phone:06}\n"));
        }
        let report = parse_import(csv.as_bytes(), &ImportOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
        assert!(report.accepted.len() > ROWS_PER_PIECE && !report.rejected.is_empty());
        let mut whole: serde_json::Value =
            serde_json::from_str(&report.head_json().unwrap()).unwrap();
        let mut text = String::new();
        let mut pieces = 0;
        for piece in report.pieces() {
            report.piece_json(piece.clone(), &mut text).unwrap();
            let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
            assert!(!rows.is_empty() && rows.len() <= ROWS_PER_PIECE);
            whole[piece.0.key()].as_array_mut().unwrap().extend(rows);
            pieces += 1;
        }
        let per_list = |n: usize| n.div_ceil(ROWS_PER_PIECE);
        assert_eq!(
            pieces,
            per_list(report.accepted.len()) + per_list(report.rejected.len())
        );
        assert_eq!(whole, serde_json::to_value(&report).unwrap());
    }
}
