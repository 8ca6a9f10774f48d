//! The `Org` aggregate: every user, group and membership with the indices that make lookups by id,
//! login, short name and group name cheap, and the list of changes a store must persist.

use crate::error::ApiError;
use crate::state::oauth::{OAuthClient, OAuthRegistry};
use crate::state::profile::{default_schema, ProfileRules};
use okta_model::login::{login_key, shortname_key};
use okta_model::schema::SchemaAttribute;
use okta_model::{Group, GroupId, GroupProfile, GroupType, User, UserId};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The id of the default user type every user has unless created with another.
pub const DEFAULT_USER_TYPE: &str = "oty1defau1tUserType0";

/// What changed, for the store to persist. Records are named by their sequence number, the order
/// in which they were created, which is also the listing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    User(u64),
    UserDeleted(u64),
    Group(u64),
    GroupDeleted(u64),
    Membership {
        group: u64,
        user: u64,
        member: bool,
    },
    Schema,
    OAuthClients,
    UserTypes,
    GroupSchema,
    Roles,
    GroupRules,
    /// A rule put a user into its groups (`assigned`) or stopped managing it.
    RuleUser {
        rule: u64,
        user: u64,
        assigned: bool,
    },
    RuleDeleted(u64),
    App(u64),
    AppDeleted(u64),
    /// A user's kept assignment to an app changed (or is gone).
    AppUser {
        app: u64,
        user: u64,
    },
    /// An app's groups changed (their priorities with them).
    AppGroups(u64),
    /// The owner of the API tokens changed.
    TokenOwner,
    Reset,
}

/// Everything the store keeps of an org, as `Org::restore` takes it back.
#[derive(Debug, Default)]
pub struct Stored {
    pub customization: SchemaCustomization,
    pub users: Vec<(u64, User)>,
    pub groups: Vec<(u64, Group)>,
    pub memberships: Vec<(u64, u64)>,
    pub oauth_clients: Vec<OAuthClient>,
    pub user_types: Vec<crate::state::types::UserType>,
    pub group_custom: BTreeMap<String, serde_json::Value>,
    pub roles: Vec<crate::state::roles::RoleAssignment>,
    pub group_rules: Vec<crate::state::rules::GroupRule>,
    /// (rule seq, user seq): who each rule put into its groups.
    pub rule_users: Vec<(u64, u64)>,
    pub apps: Vec<(u64, okta_model::Application)>,
    /// (app seq, user seq, the kept assignment).
    pub app_users: Vec<(u64, u64, crate::state::apps::StoredAppUser)>,
    /// (app seq, its groups in priority order).
    pub app_groups: Vec<(u64, Vec<crate::state::apps::StoredAppGroup>)>,
    /// The seq of the user the API tokens belong to.
    pub token_owner: Option<u64>,
}

/// One page of a cursor-paged list; `next` is the `after` cursor of the following page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// What a list (`GET /api/v1/users`, `GET /api/v1/groups`) was asked for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub filter: Option<String>,
    pub search: Option<String>,
    pub limit: Option<usize>,
    pub after: Option<String>,
    /// With `search` only: the attribute to sort by (`profile.lastName`, `id`, `created`...).
    pub sort_by: Option<String>,
    /// `desc` for descending; ascending otherwise.
    pub descending: bool,
    /// With a search lag: `search` and `filter` see only users last changed before this.
    pub visible_before: Option<okta_model::time::Timestamp>,
}

/// Custom schema attributes and the login pattern: the part of the schema an org may change.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaCustomization {
    #[serde(default)]
    pub custom: BTreeMap<String, SchemaAttribute>,
    #[serde(default)]
    pub login_pattern: Option<String>,
}

#[derive(Debug)]
pub struct Org {
    pub(super) base_url: String,
    pub(super) users: BTreeMap<u64, User>,
    pub(super) user_seqs: HashMap<UserId, u64>,
    pub(super) logins: HashMap<String, u64>,
    pub(super) shortnames: HashMap<String, Vec<u64>>,
    pub(super) groups: BTreeMap<u64, Group>,
    pub(super) group_seqs: HashMap<GroupId, u64>,
    pub(super) group_names: HashMap<String, u64>,
    pub(super) members: HashMap<u64, BTreeSet<u64>>,
    pub(super) user_groups: HashMap<u64, BTreeSet<u64>>,
    pub(super) everyone: u64,
    pub(super) customization: SchemaCustomization,
    pub(super) rules: ProfileRules,
    pub oauth: OAuthRegistry,
    /// User types besides the default one, by id.
    pub(super) user_types: BTreeMap<String, crate::state::types::UserType>,
    /// The group schema's custom attributes, by name, as they were given.
    pub(super) group_custom: BTreeMap<String, serde_json::Value>,
    /// Admin role assignments of users and groups, in the order they were made.
    pub(super) roles: Vec<crate::state::roles::RoleAssignment>,
    /// Group rules, in the order they were created.
    pub(super) group_rules: Vec<crate::state::rules::GroupRule>,
    /// Apps with their assignments, by seq (creation order).
    pub(super) apps: BTreeMap<u64, crate::state::apps::AppRecord>,
    /// The user the API tokens belong to (`/api/v1/users/me`), by seq.
    pub(super) token_owner: Option<u64>,
    pub(super) next_seq: u64,
    changes: Vec<Change>,
}

impl Org {
    /// A new org as Okta makes one: the built-in `Everyone` group and one user, the admin who
    /// owns the API tokens (`default_owner`) and holds `SUPER_ADMIN` as a real org's first admin
    /// does, so `GET /api/v1/users/me` and its roles answer as on a real org.
    pub fn with_owner(base_url: &str) -> Self {
        let mut org = Self::new(base_url);
        let (seq, _) = org
            .seed_user(crate::state::seed::default_owner())
            .expect("the default owner is a valid user of a new org");
        org.make_first_admin(seq);
        org
    }

    /// Makes `seq` the API tokens' owner with the first admin's `SUPER_ADMIN` role.
    pub(super) fn make_first_admin(&mut self, seq: u64) {
        self.set_token_owner(Some(seq));
        let id = self.users[&seq].id.0.clone();
        self.assign_role(crate::state::roles::Assignee::User(id), "SUPER_ADMIN")
            .expect("a new user holds no role yet and SUPER_ADMIN is a standard role");
    }

    /// The user the API tokens belong to, if the org still has it.
    pub fn token_owner(&self) -> Option<&User> {
        self.token_owner.and_then(|seq| self.users.get(&seq))
    }

    pub(super) fn set_token_owner(&mut self, seq: Option<u64>) {
        self.token_owner = seq;
        self.record(Change::TokenOwner);
    }

    /// The seq of the API tokens' owner, as the store keeps it.
    pub fn token_owner_seq(&self) -> Option<u64> {
        self.token_owner
    }

    /// An empty org: no users and the built-in `Everyone` group (what a store restores into).
    pub fn new(base_url: &str) -> Self {
        let rules = ProfileRules::new(default_schema(base_url, BTreeMap::new(), None))
            .expect("the default schema has no login pattern to fail on");
        let mut org = Self {
            base_url: base_url.to_owned(),
            users: BTreeMap::new(),
            user_seqs: HashMap::new(),
            logins: HashMap::new(),
            shortnames: HashMap::new(),
            groups: BTreeMap::new(),
            group_seqs: HashMap::new(),
            group_names: HashMap::new(),
            members: HashMap::new(),
            user_groups: HashMap::new(),
            everyone: 0,
            customization: SchemaCustomization::default(),
            rules,
            oauth: OAuthRegistry::default(),
            user_types: BTreeMap::new(),
            group_custom: BTreeMap::new(),
            roles: Vec::new(),
            group_rules: Vec::new(),
            apps: BTreeMap::new(),
            token_owner: None,
            next_seq: 1,
            changes: vec![Change::Reset],
        };
        let everyone = org.new_group(
            GroupProfile {
                name: "Everyone".to_owned(),
                description: Some("All users in your organization".to_owned()),
                custom: Default::default(),
            },
            GroupType::BuiltIn,
            None,
        );
        org.everyone = everyone;
        org
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Takes the changes made since the last call, in order.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    pub(super) fn record(&mut self, change: Change) {
        self.changes.push(change);
    }

    pub(super) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    pub fn user_by_seq(&self, seq: u64) -> Option<&User> {
        self.users.get(&seq)
    }

    pub fn group_by_seq(&self, seq: u64) -> Option<&Group> {
        self.groups.get(&seq)
    }

    pub fn customization(&self) -> &SchemaCustomization {
        &self.customization
    }

    pub fn schema(&self) -> &okta_model::schema::UserSchema {
        self.rules.schema()
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Replaces the custom part of the schema; profiles already stored are not re-checked.
    pub fn customize_schema(&mut self, customization: SchemaCustomization) -> Result<(), ApiError> {
        self.rules = ProfileRules::new(default_schema(
            &self.base_url,
            customization.custom.clone(),
            customization.login_pattern.clone(),
        ))?;
        self.customization = customization;
        self.record(Change::Schema);
        Ok(())
    }

    /// The group schema's custom attributes.
    pub fn group_custom(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.group_custom
    }

    /// Adds, replaces (by value) or removes (by `None`) custom attributes of the group schema.
    pub fn change_group_schema(
        &mut self,
        changes: BTreeMap<String, Option<serde_json::Value>>,
    ) -> Result<(), ApiError> {
        for (name, value) in changes {
            match value {
                None => {
                    self.group_custom.remove(&name);
                }
                Some(mut attr) => {
                    let parsed: SchemaAttribute = serde_json::from_value(attr.clone())
                        .map_err(|e| ApiError::validation(&name, format!("{name}: {e}")))?;
                    crate::state::profile::check_definition(&name, &parsed)?;
                    // Okta answers every group attribute with these, and leaves out `required`
                    // when it is false.
                    let defaults = [
                        ("mutability", json!("READ_WRITE")),
                        ("scope", json!("NONE")),
                        ("master", json!({"type": "PROFILE_MASTER"})),
                    ];
                    if let Some(fields) = attr.as_object_mut() {
                        for (key, value) in defaults {
                            fields.entry(key).or_insert(value);
                        }
                        if fields.get("required") == Some(&json!(false)) {
                            fields.remove("required");
                        }
                    }
                    self.group_custom.insert(name, attr);
                }
            }
        }
        self.record(Change::GroupSchema);
        Ok(())
    }

    /// Admin role assignments, for the store.
    pub fn role_assignments(&self) -> &[crate::state::roles::RoleAssignment] {
        &self.roles
    }

    /// Group rules, for the store.
    pub fn all_group_rules(&self) -> &[crate::state::rules::GroupRule] {
        &self.group_rules
    }

    /// Registers (or replaces) a service app.
    pub fn register_oauth_client(&mut self, client: OAuthClient) {
        self.oauth.register(client);
        self.record(Change::OAuthClients);
    }

    /// Puts a user into the maps and indices, replacing any earlier version under that `seq`.
    pub(super) fn index_user(&mut self, seq: u64, user: User) {
        self.unindex_user(seq);
        let login = user.profile.login().unwrap_or_default();
        self.logins.insert(login_key(login), seq);
        if let Some(short) = shortname_key(login) {
            self.shortnames.entry(short).or_default().push(seq);
        }
        self.user_seqs.insert(user.id.clone(), seq);
        self.users.insert(seq, user);
        self.next_seq = self.next_seq.max(seq + 1);
    }

    pub(super) fn unindex_user(&mut self, seq: u64) -> Option<User> {
        let old = self.users.remove(&seq)?;
        let login = old.profile.login().unwrap_or_default();
        self.logins.remove(&login_key(login));
        if let Some(short) = shortname_key(login) {
            if let Some(seqs) = self.shortnames.get_mut(&short) {
                seqs.retain(|s| *s != seq);
                if seqs.is_empty() {
                    self.shortnames.remove(&short);
                }
            }
        }
        self.user_seqs.remove(&old.id);
        Some(old)
    }

    pub(super) fn index_group(&mut self, seq: u64, group: Group) {
        if let Some(old) = self.groups.remove(&seq) {
            self.group_names.remove(&old.profile.name.to_lowercase());
        }
        self.group_names
            .insert(group.profile.name.to_lowercase(), seq);
        self.group_seqs.insert(group.id.clone(), seq);
        if group.group_type == GroupType::BuiltIn && group.profile.name == "Everyone" {
            self.everyone = seq;
        }
        self.groups.insert(seq, group);
        self.next_seq = self.next_seq.max(seq + 1);
    }

    pub(super) fn link_member(&mut self, group: u64, user: u64) -> bool {
        self.user_groups.entry(user).or_default().insert(group);
        self.members.entry(group).or_default().insert(user)
    }

    pub(super) fn unlink_member(&mut self, group: u64, user: u64) -> bool {
        if let Some(groups) = self.user_groups.get_mut(&user) {
            groups.remove(&group);
        }
        self.members
            .get_mut(&group)
            .is_some_and(|members| members.remove(&user))
    }

    /// Rebuilds an org from stored records (used when the SQLite store is opened). With no stored
    /// groups the store is new, and the new org's changes stay pending for the first write.
    pub fn restore(base_url: &str, stored: Stored) -> Result<Self, ApiError> {
        let Stored {
            customization,
            users,
            groups,
            memberships,
            oauth_clients,
            user_types,
            group_custom,
            roles,
            group_rules,
            rule_users,
            apps,
            app_users,
            app_groups,
            token_owner,
        } = stored;
        let fresh = groups.is_empty();
        let new_org = fresh && users.is_empty();
        // A store never written to is a new org, with its owner; an older one keeps what it had.
        let mut org = if new_org {
            Self::with_owner(base_url)
        } else {
            Self::new(base_url)
        };
        if token_owner.is_some() {
            org.token_owner = token_owner;
        }
        if !fresh {
            org.groups.clear();
            org.group_seqs.clear();
            org.group_names.clear();
        }
        if customization != SchemaCustomization::default() {
            org.customize_schema(customization)?;
        }
        for (seq, user) in users {
            org.index_user(seq, user);
        }
        for (seq, group) in groups {
            org.index_group(seq, group);
        }
        for (group, user) in memberships {
            org.link_member(group, user);
        }
        for client in oauth_clients {
            org.oauth.register(client);
        }
        for t in user_types {
            org.user_types.insert(t.id.clone(), t);
        }
        org.group_custom = group_custom;
        if !new_org {
            org.roles = roles;
        }
        org.group_rules = group_rules;
        for rule in &org.group_rules {
            org.next_seq = org.next_seq.max(rule.seq + 1);
        }
        for (rule, user) in rule_users {
            if let Some(r) = org.group_rules.iter_mut().find(|r| r.seq == rule) {
                r.assigned.insert(user);
            }
        }
        org.restore_apps(apps, app_users, app_groups);
        if !fresh {
            org.changes.clear();
        }
        Ok(org)
    }
}
