//! The org's user schema and what it enforces: required attributes, login and email formats,
//! lengths, attribute types, undefined attributes, 4-byte characters, and the default password
//! policy. Cause texts follow the ones Okta is observed to send (see the emulator README).

use crate::error::ApiError;
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
        if let Some(problem) = value_problem(name, attr, value) {
            return Some(problem);
        }
        let Value::String(text) = value else {
            return None;
        };
        if blank(Some(value)) && attr.required == Some(true) {
            return None; // already reported as blank
        }
        use okta_model::rules::{text_violation, TextViolation};
        let matches = self
            .login_pattern
            .as_ref()
            .map(|re| move |v: &str| re.is_match(v));
        let matches = matches.as_ref().map(|m| m as &dyn Fn(&str) -> bool);
        let (min, max) = attr.length_limits();
        let is_login = name == "login";
        let min = min.filter(|_| !(is_login && self.login_pattern.is_some()));
        // Okta's words for each (its recorded answers).
        Some(match text_violation(name, attr, text, matches)? {
            TextViolation::FourByte => four_byte_message().to_owned(),
            TextViolation::TooShort { .. } | TextViolation::TooLong { .. } => format!(
                "size must be between {} and {}",
                min.unwrap_or(0),
                max.unwrap_or(u32::MAX)
            ),
            TextViolation::LoginNotPattern | TextViolation::NotEmail => {
                "Does not match required pattern".into()
            }
            TextViolation::LoginNotEmail => {
                "Username must be in the form of an email address".into()
            }
        })
    }
}

/// What is wrong with a value of a (user or group) attribute apart from lengths and formats: its
/// type, the type of an array's items (`items.type`), a value outside `enum` or `oneOf`, or
/// 4-byte characters in an array.
pub fn value_problem(name: &str, attr: &SchemaAttribute, value: &Value) -> Option<String> {
    if !fits_type(&attr.kind, value) {
        return Some(format!("Does not match required type: {}", attr.kind));
    }
    if let Value::Array(items) = value {
        let item_kind = attr.items.as_ref().and_then(|i| i["type"].as_str());
        if let Some(kind) = item_kind.filter(|k| !items.iter().all(|v| fits_type(k, v))) {
            return Some(format!("Does not match required type: array of {kind}"));
        }
        if items.iter().any(has_four_byte_chars) {
            return Some(four_byte_message().to_owned());
        }
    }
    let allowed = allowed_values(attr);
    let outside = |v: &Value| allowed.as_ref().is_some_and(|a| !a.contains(v));
    let offending = match value {
        Value::Array(items) => items.iter().find(|v| outside(v)),
        other => Some(other).filter(|v| outside(v)),
    };
    offending.map(|v| {
        let list: Vec<String> = allowed
            .iter()
            .flatten()
            .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_owned))
            .collect();
        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        format!(
            "Value '{shown}' for property '{name}' is not allowed for enum [{}]",
            list.join(", ")
        )
    })
}

/// The values an attribute is limited to (its items' for an array).
fn allowed_values(attr: &SchemaAttribute) -> Option<Vec<Value>> {
    attr.allowed_values()
        .map(|list| list.into_iter().map(|(v, _)| v).collect())
}

fn fits_type(kind: &str, value: &Value) -> bool {
    match (kind, value) {
        ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("number", Value::Number(_))
        | ("array", Value::Array(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

/// Checks a custom attribute's definition as a schema update gives it: a known type, a known
/// item type for an array, and an `enum` or `oneOf` whose values have the attribute's type.
pub fn check_definition(name: &str, attr: &SchemaAttribute) -> Result<(), ApiError> {
    const TYPES: [&str; 5] = ["string", "boolean", "number", "integer", "array"];
    const ITEM_TYPES: [&str; 4] = ["string", "boolean", "number", "integer"];
    let refuse = |cause: String| Err(ApiError::validation(name, format!("{name}: {cause}")));
    if !TYPES.contains(&attr.kind.as_str()) {
        return refuse(format!("the type must be one of {}", TYPES.join(", ")));
    }
    let item_kind = attr
        .items
        .as_ref()
        .map(|i| i["type"].as_str().unwrap_or_default());
    match (attr.kind.as_str(), item_kind) {
        ("array", Some(k)) if ITEM_TYPES.contains(&k) => {}
        ("array", _) => {
            return refuse(format!(
                "the items of an array must have a type: one of {}",
                ITEM_TYPES.join(", ")
            ))
        }
        (_, Some(_)) => return refuse("only an array has items".to_owned()),
        _ => {}
    }
    if attr.one_of_values.is_some() && attr.one_of.is_some() {
        return refuse("enum and oneOf cannot both be given".to_owned());
    }
    if let Some(one_of) = &attr.one_of {
        if one_of
            .iter()
            .any(|o| o.get("const").is_none() || !o["title"].is_string())
        {
            return refuse("each oneOf entry needs a const and a title".to_owned());
        }
    }
    let kind = item_kind.unwrap_or(&attr.kind);
    if let Some(bad) = allowed_values(attr)
        .into_iter()
        .flatten()
        .find(|v| !fits_type(kind, v))
    {
        return refuse(format!("enum value {bad} does not match the type {kind}"));
    }
    Ok(())
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
    let ok = (okta_model::rules::PASSWORD_MIN_CHARS..=okta_model::rules::PASSWORD_MAX_CHARS)
        .contains(&len)
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
