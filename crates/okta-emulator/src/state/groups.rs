//! Groups and memberships: OKTA_GROUPs that admins manage, APP_GROUPs whose members come from a
//! source application, and the BUILT_IN `Everyone` group that holds every user.

use crate::error::ApiError;
use crate::state::ids::new_id;
use crate::state::org::{Change, ListQuery, Org, Page};
use crate::state::roles::Assignee;
use crate::state::search::{AttrValue, Expr, Op};
use chrono::Utc;
use okta_model::{Group, GroupProfile, GroupType, User};

const GROUP_LIST_DEFAULT: usize = 200;
const GROUP_LIST_MAX: usize = 10_000;
const GROUP_Q_DEFAULT: usize = 300;
const MEMBERS_DEFAULT: usize = 1000;

impl Org {
    pub(super) fn new_group(
        &mut self,
        profile: GroupProfile,
        group_type: GroupType,
        id: Option<String>,
    ) -> u64 {
        let now = Utc::now();
        let object_class = match group_type {
            GroupType::AppGroup => "okta:windows_security_principal",
            _ => "okta:user_group",
        };
        let group = Group {
            id: id.unwrap_or_else(|| new_id("00g")).into(),
            created: now,
            last_updated: now,
            last_membership_updated: now,
            object_class: vec![object_class.to_owned()],
            group_type,
            profile,
            links: serde_json::Value::Null,
        };
        let seq = self.next_seq();
        self.index_group(seq, group);
        self.record(Change::Group(seq));
        seq
    }

    pub fn create_group(
        &mut self,
        profile: GroupProfile,
        group_type: GroupType,
        id: Option<String>,
    ) -> Result<Group, ApiError> {
        self.check_group_name(&profile.name, None)?;
        self.check_group_custom(&profile)?;
        let seq = self.new_group(profile, group_type, id);
        Ok(self.groups[&seq].clone())
    }

    /// A group profile's custom attributes are stored only when the group schema defines them,
    /// with their type; anything else is refused, never dropped.
    fn check_group_custom(&self, profile: &GroupProfile) -> Result<(), ApiError> {
        let mut causes = Vec::new();
        for (name, value) in &profile.custom {
            let Some(def) = self.group_custom.get(name) else {
                causes.push((
                    name.clone(),
                    format!("{name}: Property name '{name}' is not defined in profile"),
                ));
                continue;
            };
            let attr: Result<okta_model::schema::SchemaAttribute, _> =
                serde_json::from_value(def.clone());
            let problem = match attr {
                Ok(attr) if !value.is_null() => {
                    crate::state::profile::value_problem(name, &attr, value)
                }
                _ => None,
            };
            if let Some(problem) = problem {
                causes.push((name.clone(), format!("{name}: {problem}")));
            }
        }
        match causes.first() {
            None => Ok(()),
            Some((field, _)) => Err(ApiError::Validation {
                field: field.clone(),
                causes: causes.into_iter().map(|(_, c)| c).collect(),
            }),
        }
    }

    fn check_group_name(&self, name: &str, this: Option<u64>) -> Result<(), ApiError> {
        if name.trim().is_empty() {
            return Err(ApiError::validation(
                "name",
                "name: The field cannot be left blank",
            ));
        }
        if name.chars().count() > 255 {
            return Err(ApiError::validation(
                "name",
                "name: size must be between 1 and 255",
            ));
        }
        match self.group_names.get(&name.to_lowercase()) {
            Some(seq) if Some(*seq) != this => Err(ApiError::validation(
                "name",
                okta_model::rules::duplicate_cause("name"),
            )),
            _ => Ok(()),
        }
    }

    pub(super) fn group_seq(&self, id: &str) -> Result<u64, ApiError> {
        self.group_seqs
            .get(id)
            .copied()
            .ok_or_else(|| ApiError::group_not_found(id))
    }

    pub fn find_group(&self, id: &str) -> Result<&Group, ApiError> {
        Ok(&self.groups[&self.group_seq(id)?])
    }

    /// A group into which admins may put users: OKTA_GROUP only.
    pub(super) fn assignable_group(&self, id: &str) -> Result<u64, ApiError> {
        let seq = self.group_seq(id)?;
        match self.groups[&seq].group_type {
            GroupType::OktaGroup => Ok(seq),
            GroupType::AppGroup | GroupType::BuiltIn => Err(ApiError::UnsupportedOperation),
        }
    }

    pub fn list_groups(&self, query: &ListQuery) -> Result<Page<Group>, ApiError> {
        if let Some(q) = &query.q {
            let q = q.to_lowercase();
            let items = self
                .groups
                .values()
                .filter(|g| g.profile.name.to_lowercase().starts_with(&q))
                .take(query.limit.unwrap_or(GROUP_Q_DEFAULT).min(GROUP_LIST_MAX))
                .cloned()
                .collect();
            return Ok(Page { items, next: None });
        }
        let expr = match (&query.search, &query.filter) {
            (Some(s), _) => Some(parse_group_expr(s, false)?),
            (None, Some(f)) => Some(parse_group_expr(f, true)?),
            _ => None,
        };
        let start = match &query.after {
            Some(after) => self.group_seq(after).map_err(|_| ApiError::InvalidPaging)? + 1,
            None => 0,
        };
        let limit = query
            .limit
            .unwrap_or(GROUP_LIST_DEFAULT)
            .clamp(1, GROUP_LIST_MAX);
        let mut matching = self.groups.range(start..).map(|(_, g)| g).filter(|g| {
            expr.as_ref()
                .is_none_or(|e| e.matches(&|a| group_attr(g, a)))
        });
        let items: Vec<Group> = matching.by_ref().take(limit).cloned().collect();
        let next = match (items.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.id.0.clone()),
            _ => None,
        };
        Ok(Page { items, next })
    }

    /// `PUT /api/v1/groups/{id}`: replaces the profile of an OKTA_GROUP.
    pub fn replace_group(&mut self, id: &str, profile: GroupProfile) -> Result<Group, ApiError> {
        let seq = self.group_seq(id)?;
        if self.groups[&seq].group_type != GroupType::OktaGroup {
            return Err(ApiError::UnsupportedOperation);
        }
        self.check_group_name(&profile.name, Some(seq))?;
        self.check_group_custom(&profile)?;
        let mut group = self.groups[&seq].clone();
        group.profile = profile;
        group.last_updated = Utc::now();
        self.index_group(seq, group.clone());
        self.record(Change::Group(seq));
        Ok(group)
    }

    pub fn delete_group(&mut self, id: &str) -> Result<(), ApiError> {
        let seq = self.group_seq(id)?;
        let group = &self.groups[&seq];
        if group.group_type == GroupType::BuiltIn {
            return Err(ApiError::UnsupportedOperation);
        }
        let id = group.id.0.clone();
        self.group_names.remove(&group.profile.name.to_lowercase());
        self.group_seqs.remove(&group.id);
        self.groups.remove(&seq);
        for user in self.members.remove(&seq).unwrap_or_default() {
            if let Some(groups) = self.user_groups.get_mut(&user) {
                groups.remove(&seq);
            }
        }
        self.record(Change::GroupDeleted(seq));
        self.forget_in_apps(None, Some(seq));
        self.forget_group_in_rules(&id);
        self.forget_in_roles(&Assignee::Group(id));
        Ok(())
    }

    /// How many users the group has (`expand=stats`).
    pub fn member_count(&self, id: &str) -> Result<usize, ApiError> {
        let seq = self.group_seq(id)?;
        Ok(if seq == self.everyone {
            self.users.len()
        } else {
            self.members.get(&seq).map_or(0, |m| m.len())
        })
    }

    /// `GET /api/v1/groups/{id}/users`, paged by user id.
    pub fn list_members(
        &self,
        id: &str,
        limit: Option<usize>,
        after: Option<&str>,
    ) -> Result<Page<User>, ApiError> {
        let seq = self.group_seq(id)?;
        let start = match after {
            Some(after) => *self.user_seqs.get(after).ok_or(ApiError::InvalidPaging)? + 1,
            None => 0,
        };
        let limit = limit.unwrap_or(MEMBERS_DEFAULT).clamp(1, MEMBERS_DEFAULT);
        let seqs: Box<dyn Iterator<Item = u64> + '_> = if seq == self.everyone {
            Box::new(self.users.range(start..).map(|(s, _)| *s))
        } else {
            Box::new(
                self.members
                    .get(&seq)
                    .into_iter()
                    .flat_map(move |m| m.range(start..).copied()),
            )
        };
        let mut users = seqs.filter_map(|s| self.users.get(&s));
        let items: Vec<User> = users.by_ref().take(limit).cloned().collect();
        let next = match (items.last(), users.next()) {
            (Some(last), Some(_)) => Some(last.id.0.clone()),
            _ => None,
        };
        Ok(Page { items, next })
    }

    /// `PUT /api/v1/groups/{gid}/users/{uid}`: idempotent.
    pub fn add_member(&mut self, group_id: &str, user_key: &str) -> Result<(), ApiError> {
        let group = self.group_seq(group_id)?;
        let user = self.member_seq(user_key)?;
        let group = self.assignable_group(group_id).map(|_| group)?;
        self.add_membership(group, user);
        Ok(())
    }

    pub(super) fn add_membership(&mut self, group: u64, user: u64) {
        if self.link_member(group, user) {
            self.touch_membership(group);
            self.record(Change::Membership {
                group,
                user,
                member: true,
            });
        }
    }

    /// `DELETE /api/v1/groups/{gid}/users/{uid}`: idempotent.
    pub fn remove_member(&mut self, group_id: &str, user_key: &str) -> Result<(), ApiError> {
        let group = self.group_seq(group_id)?;
        let user = self.member_seq(user_key)?;
        if self.groups[&group].group_type != GroupType::OktaGroup {
            return Err(ApiError::UnsupportedOperation);
        }
        self.drop_membership(group, user);
        self.exclude_from_rules(group_id, user);
        Ok(())
    }

    pub(super) fn drop_membership(&mut self, group: u64, user: u64) {
        if self.unlink_member(group, user) {
            self.touch_membership(group);
            self.record(Change::Membership {
                group,
                user,
                member: false,
            });
        }
    }

    /// Membership calls name the user by id only.
    fn member_seq(&self, user_id: &str) -> Result<u64, ApiError> {
        self.user_seqs
            .get(user_id)
            .copied()
            .ok_or_else(|| ApiError::user_not_found(user_id))
    }

    fn touch_membership(&mut self, group: u64) {
        if let Some(g) = self.groups.get_mut(&group) {
            g.last_membership_updated = Utc::now();
            self.record(Change::Group(group));
        }
    }
}

fn parse_group_expr(input: &str, is_filter: bool) -> Result<Expr, ApiError> {
    let expr = Expr::parse(input)?;
    expr.visit(&mut |attr, op| {
        let ok = if is_filter {
            matches!(
                attr,
                "id" | "type" | "lastUpdated" | "lastMembershipUpdated"
            ) && (op == Some(Op::Eq)
                || (attr != "id"
                    && attr != "type"
                    && matches!(op, Some(Op::Gt | Op::Ge | Op::Lt | Op::Le))))
        } else {
            let known = matches!(
                attr,
                "id" | "created" | "lastUpdated" | "lastMembershipUpdated" | "type" | "source.id"
            ) || attr.starts_with("profile.");
            let co_ok =
                op != Some(Op::Co) || matches!(attr, "profile.name" | "profile.description");
            known && co_ok
        };
        if ok {
            Ok(())
        } else {
            Err(ApiError::InvalidSearch)
        }
    })?;
    Ok(expr)
}

fn group_attr<'a>(g: &'a Group, attr: &str) -> Option<AttrValue<'a>> {
    let date = |t: &okta_model::time::Timestamp| AttrValue::Date(okta_model::time::format(t));
    match attr {
        "id" => Some(AttrValue::Str(g.id.as_str())),
        "type" => Some(AttrValue::Str(g.group_type.as_str())),
        "created" => Some(date(&g.created)),
        "lastUpdated" => Some(date(&g.last_updated)),
        "lastMembershipUpdated" => Some(date(&g.last_membership_updated)),
        "profile.name" => Some(AttrValue::Str(&g.profile.name)),
        "profile.description" => g.profile.description.as_deref().map(AttrValue::Str),
        _ => None,
    }
}
