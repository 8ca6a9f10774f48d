//! A secret (a password, a password hash, a recovery answer, a token, key material): on the
//! wire it is its plain text, in `Debug` and `Display` it is `***`, so that logging a request,
//! a row or a configuration never shows it.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The plain text, for the one place that must send or check it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_in_debug_and_display_plain_on_the_wire() {
        let s = Secret::new("Correct-Horse-42");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(
            serde_json::to_string(&s).expect("json"),
            "\"Correct-Horse-42\""
        );
        let back: Secret = serde_json::from_str("\"x\"").expect("json");
        assert_eq!(back.expose(), "x");
    }

    #[test]
    fn a_create_request_debugs_without_its_secrets() {
        let body: crate::CreateUserRequest = serde_json::from_value(serde_json::json!({
            "profile": {"login": "a@example.com"},
            "credentials": {
                "password": {"value": "Plain-Passw0rd", "hash": {"algorithm": "BCRYPT", "value": "HashValue123"}},
                "recovery_question": {"question": "Q?", "answer": "SecretAnswer"}
            }
        }))
        .expect("body");
        let shown = format!("{body:?}");
        for secret in ["Plain-Passw0rd", "HashValue123", "SecretAnswer"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        let wire = serde_json::to_string(&body).expect("json");
        assert!(wire.contains("Plain-Passw0rd") && wire.contains("SecretAnswer"));
    }
}
