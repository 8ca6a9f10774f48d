//! The Group object and the create-group body.

use crate::ids::GroupId;
use crate::time::{self, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GroupType {
    OktaGroup,
    AppGroup,
    BuiltIn,
}

impl GroupType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OktaGroup => "OKTA_GROUP",
            Self::AppGroup => "APP_GROUP",
            Self::BuiltIn => "BUILT_IN",
        }
    }
}

/// A group's profile: the base attributes (`description` is `null` when unset, as Okta sends it)
/// and the custom attributes of the org's group schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupProfile {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Custom attributes by name, as the group schema defines them.
    #[serde(flatten)]
    pub custom: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: GroupId,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    #[serde(with = "time::required")]
    pub last_membership_updated: Timestamp,
    pub object_class: Vec<String>,
    #[serde(rename = "type")]
    pub group_type: GroupType,
    pub profile: GroupProfile,
    /// Relations such as `users`, `apps` and the `logo` array.
    #[serde(rename = "_links", default)]
    pub links: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateGroupRequest {
    pub profile: GroupProfile,
}
