//! Admin role routes for users (`/api/v1/users/{id}/roles...`) and groups
//! (`/api/v1/groups/{id}/roles...`): assign, list, read and unassign standard roles, and narrow
//! them to groups. The user and group routes share one set of handlers; the path says which.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{json_response, ok, render_group, OktaJson};
use crate::state::roles::{Assignee, RoleAssignment};
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use okta_model::AdminRole;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

type Core_ = State<Arc<Core>>;

/// The body of an assignment: `{"type": "USER_ADMIN"}`.
#[derive(Debug, Deserialize)]
pub struct AssignRole {
    #[serde(rename = "type")]
    role_type: String,
}

/// The user or the group a role path is about.
fn assignee(uri: &Uri, id: String) -> Assignee {
    if uri.path().starts_with("/api/v1/groups/") {
        Assignee::Group(id)
    } else {
        Assignee::User(id)
    }
}

/// A role assignment as Okta renders it: okta-model's `AdminRole` and its `_links`.
fn render(base: &str, role: &RoleAssignment) -> Value {
    let (kind, id) = match &role.assignee {
        Assignee::User(id) => ("users", id),
        Assignee::Group(id) => ("groups", id),
    };
    let wire = AdminRole {
        id: role.id.clone(),
        role_type: role.role_type.clone(),
        label: role.label().to_owned(),
        status: "ACTIVE".into(),
        assignment_type: role.assignee.assignment_type().to_owned(),
        created: Some(role.created),
        last_updated: Some(role.last_updated),
    };
    let mut value = serde_json::to_value(wire).expect("a role assignment serializes");
    value["_links"] = json!({"assignee": {"href": format!("{base}/api/v1/{kind}/{id}")}});
    value
}

pub async fn list(
    State(core): Core_,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let roles = core.read(|org| org.roles_of(assignee(&uri, id)))?;
    let base = core.base_url();
    Ok(ok(&roles
        .iter()
        .map(|r| render(base, r))
        .collect::<Vec<_>>()))
}

/// A new role assignment answers 201, a user's and a group's alike (as Okta answered both).
pub async fn assign(
    State(core): Core_,
    Path(id): Path<String>,
    uri: Uri,
    OktaJson(body): OktaJson<AssignRole>,
) -> Result<Response, ApiError> {
    let who = assignee(&uri, id);
    let role = core
        .write(|org| org.assign_role(who, &body.role_type))
        .await?;
    Ok(json_response(
        StatusCode::CREATED,
        &render(core.base_url(), &role),
    ))
}

pub async fn get(
    State(core): Core_,
    Path((id, role)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let role = core.read(|org| org.role(assignee(&uri, id), &role))?;
    Ok(ok(&render(core.base_url(), &role)))
}

pub async fn unassign(
    State(core): Core_,
    Path((id, role)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, ApiError> {
    core.write(|org| org.unassign_role(assignee(&uri, id), &role))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn targets(
    State(core): Core_,
    Path((id, role)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let groups = core.read(|org| org.role_targets(assignee(&uri, id), &role))?;
    let base = core.base_url();
    Ok(ok(&groups
        .iter()
        .map(|g| render_group(base, g))
        .collect::<Vec<_>>()))
}

pub async fn add_target(
    State(core): Core_,
    Path((id, role, group)): Path<(String, String, String)>,
    uri: Uri,
) -> Result<Response, ApiError> {
    core.write(|org| org.add_role_target(assignee(&uri, id), &role, &group))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn remove_target(
    State(core): Core_,
    Path((id, role, group)): Path<(String, String, String)>,
    uri: Uri,
) -> Result<Response, ApiError> {
    core.write(|org| org.remove_role_target(assignee(&uri, id), &role, &group))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
