use crate::error::{Code, Coded};

/// Why a whole file could not be read (row problems are not errors: they are
/// rejections in the report).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("unsupported file: {0}. Use .xlsx, .xls, .xlsb, .ods, .xml (Excel 2003), .csv or .txt")]
    UnsupportedFormat(String),
    #[error("the workbook is password-protected; save it without a password and try again")]
    Encrypted,
    #[error("the file is damaged or not what it claims to be: {0}")]
    InvalidFile(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("missing required column(s): {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error("there is no sheet named {0:?} (sheets: {1})")]
    SheetNotFound(String, String),
    #[error("{0}")]
    Validation(String),
    #[error("the import was cancelled")]
    Cancelled,
}

impl Coded for ImportError {
    fn code(&self) -> Code {
        match self {
            ImportError::Empty => Code::Empty,
            ImportError::UnsupportedFormat(_) => Code::UnsupportedFormat,
            ImportError::Encrypted => Code::Encrypted,
            ImportError::InvalidFile(_) => Code::InvalidFile,
            ImportError::TooLarge(_) => Code::TooLarge,
            ImportError::MissingColumns(_) => Code::MissingColumns,
            ImportError::SheetNotFound(..) => Code::SheetNotFound,
            ImportError::Validation(_) => Code::Validation,
            ImportError::Cancelled => Code::Cancelled,
        }
    }
}

pub(crate) fn invalid(what: impl core::fmt::Display) -> ImportError {
    ImportError::InvalidFile(what.to_string())
}
