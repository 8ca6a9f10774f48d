//! The group rule as `GET /api/v1/groups/rules` lists it: only what a reader of memberships
//! needs (which groups a rule fills, with what expression, except whom). Unknown fields are
//! ignored, so rules with conditions this type leaves out still read.

use serde::{Deserialize, Serialize};

/// A group rule: while ACTIVE, it puts every user its expression matches into its groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRule {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// `ACTIVE`, `INACTIVE` or `INVALID`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub conditions: RuleConditions,
    #[serde(default)]
    pub actions: RuleActions,
}

impl GroupRule {
    /// The rule runs now: only an ACTIVE rule adds users.
    pub fn is_active(&self) -> bool {
        self.status == "ACTIVE"
    }

    /// The rule's expression (Okta Expression Language), if it has one.
    pub fn expression(&self) -> Option<&str> {
        self.conditions
            .expression
            .as_ref()
            .map(|e| e.value.as_str())
    }

    /// The groups the rule puts users into, by id.
    pub fn group_ids(&self) -> &[String] {
        &self.actions.assign_user_to_groups.group_ids
    }

    /// The users the rule leaves out, by id (those taken out of its groups by hand among them).
    pub fn excluded_users(&self) -> &[String] {
        self.conditions
            .people
            .as_ref()
            .map_or(&[], |p| p.users.exclude.as_slice())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleConditions {
    #[serde(default)]
    pub expression: Option<RuleExpression>,
    #[serde(default)]
    pub people: Option<RulePeople>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleExpression {
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulePeople {
    #[serde(default)]
    pub users: RuleUsers,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleUsers {
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleActions {
    #[serde(default)]
    pub assign_user_to_groups: RuleGroups,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleGroups {
    #[serde(default)]
    pub group_ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::GroupRule;

    #[test]
    fn a_rule_reads_as_okta_lists_it() {
        let rule: GroupRule = serde_json::from_value(serde_json::json!({
            "type": "group_rule", "id": "0pr1", "status": "ACTIVE", "name": "Engineers",
            "created": "2024-01-01T00:00:00.000Z",
            "conditions": {"expression": {"value": "user.department==\"Eng\"", "type": "urn:okta:expression:1.0"},
                           "people": {"users": {"exclude": ["00u1"]}, "groups": {"exclude": []}}},
            "actions": {"assignUserToGroups": {"groupIds": ["00g1"]}}
        }))
        .expect("reads");
        assert!(rule.is_active());
        assert_eq!(rule.expression(), Some("user.department==\"Eng\""));
        assert_eq!(rule.group_ids(), ["00g1"]);
        assert_eq!(rule.excluded_users(), ["00u1"]);
    }
}
