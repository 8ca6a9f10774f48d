//! The client's errors: Okta's own error with its status, code, summary, causes and request id;
//! bodies that do not decode, named by JSON path; transport failures; configuration and auth.

use okta_model::OktaError;
use std::time::Duration;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Okta answered with an error body.
    #[error("{status} {}: {}{}", .error.error_code, .error.error_summary, causes(.error))]
    Api {
        /// The HTTP status.
        status: u16,
        /// Okta's error body: code, summary, causes.
        error: Box<OktaError>,
        /// `X-Okta-Request-Id`, for Okta support.
        request_id: Option<String>,
    },
    /// An error status whose body is not Okta's error JSON (a proxy, a gateway).
    #[error("http {status} without an Okta error body")]
    Status {
        /// The HTTP status.
        status: u16,
        /// `X-Okta-Request-Id`, if the answer had one.
        request_id: Option<String>,
    },
    /// The answer does not decode into the expected type.
    #[error("cannot decode the answer at {path}: {message}")]
    Decode {
        /// Where in the body decoding failed (`profile.login`).
        path: String,
        /// What was wrong there.
        message: String,
        /// `X-Okta-Request-Id`.
        request_id: Option<String>,
    },
    /// No answer: the connection failed or timed out.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// Retries and waits would exceed the call's deadline.
    #[error("gave up after {attempts} attempts in {elapsed:?}: {last}")]
    Deadline {
        /// Attempts made.
        attempts: u32,
        /// Time spent, waits included.
        elapsed: Duration,
        /// The last attempt's error.
        last: Box<Error>,
    },
    /// A setting that cannot work.
    #[error("configuration: {0}")]
    Config(#[from] crate::config::ConfigError),
    /// A request (a `Link` the server gave, most often) would leave the org; it is not sent, so
    /// credentials stay with the org. Holds the target's scheme, host and port.
    #[error("refusing to send a request outside the org, to {0}")]
    ForeignLink(String),
    /// Okta's management API does not redirect; a 3xx is never followed (it could carry the
    /// token or a password to another host) and is reported with where it pointed.
    #[error("http {status} redirect to {} was not followed (Okta's API does not redirect; check the org URL and any proxy)", .location.as_deref().unwrap_or("nowhere"))]
    Redirect {
        /// The 3xx status.
        status: u16,
        /// Where it pointed.
        location: Option<String>,
        /// `X-Okta-Request-Id`, if any.
        request_id: Option<String>,
    },
    /// The OAuth token endpoint refused the client.
    #[error("oauth token request failed: {0}")]
    OAuth(String),
    /// An answer's body went past the client's limit (`Settings::max_answer_bytes`); the
    /// rest was not read. Okta's pages are a few MB: the org, or something between, is broken.
    #[error("the org's answer is larger than {limit} bytes, the most one answer may hold (Okta's pages are a few MB); the org or something between it and here is broken")]
    AnswerTooLarge {
        /// The limit, in bytes.
        limit: u64,
        /// `X-Okta-Request-Id`, if the answer had one.
        request_id: Option<String>,
    },
    /// A list's `next` link leads back to a page of the same list already read (the same
    /// URL, or a cycle), or to a page that repeats the one before it under a new cursor:
    /// following it would never end. Names the path, never the query (which may hold a search
    /// for a login).
    #[error("the org's paging goes round in a circle: the next link after page {page} of {path} leads back to page {first}; the list cannot be read to its end")]
    PagingLoop {
        /// The list's path (`/api/v1/users`).
        path: String,
        /// The page (from 1) whose `next` link was already followed.
        page: u64,
        /// The page it leads back to.
        first: u64,
    },
    /// `Client::cancel` was called: the call stopped waiting (for pacing, a backoff or a retry)
    /// and was not sent again.
    #[error("interrupted before the call finished")]
    Interrupted,
    /// Requests to the org have failed to connect or went unanswered, with no answer in
    /// between, for longer than the client waits: the org (or the way to it) is down.
    #[error("the org stopped answering: no answer for {:.0} s over {attempts} attempts; last: {last}", .silent.as_secs_f64())]
    OrgUnreachable {
        /// How long nothing was answered.
        silent: Duration,
        /// Attempts that failed in that time.
        attempts: u32,
        /// The last of their errors.
        last: Box<Error>,
    },
}

fn causes(error: &OktaError) -> String {
    if error.error_causes.is_empty() {
        return String::new();
    }
    let list: Vec<&str> = error
        .error_causes
        .iter()
        .map(|c| c.error_summary.as_str())
        .collect();
    format!(" ({})", list.join("; "))
}

#[derive(Debug, thiserror::Error)]
/// A request that got no answer.
#[non_exhaustive]
pub enum TransportError {
    /// The request was never sent (connection refused, DNS): safe to send again.
    #[error("could not connect: {0}")]
    NotSent(String),
    /// The request may have reached Okta: its outcome is unknown.
    #[error("no answer (the request may have been applied): {0}")]
    Unknown(String),
}

impl Error {
    /// The HTTP status, when the org answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Status { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Deadline { last, .. } | Error::OrgUnreachable { last, .. } => last.status(),
            _ => None,
        }
    }

    /// Okta's `errorCode`, the only part of an error meant for control flow.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => Some(&error.error_code),
            Error::Deadline { last, .. } | Error::OrgUnreachable { last, .. } => last.error_code(),
            _ => None,
        }
    }

    /// Okta's error body, when Okta answered with one.
    pub fn okta_error(&self) -> Option<&OktaError> {
        match self {
            Error::Api { error, .. } => Some(error),
            Error::Deadline { last, .. } | Error::OrgUnreachable { last, .. } => last.okta_error(),
            _ => None,
        }
    }

    /// `X-Okta-Request-Id` of the answer, for Okta support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::Status { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::AnswerTooLarge { request_id, .. }
            | Error::Redirect { request_id, .. } => request_id.as_deref(),
            Error::Deadline { last, .. } | Error::OrgUnreachable { last, .. } => last.request_id(),
            _ => None,
        }
    }

    /// Whether the request may have been applied although no success came back: no answer, or
    /// a server or gateway error (500, 502, 503, 504) that may have come after the work was done.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport(TransportError::Unknown(_)) => true,
            Error::Api { status, .. } | Error::Status { status, .. } => {
                matches!(status, 500 | 502..=504)
            }
            Error::Deadline { last, .. } | Error::OrgUnreachable { last, .. } => {
                last.outcome_unknown()
            }
            _ => false,
        }
    }

    /// Whether the failure says nothing final about the request: trying the same call later,
    /// with nothing changed, may succeed. True for transport failures, rate limits and server
    /// errors (also when the retries ran out), an unreachable org, an interruption, an answer
    /// that did not decode or was too large, a list whose links go round in a circle, a
    /// redirect, a link off the org, and failed authentication (401, or the token endpoint);
    /// false for Okta's answers about the request itself (400, 403, 404, 409...), which stay
    /// the same until the request or the org changes.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Api { status, .. } | Error::Status { status, .. } => {
                matches!(status, 401 | 429 | 500..=599)
            }
            Error::Transport(_)
            | Error::Deadline { .. }
            | Error::OrgUnreachable { .. }
            | Error::Interrupted
            | Error::Decode { .. }
            | Error::AnswerTooLarge { .. }
            | Error::PagingLoop { .. }
            | Error::Redirect { .. }
            | Error::ForeignLink(_)
            | Error::OAuth(_) => true,
            Error::Config(_) => false,
        }
    }

    /// Okta's answer to a create whose login is taken (E0000001 with the duplicate cause).
    pub fn is_duplicate_login(&self) -> bool {
        self.okta_error().is_some_and(|e| {
            e.error_code == okta_model::error::codes::API_VALIDATION_FAILED
                && e.error_causes
                    .iter()
                    .any(|c| okta_model::rules::is_duplicate_cause(&c.error_summary, "login"))
        })
    }
}
