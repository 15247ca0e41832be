//! Excel 2003 XML (SpreadsheetML): `Workbook/Worksheet/Table/Row/Cell/Data`,
//! with `ss:Index` skips on rows and cells. Hostile input is bounded: no DTD
//! (so no entity expansion), limited nesting depth.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::RowSink;
use super::error::{ImportError, invalid};

const MAX_DEPTH: usize = 64;

const XML10: XmlVersion = XmlVersion::Implicit1_0;

fn is(e: &BytesStart<'_>, name: &str) -> bool {
    e.local_name().as_ref() == name
}

fn attr(e: &BytesStart<'_>, wanted: &str) -> Result<Option<String>, ImportError> {
    for a in e.attributes() {
        let a = a.map_err(|e| invalid(format!("XML attribute: {e}")))?;
        if a.key.local_name().as_ref() == wanted {
            let v = a
                .normalized_value(XML10)
                .map_err(|e| invalid(format!("XML attribute: {e}")))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

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

fn scan(
    bytes: &[u8],
    mut f: impl FnMut(&Event<'_>) -> Result<bool, ImportError>,
) -> Result<(), ImportError> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| invalid(format!("XML: {e}")))?;
        match &event {
            Event::DocType(_) => {
                return Err(invalid(
                    "XML with a DOCTYPE is not accepted (entity expansion)",
                ));
            }
            Event::Start(_) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(invalid("XML nested too deeply"));
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => return Ok(()),
            _ => {}
        }
        if !f(&event)? {
            return Ok(());
        }
        buf.clear();
    }
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
            Event::Text(t) if in_data => {
                text.push_str(&t.xml_content(XML10));
            }
            Event::GeneralRef(r) if in_data => {
                let name = r.borrow().into_inner();
                match quick_xml::escape::resolve_predefined_entity(&name) {
                    Some(s) => text.push_str(s),
                    None => match r
                        .resolve_char_ref()
                        .map_err(|e| invalid(format!("XML: {e}")))?
                    {
                        Some(c) => text.push(c),
                        None => return Err(invalid(format!("unknown XML entity &{name};"))),
                    },
                }
            }
            Event::CData(t) if in_data => text.push_str(&t.xml_content(XML10)),
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
                        sink.row(row_no, cells, 0)?;
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
