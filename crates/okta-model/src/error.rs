//! The Okta error body and the catalogue of error codes oktabulk meets.

use serde::{Deserialize, Serialize};

/// Okta's error body. Only `errorCode` is meant for control flow; summaries may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OktaError {
    pub error_code: String,
    pub error_summary: String,
    #[serde(default)]
    pub error_link: String,
    #[serde(default)]
    pub error_id: String,
    #[serde(default)]
    pub error_causes: Vec<ErrorCause>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCause {
    pub error_summary: String,
}

impl ErrorCause {
    pub fn new(summary: impl Into<String>) -> Self {
        Self {
            error_summary: summary.into(),
        }
    }
}

/// Error codes used by the Users and Groups APIs (Okta's `error-codes.json`).
pub mod codes {
    pub const API_VALIDATION_FAILED: &str = "E0000001";
    pub const MALFORMED_BODY: &str = "E0000003";
    pub const INVALID_SESSION: &str = "E0000005";
    pub const ACCESS_DENIED: &str = "E0000006";
    pub const NOT_FOUND: &str = "E0000007";
    pub const PATH_NOT_FOUND: &str = "E0000008";
    pub const INTERNAL: &str = "E0000009";
    pub const INVALID_TOKEN: &str = "E0000011";
    pub const ALREADY_ACTIVE: &str = "E0000016";
    pub const METHOD_NOT_ALLOWED: &str = "E0000022";
    pub const INVALID_PAGING: &str = "E0000029";
    pub const INVALID_SEARCH: &str = "E0000031";
    pub const UNLOCK_NOT_ALLOWED: &str = "E0000032";
    pub const WRONG_USER_STATUS: &str = "E0000038";
    pub const RATE_LIMITED: &str = "E0000047";
    pub const UNSUPPORTED_OPERATION: &str = "E0000060";
    pub const TARGET_COUNT_EXCEEDED: &str = "E0000093";
    pub const UNSUPPORTED_FILTER: &str = "E0000094";
    pub const EXPIRE_NEEDS_PASSWORD: &str = "E0000124";
    pub const EXPIRE_NEEDS_ACTIVATE: &str = "E0000125";
    pub const CONFLICT: &str = "E0000195";
}
