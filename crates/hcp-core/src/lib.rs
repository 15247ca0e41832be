//! hcp-kit's logic, free of any JavaScript binding: the browser crate and the
//! reference server both call into it, so a rule lives in exactly one place.

pub mod client;
pub mod crypto;
pub mod dataowner;
pub mod error;
#[cfg(test)]
mod exhaustive;
pub mod import;
pub mod keys;
pub mod model;
pub mod rules;
pub mod search;

pub use error::{Code, Coded};
