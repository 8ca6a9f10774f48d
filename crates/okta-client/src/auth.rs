//! Credentials: an SSWS API token, or an OAuth 2.0 service app that signs `private_key_jwt`
//! assertions and trades them for Bearer tokens, cached and renewed before they expire.

use crate::config::{OrgUrl, Secret};
use crate::error::Error;
use crate::jwt::SigningKey;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How the client proves who it is.
#[derive(Debug)]
pub enum Credentials {
    /// `Authorization: SSWS <token>`.
    ApiToken(Secret),
    /// OAuth 2.0 client credentials with `private_key_jwt`.
    ServiceApp {
        /// The service app's client id (`0oa...`).
        client_id: String,
        /// The private key whose public half the app holds.
        key: Box<SigningKey>,
        /// The scopes to ask for (`okta.users.manage`...).
        scopes: Vec<String>,
    },
}

#[derive(Debug)]
struct CachedToken {
    access_token: Secret,
    renew_at: Instant,
}

#[derive(Debug)]
pub(crate) struct Authenticator {
    credentials: Credentials,
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

#[derive(Debug, Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// How long an assertion is valid: Okta accepts at most an hour.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

impl Authenticator {
    pub fn new(credentials: Credentials) -> Authenticator {
        Authenticator {
            credentials,
            token: tokio::sync::Mutex::new(None),
        }
    }

    pub fn is_oauth(&self) -> bool {
        matches!(self.credentials, Credentials::ServiceApp { .. })
    }

    /// The `Authorization` header value, fetching or renewing the OAuth token when needed.
    pub async fn header(&self, http: &reqwest::Client, org: &OrgUrl) -> Result<String, Error> {
        let (client_id, key, scopes) = match &self.credentials {
            Credentials::ApiToken(token) => return Ok(format!("SSWS {}", token.expose())),
            Credentials::ServiceApp {
                client_id,
                key,
                scopes,
            } => (client_id, key, scopes),
        };
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(format!("Bearer {}", token.access_token.expose()));
        }
        let token = fetch_token(http, org, client_id, key, scopes).await?;
        let header = format!("Bearer {}", token.access_token.expose());
        *cached = Some(token);
        Ok(header)
    }

    /// Forgets the cached token (after a 401), so the next call fetches a new one.
    pub async fn invalidate(&self) {
        *self.token.lock().await = None;
    }
}

async fn fetch_token(
    http: &reqwest::Client,
    org: &OrgUrl,
    client_id: &str,
    key: &SigningKey,
    scopes: &[String],
) -> Result<CachedToken, Error> {
    let token_url = org.join("/oauth2/v1/token");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let jti: String = {
        let mut rng = rand::thread_rng();
        (0..32)
            .map(|_| format!("{:x}", rng.gen_range(0..16u8)))
            .collect()
    };
    let assertion = key.sign(&json!({
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "iat": now,
        "exp": now + ASSERTION_LIFETIME.as_secs(),
        "jti": jti,
    }))?;
    let requested = Instant::now();
    let scope = scopes.join(" ");
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", scope.as_str()),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", assertion.as_str()),
    ];
    let resp = http
        .post(&token_url)
        .header("Accept", "application/json")
        .form(&form)
        .send()
        .await
        .map_err(|e| Error::OAuth(format!("token request to {token_url} failed: {e}")))?;
    let status = resp.status().as_u16();
    let body = resp
        .bytes()
        .await
        .map_err(|e| Error::OAuth(format!("token answer unreadable: {e}")))?;
    if status != 200 {
        let reason = serde_json::from_slice::<TokenError>(&body)
            .map(|e| format!("{}: {}", e.error, e.error_description))
            .unwrap_or_else(|_| String::from_utf8_lossy(&body).into_owned());
        return Err(Error::OAuth(format!("{status} {reason}")));
    }
    let answer: TokenAnswer = serde_json::from_slice(&body)
        .map_err(|e| Error::OAuth(format!("token answer is not a token: {e}")))?;
    let lifetime = Duration::from_secs(answer.expires_in);
    let margin = (lifetime / 10).min(Duration::from_secs(300));
    Ok(CachedToken {
        access_token: Secret::new(answer.access_token),
        renew_at: requested + lifetime - margin,
    })
}
