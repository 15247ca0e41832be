//! Spreadsheet import for JavaScript: bytes in, a plain report object out.
//! The report crosses the boundary as JSON parsed by the engine
//! (`JSON.parse`), in pieces of a few thousand rows: for 100,000 rows that is
//! faster than serde-wasm-bindgen building each object through the bindings
//! (`benches/import-crossing.mjs` measures both).

use std::ops::ControlFlow;

use hcp_core::import::{
    self as core, ImportError, ImportOptions, Limits, RejectedRow, TextEncoding,
};
use wasm_bindgen::prelude::*;

use hcp_core::rules::{Field, Reason, Violation};
use serde::Deserialize;
use serde::de::value::StrDeserializer;

use crate::args::Args;
use crate::error::to_js_error;

#[wasm_bindgen(typescript_custom_section)]
const IMPORT_TS: &'static str = r#"
/** A spreadsheet format, as detected from the file's bytes (never its name). */
export type ImportFormat = "xlsx" | "xlsb" | "xls" | "ods" | "xml" | "csv";

/** Caps on what a file may hold; each has a generous default. */
export interface ImportLimits {
  /** Largest accepted file, in bytes (default 50 MiB). */
  maxBytes?: number;
  /** Most data rows (default 1,000,000). */
  maxRows?: number;
  /** Columns read per row (default 64); further columns are ignored with a warning. */
  maxColumns?: number;
  /** Longest value, in characters (default 1,024); longer values reject their row. */
  maxCellChars?: number;
}

/** What the caller knows besides the file. */
export interface ImportOptions {
  /** The sheet to read (default: the first). */
  sheet?: string;
  limits?: ImportLimits;
  /** Emails already in the database: such rows are rejected (`AlreadyExists`). */
  existingEmails?: string[];
  /** Phones already in the database (any format; compared in E.164). */
  existingPhones?: string[];
  /** When given, a Parent Organization ID must be one of these. */
  organizationIds?: string[];
  /**
   * The encoding of a CSV or text file, when the user chose one (after the
   * `Windows1252` warning's preview). Detected when absent.
   */
  encoding?: "utf-8" | "windows-1252" | "iso-8859-15" | "utf-16";
  /**
   * Which column holds each field, by its header as written, when the header
   * row does not match the fields by itself (see {@link readHeader}).
   * Fields left out are not read.
   */
  mapping?: Partial<Record<HcpField, string | null>>;
}

/** A row to check again with {@link revalidateRows}. */
export interface RowValues {
  /** The spreadsheet's row number. */
  row: number;
  /** The values as typed (or as fixed by the user). */
  values: Partial<PersonValues>;
}

/** What {@link revalidateRows} answers: every row given, accepted or rejected. */
export interface RevalidatedRows {
  accepted: AcceptedRow[];
  rejected: RejectedRow[];
}

/** Parse progress. */
export interface ImportProgress {
  /** Data rows read so far. */
  rows: number;
  /** Input bytes consumed (CSV, text and .xlsx; other formats report 0 until done). */
  bytes: number;
  /** Size of the input. */
  totalBytes: number;
}

/** A column of the header row. */
export interface ImportColumn {
  /** 0-based position. */
  index: number;
  /** The header as written. */
  header: string;
  /** The field it was matched to, or `null` for an ignored column. */
  field: HcpField | null;
}

/** Something worth telling the user that did not stop the import. */
export interface ImportWarning {
  code: "Windows1252" | "UnknownColumns" | "DuplicateColumn" | "ColumnsIgnored" | "NoDataRows";
  message: string;
}

/** Counts; `rows === accepted + rejected`. */
export interface ImportStats {
  rows: number;
  accepted: number;
  rejected: number;
  bytes: number;
}

/** Every non-empty data row of the file, exactly once: accepted or rejected. */
export interface ImportReport {
  format: ImportFormat;
  /** The sheet read (`null` for CSV and text). */
  sheet: string | null;
  columns: ImportColumn[];
  accepted: AcceptedRow[];
  rejected: RejectedRow[];
  warnings: ImportWarning[];
  stats: ImportStats;
}

/**
 * An {@link ImportReport} whose accepted rows are still columns: what
 * `parseImportPacked` returns and hcp-kit/worker posts for a parse with
 * `packed: true`. `reportOf` from "hcp-kit/import-report" builds the report
 * on the page. Its pieces cross to a page as one string and one transferred
 * table each, where 100,000 row objects took 80-180 ms to clone.
 */
export interface PackedReport {
  /** The report, its `accepted` empty. */
  report: ImportReport;
  /** The accepted rows: their text, and a table of offsets and flags into it. */
  pieces: { text: string; table: Uint32Array }[];
  /** Table entries per row. */
  stride: number;
  /** The flag of a row with a phone. */
  hasPhone: number;
  /** The flag of a row with a parent organization. */
  hasParent: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ImportOptions")]
    pub type ImportOptionsJs;
    #[wasm_bindgen(typescript_type = "((progress: ImportProgress) => void)")]
    pub type ProgressCallback;
}

/// Read with `Reflect` rather than a serde deserializer: the size budget of
/// the import module (a deserializer per options type costs kilobytes).
fn import_options(o: &Args) -> Result<ImportOptions, JsValue> {
    o.only(
        "import options",
        &[
            "sheet",
            "limits",
            "existingEmails",
            "existingPhones",
            "organizationIds",
            "encoding",
            "mapping",
        ],
    )?;
    let l = o.object("limits");
    l.only(
        "import limits",
        &["maxBytes", "maxRows", "maxColumns", "maxCellChars"],
    )?;
    let d = Limits::default();
    Ok(ImportOptions {
        sheet: o.str("sheet")?,
        limits: Limits {
            max_bytes: l.u32("maxBytes")?.map_or(d.max_bytes, u64::from),
            max_rows: l.u32("maxRows")?.map_or(d.max_rows, u64::from),
            max_columns: l.u32("maxColumns")?.map_or(d.max_columns, |n| n as usize),
            max_cell_chars: l
                .u32("maxCellChars")?
                .map_or(d.max_cell_chars, |n| n as usize),
        },
        existing_emails: o.strings("existingEmails")?.unwrap_or_default(),
        existing_phones: o.strings("existingPhones")?.unwrap_or_default(),
        organization_ids: o.strings("organizationIds")?,
        encoding: o
            .str("encoding")?
            .map(|label| {
                TextEncoding::from_label(&label).ok_or_else(|| {
                    to_js_error(ImportError::Validation(format!(
                        "encoding {label:?}: expected utf-8, windows-1252, iso-8859-15 or utf-16"
                    )))
                })
            })
            .transpose()?,
        mapping: column_mapping(&o.object("mapping"), o.value("mapping").is_some())?,
    })
}

/// `mapping: { firstName: "Prénom", … }`: the header of each field's column.
fn column_mapping(m: &Args, given: bool) -> Result<Option<[Option<String>; 6]>, JsValue> {
    if !given {
        return Ok(None);
    }
    m.only("column mapping", &Field::ALL.map(Field::key))?;
    let mut chosen: [Option<String>; 6] = Default::default();
    for (field, slot) in Field::ALL.into_iter().zip(chosen.iter_mut()) {
        *slot = m.str(field.key())?;
    }
    Ok(Some(chosen))
}

/// The header row of a file: its columns and the field each would be
/// matched to, without reading the data rows (or validating anything). For a
/// page that shows a column-mapping step when the header does not match.
///
/// @example
/// const columns = readHeader(bytes);
/// const unmatched = columns.filter((c) => c.field === null);
#[wasm_bindgen(js_name = readHeader, unchecked_return_type = "ImportColumn[]")]
pub fn read_header(bytes: &[u8], options: Option<ImportOptionsJs>) -> Result<JsValue, JsValue> {
    let options = import_options(&Args::of(options))?;
    let columns = core::read_header(bytes, &options).map_err(to_js_error)?;
    to_json(&columns)
}

/// Checks rows again, as the import does (every rule, and duplicates across
/// all the rows and against `existingEmails`/`existingPhones`), after a user
/// fixed or dropped rows in a review grid. Give every row still in the
/// import, accepted ones included, as typed.
///
/// @example
/// const { accepted, rejected } = revalidateRows(rows.map((r) => ({ row: r.row, values: r.values })), options);
#[wasm_bindgen(js_name = revalidateRows, unchecked_return_type = "RevalidatedRows")]
pub fn revalidate_rows(
    #[wasm_bindgen(unchecked_param_type = "RowValues[]")] rows: JsValue,
    options: Option<ImportOptionsJs>,
) -> Result<JsValue, JsValue> {
    let options = import_options(&Args::of(options))?;
    let bad = |what: &str| to_js_error(ImportError::Validation(format!("rows: {what}")));
    let rows = Args::new(rows)
        .items("rows")?
        .iter()
        .map(|r| {
            Ok((
                r.u32("row")?
                    .map(u64::from)
                    .ok_or_else(|| bad("row is missing"))?,
                r.object("values").person()?,
            ))
        })
        .collect::<Result<Vec<_>, JsValue>>()?;
    let (accepted, rejected) = core::validate_rows(rows, &options);
    // A struct, not `json!`: serde_json's `Value` costs the module kilobytes.
    #[derive(serde::Serialize)]
    struct Revalidated {
        accepted: Vec<core::AcceptedRow>,
        rejected: Vec<RejectedRow>,
    }
    to_json(&Revalidated { accepted, rejected })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value)
        .map_err(|e| to_js_error(ImportError::Validation(e.to_string())))?;
    js_sys::JSON::parse(&json)
}

/// Parses and validates an HCP import file (.xlsx .xls .xlsb .ods .xml .csv
/// .txt, detected from the bytes). Throws `HcpError` for a file that cannot be
/// read at all (`Empty`, `UnsupportedFormat`, `Encrypted`, `InvalidFile`,
/// `TooLarge`, `MissingColumns`, `SheetNotFound`); problems with single rows
/// are rejections in the report. If `onProgress` throws, parsing stops and
/// that exception is rethrown.
///
/// @example
/// const report = parseImport(new Uint8Array(await file.arrayBuffer()), { organizationIds });
/// console.log(`${report.stats.accepted} to import, ${report.stats.rejected} rejected`);
#[wasm_bindgen(js_name = parseImport, unchecked_return_type = "ImportReport")]
pub fn parse_import(
    // Owned, not lent: the module frees the file's copy before the peak.
    bytes: Vec<u8>,
    options: Option<ImportOptionsJs>,
    #[wasm_bindgen(js_name = onProgress)] on_progress: Option<ProgressCallback>,
) -> Result<JsValue, JsValue> {
    report_to_js(&parse_report(bytes, options, on_progress)?, Accepted::Rows)
}

/// `parseImport`, with the accepted rows left as columns (`PackedReport`):
/// for a worker, whose answer a page receives as a structured clone. Build
/// the report with `reportOf` from "hcp-kit/import-report".
///
/// @example
/// const packed = parseImportPacked(bytes, options);
/// postMessage({ packed }, packed.pieces.map((p) => p.table.buffer));
#[wasm_bindgen(js_name = parseImportPacked, unchecked_return_type = "PackedReport")]
pub fn parse_import_packed(
    bytes: Vec<u8>,
    options: Option<ImportOptionsJs>,
    #[wasm_bindgen(js_name = onProgress)] on_progress: Option<ProgressCallback>,
) -> Result<JsValue, JsValue> {
    report_to_js(
        &parse_report(bytes, options, on_progress)?,
        Accepted::Packed,
    )
}

/// What `report_to_js` makes of the accepted rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accepted {
    /// Row objects, in the report.
    Rows,
    /// Columns beside the report (`PackedReport`).
    Packed,
}

/// The report as a plain object, its JSON parsed piece by piece
/// (`ImportReport::pieces` says why).
fn report_to_js(report: &core::ImportReport, form: Accepted) -> Result<JsValue, JsValue> {
    let json_error = |e: serde_json::Error| to_js_error(ImportError::Validation(e.to_string()));
    let object = js_sys::JSON::parse(&report.head_json().map_err(json_error)?)?;
    let list = |key: &str| -> Result<js_sys::Array, JsValue> {
        js_sys::Reflect::get(&object, &key.into())?.dyn_into()
    };
    let (accepted, rejected) = (
        list(core::RowList::Accepted.key())?,
        list(core::RowList::Rejected.key())?,
    );
    let push = js_sys::Reflect::get(&accepted, &"push".into())?.dyn_into::<js_sys::Function>()?;
    let packed = js_sys::Array::new();
    let mut text = String::new();
    let mut columns = core::AcceptedColumns::default();
    for piece in report.pieces() {
        match piece.0 {
            core::RowList::Accepted => {
                report
                    .accepted_columns(piece.1, &mut columns)
                    .ok_or_else(|| {
                        to_js_error(ImportError::TooLarge(
                            "the accepted rows are too large to hand over".into(),
                        ))
                    })?;
                match form {
                    Accepted::Rows => append_accepted_rows(
                        &accepted,
                        &columns.text,
                        &columns.table,
                        core::ROW_STRIDE as u32,
                        core::HAS_PHONE,
                        core::HAS_PARENT,
                    ),
                    Accepted::Packed => {
                        let piece = js_sys::Object::new();
                        set(&piece, "text", &JsValue::from_str(&columns.text))?;
                        // A copy the page can take over (transfer), not a view of wasm memory.
                        let table = js_sys::Uint32Array::from(columns.table.as_slice());
                        set(&piece, "table", &table)?;
                        packed.push(&piece);
                    }
                }
            }
            core::RowList::Rejected => {
                report.piece_json(piece, &mut text).map_err(json_error)?;
                let rows = js_sys::JSON::parse(&text)?.dyn_into::<js_sys::Array>()?;
                push.apply(&rejected, &rows)?;
            }
        }
    }
    if form == Accepted::Rows {
        return Ok(object);
    }
    let out = js_sys::Object::new();
    set(&out, "report", &object)?;
    set(&out, "pieces", &packed)?;
    set(&out, "stride", &JsValue::from(core::ROW_STRIDE as u32))?;
    set(&out, "hasPhone", &JsValue::from(core::HAS_PHONE))?;
    set(&out, "hasParent", &JsValue::from(core::HAS_PARENT))?;
    Ok(out.into())
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(object, &key.into(), value).map(|_| ())
}

// The accepted rows cross as columns (`hcp_core::import::AcceptedColumns`
// says why); the rejected ones, usually few, as JSON.
#[wasm_bindgen(module = "/js/import-report.js")]
extern "C" {
    #[wasm_bindgen(js_name = appendAcceptedRows)]
    fn append_accepted_rows(
        list: &js_sys::Array,
        text: &str,
        table: &[u32],
        stride: u32,
        has_phone: u32,
        has_parent: u32,
    );
}

/// Rows in each of `warmUp`'s files. With 2,000, the first call on 100,000
/// rows took 17-32% less time; the warm-up itself takes about 0.4 s in a
/// fresh worker (its own calls run in the baseline tier).
const WARM_UP_ROWS: u32 = 2000;

/// Parses small synthetic files once (a CSV and .xlsx with shared, `t="str"`
/// and inline strings), so that the first parse of a user's file runs
/// optimized code: V8 starts a module in its baseline tier and switches a
/// function to optimized code only when it is next called, and a long parse
/// keeps its outer functions in the baseline tier to the end. Measured on
/// 100,000 rows, the first call in a fresh page took about twice as long
/// as the later ones. The import worker calls it when it starts, before a
/// file arrives; a page calling `parseImport` itself may call it when idle.
///
/// Returns the number of rows accepted from those files.
///
/// @example
/// await init();
/// warmUp();
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() -> Result<u32, JsValue> {
    let mut accepted = 0;
    for file in warm_up_files(WARM_UP_ROWS).iter() {
        let bytes = file.dyn_into::<js_sys::Uint8Array>()?.to_vec();
        let report = parse_report(bytes, None, None)?;
        accepted += report.accepted.len() as u32;
        report_to_js(&report, Accepted::Rows)?;
    }
    Ok(accepted)
}

#[wasm_bindgen(module = "/js/snippets/warm-up.js")]
extern "C" {
    #[wasm_bindgen(js_name = warmUpFiles)]
    fn warm_up_files(rows: u32) -> js_sys::Array;
}

/// `parseImport` with the report built property by property through
/// serde-wasm-bindgen: only in the benchmark build (`--features bench`), which
/// measures it against the JSON crossing above.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = parseImportObjects, skip_typescript)]
pub fn parse_import_objects(bytes: &[u8]) -> Result<JsValue, JsValue> {
    crate::convert::to_js(&parse_report(bytes.to_vec(), None, None)?)
}

fn parse_report(
    bytes: Vec<u8>,
    options: Option<ImportOptionsJs>,
    on_progress: Option<ProgressCallback>,
) -> Result<core::ImportReport, JsValue> {
    let options = import_options(&Args::of(options))?;
    let callback: Option<js_sys::Function> = on_progress.map(JsCast::unchecked_into);
    let mut thrown: Option<JsValue> = None;
    let mut progress = |p: core::Progress| {
        let Some(f) = &callback else {
            return ControlFlow::Continue(());
        };
        let arg = js_sys::Object::new();
        let set = |k: &str, v: u64| js_sys::Reflect::set(&arg, &k.into(), &(v as f64).into());
        let sent = set("rows", p.rows)
            .and_then(|_| set("bytes", p.bytes))
            .and_then(|_| set("totalBytes", p.total_bytes))
            .and_then(|_| f.call1(&JsValue::NULL, &arg));
        match sent {
            Ok(_) => ControlFlow::Continue(()),
            Err(e) => {
                thrown = Some(e);
                ControlFlow::Break(())
            }
        }
    };
    let report = core::parse_import_owned(bytes, &options, &mut progress);
    match (report, thrown) {
        (_, Some(e)) => Err(e),
        (Err(e), None) => Err(to_js_error(e)),
        (Ok(report), None) => Ok(report),
    }
}

/// A string as serde input, for the enums a rejected row names.
fn from(s: &str) -> StrDeserializer<'_, serde::de::value::Error> {
    StrDeserializer::new(s)
}

/// One rejected row as `parseImport` gave it (read with `Reflect`, like the
/// options: see `import_options`).
fn rejected_row(r: &Args) -> Result<RejectedRow, JsValue> {
    let bad = |what: &str| to_js_error(ImportError::Validation(format!("rejected rows: {what}")));
    let name = |a: &Args, k: &str| a.str(k)?.ok_or_else(|| bad(&format!("{k} is missing")));
    let reasons = r
        .objects("reasons")?
        .iter()
        .map(|x| {
            let field = name(x, "field")?;
            let code = name(x, "code")?;
            Ok(Violation::new(
                Field::deserialize(from(&field))
                    .map_err(|_| bad(&format!("no field {field:?}")))?,
                Reason::deserialize(from(&code)).map_err(|_| bad(&format!("no code {code:?}")))?,
                name(x, "message")?,
            ))
        })
        .collect::<Result<Vec<_>, JsValue>>()?;
    Ok(RejectedRow {
        row: r
            .u32("row")?
            .map(u64::from)
            .ok_or_else(|| bad("row is missing"))?,
        values: r.object("values").person()?,
        reasons,
    })
}

/// The rejected rows as a CSV report to download: row number, the six columns
/// as typed, and the reasons. Cells that a spreadsheet would run as formulas
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) are neutralized.
#[wasm_bindgen(js_name = rejectionsCsv)]
pub fn rejections_csv(
    #[wasm_bindgen(unchecked_param_type = "RejectedRow[]")] rejected: JsValue,
) -> Result<String, JsValue> {
    let rows = Args::new(rejected)
        .items("rejected rows")?
        .iter()
        .map(rejected_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(core::rejections_csv(&rows))
}
