use super::support::{
    assert_error, assert_not_found, collect_pages, profile, with_password, Env, TOKEN,
};
use okta_emulator::EmulatorConfig;
use okta_emulator::Seed;
use serde_json::{json, Value};

const PASSWORD: &str = "Tr0ub4dor&3x";

#[tokio::test]
async fn create_status_follows_okta_table() {
    let env = Env::start().await;
    let cases = [
        ("?activate=false", profile("a1@example.com"), "STAGED"),
        ("", profile("a2@example.com"), "PROVISIONED"),
        (
            "?activate=true",
            with_password("a3@example.com", PASSWORD),
            "ACTIVE",
        ),
        (
            "?activate=false",
            with_password("a4@example.com", PASSWORD),
            "STAGED",
        ),
        (
            "?activate=true&nextLogin=changePassword",
            with_password("a5@example.com", PASSWORD),
            "PASSWORD_EXPIRED",
        ),
    ];
    for (query, body, status) in cases {
        let user = env.create_user(query, &body).await;
        assert_eq!(user["status"], status, "{query} {body}");
        let has_password = body["credentials"]["password"].is_object();
        assert_eq!(
            user["credentials"].get("password"),
            has_password.then(|| json!({})).as_ref(),
            "password is shown only as {{}}"
        );
        assert!(user["id"].as_str().expect("id").starts_with("00u"));
        assert!(user["_links"]["self"]["href"].as_str().is_some());
    }
    let mut federated = profile("fed@example.com");
    federated["credentials"] = json!({"provider": {"type": "FEDERATION", "name": "FEDERATION"}});
    assert_eq!(env.create_user("", &federated).await["status"], "ACTIVE");
}

#[tokio::test]
async fn hash_and_hook_count_as_passwords() {
    let env = Env::start().await;
    let mut hashed = profile("hash@example.com");
    hashed["credentials"] = json!({"password": {"hash": {
        "algorithm": "BCRYPT", "workFactor": 10, "salt": "rwh3vH166HCH/NT9XV5FYu",
        "value": "qaMqvAPULkbiQzkTCWo5XDcvzpk8Tna"}}});
    let user = env.create_user("?activate=true", &hashed).await;
    assert_eq!(user["status"], "ACTIVE");
    assert_eq!(
        user["credentials"]["provider"],
        json!({"type": "IMPORT", "name": "IMPORT"})
    );
    let mut hooked = profile("hook@example.com");
    hooked["credentials"] = json!({"password": {"hook": {"type": "default"}}});
    assert_eq!(env.create_user("", &hooked).await["status"], "ACTIVE");
    let mut bad = profile("badhash@example.com");
    bad["credentials"] =
        json!({"password": {"hash": {"algorithm": "PBKDF2", "value": "x", "iterationCount": 10}}});
    let resp = env.post("/api/v1/users", &bad).send().await.expect("sent");
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn expire_on_create_needs_password_and_activation() {
    let env = Env::start().await;
    let resp = env
        .post(
            "/api/v1/users?nextLogin=changePassword",
            &profile("x@example.com"),
        )
        .send()
        .await
        .expect("sent");
    let msg = "Could not create user. To create a user and expire their password immediately, a password must be specified.";
    assert_error(resp, 400, "E0000124", msg, &[msg]).await;
    let resp = env
        .post(
            "/api/v1/users?activate=false&nextLogin=changePassword",
            &with_password("x@example.com", PASSWORD),
        )
        .send()
        .await
        .expect("sent");
    let msg = "Could not create user. To create a user and expire their password immediately, `activate` must be true.";
    assert_error(resp, 400, "E0000125", msg, &[msg]).await;
}

#[tokio::test]
async fn duplicate_login_ignores_case_and_diacritics() {
    let env = Env::start().await;
    env.create_user("", &profile("isaac.brock@example.com"))
        .await;
    for login in ["Isaac.Brock@Example.com", "isáàc.bröck@example.com"] {
        let resp = env
            .post("/api/v1/users", &profile(login))
            .send()
            .await
            .expect("sent");
        assert_error(
            resp,
            400,
            "E0000001",
            "Api validation failed: login",
            &["login: An object with this field already exists in the current organization"],
        )
        .await;
    }
    assert_eq!(env.users_added(), 1);
}

#[tokio::test]
async fn profile_validation_reports_every_cause() {
    let env = Env::start().await;
    let resp = env
        .post(
            "/api/v1/users",
            &json!({"profile": {"email": "a@example.com"}}),
        )
        .send()
        .await
        .expect("sent");
    assert_error(
        resp,
        400,
        "E0000001",
        "Api validation failed: login",
        &[
            "login: The field cannot be left blank",
            "firstName: The field cannot be left blank",
            "lastName: The field cannot be left blank",
        ],
    )
    .await;

    // (login, attribute to set, value, field named in the summary, causes)
    let cases: [(&str, &str, Value, &str, &[&str]); 4] = [
        (
            "not-an-email",
            "email",
            json!("also bad"),
            "login",
            &[
                "login: Username must be in the form of an email address",
                "email: Does not match required pattern",
            ],
        ),
        (
            "long@example.com",
            "firstName",
            json!("x".repeat(51)),
            "firstName",
            &["firstName: size must be between 1 and 50"],
        ),
        (
            "emoji@example.com",
            "lastName",
            json!("Smile😀"),
            "lastName",
            &["lastName: The field contains characters that are not supported (4-byte UTF-8)"],
        ),
        (
            "extra@example.com",
            "shoeSize",
            json!(44),
            "shoeSize",
            &["shoeSize: Property name 'shoeSize' is not defined in profile"],
        ),
    ];
    for (login, attribute, value, field, causes) in cases {
        let mut body = profile(login);
        body["profile"][attribute] = value;
        let resp = env.post("/api/v1/users", &body).send().await.expect("sent");
        let summary = format!("Api validation failed: {field}");
        assert_error(resp, 400, "E0000001", &summary, causes).await;
    }
    assert_eq!(env.users_added(), 0, "nothing invalid was stored");
}

#[tokio::test]
async fn password_policy_applies_to_plain_passwords() {
    let env = Env::start().await;
    for bad in [
        "short1A",
        "alllowercase1",
        "ALLUPPER1",
        "NoDigitsHere",
        "brockR0cks!",
    ] {
        let resp = env
            .post(
                "/api/v1/users",
                &with_password("isaac.brock@example.com", bad),
            )
            .send()
            .await
            .expect("sent");
        assert_error(
            resp,
            400,
            "E0000001",
            "Api validation failed: password",
            &["password: Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username."],
        )
        .await;
    }
}

#[tokio::test]
async fn group_ids_at_creation_are_limited_to_twenty() {
    let env = Env::start().await;
    let mut ids = Vec::new();
    for i in 0..21 {
        ids.push(env.create_group(&format!("g{i}")).await);
    }
    let mut body = profile("many@example.com");
    body["groupIds"] = json!(ids);
    let resp = env.post("/api/v1/users", &body).send().await.expect("sent");
    assert_error(
        resp,
        400,
        "E0000093",
        "Target count limit exceeded",
        &["The number of group targets is too large"],
    )
    .await;
    body["groupIds"] = json!(["00gNoSuchGroup000001"]);
    let resp = env.post("/api/v1/users", &body).send().await.expect("sent");
    assert_not_found(resp, "00gNoSuchGroup000001", "UserGroup").await;
    assert_eq!(env.users_added(), 0, "nothing created for a bad group");
    body["groupIds"] = json!(ids[..20]);
    let user = env.create_user("", &body).await;
    let id = user["id"].as_str().expect("id");
    let groups: Vec<Value> = env.get_json(&format!("/api/v1/users/{id}/groups")).await;
    assert_eq!(groups.len(), 21, "Everyone plus the twenty");
    assert_eq!(groups[0]["profile"]["name"], "Everyone");
}

#[tokio::test]
async fn get_by_id_login_and_unambiguous_shortname() {
    let env = Env::start().await;
    let user = env
        .create_user("", &profile("isaac.brock@example.com"))
        .await;
    let id = user["id"].as_str().expect("id");
    for key in [
        id,
        "isaac.brock%40example.com",
        "ISAAC.BROCK%40example.com",
        "isaac.brock",
    ] {
        let resp = env.fetch(&format!("/api/v1/users/{key}")).await;
        assert_eq!(resp.status(), 200, "{key}");
        let got: Value = resp.json().await.expect("json");
        assert_eq!(got["id"], id);
    }
    env.create_user("", &profile("isaac.brock@other.example"))
        .await;
    let resp = env.fetch("/api/v1/users/isaac.brock").await;
    assert_not_found(resp, "isaac.brock", "User").await;
    let resp = env.fetch("/api/v1/users/missing%40example.com").await;
    assert_not_found(resp, "missing@example.com", "User").await;
}

async fn seed_people(env: &Env, n: usize) {
    let users = (0..n)
        .map(|i| {
            serde_json::from_value(json!({
                "profile": {"login": format!("user{i:04}@example.com"), "email": format!("user{i:04}@example.com"),
                            "firstName": if i % 2 == 0 { "Even" } else { "Odd" }, "lastName": format!("N{i}")},
                "status": if i % 10 == 0 { "DEPROVISIONED" } else { "ACTIVE" }
            }))
            .expect("seed user")
        })
        .collect();
    env.emulator
        .seed(Seed {
            users,
            ..Default::default()
        })
        .await
        .expect("seeded");
}

#[tokio::test]
async fn list_pages_past_200_and_hides_deprovisioned() {
    let env = Env::start().await;
    seed_people(&env, 500).await;
    let (items, pages) = collect_pages(&env, "/api/v1/users").await;
    assert_eq!(
        items.len(),
        451,
        "500 minus 50 DEPROVISIONED, and the org's admin"
    );
    assert_eq!(pages, 3);
    let mut ids: Vec<&str> = items
        .iter()
        .map(|u| u["id"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 451, "no user twice");
    assert!(items.iter().all(|u| u["status"] != "DEPROVISIONED"));
    assert!(items
        .iter()
        .all(|u| u["_links"].as_object().expect("links").len() == 1));

    let (small, pages) = collect_pages(
        &env,
        "/api/v1/users?limit=70&search=profile.firstName%20eq%20%22odd%22",
    )
    .await;
    assert_eq!(small.len(), 250);
    assert_eq!(pages, 4);
    let resp = env.fetch("/api/v1/users?limit=500").await;
    let capped: Vec<Value> = resp.json().await.expect("json");
    assert_eq!(capped.len(), 200, "limit is capped at 200");
}

#[tokio::test]
async fn search_filter_and_q() {
    let env = Env::start().await;
    seed_people(&env, 30).await;
    let count = |path: String| {
        let req = env.get(&path);
        async move {
            let resp = req.send().await.expect("sent");
            assert_eq!(resp.status(), 200, "{path}");
            resp.json::<Vec<Value>>().await.expect("json").len()
        }
    };
    let enc = |s: &str| s.replace(' ', "%20").replace('"', "%22");
    // (parameter, expression, users expected, why)
    let cases = [
        (
            "search",
            r#"status eq "DEPROVISIONED""#,
            3,
            "search includes DEPROVISIONED",
        ),
        (
            "search",
            r#"profile.lastName sw "N1" and (status eq "ACTIVE" or status eq "STAGED")"#,
            10,
            "N1, N11..N19 are active; N10 is deprovisioned",
        ),
        ("search", r#"profile.email co "user002""#, 10, "co on email"),
        ("search", "profile.title pr", 0, "nobody has a title"),
        (
            "filter",
            r#"profile.login eq "USER0003@example.com""#,
            1,
            "values ignore case",
        ),
        (
            "filter",
            r#"status eq "DEPROVISIONED""#,
            3,
            "filter includes DEPROVISIONED",
        ),
        ("q", "Even", 10, "q defaults to 10"),
    ];
    for (param, expr, expected, why) in cases {
        let path = format!("/api/v1/users?{param}={}", enc(expr));
        assert_eq!(count(path).await, expected, "{param}={expr}: {why}");
    }
    assert_eq!(
        count("/api/v1/users?q=even&limit=100".to_owned()).await,
        12,
        "15 even minus 3 deprovisioned"
    );
    let resp = env
        .get(&format!(
            "/api/v1/users?filter={}",
            enc(r#"profile.city eq "x""#)
        ))
        .send()
        .await
        .expect("sent");
    assert_error(resp, 400, "E0000031", "Invalid search criteria.", &[]).await;
    let resp = env
        .get(&format!(
            "/api/v1/users?search={}",
            enc(r#"profile.city co "x""#)
        ))
        .send()
        .await
        .expect("sent");
    assert_error(resp, 400, "E0000031", "Invalid search criteria.", &[]).await;
}

#[tokio::test]
async fn partial_update_and_full_replace() {
    let env = Env::start().await;
    let user = env.create_user("", &profile("upd@example.com")).await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().expect("id"));
    let resp = env
        .post(&path, &json!({"profile": {"title": "Engineer"}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    let updated: Value = resp.json().await.expect("json");
    assert_eq!(updated["profile"]["title"], "Engineer");
    assert_eq!(
        updated["profile"]["firstName"], "Test",
        "partial update keeps the rest"
    );

    let resp = env
        .put(&path)
        .json(&json!({"profile": {"login": "upd@example.com", "email": "upd@example.com", "firstName": "New", "lastName": "Name"}}))
        .send()
        .await
        .expect("sent");
    let replaced: Value = resp.json().await.expect("json");
    assert_eq!(replaced["profile"]["firstName"], "New");
    assert!(
        replaced["profile"].get("title").is_none(),
        "replace drops what is not sent"
    );

    let resp = env
        .put(&path)
        .json(&json!({"profile": {"login": "upd@example.com"}}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        resp.status(),
        400,
        "replace still needs the required attributes"
    );
}

async fn lifecycle(env: &Env, id: &str, op: &str) -> reqwest::Response {
    env.post(&format!("/api/v1/users/{id}/lifecycle/{op}"), &json!({}))
        .send()
        .await
        .expect("sent")
}

async fn status(env: &Env, id: &str) -> String {
    let user: Value = env.get_json(&format!("/api/v1/users/{id}")).await;
    user["status"].as_str().expect("status").to_owned()
}

#[tokio::test]
async fn lifecycle_transitions_and_errors() {
    let env = Env::start().await;
    let staged = env
        .create_user("?activate=false", &profile("life@example.com"))
        .await;
    let id = staged["id"].as_str().expect("id");

    let resp = env
        .post(
            &format!("/api/v1/users/{id}/lifecycle/activate?sendEmail=false"),
            &json!({}),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    let token: Value = resp.json().await.expect("json");
    assert!(token["activationToken"].as_str().is_some());
    assert!(token["activationUrl"]
        .as_str()
        .expect("url")
        .ends_with("/verify"));
    assert_eq!(status(&env, id).await, "PROVISIONED");

    let resp = lifecycle(&env, id, "reactivate").await;
    assert_eq!(resp.status(), 200);
    let resp = lifecycle(&env, id, "suspend").await;
    assert_eq!(resp.status(), 400, "suspend needs ACTIVE");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["errorCode"], "E0000001");

    let active = env
        .create_user("", &with_password("act@example.com", PASSWORD))
        .await;
    let aid = active["id"].as_str().expect("id");
    let resp = lifecycle(&env, aid, "activate").await;
    assert_error(
        resp,
        403,
        "E0000016",
        "Activation failed because the user is already active",
        &[],
    )
    .await;
    let resp = lifecycle(&env, aid, "reactivate").await;
    assert_error(
        resp,
        403,
        "E0000038",
        "This operation is not allowed in the user's current status.",
        &[],
    )
    .await;
    assert_eq!(lifecycle(&env, aid, "suspend").await.status(), 200);
    assert_eq!(status(&env, aid).await, "SUSPENDED");
    assert_eq!(lifecycle(&env, aid, "unsuspend").await.status(), 200);
    let resp = lifecycle(&env, aid, "expire_password").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.json::<Value>().await.expect("json")["status"],
        "PASSWORD_EXPIRED"
    );
    let resp = lifecycle(&env, aid, "deactivate").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json",
        "deactivate answers {{}} as JSON, as Okta does"
    );
    assert_eq!(resp.json::<Value>().await.expect("json"), json!({}));
    assert_eq!(status(&env, aid).await, "DEPROVISIONED");
    let wrong_status = "This operation is not allowed in the user's current status.";
    let resp = lifecycle(&env, aid, "deactivate").await;
    assert_error(resp, 403, "E0000038", wrong_status, &[]).await;
    let resp = env
        .post(
            &format!("/api/v1/users/{aid}"),
            &json!({"profile": {"title": "Gone"}}),
        )
        .send()
        .await
        .expect("sent");
    assert_error(resp, 403, "E0000038", wrong_status, &[]).await;
    let resp = lifecycle(&env, aid, "activate").await;
    assert_eq!(
        resp.status(),
        200,
        "a deprovisioned user can be activated again"
    );
    assert_eq!(status(&env, aid).await, "ACTIVE");

    let resp = lifecycle(&env, "00unknown", "suspend").await;
    assert_not_found(resp, "00unknown", "User").await;
}

#[tokio::test]
async fn delete_deactivates_first_then_deletes() {
    let env = Env::start().await;
    let user = env.create_user("", &profile("del@example.com")).await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().expect("id"));
    let first = env.delete(&path).send().await.expect("sent");
    assert_eq!(first.status(), 204);
    assert_eq!(
        status(&env, user["id"].as_str().expect("id")).await,
        "DEPROVISIONED"
    );
    let second = env.delete(&path).send().await.expect("sent");
    assert_eq!(second.status(), 204);
    let gone = env.fetch(&path).await;
    assert_eq!(gone.status(), 404);
    env.create_user("", &profile("del@example.com")).await;
}

#[tokio::test]
async fn fidelity_gaps_behave_as_okta_documents() {
    let env = Env::start().await;
    // a recovery answer shorter than the default policy's 4 characters
    let mut body = with_password("short@example.com", "Tr0ub4dor&3x");
    body["credentials"]["recovery_question"] = json!({"question": "Pet?", "answer": "cat"});
    let resp = env.post("/api/v1/users", &body).send().await.expect("sent");
    assert_error(
        resp,
        400,
        "E0000001",
        "Api validation failed: credentials.recovery_question.answer",
        &["credentials.recovery_question.answer: The recovery question answer must be at least 4 characters long"],
    )
    .await;
    // user types: the default one is listed, an unknown id is refused
    let types: Vec<Value> = env.get_json("/api/v1/meta/types/user").await;
    assert_eq!(types.len(), 1);
    assert_eq!(types[0]["default"], true);
    let mut typed = profile("typed@example.com");
    typed["type"] = json!({"id": "otyNoSuchType0000000"});
    let resp = env
        .post("/api/v1/users", &typed)
        .send()
        .await
        .expect("sent");
    assert_not_found(resp, "otyNoSuchType0000000", "UserType").await;
    typed["type"] = json!({"id": types[0]["id"]});
    env.create_user("", &typed).await;
    // search sorted by last name, both ways, paged
    for (i, last) in ["Cole", "Abel", "Bell"].iter().enumerate() {
        let mut p = profile(&format!("s{i}@example.com"));
        p["profile"]["lastName"] = json!(last);
        env.create_user("", &p).await;
    }
    let search = "search=profile.login%20sw%20%22s%22&sortBy=profile.lastName";
    let asc: Vec<Value> = env
        .get_json(&format!("/api/v1/users?{search}&sortOrder=asc"))
        .await;
    let names: Vec<&str> = asc
        .iter()
        .filter_map(|u| u["profile"]["lastName"].as_str())
        .collect();
    assert_eq!(names, ["Abel", "Bell", "Cole"]);
    let (desc, pages) = collect_pages(
        &env,
        &format!("/api/v1/users?{search}&sortOrder=desc&limit=1"),
    )
    .await;
    let names: Vec<&str> = desc
        .iter()
        .filter_map(|u| u["profile"]["lastName"].as_str())
        .collect();
    assert_eq!(names, ["Cole", "Bell", "Abel"]);
    assert_eq!(pages, 3);
    // what is not emulated says so instead of answering something else
    let resp = env.fetch("/api/v1/users?fields=id").await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.expect("json");
    assert!(body["errorCauses"][0]["errorSummary"]
        .as_str()
        .unwrap_or_default()
        .contains("not emulated"));
}

#[tokio::test]
async fn users_me_is_the_token_owner_and_groups_expand_stats() {
    let env = Env::start().await;
    let seeded = env
        .emulator
        .seed(
            serde_json::from_value(json!({
                "users": [{"profile": {"login": "admin@example.com", "email": "admin@example.com", "firstName": "A", "lastName": "D"}}],
                "groups": [{"name": "G"}],
                "memberships": [{"group": "G", "user": "admin@example.com"}],
                "apiTokenOwner": "admin@example.com"
            }))
            .expect("seed"),
        )
        .await
        .expect("seeded");
    let me: Value = env.get_json("/api/v1/users/me").await;
    assert_eq!(me["profile"]["login"], "admin@example.com");
    let gid = &seeded.groups["G"];
    let groups: Vec<Value> = env.get_json("/api/v1/groups?expand=stats").await;
    let g = groups
        .iter()
        .find(|g| g["id"] == gid.as_str())
        .expect("G listed");
    assert_eq!(g["_embedded"]["stats"]["usersCount"], 1);
    let one: Value = env
        .get_json(&format!("/api/v1/groups/{gid}?expand=stats"))
        .await;
    assert_eq!(one["_embedded"]["stats"]["usersCount"], 1);
    let resp = env.fetch("/api/v1/groups?expand=app").await;
    assert_eq!(resp.status(), 400, "expand=app is not emulated and says so");
}

#[tokio::test]
async fn a_new_org_has_the_token_owner_as_a_real_org_has_its_admin() {
    let env = Env::start().await;
    let me: Value = env.get_json("/api/v1/users/me").await;
    assert_eq!(me["profile"]["login"], "org.admin@example.com");
    assert_eq!(me["status"], "ACTIVE");
    let listed: Vec<Value> = env.get_json("/api/v1/users").await;
    assert_eq!(listed.len(), 1, "the owner is a user like any: {listed:?}");
    assert_eq!(listed[0]["id"], me["id"]);
    let roles = |id: &Value| format!("/api/v1/users/{}/roles", id.as_str().expect("an id"));
    let held: Vec<Value> = env.get_json(&roles(&me["id"])).await;
    assert_eq!(held.len(), 1, "the first admin's one role: {held:?}");
    assert_eq!(held[0]["type"], "SUPER_ADMIN");
    assert_eq!(held[0]["label"], "Super Administrator");
    assert_eq!(held[0]["assignmentType"], "USER");
    // A reset makes a new org, with a new owner.
    let reset = env.http.post(env.url("/__emulator/reset")).send().await;
    assert_eq!(reset.expect("reset").status(), 204);
    let again: Value = env.get_json("/api/v1/users/me").await;
    assert_eq!(again["profile"]["login"], "org.admin@example.com");
    assert_ne!(again["id"], me["id"]);
    // A seeded owner in the users form takes the new org's admin's place.
    env.emulator
        .seed(
            serde_json::from_value(json!({"apiTokenOwner": {"profile": {
                "login": "boss@example.com", "email": "boss@example.com",
                "firstName": "B", "lastName": "Oss"}}}))
            .expect("seed"),
        )
        .await
        .expect("seeded");
    let boss: Value = env.get_json("/api/v1/users/me").await;
    assert_eq!(boss["profile"]["login"], "boss@example.com");
    assert_eq!(env.emulator.user_count(), 1, "one admin, not two");
    let held: Vec<Value> = env.get_json(&roles(&boss["id"])).await;
    assert_eq!(
        held.len(),
        1,
        "the seeded owner takes the admin's role: {held:?}"
    );
    assert_eq!(held[0]["type"], "SUPER_ADMIN");

    // The SQLite store keeps who the owner is.
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("org.db");
    let start = || EmulatorConfig::new(TOKEN).db(&db).start();
    let first = Env::with_emulator(start().await.expect("starts"));
    let owner: Value = first.get_json("/api/v1/users/me").await;
    first.create_user("", &profile("kept@example.com")).await;
    first.emulator.shutdown().await;
    let second = Env::with_emulator(start().await.expect("restarts"));
    let kept: Value = second.get_json("/api/v1/users/me").await;
    assert_eq!(kept["id"], owner["id"]);
    let held: Vec<Value> = second.get_json(&roles(&kept["id"])).await;
    assert_eq!(held.len(), 1, "the owner's role is stored once: {held:?}");
    assert_eq!(held[0]["type"], "SUPER_ADMIN");
    assert_eq!(
        second.emulator.user_count(),
        2,
        "the owner and the user, once each"
    );
}

#[tokio::test]
async fn a_search_lag_hides_recent_writes_from_search_and_filter_only() {
    let env = Env::start().await;
    env.emulator
        .seed(serde_json::from_value(json!({"searchLagMs": 60000})).expect("seed"))
        .await
        .expect("seeded");
    let created = env.create_user("", &profile("lagged@example.com")).await;
    let searched: Vec<Value> = env
        .get_json("/api/v1/users?search=profile.login%20eq%20%22lagged%40example.com%22")
        .await;
    assert!(searched.is_empty(), "search has not seen the create yet");
    let filtered: Vec<Value> = env
        .get_json("/api/v1/users?filter=profile.login%20eq%20%22lagged%40example.com%22")
        .await;
    assert!(filtered.is_empty(), "nor has filter");
    let got: Value = env.get_json("/api/v1/users/lagged@example.com").await;
    assert_eq!(got["id"], created["id"], "a read by login sees it at once");
}

#[tokio::test]
async fn user_types_are_created_used_and_deleted_as_okta_documents() {
    let env = Env::start().await;
    let body = json!({"name": "contractor", "displayName": "Contractor", "description": "Temps"});
    let created: Value = env.post_json("/api/v1/meta/types/user", &body).await;
    let id = created["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("oty"));
    let again = env
        .post("/api/v1/meta/types/user", &body)
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 400, "names are unique");
    let types: Vec<Value> = env.get_json("/api/v1/meta/types/user").await;
    assert_eq!(types.len(), 2);
    let updated: Value = env
        .post_json(
            &format!("/api/v1/meta/types/user/{id}"),
            &json!({"displayName": "Temp"}),
        )
        .await;
    assert_eq!(updated["displayName"], "Temp");
    assert_eq!(
        updated["description"], "Temps",
        "a partial update keeps the rest"
    );
    let mut typed = profile("temp@example.com");
    typed["type"] = json!({"id": id});
    let user = env.create_user("", &typed).await;
    assert_eq!(user["type"]["id"], id.as_str());
    let in_use = env
        .delete(&format!("/api/v1/meta/types/user/{id}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(in_use.status(), 400, "a type users have stays");
    let uid = user["id"].as_str().expect("id");
    for step in ["deactivate"] {
        env.post(&format!("/api/v1/users/{uid}/lifecycle/{step}"), &json!({}))
            .send()
            .await
            .expect("sent");
    }
    env.delete(&format!("/api/v1/users/{uid}"))
        .send()
        .await
        .expect("sent");
    let deleted = env
        .delete(&format!("/api/v1/meta/types/user/{id}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(deleted.status(), 204);
    assert_not_found(
        env.fetch(&format!("/api/v1/meta/types/user/{id}")).await,
        &id,
        "UserType",
    )
    .await;
}

#[tokio::test]
async fn parts_the_emulator_lacks_answer_as_an_org_without_them() {
    let env = Env::start().await;
    let user = env
        .create_user("", &with_password("parts@example.com", PASSWORD))
        .await;
    let id = user["id"].as_str().expect("id");
    for list in ["grants", "appLinks", "clients", "idps"] {
        let items: Vec<Value> = env.get_json(&format!("/api/v1/users/{id}/{list}")).await;
        assert!(items.is_empty(), "{list}");
    }
    for revoked in ["sessions", "grants"] {
        let resp = env
            .delete(&format!("/api/v1/users/{id}/{revoked}"))
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), 204, "{revoked}");
    }
    let reset = env
        .post(
            &format!("/api/v1/users/{id}/lifecycle/reset_factors"),
            &json!({}),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(reset.status(), 200);
    assert_not_found(
        env.fetch("/api/v1/users/nobody@example.com/grants").await,
        "nobody@example.com",
        "User",
    )
    .await;
}

#[tokio::test]
async fn credential_changes_and_password_resets() {
    let env = Env::start().await;
    let user = env
        .create_user("", &with_password("creds@example.com", PASSWORD))
        .await;
    let id = user["id"].as_str().expect("id");
    let post = |path: String, body: Value| {
        let req = env.post(&path, &body);
        async move { req.send().await.expect("sent") }
    };
    let weak = post(
        format!("/api/v1/users/{id}/credentials/change_password"),
        json!({"oldPassword": {"value": PASSWORD}, "newPassword": {"value": "short"}}),
    )
    .await;
    assert_eq!(weak.status(), 400, "the policy applies to a new password");
    let changed = post(
        format!("/api/v1/users/{id}/credentials/change_password"),
        json!({"oldPassword": {"value": PASSWORD}, "newPassword": {"value": "Another-Passw0rd-9"}}),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let creds: Value = changed.json().await.expect("json");
    assert_eq!(creds["password"], json!({}), "never the value");
    let question = post(
        format!("/api/v1/users/{id}/credentials/change_recovery_question"),
        json!({"password": {"value": "Another-Passw0rd-9"},
               "recovery_question": {"question": "First pet?", "answer": "Rex the dog"}}),
    )
    .await;
    assert_eq!(question.status(), 200);
    let creds: Value = question.json().await.expect("json");
    assert_eq!(creds["recovery_question"]["question"], "First pet?");
    assert!(
        creds["recovery_question"]["answer"].is_null(),
        "answers are write-only"
    );
    let temp = post(
        format!("/api/v1/users/{id}/lifecycle/expire_password_with_temp_password"),
        json!({}),
    )
    .await;
    let temp: Value = temp.json().await.expect("json");
    let keys: Vec<&String> = temp.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        ["tempPassword"],
        "only the temporary password: {temp}"
    );
    assert!(temp["tempPassword"].is_string());
    assert_eq!(status(&env, id).await, "PASSWORD_EXPIRED");
    let reset = post(
        format!("/api/v1/users/{id}/lifecycle/reset_password?sendEmail=false"),
        json!({}),
    )
    .await;
    let reset: Value = reset.json().await.expect("json");
    assert!(reset["resetPasswordUrl"]
        .as_str()
        .unwrap_or_default()
        .contains("/reset_password/"));
    let now: Value = env.get_json(&format!("/api/v1/users/{id}")).await;
    assert_eq!(now["status"], "RECOVERY");
}

#[tokio::test]
async fn a_login_with_a_slash_is_not_found_by_path() {
    let env = Env::start().await;
    let mut body = with_password("a/b@example.com", PASSWORD);
    body["profile"]["email"] = json!("ab@example.com");
    let created = env.create_user("", &body).await;
    assert_eq!(created["profile"]["login"], "a/b@example.com");
    assert_not_found(
        env.fetch("/api/v1/users/a%2Fb@example.com").await,
        "a/b@example.com",
        "User",
    )
    .await;
    let id = created["id"].as_str().expect("id");
    assert_eq!(
        env.fetch(&format!("/api/v1/users/{id}")).await.status(),
        200
    );
}

#[tokio::test]
async fn custom_attribute_item_types_and_enums_are_enforced() {
    let env = Env::start().await;
    let schema = "/api/v1/meta/schemas/user/default";
    let define = |attr: Value| json!({"definitions": {"custom": {"properties": {"tags": attr}}}});
    let resp = env
        .post(schema, &define(json!({"title": "Tags", "type": "array"})))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 400, "an array needs an item type");
    let resp = env
        .post(
            schema,
            &define(json!({"title": "Tags", "type": "string", "enum": ["a", 1]})),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 400, "enum values have the attribute's type");
    let attr = json!({"title": "Tags", "type": "array",
                      "items": {"type": "string", "enum": ["red", "blue"]}});
    let resp = env.post(schema, &define(attr)).send().await.expect("sent");
    assert_eq!(resp.status(), 200);
    let mut body = with_password("tags@example.com", PASSWORD);
    body["profile"]["tags"] = json!(["red", 5]);
    let resp = env.post("/api/v1/users", &body).send().await.expect("sent");
    let cause = "tags: Does not match required type: array of string";
    assert_error(
        resp,
        400,
        "E0000001",
        "Api validation failed: tags",
        &[cause],
    )
    .await;
    body["profile"]["tags"] = json!(["red", "green"]);
    let resp = env.post("/api/v1/users", &body).send().await.expect("sent");
    let cause = "tags: Value 'green' for property 'tags' is not allowed for enum [red, blue]";
    assert_error(
        resp,
        400,
        "E0000001",
        "Api validation failed: tags",
        &[cause],
    )
    .await;
    body["profile"]["tags"] = json!(["red", "blue"]);
    env.create_user("", &body).await;
}
