use super::support::{assert_error, profile, Env, TOKEN};
use okta_emulator::EmulatorConfig;
use serde_json::{json, Value};

async fn status(req: reqwest::RequestBuilder) -> u16 {
    req.send().await.expect("request sent").status().as_u16()
}

/// The status and JSON body of a request.
async fn answer(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("request sent");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json body"))
}

fn replace(env: &Env, path: &str, body: &Value) -> reqwest::RequestBuilder {
    env.http
        .put(env.url(path))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .json(body)
}

async fn member_ids(env: &Env, group: &str) -> Vec<String> {
    let members: Vec<Value> = env.get_json(&format!("/api/v1/groups/{group}/users")).await;
    members
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect()
}

fn user(login: &str, last_name: &str) -> Value {
    let mut body = profile(login);
    body["profile"]["lastName"] = json!(last_name);
    body
}

fn rule(name: &str, expression: &str, group: &str) -> Value {
    json!({
        "type": "group_rule",
        "name": name,
        "conditions": {"expression": {"type": "urn:okta:expression:1.0", "value": expression}},
        "actions": {"assignUserToGroups": {"groupIds": [group]}}
    })
}

#[tokio::test]
async fn a_users_role_is_assigned_narrowed_to_groups_and_unassigned() {
    let env = Env::start().await;
    let uid = env.create_user("", &profile("admin@example.com")).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (g1, g2) = (
        env.create_group("Sales").await,
        env.create_group("HR").await,
    );
    let roles = format!("/api/v1/users/{uid}/roles");
    let (code, role) = answer(env.post(&roles, &json!({"type": "USER_ADMIN"}))).await;
    assert_eq!(code, 201);
    assert_eq!(role["label"], "Group Administrator");
    assert_eq!(role["status"], "ACTIVE");
    assert_eq!(role["assignmentType"], "USER");
    assert!(role["_links"]["assignee"]["href"]
        .as_str()
        .expect("href")
        .ends_with(&format!("/api/v1/users/{uid}")));
    let rid = role["id"].as_str().expect("id").to_owned();
    let listed: Vec<Value> = env.get_json(&roles).await;
    assert_eq!(listed, vec![role.clone()]);
    let again = env
        .post(&roles, &json!({"type": "USER_ADMIN"}))
        .send()
        .await;
    assert_error(
        again.expect("sent"),
        400,
        "E0000001",
        "Api validation failed: type",
        &["type: The role specified is already assigned to the user"],
    )
    .await;

    let targets = format!("{roles}/{rid}/targets/groups");
    let none: Vec<Value> = env.get_json(&targets).await;
    assert!(none.is_empty(), "no targets: every group");
    for g in [&g1, &g2, &g1] {
        assert_eq!(status(env.put(&format!("{targets}/{g}"))).await, 204);
    }
    let listed: Vec<Value> = env.get_json(&targets).await;
    let ids: Vec<&str> = listed
        .iter()
        .map(|g| g["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        vec![g1.as_str(), g2.as_str()],
        "added once each, in order"
    );
    assert_eq!(status(env.delete(&format!("{targets}/{g1}"))).await, 204);
    let last = env.delete(&format!("{targets}/{g2}")).send().await;
    assert_eq!(last.expect("sent").status(), 400, "the last target stays");

    let app = env
        .post(&roles, &json!({"type": "APP_ADMIN"}))
        .send()
        .await
        .expect("sent");
    let app: Value = app.json().await.expect("json");
    let app_targets = format!(
        "{roles}/{}/targets/groups/{g1}",
        app["id"].as_str().expect("id")
    );
    assert_eq!(
        status(env.put(&app_targets)).await,
        400,
        "APP_ADMIN has no group targets"
    );
    let custom = status(env.post(&roles, &json!({"type": "CUSTOM"}))).await;
    assert_eq!(custom, 400, "custom roles are not emulated");

    assert_eq!(status(env.delete(&format!("{roles}/{rid}"))).await, 204);
    let left: Vec<Value> = env.get_json(&roles).await;
    assert_eq!(left.len(), 1, "APP_ADMIN remains");
    assert_eq!(status(env.get(&format!("{roles}/{rid}"))).await, 404);
}

#[tokio::test]
async fn a_groups_roles_and_targets_follow_deletions() {
    let env = Env::start().await;
    let (admins, sales) = (
        env.create_group("Admins").await,
        env.create_group("Sales").await,
    );
    let roles = format!("/api/v1/groups/{admins}/roles");
    let (code, role) = answer(env.post(&roles, &json!({"type": "HELP_DESK_ADMIN"}))).await;
    assert_eq!(code, 201, "a group's role is created, as a user's");
    assert_eq!(role["assignmentType"], "GROUP");
    let rid = role["id"].as_str().expect("id");
    let target = format!("{roles}/{rid}/targets/groups/{sales}");
    assert_eq!(status(env.put(&target)).await, 204);
    assert_eq!(
        status(env.delete(&format!("/api/v1/groups/{sales}"))).await,
        204
    );
    let targets: Vec<Value> = env.get_json(&format!("{roles}/{rid}/targets/groups")).await;
    assert!(targets.is_empty(), "a deleted group is no target");

    let everyone: Vec<Value> = env.get_json("/api/v1/groups?q=Everyone").await;
    let everyone = everyone[0]["id"].as_str().expect("id");
    let resp = status(env.post(
        &format!("/api/v1/groups/{everyone}/roles"),
        &json!({"type": "READ_ONLY_ADMIN"}),
    ))
    .await;
    assert_eq!(resp, 501, "Everyone cannot be an admin group");

    let rule_on_admins = status(env.post(
        "/api/v1/groups/rules",
        &rule("To admins", "user.lastName==\"X\"", &admins),
    ))
    .await;
    assert_eq!(rule_on_admins, 400, "no rule assigns to an admin group");
    assert_eq!(
        status(env.delete(&format!("/api/v1/groups/{admins}"))).await,
        204
    );
    assert_eq!(status(env.get(&roles)).await, 404);
}

#[tokio::test]
async fn an_active_rule_puts_matching_users_in_its_groups_and_takes_them_out() {
    let env = Env::start().await;
    let doe = env
        .create_user("?activate=false", &user("doe@example.com", "Doe"))
        .await;
    let doe = doe["id"].as_str().expect("id").to_owned();
    let roe = env.create_user("", &user("roe@example.com", "Roe")).await;
    let roe = roe["id"].as_str().expect("id").to_owned();
    let group = env.create_group("Does").await;
    let created: Value = env
        .post_json(
            "/api/v1/groups/rules",
            &rule("Does", "user.lastName==\"Doe\"", &group),
        )
        .await;
    assert_eq!(created["status"], "INACTIVE");
    assert_eq!(created["type"], "group_rule");
    assert!(
        created["conditions"].get("people").is_none(),
        "Okta shows people only on a rule that excludes someone: {created}"
    );
    let id = created["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("0pr"));
    assert!(
        member_ids(&env, &group).await.is_empty(),
        "an inactive rule does nothing"
    );

    let rules = "/api/v1/groups/rules";
    assert_eq!(
        status(env.post(&format!("{rules}/{id}/lifecycle/activate"), &json!({}))).await,
        204
    );
    assert_eq!(member_ids(&env, &group).await, vec![doe.clone()]);
    let later = env.create_user("", &user("doe2@example.com", "Doe")).await;
    let later = later["id"].as_str().expect("id").to_owned();
    assert_eq!(
        member_ids(&env, &group).await,
        vec![doe.clone(), later.clone()],
        "a new user is run through active rules"
    );
    let renamed = status(env.post(
        &format!("/api/v1/users/{later}"),
        &json!({"profile": {"lastName": "Poe"}}),
    ))
    .await;
    assert_eq!(renamed, 200);
    assert_eq!(
        member_ids(&env, &group).await,
        vec![doe.clone()],
        "a user who stops matching leaves"
    );

    let roes = rule("Roes", "user.lastName==\"Roe\"", &group);
    let replaced = status(replace(&env, &format!("{rules}/{id}"), &roes)).await;
    assert_eq!(replaced, 400, "an active rule cannot be replaced");
    assert_eq!(
        status(env.post(&format!("{rules}/{id}/lifecycle/deactivate"), &json!({}))).await,
        204
    );
    assert_eq!(
        member_ids(&env, &group).await,
        vec![doe.clone()],
        "deactivation keeps memberships"
    );
    let (code, replaced) = answer(replace(&env, &format!("{rules}/{id}"), &roes)).await;
    assert_eq!((code, &replaced["name"]), (200, &json!("Roes")));
    assert_eq!(
        status(env.post(&format!("{rules}/{id}/lifecycle/activate"), &json!({}))).await,
        204
    );
    assert_eq!(
        member_ids(&env, &group).await,
        vec![roe.clone()],
        "re-activation runs the new expression"
    );

    assert_eq!(
        status(env.delete(&format!("/api/v1/groups/{group}/users/{roe}"))).await,
        204
    );
    let excluded: Value = env.get_json(&format!("{rules}/{id}")).await;
    assert_eq!(
        excluded["conditions"]["people"]["users"]["exclude"],
        json!([roe])
    );
    assert_eq!(
        status(env.delete(&format!("{rules}/{id}"))).await,
        400,
        "an active rule cannot be deleted"
    );
    let listed: Vec<Value> = env
        .get_json(&format!("{rules}?expand=groupIdToGroupNameMap"))
        .await;
    assert_eq!(
        listed[0]["_embedded"]["groupIdToGroupNameMap"][&group],
        "Does"
    );
}

#[tokio::test]
async fn deleting_a_rule_with_remove_users_takes_its_users_out() {
    let env = Env::start().await;
    let a = env.create_user("", &user("a@example.com", "Doe")).await;
    let a = a["id"].as_str().expect("id").to_owned();
    let group = env.create_group("Does").await;
    let rules = "/api/v1/groups/rules";
    let keep: Value = env
        .post_json(
            rules,
            &rule("Keep", "String.startsWith(user.lastName, \"D\")", &group),
        )
        .await;
    let keep = keep["id"].as_str().expect("id").to_owned();
    assert_eq!(
        status(env.post(&format!("{rules}/{keep}/lifecycle/activate"), &json!({}))).await,
        204
    );
    assert_eq!(
        status(env.post(&format!("{rules}/{keep}/lifecycle/deactivate"), &json!({}))).await,
        204
    );
    assert_eq!(status(env.delete(&format!("{rules}/{keep}"))).await, 202);
    assert_eq!(
        member_ids(&env, &group).await,
        vec![a.clone()],
        "removeUsers defaults to false"
    );

    let drop: Value = env
        .post_json(rules, &rule("Drop", "user.lastName==\"Doe\"", &group))
        .await;
    let drop = drop["id"].as_str().expect("id").to_owned();
    assert_eq!(
        status(env.post(&format!("{rules}/{drop}/lifecycle/activate"), &json!({}))).await,
        204
    );
    assert_eq!(
        status(env.post(&format!("{rules}/{drop}/lifecycle/deactivate"), &json!({}))).await,
        204
    );
    assert_eq!(
        status(env.delete(&format!("{rules}/{drop}?removeUsers=true"))).await,
        202
    );
    assert!(member_ids(&env, &group).await.is_empty());
    let none: Vec<Value> = env.get_json(rules).await;
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_rule_is_refused_for_what_it_could_not_evaluate() {
    let env = Env::start().await;
    let group = env.create_group("G").await;
    let rules = "/api/v1/groups/rules";
    for (expression, cause) in [
        ("user.lastName==", "conditions.expression.value: Invalid expression: the expression ends early"),
        ("user.nickname==\"x\"", "conditions.expression.value: Invalid property nickname in expression"),
        ("isMemberOfAnyGroup(\"00g1\")", "the expression function isMemberOfAnyGroup: not emulated by okta-emulator (see its README)"),
    ] {
        let resp = env.post(rules, &rule("R", expression, &group)).send().await.expect("sent");
        assert_eq!(resp.status(), 400, "{expression}");
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["errorCauses"][0]["errorSummary"], cause, "{expression}");
    }
    let no_group = rule("R", "user.lastName==\"x\"", "00gmissing");
    assert_eq!(status(env.post(rules, &no_group)).await, 404);
    let long = rule(&"n".repeat(51), "user.lastName==\"x\"", &group);
    assert_eq!(status(env.post(rules, &long)).await, 400);
}

#[tokio::test]
async fn roles_and_rules_are_kept_in_the_sqlite_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("org.db");
    let start = || EmulatorConfig::new(TOKEN).db(&db).start();
    let first = Env::with_emulator(start().await.expect("starts"));
    let uid = first.create_user("", &user("a@example.com", "Doe")).await;
    let uid = uid["id"].as_str().expect("id").to_owned();
    let group = first.create_group("Does").await;
    let role: Value = first
        .post_json(
            &format!("/api/v1/users/{uid}/roles"),
            &json!({"type": "USER_ADMIN"}),
        )
        .await;
    let rule: Value = first
        .post_json(
            "/api/v1/groups/rules",
            &rule("Does", "user.lastName==\"Doe\"", &group),
        )
        .await;
    let rid = rule["id"].as_str().expect("id").to_owned();
    let activate = format!("/api/v1/groups/rules/{rid}/lifecycle/activate");
    assert_eq!(status(first.post(&activate, &json!({}))).await, 204);
    first.emulator.shutdown().await;

    let second = Env::with_emulator(start().await.expect("restarts"));
    let roles: Vec<Value> = second.get_json(&format!("/api/v1/users/{uid}/roles")).await;
    assert_eq!(roles[0]["id"], role["id"]);
    let kept: Value = second
        .get_json(&format!("/api/v1/groups/rules/{rid}"))
        .await;
    assert_eq!(kept["status"], "ACTIVE");
    let renamed = second
        .post(
            &format!("/api/v1/users/{uid}"),
            &json!({"profile": {"lastName": "Poe"}}),
        )
        .send()
        .await;
    assert_eq!(renamed.expect("sent").status(), 200);
    assert!(
        member_ids(&second, &group).await.is_empty(),
        "the rule's users were kept too"
    );
}

#[tokio::test]
async fn a_rule_whose_group_is_deleted_is_invalid_until_deleted() {
    let env = Env::start().await;
    let group = env.create_group("Gone").await;
    let rules = "/api/v1/groups/rules";
    let created: Value = env
        .post_json(rules, &rule("Gone", "user.lastName==\"X\"", &group))
        .await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(
        status(env.delete(&format!("/api/v1/groups/{group}"))).await,
        204
    );
    let invalid: Value = env.get_json(&format!("{rules}/{id}")).await;
    assert_eq!(invalid["status"], "INVALID");
    assert_eq!(
        invalid["actions"]["assignUserToGroups"]["groupIds"],
        json!([])
    );
    let activate = env.post(&format!("{rules}/{id}/lifecycle/activate"), &json!({}));
    assert_error(
        activate.send().await.expect("sent"),
        400,
        "E0000001",
        "Api validation failed: status",
        &["status: The rule is INVALID (one of its groups was deleted); delete it and create it again"],
    )
    .await;
    assert_eq!(status(env.delete(&format!("{rules}/{id}"))).await, 202);
}
