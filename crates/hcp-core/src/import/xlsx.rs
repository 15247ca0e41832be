//! .xlsx read for its cell text only, streamed row by row.
//!
//! Why not calamine here (it still reads .xls, .xlsb and .ods): its general
//! reader builds styles, rich-text runs, formulas and one `String` per shared
//! string, and spent about 60% of the import's time on a 100,000-row sheet.
//! This reader keeps the shared strings in one buffer, looks at three
//! attributes of a cell, and never allocates the declared sheet dimension.
//! The parts are found through the package relationships, as Excel does.

use std::io::{Cursor, Read};

use calamine::{CellFormat, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::Event;
use zip::ZipArchive;

use super::cell;
use super::error::{ImportError, invalid};
use super::tokens::{Token, Tokens, attributes, is_space, plain_text, unescape};
use super::xml::{attr, is, scan};
use super::{RowSink, workbook::RowBuilder};

type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

fn zip_err(e: impl std::fmt::Display) -> ImportError {
    invalid(format!("zip: {e}"))
}

/// The parts read whole (relationships, workbook, styles) are small; a
/// bigger one is a hostile file, refused before it fills the memory.
const MAX_PART: u64 = 16 * 1024 * 1024;

fn part(zip: &mut Zip<'_>, path: &str) -> Result<Option<Vec<u8>>, ImportError> {
    let file = match zip.by_name(path) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(zip_err(e)),
    };
    let mut out = Vec::new();
    file.take(MAX_PART + 1)
        .read_to_end(&mut out)
        .map_err(zip_err)?;
    if out.len() as u64 > MAX_PART {
        return Err(invalid(format!("{path} is larger than 16 MB")));
    }
    Ok(Some(out))
}

/// `target` of a relationship of the part at `source`, as a zip entry name.
fn resolve(source: &str, target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if !target.starts_with('/') {
        parts.extend(source.split('/'));
        parts.pop(); // the source's own file name
    }
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

struct Relationship {
    id: String,
    kind: String,
    target: String,
}

/// The relationships of the part at `source` (`dir/_rels/name.rels`).
fn relationships(zip: &mut Zip<'_>, source: &str) -> Result<Vec<Relationship>, ImportError> {
    let (dir, name) = source.rsplit_once('/').unwrap_or(("", source));
    let rels = match dir {
        "" => format!("_rels/{name}.rels"),
        d => format!("{d}/_rels/{name}.rels"),
    };
    let Some(bytes) = part(zip, &rels)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    scan(bytes.as_slice(), |event| {
        if let Event::Start(e) | Event::Empty(e) = event
            && is(e, "Relationship")
        {
            let target = attr(e, "Target")?.unwrap_or_default();
            out.push(Relationship {
                id: attr(e, "Id")?.unwrap_or_default(),
                kind: attr(e, "Type")?.unwrap_or_default(),
                target: resolve(source, &target),
            });
        }
        Ok(true)
    })?;
    Ok(out)
}

fn of_kind<'r>(rels: &'r [Relationship], kind: &str) -> Option<&'r Relationship> {
    rels.iter()
        .find(|r| r.kind.rsplit('/').next() == Some(kind))
}

struct Workbook {
    /// (name, relationship id) in tab order.
    sheets: Vec<(String, String)>,
    date1904: bool,
}

fn workbook(bytes: &[u8]) -> Result<Workbook, ImportError> {
    let mut wb = Workbook {
        sheets: Vec::new(),
        date1904: false,
    };
    scan(bytes, |event| {
        if let Event::Start(e) | Event::Empty(e) = event {
            if is(e, "sheet") {
                let name = attr(e, "name")?.unwrap_or_default();
                wb.sheets.push((name, attr(e, "id")?.unwrap_or_default()));
            } else if is(e, "workbookPr") {
                wb.date1904 = matches!(attr(e, "date1904")?.as_deref(), Some("1" | "true"));
            }
        }
        Ok(true)
    })?;
    Ok(wb)
}

/// More shared-string text than any sheet within the row and cell limits
/// needs in practice; past it the browser would run out of memory first.
const MAX_STRINGS: usize = 256 * 1024 * 1024;

/// The shared string table: every string in one buffer.
#[derive(Default)]
struct Strings {
    text: String,
    ends: Vec<usize>,
}

impl Strings {
    fn get(&self, i: usize) -> Option<&str> {
        let start = match i.checked_sub(1) {
            None => 0,
            Some(p) => *self.ends.get(p)?,
        };
        self.text.get(start..*self.ends.get(i)?)
    }

    /// `<si>` items: the text of their `<t>` elements (rich-text runs joined),
    /// without phonetic guides (`<rPh>`). In batches of tokens, like the
    /// sheet (see `Cells::stream`): a workbook of 100,000 rows has hundreds
    /// of thousands of strings, read before the first row.
    fn parse(source: impl Read) -> Result<Strings, ImportError> {
        let mut w = StringsWalk::default();
        let mut tokens = Tokens::new(source);
        while w.batch(&mut tokens)? {}
        Ok(w.strings)
    }
}

/// Where `Strings::parse` is between two batches.
#[derive(Default)]
struct StringsWalk {
    strings: Strings,
    in_t: bool,
    preserve: bool,
    phonetic: bool,
    t: String,
}

impl StringsWalk {
    /// Up to `BATCH` tokens; `false` at the end of the part.
    #[inline(never)]
    fn batch<R: Read>(&mut self, tokens: &mut Tokens<R>) -> Result<bool, ImportError> {
        let s = &mut self.strings;
        for _ in 0..BATCH {
            let Some(token) = tokens.next()? else {
                return Ok(false);
            };
            match token {
                Token::Start {
                    name: b"t",
                    attrs,
                    empty: false,
                } if !self.phonetic => {
                    self.in_t = true;
                    self.preserve =
                        attributes(attrs).any(|(k, v)| k == b"space" && v == b"preserve");
                    self.t.clear();
                }
                Token::Start {
                    name: b"rPh",
                    empty: false,
                    ..
                } => self.phonetic = true,
                Token::Start {
                    name: b"si",
                    empty: true,
                    ..
                } => s.ends.push(s.text.len()),
                Token::Text(x) | Token::CData(x) if self.in_t => unescape(x, &mut self.t)?,
                Token::End { name: b"t" } if self.in_t => {
                    self.in_t = false;
                    let v = if self.preserve {
                        self.t.as_str()
                    } else {
                        trim_xml_space(&self.t)
                    };
                    unescape_ooxml(v, &mut s.text);
                }
                Token::End { name: b"rPh" } => self.phonetic = false,
                Token::End { name: b"si" } => {
                    if s.text.len() > MAX_STRINGS {
                        return Err(ImportError::TooLarge(
                            "the workbook's shared strings are over 256 MB".into(),
                        ));
                    }
                    s.ends.push(s.text.len());
                }
                _ => {}
            }
        }
        Ok(true)
    }
}

/// XML's four whitespace bytes trimmed from both ends, byte by byte (a
/// trim by a set of chars decoded every char: 2% of a shared-strings parse).
fn trim_xml_space(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !is_space(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// OOXML writes characters XML cannot hold as `_xHHHH_` (UTF-16 units).
fn unescape_ooxml(v: &str, out: &mut String) {
    // `str::contains` builds a substring searcher per call: too slow for
    // every shared string.
    let has_escape = v.as_bytes().windows(2).any(|w| w == b"_x");
    if !has_escape {
        out.push_str(v);
        return;
    }
    let unit = |s: &str| -> Option<u16> {
        let hex = s.strip_prefix("_x")?.get(..5)?.strip_suffix('_')?;
        u16::from_str_radix(hex, 16).ok()
    };
    let mut rest = v;
    let mut units: Vec<u16> = Vec::new();
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        units.clear();
        while let Some(u) = unit(rest) {
            units.push(u);
            rest = &rest[7..];
        }
        if units.is_empty() {
            out.push_str("_x");
            rest = &rest[2..];
        } else {
            out.extend(char::decode_utf16(units.iter().copied()).map(|c| c.unwrap_or('\u{FFFD}')));
        }
    }
    out.push_str(rest);
}

/// For each cell style (`s` attribute), whether its number format is a date
/// or a duration: such numbers are shown as ISO dates, as the user sees them.
fn date_styles(bytes: &[u8]) -> Result<Vec<CellFormat>, ImportError> {
    let mut custom: Vec<(String, CellFormat)> = Vec::new();
    let mut styles = Vec::new();
    let mut in_xfs = false;
    scan(bytes, |event| {
        match event {
            Event::Start(e) | Event::Empty(e) if is(e, "numFmt") => {
                let id = attr(e, "numFmtId")?.unwrap_or_default();
                let code = attr(e, "formatCode")?.unwrap_or_default();
                custom.push((id, calamine::detect_custom_number_format(&code)));
            }
            Event::Start(e) if is(e, "cellXfs") => in_xfs = true,
            Event::Start(e) | Event::Empty(e) if in_xfs && is(e, "xf") => {
                let id = attr(e, "numFmtId")?.unwrap_or_default();
                let format = match custom.iter().find(|(c, _)| *c == id) {
                    Some((_, f)) => *f,
                    None => id
                        .parse()
                        .map_or(CellFormat::Other, calamine::builtin_format_by_code),
                };
                styles.push(format);
            }
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
            _ => {}
        }
        Ok(true)
    })?;
    Ok(styles)
}

/// Reads the chosen (or first) sheet; returns its name.
pub(crate) fn read(
    bytes: &[u8],
    sheet: Option<&str>,
    sink: &mut RowSink<'_>,
) -> Result<String, ImportError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(zip_err)?;
    let package = relationships(&mut zip, "")?;
    let book_path = of_kind(&package, "officeDocument")
        .map_or_else(|| "xl/workbook.xml".to_owned(), |r| r.target.clone());
    let book = part(&mut zip, &book_path)?.ok_or_else(|| invalid("no workbook part"))?;
    let book = workbook(&book)?;
    let names: Vec<String> = book.sheets.iter().map(|(n, _)| n.clone()).collect();
    let (name, rid) = match sheet {
        Some(w) => book
            .sheets
            .iter()
            .find(|(n, _)| n == w)
            .ok_or_else(|| ImportError::SheetNotFound(w.to_owned(), names.join(", ")))?,
        None => book
            .sheets
            .first()
            .ok_or_else(|| invalid("the workbook has no sheet"))?,
    };
    let rels = relationships(&mut zip, &book_path)?;
    let sheet_path = &rels
        .iter()
        .find(|r| r.id == *rid)
        .ok_or_else(|| invalid(format!("sheet {name:?} has no part")))?
        .target;
    let strings = match of_kind(&rels, "sharedStrings") {
        Some(r) => Strings::parse(zip.by_name(&r.target).map_err(zip_err)?)?,
        None => Strings::default(),
    };
    let styles = match of_kind(&rels, "styles") {
        Some(r) => part(&mut zip, &r.target)?
            .map(|b| date_styles(&b))
            .transpose()?
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let file = zip.by_name(sheet_path).map_err(zip_err)?;
    // Progress in input bytes: the share of the sheet's XML read so far,
    // scaled to the file (the sheet is nearly all of a big workbook).
    let sheet_size = file.size().max(1);
    let total = bytes.len() as u64;
    let cells = Cells {
        strings: &strings,
        styles: &styles,
        date1904: book.date1904,
        progress: |read: u64| total.saturating_mul(read.min(sheet_size)) / sheet_size,
    };
    cells.stream(file, sink)?;
    Ok(name.clone())
}

struct Cells<'a, P> {
    strings: &'a Strings,
    styles: &'a [CellFormat],
    date1904: bool,
    /// Sheet XML bytes read -> input bytes done.
    progress: P,
}

/// A cell's `r`, `t` and `s` attributes.
struct CellAttrs {
    col: Option<u32>,
    kind: Kind,
    style: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Shared,
    Inline,
    Bool,
    /// Formula strings, errors and ISO dates: the value is the text.
    Text,
}

/// "AB12" -> column 27 (0-based); the row part is read from `<row r>`.
fn column_of(r: &[u8]) -> Option<u32> {
    let mut col: u32 = 0;
    let mut letters = 0;
    for &b in r {
        if !b.is_ascii_alphabetic() {
            break;
        }
        letters += 1;
        col = col
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
    }
    if letters == 0 { None } else { Some(col - 1) }
}

fn cell_attrs(raw: &[u8]) -> CellAttrs {
    let mut out = CellAttrs {
        col: None,
        kind: Kind::Number,
        style: 0,
    };
    for (name, value) in attributes(raw) {
        match name {
            b"r" => out.col = column_of(value),
            b"t" => {
                out.kind = match value {
                    b"s" => Kind::Shared,
                    b"inlineStr" => Kind::Inline,
                    b"b" => Kind::Bool,
                    b"n" => Kind::Number,
                    _ => Kind::Text,
                }
            }
            b"s" => out.style = ascii_number(value).unwrap_or(0),
            _ => {}
        }
    }
    out
}

/// A whole number in an attribute, as `str::parse` reads one (an optional
/// `+`, then digits) once XML's whitespace is trimmed; `None` also when it
/// does not fit in `T`. By hand: `str::trim` and the standard parser made
/// the per-cell code the browser compiles several times larger, for a few
/// digits.
fn ascii_number<T: TryFrom<u64>>(v: &[u8]) -> Option<T> {
    let v = v.trim_ascii();
    let digits = v.strip_prefix(b"+").unwrap_or(v);
    if digits.is_empty() {
        return None;
    }
    let n = digits.iter().try_fold(0u64, |n, &b| {
        let d = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        n.checked_mul(10)?.checked_add(u64::from(d))
    })?;
    T::try_from(n).ok()
}

/// `<row r="N">`, 1-based; rows without `r` follow the previous one.
fn row_number(attrs: &[u8], previous: u32) -> Result<u32, ImportError> {
    match attributes(attrs).find(|(k, _)| *k == b"r") {
        None => Ok(previous.saturating_add(1)),
        Some((_, r)) => ascii_number::<u32>(r)
            .filter(|&r| r >= 1)
            .ok_or_else(|| bad_row(r)),
    }
}

#[cold]
#[inline(never)]
fn bad_index(raw: &str) -> ImportError {
    invalid(format!("bad shared string index {raw:?}"))
}

#[cold]
#[inline(never)]
fn missing_string(i: usize) -> ImportError {
    invalid(format!("shared string {i} is missing"))
}

#[cold]
#[inline(never)]
fn bad_row(r: &[u8]) -> ImportError {
    invalid(format!("bad row number {:?}", String::from_utf8_lossy(r)))
}

/// Tokens per call of `Cells::batch`.
const BATCH: usize = 4096;

/// The sheet reader's position between batches.
struct Walk {
    rows: RowBuilder,
    row: u32,
    next_col: u32,
    cell: Option<CellAttrs>,
    at: In,
    phonetic: bool,
    text: String,
    /// A cell's value when it is not `text` itself (an inline string
    /// unescaped, a number formatted): reused from cell to cell.
    scratch: String,
}

/// Where the reader is inside `<c>`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Nothing,
    Value,
    InlineText,
}

impl<P: Fn(u64) -> u64> Cells<'_, P> {
    fn stream(&self, source: impl Read, sink: &mut RowSink<'_>) -> Result<(), ImportError> {
        let mut w = Walk {
            rows: RowBuilder::new(),
            row: 0,
            next_col: 0,
            cell: None,
            at: In::Nothing,
            phonetic: false,
            text: String::new(),
            scratch: String::new(),
        };
        let mut tokens = Tokens::new(source);
        // In batches: each is a new call, so once the engine has optimized
        // `batch` the rest of a big sheet runs in the optimized code. Wasm has
        // no on-stack replacement: one call over the whole sheet ran in the
        // baseline tier throughout (the first parse in a page took 2x longer).
        while self.batch(&mut w, &mut tokens, sink)? {}
        w.rows.flush(sink)
    }

    /// Up to `BATCH` tokens; `false` at the end of the sheet's cells.
    #[inline(never)]
    fn batch<R: Read>(
        &self,
        w: &mut Walk,
        tokens: &mut Tokens<R>,
        sink: &mut RowSink<'_>,
    ) -> Result<bool, ImportError> {
        for _ in 0..BATCH {
            let Some(token) = tokens.next()? else {
                return Ok(false);
            };
            match token {
                Token::Start {
                    name: b"c",
                    attrs,
                    empty,
                } => {
                    let a = cell_attrs(attrs);
                    w.next_col = a.col.unwrap_or(w.next_col);
                    if empty {
                        w.next_col = w.next_col.saturating_add(1);
                    } else {
                        w.cell = Some(a);
                        w.text.clear();
                        // The usual cells, whole: a value, or an inline string.
                        let simple = match tokens.simple_text(b"<v>", b"</v></c>") {
                            Some(t) => Some(t),
                            None => tokens.simple_text(b"<is><t>", b"</t></is></c>"),
                        };
                        if let Some(t) = simple {
                            // Taken as it is when it needs no unescaping (nearly always).
                            match plain_text(t)? {
                                Some(text) => self.end_cell(w, sink, Some(text))?,
                                None => {
                                    unescape(t, &mut w.text)?;
                                    self.end_cell(w, sink, None)?;
                                }
                            }
                        }
                    }
                }
                Token::Start {
                    name: b"v",
                    empty: false,
                    ..
                } if w.cell.is_some() => w.at = In::Value,
                Token::Start {
                    name: b"t",
                    empty: false,
                    ..
                } if w.cell.is_some() && !w.phonetic => {
                    w.at = In::InlineText;
                }
                Token::Start {
                    name: b"rPh",
                    empty: false,
                    ..
                } => w.phonetic = true,
                Token::Start {
                    name: b"row",
                    attrs,
                    ..
                } => {
                    w.row = row_number(attrs, w.row)?;
                    w.next_col = 0;
                    // Everything before this row is read: what the previous
                    // row reports when it is flushed.
                    w.rows.bytes_done = (self.progress)(tokens.consumed());
                }
                Token::Text(t) | Token::CData(t) if w.at != In::Nothing => {
                    unescape(t, &mut w.text)?
                }
                Token::End { name: b"v" | b"t" } => w.at = In::Nothing,
                Token::End { name: b"rPh" } => w.phonetic = false,
                Token::End { name: b"c" } => self.end_cell(w, sink, None)?,
                Token::End { name: b"sheetData" } => return Ok(false),
                _ => {}
            }
        }
        Ok(true)
    }

    /// At `</c>`: the cell's value (`text`, or what was gathered in
    /// `w.text`) goes to its row.
    fn end_cell(
        &self,
        w: &mut Walk,
        sink: &mut RowSink<'_>,
        text: Option<&str>,
    ) -> Result<(), ImportError> {
        if let Some(a) = w.cell.take() {
            let col = w.next_col;
            w.next_col = col.saturating_add(1);
            let raw = text.unwrap_or(&w.text);
            if let Some(value) = self.value(&a, raw, &mut w.scratch)? {
                w.rows.push(sink, w.row.saturating_sub(1), col, value)?;
            }
        }
        Ok(())
    }

    /// The text the user sees, or `None` for an empty cell.
    fn value<'a>(
        &'a self,
        a: &CellAttrs,
        raw: &'a str,
        scratch: &'a mut String,
    ) -> Result<Option<&'a str>, ImportError> {
        if raw.is_empty() {
            return Ok(None);
        }
        Ok(Some(match a.kind {
            Kind::Shared => {
                let i: usize = ascii_number(raw.as_bytes()).ok_or_else(|| bad_index(raw))?;
                let s = self.strings.get(i).ok_or_else(|| missing_string(i))?;
                if s.is_empty() {
                    return Ok(None);
                }
                s
            }
            Kind::Inline => {
                scratch.clear();
                unescape_ooxml(raw, scratch);
                scratch
            }
            Kind::Text => raw,
            Kind::Bool => match raw.trim() {
                "1" | "true" => "TRUE",
                _ => "FALSE",
            },
            Kind::Number => {
                *scratch = self.number(a.style, raw);
                scratch
            }
        }))
    }

    /// Whole numbers exactly (a 19-digit id stays itself), others in their
    /// shortest round-trip form, dates and durations in ISO 8601.
    fn number(&self, style: usize, raw: &str) -> String {
        let raw = raw.trim();
        let format = self.styles.get(style).copied().unwrap_or(CellFormat::Other);
        let kind = match format {
            CellFormat::DateTime => Some(ExcelDateTimeType::DateTime),
            CellFormat::TimeDelta => Some(ExcelDateTimeType::TimeDelta),
            CellFormat::Other => None,
        };
        // The float parse only when the integer one fails (it costs more).
        let float = || raw.parse::<f64>().ok();
        match kind {
            None => match raw.parse::<i64>() {
                Ok(i) => i.to_string(),
                Err(_) => float().map_or_else(|| raw.to_owned(), cell::number),
            },
            Some(k) => float().map_or_else(
                || raw.to_owned(),
                |f| cell::date_time(&ExcelDateTime::new(f, k, self.date1904)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_number_reads_what_str_parse_reads() {
        const BYTES: [u8; 7] = [b'0', b'7', b'+', b'-', b' ', b'a', b'9'];
        for text in crate::exhaustive::texts(&BYTES.map(char::from), 0..=5) {
            let expected = text.trim().parse::<u64>().ok();
            assert_eq!(ascii_number::<u64>(text.as_bytes()), expected, "{text:?}");
        }
        assert_eq!(ascii_number(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(ascii_number::<u64>(b"18446744073709551616"), None);
        assert_eq!(ascii_number(b"4294967295"), Some(u32::MAX));
        assert_eq!(ascii_number::<u32>(b"4294967296"), None);
    }

    #[test]
    fn relationship_targets_resolve_like_excel() {
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/sharedStrings.xml"),
            "xl/sharedStrings.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "../docProps/app.xml"),
            "docProps/app.xml"
        );
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
    }

    #[test]
    fn columns_from_cell_references() {
        assert_eq!(column_of(b"A1"), Some(0));
        assert_eq!(column_of(b"Z9"), Some(25));
        assert_eq!(column_of(b"AB12"), Some(27));
        assert_eq!(column_of(b"XFD1048576"), Some(16383));
        assert_eq!(column_of(b"12"), None);
    }

    #[test]
    fn xml_space_trimmed_bytewise() {
        assert_eq!(trim_xml_space(" \t\r\nÉmile d'Or \n"), "Émile d'Or");
        assert_eq!(trim_xml_space("\u{A0}x\u{A0}"), "\u{A0}x\u{A0}");
        assert_eq!(trim_xml_space(" \n "), "");
        assert_eq!(trim_xml_space(""), "");
    }

    #[test]
    fn ooxml_escapes() {
        let mut out = String::new();
        unescape_ooxml("a_x000D_b_x0041__xZZ_c_x", &mut out);
        assert_eq!(out, "a\rbA_xZZ_c_x");
        let mut out = String::new();
        unescape_ooxml("_xD83D__xDE00_", &mut out);
        assert_eq!(out, "\u{1F600}");
    }
}
