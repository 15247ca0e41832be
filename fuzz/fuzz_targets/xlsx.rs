//! The .xlsx reader's own XML (tokenizer, shared strings, sheet cells, styles)
//! without the zip in the way: the input is split into a shared-string part,
//! a sheet part and a styles part, stored uncompressed in a real workbook
//! package, and imported. Mutating a compressed fixture (the `import` target)
//! mostly breaks the deflate stream or the CRC before the XML is reached.
#![no_main]

use std::io::Write;

use hcp_core::import::{ImportOptions, Limits, parse_import};
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

fn package(strings: &[u8], sheet: &[u8], styles: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/sharedStrings.xml", strings),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/styles.xml", styles),
    ] {
        zip.start_file(name, stored).ok()?;
        zip.write_all(data).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let strings = parts.next().unwrap_or_default();
    let sheet = parts.next().unwrap_or_default();
    let styles = parts.next().unwrap_or_default();
    let Some(bytes) = package(strings, sheet, styles) else { return };
    let options = ImportOptions {
        limits: Limits { max_bytes: 1 << 20, max_rows: 10_000, max_columns: 64, max_cell_chars: 1024 },
        ..ImportOptions::default()
    };
    if let Ok(report) = parse_import(&bytes, &options, &mut |_| std::ops::ControlFlow::Continue(())) {
        assert_eq!(report.stats.rows, (report.accepted.len() + report.rejected.len()) as u64);
    }
});
