//! The org's user schema and what it enforces: required attributes, login and email formats,
//! lengths, attribute types, undefined attributes, 4-byte characters, and the default password
//! policy. Cause texts follow the ones Okta is observed to send (see the emulator README).

use crate::error::ApiError;
use okta_model::login::is_email;
use okta_model::schema::{SchemaAttribute, UserSchema};
use okta_model::UserProfile;
use regex::Regex;
use serde_json::Value;

pub use okta_model::schema::default_schema;

/// A compiled view of the schema used on every create and update.
#[derive(Debug, Clone)]
pub struct ProfileRules {
    schema: UserSchema,
    login_pattern: Option<Regex>,
    /// Attribute names in schema order (base first), the order in which causes are reported.
    order: Vec<String>,
}

impl ProfileRules {
    pub fn new(schema: UserSchema) -> Result<Self, ApiError> {
        let login_pattern = schema
            .attribute("login")
            .and_then(|a| a.pattern.as_deref())
            .map(|p| Regex::new(&format!("^(?:{p})$")))
            .transpose()
            .map_err(|e| ApiError::validation("login", format!("login: invalid pattern: {e}")))?;
        let order = okta_model::schema::base_attribute_names()
            .map(str::to_owned)
            .chain(schema.definitions.custom.properties.keys().cloned())
            .collect();
        Ok(Self {
            schema,
            login_pattern,
            order,
        })
    }

    pub fn schema(&self) -> &UserSchema {
        &self.schema
    }

    /// Checks a complete profile. All problems are reported as causes; the summary names the
    /// first field at fault, as Okta does.
    pub fn validate(&self, profile: &UserProfile) -> Result<(), ApiError> {
        let mut problems: Vec<(String, String)> = Vec::new();
        for name in self.schema.required() {
            if blank(profile.0.get(name)) {
                problems.push((name.to_owned(), "The field cannot be left blank".to_owned()));
            }
        }
        for name in &self.order {
            let (Some(value), Some(attr)) = (profile.0.get(name), self.schema.attribute(name))
            else {
                continue;
            };
            if value.is_null() {
                continue;
            }
            if let Some(problem) = self.check_value(name, attr, value) {
                problems.push((name.clone(), problem));
            }
        }
        for name in profile.0.keys() {
            if self.schema.attribute(name).is_none() {
                problems.push((
                    name.clone(),
                    format!("Property name '{name}' is not defined in profile"),
                ));
            }
        }
        match problems.first() {
            None => Ok(()),
            Some((field, _)) => Err(ApiError::Validation {
                field: field.clone(),
                causes: problems
                    .iter()
                    .map(|(f, reason)| format!("{f}: {reason}"))
                    .collect(),
            }),
        }
    }

    fn check_value(&self, name: &str, attr: &SchemaAttribute, value: &Value) -> Option<String> {
        let text = match (attr.kind.as_str(), value) {
            ("string", Value::String(s)) => s,
            ("boolean", Value::Bool(_)) => return None,
            ("number", Value::Number(_)) => return None,
            ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => return None,
            ("array", Value::Array(items)) => {
                return items
                    .iter()
                    .any(has_four_byte_chars)
                    .then(|| four_byte_message().to_owned())
            }
            (kind, _) => return Some(format!("Does not match required type: {kind}")),
        };
        if text.chars().any(|c| c.len_utf8() == 4) {
            return Some(four_byte_message().to_owned());
        }
        if blank(Some(value)) && attr.required == Some(true) {
            return None; // already reported as blank
        }
        let len = text.chars().count() as u32;
        let is_login = name == "login";
        let min = if is_login && self.login_pattern.is_some() {
            None
        } else {
            attr.min_length
        };
        if min.is_some_and(|m| len < m) || attr.max_length.is_some_and(|m| len > m) {
            return Some(format!(
                "size must be between {} and {}",
                min.unwrap_or(0),
                attr.max_length.unwrap_or(u32::MAX)
            ));
        }
        if is_login {
            return match &self.login_pattern {
                Some(re) if !re.is_match(text) => Some("Does not match required pattern".into()),
                Some(_) => None,
                None if !is_email(text) => {
                    Some("Username must be in the form of an email address".into())
                }
                None => None,
            };
        }
        if attr.format.as_deref() == Some("email") && !is_email(text) {
            return Some("Does not match required pattern".into());
        }
        None
    }
}

fn four_byte_message() -> &'static str {
    "The field contains characters that are not supported (4-byte UTF-8)"
}

fn has_four_byte_chars(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.chars().any(|c| c.len_utf8() == 4))
}

fn blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

/// The default password policy: 8 to 72 characters, an upper-case letter, a lower-case letter,
/// a digit, and no part of the login of 4 or more characters (split on `, . _ # @ -`, ignoring
/// the top-level domain).
pub fn check_password(password: &str, login: &str) -> Result<(), ApiError> {
    let len = password.chars().count();
    let lower = password.to_lowercase();
    let mut parts: Vec<&str> = login.split([',', '.', '_', '#', '@', '-']).collect();
    parts.pop();
    let contains_login_part = parts
        .iter()
        .any(|p| p.chars().count() >= 4 && lower.contains(&p.to_lowercase()));
    let ok = (8..=72).contains(&len)
        && password.chars().any(char::is_uppercase)
        && password.chars().any(char::is_lowercase)
        && password.chars().any(|c| c.is_ascii_digit())
        && !contains_login_part;
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(
            "password",
            "password: Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn rules(pattern: Option<&str>) -> ProfileRules {
        ProfileRules::new(default_schema(
            "http://x",
            BTreeMap::new(),
            pattern.map(str::to_owned),
        ))
        .expect("valid schema")
    }

    fn profile(v: Value) -> UserProfile {
        serde_json::from_value(v).expect("object")
    }

    #[test]
    fn password_policy_matches_okta_example() {
        assert!(check_password("brockR0cks!", "isaac.brock@example.com").is_err());
        assert!(check_password("Tr0ub4dor&3", "isaac.brock@example.com").is_ok());
        assert!(check_password("Sh0rt", "a@b.co").is_err());
        assert!(check_password("nouppercase1", "a@b.co").is_err());
        assert!(check_password(&format!("Aa1{}", "x".repeat(70)), "a@b.co").is_err());
    }

    #[test]
    fn missing_fields_listed_in_schema_order() {
        let err = rules(None)
            .validate(&profile(json!({"email": "a@b.co"})))
            .expect_err("invalid");
        let ApiError::Validation { field, causes } = err else {
            panic!("wrong error {err:?}")
        };
        assert_eq!(field, "login");
        assert_eq!(causes[0], "login: The field cannot be left blank");
        assert_eq!(causes.len(), 3);
    }

    #[test]
    fn login_pattern_relaxes_email_rule() {
        let p = profile(json!({"login":"abc","email":"a@b.co","firstName":"A","lastName":"B"}));
        assert!(rules(None).validate(&p).is_err());
        assert!(rules(Some(".+")).validate(&p).is_ok());
    }

    #[test]
    fn rejects_four_byte_characters_and_unknown_attributes() {
        let p = profile(
            json!({"login":"a@b.co","email":"a@b.co","firstName":"A😀","lastName":"B","shoe":1}),
        );
        let ApiError::Validation { causes, .. } = rules(None).validate(&p).expect_err("bad") else {
            panic!("wrong error")
        };
        assert_eq!(causes.len(), 2, "{causes:?}");
    }
}
