//! What a file is, from its bytes. The extension is a hint at most: an .xls
//! that is really CSV (a classic export trick) is read as CSV.

use super::Format;
use super::error::ImportError;

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const SPREADSHEET_ML_NS: &[u8] = b"urn:schemas-microsoft-com:office:spreadsheet";
const XML_PROBE: usize = 64 * 1024;

pub(crate) fn sniff(bytes: &[u8]) -> Result<Format, ImportError> {
    let trimmed = trim_start(bytes);
    if trimmed.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(ZIP) {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(OLE) {
        // Password-protected .xlsx files are OLE containers holding the
        // encrypted package; their stream names are UTF-16 in the directory.
        if contains(bytes, &utf16le("EncryptedPackage")) {
            return Err(ImportError::Encrypted);
        }
        if contains(bytes, &utf16le("Workbook")) || contains(bytes, &utf16le("Book")) {
            return Ok(Format::Xls);
        }
        return Err(ImportError::UnsupportedFormat(
            "an Office document that is not a workbook".into(),
        ));
    }
    for (magic, what) in [
        (&b"%PDF"[..], "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
        (b"{\\rtf", "an RTF document"),
    ] {
        if bytes.starts_with(magic) {
            return Err(ImportError::UnsupportedFormat(what.into()));
        }
    }
    if trimmed.starts_with(b"<") {
        let probe = bytes.get(..XML_PROBE).unwrap_or(bytes);
        if contains(probe, SPREADSHEET_ML_NS) {
            return Ok(Format::Xml);
        }
        if trimmed.starts_with(b"<?xml") {
            return Err(ImportError::UnsupportedFormat(
                "XML that is not an Excel 2003 (SpreadsheetML) workbook".into(),
            ));
        }
        if starts_with_ignore_case(trimmed, b"<!doctype html")
            || starts_with_ignore_case(trimmed, b"<html")
        {
            return Err(ImportError::UnsupportedFormat("an HTML page".into()));
        }
    }
    Ok(Format::Csv)
}

fn sniff_zip(bytes: &[u8]) -> Result<Format, ImportError> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ImportError::InvalidFile(format!("damaged zip archive ({e})")))?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("content.xml") && (has("mimetype") || has("META-INF/manifest.xml")) {
        Ok(Format::Ods)
    } else if has("word/document.xml") || has("ppt/presentation.xml") {
        Err(ImportError::UnsupportedFormat(
            "a Word or PowerPoint document".into(),
        ))
    } else {
        Err(ImportError::UnsupportedFormat(
            "a zip archive that is not a spreadsheet".into(),
        ))
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
