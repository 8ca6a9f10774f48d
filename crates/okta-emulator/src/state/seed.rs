//! Seed data: custom schema attributes, groups (including APP_GROUPs, which only a seed can make),
//! users in any status, and memberships, loaded in one call so tests start from a known org.

use crate::error::ApiError;
use crate::state::oauth::OAuthClient;
use crate::state::org::{Change, Org, SchemaCustomization};
use crate::state::users::CreateOptions;
use okta_model::{
    CreateUserRequest, GroupProfile, GroupType, PasswordCredential, User, UserCredentials,
    UserProfile, UserStatus,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub schema: Option<SchemaCustomization>,
    #[serde(default)]
    pub groups: Vec<SeedGroup>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
    #[serde(default)]
    pub memberships: Vec<SeedMembership>,
    /// Service apps that may get OAuth tokens with `private_key_jwt`.
    #[serde(default)]
    pub oauth_clients: Vec<OAuthClient>,
    /// Shares of each rate-limit bucket in percent, by API token or OAuth client id (Okta's
    /// default for the others is 50). Applied to the rate limiter, not kept with the org.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rate_limit_shares: BTreeMap<String, u32>,
    /// Who the API tokens belong to (`GET /api/v1/users/me`): a login of the org's users (the
    /// seed's too), or a user (as in `users`) that takes the new org's owner's place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token_owner: Option<SeedOwner>,
    /// How long users' `search` and `filter` take to see a write, in milliseconds (Okta's
    /// search is eventually consistent); 0 turns the lag off. Applied to the server, not the org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_lag_ms: Option<u64>,
}

/// The owner of the API tokens in a seed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum SeedOwner {
    /// The login of a user of the org, or of the seed's `users`.
    Login(String),
    /// The owner itself: its profile, status and password replace the new org's owner's.
    User(SeedUser),
}

/// The owner of the API tokens a new org has: its first admin, as every real org has one.
pub fn default_owner() -> SeedUser {
    SeedUser {
        profile: serde_json::from_value(serde_json::json!({
            "login": "org.admin@example.com", "email": "org.admin@example.com",
            "firstName": "Org", "lastName": "Admin"
        }))
        .expect("a profile"),
        status: None,
        password: true,
        groups: Vec::new(),
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedGroup {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "type", default = "okta_group")]
    pub group_type: GroupType,
}

fn okta_group() -> GroupType {
    GroupType::OktaGroup
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedUser {
    pub profile: UserProfile,
    /// Defaults to ACTIVE.
    #[serde(default)]
    pub status: Option<UserStatus>,
    /// Whether the user has a password; the value itself is never needed.
    #[serde(default = "yes")]
    pub password: bool,
    /// Group ids or names.
    #[serde(default)]
    pub groups: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedMembership {
    /// Group id or name.
    pub group: String,
    /// User id or login.
    pub user: String,
}

/// What a seed created: logins and group names to their new ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedReport {
    pub users: BTreeMap<String, String>,
    pub groups: BTreeMap<String, String>,
}

impl Org {
    pub fn apply_seed(&mut self, seed: Seed) -> Result<SeedReport, ApiError> {
        let mut report = SeedReport::default();
        if let Some(schema) = seed.schema {
            self.customize_schema(schema)?;
        }
        for g in seed.groups {
            let profile = GroupProfile {
                name: g.name,
                description: g.description,
                custom: Default::default(),
            };
            let group = self.create_group(profile, g.group_type, g.id)?;
            report
                .groups
                .insert(group.profile.name.clone(), group.id.0.clone());
        }
        for u in seed.users {
            let (_, user) = self.seed_user(u)?;
            report.users.insert(
                user.profile.login().unwrap_or_default().to_owned(),
                user.id.0,
            );
        }
        for m in seed.memberships {
            let group = self.seed_group(&m.group)?;
            let user = self
                .user_seq(&m.user)
                .ok_or_else(|| ApiError::user_not_found(&m.user))?;
            self.add_membership(group, user);
        }
        for client in seed.oauth_clients {
            self.register_oauth_client(client);
        }
        match seed.api_token_owner {
            None => {}
            Some(SeedOwner::Login(login)) => {
                let seq = self
                    .user_seq(&login)
                    .ok_or_else(|| ApiError::user_not_found(&login))?;
                self.set_token_owner(Some(seq));
            }
            Some(SeedOwner::User(owner)) => {
                if let Some(old) = self.token_owner.filter(|s| self.users.contains_key(s)) {
                    self.remove_user(old);
                }
                let (seq, user) = self.seed_user(owner)?;
                self.make_first_admin(seq);
                report.users.insert(
                    user.profile.login().unwrap_or_default().to_owned(),
                    user.id.0,
                );
            }
        }
        Ok(report)
    }

    /// A user as a seed gives it: in any status (ACTIVE by default), with a password or none,
    /// in its groups.
    pub(super) fn seed_user(&mut self, u: SeedUser) -> Result<(u64, User), ApiError> {
        let status = u.status.unwrap_or(UserStatus::Active);
        let req = CreateUserRequest {
            profile: u.profile,
            ..Default::default()
        };
        let opts = CreateOptions {
            activate: false,
            expire_password: false,
        };
        let user = self.create_user(req, opts)?;
        let seq = self.user_seq(user.id.as_str()).expect("just created");
        let stored = self.users.get_mut(&seq).expect("just created");
        stored.status = status;
        if status != UserStatus::Staged {
            stored.activated = Some(stored.created);
            stored.status_changed = Some(stored.created);
        }
        if u.password {
            stored.credentials = UserCredentials {
                password: Some(PasswordCredential::default()),
                ..stored.credentials.clone()
            };
            stored.password_changed = Some(stored.created);
        }
        let user = stored.clone();
        self.record(Change::User(seq));
        for group in &u.groups {
            let g = self.seed_group(group)?;
            self.add_membership(g, seq);
        }
        Ok((seq, user))
    }

    /// A group named by id or name; seeds may fill any group type but BUILT_IN.
    fn seed_group(&self, key: &str) -> Result<u64, ApiError> {
        let seq = self
            .group_seqs
            .get(key)
            .or_else(|| self.group_names.get(&key.to_lowercase()))
            .copied()
            .ok_or_else(|| ApiError::group_not_found(key))?;
        if self.groups[&seq].group_type == GroupType::BuiltIn {
            return Err(ApiError::UnsupportedOperation);
        }
        Ok(seq)
    }
}
