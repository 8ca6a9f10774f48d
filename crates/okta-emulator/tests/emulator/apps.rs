use super::support::{assert_error, assert_not_found, collect_pages, profile, Env, TOKEN};
use okta_emulator::EmulatorConfig;
use serde_json::{json, Value};

async fn bookmark(env: &Env, label: &str) -> String {
    let app = env
        .post_json(
            "/api/v1/apps",
            &json!({"label": label, "signOnMode": "BOOKMARK",
                    "settings": {"app": {"url": "https://example.com/b", "requestIntegration": false}}}),
        )
        .await;
    assert_eq!(app["status"], "ACTIVE", "{app}");
    assert_eq!(app["name"], "bookmark");
    app["id"].as_str().expect("an id").to_owned()
}

async fn swa(env: &Env, scheme: &str) -> String {
    let app = env
        .post_json(
            "/api/v1/apps",
            &json!({"label": "Shared", "signOnMode": "BROWSER_PLUGIN", "name": "template_swa",
                    "credentials": {"scheme": scheme},
                    "settings": {"app": {"url": "https://example.com/login", "buttonField": "b",
                                         "usernameField": "u", "passwordField": "p"}}}),
        )
        .await;
    app["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn a_group_gives_its_members_the_app_and_takes_it_back() {
    let env = Env::start().await;
    let app = bookmark(&env, "Wiki").await;
    let ann = env.create_user("", &profile("ann@example.com")).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let group = env.create_group("Wiki users").await;
    let member = |user: &str| format!("/api/v1/groups/{group}/users/{user}");
    env.put(&member(&ann)).send().await.expect("sent");
    let assigned: Value = env
        .put(&format!("/api/v1/apps/{app}/groups/{group}"))
        .json(&json!({"priority": 0}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(assigned["priority"], 0);

    let app_user: Value = env
        .get_json(&format!("/api/v1/apps/{app}/users/{ann}"))
        .await;
    assert_eq!(app_user["scope"], "GROUP");
    assert_eq!(app_user["credentials"]["userName"], "ann@example.com");

    // Unassigning her directly is refused: the group gives her the app.
    let resp = env
        .delete(&format!("/api/v1/apps/{app}/users/{ann}"))
        .send()
        .await
        .expect("sent");
    assert_error(
        resp,
        403,
        "E0000046",
        "Deactivate application for user forbidden.",
        &["The user has the application through a group: remove the user from the group or the group from the application."],
    )
    .await;

    // Leaving the group takes the app away.
    env.delete(&member(&ann)).send().await.expect("sent");
    let resp = env.fetch(&format!("/api/v1/apps/{app}/users/{ann}")).await;
    assert_not_found(resp, &ann, "AppUser").await;
    let apps: Vec<Value> = env.get_json(&format!("/api/v1/groups/{group}/apps")).await;
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["id"], app.as_str());
}

#[tokio::test]
async fn direct_assignments_follow_the_apps_scheme_and_status() {
    let env = Env::start().await;
    let ann = env.create_user("", &profile("ann@example.com")).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let shared = swa(&env, "SHARED_USERNAME_AND_PASSWORD").await;
    let resp = env
        .post(
            &format!("/api/v1/apps/{shared}/users"),
            &json!({"id": ann, "scope": "USER", "credentials": {"userName": "ann"}}),
        )
        .send()
        .await
        .expect("sent");
    assert_error(
        resp,
        400,
        "E0000041",
        "Credentials should not be set on this resource based on the scheme.",
        &["User level credentials should not be provided for this scheme."],
    )
    .await;

    let admin_sets = swa(&env, "ADMIN_SETS_CREDENTIALS").await;
    let app_user = env
        .post_json(
            &format!("/api/v1/apps/{admin_sets}/users"),
            &json!({"id": ann, "scope": "USER",
                    "credentials": {"userName": "ann.s", "password": {"value": "S3cret!!"}},
                    "profile": {"role": "editor"}}),
        )
        .await;
    assert_eq!(app_user["scope"], "USER");
    assert_eq!(
        app_user["credentials"],
        json!({"userName": "ann.s", "password": {}})
    );
    assert_eq!(app_user["profile"], json!({"role": "editor"}));
    let resp = env
        .delete(&format!("/api/v1/apps/{admin_sets}/users/{ann}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 204);

    // An inactive app takes no assignment, an active one cannot be deleted, an unknown one is 404.
    let deactivated = env
        .post_json(
            &format!("/api/v1/apps/{admin_sets}/lifecycle/deactivate"),
            &json!({}),
        )
        .await;
    assert_eq!(deactivated, json!({}));
    let resp = env
        .post(
            &format!("/api/v1/apps/{admin_sets}/users"),
            &json!({"id": ann}),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 400);
    let resp = env
        .delete(&format!("/api/v1/apps/{shared}"))
        .send()
        .await
        .expect("sent");
    assert_error(
        resp,
        403,
        "E0000056",
        "Delete application forbidden.",
        &["The application must be deactivated before it is deleted."],
    )
    .await;
    let resp = env.fetch("/api/v1/apps/0oaNoSuchApp000000000").await;
    assert_not_found(resp, "0oaNoSuchApp000000000", "AppInstance").await;
    let resp = env
        .post(
            &format!("/api/v1/apps/{shared}/users"),
            &json!({"id": "00uNoSuchUser"}),
        )
        .send()
        .await
        .expect("sent");
    assert_not_found(resp, "00uNoSuchUser", "User").await;
}

#[tokio::test]
async fn apps_and_app_users_are_listed_page_by_page() {
    let env = Env::start().await;
    let wiki = bookmark(&env, "Wiki").await;
    bookmark(&env, "Payroll").await;
    let q: Vec<Value> = env.get_json("/api/v1/apps?q=wik").await;
    assert_eq!(q.len(), 1);
    env.post_json(
        &format!("/api/v1/apps/{wiki}/lifecycle/deactivate"),
        &json!({}),
    )
    .await;
    let active: Vec<Value> = env
        .get_json("/api/v1/apps?filter=status%20eq%20%22ACTIVE%22")
        .await;
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["label"], "Payroll");
    env.post_json(
        &format!("/api/v1/apps/{wiki}/lifecycle/activate"),
        &json!({}),
    )
    .await;
    for i in 0..7 {
        let user = env
            .create_user("", &profile(&format!("u{i}@example.com")))
            .await;
        env.post_json(
            &format!("/api/v1/apps/{wiki}/users"),
            &json!({"id": user["id"], "scope": "USER"}),
        )
        .await;
    }
    let (users, pages) = collect_pages(&env, &format!("/api/v1/apps/{wiki}/users?limit=3")).await;
    assert_eq!((users.len(), pages), (7, 3));
}

#[tokio::test]
async fn assignments_survive_a_restart_of_the_sqlite_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("org.db");
    let (app, ann) = {
        let emulator = EmulatorConfig::new(TOKEN)
            .db(&db)
            .start()
            .await
            .expect("starts");
        let env = Env::attach(emulator);
        let app = bookmark(&env, "Wiki").await;
        let ann = env.create_user("", &profile("ann@example.com")).await["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let group = env.create_group("Wiki users").await;
        env.post_json(
            &format!("/api/v1/apps/{app}/users"),
            &json!({"id": ann, "credentials": {"userName": "ann.w"}}),
        )
        .await;
        env.put(&format!("/api/v1/apps/{app}/groups/{group}"))
            .send()
            .await
            .expect("sent");
        env.emulator.shutdown().await;
        (app, ann)
    };
    let emulator = EmulatorConfig::new(TOKEN)
        .db(&db)
        .start()
        .await
        .expect("starts again");
    let env = Env::attach(emulator);
    let app_user: Value = env
        .get_json(&format!("/api/v1/apps/{app}/users/{ann}"))
        .await;
    assert_eq!(app_user["credentials"]["userName"], "ann.w");
    let groups: Vec<Value> = env.get_json(&format!("/api/v1/apps/{app}/groups")).await;
    assert_eq!(groups.len(), 1);
}
