//! The org's behaviour, apart from HTTP: users, groups, memberships and the profile schema, with
//! Okta's rules. Route handlers call into `Org`; nothing here knows about requests or headers.

pub mod apps;
pub mod expression;
pub mod groups;
pub mod ids;
pub mod oauth;
pub mod org;
pub mod profile;
pub mod roles;
pub mod rules;
pub mod search;
pub mod seed;
pub mod types;
pub mod users;

pub use org::{Change, Org, Page};
