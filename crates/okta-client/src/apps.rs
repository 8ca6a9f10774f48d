//! `client.apps()`: apps (list, get), and their users and groups: assign, read, change and
//! take away. Reads of one assignment answer `None` when there is none (Okta's 404), so a
//! caller can tell "not assigned" from a failure.

use crate::client::{Call, Client};
use crate::error::Error;
use crate::page::{items, segment, with_query};
use futures_util::stream::BoxStream;
use okta_model::{
    AppGroup, AppGroupRequest, AppId, AppUser, AppUserRequest, Application, GroupId, UserId,
};
use reqwest::Method;

/// The Apps API, as far as assignment needs it. From [`Client::apps`](crate::Client::apps).
#[derive(Debug, Clone, Copy)]
pub struct Apps<'c> {
    client: &'c Client,
}

fn json<T: serde::Serialize>(body: &T) -> Vec<u8> {
    serde_json::to_vec(body).expect("request types serialize")
}

/// `None` for Okta's 404, the error otherwise.
fn absent_on_404<T>(answer: Result<T, Error>) -> Result<Option<T>, Error> {
    match answer {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

impl<'c> Apps<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Every app of the org (`q`: a prefix of name or label), page after page.
    pub fn list(&self, q: Option<&str>) -> BoxStream<'static, Result<Application, Error>> {
        let path = with_query(
            "/api/v1/apps",
            &[("q", q.map(str::to_owned)), ("limit", Some("200".into()))],
        );
        items(self.client, path)
    }

    /// `GET /api/v1/apps/{id}`.
    pub async fn get(&self, id: &AppId) -> Result<Application, Error> {
        let path = format!("/api/v1/apps/{}", segment(id.as_str()));
        self.client.send(Call::get(&path)).await?.json()
    }

    fn user_path(app: &AppId, user: &UserId) -> String {
        format!(
            "/api/v1/apps/{}/users/{}",
            segment(app.as_str()),
            segment(user.as_str())
        )
    }

    fn group_path(app: &AppId, group: &GroupId) -> String {
        format!(
            "/api/v1/apps/{}/groups/{}",
            segment(app.as_str()),
            segment(group.as_str())
        )
    }

    /// The app's users, direct and through groups, `limit` per page (Okta's maximum 500).
    pub fn users(&self, app: &AppId, limit: u32) -> BoxStream<'static, Result<AppUser, Error>> {
        let path = with_query(
            &format!("/api/v1/apps/{}/users", segment(app.as_str())),
            &[("limit", Some(limit.to_string()))],
        );
        items(self.client, path)
    }

    /// The app's groups in priority order.
    pub fn groups(&self, app: &AppId) -> BoxStream<'static, Result<AppGroup, Error>> {
        let path = with_query(
            &format!("/api/v1/apps/{}/groups", segment(app.as_str())),
            &[("limit", Some("200".into()))],
        );
        items(self.client, path)
    }

    /// The user's assignment, or `None` when the user does not have the app.
    pub async fn user(&self, app: &AppId, user: &UserId) -> Result<Option<AppUser>, Error> {
        let path = Self::user_path(app, user);
        absent_on_404(
            self.client
                .send(Call::get(&path))
                .await
                .and_then(|a| a.json()),
        )
    }

    /// Assigns the user (`body.id`) to the app, or changes the user's assignment. Sending it
    /// again gives the same assignment, so it is retried like any idempotent call.
    pub async fn assign_user(&self, app: &AppId, body: &AppUserRequest) -> Result<AppUser, Error> {
        let path = format!("/api/v1/apps/{}/users", segment(app.as_str()));
        let body = json(body);
        self.client
            .send(Call::new(Method::POST, &path, Some(&body), true))
            .await?
            .json()
    }

    /// Changes an app user's credentials or profile.
    pub async fn update_user(
        &self,
        app: &AppId,
        user: &UserId,
        body: &AppUserRequest,
    ) -> Result<AppUser, Error> {
        let path = Self::user_path(app, user);
        let body = json(body);
        self.client
            .send(Call::new(Method::POST, &path, Some(&body), true))
            .await?
            .json()
    }

    /// Takes the app away from a user assigned directly.
    pub async fn unassign_user(&self, app: &AppId, user: &UserId) -> Result<(), Error> {
        let path = Self::user_path(app, user);
        self.client
            .send(Call::new(Method::DELETE, &path, None, true))
            .await
            .map(drop)
    }

    /// The group's assignment, or `None` when the group is not assigned.
    pub async fn group(&self, app: &AppId, group: &GroupId) -> Result<Option<AppGroup>, Error> {
        let path = Self::group_path(app, group);
        absent_on_404(
            self.client
                .send(Call::get(&path))
                .await
                .and_then(|a| a.json()),
        )
    }

    /// Assigns the group (again: moves it to `priority`, replaces its profile).
    pub async fn assign_group(
        &self,
        app: &AppId,
        group: &GroupId,
        body: &AppGroupRequest,
    ) -> Result<AppGroup, Error> {
        let path = Self::group_path(app, group);
        let body = json(body);
        self.client
            .send(Call::new(Method::PUT, &path, Some(&body), true))
            .await?
            .json()
    }

    /// Removes the group's assignment (its members lose the app unless assigned directly).
    pub async fn remove_group(&self, app: &AppId, group: &GroupId) -> Result<(), Error> {
        let path = Self::group_path(app, group);
        self.client
            .send(Call::new(Method::DELETE, &path, None, true))
            .await
            .map(drop)
    }
}
