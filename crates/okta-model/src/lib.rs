//! Wire types of the Okta Management API that oktabulk touches: users, groups, the user schema,
//! the error body, rate-limit headers and `Link` pagination. Serde only, no I/O: the client and the
//! emulator both use these types, so a wire field changes in exactly one place.

pub mod app;
pub mod error;
pub mod group;
pub mod group_rule;
pub mod ids;
pub mod link;
pub mod login;
pub mod rate_limit;
pub mod role;
pub mod rules;
pub mod schema;
pub mod secret;
pub mod time;
pub mod user;

pub use app::{
    AppGroup, AppGroupRequest, AppUser, AppUserCredentials, AppUserRequest, Application,
};
pub use error::{ErrorCause, OktaError};
pub use group::{CreateGroupRequest, Group, GroupProfile, GroupType};
pub use group_rule::GroupRule;
pub use ids::{AppId, GroupId, UserId};
pub use link::{HrefObject, LinkRel, Links};
pub use rate_limit::RateLimitHeaders;
pub use role::AdminRole;
pub use secret::Secret;
pub use user::{
    ActivationToken, AuthProvider, CreateUserRequest, EmailCredential, HashField,
    PasswordCredential, PasswordHash, PasswordHook, RecoveryQuestion, User, UserCredentials,
    UserProfile, UserStatus, UserTypeRef, ALWAYS_PRESENT_ATTRIBUTES,
};
