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
    pub const DECLINED: u8 = 7;

    /// Every code with what it means, as the README's table and the man pages say it.
    pub const DOCUMENTED: [(u8, &str); 8] = [
        (OK, "every row succeeded (Success, Exists, Updated or Unchanged; groups assigned)"),
        (ROWS_FAILED, "some rows failed or were interrupted by a failure; see the results file"),
        (USAGE, "usage or configuration error (a changed input with an unfinished journal, another run of the same command in progress, a damaged journal)"),
        (AUTH, "authentication failed (bad token, missing scope or role, OAuth refused)"),
        (INVALID_INPUT, "invalid input: nothing was written"),
        (INTERRUPTED, "interrupted (Ctrl-C); run the same command again to resume"),
        (RUNTIME, "the org stopped answering or answered what cannot be read, or a results file or journal could not be written; run the same command again"),
        (DECLINED, "a confirmation was answered no: nothing was sent"),
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Config(String),
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The input stops the command before anything is sent, with where it is wrong.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
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
    /// The admin answered no to a confirmation: nothing was sent.
    #[error("{0}")]
    Declined(String),
}

impl AppError {
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Config(_) => code::USAGE,
            AppError::Auth(_) => code::AUTH,
            AppError::Input(_) | AppError::Read { .. } => code::INVALID_INPUT,
            AppError::Interrupted => code::INTERRUPTED,
            AppError::Declined(_) => code::DECLINED,
            AppError::Write { .. }
            | AppError::Journal(_)
            | AppError::Runtime(_)
            | AppError::OrgUnreachable(_)
            | AppError::Okta(_)
            | AppError::Sandbox(_) => code::RUNTIME,
        }
    }
}

/// The one classification of the client's errors, for every command: a configuration the
/// client refused is a usage error; refused credentials (the token endpoint, 401, 403) are
/// authentication; an org that stopped answering and an interruption have their own codes;
/// anything else from the org is a runtime error.
impl From<okta_client::Error> for AppError {
    fn from(e: okta_client::Error) -> Self {
        match e {
            okta_client::Error::Config(c) => AppError::Config(c.to_string()),
            okta_client::Error::OAuth(reason) => AppError::Auth(reason),
            okta_client::Error::Interrupted => AppError::Interrupted,
            e @ okta_client::Error::OrgUnreachable { .. } => {
                AppError::OrgUnreachable(e.to_string())
            }
            e if matches!(e.status(), Some(401 | 403)) => AppError::Auth(e.to_string()),
            e => AppError::Okta(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use okta_client::{ConfigError, Error, TransportError};

    fn api(status: u16) -> Error {
        let body = r#"{"errorCode":"E0000000","errorSummary":"x","errorLink":"E0000000","errorId":"oae1","errorCauses":[]}"#;
        Error::Api {
            status,
            error: Box::new(serde_json::from_str(body).expect("okta error")),
            request_id: None,
        }
    }

    /// Every documented exit code (README, "Exit codes"), from the errors that lead to it.
    #[test]
    fn every_error_has_its_documented_exit_code() {
        let io = || std::io::Error::other("x");
        let cases: Vec<(AppError, u8)> = vec![
            (AppError::Config("x".into()), code::USAGE),
            (Error::Config(ConfigError::EmptyOrgUrl).into(), code::USAGE),
            (Error::Config(ConfigError::HasUserinfo).into(), code::USAGE),
            (AppError::Auth("x".into()), code::AUTH),
            (Error::OAuth("invalid_client".into()).into(), code::AUTH),
            (api(401).into(), code::AUTH),
            (api(403).into(), code::AUTH),
            (
                crate::input::InputError::Mapping("x".into()).into(),
                code::INVALID_INPUT,
            ),
            (
                crate::input::InputError::Refused {
                    file: "in.csv".into(),
                    rows: 2,
                    invalid_rows: 1,
                    problems: 1,
                    file_problems: 0,
                    skippable: true,
                }
                .into(),
                code::INVALID_INPUT,
            ),
            (
                AppError::Read {
                    path: "in.csv".into(),
                    source: io(),
                },
                code::INVALID_INPUT,
            ),
            (AppError::Interrupted, code::INTERRUPTED),
            (Error::Interrupted.into(), code::INTERRUPTED),
            (
                Error::OrgUnreachable {
                    silent: std::time::Duration::from_secs(30),
                    attempts: 3,
                    last: Box::new(TransportError::NotSent("refused".into()).into()),
                }
                .into(),
                code::RUNTIME,
            ),
            (
                AppError::Write {
                    path: "out.csv".into(),
                    source: io(),
                },
                code::RUNTIME,
            ),
            (AppError::Journal("x".into()), code::RUNTIME),
            (AppError::Runtime("x".into()), code::RUNTIME),
            (api(500).into(), code::RUNTIME),
            (api(404).into(), code::RUNTIME),
            (
                Error::PagingLoop {
                    path: "/api/v1/users".into(),
                    page: 2,
                    first: 1,
                }
                .into(),
                code::RUNTIME,
            ),
            (
                Error::AnswerTooLarge {
                    limit: okta_client::DEFAULT_MAX_ANSWER_BYTES,
                    request_id: None,
                }
                .into(),
                code::RUNTIME,
            ),
            (AppError::Sandbox("x".into()), code::RUNTIME),
            (AppError::Declined("x".into()), code::DECLINED),
        ];
        for (error, expected) in cases {
            assert_eq!(error.exit_code(), expected, "{error}");
        }
        let org_gone: AppError = Error::OrgUnreachable {
            silent: std::time::Duration::from_secs(30),
            attempts: 3,
            last: Box::new(TransportError::NotSent("refused".into()).into()),
        }
        .into();
        assert!(matches!(org_gone, AppError::OrgUnreachable(_)));
    }
}
