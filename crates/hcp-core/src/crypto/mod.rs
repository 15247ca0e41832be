//! The cryptography of end-to-end encrypted medical data: what a data owner
//! does in its own browser so the server stores only ciphertext.
//!
//! - `certs`: a data owner's public keys form a chain (the first one
//!   self-certified, each next one certified by an earlier one), so a key the
//!   server slips into the list is refused.
//! - `exchange`: one random exchange key per (delegator, delegate) pair,
//!   wrapped with HPKE for every key of both and signed by the delegator.
//! - `aead`: one random AES-256-GCM key per entity; its encrypted fields are
//!   one JSON document bound to the entity's type, id and versions.
//! - `links`: secret foreign keys, so a delegate can list a patient's data
//!   without the server learning which patient it is about.

pub mod aead;
pub mod certs;
pub mod exchange;
pub mod links;

use crate::error::{Code, Coded};

/// Why a protected value could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The entity has no delegation for this data owner.
    #[error("{0}")]
    NotShared(String),
    /// Shared with a key of this data owner that this session does not hold.
    #[error("{0}")]
    KeyMissing(String),
    /// An authentication check failed: a ciphertext, a signature or a key
    /// chain is not what its owner wrote. Nothing of it is shown.
    #[error("{0}")]
    Tampered(String),
    /// Malformed input from the caller.
    #[error("{0}")]
    Invalid(String),
    #[error("the system random number generator failed: {0}")]
    Random(String),
}

impl Coded for CryptoError {
    fn code(&self) -> Code {
        match self {
            CryptoError::NotShared(_) => Code::NotShared,
            CryptoError::KeyMissing(_) => Code::KeyMissing,
            CryptoError::Tampered(_) => Code::Tampered,
            CryptoError::Invalid(_) => Code::Validation,
            CryptoError::Random(_) => Code::Random,
        }
    }
}

pub(crate) fn tampered(what: impl Into<String>) -> CryptoError {
    CryptoError::Tampered(what.into())
}

/// 32 bytes from the CSPRNG.
pub(crate) fn random32() -> Result<zeroize::Zeroizing<[u8; 32]>, CryptoError> {
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(bytes)
}
