//! An admin role assignment as `GET /api/v1/users/{id}/roles` lists it: which standard role
//! (`type`) a user or group holds and how (`assignmentType`). Unknown fields (`_links`,
//! `_embedded`, a custom role's `resource-set`) are ignored when read.

use crate::time::{self, Timestamp};
use serde::{Deserialize, Serialize};

/// One role a user holds, directly (`USER`) or through a group (`GROUP`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminRole {
    pub id: String,
    /// `SUPER_ADMIN`, `ORG_ADMIN`, `USER_ADMIN`... or `CUSTOM`.
    #[serde(rename = "type")]
    pub role_type: String,
    /// Okta's name for it, as `Super Administrator`.
    #[serde(default)]
    pub label: String,
    /// `ACTIVE` or `INACTIVE`.
    #[serde(default)]
    pub status: String,
    /// `USER` or `GROUP`.
    #[serde(default)]
    pub assignment_type: String,
    #[serde(default, with = "time::nullable")]
    pub created: Option<Timestamp>,
    #[serde(default, with = "time::nullable")]
    pub last_updated: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_okta_s_documented_role() {
        let role: AdminRole = serde_json::from_str(
            r#"{"id":"ra1b8aahBZuGJRRa30g4","label":"Organization Administrator","type":"ORG_ADMIN",
                "status":"ACTIVE","created":"2019-02-06T16:17:40.000Z","lastUpdated":"2019-02-06T16:17:40.000Z",
                "assignmentType":"USER","_links":{"assignee":{"href":"https://x/api/v1/users/00u1"}}}"#,
        )
        .expect("Okta's example reads");
        assert_eq!(role.role_type, "ORG_ADMIN");
        assert_eq!(role.assignment_type, "USER");
        assert!(role.created.is_some());
        let back = serde_json::to_value(&role).expect("writes");
        assert_eq!(back["type"], "ORG_ADMIN");
        assert_eq!(back["lastUpdated"], "2019-02-06T16:17:40.000Z");
    }
}
