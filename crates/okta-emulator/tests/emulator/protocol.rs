use super::support::{assert_error, profile, Env, TOKEN};
use okta_emulator::Seed;
use serde_json::{json, Value};

#[tokio::test]
async fn every_response_carries_okta_headers() {
    let env = Env::start().await;
    let ok = env.fetch("/api/v1/users").await;
    let missing = env.fetch("/api/v1/users/nobody").await;
    let unauth = env
        .http
        .get(env.url("/api/v1/users"))
        .send()
        .await
        .expect("sent");
    for resp in [ok, missing, unauth] {
        let h = resp.headers();
        let date = h.get("date").expect("Date").to_str().expect("ascii");
        httpdate::parse_http_date(date).expect("RFC 1123 date");
        assert!(h.get("x-okta-request-id").is_some());
        for name in [
            "x-rate-limit-limit",
            "x-rate-limit-remaining",
            "x-rate-limit-reset",
        ] {
            let v = h
                .get(name)
                .unwrap_or_else(|| panic!("{name} on {}", resp.status()));
            v.to_str().expect("ascii").parse::<u64>().expect("integer");
        }
    }
}

#[tokio::test]
async fn link_headers_are_separate_lines() {
    let env = Env::start().await;
    for i in 0..3 {
        env.create_user("", &profile(&format!("l{i}@example.com")))
            .await;
    }
    let resp = env.fetch("/api/v1/users?limit=2").await;
    let links: Vec<&str> = resp
        .headers()
        .get_all("link")
        .iter()
        .map(|v| v.to_str().expect("ascii"))
        .collect();
    assert_eq!(links.len(), 2, "{links:?}");
    assert!(
        links[0].ends_with("/api/v1/users?limit=2>; rel=\"self\""),
        "{}",
        links[0]
    );
    assert!(
        links[1].contains("after=")
            && links[1].contains("limit=2")
            && links[1].ends_with("rel=\"next\"")
    );
}

#[tokio::test]
async fn auth_accepts_ssws_with_or_without_space() {
    let env = Env::start().await;
    for header in [format!("SSWS {TOKEN}"), format!("SSWS{TOKEN}")] {
        let resp = env
            .http
            .get(env.url("/api/v1/users"))
            .header("Authorization", header)
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), 200);
    }
    let resp = env
        .http
        .get(env.url("/api/v1/users"))
        .header("Authorization", "SSWS wrong")
        .send()
        .await
        .expect("sent");
    assert_error(resp, 401, "E0000011", "Invalid token provided", &[]).await;
    let resp = env
        .http
        .get(env.url("/api/v1/users"))
        .send()
        .await
        .expect("sent");
    assert_error(resp, 403, "E0000005", "Invalid session", &[]).await;
    let resp = env
        .http
        .get(env.url("/api/v1/users"))
        .header("Authorization", "Basic Zm9vOmJhcg==")
        .send()
        .await
        .expect("sent");
    assert_error(resp, 403, "E0000005", "Invalid session", &[]).await;
}

#[tokio::test]
async fn malformed_json_unknown_paths_and_methods() {
    let env = Env::start().await;
    let resp = env
        .http
        .post(env.url("/api/v1/users"))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .header("Content-Type", "application/json")
        .body("{\"profile\": ")
        .send()
        .await
        .expect("sent");
    assert_error(
        resp,
        400,
        "E0000003",
        "The request body was not well-formed.",
        &[],
    )
    .await;
    let resp = env.fetch("/api/v1/nothing-here").await;
    assert_error(
        resp,
        404,
        "E0000008",
        "The requested path was not found",
        &[],
    )
    .await;
    let resp = env.delete("/api/v1/users").send().await.expect("sent");
    assert_error(
        resp,
        405,
        "E0000022",
        "The endpoint does not support the provided HTTP method",
        &[],
    )
    .await;
}

#[tokio::test]
async fn schema_lists_base_and_seeded_custom_attributes() {
    let env = Env::start().await;
    env.emulator
        .seed(
            serde_json::from_value::<Seed>(json!({"schema": {"custom": {
                "employeeId": {"title": "Employee id", "type": "string", "maxLength": 8},
                "isContractor": {"title": "Contractor", "type": "boolean"}
            }}}))
            .expect("seed"),
        )
        .await
        .expect("seeded");
    let schema: Value = env.get_json("/api/v1/meta/schemas/user/default").await;
    let base = &schema["definitions"]["base"];
    assert_eq!(
        base["required"],
        json!(["login", "firstName", "lastName", "email"])
    );
    assert_eq!(base["properties"]["login"]["maxLength"], 100);
    assert_eq!(base["properties"]["firstName"]["maxLength"], 50);
    assert!(base["properties"]["costCenter"].is_object());
    let custom = &schema["definitions"]["custom"]["properties"];
    assert_eq!(custom["employeeId"]["type"], "string");
    assert_eq!(custom["isContractor"]["type"], "boolean");

    let mut body = profile("c@example.com");
    body["profile"]["employeeId"] = json!("E123");
    body["profile"]["isContractor"] = json!(true);
    let user = env.create_user("", &body).await;
    assert_eq!(user["profile"]["isContractor"], true);
    body["profile"]["login"] = json!("d@example.com");
    body["profile"]["employeeId"] = json!("E123456789");
    body["profile"]["isContractor"] = json!("yes");
    let resp = env.post("/api/v1/users", &body).send().await.expect("sent");
    assert_error(
        resp,
        400,
        "E0000001",
        "Api validation failed: employeeId",
        &[
            "employeeId: size must be between 0 and 8",
            "isContractor: Does not match required type: boolean",
        ],
    )
    .await;
}

#[tokio::test]
async fn login_pattern_from_schema_allows_non_email_logins() {
    let env = Env::start().await;
    env.emulator
        .seed(
            serde_json::from_value::<Seed>(json!({"schema": {"loginPattern": ".+"}}))
                .expect("seed"),
        )
        .await
        .expect("seeded");
    let user = env
        .create_user(
            "",
            &json!({"profile": {"login": "jdoe", "email": "jdoe@example.com", "firstName": "J", "lastName": "Doe"}}),
        )
        .await;
    assert_eq!(user["profile"]["login"], "jdoe");
}
