//! Group rules (`/api/v1/groups/rules`): an expression over the user's profile that, while the
//! rule is ACTIVE, puts every matching user into the rule's groups and takes out the users it put
//! there once they stop matching. As Okta documents: rules are created INACTIVE; activation runs
//! the rule over every user; a user's creation or profile change runs the active rules for that
//! user; deactivation keeps the memberships it made; only an inactive rule can be replaced or
//! deleted, and deletion with `removeUsers=true` takes its users out; removing a rule's user from
//! its group by hand excludes the user from the rule. Deactivated users are not evaluated.

use crate::error::ApiError;
use crate::state::expression::Expr;
use crate::state::ids::new_id;
use crate::state::org::{Change, Org, Page};
use chrono::Utc;
use okta_model::time::{self, Timestamp};
use okta_model::{GroupType, UserStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Okta's limit on rules per org.
pub const MAX_RULES: usize = 2000;
const NAME_MAX: usize = 50;
const LIST_DEFAULT: usize = 50;
const LIST_MAX: usize = 200;
pub const EXPRESSION_TYPE: &str = "urn:okta:expression:1.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleStatus {
    Active,
    Inactive,
    /// One of its groups was deleted.
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRule {
    /// The store's key for the rule's user rows.
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub status: RuleStatus,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    pub expression: String,
    pub group_ids: Vec<String>,
    #[serde(default)]
    pub excluded_users: Vec<String>,
    /// The users (by seq) this rule put into its groups: kept by the store a row per user, not
    /// in the rule's document, so a rule over many users costs a row per change.
    #[serde(skip)]
    pub assigned: BTreeSet<u64>,
}

/// The body of a create or replace, in Okta's shape.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub conditions: Option<RuleConditions>,
    #[serde(default)]
    pub actions: Option<RuleActions>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleConditions {
    #[serde(default)]
    pub expression: Option<RuleExpression>,
    #[serde(default)]
    pub people: Option<RulePeople>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleExpression {
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RulePeople {
    #[serde(default)]
    pub users: Option<Excluded>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Excluded {
    #[serde(default)]
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleActions {
    #[serde(default)]
    pub assign_user_to_groups: Option<GroupIds>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupIds {
    #[serde(default)]
    pub group_ids: Vec<String>,
}

/// A request's parts, checked.
struct Checked {
    name: String,
    expression: String,
    group_ids: Vec<String>,
    excluded: Vec<String>,
}

fn rule_not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        what: id.to_owned(),
        kind: "GroupRule",
    }
}

fn must_be_inactive(what: &str) -> ApiError {
    ApiError::validation(
        "status",
        format!("status: Only an INACTIVE rule can be {what}; deactivate it first"),
    )
}

impl Org {
    pub fn group_rules(
        &self,
        limit: Option<usize>,
        after: Option<&str>,
        search: Option<&str>,
    ) -> Result<Page<GroupRule>, ApiError> {
        let start = match after {
            Some(after) => {
                self.rule_index(after)
                    .map_err(|_| ApiError::InvalidPaging)?
                    + 1
            }
            None => 0,
        };
        let limit = limit.unwrap_or(LIST_DEFAULT).clamp(1, LIST_MAX);
        let search = search.map(str::to_lowercase);
        let mut matching = self.group_rules[start.min(self.group_rules.len())..]
            .iter()
            .filter(|r| {
                search
                    .as_deref()
                    .is_none_or(|s| r.name.to_lowercase().contains(s))
            });
        let items: Vec<GroupRule> = matching.by_ref().take(limit).cloned().collect();
        let next = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.id.clone()),
            _ => None,
        };
        Ok(Page { items, next })
    }

    pub fn group_rule(&self, id: &str) -> Result<&GroupRule, ApiError> {
        Ok(&self.group_rules[self.rule_index(id)?])
    }

    fn rule_index(&self, id: &str) -> Result<usize, ApiError> {
        self.group_rules
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| rule_not_found(id))
    }

    fn check_rule(&self, req: RuleRequest, this: Option<&str>) -> Result<Checked, ApiError> {
        let name = req.name.unwrap_or_default();
        if name.trim().is_empty() || name.chars().count() > NAME_MAX {
            return Err(ApiError::validation(
                "name",
                format!("name: size must be between 1 and {NAME_MAX}"),
            ));
        }
        if self
            .group_rules
            .iter()
            .any(|r| r.name == name && Some(r.id.as_str()) != this)
        {
            return Err(ApiError::validation(
                "name",
                okta_model::rules::duplicate_cause("name"),
            ));
        }
        if req.kind.as_deref().is_some_and(|k| k != "group_rule") {
            return Err(ApiError::validation(
                "type",
                "type: The type must be group_rule",
            ));
        }
        let conditions = req.conditions.unwrap_or_default();
        let expression = conditions.expression.unwrap_or_default();
        if expression.kind.as_deref().unwrap_or(EXPRESSION_TYPE) != EXPRESSION_TYPE {
            return Err(ApiError::validation(
                "conditions.expression.type",
                format!("conditions.expression.type: The type must be {EXPRESSION_TYPE}"),
            ));
        }
        let value = expression.value.unwrap_or_default();
        for attr in Expr::parse(&value)?.attributes() {
            if self.schema().attribute(attr).is_none() {
                return Err(ApiError::validation(
                    "conditions.expression.value",
                    format!("conditions.expression.value: Invalid property {attr} in expression"),
                ));
            }
        }
        let group_ids = req
            .actions
            .and_then(|a| a.assign_user_to_groups)
            .map(|g| g.group_ids)
            .unwrap_or_default();
        if group_ids.is_empty() {
            return Err(ApiError::validation(
                "actions.assignUserToGroups.groupIds",
                "actions.assignUserToGroups.groupIds: At least one group is required",
            ));
        }
        for id in &group_ids {
            if self.find_group(id)?.group_type != GroupType::OktaGroup {
                return Err(ApiError::UnsupportedOperation);
            }
            if self.is_admin_group(id) {
                return Err(ApiError::validation(
                    "actions.assignUserToGroups.groupIds",
                    "actions.assignUserToGroups.groupIds: Group rules cannot assign users to admin groups",
                ));
            }
        }
        let excluded = conditions
            .people
            .and_then(|p| p.users)
            .map(|u| u.exclude)
            .unwrap_or_default();
        Ok(Checked {
            name,
            expression: value,
            group_ids,
            excluded,
        })
    }

    /// `POST /api/v1/groups/rules`: a new rule, INACTIVE.
    pub fn create_group_rule(&mut self, req: RuleRequest) -> Result<GroupRule, ApiError> {
        if self.group_rules.len() >= MAX_RULES {
            return Err(ApiError::validation(
                "name",
                format!("name: An org can have at most {MAX_RULES} group rules"),
            ));
        }
        let checked = self.check_rule(req, None)?;
        let now = Utc::now();
        let rule = GroupRule {
            seq: self.next_seq(),
            id: new_id("0pr"),
            name: checked.name,
            status: RuleStatus::Inactive,
            created: now,
            last_updated: now,
            expression: checked.expression,
            group_ids: checked.group_ids,
            excluded_users: checked.excluded,
            assigned: BTreeSet::new(),
        };
        self.group_rules.push(rule.clone());
        self.record(Change::GroupRules);
        Ok(rule)
    }

    /// `PUT /api/v1/groups/rules/{id}`: an inactive rule's name, expression and exclusions; its
    /// groups cannot change.
    pub fn replace_group_rule(
        &mut self,
        id: &str,
        req: RuleRequest,
    ) -> Result<GroupRule, ApiError> {
        let index = self.rule_index(id)?;
        if self.group_rules[index].status == RuleStatus::Active {
            return Err(must_be_inactive("replaced"));
        }
        let checked = self.check_rule(req, Some(id))?;
        let rule = &mut self.group_rules[index];
        if checked.group_ids != rule.group_ids {
            return Err(ApiError::validation(
                "actions",
                "actions: The actions of a group rule cannot be updated",
            ));
        }
        rule.name = checked.name;
        rule.expression = checked.expression;
        rule.excluded_users = checked.excluded;
        rule.last_updated = Utc::now();
        let rule = rule.clone();
        self.record(Change::GroupRules);
        Ok(rule)
    }

    /// Activates a rule and runs it over every user.
    pub fn activate_group_rule(&mut self, id: &str) -> Result<(), ApiError> {
        let index = self.rule_index(id)?;
        match self.group_rules[index].status {
            RuleStatus::Active => return Ok(()),
            RuleStatus::Invalid => {
                return Err(ApiError::validation(
                    "status",
                    "status: The rule is INVALID (one of its groups was deleted); delete it and create it again",
                ))
            }
            RuleStatus::Inactive => {}
        }
        let rule = &mut self.group_rules[index];
        rule.status = RuleStatus::Active;
        rule.last_updated = Utc::now();
        self.record(Change::GroupRules);
        let expr = Expr::parse(&self.group_rules[index].expression)?;
        let users: Vec<u64> = self.users.keys().copied().collect();
        for user in users {
            self.run_rule(index, &expr, user);
        }
        Ok(())
    }

    /// Deactivates a rule; the memberships it made stay.
    pub fn deactivate_group_rule(&mut self, id: &str) -> Result<(), ApiError> {
        let index = self.rule_index(id)?;
        let rule = &mut self.group_rules[index];
        if rule.status == RuleStatus::Active {
            rule.status = RuleStatus::Inactive;
            rule.last_updated = Utc::now();
            self.record(Change::GroupRules);
        }
        Ok(())
    }

    /// `DELETE /api/v1/groups/rules/{id}`; with `remove_users` the rule's users leave its groups.
    pub fn delete_group_rule(&mut self, id: &str, remove_users: bool) -> Result<(), ApiError> {
        let index = self.rule_index(id)?;
        if self.group_rules[index].status == RuleStatus::Active {
            return Err(must_be_inactive("deleted"));
        }
        let rule = self.group_rules.remove(index);
        self.record(Change::GroupRules);
        self.record(Change::RuleDeleted(rule.seq));
        if remove_users {
            for user in &rule.assigned {
                self.leave_rule_groups(&rule.group_ids, *user);
            }
        }
        Ok(())
    }

    /// Runs every active rule for one user (after its creation or a profile change).
    pub(super) fn run_rules_for(&mut self, user: u64) {
        for index in 0..self.group_rules.len() {
            let rule = &self.group_rules[index];
            if rule.status != RuleStatus::Active {
                continue;
            }
            if let Ok(expr) = Expr::parse(&rule.expression) {
                self.run_rule(index, &expr, user);
            }
        }
    }

    /// Puts the user into the rule's groups if it matches, and takes it out if the rule had put it
    /// there and it no longer matches.
    fn run_rule(&mut self, index: usize, expr: &Expr, user: u64) {
        let Some(u) = self.users.get(&user) else {
            return;
        };
        if u.status == UserStatus::Deprovisioned {
            return;
        }
        let rule = &self.group_rules[index];
        let user_id = u.id.0.clone();
        let matches = !rule.excluded_users.contains(&user_id)
            && expr.matches(&|name| u.profile.0.get(name).cloned());
        let assigned = rule.assigned.contains(&user);
        let (rule_seq, groups) = (rule.seq, rule.group_ids.clone());
        if matches {
            for id in &groups {
                if let Some(group) = self.group_seqs.get(id.as_str()).copied() {
                    self.add_membership(group, user);
                }
            }
            if !assigned {
                self.set_assigned(index, rule_seq, user, true);
            }
        } else if assigned {
            self.leave_rule_groups(&groups, user);
            self.set_assigned(index, rule_seq, user, false);
        }
    }

    fn set_assigned(&mut self, index: usize, rule: u64, user: u64, assigned: bool) {
        let set = &mut self.group_rules[index].assigned;
        if assigned {
            set.insert(user);
        } else {
            set.remove(&user);
        }
        self.record(Change::RuleUser {
            rule,
            user,
            assigned,
        });
    }

    fn leave_rule_groups(&mut self, groups: &[String], user: u64) {
        for id in groups {
            if let Some(group) = self.group_seqs.get(id.as_str()).copied() {
                self.drop_membership(group, user);
            }
        }
    }

    /// A user taken out of a group by hand is excluded from the rules that put it there.
    pub(super) fn exclude_from_rules(&mut self, group_id: &str, user: u64) {
        let user_id = self.users[&user].id.0.clone();
        for index in 0..self.group_rules.len() {
            let rule = &self.group_rules[index];
            if rule.assigned.contains(&user) && rule.group_ids.iter().any(|g| g == group_id) {
                let seq = rule.seq;
                self.set_assigned(index, seq, user, false);
                self.group_rules[index].excluded_users.push(user_id.clone());
                self.record(Change::GroupRules);
            }
        }
    }

    /// A deleted group invalidates the rules that assign to it.
    pub(super) fn forget_group_in_rules(&mut self, group_id: &str) {
        let mut changed = false;
        for rule in &mut self.group_rules {
            if rule.group_ids.iter().any(|g| g == group_id) {
                rule.group_ids.retain(|g| g != group_id);
                rule.status = RuleStatus::Invalid;
                changed = true;
            }
        }
        if changed {
            self.record(Change::GroupRules);
        }
    }

    /// A deleted user leaves the rules: their assignments (the store drops the user's rows
    /// with the user) and exclusions.
    pub(super) fn forget_user_in_rules(&mut self, user: u64, user_id: &str) {
        let mut changed = false;
        for rule in &mut self.group_rules {
            rule.assigned.remove(&user);
            let before = rule.excluded_users.len();
            rule.excluded_users.retain(|u| u != user_id);
            changed |= rule.excluded_users.len() != before;
        }
        if changed {
            self.record(Change::GroupRules);
        }
    }

    /// Whether a rule assigns users to this group.
    pub(super) fn is_rule_target(&self, group_id: &str) -> bool {
        self.group_rules
            .iter()
            .any(|r| r.group_ids.iter().any(|g| g == group_id))
    }
}
