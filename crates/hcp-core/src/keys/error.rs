use crate::error::{Code, Coded};

/// Everything that can go wrong with keys and keypair files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Validation(String),
    #[error("invalid key: {0}")]
    InvalidKey(String),
    #[error("the public key does not belong to this private key")]
    Mismatch,
    #[error("invalid keypair file: {0}")]
    InvalidFile(String),
    #[error("unsupported keypair file version {0} (this hcp-kit reads version 1)")]
    UnsupportedVersion(String),
    #[error("this keypair file is protected by a passphrase; supply it to load the key")]
    PassphraseRequired,
    #[error("wrong passphrase, or the encrypted private key was altered")]
    WrongPassphrase,
    #[error("the system random number generator failed: {0}")]
    Random(String),
}

impl Coded for KeyError {
    fn code(&self) -> Code {
        match self {
            KeyError::Validation(_) => Code::Validation,
            KeyError::InvalidKey(_) => Code::InvalidKey,
            KeyError::Mismatch => Code::KeyMismatch,
            KeyError::InvalidFile(_) => Code::InvalidFile,
            KeyError::UnsupportedVersion(_) => Code::UnsupportedVersion,
            KeyError::PassphraseRequired => Code::PassphraseRequired,
            KeyError::WrongPassphrase => Code::WrongPassphrase,
            KeyError::Random(_) => Code::Random,
        }
    }
}

pub(crate) fn invalid_key(what: impl core::fmt::Display) -> KeyError {
    KeyError::InvalidKey(what.to_string())
}
