//! A typed async client for Okta's Users and Groups APIs. One send path adds auth, paces
//! requests from the `X-Rate-Limit-*` headers, bounds requests in flight, retries with Okta's
//! semantics, and decodes Okta's errors; creates are never blindly sent twice.
//!
//! The examples run against [okta-emulator](https://docs.rs/okta-emulator), an Okta-compatible
//! org in the same process; give a real org's URL and token instead (the token from the
//! environment, never from the command line).
//!
//! # Configure as Okta's SDKs do
//!
//! [`OktaConfig::load`] reads `~/.okta/okta.yaml`, then `./okta.yaml`, then the
//! `OKTA_CLIENT_*` variables, a later source winning field by field; `credentials` makes an API
//! token (`SSWS`) or a service app's private key (`PrivateKey`) of it.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # std::env::set_var("OKTA_CLIENT_TOKEN", "00aFromTheEnvironment");
//! use okta_client::{Client, OktaConfig};
//!
//! let mut config = OktaConfig::from_yaml_str(
//!     "okta:\n  client:\n    orgUrl: https://acme.okta.com\n    authorizationMode: SSWS\n",
//! )?;
//! config.overlay(OktaConfig::from_env(|name| std::env::var(name).ok()));
//! assert_eq!(config.sources, ["OKTA_CLIENT_* environment variables"]);
//! let org_url = config.org_url.clone().unwrap_or_default();
//! let client = Client::builder(&org_url, config.credentials()?)?.build()?;
//! assert_eq!(client.org().as_str(), "https://acme.okta.com");
//! # Ok(()) }
//! ```
//!
//! # Connect, create a user, page through users
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let org = okta_emulator::EmulatorConfig::new("00aToken").start().await?;
//! # let org_url = org.base_url().to_owned();
//! # std::env::set_var("OKTA_CLIENT_TOKEN", "00aToken");
//! use futures_util::TryStreamExt;
//! use okta_client::{Client, CreateUserOptions, Creation, Credentials, ListQuery, Secret};
//! use okta_model::{CreateUserRequest, UserProfile};
//!
//! let token = Secret::new(std::env::var("OKTA_CLIENT_TOKEN")?);
//! let client = Client::builder(&org_url, Credentials::ApiToken(token))?
//!     .max_capacity_percent(50) // leave half of each rate-limit bucket to others
//!     .user_agent("hr-sync/1.4")
//!     .build()?;
//!
//! let mut profile = UserProfile::default();
//! for (name, value) in [("login", "isaac.brock@example.com"), ("email", "isaac.brock@example.com"),
//!                       ("firstName", "Isaac"), ("lastName", "Brock")] {
//!     profile.0.insert(name.into(), value.into());
//! }
//! let request = CreateUserRequest { profile, ..Default::default() };
//! let created = client.users().create(&request, CreateUserOptions::default()).await?;
//! assert_eq!(created.creation, Creation::Created);
//!
//! // A second create of the same login is Okta's error, not a second user.
//! let again = client.users().create(&request, CreateUserOptions::default()).await;
//! assert!(again.is_err_and(|e| e.is_duplicate_login()));
//!
//! // Lists are streams that follow Okta's `Link` headers page after page.
//! let everyone: Vec<_> = client.users().list(&ListQuery::default()).try_collect().await?;
//! assert_eq!(everyone.len(), 2); // Isaac, and the org's admin who owns the token
//! # Ok(()) }
//! ```
//!
//! # Rate limits and 429s
//!
//! The client reads `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` on every answer and spends
//! its share of each window, then waits for the reset, so a paced run seldom sees a 429. A 429
//! that comes anyway is waited out until the window's reset and sent again; only when retries
//! or the call's deadline run out does it reach you, as [`Error::Api`] with status 429, and
//! [`Error::is_transient`] tells you the call may be made again later. An [`Observer`] sees
//! every answer, wait and retry.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # // Okta's limits in 1-s windows, so the wait for the reset is short.
//! # let mut limits = okta_emulator::RateLimitConfig::workforce();
//! # limits.window_ms = 1000;
//! # let org = okta_emulator::EmulatorConfig::new("00aToken").rate_limits(limits).start().await?;
//! # // The org answers the first create after the first one with a 429.
//! # org.set_faults(okta_emulator::FaultConfig { seed: 0, rules: vec![okta_emulator::FaultRule {
//! #     method: Some("POST".into()), path: "/api/v1/users".into(),
//! #     action: okta_emulator::FaultAction::Status { status: 429 },
//! #     skip: 1, times: Some(1), probability: None }] });
//! use okta_client::{Answer, Client, CreateUserOptions, Credentials, Observer, Secret};
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::sync::Arc;
//!
//! #[derive(Debug, Default)]
//! struct Count429(AtomicU32);
//! impl Observer for Count429 {
//!     fn answered(&self, answer: &Answer) {
//!         if answer.status == 429 {
//!             self.0.fetch_add(1, Ordering::Relaxed);
//!         }
//!     }
//! }
//!
//! let seen = Arc::new(Count429::default());
//! let client = Client::builder(org.base_url(), Credentials::ApiToken(Secret::new(String::from("00aToken"))))?
//!     .observer(seen.clone())
//!     .build()?;
//! for i in 0..3 {
//!     let login = format!("user{i}@example.com");
//!     let mut request = okta_model::CreateUserRequest::default();
//!     for (name, value) in [("login", &login), ("email", &login)] {
//!         request.profile.0.insert(name.into(), value.as_str().into());
//!     }
//!     for name in ["firstName", "lastName"] {
//!         request.profile.0.insert(name.into(), "Test".into());
//!     }
//!     match client.users().create(&request, CreateUserOptions::default()).await {
//!         Ok(_) => {}
//!         // Rate limits, server errors, no answer: worth trying again later.
//!         Err(e) if e.is_transient() => eprintln!("{login}: try again later ({e})"),
//!         // Okta refused the user (validation, policy, a duplicate login).
//!         Err(e) => eprintln!("{login}: refused: {e}"),
//!     }
//! }
//! assert_eq!(seen.0.load(Ordering::Relaxed), 1, "the 429 was answered once, then waited out");
//! assert_eq!(org.user_count(), 1 + 3); // the org's admin, and the three created
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod apps;
mod auth;
mod client;
mod config;
mod error;
mod groups;
mod in_flight;
mod jwt;
mod lookup;
mod observer;
mod okta_config;
mod pacing;
mod page;
mod retry;
mod users;

pub use apps::Apps;
pub use auth::Credentials;
pub use client::{Client, ClientBuilder};
pub use config::{ConfigError, Needed, OrgUrl, Secret, Settings, DEFAULT_MAX_ANSWER_BYTES};
pub use error::{Error, TransportError};
pub use groups::Groups;
pub use jwt::SigningKey;
pub use lookup::{batchable, LoginLookup, LookupStats, MAX_FILTER_BYTES, MAX_TERMS};
pub use observer::{Answer, Observer};
pub use okta_config::{ConfigFile, OktaConfig, DEFAULT_SCOPES};
pub use pacing::{estimate, BucketView};
pub use page::ListQuery;
pub use retry::RetryReason;
pub use users::{CreateUserOptions, CreatedUser, Creation, Users};
