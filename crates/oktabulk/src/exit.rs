//! The user-facing failures of a command and the documented exit code of each.

use std::path::PathBuf;

/// Exit codes, as the README documents them.
pub mod code {
    pub const OK: u8 = 0;
    pub const ROWS_FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const AUTH: u8 = 3;
    pub const INVALID_INPUT: u8 = 4;
    pub const INTERRUPTED: u8 = 5;
    pub const RUNTIME: u8 = 6;
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Config(String),
    #[error("authentication failed: {0}")]
    Auth(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("interrupted; run the same command again to resume")]
    Interrupted,
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("journal: {0}")]
    Journal(String),
    /// A failure of the run itself (a task, a semaphore), not of a file or the org.
    #[error("{0}")]
    Runtime(String),
    /// The org stopped answering; nothing more was sent.
    #[error("the org stopped answering ({0}); nothing more was sent. Run the same command again when it answers: finished rows are kept, the rest are settled and sent")]
    OrgUnreachable(String),
    #[error("{0}")]
    Okta(okta_client::Error),
    #[error("sandbox: {0}")]
    Sandbox(String),
}

impl AppError {
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Config(_) => code::USAGE,
            AppError::Auth(_) => code::AUTH,
            AppError::InvalidInput(_) | AppError::Read { .. } => code::INVALID_INPUT,
            AppError::Interrupted => code::INTERRUPTED,
            AppError::Okta(e) if matches!(e.status(), Some(401 | 403)) => code::AUTH,
            AppError::Okta(okta_client::Error::Config(_) | okta_client::Error::OAuth(_)) => {
                code::AUTH
            }
            _ => code::RUNTIME,
        }
    }
}

impl From<okta_client::Error> for AppError {
    fn from(e: okta_client::Error) -> Self {
        match e {
            okta_client::Error::Config(c) => AppError::Config(c.to_string()),
            okta_client::Error::OAuth(reason) => AppError::Auth(reason),
            e if matches!(e.status(), Some(401 | 403)) => AppError::Auth(e.to_string()),
            e => AppError::Okta(e),
        }
    }
}
