use super::support::{assert_error, assert_not_found, collect_pages, profile, Env};
use okta_emulator::Seed;
use serde_json::{json, Value};

#[tokio::test]
async fn group_crud_and_unique_names() {
    let env = Env::start().await;
    let id = env.create_group("West Coast users").await;
    let path = format!("/api/v1/groups/{id}");
    let group: Value = env.get_json(&path).await;
    assert_eq!(group["type"], "OKTA_GROUP");
    assert_eq!(group["objectClass"], json!(["okta:user_group"]));
    assert!(group["_links"]["users"]["href"]
        .as_str()
        .expect("users link")
        .ends_with("/users"));

    let resp = env
        .post(
            "/api/v1/groups",
            &json!({"profile": {"name": "west coast USERS"}}),
        )
        .send()
        .await
        .expect("sent");
    assert_error(
        resp,
        400,
        "E0000001",
        "Api validation failed: name",
        &["name: An object with this field already exists in the current organization"],
    )
    .await;

    let resp = env
        .put(&path)
        .json(&json!({"profile": {"name": "Renamed", "description": "d"}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.json::<Value>().await.expect("json")["profile"]["name"],
        "Renamed"
    );
    assert_eq!(env.delete(&path).send().await.expect("sent").status(), 204);
    let resp = env.fetch(&path).await;
    assert_not_found(resp, &id, "UserGroup").await;
}

#[tokio::test]
async fn membership_is_idempotent_and_listed() {
    let env = Env::start().await;
    let gid = env.create_group("Eng").await;
    let user = env.create_user("", &profile("m@example.com")).await;
    let uid = user["id"].as_str().expect("id");
    let member = format!("/api/v1/groups/{gid}/users/{uid}");
    for _ in 0..2 {
        let resp = env.put(&member).send().await.expect("sent");
        assert_eq!(resp.status(), 204);
        assert!(resp.bytes().await.expect("body").is_empty());
    }
    let members: Vec<Value> = env.get_json(&format!("/api/v1/groups/{gid}/users")).await;
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["id"], uid);
    for _ in 0..2 {
        assert_eq!(
            env.delete(&member).send().await.expect("sent").status(),
            204
        );
    }
    let resp = env
        .put(&format!("/api/v1/groups/{gid}/users/00unope"))
        .send()
        .await
        .expect("sent");
    assert_not_found(resp, "00unope", "User").await;
    let resp = env
        .put(&format!("/api/v1/groups/00gnope/users/{uid}"))
        .send()
        .await
        .expect("sent");
    assert_not_found(resp, "00gnope", "UserGroup").await;
}

#[tokio::test]
async fn built_in_and_app_groups_refuse_membership_changes() {
    let env = Env::start().await;
    let report = env
        .emulator
        .seed(serde_json::from_value::<Seed>(json!({
            "groups": [{"name": "AD Staff", "type": "APP_GROUP"}],
            "users": [{"profile": {"login": "ad@example.com", "email": "ad@example.com", "firstName": "A", "lastName": "D"},
                       "groups": ["AD Staff"]}]
        })).expect("seed"))
        .await
        .expect("seeded");
    let uid = &report.users["ad@example.com"];
    let app = &report.groups["AD Staff"];
    let groups: Vec<Value> = env.get_json("/api/v1/groups?q=Every").await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["type"], "BUILT_IN");
    let everyone = groups[0]["id"].as_str().expect("id");
    for gid in [everyone, app.as_str()] {
        let resp = env
            .put(&format!("/api/v1/groups/{gid}/users/{uid}"))
            .send()
            .await
            .expect("sent");
        assert_error(resp, 501, "E0000060", "Unsupported operation.", &[]).await;
    }
    let members: Vec<Value> = env.get_json(&format!("/api/v1/groups/{app}/users")).await;
    assert_eq!(members.len(), 1, "seeded APP_GROUP members are listed");
    let everyone_members: Vec<Value> = env
        .get_json(&format!("/api/v1/groups/{everyone}/users"))
        .await;
    assert_eq!(
        everyone_members.len(),
        env.emulator.user_count(),
        "every user is in Everyone, the org's admin too"
    );
}

#[tokio::test]
async fn groups_and_members_page_past_200() {
    let env = Env::start().await;
    let groups: Vec<Value> = (0..260)
        .map(|i| json!({"name": format!("team-{i:03}")}))
        .collect();
    let users: Vec<Value> = (0..450)
        .map(|i| json!({"profile": {"login": format!("p{i}@example.com"), "email": format!("p{i}@example.com"),
                                    "firstName": "P", "lastName": "Q"}, "groups": ["team-000"]}))
        .collect();
    let report = env
        .emulator
        .seed(
            serde_json::from_value::<Seed>(json!({"groups": groups, "users": users}))
                .expect("seed"),
        )
        .await
        .expect("seeded");
    let (all, pages) = collect_pages(&env, "/api/v1/groups").await;
    assert_eq!(all.len(), 261, "260 and Everyone");
    assert_eq!(pages, 2);
    let team = &report.groups["team-000"];
    let (members, pages) =
        collect_pages(&env, &format!("/api/v1/groups/{team}/users?limit=200")).await;
    assert_eq!(members.len(), 450);
    assert_eq!(pages, 3);
    let (filtered, _) = collect_pages(
        &env,
        "/api/v1/groups?search=profile.name%20sw%20%22team-01%22",
    )
    .await;
    assert_eq!(filtered.len(), 10);
    let (built_in, _) =
        collect_pages(&env, "/api/v1/groups?filter=type%20eq%20%22BUILT_IN%22").await;
    assert_eq!(built_in.len(), 1);
}

#[tokio::test]
async fn the_group_schema_takes_custom_attributes() {
    let env = Env::start().await;
    let schema: Value = env.get_json("/api/v1/meta/schemas/group/default").await;
    assert_eq!(schema["definitions"]["base"]["required"], json!(["name"]));
    let add = json!({"definitions": {"custom": {"id": "#custom", "type": "object", "properties": {
        "costCenter": {"title": "Cost center", "type": "string", "maxLength": 20}}}}});
    let updated: Value = env
        .post_json("/api/v1/meta/schemas/group/default", &add)
        .await;
    assert_eq!(
        updated["definitions"]["custom"]["properties"]["costCenter"]["title"],
        "Cost center"
    );
    // some clients send the attributes at the top level; null removes one
    let remove = json!({"id": "#custom", "type": "object", "properties": {"required": [], "costCenter": null}});
    let removed: Value = env
        .post_json("/api/v1/meta/schemas/group/default", &remove)
        .await;
    assert_eq!(removed["definitions"]["custom"]["properties"], json!({}));
}

#[tokio::test]
async fn group_custom_attributes_are_stored_or_refused_never_dropped() {
    let env = Env::start().await;
    let gid = env.create_group("Custom").await;
    let put = |profile: Value| {
        env.put(&format!("/api/v1/groups/{gid}"))
            .json(&json!({ "profile": profile }))
            .send()
    };
    let resp = put(json!({"name": "Custom", "costCode": "A1"}))
        .await
        .expect("sent");
    let cause = "costCode: Property name 'costCode' is not defined in profile";
    assert_error(
        resp,
        400,
        "E0000001",
        "Api validation failed: costCode",
        &[cause],
    )
    .await;
    let attr = json!({"definitions": {"custom": {"properties": {
        "costCode": {"title": "Cost code", "type": "string"}}}}});
    let schema = env
        .post_json("/api/v1/meta/schemas/group/default", &attr)
        .await;
    let defined = &schema["definitions"]["custom"]["properties"]["costCode"];
    assert_eq!(defined["master"]["type"], "PROFILE_MASTER", "{schema}");
    assert_eq!(defined["mutability"], "READ_WRITE");
    let resp = put(json!({"name": "Custom", "costCode": "A1"}))
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    let group: Value = env.get_json(&format!("/api/v1/groups/{gid}")).await;
    assert_eq!(group["profile"]["costCode"], "A1");
    assert_eq!(group["profile"]["description"], Value::Null);
}
