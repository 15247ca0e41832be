//! A cell's value as the text the user sees, never a guess: numbers in their
//! shortest round-trip decimal form ("32", not "32.0"; "1234567890123456",
//! not "1.23456789012346E+15"), dates in ISO 8601.

use calamine::{Data, ExcelDateTime};

pub(crate) fn number(f: f64) -> String {
    if f == 0.0 {
        return "0".into(); // also -0
    }
    // Rust's Display for f64 is the shortest decimal that round-trips and
    // never switches to exponent notation.
    format!("{f}")
}

pub(crate) fn date_time(dt: &ExcelDateTime) -> String {
    if !dt.is_datetime() {
        return number(dt.as_f64());
    }
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    match (h, mi, s, ms) {
        (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
        (_, _, _, 0) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
        _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
    }
}

pub(crate) fn text(data: Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(f),
        Data::Bool(b) => (if b { "TRUE" } else { "FALSE" }).into(),
        Data::DateTime(dt) => date_time(&dt),
        Data::Error(e) => e.to_string(),
    }
}
