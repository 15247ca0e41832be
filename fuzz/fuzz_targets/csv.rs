//! The import's CSV splitter against the `csv` crate's reader (flexible, no
//! headers), on any text and each delimiter the import sniffs: the same
//! records with the same fields, or it is a bug. The unit test holds them
//! together on every short text; this reaches long ones.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let delimiter = [b',', b';', b'\t', b'|'][usize::from(pick % 4)];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let theirs: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("valid UTF-8 in, UTF-8 fields out").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(hcp_core::import::split_records(text, delimiter), theirs, "{text:?}");
});
