//! `client.groups()`: list, create, get, replace, delete, members, membership changes, and the
//! group rules (read only).

use crate::client::{Call, Client};
use crate::error::Error;
use crate::page::{items, segment, with_query, ListQuery};
use futures_util::stream::BoxStream;
use futures_util::TryStreamExt;
use okta_model::{CreateGroupRequest, Group, GroupId, GroupProfile, GroupRule, User, UserId};
use reqwest::Method;

#[derive(Debug, Clone, Copy)]
/// The Groups API: groups and their members. From [`Client::groups`](crate::Client::groups).
pub struct Groups<'c> {
    client: &'c Client,
}

impl<'c> Groups<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Every group the query matches, page after page as Okta links them.
    pub fn list(&self, query: &ListQuery) -> BoxStream<'static, Result<Group, Error>> {
        items(self.client, query.path("/api/v1/groups"))
    }

    /// The group with exactly this name (case-insensitive), if any.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Group>, Error> {
        let query = ListQuery {
            q: Some(name.to_owned()),
            limit: Some(10_000),
            ..Default::default()
        };
        let groups: Vec<Group> = self.list(&query).try_collect().await?;
        Ok(groups
            .into_iter()
            .find(|g| g.profile.name.eq_ignore_ascii_case(name)))
    }

    /// Creates an OKTA_GROUP. When the outcome is unknown, the name is looked up rather than
    /// sent again blindly.
    pub async fn create(&self, profile: &GroupProfile) -> Result<Group, Error> {
        let body = CreateGroupRequest {
            profile: profile.clone(),
        };
        let json = serde_json::to_vec(&body).expect("request types serialize");
        for _ in 0..3 {
            let call = Call::new(Method::POST, "/api/v1/groups", Some(&json), false);
            match self.client.send(call).await {
                Ok(answer) => return answer.json(),
                Err(e) if e.outcome_unknown() => {
                    if let Some(group) = self.find_by_name(&profile.name).await? {
                        return Ok(group);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Transport(crate::error::TransportError::Unknown(
            format!("the create of group {} stayed unanswered", profile.name),
        )))
    }

    /// `GET /api/v1/groups/{id}`.
    pub async fn get(&self, id: &GroupId) -> Result<Group, Error> {
        let path = format!("/api/v1/groups/{}", segment(id.as_str()));
        self.client.send(Call::get(&path)).await?.json()
    }

    /// Replaces an OKTA_GROUP's profile.
    pub async fn replace(&self, id: &GroupId, profile: &GroupProfile) -> Result<Group, Error> {
        let path = format!("/api/v1/groups/{}", segment(id.as_str()));
        let body = CreateGroupRequest {
            profile: profile.clone(),
        };
        let json = serde_json::to_vec(&body).expect("request types serialize");
        self.client
            .send(Call::new(Method::PUT, &path, Some(&json), true))
            .await?
            .json()
    }

    /// Deletes a group (its members stay users).
    pub async fn delete(&self, id: &GroupId) -> Result<(), Error> {
        let path = format!("/api/v1/groups/{}", segment(id.as_str()));
        self.client
            .send(Call::new(Method::DELETE, &path, None, false))
            .await
            .map(drop)
    }

    /// The group's members, `limit` per page.
    pub fn members(
        &self,
        id: &GroupId,
        limit: Option<u32>,
    ) -> BoxStream<'static, Result<User, Error>> {
        let path = with_query(
            &format!("/api/v1/groups/{}/users", segment(id.as_str())),
            &[("limit", limit.map(|l| l.to_string()))],
        );
        items(self.client, path)
    }

    /// Every group rule of the org, 200 a page (Okta's largest): what fills groups by profile.
    pub fn rules(&self) -> BoxStream<'static, Result<GroupRule, Error>> {
        items(self.client, "/api/v1/groups/rules?limit=200".to_owned())
    }

    /// Puts the user in the group; doing it again changes nothing.
    pub async fn add_member(&self, group_id: &GroupId, user_id: &UserId) -> Result<(), Error> {
        let path = format!(
            "/api/v1/groups/{}/users/{}",
            segment(group_id.as_str()),
            segment(user_id.as_str())
        );
        self.client
            .send(Call::new(Method::PUT, &path, None, true))
            .await
            .map(drop)
    }

    /// Takes the user out of the group; doing it again changes nothing.
    pub async fn remove_member(&self, group_id: &GroupId, user_id: &UserId) -> Result<(), Error> {
        let path = format!(
            "/api/v1/groups/{}/users/{}",
            segment(group_id.as_str()),
            segment(user_id.as_str())
        );
        self.client
            .send(Call::new(Method::DELETE, &path, None, true))
            .await
            .map(drop)
    }
}
