//! A data owner's session: the private key held in memory, and everything
//! that turns an app's plain objects into encrypted entities and back,
//! shares them and revokes them. The session decides; a `Platform` (fetch
//! in the browser, reqwest in the tests) only carries its requests.

pub mod entity;
mod session;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use session::{Platform, Session, SessionError};

use crate::crypto::certs::KeyCertificate;

/// What kind of data owner an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OwnerKind {
    Hcp,
    Patient,
    Device,
}

/// A data owner's public keys (`GET /rest/v2/dataowner/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataOwnerKeys {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: OwnerKind,
    #[serde(default)]
    pub public_keys_p256: Vec<String>,
    #[serde(default)]
    pub key_certificates: BTreeMap<String, KeyCertificate>,
}

/// A key added to a data owner (`POST /rest/v2/dataowner/{id}/keys`), with
/// its certificate by an earlier key (or by itself, for the first one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewKey {
    pub public_key: String,
    pub certificate: KeyCertificate,
}

/// An HTTP method of the backend's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}
