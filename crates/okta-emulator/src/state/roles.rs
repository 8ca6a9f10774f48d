//! Admin role assignments (`/api/v1/users/{id}/roles`, `/api/v1/groups/{id}/roles`) and their
//! group targets. Standard roles only: custom and IAM-based roles need resource sets, which are
//! not emulated. A role without group targets applies to every group, as in Okta; the last group
//! target cannot be removed.

use crate::error::ApiError;
use crate::state::ids::new_id;
use crate::state::org::{Change, Org};
use chrono::Utc;
use okta_model::time::{self, Timestamp};
use okta_model::{Group, GroupType};
use serde::{Deserialize, Serialize};

/// The standard roles Okta assigns with `{"type": ...}`, with the label it answers.
const STANDARD_ROLES: &[(&str, &str)] = &[
    ("SUPER_ADMIN", "Super Administrator"),
    ("ORG_ADMIN", "Organization Administrator"),
    ("APP_ADMIN", "Application Administrator"),
    ("USER_ADMIN", "Group Administrator"),
    ("HELP_DESK_ADMIN", "Help Desk Administrator"),
    ("READ_ONLY_ADMIN", "Read Only Administrator"),
    ("MOBILE_ADMIN", "Mobile Administrator"),
    (
        "API_ACCESS_MANAGEMENT_ADMIN",
        "API Access Management Administrator",
    ),
    ("REPORT_ADMIN", "Report Administrator"),
    ("GROUP_MEMBERSHIP_ADMIN", "Group Membership Administrator"),
];

/// The roles that can be narrowed to groups.
const GROUP_TARGETED: &[&str] = &["USER_ADMIN", "HELP_DESK_ADMIN", "GROUP_MEMBERSHIP_ADMIN"];

/// Who holds a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id")]
pub enum Assignee {
    User(String),
    Group(String),
}

impl Assignee {
    /// `USER` or `GROUP`, as `assignmentType` says.
    pub fn assignment_type(&self) -> &'static str {
        match self {
            Self::User(_) => "USER",
            Self::Group(_) => "GROUP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    pub id: String,
    #[serde(rename = "type")]
    pub role_type: String,
    pub assignee: Assignee,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    /// Group ids, in the order they were added; empty means every group.
    #[serde(default)]
    pub targets: Vec<String>,
}

impl RoleAssignment {
    pub fn label(&self) -> &'static str {
        STANDARD_ROLES
            .iter()
            .find(|(t, _)| *t == self.role_type)
            .map_or("", |(_, label)| label)
    }
}

fn role_not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        what: id.to_owned(),
        kind: "Role",
    }
}

impl Org {
    /// Checks that the assignee exists and answers it in canonical form (a user by login becomes
    /// its id).
    fn assignee(&self, assignee: Assignee) -> Result<Assignee, ApiError> {
        Ok(match assignee {
            Assignee::User(key) => Assignee::User(self.find_user(&key)?.id.0.clone()),
            Assignee::Group(id) => Assignee::Group(self.find_group(&id)?.id.0.clone()),
        })
    }

    /// The roles a user or group holds, in the order they were assigned.
    pub fn roles_of(&self, assignee: Assignee) -> Result<Vec<RoleAssignment>, ApiError> {
        let assignee = self.assignee(assignee)?;
        Ok(self
            .roles
            .iter()
            .filter(|r| r.assignee == assignee)
            .cloned()
            .collect())
    }

    pub fn role(&self, assignee: Assignee, role_id: &str) -> Result<RoleAssignment, ApiError> {
        let index = self.role_index(assignee, role_id)?;
        Ok(self.roles[index].clone())
    }

    fn role_index(&self, assignee: Assignee, role_id: &str) -> Result<usize, ApiError> {
        let assignee = self.assignee(assignee)?;
        self.roles
            .iter()
            .position(|r| r.assignee == assignee && r.id == role_id)
            .ok_or_else(|| role_not_found(role_id))
    }

    /// Assigns a standard role. A group that a group rule assigns users to cannot be an admin
    /// group (Okta's rule, both ways round).
    pub fn assign_role(
        &mut self,
        assignee: Assignee,
        role_type: &str,
    ) -> Result<RoleAssignment, ApiError> {
        let assignee = self.assignee(assignee)?;
        if !STANDARD_ROLES.iter().any(|(t, _)| *t == role_type) {
            return Err(if role_type == "CUSTOM" || role_type.ends_with("_ADMIN") {
                ApiError::NotEmulated(format!("role type {role_type}"))
            } else {
                ApiError::validation("type", format!("type: Invalid role type {role_type}"))
            });
        }
        if let Assignee::Group(id) = &assignee {
            if self.find_group(id)?.group_type == GroupType::BuiltIn {
                return Err(ApiError::UnsupportedOperation);
            }
            if self.is_rule_target(id) {
                return Err(ApiError::validation(
                    "groupId",
                    "groupId: A group that is the target of a group rule cannot be granted admin privileges",
                ));
            }
        }
        if self
            .roles
            .iter()
            .any(|r| r.assignee == assignee && r.role_type == role_type)
        {
            return Err(ApiError::validation(
                "type",
                "type: The role specified is already assigned to the user",
            ));
        }
        let now = Utc::now();
        let role = RoleAssignment {
            id: new_id(match assignee {
                Assignee::User(_) => "ra1",
                Assignee::Group(_) => "gra",
            }),
            role_type: role_type.to_owned(),
            assignee,
            created: now,
            last_updated: now,
            targets: Vec::new(),
        };
        self.roles.push(role.clone());
        self.record(Change::Roles);
        Ok(role)
    }

    pub fn unassign_role(&mut self, assignee: Assignee, role_id: &str) -> Result<(), ApiError> {
        let index = self.role_index(assignee, role_id)?;
        self.roles.remove(index);
        self.record(Change::Roles);
        Ok(())
    }

    /// The groups a role is narrowed to (empty: every group).
    pub fn role_targets(&self, assignee: Assignee, role_id: &str) -> Result<Vec<Group>, ApiError> {
        let role = self.role(assignee, role_id)?;
        Ok(role
            .targets
            .iter()
            .filter_map(|id| self.find_group(id).ok())
            .cloned()
            .collect())
    }

    /// Narrows a role to one more group; idempotent.
    pub fn add_role_target(
        &mut self,
        assignee: Assignee,
        role_id: &str,
        group_id: &str,
    ) -> Result<(), ApiError> {
        let index = self.role_index(assignee, role_id)?;
        let group = self.find_group(group_id)?.id.0.clone();
        let role = &mut self.roles[index];
        if !GROUP_TARGETED.contains(&role.role_type.as_str()) {
            return Err(ApiError::validation(
                "type",
                format!("type: A {} role cannot have group targets", role.role_type),
            ));
        }
        if !role.targets.contains(&group) {
            role.targets.push(group);
            role.last_updated = Utc::now();
            self.record(Change::Roles);
        }
        Ok(())
    }

    /// Removes a group target; the last one cannot be removed (the role would silently widen to
    /// every group).
    pub fn remove_role_target(
        &mut self,
        assignee: Assignee,
        role_id: &str,
        group_id: &str,
    ) -> Result<(), ApiError> {
        let index = self.role_index(assignee, role_id)?;
        self.find_group(group_id)?;
        let role = &mut self.roles[index];
        let Some(at) = role.targets.iter().position(|g| g == group_id) else {
            return Err(ApiError::group_not_found(group_id));
        };
        if role.targets.len() == 1 {
            return Err(ApiError::validation(
                "groupId",
                "groupId: The last group target cannot be removed from a role assignment",
            ));
        }
        role.targets.remove(at);
        role.last_updated = Utc::now();
        self.record(Change::Roles);
        Ok(())
    }

    /// A deleted user or group loses its roles, and a deleted group stops being a target.
    pub(super) fn forget_in_roles(&mut self, gone: &Assignee) {
        let before = self.roles.len();
        self.roles.retain(|r| &r.assignee != gone);
        let mut changed = self.roles.len() != before;
        if let Assignee::Group(id) = gone {
            for role in &mut self.roles {
                let targets = role.targets.len();
                role.targets.retain(|g| g != id);
                changed |= role.targets.len() != targets;
            }
        }
        if changed {
            self.record(Change::Roles);
        }
    }

    /// Whether a group holds any admin role.
    pub(super) fn is_admin_group(&self, group_id: &str) -> bool {
        self.roles
            .iter()
            .any(|r| r.assignee == Assignee::Group(group_id.to_owned()))
    }
}
