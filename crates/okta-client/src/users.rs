//! `client.users()`: create (never blindly twice), get, find by login, list, update, replace,
//! the lifecycle operations, delete, the user's groups, and the token's owner and admin roles.

use crate::client::{decode, Call, Client};
use crate::error::Error;
use crate::page::{items, segment, with_query, ListQuery};
use futures_util::stream::BoxStream;
use okta_model::{ActivationToken, AdminRole, CreateUserRequest, Group, User, UserId};
use reqwest::Method;
use std::time::SystemTime;

/// How a user is created: activated (the default), provider-managed, password expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateUserOptions {
    /// Run activation with the create (Okta's default).
    pub activate: bool,
    /// Create with the authentication provider given in `credentials.provider`.
    pub provider: bool,
    /// Expire the password so it must be changed at the first sign-in.
    pub next_login_change_password: bool,
}

impl Default for CreateUserOptions {
    fn default() -> Self {
        Self {
            activate: true,
            provider: false,
            next_login_change_password: false,
        }
    }
}

/// Whether a create made the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creation {
    /// This call created the user.
    Created,
    /// The login already existed before this call; nothing was created.
    AlreadyExisted,
}

/// What a create settled to.
#[derive(Debug, Clone)]
pub struct CreatedUser {
    /// The user as Okta answered (or as found when settling).
    pub user: User,
    /// Created by this call, or found existing.
    pub creation: Creation,
    /// `X-Okta-Request-Id` of the answer that settled it.
    pub request_id: Option<String>,
    /// The outcome was unknown at first (no answer, a gateway error) and was settled by
    /// looking the login up.
    pub reconciled: bool,
}

/// A create whose outcome stays unknown is looked up and re-sent at most this often.
const MAX_RECONCILE_ROUNDS: u32 = 5;

#[derive(Debug, Clone, Copy)]
/// The Users API. From [`Client::users`](crate::Client::users).
pub struct Users<'c> {
    client: &'c Client,
}

impl<'c> Users<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Creates a user. When the outcome of a send is unknown (no answer, or a 502/504 that may
    /// have been applied), the login is looked up instead of sending blindly: found and created
    /// since this call began is `Created`; found and older is `AlreadyExisted`; not found is
    /// sent again. A plain duplicate login is returned as Okta's error.
    pub async fn create(
        &self,
        body: &CreateUserRequest,
        options: CreateUserOptions,
    ) -> Result<CreatedUser, Error> {
        let login = body.profile.login().unwrap_or_default().to_owned();
        let json = serde_json::to_vec(body).expect("request types serialize");
        let next_login = options
            .next_login_change_password
            .then(|| "changePassword".to_owned());
        let path = with_query(
            "/api/v1/users",
            &[
                ("activate", Some(options.activate.to_string())),
                ("provider", options.provider.then(|| "true".to_owned())),
                ("nextLogin", next_login),
            ],
        );
        // When the first send with an unknown outcome began, by the local clock; it becomes
        // server time only when settling, so the lookup's own `Date` helps the estimate.
        let mut uncertain_since: Option<SystemTime> = None;
        for _ in 0..MAX_RECONCILE_ROUNDS {
            let began = SystemTime::now();
            let call = Call::new(Method::POST, &path, Some(&json), false);
            match self.client.send(call).await {
                Ok(answer) => {
                    return Ok(CreatedUser {
                        user: answer.json()?,
                        creation: Creation::Created,
                        request_id: answer.request_id,
                        reconciled: uncertain_since.is_some(),
                    })
                }
                Err(e) if e.outcome_unknown() => {
                    let since = *uncertain_since.get_or_insert(began);
                    if let Some(user) = self.find_by_login(&login).await? {
                        let since = self.client.server_time_of(since);
                        return Ok(settle(user, since, e.request_id()));
                    }
                }
                Err(e) if e.is_duplicate_login() && uncertain_since.is_some() => {
                    let since = uncertain_since.unwrap_or(began);
                    return match self.find_by_login(&login).await? {
                        Some(user) => {
                            let since = self.client.server_time_of(since);
                            Ok(settle(user, since, e.request_id()))
                        }
                        None => Err(e),
                    };
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Transport(crate::error::TransportError::Unknown(format!(
            "the create of {login} stayed unanswered after {MAX_RECONCILE_ROUNDS} rounds and the login is not found"
        ))))
    }

    /// `GET /api/v1/users/{id or login}`.
    pub async fn get(&self, id_or_login: &str) -> Result<User, Error> {
        let path = format!("/api/v1/users/{}", segment(id_or_login));
        self.client.send(Call::get(&path)).await?.json()
    }

    /// `GET /api/v1/users/me`: the user the API token belongs to (an OAuth service app's token
    /// has none: 404).
    pub async fn me(&self) -> Result<User, Error> {
        self.client
            .send(Call::get("/api/v1/users/me"))
            .await?
            .json()
    }

    /// `GET /api/v1/users/{id}/roles`: the admin roles the user holds.
    pub async fn roles(&self, id: &UserId) -> Result<Vec<AdminRole>, Error> {
        let path = format!("/api/v1/users/{}/roles", segment(id.as_str()));
        self.client.send(Call::get(&path)).await?.json()
    }

    /// The user with this login, if any. Logins with `/` go through a filter, as Okta requires.
    pub async fn find_by_login(&self, login: &str) -> Result<Option<User>, Error> {
        if login.contains('/') {
            let filter = format!("profile.login eq \"{}\"", login.replace('"', "\\\""));
            let path = with_query("/api/v1/users", &[("filter", Some(filter))]);
            let users: Vec<User> = self.client.send(Call::get(&path)).await?.json()?;
            return Ok(users.into_iter().find(|u| {
                u.profile
                    .login()
                    .is_some_and(|l| l.eq_ignore_ascii_case(login))
            }));
        }
        match self.get(login).await {
            Ok(user) => Ok(Some(user)),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every user the query matches, page after page.
    pub fn list(&self, query: &ListQuery) -> BoxStream<'static, Result<User, Error>> {
        items(self.client, query.path("/api/v1/users"))
    }

    /// Partial update (`POST`): attributes not sent are kept.
    pub async fn update(&self, id: &UserId, body: &CreateUserRequest) -> Result<User, Error> {
        self.write(Method::POST, id, body).await
    }

    /// Full replace (`PUT`): profile attributes not sent are removed.
    pub async fn replace(&self, id: &UserId, body: &CreateUserRequest) -> Result<User, Error> {
        self.write(Method::PUT, id, body).await
    }

    async fn write(
        &self,
        method: Method,
        id: &UserId,
        body: &CreateUserRequest,
    ) -> Result<User, Error> {
        let path = format!("/api/v1/users/{}", segment(id.as_str()));
        let json = serde_json::to_vec(body).expect("request types serialize");
        // Setting the same profile twice gives the same result.
        let call = Call::new(method, &path, Some(&json), true);
        self.client.send(call).await?.json()
    }

    async fn lifecycle(
        &self,
        id: &UserId,
        op: &str,
        query: &[(&str, Option<String>)],
    ) -> Result<crate::client::Answer, Error> {
        let path = with_query(
            &format!("/api/v1/users/{}/lifecycle/{op}", segment(id.as_str())),
            query,
        );
        self.client
            .send(Call::new(Method::POST, &path, None, false))
            .await
    }

    /// Activates a STAGED or DEPROVISIONED user; `send_email` sends Okta's activation email.
    pub async fn activate(&self, id: &UserId, send_email: bool) -> Result<ActivationToken, Error> {
        let answer = self
            .lifecycle(
                id,
                "activate",
                &[("sendEmail", Some(send_email.to_string()))],
            )
            .await?;
        answer.json()
    }

    /// Sends a PROVISIONED user a new activation.
    pub async fn reactivate(
        &self,
        id: &UserId,
        send_email: bool,
    ) -> Result<ActivationToken, Error> {
        let answer = self
            .lifecycle(
                id,
                "reactivate",
                &[("sendEmail", Some(send_email.to_string()))],
            )
            .await?;
        answer.json()
    }

    /// `send_email`: Okta emails the admins that the user was deactivated.
    pub async fn deactivate(&self, id: &UserId, send_email: bool) -> Result<(), Error> {
        let query = [("sendEmail", send_email.then(|| "true".to_owned()))];
        self.lifecycle(id, "deactivate", &query).await.map(drop)
    }

    /// Suspends an ACTIVE user.
    pub async fn suspend(&self, id: &UserId) -> Result<(), Error> {
        self.lifecycle(id, "suspend", &[]).await.map(drop)
    }

    /// Returns a SUSPENDED user to ACTIVE.
    pub async fn unsuspend(&self, id: &UserId) -> Result<(), Error> {
        self.lifecycle(id, "unsuspend", &[]).await.map(drop)
    }

    /// Unlocks a LOCKED_OUT user.
    pub async fn unlock(&self, id: &UserId) -> Result<(), Error> {
        self.lifecycle(id, "unlock", &[]).await.map(drop)
    }

    /// Expires the user's password: a new one at the next sign-in.
    pub async fn expire_password(&self, id: &UserId) -> Result<User, Error> {
        let answer = self.lifecycle(id, "expire_password", &[]).await?;
        decode(&answer.body, answer.request_id)
    }

    /// `DELETE`: deactivates an active user; deletes a deactivated one.
    pub async fn delete(&self, id: &UserId) -> Result<(), Error> {
        let path = format!("/api/v1/users/{}", segment(id.as_str()));
        self.client
            .send(Call::new(Method::DELETE, &path, None, false))
            .await
            .map(drop)
    }

    /// The groups the user is in, `Everyone` included.
    pub async fn groups(&self, id: &UserId) -> Result<Vec<Group>, Error> {
        let path = format!("/api/v1/users/{}/groups", segment(id.as_str()));
        self.client.send(Call::get(&path)).await?.json()
    }

    /// The org's user schema (`/api/v1/meta/schemas/user/default`).
    /// The org's user schema, with the lengths Okta enforces on base attributes without
    /// stating them (`UserSchema::with_unstated_lengths`).
    pub async fn schema(&self) -> Result<okta_model::schema::UserSchema, Error> {
        self.client
            .send(Call::get("/api/v1/meta/schemas/user/default"))
            .await?
            .json()
            .map(okta_model::schema::UserSchema::with_unstated_lengths)
    }

    /// Adds or replaces custom attributes of the user schema (`None` removes one); answers the
    /// schema as it is afterwards. Sending the same change twice gives the same schema.
    pub async fn update_schema(
        &self,
        custom: &std::collections::BTreeMap<String, Option<okta_model::schema::SchemaAttribute>>,
    ) -> Result<okta_model::schema::UserSchema, Error> {
        let body = serde_json::json!({
            "definitions": {"custom": {"id": "#custom", "type": "object", "properties": custom}}
        });
        let json = serde_json::to_vec(&body).expect("request types serialize");
        let call = Call::new(
            Method::POST,
            "/api/v1/meta/schemas/user/default",
            Some(&json),
            true,
        );
        self.client.send(call).await?.json()
    }
}

/// Whether a user found after an unknown outcome is this call's work. `since` is the server's
/// clock when the call began, estimated from `Date` headers as a lower bound (never later than
/// the truth), so a user this call created always has `created >= since`; only a user created
/// by someone else in the estimate's error (under a second) could be taken for ours.
fn settle(user: User, since: SystemTime, request_id: Option<&str>) -> CreatedUser {
    let created: SystemTime = user.created.into();
    let creation = if created >= since {
        Creation::Created
    } else {
        Creation::AlreadyExisted
    };
    CreatedUser {
        user,
        creation,
        request_id: request_id.map(str::to_owned),
        reconciled: true,
    }
}
