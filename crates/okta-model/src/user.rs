//! The User object, its profile and credentials, and the create-user request body.

use crate::ids::{GroupId, UserId};
use crate::link::Links;
use crate::secret::Secret;
use crate::time::{self, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Staged,
    Provisioned,
    Active,
    Recovery,
    PasswordExpired,
    LockedOut,
    Suspended,
    Deprovisioned,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staged => "STAGED",
            Self::Provisioned => "PROVISIONED",
            Self::Active => "ACTIVE",
            Self::Recovery => "RECOVERY",
            Self::PasswordExpired => "PASSWORD_EXPIRED",
            Self::LockedOut => "LOCKED_OUT",
            Self::Suspended => "SUSPENDED",
            Self::Deprovisioned => "DEPROVISIONED",
        }
    }
}

/// A user profile: base and custom attributes by name. Values are JSON because custom attributes
/// may be numbers, booleans or arrays.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserProfile(pub Map<String, Value>);

impl UserProfile {
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    pub fn login(&self) -> Option<&str> {
        self.str("login")
    }

    pub fn email(&self) -> Option<&str> {
        self.str("email")
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) {
        self.0.insert(name.into(), value.into());
    }
}

/// `credentials.password`: exactly one of a plain value, an imported hash or the import hook.
/// Responses carry it as `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PasswordCredential {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<PasswordHash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook: Option<PasswordHook>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordHash {
    pub algorithm: String,
    pub value: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt_order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_factor: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iteration_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_algorithm: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordHook {
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryQuestion {
    pub question: String,
    /// Write-only: never present in responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthProvider {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl AuthProvider {
    pub fn okta() -> Self {
        Self {
            kind: "OKTA".to_owned(),
            name: Some("OKTA".to_owned()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserCredentials {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PasswordCredential>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_question: Option<RecoveryQuestion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<AuthProvider>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTypeRef {
    pub id: String,
}

/// The User object as Okta returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub status: UserStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitioning_to_status: Option<UserStatus>,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(default, with = "time::nullable")]
    pub activated: Option<Timestamp>,
    #[serde(default, with = "time::nullable")]
    pub status_changed: Option<Timestamp>,
    #[serde(default, with = "time::nullable")]
    pub last_login: Option<Timestamp>,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    #[serde(default, with = "time::nullable")]
    pub password_changed: Option<Timestamp>,
    #[serde(rename = "type")]
    pub user_type: UserTypeRef,
    pub profile: UserProfile,
    #[serde(default)]
    pub credentials: UserCredentials,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// Body of `POST /api/v1/users`; also of `POST|PUT /api/v1/users/{id}`, which ignore `groupIds`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserRequest {
    #[serde(default)]
    pub profile: UserProfile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<UserCredentials>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_ids: Vec<GroupId>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserTypeRef>,
}

/// Answer of the activate and reactivate lifecycle calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_token: Option<String>,
}
