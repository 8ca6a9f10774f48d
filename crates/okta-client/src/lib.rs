//! A typed async client for Okta's Users and Groups APIs. One send path adds auth, paces
//! requests from the `X-Rate-Limit-*` headers, bounds requests in flight, retries with Okta's
//! semantics, and decodes Okta's errors; creates are never blindly sent twice.
//!
//! ```no_run
//! # async fn demo() -> Result<(), okta_client::Error> {
//! use okta_client::{Client, Credentials, Secret};
//! let token = Secret::new(std::env::var("OKTA_CLIENT_TOKEN").unwrap_or_default());
//! let client = Client::builder("https://example.okta.com", Credentials::ApiToken(token))?
//!     .max_capacity_percent(50)
//!     .build()?;
//! let user = client.users().get("isaac.brock@example.com").await?;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod client;
pub mod config;
pub mod error;
pub mod groups;
pub mod in_flight;
pub mod jwt;
pub mod observer;
pub mod pacing;
pub mod page;
pub mod retry;
pub mod users;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder};
pub use config::{ConfigError, OrgUrl, Secret, Settings};
pub use error::{Error, TransportError};
pub use jwt::SigningKey;
pub use observer::Observer;
pub use page::ListQuery;
pub use users::{CreateUserOptions, CreatedUser, Creation};
