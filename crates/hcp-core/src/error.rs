//! Stable error codes shared by every domain. The wasm layer turns them into
//! the `code` of a JS `HcpError`, the server into an HTTP status; both rely on
//! the strings never changing once published.

/// Declares the codes once: the enum, their strings, the list, and the
/// TypeScript union the wasm bindings publish (so the `.d.ts` cannot drift).
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident,)+) => {
        /// A stable, machine-readable error category.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $name,)+
        }

        impl Code {
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => stringify!($name),)+
                }
            }

            /// Every code, for bindings that must publish the full list.
            pub const ALL: &'static [Code] = &[$(Code::$name,)+];

            /// The `HcpErrorCode` union of the `.d.ts`, with its TSDoc.
            pub const TYPESCRIPT: &'static str = concat!(
                "\n/**\n * The stable machine-readable reason of an {@link HcpError}. New codes may be\n",
                " * added in minor versions; existing ones never change meaning.\n */\n",
                "export type HcpErrorCode =",
                $("\n  | \"", stringify!($name), "\"",)+
                ";\n"
            );
        }
    };
}

codes! {
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
    /// A function of a wasm module was called before that module's `init()`
    /// (thrown by the package's JavaScript entry, which knows the module).
    NotInitialized,
    /// A module's `init()` could not load or compile its `.wasm` (a bundler
    /// left its URL unresolved, a CSP without `'wasm-unsafe-eval'`).
    InitFailed,
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
