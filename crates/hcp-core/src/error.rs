//! Stable error codes shared by every domain. The wasm layer turns them into
//! the `code` of a JS `HcpError`, the server into an HTTP status; both rely on
//! the strings never changing once published.

/// A stable, machine-readable error category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Validation,
    InvalidKey,
    KeyMismatch,
    InvalidFile,
    UnsupportedVersion,
    PassphraseRequired,
    WrongPassphrase,
    Random,
    Empty,
    UnsupportedFormat,
    Encrypted,
    TooLarge,
    MissingColumns,
    SheetNotFound,
    Cancelled,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    Network,
    Timeout,
    Server,
    NotShared,
    KeyMissing,
    Tampered,
}

impl Code {
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Validation => "Validation",
            Code::InvalidKey => "InvalidKey",
            Code::KeyMismatch => "KeyMismatch",
            Code::InvalidFile => "InvalidFile",
            Code::UnsupportedVersion => "UnsupportedVersion",
            Code::PassphraseRequired => "PassphraseRequired",
            Code::WrongPassphrase => "WrongPassphrase",
            Code::Random => "Random",
            Code::Empty => "Empty",
            Code::UnsupportedFormat => "UnsupportedFormat",
            Code::Encrypted => "Encrypted",
            Code::TooLarge => "TooLarge",
            Code::MissingColumns => "MissingColumns",
            Code::SheetNotFound => "SheetNotFound",
            Code::Cancelled => "Cancelled",
            Code::Unauthorized => "Unauthorized",
            Code::Forbidden => "Forbidden",
            Code::NotFound => "NotFound",
            Code::Conflict => "Conflict",
            Code::RateLimited => "RateLimited",
            Code::Network => "Network",
            Code::Timeout => "Timeout",
            Code::Server => "Server",
            Code::NotShared => "NotShared",
            Code::KeyMissing => "KeyMissing",
            Code::Tampered => "Tampered",
        }
    }

    /// Every code, for bindings that must publish the full list (the `.d.ts`).
    pub const ALL: &'static [Code] = &[
        Code::Validation,
        Code::InvalidKey,
        Code::KeyMismatch,
        Code::InvalidFile,
        Code::UnsupportedVersion,
        Code::PassphraseRequired,
        Code::WrongPassphrase,
        Code::Random,
        Code::Empty,
        Code::UnsupportedFormat,
        Code::Encrypted,
        Code::TooLarge,
        Code::MissingColumns,
        Code::SheetNotFound,
        Code::Cancelled,
        Code::Unauthorized,
        Code::Forbidden,
        Code::NotFound,
        Code::Conflict,
        Code::RateLimited,
        Code::Network,
        Code::Timeout,
        Code::Server,
        Code::NotShared,
        Code::KeyMissing,
        Code::Tampered,
    ];
}

impl core::fmt::Display for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Implemented by each domain's error type so a boundary can convert any of
/// them with one helper.
pub trait Coded: std::error::Error {
    fn code(&self) -> Code;

    /// The HTTP status, for errors that came from a server's answer.
    fn status(&self) -> Option<u16> {
        None
    }
}
