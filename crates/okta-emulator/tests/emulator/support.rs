use okta_emulator::{EmulatorConfig, EmulatorHandle, RateLimitConfig};
use reqwest::{Client, Response};
use serde_json::{json, Value};

pub const TOKEN: &str = "test-token-0123456789";

pub struct Env {
    pub emulator: EmulatorHandle,
    pub http: Client,
    /// The users of the new org (the API tokens' owner), counted when the test began.
    baseline_users: usize,
}

impl Env {
    pub async fn start() -> Env {
        Self::with_limits(RateLimitConfig::off()).await
    }

    pub async fn with_limits(limits: RateLimitConfig) -> Env {
        let emulator = EmulatorConfig::new(TOKEN)
            .rate_limits(limits)
            .start()
            .await
            .expect("emulator starts");
        Self::with_emulator(emulator)
    }

    pub fn with_emulator(emulator: EmulatorHandle) -> Env {
        Env {
            baseline_users: emulator.user_count(),
            emulator,
            http: Client::new(),
        }
    }

    /// An environment around an emulator started otherwise (with a store, say).
    pub fn attach(emulator: EmulatorHandle) -> Env {
        Self::with_emulator(emulator)
    }

    /// The users the test added to the org it began with (a new org has its tokens' owner).
    pub fn users_added(&self) -> usize {
        self.emulator.user_count() - self.baseline_users
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(self.url(path))
            .header("Authorization", format!("SSWS {TOKEN}"))
    }

    /// `GET path`, sent.
    pub async fn fetch(&self, path: &str) -> Response {
        self.get(path).send().await.expect("request sent")
    }

    /// `GET path`, answered 2xx, decoded.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let resp = self.get(path).send().await.expect("request sent");
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.expect("json body")
    }

    pub fn post(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .post(self.url(path))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .json(body)
    }

    /// `POST path` with a JSON body, sent; the answer's JSON whatever its status.
    pub async fn post_json(&self, path: &str, body: &Value) -> Value {
        self.post(path, body)
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("json body")
    }

    pub fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .put(self.url(path))
            .header("Authorization", format!("SSWS {TOKEN}"))
    }

    pub fn delete(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .delete(self.url(path))
            .header("Authorization", format!("SSWS {TOKEN}"))
    }

    /// Creates a user and returns its JSON, failing the test on any error.
    pub async fn create_user(&self, query: &str, body: &Value) -> Value {
        let resp = self
            .post(&format!("/api/v1/users{query}"), body)
            .send()
            .await
            .expect("request sent");
        assert_eq!(resp.status(), 200, "create failed: {:?}", resp.text().await);
        resp.json().await.expect("user json")
    }

    pub async fn create_group(&self, name: &str) -> String {
        let resp = self
            .post("/api/v1/groups", &json!({"profile": {"name": name}}))
            .send()
            .await
            .expect("request sent");
        assert_eq!(resp.status(), 200);
        let group: Value = resp.json().await.expect("group json");
        group["id"].as_str().expect("id").to_owned()
    }
}

pub fn profile(login: &str) -> Value {
    json!({"profile": {"login": login, "email": login, "firstName": "Test", "lastName": "User"}})
}

pub fn with_password(login: &str, password: &str) -> Value {
    let mut body = profile(login);
    body["credentials"] = json!({"password": {"value": password}});
    body
}

/// Checks an Okta error response field by field. `errorId` is random, so only its shape is checked.
pub async fn assert_error(resp: Response, status: u16, code: &str, summary: &str, causes: &[&str]) {
    assert_eq!(resp.status().as_u16(), status, "status");
    let body: Value = resp.json().await.expect("error body is json");
    assert_eq!(body["errorCode"], code, "errorCode in {body}");
    assert_eq!(body["errorSummary"], summary, "errorSummary in {body}");
    assert_eq!(body["errorLink"], code, "errorLink in {body}");
    let id = body["errorId"].as_str().expect("errorId");
    assert!(id.starts_with("oae") && id.len() == 25, "errorId {id}");
    let got: Vec<&str> = body["errorCauses"]
        .as_array()
        .expect("errorCauses array")
        .iter()
        .map(|c| c["errorSummary"].as_str().expect("cause summary"))
        .collect();
    assert_eq!(got, causes, "errorCauses");
    let keys: Vec<&String> = body.as_object().expect("object").keys().collect();
    assert_eq!(keys.len(), 5, "exactly the five error fields: {keys:?}");
}

/// Checks Okta's 429 for a spent rate limit.
pub async fn assert_rate_limited(resp: Response) {
    let summary = "API call exceeded rate limit due to too many requests.";
    assert_error(resp, 429, "E0000047", summary, &[]).await;
}

/// Checks Okta's 404 for `what`, a `User` or a `UserGroup`.
pub async fn assert_not_found(resp: Response, what: &str, kind: &str) {
    let summary = format!("Not found: Resource not found: {what} ({kind})");
    assert_error(resp, 404, "E0000007", &summary, &[]).await;
}

/// Follows `rel="next"` links from `path` and collects every item.
pub async fn collect_pages(env: &Env, path: &str) -> (Vec<Value>, usize) {
    let mut url = env.url(path);
    let mut items = Vec::new();
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages < 1000, "paging does not end");
        let resp = env
            .http
            .get(&url)
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .expect("request sent");
        assert_eq!(resp.status(), 200);
        let links: Vec<String> = resp
            .headers()
            .get_all("link")
            .iter()
            .map(|v| v.to_str().expect("ascii").to_owned())
            .collect();
        assert!(
            links.iter().any(|l| l.ends_with("rel=\"self\"")),
            "{links:?}"
        );
        let next = links
            .iter()
            .flat_map(|l| okta_model::LinkRel::parse_header(l))
            .find(|l| l.rel == "next");
        let page: Vec<Value> = resp.json().await.expect("array");
        items.extend(page);
        match next {
            Some(next) => url = next.url,
            None => return (items, pages),
        }
    }
}
