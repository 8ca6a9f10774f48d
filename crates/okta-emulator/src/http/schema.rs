//! `GET` and `POST /api/v1/meta/schemas/user/default`: the user schema, and changes to its custom
//! attributes (added or replaced by value, removed by `null`). Changes to base attributes are not
//! emulated and are ignored (Okta allows only some of them).

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{ok, OktaJson};
use crate::state::org::SchemaCustomization;
use axum::extract::State;
use axum::response::Response;
use okta_model::schema::SchemaAttribute;
use serde_json::{json, Value};
use std::sync::Arc;

/// The attribute types a custom attribute may have.
const TYPES: [&str; 5] = ["string", "boolean", "number", "integer", "array"];

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
            if !TYPES.contains(&attr.kind.as_str()) {
                return Err(ApiError::validation(
                    &name,
                    format!("{name}: the type must be one of {}", TYPES.join(", ")),
                ));
            }
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
    body["_links"] = json!({"self": {"href": format!("{base}/api/v1/meta/schemas/user/default")}});
    ok(&body)
}
