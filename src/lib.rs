//! hcp-kit's JavaScript face. Nothing here decides anything: each export
//! converts its arguments, calls `hcp-core`, and converts the result or the
//! error back (see `error.rs` for the one place errors cross).

mod args;
#[cfg(feature = "client")]
mod client;
#[cfg(any(feature = "keys", feature = "client", feature = "bench"))]
mod convert;
#[cfg(feature = "dataowner")]
mod dataowner;
mod error;
#[cfg(any(feature = "client", feature = "dataowner"))]
mod http;
#[cfg(feature = "import")]
mod import;
#[cfg(feature = "keys")]
mod keys;
mod rows;

use wasm_bindgen::prelude::*;

#[cfg(feature = "client")]
pub use client::{HcpClient, tokens_of_js};
#[cfg(feature = "dataowner")]
pub use dataowner::DataOwner;
#[cfg(feature = "import")]
pub use import::{
    ImportOptionsJs, ProgressCallback, parse_import, read_header, rejections_csv, revalidate_rows,
    warm_up,
};
#[cfg(feature = "keys")]
pub use keys::{
    KeyPair, SaveOptionsJs, generate_key_pair, import_private_key, inspect_key_pair_file,
    load_key_pair, verify,
};
#[cfg(feature = "client")]
pub use rows::{is_organization_js, validate_person_js};

#[wasm_bindgen(start, skip_typescript)]
fn start() {
    // Only there to make a bug legible; hcp-kit never panics on input.
    #[cfg(feature = "panic-hook")]
    console_error_panic_hook::set_once();
}

/// The hcp-kit version (the crate version this module was built from).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
