//! Any bytes through the whole import: sniffing, every reader, the rules.
//! Seeded with the LibreOffice fixtures so mutations reach deep into each
//! format. Small limits keep each run fast; a panic, abort or hang is a bug.
#![no_main]

use hcp_core::import::{ImportOptions, Limits, parse_import};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ImportOptions {
        limits: Limits { max_bytes: 1 << 20, max_rows: 10_000, max_columns: 64, max_cell_chars: 1024 },
        ..ImportOptions::default()
    };
    if let Ok(report) = parse_import(data, &options, &mut |_| std::ops::ControlFlow::Continue(())) {
        // Every data row exactly once.
        assert_eq!(report.stats.rows, (report.accepted.len() + report.rejected.len()) as u64);
        let _ = hcp_core::import::rejections_csv(&report.rejected);
    }
});
