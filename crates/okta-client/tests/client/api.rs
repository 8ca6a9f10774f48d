use super::support::{client, emulator, new_user, NEW_ORG_USERS};
use futures_util::TryStreamExt;
use okta_client::{CreateUserOptions, Error, ListQuery};
use okta_emulator::{RateLimitConfig, Seed};
use okta_model::GroupProfile;
use serde_json::json;

#[tokio::test]
async fn pages_follow_next_links_past_200() {
    let emulator = emulator(RateLimitConfig::off()).await;
    let users: Vec<_> = (0..450)
        .map(|i| json!({"profile": {"login": format!("p{i}@example.com"), "email": format!("p{i}@example.com"),
                                    "firstName": "P", "lastName": "Q"}, "groups": ["Big"]}))
        .collect();
    let seed: Seed =
        serde_json::from_value(json!({"groups": [{"name": "Big"}], "users": users})).expect("seed");
    let report = emulator.seed(seed).await.expect("seeded");
    let client = client(&emulator, 100, 4);
    let all: Vec<_> = client
        .users()
        .list(&ListQuery::default())
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(
        all.len(),
        NEW_ORG_USERS + 450,
        "the seeded and the org's admin"
    );
    let small: Vec<_> = client
        .users()
        .list(&{
            let mut query = ListQuery::default();
            query.limit = Some(100);
            query.search = Some(r#"profile.login sw "p1""#.into());
            query
        })
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(small.len(), 111, "p1, p10-p19, p100-p199");
    let members: Vec<_> = client
        .groups()
        .members(&report.groups["Big"].as_str().into(), Some(200))
        .try_collect()
        .await
        .expect("members");
    assert_eq!(members.len(), 450);
    let groups: Vec<_> = client
        .groups()
        .list(&ListQuery::default())
        .try_collect()
        .await
        .expect("groups");
    assert_eq!(groups.len(), 2);
}

#[tokio::test]
async fn okta_errors_decode_with_every_field_and_the_request_id() {
    let emulator = emulator(RateLimitConfig::off()).await;
    let client = client(&emulator, 100, 4);
    client
        .users()
        .create(&new_user(1), CreateUserOptions::default())
        .await
        .expect("created");
    let err = client
        .users()
        .create(&new_user(1), CreateUserOptions::default())
        .await
        .expect_err("duplicate");
    let Error::Api {
        status,
        error,
        request_id,
    } = &err
    else {
        panic!("not an API error: {err:?}")
    };
    assert_eq!(*status, 400);
    assert_eq!(error.error_code, "E0000001");
    assert_eq!(error.error_summary, "Api validation failed: login");
    assert_eq!(
        error.error_causes[0].error_summary,
        "login: An object with this field already exists in the current organization"
    );
    assert!(request_id
        .as_deref()
        .is_some_and(|id| id.starts_with("req")));
    assert!(err.to_string().contains("E0000001"), "{err}");
}

#[tokio::test]
async fn lifecycle_groups_and_membership_through_the_handlers() {
    let emulator = emulator(RateLimitConfig::off()).await;
    let client = client(&emulator, 100, 4);
    let staged = client
        .users()
        .create(&new_user(1), {
            let mut options = CreateUserOptions::default();
            options.activate = false;
            options
        })
        .await
        .expect("created");
    let id = &staged.user.id;
    let token = client.users().activate(id, false).await.expect("activated");
    assert!(token.activation_token.is_some());
    client
        .users()
        .deactivate(id, false)
        .await
        .expect("deactivated");
    let group = client
        .groups()
        .create(&GroupProfile {
            name: "Eng".into(),
            description: None,
            custom: Default::default(),
        })
        .await
        .expect("group");
    client
        .groups()
        .add_member(&group.id, id)
        .await
        .expect("added");
    client
        .groups()
        .add_member(&group.id, id)
        .await
        .expect("added again: idempotent");
    let groups = client.users().groups(id).await.expect("groups");
    assert_eq!(groups.len(), 2);
    assert_eq!(
        client
            .groups()
            .find_by_name("eng")
            .await
            .expect("found")
            .map(|g| g.id),
        Some(group.id.clone())
    );
    client
        .groups()
        .remove_member(&group.id, id)
        .await
        .expect("removed");
    client.users().delete(id).await.expect("deleted");
    assert_eq!(
        client
            .users()
            .find_by_login("person00001@example.com")
            .await
            .expect("looked up"),
        None
    );
    let schema = client.users().schema().await.expect("schema");
    assert!(schema.attribute("login").is_some());
}

#[tokio::test]
async fn config_errors_are_clear() {
    let bad = okta_client::Client::builder(
        "http://dev-123.okta.com",
        okta_client::Credentials::ApiToken(okta_client::Secret::new("t")),
    )
    .expect_err("http refused");
    assert!(bad.to_string().contains("https"), "{bad}");
    let token = okta_client::Client::builder(
        "https://dev-123.okta.com",
        okta_client::Credentials::ApiToken(okta_client::Secret::new("{apiToken}")),
    )
    .expect_err("placeholder");
    assert!(token.to_string().contains("token"), "{token}");
}
