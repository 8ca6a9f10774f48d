//! `/api/v1/meta/types/user` routes: list, create, read, update, replace and delete user types.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{ok, OktaJson};
use crate::state::types::{UserType, UserTypeRequest};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::Arc;

type Core_ = State<Arc<Core>>;

/// A user type as Okta renders it, with its links.
fn render(base: &str, t: &UserType) -> Value {
    let mut value = serde_json::to_value(t).unwrap_or(Value::Null);
    value["_links"] = json!({
        "self": {"rel": "self", "href": format!("{base}/api/v1/meta/types/user/{}", t.id), "method": "GET"},
        "schema": {"rel": "schema", "href": format!("{base}/api/v1/meta/schemas/user/default"), "method": "GET"}
    });
    value
}

pub async fn list(State(core): Core_) -> Result<Response, ApiError> {
    let base = core.base_url();
    let types: Vec<Value> = core
        .read(|org| Ok::<_, ApiError>(org.user_types()))?
        .iter()
        .map(|t| render(base, t))
        .collect();
    Ok(ok(&types))
}

pub async fn create(
    State(core): Core_,
    OktaJson(body): OktaJson<UserTypeRequest>,
) -> Result<Response, ApiError> {
    let created = core.write(|org| org.create_user_type(body)).await?;
    Ok(ok(&render(core.base_url(), &created)))
}

pub async fn get(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    let found = core.read(|org| org.user_type(&id))?;
    Ok(ok(&render(core.base_url(), &found)))
}

pub async fn update(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<UserTypeRequest>,
) -> Result<Response, ApiError> {
    let updated = core
        .write(|org| org.update_user_type(&id, body, false))
        .await?;
    Ok(ok(&render(core.base_url(), &updated)))
}

pub async fn replace(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<UserTypeRequest>,
) -> Result<Response, ApiError> {
    let replaced = core
        .write(|org| org.update_user_type(&id, body, true))
        .await?;
    Ok(ok(&render(core.base_url(), &replaced)))
}

pub async fn delete(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    core.write(|org| org.delete_user_type(&id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
