//! The user profile schema (`/api/v1/meta/schemas/user/default`), reduced to what a bulk tool and
//! the emulator's profile validation need.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One attribute of the base or custom subschema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaAttribute {
    pub title: String,
    /// JSON type: `string`, `boolean`, `number`, `integer` or `array`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Only `login` may carry one; `None` means the login must be an email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `READ_WRITE` for every attribute of a new org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutability: Option<String>,
    /// `NONE` (per-user) for every attribute of a new org.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl SchemaAttribute {
    pub fn string(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            kind: "string".to_owned(),
            required: None,
            min_length: None,
            max_length: None,
            format: None,
            pattern: None,
            items: None,
            permissions: None,
            description: None,
            mutability: Some("READ_WRITE".to_owned()),
            scope: Some("NONE".to_owned()),
        }
    }
}

/// A subschema (`#base` or `#custom`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubSchema {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub properties: BTreeMap<String, SchemaAttribute>,
    #[serde(default)]
    pub required: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaDefinitions {
    pub base: SubSchema,
    pub custom: SubSchema,
}

/// The user schema document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSchema {
    pub id: String,
    #[serde(rename = "$schema")]
    pub json_schema: String,
    pub name: String,
    pub title: String,
    pub created: String,
    pub last_updated: String,
    pub definitions: SchemaDefinitions,
    #[serde(rename = "type")]
    pub kind: String,
    pub properties: Value,
}

impl UserSchema {
    /// The attribute of that name in the base or the custom subschema.
    pub fn attribute(&self, name: &str) -> Option<&SchemaAttribute> {
        self.definitions
            .base
            .properties
            .get(name)
            .or_else(|| self.definitions.custom.properties.get(name))
    }

    pub fn required(&self) -> impl Iterator<Item = &str> {
        self.definitions
            .base
            .required
            .iter()
            .chain(&self.definitions.custom.required)
            .map(String::as_str)
    }
}

/// A base attribute: name, title, min length, max length, format.
type BaseAttribute = (
    &'static str,
    &'static str,
    Option<u32>,
    Option<u32>,
    Option<&'static str>,
);

const BASE: &[BaseAttribute] = &[
    ("login", "Username", Some(5), Some(100), None),
    ("firstName", "First name", Some(1), Some(50), None),
    ("lastName", "Last name", Some(1), Some(50), None),
    ("middleName", "Middle name", None, None, None),
    ("honorificPrefix", "Honorific prefix", None, None, None),
    ("honorificSuffix", "Honorific suffix", None, None, None),
    ("email", "Primary email", Some(5), Some(100), Some("email")),
    ("title", "Title", None, None, None),
    ("displayName", "Display name", None, None, None),
    ("nickName", "Nickname", None, None, None),
    ("profileUrl", "Profile Url", None, None, Some("uri")),
    (
        "secondEmail",
        "Secondary email",
        Some(5),
        Some(100),
        Some("email"),
    ),
    ("mobilePhone", "Mobile phone", Some(0), Some(100), None),
    ("primaryPhone", "Primary phone", Some(0), Some(100), None),
    ("streetAddress", "Street address", None, Some(1024), None),
    ("city", "City", None, Some(128), None),
    ("state", "State", None, Some(128), None),
    ("zipCode", "Zip code", None, Some(50), None),
    (
        "countryCode",
        "Country code",
        None,
        Some(2),
        Some("country-code"),
    ),
    ("postalAddress", "Postal Address", None, Some(4096), None),
    (
        "preferredLanguage",
        "Preferred language",
        None,
        None,
        Some("language-code"),
    ),
    ("locale", "Locale", None, None, Some("locale")),
    ("timezone", "Time zone", None, None, None),
    ("userType", "User type", None, None, None),
    ("employeeNumber", "Employee number", None, None, None),
    ("costCenter", "Cost center", None, None, None),
    ("organization", "Organization", None, None, None),
    ("division", "Division", None, None, None),
    ("department", "Department", None, None, None),
    ("managerId", "ManagerId", None, None, None),
    ("manager", "Manager", None, None, None),
];

const REQUIRED: [&str; 4] = ["login", "firstName", "lastName", "email"];

/// The base attributes' names in the order Okta's schema lists them (the order in which
/// validation causes are reported).
pub fn base_attribute_names() -> impl Iterator<Item = &'static str> {
    BASE.iter().map(|(name, ..)| *name)
}

/// The default user schema of a new org, with the given custom attributes: Okta's base
/// attributes with their lengths and formats. Both the emulator (which enforces it) and
/// oktabulk (which checks files against it without an org) use this one copy.
pub fn default_schema(
    base_url: &str,
    custom: BTreeMap<String, SchemaAttribute>,
    login_pattern: Option<String>,
) -> UserSchema {
    // A user may change their own profile, but not their login.
    let permissions = json!([{ "principal": "SELF", "action": "READ_WRITE" }]);
    let login_permissions = json!([{ "principal": "SELF", "action": "READ_ONLY" }]);
    let base = BASE
        .iter()
        .map(|&(name, title, min, max, format)| {
            let mut attr = SchemaAttribute::string(title);
            attr.min_length = min;
            attr.max_length = max;
            attr.format = format.map(str::to_owned);
            attr.required = REQUIRED.contains(&name).then_some(true);
            attr.permissions = Some(permissions.clone());
            if name == "login" {
                attr.pattern = login_pattern.clone();
                attr.permissions = Some(login_permissions.clone());
            }
            (name.to_owned(), attr)
        })
        .collect();
    let custom_required = custom
        .iter()
        .filter(|(_, a)| a.required == Some(true))
        .map(|(n, _)| n.clone())
        .collect();
    let stamp = "2026-01-01T00:00:00.000Z".to_owned();
    UserSchema {
        id: format!("{base_url}/meta/schemas/user/default"),
        json_schema: "http://json-schema.org/draft-04/schema#".to_owned(),
        name: "user".to_owned(),
        title: "Default Okta user".to_owned(),
        created: stamp.clone(),
        last_updated: stamp,
        definitions: SchemaDefinitions {
            base: SubSchema {
                id: "#base".to_owned(),
                kind: "object".to_owned(),
                properties: base,
                required: REQUIRED.iter().map(|s| (*s).to_owned()).collect(),
            },
            custom: SubSchema {
                id: "#custom".to_owned(),
                kind: "object".to_owned(),
                properties: custom,
                required: custom_required,
            },
        },
        kind: "object".to_owned(),
        properties: json!({ "profile": { "allOf": [
            { "$ref": "#/definitions/base" }, { "$ref": "#/definitions/custom" }
        ]}}),
    }
}
