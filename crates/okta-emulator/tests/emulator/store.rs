use super::support::{profile, TOKEN};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn spawn(db: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_okta-emulator"))
        .args([
            "--port",
            "0",
            "--rate-limits",
            "off",
            "--token",
            TOKEN,
            "--db",
        ])
        .arg(db)
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = line.trim().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "first line is the base URL: {url}"
    );
    (child, url)
}

async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    auth: &str,
    url: String,
) -> T {
    let resp = http
        .get(&url)
        .header("Authorization", auth)
        .send()
        .await
        .expect("sent");
    assert!(resp.status().is_success(), "GET {url}: {}", resp.status());
    resp.json().await.expect("json")
}

#[tokio::test]
async fn sqlite_store_survives_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("org.db");
    let http = reqwest::Client::new();
    let auth = format!("SSWS {TOKEN}");
    let (mut child, url) = spawn(&db);

    let group: Value = http
        .post(format!("{url}/api/v1/groups"))
        .header("Authorization", &auth)
        .json(&json!({"profile": {"name": "Durable"}}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let gid = group["id"].as_str().expect("id").to_owned();
    let mut ids = Vec::new();
    for i in 0..50 {
        let user: Value = http
            .post(format!("{url}/api/v1/users?activate=false"))
            .header("Authorization", &auth)
            .json(&profile(&format!("k{i}@example.com")))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        ids.push(user["id"].as_str().expect("id").to_owned());
    }
    let resp = http
        .put(format!("{url}/api/v1/groups/{gid}/users/{}", ids[0]))
        .header("Authorization", &auth)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 204);
    let resp = http
        .post(format!("{url}/api/v1/users/{}/lifecycle/activate", ids[1]))
        .header("Authorization", &auth)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 200);
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    let (mut child, url) = spawn(&db);
    let users: Vec<Value> = get_json(&http, &auth, format!("{url}/api/v1/users")).await;
    let got: Vec<&str> = users
        .iter()
        .map(|u| u["id"].as_str().expect("id"))
        .collect();
    let me: Value = get_json(&http, &auth, format!("{url}/api/v1/users/me")).await;
    assert_eq!(got[0], me["id"], "the new org's admin, first");
    assert_eq!(got[1..], ids, "every answered create is there, in order");
    assert_eq!(users[2]["status"], "PROVISIONED");
    let members: Vec<Value> =
        get_json(&http, &auth, format!("{url}/api/v1/groups/{gid}/users")).await;
    assert_eq!(members.len(), 1);
    let dup = http
        .post(format!("{url}/api/v1/users"))
        .header("Authorization", &auth)
        .json(&profile("K0@example.com"))
        .send()
        .await
        .expect("sent");
    assert_eq!(dup.status(), 400, "the login index is rebuilt");
    let groups: Vec<Value> = get_json(&http, &auth, format!("{url}/api/v1/groups")).await;
    assert_eq!(groups.len(), 2, "Everyone and Durable, once each");
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}
