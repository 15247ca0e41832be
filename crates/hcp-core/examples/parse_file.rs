//! Parses, validates and serializes an import report natively and prints the
//! best of N runs: the practical limit the browser benchmark compares wasm against.
//!   cargo run --release -p hcp-core --example parse_file -- FILE [RUNS]

use std::ops::ControlFlow;
use std::time::Instant;

use hcp_core::import::{AcceptedColumns, ImportOptions, RowList, parse_import};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: parse_file FILE [RUNS]")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let bytes = std::fs::read(&path)?;
    let mut best = f64::INFINITY;
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let report = parse_import(&bytes, &ImportOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        })?;
        // What the wasm binding hands to JS, piece by piece: the accepted
        // rows as columns, the rejected ones as JSON.
        let json = report.head_json()?;
        let mut piece = String::new();
        let mut columns = AcceptedColumns::default();
        for p in report.pieces() {
            match p.0 {
                RowList::Accepted => {
                    report
                        .accepted_columns(p.1, &mut columns)
                        .ok_or("too large")?;
                    std::hint::black_box(&columns);
                }
                RowList::Rejected => {
                    report.piece_json(p, &mut piece)?;
                    std::hint::black_box(&piece);
                }
            }
        }
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(json);
        rows = report.stats.rows;
    }
    println!("{{\"ms\":{best:.1},\"rows\":{rows}}}");
    Ok(())
}
