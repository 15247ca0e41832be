//! The vendored, patched crates must be the ones the build uses: a version
//! bump that leaves `[patch.crates-io]` unused would silently bring back the
//! 134 KB encoding tables, the xlsb cell loss, or crc32fast's stored table.
#![cfg(not(target_arch = "wasm32"))]

fn field<'a>(text: &'a str, after: &str, key: &str) -> Option<&'a str> {
    let rest = &text[text.find(after)? + after.len()..];
    let line = rest.lines().find(|l| l.trim_start().starts_with(key))?;
    line.split('"').nth(1)
}

#[test]
fn calamine_resolves_to_the_vendored_copy() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).unwrap();
    let entry = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"calamine\"\n"))
        .expect("calamine is in Cargo.lock");
    assert!(
        !entry.contains("source = "),
        "calamine comes from a registry, not vendor/:\n{entry}"
    );

    let vendored = std::fs::read_to_string(format!("{root}/vendor/calamine/Cargo.toml")).unwrap();
    let core = std::fs::read_to_string(format!("{root}/crates/hcp-core/Cargo.toml")).unwrap();
    let vendored_version = field(&vendored, "[package]", "version").unwrap();
    let pin = core
        .lines()
        .find(|l| l.starts_with("calamine"))
        .and_then(|l| l.split('"').nth(1))
        .unwrap();
    assert_eq!(
        pin,
        format!("={vendored_version}"),
        "hcp-core pins calamine {pin}, vendor/ holds {vendored_version}"
    );
    assert!(
        !vendored.contains("encoding_rs"),
        "the slim patch is not applied"
    );
}

#[test]
fn crc32fast_resolves_to_the_vendored_copy() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lock = std::fs::read_to_string(format!("{root}/Cargo.lock")).unwrap();
    let entries: Vec<&str> = lock
        .split("[[package]]")
        .filter(|p| p.contains("\nname = \"crc32fast\"\n"))
        .collect();
    assert_eq!(entries.len(), 1, "one crc32fast in Cargo.lock: {entries:?}");
    assert!(
        !entries[0].contains("source = "),
        "crc32fast comes from a registry, not vendor/:\n{}",
        entries[0]
    );
    let vendored = std::fs::read_to_string(format!("{root}/vendor/crc32fast/Cargo.toml")).unwrap();
    let version = field(&vendored, "[package]", "version").unwrap();
    assert!(entries[0].contains(&format!("version = \"{version}\"")));
    assert!(
        !std::path::Path::new(&format!("{root}/vendor/crc32fast/src/table.rs")).exists(),
        "the runtime-table patch is not applied"
    );
}
