//! What both XML readers (SpreadsheetML 2003 and .xlsx) need from quick-xml:
//! one event loop that refuses DTDs (no entity expansion) and deep nesting,
//! attribute lookup, and text with its entity references resolved.

use std::io::BufRead;

use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};
use quick_xml::{Reader, XmlVersion};

use super::error::{ImportError, invalid};

const MAX_DEPTH: usize = 64;

pub(crate) const XML10: XmlVersion = XmlVersion::Implicit1_0;

pub(crate) fn is(e: &BytesStart<'_>, name: &str) -> bool {
    e.local_name().as_ref() == name
}

/// The value of the attribute whose local name is `wanted`.
pub(crate) fn attr(e: &BytesStart<'_>, wanted: &str) -> Result<Option<String>, ImportError> {
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

pub(crate) fn push_text(out: &mut String, t: &BytesText<'_>) {
    out.push_str(&t.xml_content(XML10));
}

/// Appends what `&name;` stands for: the five predefined entities and
/// character references; anything else would need a DTD, which is refused.
pub(crate) fn push_ref(out: &mut String, r: &BytesRef<'_>) -> Result<(), ImportError> {
    let name = r.borrow().into_inner();
    if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
        out.push_str(s);
        return Ok(());
    }
    match r
        .resolve_char_ref()
        .map_err(|e| invalid(format!("XML: {e}")))?
    {
        Some(c) => {
            out.push(c);
            Ok(())
        }
        None => Err(invalid(format!("unknown XML entity &{name};"))),
    }
}

/// Feeds every event of `source` to `f` until the end or until `f` returns
/// `false`.
pub(crate) fn scan<R: BufRead>(
    source: R,
    mut f: impl FnMut(&Event<'_>) -> Result<bool, ImportError>,
) -> Result<(), ImportError> {
    let mut reader = Reader::from_reader(source);
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
