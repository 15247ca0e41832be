//! Delimited text (.csv, .txt): decoding, delimiter sniffing, Excel's `sep=`
//! line, quoted fields with line breaks. Row numbers are those a spreadsheet
//! shows when it opens the file: one per record, blank lines included.

use std::borrow::Cow;

use super::error::{ImportError, invalid};
use super::records::Records;
use super::{RowSink, TextEncoding, Warning, WarningCode};

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
const SNIFF_LINES: usize = 20;

/// Windows-1252 bytes 0x80..=0x9F (the rest of the range equals Latin-1).
/// The five undefined bytes decode to their C1 controls, as WHATWG does.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// ISO-8859-15 differs from Latin-1 in these eight bytes (the euro sign and
/// the letters French and Finnish lacked).
const ISO8859_15: [(u8, char); 8] = [
    (0xA4, '€'),
    (0xA6, 'Š'),
    (0xA8, 'š'),
    (0xB4, 'Ž'),
    (0xB8, 'ž'),
    (0xBC, 'Œ'),
    (0xBD, 'œ'),
    (0xBE, 'Ÿ'),
];

/// Decodes `bytes` in the encoding the user chose (after looking at a
/// preview), or detects it when `None`. UTF-8 is borrowed, not copied: the
/// file's bytes are held for the whole parse anyway.
pub(crate) fn decode_as<'b>(
    bytes: &'b [u8],
    encoding: Option<TextEncoding>,
    warnings: &mut Vec<Warning>,
) -> Result<Cow<'b, str>, ImportError> {
    match encoding {
        None => decode(bytes, warnings),
        Some(TextEncoding::Utf8) => {
            let rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            std::str::from_utf8(rest).map(Cow::Borrowed).map_err(|e| {
                invalid(format!(
                    "the file is not UTF-8 (byte {})",
                    e.valid_up_to() + 1
                ))
            })
        }
        Some(TextEncoding::Windows1252) => Ok(Cow::Owned(windows_1252(bytes))),
        Some(TextEncoding::Iso8859_15) => Ok(Cow::Owned(
            bytes
                .iter()
                .map(|&b| {
                    ISO8859_15
                        .iter()
                        .find(|(byte, _)| *byte == b)
                        .map_or(char::from(b), |&(_, c)| c)
                })
                .collect(),
        )),
        Some(TextEncoding::Utf16) => {
            if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
                utf16(rest, u16::from_be_bytes).map(Cow::Owned)
            } else {
                utf16(
                    bytes.strip_prefix(b"\xFF\xFE").unwrap_or(bytes),
                    u16::from_le_bytes,
                )
                .map(Cow::Owned)
            }
        }
    }
}

fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH
                .get(usize::from(b - 0x80))
                .copied()
                .unwrap_or('\u{FFFD}'),
            _ => char::from(b),
        })
        .collect()
}

/// Decodes `bytes` to text: BOM first (UTF-8, UTF-16LE/BE), then strict
/// UTF-8, else Windows-1252 with a warning.
pub(crate) fn decode<'b>(
    bytes: &'b [u8],
    warnings: &mut Vec<Warning>,
) -> Result<Cow<'b, str>, ImportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| invalid("the file says UTF-8 but is not"));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes).map(Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes).map(Cow::Owned);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(_) => {
            warnings.push(Warning::new(
                WarningCode::Windows1252,
                "the file is not UTF-8; it was read as Windows-1252 (Western European). Save it as \"CSV UTF-8\" if accents look wrong",
            ));
            Ok(Cow::Owned(windows_1252(bytes)))
        }
    }
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> Result<String, ImportError> {
    if bytes.len() % 2 != 0 {
        return Err(invalid("UTF-16 text with an odd number of bytes"));
    }
    let units = bytes.chunks_exact(2).map(|c| read([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| invalid("UTF-16 text with an unpaired surrogate"))
}

/// Excel's `sep=;` first line names the delimiter and is not a row.
fn sep_line(text: &str) -> Option<(u8, &str)> {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let first = first.trim_end_matches('\r');
    let delim = first
        .strip_prefix("sep=")
        .or_else(|| first.strip_prefix("SEP="))?;
    match delim.as_bytes() {
        // A quote or line break cannot also separate fields.
        [d] if !matches!(d, b'"' | b'\r' | b'\n') => Some((*d, rest)),
        _ => None,
    }
}

/// Picks the delimiter that splits the first lines most consistently: the
/// same non-zero count on every line wins, then the highest count.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(SNIFF_LINES)
        .collect();
    let counts = |d: u8| -> Vec<usize> {
        lines
            .iter()
            .map(|line| {
                let mut quoted = false;
                line.bytes()
                    .filter(|&b| {
                        if b == b'"' {
                            quoted = !quoted;
                        }
                        b == d && !quoted
                    })
                    .count()
            })
            .collect()
    };
    DELIMITERS
        .iter()
        .map(|&d| {
            let c = counts(d);
            let min = c.iter().copied().min().unwrap_or(0);
            let consistent = min > 0 && c.iter().all(|&n| n == min);
            (consistent, min, c.first().copied().unwrap_or(0), d)
        })
        .max_by_key(|&(consistent, min, first, d)| {
            // Earlier delimiters win ties (comma first).
            let order = DELIMITERS
                .iter()
                .position(|&x| x == d)
                .map_or(0, |p| DELIMITERS.len() - p);
            (consistent, min, first, order)
        })
        .map_or(b',', |(.., d)| d)
}

/// Records per batch.
const BATCH: usize = 256;

/// Up to `BATCH` records; `false` at the end of the text. Each batch is a
/// new call: see `Cells::stream` in xlsx.rs (one call over the whole file
/// stays in the engine's baseline tier).
#[inline(never)]
fn batch(records: &mut Records<'_>, sink: &mut RowSink<'_>) -> Result<bool, ImportError> {
    for _ in 0..BATCH {
        let Some((row, done)) = records.next_record() else {
            return Ok(false);
        };
        sink.row(row, records.fields(), done as u64)?;
    }
    Ok(true)
}

pub(crate) fn read(text: &str, sink: &mut RowSink<'_>) -> Result<(), ImportError> {
    let (delimiter, body) = match sep_line(text) {
        Some((d, rest)) => (d, rest),
        None => (sniff_delimiter(text), text),
    };
    let mut records = Records::new(body, delimiter);
    while batch(&mut records, sink)? {}
    Ok(())
}
