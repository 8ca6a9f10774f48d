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
    /// Where the attribute's values come from: `{"type": "PROFILE_MASTER"}` on group schema
    /// attributes; absent on the user schema's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<Value>,
    /// A value list (`enum`) or labelled values (`oneOf`) the attribute is limited to.
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub one_of_values: Option<Vec<Value>>,
    #[serde(rename = "oneOf", default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Value>>,
    /// Lengths Okta enforces on a base attribute without stating them in the schema document
    /// (`email` and `secondEmail` 5 to 100, the address attributes' maximums): never on the wire.
    #[serde(skip)]
    pub unstated_lengths: Option<(Option<u32>, Option<u32>)>,
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
            master: None,
            one_of_values: None,
            one_of: None,
            unstated_lengths: None,
        }
    }

    /// The type of an array's items (`items.type`); `None` for other attributes and for an
    /// array whose items are untyped.
    pub fn item_kind(&self) -> Option<&str> {
        self.items.as_ref().and_then(|i| i["type"].as_str())
    }

    /// The values an attribute (an array's items) is limited to, with each one's title when
    /// `oneOf` gives one: its `enum`, or the `const`s of its `oneOf` (of `items` for an array).
    /// `None` when it is not limited. oktabulk's preflight and the emulator both read it here.
    pub fn allowed_values(&self) -> Option<Vec<(Value, Option<String>)>> {
        let plain = |list: &[Value]| list.iter().map(|v| (v.clone(), None)).collect();
        let titled = |list: &[Value]| {
            list.iter()
                .map(|o| (o["const"].clone(), o["title"].as_str().map(str::to_owned)))
                .collect()
        };
        let items = self.items.as_ref();
        self.one_of_values
            .as_deref()
            .map(plain)
            .or_else(|| self.one_of.as_deref().map(titled))
            .or_else(|| items.and_then(|i| i["enum"].as_array()).map(|l| plain(l)))
            .or_else(|| items.and_then(|i| i["oneOf"].as_array()).map(|l| titled(l)))
    }

    /// The shortest and longest value allowed: what the schema states, else what Okta enforces
    /// unstated.
    pub fn length_limits(&self) -> (Option<u32>, Option<u32>) {
        let (min, max) = self.unstated_lengths.unwrap_or_default();
        (self.min_length.or(min), self.max_length.or(max))
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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

/// A base attribute: name, title, min length, max length, format, and the permission a user
/// has on it (`SELF`). The lengths are what Okta enforces; `STATED_LENGTHS` says which of them
/// its schema document shows.
type BaseAttribute = (
    &'static str,
    &'static str,
    Option<u32>,
    Option<u32>,
    Option<&'static str>,
    &'static str,
);

const RW: &str = "READ_WRITE";
const RO: &str = "READ_ONLY";
const HIDE: &str = "HIDE";

const BASE: &[BaseAttribute] = &[
    ("login", "Username", Some(5), Some(100), None, RO),
    ("firstName", "First name", Some(1), Some(50), None, RW),
    ("lastName", "Last name", Some(1), Some(50), None, RW),
    ("middleName", "Middle name", None, None, None, RO),
    ("honorificPrefix", "Honorific prefix", None, None, None, RO),
    ("honorificSuffix", "Honorific suffix", None, None, None, RO),
    (
        "email",
        "Primary email",
        Some(5),
        Some(100),
        Some("email"),
        RW,
    ),
    ("title", "Title", None, None, None, RO),
    ("displayName", "Display name", None, None, None, RO),
    ("nickName", "Nickname", None, None, None, RO),
    ("profileUrl", "Profile Url", None, None, Some("uri"), RO),
    (
        "secondEmail",
        "Secondary email",
        Some(5),
        Some(100),
        Some("email"),
        RW,
    ),
    ("mobilePhone", "Mobile phone", Some(0), Some(100), None, RW),
    (
        "primaryPhone",
        "Primary phone",
        Some(0),
        Some(100),
        None,
        HIDE,
    ),
    (
        "streetAddress",
        "Street address",
        None,
        Some(1024),
        None,
        HIDE,
    ),
    ("city", "City", None, Some(128), None, HIDE),
    ("state", "State", None, Some(128), None, HIDE),
    ("zipCode", "Zip code", None, Some(50), None, HIDE),
    (
        "countryCode",
        "Country code",
        None,
        Some(2),
        Some("country-code"),
        HIDE,
    ),
    (
        "postalAddress",
        "Postal Address",
        None,
        Some(4096),
        None,
        HIDE,
    ),
    (
        "preferredLanguage",
        "Preferred language",
        None,
        None,
        Some("language-code"),
        RO,
    ),
    ("locale", "Locale", None, None, Some("locale"), RO),
    ("timezone", "Time zone", None, None, Some("timezone"), RO),
    ("userType", "User type", None, None, None, RO),
    ("employeeNumber", "Employee number", None, None, None, RO),
    ("costCenter", "Cost center", None, None, None, RO),
    ("organization", "Organization", None, None, None, RO),
    ("division", "Division", None, None, None, RO),
    ("department", "Department", None, None, None, RO),
    ("managerId", "ManagerId", None, None, None, RO),
    ("manager", "Manager", None, None, None, RO),
];

/// The base attributes whose lengths Okta's schema document states: `(name, min shown, max
/// shown)`. The others' lengths are enforced but not shown.
const STATED_LENGTHS: [(&str, bool, bool); 5] = [
    ("login", true, true),
    ("firstName", true, true),
    ("lastName", true, true),
    ("mobilePhone", false, true),
    ("primaryPhone", false, true),
];

const REQUIRED: [&str; 4] = ["login", "firstName", "lastName", "email"];

/// The base attributes' names in the order Okta's schema lists them (the order in which
/// validation causes are reported).
pub fn base_attribute_names() -> impl Iterator<Item = &'static str> {
    BASE.iter().map(|(name, ..)| *name)
}

impl UserSchema {
    /// Adds to the base attributes the lengths Okta enforces without stating them in the
    /// schema document (`countryCode` at most 2, `email` 5 to 100, the address attributes'
    /// maximums): a schema read from an org then checks what the org will check. The same
    /// table the emulator enforces (`BASE`).
    pub fn with_unstated_lengths(mut self) -> UserSchema {
        for (name, attr) in self.definitions.base.properties.iter_mut() {
            if let Some(&(_, _, min, max, ..)) = BASE.iter().find(|(n, ..)| n == name) {
                attr.unstated_lengths = Some((min, max));
            }
        }
        self
    }
}

/// The default user schema of a new org, with the given custom attributes: Okta's base
/// attributes with their lengths and formats. Both the emulator (which enforces it) and
/// oktabulk (which checks files against it without an org) use this one copy.
pub fn default_schema(
    base_url: &str,
    custom: BTreeMap<String, SchemaAttribute>,
    login_pattern: Option<String>,
) -> UserSchema {
    let base = BASE
        .iter()
        .map(|&(name, title, min, max, format, action)| {
            let mut attr = SchemaAttribute::string(title);
            let stated = STATED_LENGTHS.iter().find(|(n, ..)| *n == name);
            attr.min_length = min.filter(|_| stated.is_some_and(|s| s.1));
            attr.max_length = max.filter(|_| stated.is_some_and(|s| s.2));
            attr.unstated_lengths = Some((min, max));
            attr.format = format.map(str::to_owned);
            attr.required = REQUIRED.contains(&name).then_some(true);
            attr.permissions = Some(json!([{ "principal": "SELF", "action": action }]));
            if name == "login" {
                attr.pattern = login_pattern.clone();
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
        title: "User".to_owned(),
        description: Some("Okta user profile template with default permission settings".to_owned()),
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
            { "$ref": "#/definitions/custom" }, { "$ref": "#/definitions/base" }
        ]}}),
    }
}
