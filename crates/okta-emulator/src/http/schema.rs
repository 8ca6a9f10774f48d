//! `GET` and `POST /api/v1/meta/schemas/user/default`: the user schema, and changes to its custom
//! attributes (added or replaced by value, removed by `null`). Changes to base attributes are not
//! emulated and are ignored (Okta allows only some of them).

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{ok, OktaJson};
use crate::state::org::{SchemaCustomization, DEFAULT_USER_TYPE};
use axum::extract::State;
use axum::response::Response;
use okta_model::schema::SchemaAttribute;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn update_user_default(
    State(core): State<Arc<Core>>,
    OktaJson(body): OktaJson<Value>,
) -> Result<Response, ApiError> {
    let changes = body["definitions"]["custom"]["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    core.write(|org| {
        let mut customization: SchemaCustomization = org.customization().clone();
        for (name, value) in changes {
            if value.is_null() {
                customization.custom.remove(&name);
                continue;
            }
            let mut attr: SchemaAttribute = serde_json::from_value(value)
                .map_err(|e| ApiError::validation(&name, format!("{name}: {e}")))?;
            crate::state::profile::check_definition(&name, &attr)?;
            attr.mutability
                .get_or_insert_with(|| "READ_WRITE".to_owned());
            attr.scope.get_or_insert_with(|| "NONE".to_owned());
            customization.custom.insert(name, attr);
        }
        org.customize_schema(customization)
    })
    .await?;
    Ok(user_default(State(core)).await)
}

pub async fn user_default(State(core): State<Arc<Core>>) -> Response {
    let base = core.base_url();
    let schema = core.read(|org| org.schema().clone());
    let mut body = serde_json::to_value(&schema).expect("schema serializes");
    body["_links"] = json!({
        "self": {"rel": "self", "href": format!("{base}/api/v1/meta/schemas/user/default"), "method": "GET"},
        "type": {"rel": "type", "href": format!("{base}/api/v1/meta/types/user/{}", DEFAULT_USER_TYPE), "method": "GET"}
    });
    ok(&body)
}

/// `GET /api/v1/meta/schemas/group/default`: the group schema, base (`name`, `description`) and
/// custom attributes.
pub async fn group_default(State(core): State<Arc<Core>>) -> Response {
    let base = core.base_url();
    let custom = core.read(|org| org.group_custom().clone());
    let string = |title: &str, max: u32| {
        json!({"title": title, "description": title, "type": "string", "mutability": "READ_WRITE",
               "scope": "NONE", "maxLength": max,
               "permissions": [{"principal": "SELF", "action": "READ_WRITE"}],
               "master": {"type": "PROFILE_MASTER"}})
    };
    let mut name = string("Name", 255);
    name["required"] = json!(true);
    ok(&json!({
        "id": format!("{base}/meta/schemas/group/default"),
        "$schema": "http://json-schema.org/draft-04/schema#",
        "name": "group",
        "title": "Okta group",
        "description": "Okta group profile template",
        "created": "2026-01-01T00:00:00.000Z",
        "lastUpdated": "2026-01-01T00:00:00.000Z",
        "type": "object",
        "definitions": {
            "base": {"id": "#base", "type": "object", "required": ["name"], "properties": {
                "name": name,
                "description": string("Description", 1024)
            }},
            "custom": {"id": "#custom", "type": "object", "required": [], "properties": custom}
        },
        "properties": {"profile": {"allOf": [
            {"$ref": "#/definitions/custom"}, {"$ref": "#/definitions/base"}
        ]}},
        "_links": {"self": {"rel": "self", "href": format!("{base}/api/v1/meta/schemas/group/default"), "method": "GET"}}
    }))
}

/// `POST /api/v1/meta/schemas/group/default`: custom attributes added, replaced or removed
/// (`null`), given under `definitions.custom.properties` or, as some clients send them, under a
/// top-level `properties`.
pub async fn update_group_default(
    State(core): State<Arc<Core>>,
    OktaJson(body): OktaJson<Value>,
) -> Result<Response, ApiError> {
    let mut changes = std::collections::BTreeMap::new();
    for source in [
        &body["definitions"]["custom"]["properties"],
        &body["properties"],
    ] {
        for (name, value) in source.as_object().into_iter().flatten() {
            match value {
                Value::Null => {
                    changes.insert(name.clone(), None);
                }
                // The schema's own `profile: {allOf: [...]}`, sent back whole: not an attribute.
                Value::Object(o) if o.contains_key("allOf") => {}
                Value::Object(_) => {
                    changes.insert(name.clone(), Some(value.clone()));
                }
                // `required: []` and the like: not an attribute.
                _ => {}
            }
        }
    }
    core.write(|org| org.change_group_schema(changes)).await?;
    Ok(group_default(State(core)).await)
}
