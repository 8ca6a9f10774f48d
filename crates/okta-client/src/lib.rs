//! A typed async client for Okta's Users and Groups APIs. One send path adds auth, paces
//! requests from the `X-Rate-Limit-*` headers, bounds requests in flight, retries with Okta's
//! semantics, and decodes Okta's errors; creates are never blindly sent twice.

pub mod config;
pub mod error;
pub mod retry;

pub use config::{ConfigError, OrgUrl, Secret, Settings};
pub use error::{Error, TransportError};
