//! Applications and their assignments: the app object (the parts assignment needs typed, the
//! rest kept as Okta sent it), app users (`/api/v1/apps/{id}/users`) and app groups
//! (`/api/v1/apps/{id}/groups`).

use crate::ids::{AppId, GroupId, UserId};
use crate::secret::Secret;
use crate::time::{self, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An app instance. `settings`, `credentials`, `accessibility`, `visibility` and `features`
/// differ by sign-on mode; they are kept as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: AppId,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub label: String,
    /// `ACTIVE` or `INACTIVE`.
    #[serde(default)]
    pub status: String,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(default)]
    pub accessibility: Value,
    #[serde(default)]
    pub visibility: Value,
    #[serde(default)]
    pub features: Vec<Value>,
    /// `BOOKMARK`, `BASIC_AUTH`, `BROWSER_PLUGIN`, `SECURE_PASSWORD_STORE`, `AUTO_LOGIN`,
    /// `SAML_2_0`, `OPENID_CONNECT`...
    #[serde(default)]
    pub sign_on_mode: String,
    #[serde(default)]
    pub credentials: Value,
    #[serde(default)]
    pub settings: Value,
    #[serde(rename = "_links", default)]
    pub links: Value,
}

impl Application {
    pub fn is_active(&self) -> bool {
        self.status == "ACTIVE"
    }

    /// `credentials.scheme` of an app that vaults credentials (`ADMIN_SETS_CREDENTIALS`...).
    pub fn scheme(&self) -> Option<&str> {
        self.credentials.get("scheme").and_then(Value::as_str)
    }
}

/// `credentials` of an app user: the app username, and a password that is written only
/// (answered as `{}` when one is set).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppUserCredentials {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<AppUserPassword>,
}

/// `{"value": "..."}` when sent; `{}` when answered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppUserPassword {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Secret>,
}

/// A user's assignment to an app, as Okta answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppUser {
    pub id: UserId,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    /// `USER` (assigned directly) or `GROUP` (through a group assigned to the app).
    pub scope: String,
    pub status: String,
    #[serde(default, with = "time::nullable")]
    pub status_changed: Option<Timestamp>,
    #[serde(default, with = "time::nullable")]
    pub password_changed: Option<Timestamp>,
    #[serde(default)]
    pub sync_state: String,
    #[serde(default)]
    pub credentials: Option<AppUserCredentials>,
    #[serde(default)]
    pub profile: Map<String, Value>,
    #[serde(rename = "_links", default)]
    pub links: Value,
}

/// The body of an assignment (`POST /api/v1/apps/{id}/users`) and of an update
/// (`POST /api/v1/apps/{id}/users/{userId}`, without `id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<AppUserCredentials>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Map<String, Value>>,
}

/// A group's assignment to an app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppGroup {
    pub id: GroupId,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    pub priority: u32,
    #[serde(default)]
    pub profile: Map<String, Value>,
    #[serde(rename = "_links", default)]
    pub links: Value,
}

/// The body of `PUT /api/v1/apps/{id}/groups/{groupId}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppGroupRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Map<String, Value>>,
}
