//! OAuth 2.0 for Okta service apps: registered clients with their public keys and granted
//! scopes, `private_key_jwt` assertions checked (signature, claims, expiry, replayed `jti`),
//! Bearer tokens with scopes, and the scope each management endpoint needs.

use crate::state::ids::new_id;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::signature;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A service app: its public keys (JWKs) and the Okta API scopes granted to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OAuthClient {
    pub client_id: String,
    pub jwks: Vec<Value>,
    pub scopes: Vec<String>,
    /// Lifetime of the tokens it gets; Okta's is fixed at 3600 seconds.
    #[serde(default = "hour")]
    pub token_ttl_seconds: u64,
}

fn hour() -> u64 {
    3600
}

/// An OAuth error as the token endpoint answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthError {
    #[serde(skip)]
    pub status: u16,
    pub error: &'static str,
    pub error_description: String,
}

fn invalid_client(description: &str) -> OAuthError {
    OAuthError {
        status: 401,
        error: "invalid_client",
        error_description: description.to_owned(),
    }
}

fn invalid_request(description: &str) -> OAuthError {
    OAuthError {
        status: 400,
        error: "invalid_request",
        error_description: description.to_owned(),
    }
}

/// The token endpoint's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenGrant {
    pub token_type: &'static str,
    pub expires_in: u64,
    pub access_token: String,
    pub scope: String,
}

#[derive(Debug, Clone)]
struct IssuedToken {
    client_id: String,
    scopes: Vec<String>,
    expires: Instant,
}

/// Clients (persisted with the org) and what they were issued (in memory only: after a restart
/// clients fetch new tokens, as after an expiry).
#[derive(Debug, Default)]
pub struct OAuthRegistry {
    pub(crate) clients: BTreeMap<String, OAuthClient>,
    tokens: HashMap<String, IssuedToken>,
    used_jtis: HashMap<String, u64>,
}

/// The form of `POST /oauth2/v1/token`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenRequest {
    #[serde(default)]
    pub grant_type: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub client_assertion_type: String,
    #[serde(default)]
    pub client_assertion: String,
    #[serde(default)]
    pub client_id: Option<String>,
}

/// Why a Bearer token does not let a request through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerRefusal {
    UnknownOrExpired,
    MissingScope,
}

impl OAuthRegistry {
    pub fn register(&mut self, client: OAuthClient) {
        self.clients.insert(client.client_id.clone(), client);
    }

    pub fn clients(&self) -> Vec<OAuthClient> {
        self.clients.values().cloned().collect()
    }

    /// Checks a client-credentials request with a `private_key_jwt` assertion and issues a token.
    pub fn issue(&mut self, req: &TokenRequest, token_url: &str) -> Result<TokenGrant, OAuthError> {
        if req.grant_type != "client_credentials" {
            return Err(OAuthError {
                status: 400,
                error: "unsupported_grant_type",
                error_description: format!("The grant type '{}' is not supported.", req.grant_type),
            });
        }
        if req.client_assertion_type != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
            return Err(invalid_client("The client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer."));
        }
        if req.client_assertion.is_empty() {
            return Err(invalid_request("The client_assertion is required."));
        }
        let (header, claims, signing_input, sig) = split_jwt(&req.client_assertion)
            .ok_or_else(|| invalid_client("The client_assertion is not a valid JWT."))?;
        let client_id = claims["iss"].as_str().unwrap_or_default();
        let client = self
            .clients
            .get(client_id)
            .ok_or_else(|| invalid_client("The client_assertion issuer is not a known client."))?;
        if claims["sub"].as_str() != Some(client_id)
            || req.client_id.as_deref().is_some_and(|c| c != client_id)
        {
            return Err(invalid_client(
                "The client_assertion sub claim must match the client_id.",
            ));
        }
        if claims["aud"].as_str() != Some(token_url) {
            return Err(invalid_client("The audience claim for client_assertion must be the endpoint invoking the client_assertion."));
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let exp = claims["exp"]
            .as_u64()
            .ok_or_else(|| invalid_client("The client_assertion has no exp claim."))?;
        if exp <= now {
            return Err(invalid_client("The client_assertion token is expired."));
        }
        if exp > now + 3600 + 60 {
            return Err(invalid_client(
                "The client_assertion token has an expiration too far into the future.",
            ));
        }
        if !verify(client, &header, signing_input.as_bytes(), &sig) {
            return Err(invalid_client("The client_assertion signature is invalid."));
        }
        if let Some(jti) = claims["jti"].as_str() {
            self.used_jtis.retain(|_, expiry| *expiry > now);
            if self.used_jtis.insert(jti.to_owned(), exp).is_some() {
                return Err(invalid_client(
                    "The 'jti' claim in the client_assertion token has already been used.",
                ));
            }
        }
        let requested: Vec<String> = req.scope.split_whitespace().map(str::to_owned).collect();
        if requested.is_empty() {
            return Err(OAuthError {
                status: 400,
                error: "invalid_scope",
                error_description: "The authorization server resource does not have any configured default scopes, 'scope' must be provided.".into(),
            });
        }
        let refused: Vec<&str> = requested
            .iter()
            .filter(|s| !client.scopes.contains(s))
            .map(String::as_str)
            .collect();
        if !refused.is_empty() {
            return Err(OAuthError {
                status: 400,
                error: "invalid_scope",
                error_description: format!(
                    "The following scopes are not allowed: {}",
                    refused.join(", ")
                ),
            });
        }
        let ttl = client.token_ttl_seconds;
        let token = new_id("eyJ") + &new_id("") + &new_id("");
        self.tokens.insert(
            token.clone(),
            IssuedToken {
                client_id: client.client_id.clone(),
                scopes: requested.clone(),
                expires: Instant::now() + Duration::from_secs(ttl),
            },
        );
        Ok(TokenGrant {
            token_type: "Bearer",
            expires_in: ttl,
            access_token: token,
            scope: requested.join(" "),
        })
    }

    /// The app a live Bearer token was issued to.
    pub fn client_of(&self, token: &str) -> Option<&str> {
        self.tokens
            .get(token)
            .filter(|t| Instant::now() < t.expires)
            .map(|t| t.client_id.as_str())
    }

    /// Whether a Bearer token may make this request.
    pub fn authorize(&self, token: &str, method: &str, path: &str) -> Result<(), BearerRefusal> {
        let issued = self
            .tokens
            .get(token)
            .filter(|t| Instant::now() < t.expires)
            .ok_or(BearerRefusal::UnknownOrExpired)?;
        let has = |s: &str| issued.scopes.iter().any(|g| g == s);
        match required_scopes(method, path) {
            Some(any_of) if any_of.iter().any(|s| has(s)) => Ok(()),
            _ => Err(BearerRefusal::MissingScope),
        }
    }
}

/// The scopes of which one allows the request: a `manage` scope allows reading too.
pub fn required_scopes(method: &str, path: &str) -> Option<&'static [&'static str]> {
    let read = method == "GET";
    let area = path.trim_start_matches("/api/v1/").split('/').next()?;
    Some(match (area, read) {
        ("users", true) => &["okta.users.read", "okta.users.manage"],
        ("users", false) => &["okta.users.manage"],
        ("groups", true) => &["okta.groups.read", "okta.groups.manage"],
        ("groups", false) => &["okta.groups.manage"],
        ("meta", true) => &["okta.schemas.read", "okta.schemas.manage"],
        ("meta", false) => &["okta.schemas.manage"],
        _ => return None,
    })
}

type JwtParts = (Value, Value, String, Vec<u8>);

fn split_jwt(jwt: &str) -> Option<JwtParts> {
    let mut parts = jwt.split('.');
    let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let decode = |p: &str| URL_SAFE_NO_PAD.decode(p).ok();
    let header: Value = serde_json::from_slice(&decode(h)?).ok()?;
    let claims: Value = serde_json::from_slice(&decode(c)?).ok()?;
    Some((header, claims, format!("{h}.{c}"), decode(s)?))
}

fn verify(client: &OAuthClient, header: &Value, message: &[u8], sig: &[u8]) -> bool {
    let alg = header["alg"].as_str().unwrap_or_default();
    let kid = header["kid"].as_str();
    let b64 = |v: &Value| v.as_str().and_then(|s| URL_SAFE_NO_PAD.decode(s).ok());
    client
        .jwks
        .iter()
        .filter(|k| kid.is_none() || k["kid"].as_str() == kid)
        .any(|key| match (alg, key["kty"].as_str()) {
            ("RS256", Some("RSA")) => match (b64(&key["n"]), b64(&key["e"])) {
                (Some(n), Some(e)) => signature::RsaPublicKeyComponents { n, e }
                    .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
                    .is_ok(),
                _ => false,
            },
            ("ES256", Some("EC")) => match (b64(&key["x"]), b64(&key["y"])) {
                (Some(x), Some(y)) => {
                    let mut point = vec![4u8];
                    point.extend(x);
                    point.extend(y);
                    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                        .verify(message, sig)
                        .is_ok()
                }
                _ => false,
            },
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_per_endpoint() {
        assert_eq!(
            required_scopes("POST", "/api/v1/users"),
            Some(&["okta.users.manage"][..])
        );
        assert!(required_scopes("GET", "/api/v1/users/x")
            .is_some_and(|s| s.contains(&"okta.users.read")));
        assert_eq!(
            required_scopes("PUT", "/api/v1/groups/g/users/u"),
            Some(&["okta.groups.manage"][..])
        );
        assert_eq!(required_scopes("GET", "/api/v1/apps"), None);
    }

    #[test]
    fn refuses_garbage_assertions() {
        let mut registry = OAuthRegistry::default();
        let req = TokenRequest {
            grant_type: "client_credentials".into(),
            client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            client_assertion: "a.b".into(),
            ..Default::default()
        };
        let err = registry
            .issue(&req, "http://x/oauth2/v1/token")
            .expect_err("not a JWT");
        assert_eq!((err.status, err.error), (401, "invalid_client"));
        let err = registry
            .issue(&TokenRequest::default(), "http://x/oauth2/v1/token")
            .expect_err("no grant");
        assert_eq!(err.error, "unsupported_grant_type");
    }
}
