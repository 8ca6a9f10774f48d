//! Applications as far as assignment needs them: app instances of the custom kinds (bookmark,
//! basic auth, SWA, secure password store, auto login, SAML and OIDC shells), their lifecycle,
//! and who is assigned: users directly (`scope: USER`) and groups, whose members have the app
//! with `scope: GROUP` for as long as they are members. The rules admins trip over are Okta's:
//! a user who has the app through a group cannot be unassigned directly (E0000046), credentials
//! an app's scheme does not take (E0000041), an active app cannot be deleted (E0000056).

use crate::error::ApiError;
use crate::state::ids::new_id;
use crate::state::org::{Change, Org, Page};
use chrono::Utc;
use okta_model::time::{self, Timestamp};
use okta_model::{
    AppGroup, AppGroupRequest, AppId, AppUser, AppUserCredentials, AppUserRequest, Application,
    UserStatus,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// App users per page: Okta's default and maximum for `/api/v1/apps/{id}/users`.
const APP_USERS_DEFAULT: usize = 50;
const APP_USERS_MAX: usize = 500;
/// Apps per page when no limit is given, and at most.
const APPS_MAX: usize = 200;

/// A user's own assignment (or a group assignee's own changes), as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredAppUser {
    /// `USER` for a direct assignment; `GROUP` for changes made to a group assignee's app user,
    /// which last only as long as the user has the app through a group.
    pub scope: String,
    #[serde(with = "time::required")]
    pub created: Timestamp,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    #[serde(default)]
    pub user_name: Option<String>,
    #[serde(default)]
    pub has_password: bool,
    #[serde(default)]
    pub profile: Map<String, Value>,
}

/// A group's assignment, as kept; the app's groups are kept in priority order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredAppGroup {
    pub group: u64,
    #[serde(with = "time::required")]
    pub last_updated: Timestamp,
    #[serde(default)]
    pub profile: Map<String, Value>,
}

/// An app with its assignments.
#[derive(Debug, Clone, PartialEq)]
pub struct AppRecord {
    pub app: Application,
    /// Direct assignments (and changed group assignees) by user seq.
    pub users: std::collections::BTreeMap<u64, StoredAppUser>,
    /// Assigned groups in priority order (priority = index).
    pub groups: Vec<StoredAppGroup>,
}

/// `filter` on apps: the expressions the emulator understands.
fn app_filter(filter: &str) -> Result<(String, String), ApiError> {
    let parts: Vec<&str> = filter.trim().splitn(3, ' ').collect();
    match parts.as_slice() {
        [attr @ ("status" | "name" | "id"), "eq", value]
            if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') =>
        {
            Ok(((*attr).to_owned(), value[1..value.len() - 1].to_owned()))
        }
        _ => Err(ApiError::InvalidSearch),
    }
}

fn app_not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        what: id.to_owned(),
        kind: "AppInstance",
    }
}

/// The name, default credentials and required settings of a custom app of `mode`.
fn kind_of_mode(
    mode: &str,
) -> Option<(&'static str, Option<&'static str>, &'static [&'static str])> {
    Some(match mode {
        "BOOKMARK" => ("bookmark", None, &["url"]),
        "BASIC_AUTH" => (
            "template_basic_auth",
            Some("EDIT_USERNAME_AND_PASSWORD"),
            &["url", "authURL"],
        ),
        "BROWSER_PLUGIN" => ("template_swa", Some("EDIT_USERNAME_AND_PASSWORD"), &["url"]),
        "SECURE_PASSWORD_STORE" => (
            "template_sps",
            Some("EDIT_USERNAME_AND_PASSWORD"),
            &["url", "usernameField", "passwordField"],
        ),
        "AUTO_LOGIN" => ("", Some("EDIT_USERNAME_AND_PASSWORD"), &[]),
        "SAML_2_0" => ("", None, &[]),
        "OPENID_CONNECT" => ("oidc_client", None, &[]),
        _ => return None,
    })
}

/// Whether an app's credential scheme lets an admin set a username and a password.
fn scheme_takes(scheme: Option<&str>) -> (bool, bool) {
    match scheme {
        Some("SHARED_USERNAME_AND_PASSWORD") => (false, false),
        Some("EXTERNAL_PASSWORD_SYNC" | "EDIT_PASSWORD_ONLY") => (true, false),
        _ => (true, true),
    }
}

fn credentials_refused() -> ApiError {
    ApiError::CredentialsNotForScheme
}

impl Org {
    fn app_seq(&self, id: &str) -> Result<u64, ApiError> {
        self.apps
            .iter()
            .find(|(_, r)| r.app.id.as_str() == id)
            .map(|(seq, _)| *seq)
            .ok_or_else(|| app_not_found(id))
    }

    /// The app with this id.
    pub fn app(&self, id: &str) -> Result<&Application, ApiError> {
        Ok(&self.apps[&self.app_seq(id)?].app)
    }

    /// Apps in creation order: `q` a prefix of the name or label, `filter` on `status`, `name`
    /// or `id` with `eq`, paged by `after` (the last app's id).
    pub fn list_apps(
        &self,
        q: Option<&str>,
        filter: Option<&str>,
        limit: Option<usize>,
        after: Option<&str>,
    ) -> Result<Page<Application>, ApiError> {
        let filter = filter.map(app_filter).transpose()?;
        let q = q.map(str::to_lowercase);
        let limit = limit.unwrap_or(APPS_MAX).clamp(1, APPS_MAX);
        let start = match after {
            Some(id) => self.app_seq(id).map_err(|_| ApiError::InvalidPaging)? + 1,
            None => 0,
        };
        let mut items = Vec::new();
        let mut next = None;
        for record in self.apps.range(start..).map(|(_, r)| &r.app) {
            let matches_q = q.as_ref().is_none_or(|q| {
                record.name.to_lowercase().starts_with(q)
                    || record.label.to_lowercase().starts_with(q)
            });
            let matches_filter = filter
                .as_ref()
                .is_none_or(|(attr, value)| match attr.as_str() {
                    "status" => &record.status == value,
                    "name" => &record.name == value,
                    _ => record.id.as_str() == value,
                });
            if !(matches_q && matches_filter) {
                continue;
            }
            if items.len() == limit {
                next = items.last().map(|a: &Application| a.id.0.clone());
                break;
            }
            items.push(record.clone());
        }
        Ok(Page { items, next })
    }

    /// Creates a custom app of a known sign-on mode, ACTIVE unless `activate` is false.
    pub fn create_app(&mut self, body: Value, activate: bool) -> Result<Application, ApiError> {
        let label = body["label"].as_str().unwrap_or("").trim().to_owned();
        if label.is_empty() {
            return Err(ApiError::validation(
                "label",
                "label: The field cannot be left blank",
            ));
        }
        let mode = body["signOnMode"].as_str().unwrap_or("").to_owned();
        let Some((name, scheme, required)) = kind_of_mode(&mode) else {
            return Err(if mode.is_empty() {
                ApiError::validation("signOnMode", "signOnMode: The field cannot be left blank")
            } else {
                ApiError::NotEmulated(format!("signOnMode {mode}"))
            });
        };
        let settings_app = &body["settings"]["app"];
        let missing: Vec<String> = required
            .iter()
            .filter(|f| settings_app[**f].as_str().is_none_or(str::is_empty))
            .map(|f| format!("settings.app.{f}: The field cannot be left blank"))
            .collect();
        if let Some(first) = required
            .iter()
            .find(|f| settings_app[**f].as_str().is_none_or(str::is_empty))
        {
            return Err(ApiError::Validation {
                field: format!("settings.app.{first}"),
                causes: missing,
            });
        }
        let id = new_id("0oa");
        let name = match (name, body["name"].as_str()) {
            ("", Some(given)) if !given.is_empty() => given.to_owned(),
            ("", _) => format!("emulatororg_{}_1", label.to_lowercase().replace(' ', "")),
            (name, _) => name.to_owned(),
        };
        let mut credentials = json!({
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {},
        });
        if let Some(scheme) = scheme {
            credentials["scheme"] = json!(scheme);
        }
        if let Some(sent) = body["credentials"].as_object() {
            for (k, v) in sent {
                credentials[k] = v.clone();
            }
        }
        if mode == "OPENID_CONNECT" {
            let client = &mut credentials["oauthClient"];
            if client["client_id"].is_null() {
                client["client_id"] = json!(client["clientId"].as_str().unwrap_or(&id));
            }
            if let Some(map) = client.as_object_mut() {
                map.remove("clientId");
                map.entry("autoKeyRotation").or_insert(json!(true));
                map.entry("token_endpoint_auth_method")
                    .or_insert(json!("client_secret_basic"));
            }
        }
        let mut settings = json!({
            "app": {},
            "notifications": {"vpn": {"network": {"connection": "DISABLED"}, "message": null, "helpUrl": null}},
        });
        if let Some(sent) = body["settings"].as_object() {
            for (k, v) in sent {
                settings[k] = v.clone();
            }
        }
        if settings.get("extendedProperties").is_none() {
            settings["extendedProperties"] = Value::Null;
        }
        let now = Utc::now();
        let app = Application {
            id: AppId(id),
            name,
            label,
            status: if activate { "ACTIVE" } else { "INACTIVE" }.to_owned(),
            last_updated: now,
            created: now,
            accessibility: json!({"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null}),
            visibility: json!({"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {"login": true}}),
            features: body["features"].as_array().cloned().unwrap_or_default(),
            sign_on_mode: mode,
            credentials,
            settings,
            links: Value::Null,
        };
        let seq = self.next_seq();
        self.apps.insert(
            seq,
            AppRecord {
                app: app.clone(),
                users: Default::default(),
                groups: Vec::new(),
            },
        );
        self.record(Change::App(seq));
        Ok(app)
    }

    /// `PUT /api/v1/apps/{id}`: a new label, settings, credentials or features; the rest is
    /// Okta's to keep.
    pub fn replace_app(&mut self, id: &str, body: Value) -> Result<Application, ApiError> {
        let seq = self.app_seq(id)?;
        let app = &mut self.apps.get_mut(&seq).expect("seq just found").app;
        if let Some(label) = body["label"].as_str().filter(|l| !l.trim().is_empty()) {
            app.label = label.trim().to_owned();
        }
        for (key, slot) in [
            ("settings", &mut app.settings),
            ("accessibility", &mut app.accessibility),
            ("visibility", &mut app.visibility),
        ] {
            if body[key].is_object() {
                *slot = body[key].clone();
            }
        }
        if let Some(sent) = body["credentials"].as_object() {
            for (k, v) in sent {
                app.credentials[k] = v.clone();
            }
        }
        if let Some(features) = body["features"].as_array() {
            app.features = features.clone();
        }
        app.last_updated = Utc::now();
        let app = app.clone();
        self.record(Change::App(seq));
        Ok(app)
    }

    /// Activates or deactivates an app; doing it again changes nothing.
    pub fn set_app_active(&mut self, id: &str, active: bool) -> Result<(), ApiError> {
        let seq = self.app_seq(id)?;
        let app = &mut self.apps.get_mut(&seq).expect("seq just found").app;
        let status = if active { "ACTIVE" } else { "INACTIVE" };
        if app.status != status {
            app.status = status.to_owned();
            app.last_updated = Utc::now();
            self.record(Change::App(seq));
        }
        Ok(())
    }

    /// Deletes an inactive app with its assignments; an active one is refused (E0000056).
    pub fn delete_app(&mut self, id: &str) -> Result<(), ApiError> {
        let seq = self.app_seq(id)?;
        if self.apps[&seq].app.is_active() {
            return Err(ApiError::DeleteActiveApp);
        }
        self.apps.remove(&seq);
        self.record(Change::AppDeleted(seq));
        Ok(())
    }

    fn active_app_seq(&self, id: &str) -> Result<u64, ApiError> {
        let seq = self.app_seq(id)?;
        if !self.apps[&seq].app.is_active() {
            return Err(ApiError::validation(
                "status",
                "status: Users and groups cannot be assigned to an inactive app",
            ));
        }
        Ok(seq)
    }

    fn user_seq_of(&self, key: &str) -> Result<u64, ApiError> {
        self.user_seq(key)
            .ok_or_else(|| ApiError::user_not_found(key))
    }

    /// Whether the user is a member of the group (everyone is a member of `Everyone`).
    fn in_group(&self, group: u64, user: u64) -> bool {
        group == self.everyone || self.members.get(&group).is_some_and(|m| m.contains(&user))
    }

    /// The earliest assignment of the app's groups the user is a member of, if any.
    fn via_group(&self, record: &AppRecord, user: u64) -> Option<Timestamp> {
        record
            .groups
            .iter()
            .filter(|g| self.in_group(g.group, user))
            .map(|g| g.last_updated)
            .min()
    }

    /// The user's app user, as Okta answers it, if the user has the app.
    fn app_user_of(&self, app_seq: u64, user: u64) -> Option<AppUser> {
        let record = &self.apps[&app_seq];
        let okta_user = self.users.get(&user)?;
        let via_group = self.via_group(record, user);
        let stored = record
            .users
            .get(&user)
            .filter(|s| s.scope == "USER" || via_group.is_some());
        let (scope, created, updated, user_name, has_password, profile) = match (stored, via_group)
        {
            (Some(s), _) => (
                s.scope.clone(),
                s.created,
                s.last_updated,
                s.user_name.clone(),
                s.has_password,
                s.profile.clone(),
            ),
            (None, Some(at)) => ("GROUP".to_owned(), at, at, None, false, Map::new()),
            (None, None) => return None,
        };
        let user_name = user_name
            .or_else(|| okta_user.profile.login().map(str::to_owned))
            .unwrap_or_default();
        let status = if okta_user.status == UserStatus::Deprovisioned {
            "INACTIVE"
        } else {
            "ACTIVE"
        };
        let base = &self.base_url;
        Some(AppUser {
            id: okta_user.id.clone(),
            external_id: None,
            created,
            last_updated: updated,
            scope,
            status: status.to_owned(),
            status_changed: Some(created),
            password_changed: None,
            sync_state: "DISABLED".to_owned(),
            credentials: Some(AppUserCredentials {
                user_name: Some(user_name),
                password: has_password.then(Default::default),
            }),
            profile,
            links: json!({
                "app": {"href": format!("{base}/api/v1/apps/{}", record.app.id)},
                "user": {"href": format!("{base}/api/v1/users/{}", okta_user.id)},
            }),
        })
    }

    /// Checks credentials against the app's scheme: what it does not take is refused (E0000041);
    /// an app without a scheme keeps the username and drops a password, as Okta answered in 2020.
    fn checked_credentials(
        app: &Application,
        credentials: Option<&AppUserCredentials>,
    ) -> Result<(Option<String>, bool), ApiError> {
        let Some(c) = credentials else {
            return Ok((None, false));
        };
        let has_password = c.password.as_ref().is_some_and(|p| p.value.is_some());
        let user_name = c.user_name.clone().filter(|u| !u.is_empty());
        if let Some(name) = &user_name {
            if name.chars().count() > 100 {
                return Err(ApiError::validation(
                    "userName",
                    "userName: size must be between 1 and 100",
                ));
            }
        }
        let Some(scheme) = app.scheme() else {
            return Ok((user_name, false));
        };
        let (takes_name, takes_password) = scheme_takes(Some(scheme));
        if (user_name.is_some() && !takes_name) || (has_password && !takes_password) {
            return Err(credentials_refused());
        }
        Ok((user_name, has_password))
    }

    /// Assigns a user to an active app (`scope: USER`), or changes the assignment if the user
    /// has one: credentials and profile as given.
    pub fn assign_app_user(
        &mut self,
        app_id: &str,
        body: AppUserRequest,
    ) -> Result<AppUser, ApiError> {
        let app_seq = self.active_app_seq(app_id)?;
        let Some(user_key) = body.id.as_ref().map(|id| id.0.clone()) else {
            return Err(ApiError::validation(
                "id",
                "id: The field cannot be left blank",
            ));
        };
        let user = self.user_seq_of(&user_key)?;
        let (user_name, has_password) =
            Self::checked_credentials(&self.apps[&app_seq].app, body.credentials.as_ref())?;
        let now = Utc::now();
        let record = self.apps.get_mut(&app_seq).expect("seq just found");
        let entry = record.users.entry(user).or_insert_with(|| StoredAppUser {
            scope: "USER".to_owned(),
            created: now,
            last_updated: now,
            user_name: None,
            has_password: false,
            profile: Map::new(),
        });
        entry.scope = "USER".to_owned();
        entry.last_updated = now;
        if user_name.is_some() {
            entry.user_name = user_name;
        }
        entry.has_password |= has_password;
        if let Some(profile) = body.profile {
            entry.profile.extend(profile);
        }
        self.record(Change::AppUser { app: app_seq, user });
        Ok(self
            .app_user_of(app_seq, user)
            .expect("the user was just assigned"))
    }

    /// The user's assignment to the app (404 when the user does not have it).
    pub fn app_user(&self, app_id: &str, user_key: &str) -> Result<AppUser, ApiError> {
        let app_seq = self.app_seq(app_id)?;
        let user = self.user_seq_of(user_key)?;
        self.app_user_of(app_seq, user)
            .ok_or_else(|| app_user_not_found(user_key))
    }

    /// Changes an app user's credentials or profile (a group assignee stays `scope: GROUP`).
    pub fn update_app_user(
        &mut self,
        app_id: &str,
        user_key: &str,
        body: AppUserRequest,
    ) -> Result<AppUser, ApiError> {
        let app_seq = self.app_seq(app_id)?;
        let user = self.user_seq_of(user_key)?;
        let current = self
            .app_user_of(app_seq, user)
            .ok_or_else(|| app_user_not_found(user_key))?;
        let (user_name, has_password) =
            Self::checked_credentials(&self.apps[&app_seq].app, body.credentials.as_ref())?;
        let now = Utc::now();
        let record = self.apps.get_mut(&app_seq).expect("seq just found");
        let entry = record.users.entry(user).or_insert_with(|| StoredAppUser {
            scope: current.scope.clone(),
            created: current.created,
            last_updated: now,
            user_name: None,
            has_password: false,
            profile: Map::new(),
        });
        entry.last_updated = now;
        if user_name.is_some() {
            entry.user_name = user_name;
        }
        entry.has_password |= has_password;
        if let Some(profile) = body.profile {
            for (k, v) in profile {
                if v.is_null() {
                    entry.profile.remove(&k);
                } else {
                    entry.profile.insert(k, v);
                }
            }
        }
        self.record(Change::AppUser { app: app_seq, user });
        Ok(self
            .app_user_of(app_seq, user)
            .expect("the user has the app"))
    }

    /// Unassigns a user assigned directly. One who has the app through a group is refused
    /// (403 E0000046): the group's assignment is what gives it.
    pub fn unassign_app_user(&mut self, app_id: &str, user_key: &str) -> Result<(), ApiError> {
        let app_seq = self.app_seq(app_id)?;
        let user = self.user_seq_of(user_key)?;
        if self.app_user_of(app_seq, user).is_none() {
            return Err(app_user_not_found(user_key));
        }
        if self.via_group(&self.apps[&app_seq], user).is_some() {
            return Err(ApiError::AppUserThroughGroup);
        }
        self.apps
            .get_mut(&app_seq)
            .expect("seq just found")
            .users
            .remove(&user);
        self.record(Change::AppUser { app: app_seq, user });
        Ok(())
    }

    /// The app's users, direct and through groups, in the order the users were created; paged
    /// by `after` (the last user's id), 50 a page by default, at most 500.
    pub fn list_app_users(
        &self,
        app_id: &str,
        limit: Option<usize>,
        after: Option<&str>,
        q: Option<&str>,
    ) -> Result<Page<AppUser>, ApiError> {
        let app_seq = self.app_seq(app_id)?;
        let record = &self.apps[&app_seq];
        let limit = limit.unwrap_or(APP_USERS_DEFAULT).clamp(1, APP_USERS_MAX);
        let start = match after {
            Some(id) => self.user_seq(id).ok_or(ApiError::InvalidPaging)? + 1,
            None => 0,
        };
        let mut seqs: std::collections::BTreeSet<u64> =
            record.users.range(start..).map(|(s, _)| *s).collect();
        for g in &record.groups {
            if g.group == self.everyone {
                seqs.extend(self.users.range(start..).map(|(s, _)| *s));
            } else if let Some(members) = self.members.get(&g.group) {
                seqs.extend(members.range(start..));
            }
        }
        let q = q.map(str::to_lowercase);
        let mut items = Vec::new();
        let mut next = None;
        for seq in seqs {
            let Some(app_user) = self.app_user_of(app_seq, seq) else {
                continue;
            };
            if let Some(q) = &q {
                let user = &self.users[&seq];
                let name = app_user
                    .credentials
                    .as_ref()
                    .and_then(|c| c.user_name.clone())
                    .unwrap_or_default();
                let hit = [
                    Some(name.as_str()),
                    user.profile.str("firstName"),
                    user.profile.str("lastName"),
                    user.profile.email(),
                ]
                .into_iter()
                .flatten()
                .any(|v| v.to_lowercase().starts_with(q.as_str()));
                if !hit {
                    continue;
                }
            }
            if items.len() == limit {
                next = items.last().map(|u: &AppUser| u.id.0.clone());
                break;
            }
            items.push(app_user);
        }
        Ok(Page { items, next })
    }

    fn app_group_of(&self, app_seq: u64, index: usize) -> AppGroup {
        let record = &self.apps[&app_seq];
        let stored = &record.groups[index];
        let group_id = self.groups[&stored.group].id.clone();
        let base = &self.base_url;
        let app_href = format!("{base}/api/v1/apps/{}", record.app.id);
        AppGroup {
            id: group_id.clone(),
            last_updated: stored.last_updated,
            priority: index as u32,
            profile: stored.profile.clone(),
            links: json!({
                "app": {"href": app_href},
                "self": {"href": format!("{app_href}/groups/{group_id}")},
                "group": {"href": format!("{base}/api/v1/groups/{group_id}")},
            }),
        }
    }

    /// Assigns a group to an active app at `priority` (0 first; the others move down; at the
    /// end when absent or past it). Assigning it again moves it and replaces its profile.
    pub fn assign_app_group(
        &mut self,
        app_id: &str,
        group_id: &str,
        body: AppGroupRequest,
    ) -> Result<AppGroup, ApiError> {
        let app_seq = self.active_app_seq(app_id)?;
        let group = self.group_seq(group_id)?;
        let now = Utc::now();
        let record = self.apps.get_mut(&app_seq).expect("seq just found");
        let earlier = record.groups.iter().position(|g| g.group == group);
        let mut stored = match earlier {
            Some(at) => record.groups.remove(at),
            None => StoredAppGroup {
                group,
                last_updated: now,
                profile: Map::new(),
            },
        };
        stored.last_updated = now;
        if let Some(profile) = body.profile {
            stored.profile = profile;
        }
        let at = body.priority.map_or(record.groups.len(), |p| {
            (p as usize).min(record.groups.len())
        });
        record.groups.insert(at, stored);
        self.record(Change::AppGroups(app_seq));
        Ok(self.app_group_of(app_seq, at))
    }

    pub fn app_group(&self, app_id: &str, group_id: &str) -> Result<AppGroup, ApiError> {
        let app_seq = self.app_seq(app_id)?;
        let group = self.group_seq(group_id)?;
        let at = self.apps[&app_seq]
            .groups
            .iter()
            .position(|g| g.group == group)
            .ok_or_else(|| app_group_not_found(group_id))?;
        Ok(self.app_group_of(app_seq, at))
    }

    /// The app's groups in priority order, paged by `after` (the last group's id).
    pub fn list_app_groups(
        &self,
        app_id: &str,
        limit: Option<usize>,
        after: Option<&str>,
    ) -> Result<Page<AppGroup>, ApiError> {
        let app_seq = self.app_seq(app_id)?;
        let record = &self.apps[&app_seq];
        let limit = limit.unwrap_or(20).clamp(1, 200);
        let start = match after {
            Some(id) => {
                let seq = self.group_seq(id).map_err(|_| ApiError::InvalidPaging)?;
                record
                    .groups
                    .iter()
                    .position(|g| g.group == seq)
                    .ok_or(ApiError::InvalidPaging)?
                    + 1
            }
            None => 0,
        };
        let end = (start + limit).min(record.groups.len());
        let items: Vec<AppGroup> = (start..end)
            .map(|i| self.app_group_of(app_seq, i))
            .collect();
        let next = (end < record.groups.len())
            .then(|| items.last().map(|g| g.id.0.clone()))
            .flatten();
        Ok(Page { items, next })
    }

    /// Removes a group's assignment; its members who have no assignment of their own lose the
    /// app.
    pub fn remove_app_group(&mut self, app_id: &str, group_id: &str) -> Result<(), ApiError> {
        let app_seq = self.app_seq(app_id)?;
        let group = self.group_seq(group_id)?;
        let record = self.apps.get_mut(&app_seq).expect("seq just found");
        let at = record
            .groups
            .iter()
            .position(|g| g.group == group)
            .ok_or_else(|| app_group_not_found(group_id))?;
        record.groups.remove(at);
        self.record(Change::AppGroups(app_seq));
        Ok(())
    }

    /// The apps a group is assigned to (`GET /api/v1/groups/{id}/apps`).
    pub fn apps_of_group(&self, group_id: &str) -> Result<Vec<Application>, ApiError> {
        let group = self.group_seq(group_id)?;
        Ok(self
            .apps
            .values()
            .filter(|r| r.groups.iter().any(|g| g.group == group))
            .map(|r| r.app.clone())
            .collect())
    }

    /// A deleted user loses their assignments; a deleted group its own.
    pub(super) fn forget_in_apps(&mut self, user: Option<u64>, group: Option<u64>) {
        let mut changes = Vec::new();
        for (seq, record) in &mut self.apps {
            if let Some(user) = user {
                if record.users.remove(&user).is_some() {
                    changes.push(Change::AppUser { app: *seq, user });
                }
            }
            if let Some(group) = group {
                let before = record.groups.len();
                record.groups.retain(|g| g.group != group);
                if record.groups.len() != before {
                    changes.push(Change::AppGroups(*seq));
                }
            }
        }
        for change in changes {
            self.record(change);
        }
    }

    /// For the store: an app, a user's kept assignment, an app's groups.
    pub fn app_by_seq(&self, seq: u64) -> Option<&Application> {
        self.apps.get(&seq).map(|r| &r.app)
    }

    pub fn stored_app_user(&self, app: u64, user: u64) -> Option<&StoredAppUser> {
        self.apps.get(&app)?.users.get(&user)
    }

    pub fn stored_app_groups(&self, app: u64) -> Option<&[StoredAppGroup]> {
        self.apps.get(&app).map(|r| r.groups.as_slice())
    }

    /// Puts stored apps back (`Org::restore`).
    pub(super) fn restore_apps(
        &mut self,
        apps: Vec<(u64, Application)>,
        users: Vec<(u64, u64, StoredAppUser)>,
        groups: Vec<(u64, Vec<StoredAppGroup>)>,
    ) {
        for (seq, app) in apps {
            self.next_seq = self.next_seq.max(seq + 1);
            self.apps.insert(
                seq,
                AppRecord {
                    app,
                    users: Default::default(),
                    groups: Vec::new(),
                },
            );
        }
        for (app, user, stored) in users {
            if let Some(r) = self.apps.get_mut(&app) {
                r.users.insert(user, stored);
            }
        }
        for (app, stored) in groups {
            if let Some(r) = self.apps.get_mut(&app) {
                r.groups = stored;
            }
        }
    }
}

fn app_user_not_found(user: &str) -> ApiError {
    ApiError::NotFound {
        what: user.to_owned(),
        kind: "AppUser",
    }
}

fn app_group_not_found(group: &str) -> ApiError {
    ApiError::NotFound {
        what: group.to_owned(),
        kind: "ApplicationGroupAssignment",
    }
}
