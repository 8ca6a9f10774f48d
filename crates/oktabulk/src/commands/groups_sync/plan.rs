//! `groups sync`'s plan for one group, decided from what the org answered (its members, the
//! group rules) and the file's rows for it, with no I/O: who is added, who stays, who is
//! removed, and who stays because a group rule put them there. Okta does not refuse the removal
//! of a rule's member: it takes the user out and adds the user to the rule's exclusions
//! ("Except the following users"), so the rule never puts them back. A sync must not change
//! rules behind the admin's back, so those members are kept and reported with the rule.

use crate::input::MembershipRow;
use okta_model::{GroupRule, User, UserStatus};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// A member the plan takes out of its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub user: String,
    pub login: String,
}

/// A member the file leaves out that stays, because a group rule put it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMember {
    pub login: String,
    pub rule: String,
    pub rule_id: String,
    /// The rule's expression could not be evaluated here: the member may be the rule's.
    pub unsure: bool,
}

#[derive(Debug, Clone, Default)]
pub struct GroupPlan {
    pub id: String,
    pub name: String,
    /// Its members when the plan read them.
    pub members_now: u64,
    /// File rows whose user is not a member: (line, user as the file names it).
    pub adds: Vec<(u64, String)>,
    pub unchanged: u64,
    pub removals: Vec<Removal>,
    pub by_rule: Vec<RuleMember>,
    /// Every member's id and lower-cased login, to its id.
    pub keys: HashMap<String, String>,
    /// Members the file names that are DEPROVISIONED (they stay): (line, login).
    pub deprovisioned: Vec<(u64, String)>,
}

/// More than this share of a group's members (in percent), or more than `MAX_REMOVALS`, is a
/// mass removal that needs the admin's confirmation.
pub const MAX_SHARE: u64 = 10;
pub const MAX_REMOVALS: u64 = 100;

impl GroupPlan {
    /// Whether the safeguard holds this group's removals back until confirmed.
    pub fn mass_removal(removals: u64, members_now: u64) -> bool {
        removals > MAX_REMOVALS || removals * 100 > members_now * MAX_SHARE
    }
}

/// The plan of one group: `members` as Okta listed them, `rows` the file's rows for it,
/// `rules` every group rule of the org.
pub fn plan_group(
    id: &str,
    name: &str,
    members: &[User],
    rows: &[&MembershipRow],
    rules: &[GroupRule],
) -> GroupPlan {
    let mut plan = GroupPlan {
        id: id.to_owned(),
        name: name.to_owned(),
        members_now: members.len() as u64,
        ..GroupPlan::default()
    };
    for m in members {
        plan.keys.insert(m.id.0.to_lowercase(), m.id.0.clone());
        if let Some(login) = m.profile.login() {
            plan.keys.insert(login.to_lowercase(), m.id.0.clone());
        }
    }
    let by_id: HashMap<&str, &User> = members.iter().map(|m| (m.id.0.as_str(), m)).collect();
    let mut named: HashSet<&str> = HashSet::new();
    for row in rows {
        match plan.keys.get(&row.user.to_lowercase()) {
            Some(member) => {
                named.insert(member.as_str());
                plan.unchanged += 1;
                if let Some(user) = by_id.get(member.as_str()) {
                    if user.status == UserStatus::Deprovisioned {
                        plan.deprovisioned.push((row.line, row.user.clone()));
                    }
                }
            }
            None => plan.adds.push((row.line, row.user.clone())),
        }
    }
    let rules: Vec<&GroupRule> = rules
        .iter()
        .filter(|r| r.is_active() && r.group_ids().iter().any(|g| g == id))
        .collect();
    for m in members.iter().filter(|m| !named.contains(m.id.0.as_str())) {
        let login = m.profile.login().unwrap_or(m.id.0.as_str()).to_owned();
        match rule_of(m, &rules) {
            Some((rule, unsure)) => plan.by_rule.push(RuleMember {
                login,
                rule: rule.name.clone(),
                rule_id: rule.id.clone(),
                unsure,
            }),
            None => plan.removals.push(Removal {
                user: m.id.0.clone(),
                login,
            }),
        }
    }
    plan
}

/// The active rule of the group that holds this member, if any (and whether that is only
/// possible: an expression oktabulk cannot evaluate). Okta lists no member's origin; a rule
/// holds a user whose profile its expression matches and whom it does not exclude.
fn rule_of<'r>(member: &User, rules: &[&'r GroupRule]) -> Option<(&'r GroupRule, bool)> {
    let mut unsure = None;
    for rule in rules {
        if rule.excluded_users().contains(&member.id.0) {
            continue;
        }
        let matched = rule
            .expression()
            .and_then(|e| okta_emulator::rule_expression_matches(e, &member.profile.0));
        match matched {
            Some(true) => return Some((rule, false)),
            Some(false) => {}
            None => {
                unsure.get_or_insert(*rule);
            }
        }
    }
    unsure.map(|rule| (rule, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(id: &str, login: &str, department: &str) -> User {
        serde_json::from_value(json!({
            "id": id, "status": "ACTIVE", "created": "2024-01-01T00:00:00.000Z",
            "lastUpdated": "2024-01-01T00:00:00.000Z", "type": {"id": "oty1"},
            "profile": {"login": login, "email": login, "firstName": "A", "lastName": "B",
                        "department": department}
        }))
        .expect("user")
    }

    fn row(line: u64, user: &str) -> MembershipRow {
        MembershipRow {
            seq: line - 2,
            line,
            group: "00g1".into(),
            group_name: "Engineering".into(),
            user: user.into(),
        }
    }

    fn rule(expression: &str) -> GroupRule {
        serde_json::from_value(json!({
            "id": "0pr1", "name": "Engineers", "status": "ACTIVE",
            "conditions": {"expression": {"value": expression}},
            "actions": {"assignUserToGroups": {"groupIds": ["00g1"]}}
        }))
        .expect("rule")
    }

    #[test]
    fn adds_removes_and_unchanged_by_id_or_login_and_rule_members_kept() {
        let members = [
            user("00ua", "a@x.com", "Eng"),
            user("00ub", "b@x.com", "Ops"),
            user("00uc", "c@x.com", "Ops"),
        ];
        let rows = [row(2, "A@X.com"), row(3, "00uc"), row(4, "d@x.com")];
        let rows: Vec<&MembershipRow> = rows.iter().collect();
        let plan = plan_group("00g1", "G", &members, &rows, &[]);
        assert_eq!(plan.unchanged, 2);
        assert_eq!(plan.adds, [(4, "d@x.com".to_owned())]);
        assert_eq!(plan.removals.len(), 1);
        assert_eq!(plan.removals[0].user, "00ub");

        let rows = [row(2, "00uc")];
        let rows: Vec<&MembershipRow> = rows.iter().collect();
        let plan = plan_group(
            "00g1",
            "G",
            &members,
            &rows,
            &[rule(r#"user.department=="Eng""#)],
        );
        assert_eq!(plan.removals.len(), 1, "b leaves: {plan:?}");
        assert_eq!(plan.by_rule.len(), 1);
        assert_eq!(plan.by_rule[0].login, "a@x.com");
        assert!(!plan.by_rule[0].unsure);

        let plan = plan_group("00g1", "G", &members, &rows, &[rule("user.department ~~")]);
        assert!(
            plan.removals.is_empty(),
            "an expression not understood keeps them"
        );
        assert!(plan.by_rule.iter().all(|m| m.unsure));
    }

    #[test]
    fn the_safeguard_holds_back_more_than_a_tenth_or_more_than_a_hundred() {
        assert!(!GroupPlan::mass_removal(30, 600));
        assert!(!GroupPlan::mass_removal(60, 600));
        assert!(GroupPlan::mass_removal(61, 600));
        assert!(GroupPlan::mass_removal(101, 5000));
        assert!(!GroupPlan::mass_removal(100, 5000));
        assert!(GroupPlan::mass_removal(1, 5));
        assert!(!GroupPlan::mass_removal(0, 0));
    }
}
