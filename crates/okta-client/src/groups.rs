//! `client.groups()`: list, create, get, replace, delete, members, and membership changes.

use crate::client::{Call, Client};
use crate::error::Error;
use crate::page::{items, segment, with_query, ListQuery};
use futures_util::stream::BoxStream;
use futures_util::TryStreamExt;
use okta_model::{CreateGroupRequest, Group, GroupProfile, User};
use reqwest::Method;

#[derive(Debug, Clone, Copy)]
pub struct Groups<'c> {
    client: &'c Client,
}

impl<'c> Groups<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

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

    pub async fn get(&self, id: &str) -> Result<Group, Error> {
        let path = format!("/api/v1/groups/{}", segment(id));
        self.client.send(Call::get(&path)).await?.json()
    }

    pub async fn replace(&self, id: &str, profile: &GroupProfile) -> Result<Group, Error> {
        let path = format!("/api/v1/groups/{}", segment(id));
        let body = CreateGroupRequest {
            profile: profile.clone(),
        };
        let json = serde_json::to_vec(&body).expect("request types serialize");
        self.client
            .send(Call::new(Method::PUT, &path, Some(&json), true))
            .await?
            .json()
    }

    pub async fn delete(&self, id: &str) -> Result<(), Error> {
        let path = format!("/api/v1/groups/{}", segment(id));
        self.client
            .send(Call::new(Method::DELETE, &path, None, false))
            .await
            .map(drop)
    }

    pub fn members(&self, id: &str, limit: Option<u32>) -> BoxStream<'static, Result<User, Error>> {
        let path = with_query(
            &format!("/api/v1/groups/{}/users", segment(id)),
            &[("limit", limit.map(|l| l.to_string()))],
        );
        items(self.client, path)
    }

    /// Puts the user in the group; doing it again changes nothing.
    pub async fn add_member(&self, group_id: &str, user_id: &str) -> Result<(), Error> {
        let path = format!(
            "/api/v1/groups/{}/users/{}",
            segment(group_id),
            segment(user_id)
        );
        self.client
            .send(Call::new(Method::PUT, &path, None, true))
            .await
            .map(drop)
    }

    /// Takes the user out of the group; doing it again changes nothing.
    pub async fn remove_member(&self, group_id: &str, user_id: &str) -> Result<(), Error> {
        let path = format!(
            "/api/v1/groups/{}/users/{}",
            segment(group_id),
            segment(user_id)
        );
        self.client
            .send(Call::new(Method::DELETE, &path, None, true))
            .await
            .map(drop)
    }
}
