//! .xlsx, .xlsb, .xls and .ods through calamine. xlsx and xlsb are streamed
//! cell by cell: a small file may declare a sheet of 1,048,576 x 16,384 cells,
//! so the declared dimension is never allocated. xls and ods are parsed whole
//! by calamine (it has no streaming reader for them) into a sparse range
//! bounded by the cells actually present.

use std::io::Cursor;

use calamine::{DataRef, Ods, Reader, Xls, Xlsb};

use super::cell;
use super::error::{ImportError, invalid};
use super::{Format, RowSink};

/// Zip bombs: the declared uncompressed size of all parts, at most this many
/// times the limit on the file itself.
const MAX_EXPANSION: u64 = 20;

pub(crate) fn check_zip_expansion(bytes: &[u8], max_bytes: u64) -> Result<(), ImportError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| invalid(format!("zip: {e}")))?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| invalid(format!("zip: {e}")))?;
        total = total.saturating_add(entry.size());
    }
    let cap = max_bytes.saturating_mul(MAX_EXPANSION);
    if total > cap {
        return Err(ImportError::TooLarge(format!(
            "the workbook expands to {} MB, over the {} MB limit",
            total / 1_000_000,
            cap / 1_000_000
        )));
    }
    Ok(())
}

fn pick_sheet(names: Vec<String>, wanted: Option<&str>) -> Result<String, ImportError> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .cloned()
            .ok_or_else(|| ImportError::SheetNotFound(w.to_owned(), names.join(", "))),
        None => names
            .into_iter()
            .next()
            .ok_or_else(|| invalid("the workbook has no sheet")),
    }
}

/// Groups a row-major stream of `(row, col, text)` into rows for the sink.
/// A row's cells are kept in one buffer reused from row to row: a `String`
/// per cell and a `Vec` per row were seven allocations per row of 100,000.
pub(crate) struct RowBuilder {
    row: Option<u32>,
    text: String,
    /// Each column's byte range in `text`; empty for a column with no cell.
    spans: Vec<(usize, usize)>,
    /// Input bytes behind the rows so far, when the reader can tell (progress).
    pub(crate) bytes_done: u64,
}

impl RowBuilder {
    pub(crate) fn new() -> Self {
        RowBuilder {
            row: None,
            text: String::new(),
            spans: Vec::new(),
            bytes_done: 0,
        }
    }

    // Not inlined into its four readers: the import module has a size budget.
    #[inline(never)]
    pub(crate) fn push(
        &mut self,
        sink: &mut RowSink<'_>,
        row: u32,
        col: u32,
        text: &str,
    ) -> Result<(), ImportError> {
        if self.row != Some(row) {
            self.flush(sink)?;
            self.row = Some(row);
        }
        let col = col as usize;
        if col >= sink.max_columns() {
            if !text.trim().is_empty() {
                sink.note_ignored_column();
            }
            return Ok(());
        }
        if col >= self.spans.len() {
            self.spans.resize(col + 1, (0, 0));
        }
        let start = self.text.len();
        self.text.push_str(text);
        if let Some(span) = self.spans.get_mut(col) {
            // A second cell at the same place replaces the first, as it did
            // when each cell was its own value.
            *span = (start, self.text.len());
        }
        Ok(())
    }

    pub(crate) fn flush(&mut self, sink: &mut RowSink<'_>) -> Result<(), ImportError> {
        if let Some(row) = self.row.take() {
            let text = self.text.as_str();
            let cells = self
                .spans
                .iter()
                .map(|&(start, end)| text.get(start..end).unwrap_or_default());
            sink.row(u64::from(row) + 1, cells, self.bytes_done)?;
            self.text.clear();
            self.spans.clear();
        }
        Ok(())
    }
}

fn stream<'a, E: std::fmt::Display>(
    sink: &mut RowSink<'_>,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
) -> Result<(), ImportError> {
    let mut rows = RowBuilder::new();
    while let Some(c) = next().map_err(|e| invalid(e))? {
        let (row, col) = c.get_position();
        let value = c.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        rows.push(
            sink,
            row,
            col,
            &cell::text(calamine::Data::from(value.clone())),
        )?;
    }
    rows.flush(sink)
}

fn used_cells(
    sink: &mut RowSink<'_>,
    range: &calamine::Range<calamine::Data>,
) -> Result<(), ImportError> {
    let mut rows = RowBuilder::new();
    for (r, c, data) in range.used_cells() {
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        let row = u32::try_from(r)
            .ok()
            .and_then(|r| r.checked_add(start_row))
            .ok_or_else(|| invalid("row out of range"))?;
        let col = u32::try_from(c)
            .ok()
            .and_then(|c| c.checked_add(start_col))
            .ok_or_else(|| invalid("column out of range"))?;
        rows.push(sink, row, col, &cell::text(data.clone()))?;
    }
    rows.flush(sink)
}

/// Formats calamine can only load a sheet of at once (.xls, .ods).
fn whole_sheet<RS: std::io::Read + std::io::Seek, W: Reader<RS>>(
    mut wb: W,
    sheet: Option<&str>,
    sink: &mut RowSink<'_>,
) -> Result<String, ImportError>
where
    W::Error: std::fmt::Display,
{
    let name = pick_sheet(wb.sheet_names(), sheet)?;
    let range = wb.worksheet_range(&name).map_err(invalid)?;
    used_cells(sink, &range)?;
    Ok(name)
}

/// Reads the chosen (or first) sheet; returns its name.
///
/// Each format's reader is a function of its own, not inlined here: a
/// browser compiles a wasm function whole on its first call, so an .xlsx
/// would otherwise wait for calamine's .xls, .xlsb and .ods readers to be
/// compiled too (measured: 97 KB of wasm, 10 ms of a first call in Chromium).
pub(crate) fn read(
    bytes: &[u8],
    format: Format,
    sheet: Option<&str>,
    sink: &mut RowSink<'_>,
) -> Result<String, ImportError> {
    match format {
        Format::Xlsx => super::xlsx::read(bytes, sheet, sink),
        Format::Xlsb => read_xlsb(bytes, sheet, sink),
        Format::Xls => read_xls(bytes, sheet, sink),
        Format::Ods => read_ods(bytes, sheet, sink),
        Format::Xml | Format::Csv => Err(invalid("not a binary workbook")),
    }
}

#[inline(never)]
fn read_xlsb(
    bytes: &[u8],
    sheet: Option<&str>,
    sink: &mut RowSink<'_>,
) -> Result<String, ImportError> {
    let mut wb = Xlsb::new(Cursor::new(bytes)).map_err(invalid)?;
    let name = pick_sheet(wb.sheet_names(), sheet)?;
    let mut cells = wb.worksheet_cells_reader(&name).map_err(invalid)?;
    stream(sink, || cells.next_cell())?;
    Ok(name)
}

#[inline(never)]
fn read_xls(
    bytes: &[u8],
    sheet: Option<&str>,
    sink: &mut RowSink<'_>,
) -> Result<String, ImportError> {
    let wb = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => ImportError::Encrypted,
        e => invalid(e),
    })?;
    whole_sheet(wb, sheet, sink)
}

#[inline(never)]
fn read_ods(
    bytes: &[u8],
    sheet: Option<&str>,
    sink: &mut RowSink<'_>,
) -> Result<String, ImportError> {
    let wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => ImportError::Encrypted,
        e => invalid(e),
    })?;
    whole_sheet(wb, sheet, sink)
}
