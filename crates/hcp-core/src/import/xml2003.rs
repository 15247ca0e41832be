//! Excel 2003 XML (SpreadsheetML): `Workbook/Worksheet/Table/Row/Cell/Data`,
//! with `ss:Index` skips on rows and cells. Hostile input is bounded: no DTD
//! (so no entity expansion), limited nesting depth.

use quick_xml::events::{BytesStart, Event};

use super::RowSink;
use super::error::{ImportError, invalid};
use super::xml::{attr, is, push_ref, push_text, scan};

fn index(e: &BytesStart<'_>) -> Result<Option<u64>, ImportError> {
    match attr(e, "Index")? {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&i| i >= 1)
            .map(Some)
            .ok_or_else(|| invalid("bad ss:Index")),
    }
}

/// Sheet names in document order.
pub(crate) fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, ImportError> {
    let mut names = Vec::new();
    scan(bytes, |event| {
        if let Event::Start(e) | Event::Empty(e) = event
            && is(e, "Worksheet")
        {
            names.push(attr(e, "Name")?.unwrap_or_default());
        }
        Ok(true)
    })?;
    Ok(names)
}

/// Streams the rows of worksheet number `sheet` (0-based).
pub(crate) fn read(bytes: &[u8], sheet: usize, sink: &mut RowSink<'_>) -> Result<(), ImportError> {
    let mut sheet_no = 0usize;
    let mut in_sheet = false;
    let mut row_no = 0u64;
    let mut row: Option<Vec<String>> = None;
    let mut col = 0usize; // next column, 0-based
    let mut in_data = false;
    let mut text = String::new();
    scan(bytes, |event| {
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "Worksheet" => {
                        in_sheet = sheet_no == sheet;
                        sheet_no += 1;
                    }
                    "Row" if in_sheet => {
                        row_no = match index(e)? {
                            Some(i) if i > row_no => i,
                            Some(_) => return Err(invalid("rows out of order (ss:Index)")),
                            None => row_no + 1,
                        };
                        if empty {
                            return Ok(true);
                        }
                        row = Some(Vec::new());
                        col = 0;
                    }
                    "Cell" if row.is_some() => {
                        if let Some(i) = index(e)? {
                            let i = usize::try_from(i - 1).map_err(|_| invalid("bad ss:Index"))?;
                            if i < col {
                                return Err(invalid("cells out of order (ss:Index)"));
                            }
                            col = i;
                        }
                        if empty {
                            col = col.saturating_add(1);
                        }
                    }
                    "Data" if row.is_some() && !empty => {
                        in_data = true;
                        text.clear();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_data => push_text(&mut text, t),
            Event::GeneralRef(r) if in_data => push_ref(&mut text, r)?,
            Event::CData(t) if in_data => text.push_str(&t.xml_content(super::xml::XML10)),
            Event::End(e) => match e.local_name().as_ref() {
                "Data" if in_data => {
                    in_data = false;
                    if let Some(cells) = row.as_mut() {
                        if col >= sink.max_columns() {
                            sink.note_ignored_column();
                        } else {
                            cells.resize(col, String::new());
                            cells.push(std::mem::take(&mut text));
                        }
                    }
                }
                "Cell" if row.is_some() => col = col.saturating_add(1),
                "Row" => {
                    if let Some(cells) = row.take() {
                        sink.row(row_no, cells.iter().map(String::as_str), 0)?;
                    }
                }
                "Worksheet" if in_sheet => return Ok(false),
                _ => {}
            },
            _ => {}
        }
        Ok(true)
    })
}
