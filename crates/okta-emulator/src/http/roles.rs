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

/// A role assignment as Okta renders it.
fn render(base: &str, role: &RoleAssignment) -> Value {
    let (kind, id) = match &role.assignee {
        Assignee::User(id) => ("users", id),
        Assignee::Group(id) => ("groups", id),
    };
    json!({
        "id": role.id,
        "label": role.label(),
        "type": role.role_type,
        "status": "ACTIVE",
        "created": okta_model::time::format(&role.created),
        "lastUpdated": okta_model::time::format(&role.last_updated),
        "assignmentType": role.assignee.assignment_type(),
        "_links": {"assignee": {"href": format!("{base}/api/v1/{kind}/{id}")}}
    })
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
