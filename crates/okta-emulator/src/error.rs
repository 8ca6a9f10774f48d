//! Every way a request can fail, and the one place where a failure becomes Okta's wire format:
//! an HTTP status plus the error body with `errorCode`, `errorSummary` and `errorCauses`.

use okta_model::error::codes;
use okta_model::{ErrorCause, OktaError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("api validation failed: {field}")]
    Validation { field: String, causes: Vec<String> },
    #[error("not found: {what} ({kind})")]
    NotFound { what: String, kind: &'static str },
    #[error("the request body was not well-formed")]
    MalformedBody,
    #[error("the requested path was not found")]
    PathNotFound,
    #[error("the endpoint does not support the method")]
    MethodNotAllowed,
    #[error("invalid token provided")]
    InvalidToken,
    #[error("invalid session")]
    InvalidSession,
    #[error("permission denied")]
    AccessDenied,
    #[error("operation not allowed in the user's current status")]
    WrongUserStatus,
    #[error("user already active")]
    AlreadyActive,
    #[error("unlock of a user who is not locked out")]
    NotLockedOut,
    #[error("too many groupIds")]
    TargetCountExceeded,
    #[error("unsupported operation")]
    UnsupportedOperation,
    #[error("invalid search criteria")]
    InvalidSearch,
    #[error("unsupported filter")]
    UnsupportedFilter,
    #[error("invalid paging request")]
    InvalidPaging,
    #[error("expire on create needs a password")]
    ExpireNeedsPassword,
    #[error("expire on create needs activate=true")]
    ExpireNeedsActivate,
    #[error("rate limit exceeded")]
    RateLimited,
    /// A fault rule asked for this status; the body is Okta's for that status.
    #[error("injected fault {status}")]
    Injected { status: u16 },
    #[error("internal error: {0}")]
    Internal(String),
    /// App user credentials the app's scheme does not take.
    #[error("credentials should not be set on this resource based on the scheme")]
    CredentialsNotForScheme,
    /// An app user who has the app through a group, unassigned directly.
    #[error("deactivate application for user forbidden")]
    AppUserThroughGroup,
    /// An active app cannot be deleted.
    #[error("delete application forbidden")]
    DeleteActiveApp,
    /// A documented parameter or feature the emulator does not implement: refused by name
    /// rather than ignored.
    #[error("not emulated: {0}")]
    NotEmulated(String),
}

impl ApiError {
    pub fn validation(field: &str, cause: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            causes: vec![cause.into()],
        }
    }

    pub fn user_not_found(what: &str) -> Self {
        Self::NotFound {
            what: what.to_owned(),
            kind: "User",
        }
    }

    pub fn group_not_found(what: &str) -> Self {
        Self::NotFound {
            what: what.to_owned(),
            kind: "UserGroup",
        }
    }

    /// The HTTP status and the Okta error body for this failure.
    pub fn to_wire(&self) -> (u16, OktaError) {
        let (status, code, summary, causes): (u16, &str, String, Vec<String>) = match self {
            Self::Validation { field, causes } => (
                400,
                codes::API_VALIDATION_FAILED,
                format!("Api validation failed: {field}"),
                causes.clone(),
            ),
            Self::NotEmulated(what) => (
                400,
                codes::API_VALIDATION_FAILED,
                format!("Api validation failed: {what}"),
                vec![format!(
                    "{what}: not emulated by okta-emulator (see its README)"
                )],
            ),
            Self::NotFound { what, kind } => (
                404,
                codes::NOT_FOUND,
                format!("Not found: Resource not found: {what} ({kind})"),
                vec![],
            ),
            Self::MalformedBody => (
                400,
                codes::MALFORMED_BODY,
                "The request body was not well-formed.".into(),
                vec![],
            ),
            Self::PathNotFound => (
                404,
                codes::PATH_NOT_FOUND,
                "The requested path was not found".into(),
                vec![],
            ),
            Self::MethodNotAllowed => (
                405,
                codes::METHOD_NOT_ALLOWED,
                "The endpoint does not support the provided HTTP method".into(),
                vec![],
            ),
            Self::InvalidToken => (
                401,
                codes::INVALID_TOKEN,
                "Invalid token provided".into(),
                vec![],
            ),
            Self::InvalidSession => (
                403,
                codes::INVALID_SESSION,
                "Invalid session".into(),
                vec![],
            ),
            Self::AccessDenied => (
                403,
                codes::ACCESS_DENIED,
                "You do not have permission to perform the requested action".into(),
                vec![],
            ),
            Self::WrongUserStatus => (
                403,
                codes::WRONG_USER_STATUS,
                "This operation is not allowed in the user's current status.".into(),
                vec![],
            ),
            Self::AlreadyActive => (
                403,
                codes::ALREADY_ACTIVE,
                "Activation failed because the user is already active".into(),
                vec![],
            ),
            Self::NotLockedOut => (
                403,
                codes::UNLOCK_NOT_ALLOWED,
                "Unlock is not allowed for this user.".into(),
                vec!["The user is not locked out.".into()],
            ),
            Self::TargetCountExceeded => (
                400,
                codes::TARGET_COUNT_EXCEEDED,
                "Target count limit exceeded".into(),
                vec!["The number of group targets is too large".into()],
            ),
            Self::UnsupportedOperation => (
                501,
                codes::UNSUPPORTED_OPERATION,
                "Unsupported operation.".into(),
                vec![],
            ),
            Self::InvalidSearch => (
                400,
                codes::INVALID_SEARCH,
                "Invalid search criteria.".into(),
                vec![],
            ),
            Self::UnsupportedFilter => (
                400,
                codes::UNSUPPORTED_FILTER,
                "The provided filter is unsupported.".into(),
                vec![],
            ),
            Self::InvalidPaging => (
                400,
                codes::INVALID_PAGING,
                "Invalid paging request.".into(),
                vec![],
            ),
            Self::ExpireNeedsPassword => {
                let s = "Could not create user. To create a user and expire their password immediately, a password must be specified.";
                (400, codes::EXPIRE_NEEDS_PASSWORD, s.into(), vec![s.into()])
            }
            Self::ExpireNeedsActivate => {
                let s = "Could not create user. To create a user and expire their password immediately, `activate` must be true.";
                (400, codes::EXPIRE_NEEDS_ACTIVATE, s.into(), vec![s.into()])
            }
            Self::CredentialsNotForScheme => (
                400,
                "E0000041",
                "Credentials should not be set on this resource based on the scheme.".into(),
                vec!["User level credentials should not be provided for this scheme.".into()],
            ),
            Self::AppUserThroughGroup => (
                403,
                "E0000046",
                "Deactivate application for user forbidden.".into(),
                vec!["The user has the application through a group: remove the user from the group or the group from the application.".into()],
            ),
            Self::DeleteActiveApp => (
                403,
                "E0000056",
                "Delete application forbidden.".into(),
                vec!["The application must be deactivated before it is deleted.".into()],
            ),
            Self::RateLimited => (
                429,
                codes::RATE_LIMITED,
                "API call exceeded rate limit due to too many requests.".into(),
                vec![],
            ),
            Self::Injected { status } => return injected(*status),
            Self::Internal(_) => (500, codes::INTERNAL, "Internal Server Error".into(), vec![]),
        };
        (status, body(code, summary, causes))
    }
}

/// Okta's body for a status a fault rule injects.
fn injected(status: u16) -> (u16, OktaError) {
    let (code, summary) = match status {
        429 => (
            codes::RATE_LIMITED,
            "API call exceeded rate limit due to too many requests.",
        ),
        401 => (codes::INVALID_TOKEN, "Invalid token provided"),
        403 => (
            codes::ACCESS_DENIED,
            "You do not have permission to perform the requested action",
        ),
        404 => (codes::PATH_NOT_FOUND, "The requested path was not found"),
        503 => ("E0000010", "Service is in read only mode"),
        _ => (codes::INTERNAL, "Internal Server Error"),
    };
    (status, body(code, summary.to_owned(), vec![]))
}

fn body(code: &str, summary: String, causes: Vec<String>) -> OktaError {
    OktaError {
        error_code: code.to_owned(),
        error_summary: summary,
        error_link: code.to_owned(),
        error_id: error_id(),
        error_causes: causes.into_iter().map(ErrorCause::new).collect(),
    }
}

/// An id shaped like Okta's `errorId` (`oae` and 22 characters).
fn error_id() -> String {
    let mut id = String::with_capacity(25);
    id.push_str("oae");
    id.push_str(&crate::state::ids::random_alnum(
        &mut rand::thread_rng(),
        22,
    ));
    id
}
