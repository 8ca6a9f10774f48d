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

/// A field of a password hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashField {
    Algorithm,
    Value,
    Salt,
    SaltOrder,
    WorkFactor,
    IterationCount,
    KeySize,
    DigestAlgorithm,
}

/// The hash algorithms Okta imports.
pub const HASH_ALGORITHMS: [&str; 6] = ["BCRYPT", "SHA-512", "SHA-256", "SHA-1", "MD5", "PBKDF2"];

impl PasswordHash {
    /// What Okta requires of an imported hash, per algorithm: each problem with the field it is
    /// about. oktabulk's preflight and the emulator both apply these, so a file refused before
    /// sending is refused for the reason the org would give.
    pub fn problems(&self) -> Vec<(HashField, &'static str)> {
        let mut out = Vec::new();
        match self.algorithm.as_str() {
            "BCRYPT" => {
                if !self.work_factor.is_some_and(|w| (1..=20).contains(&w)) {
                    out.push((
                        HashField::WorkFactor,
                        "BCRYPT needs a work factor from 1 to 20",
                    ));
                }
                if self.salt.as_deref().map_or(0, str::len) != 22 {
                    out.push((HashField::Salt, "BCRYPT needs a 22-character salt"));
                }
            }
            "PBKDF2" => {
                if self.iteration_count.is_none_or(|n| n < 4096) {
                    out.push((
                        HashField::IterationCount,
                        "PBKDF2 needs an iteration count of at least 4096",
                    ));
                }
                if self.key_size.is_none() {
                    out.push((HashField::KeySize, "PBKDF2 needs a key size"));
                }
                if !matches!(
                    self.digest_algorithm.as_deref(),
                    Some("SHA256_HMAC" | "SHA512_HMAC")
                ) {
                    out.push((
                        HashField::DigestAlgorithm,
                        "PBKDF2 needs the digest algorithm SHA256_HMAC or SHA512_HMAC",
                    ));
                }
            }
            "SHA-512" | "SHA-256" | "SHA-1" | "MD5" => {
                if self.salt.is_some()
                    && !matches!(self.salt_order.as_deref(), Some("PREFIX" | "POSTFIX"))
                {
                    out.push((
                        HashField::SaltOrder,
                        "a salted hash needs the salt order PREFIX or POSTFIX",
                    ));
                }
            }
            _ => out.push((
                HashField::Algorithm,
                "the algorithm must be one of BCRYPT, SHA-512, SHA-256, SHA-1, MD5, PBKDF2",
            )),
        }
        if self.value.is_empty() {
            out.push((HashField::Value, "the hash value cannot be empty"));
        }
        out
    }
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
    /// The user's email addresses as Okta lists them (answers only; a create ignores them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<EmailCredential>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<AuthProvider>,
}

/// One of a user's email addresses in `credentials.emails`: the primary one, `VERIFIED`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailCredential {
    pub value: String,
    /// `VERIFIED` or `UNVERIFIED`.
    pub status: String,
    /// `PRIMARY` or `SECONDARY`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The profile attributes every user's profile carries, `null` when the user has no value: Okta
/// answers them whatever the user was created with (other base attributes appear only when set).
pub const ALWAYS_PRESENT_ATTRIBUTES: [&str; 6] = [
    "firstName",
    "lastName",
    "mobilePhone",
    "secondEmail",
    "login",
    "email",
];

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

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(algorithm: &str) -> PasswordHash {
        PasswordHash {
            algorithm: algorithm.into(),
            value: Secret::new("aGFzaA=="),
            salt: None,
            salt_order: None,
            work_factor: None,
            iteration_count: None,
            key_size: None,
            digest_algorithm: None,
        }
    }

    #[test]
    fn each_algorithm_asks_for_its_own_fields() {
        let fields = |h: &PasswordHash| h.problems().iter().map(|p| p.0).collect::<Vec<_>>();
        assert_eq!(
            fields(&hash("BCRYPT")),
            [HashField::WorkFactor, HashField::Salt]
        );
        let mut bcrypt = hash("BCRYPT");
        bcrypt.work_factor = Some(10);
        bcrypt.salt = Some("x".repeat(22));
        assert!(bcrypt.problems().is_empty());
        assert_eq!(
            fields(&hash("PBKDF2")),
            [
                HashField::IterationCount,
                HashField::KeySize,
                HashField::DigestAlgorithm
            ]
        );
        let mut sha = hash("SHA-256");
        assert!(sha.problems().is_empty(), "unsalted");
        sha.salt = Some("pepper".into());
        assert_eq!(fields(&sha), [HashField::SaltOrder]);
        sha.salt_order = Some("PREFIX".into());
        assert!(sha.problems().is_empty());
        assert_eq!(fields(&hash("ARGON2")), [HashField::Algorithm]);
        for known in HASH_ALGORITHMS {
            assert!(
                !fields(&hash(known)).contains(&HashField::Algorithm),
                "{known}"
            );
        }
    }
}
