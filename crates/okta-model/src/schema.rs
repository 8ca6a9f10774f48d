//! The user profile schema (`/api/v1/meta/schemas/user/default`), reduced to what a bulk tool and
//! the emulator's profile validation need.

use serde::{Deserialize, Serialize};
use serde_json::Value;
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
