//! `/api/v1/apps` routes: apps (create, read, list, replace, activate, deactivate, delete),
//! their users and their groups, and `GET /api/v1/groups/{id}/apps`.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{flag, json_response, limit, ok, paged, OktaJson, Params};
use crate::state::Page;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use okta_model::{AppGroupRequest, AppUserRequest, Application};
use serde_json::{json, Value};
use std::sync::Arc;

type Core_ = State<Arc<Core>>;

/// An app as Okta renders it: `_links` to its users and groups, its login link and logo, and
/// the lifecycle call its status allows.
fn render(base: &str, app: &Application) -> Application {
    let mut app = app.clone();
    let href = format!("{base}/api/v1/apps/{}", app.id);
    let (op, name) = if app.is_active() {
        ("deactivate", "deactivate")
    } else {
        ("activate", "activate")
    };
    app.links = json!({
        "appLinks": [{"name": "login", "href": format!("{base}/home/{}/{}/1", app.name, app.id), "type": "text/html"}],
        "groups": {"href": format!("{href}/groups")},
        "logo": [{"name": "medium", "href": format!("{base}/img/logos/apps/{}.png", app.name), "type": "image/png"}],
        "users": {"href": format!("{href}/users")},
        name: {"href": format!("{href}/lifecycle/{op}")},
    });
    app
}

/// Parameters the emulator does not implement are refused by name.
fn refuse_unknown(params: &Params) -> Result<(), ApiError> {
    for name in ["expand", "useOptimization", "includeNonDeleted"] {
        if params.contains_key(name) {
            return Err(ApiError::NotEmulated(name.to_owned()));
        }
    }
    Ok(())
}

pub async fn list(
    State(core): Core_,
    Query(params): Query<Params>,
    uri: Uri,
) -> Result<Response, ApiError> {
    refuse_unknown(&params)?;
    let limit = limit(&params)?;
    let base = core.base_url();
    let page = core.read(|org| {
        org.list_apps(
            params.get("q").map(String::as_str),
            params.get("filter").map(String::as_str),
            limit,
            params.get("after").map(String::as_str),
        )
    })?;
    let page = Page {
        items: page.items.iter().map(|a| render(base, a)).collect(),
        next: page.next,
    };
    Ok(paged(base, &uri, page))
}

pub async fn create(
    State(core): Core_,
    Query(params): Query<Params>,
    OktaJson(body): OktaJson<Value>,
) -> Result<Response, ApiError> {
    let activate = flag(&params, "activate", true);
    let app = core.write(|org| org.create_app(body, activate)).await?;
    Ok(ok(&render(core.base_url(), &app)))
}

pub async fn get(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    refuse_unknown(&params)?;
    let app = core.read(|org| org.app(&id).cloned())?;
    Ok(ok(&render(core.base_url(), &app)))
}

pub async fn replace(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<Value>,
) -> Result<Response, ApiError> {
    let app = core.write(|org| org.replace_app(&id, body)).await?;
    Ok(ok(&render(core.base_url(), &app)))
}

pub async fn delete(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    core.write(|org| org.delete_app(&id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `activate` and `deactivate` answer 200 with `{}`, as Okta does.
pub async fn lifecycle(
    State(core): Core_,
    Path((id, op)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let active = match op.as_str() {
        "activate" => true,
        "deactivate" => false,
        _ => return Err(ApiError::PathNotFound),
    };
    core.write(|org| org.set_app_active(&id, active)).await?;
    Ok(ok(&json!({})))
}

pub async fn users(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
    uri: Uri,
) -> Result<Response, ApiError> {
    refuse_unknown(&params)?;
    let limit = limit(&params)?;
    let page = core.read(|org| {
        org.list_app_users(
            &id,
            limit,
            params.get("after").map(String::as_str),
            params.get("q").map(String::as_str),
        )
    })?;
    Ok(paged(core.base_url(), &uri, page))
}

pub async fn assign_user(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<AppUserRequest>,
) -> Result<Response, ApiError> {
    let user = core.write(|org| org.assign_app_user(&id, body)).await?;
    Ok(ok(&user))
}

pub async fn user(
    State(core): Core_,
    Path((id, user)): Path<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    refuse_unknown(&params)?;
    Ok(ok(&core.read(|org| org.app_user(&id, &user))?))
}

pub async fn update_user(
    State(core): Core_,
    Path((id, user)): Path<(String, String)>,
    OktaJson(body): OktaJson<AppUserRequest>,
) -> Result<Response, ApiError> {
    let user = core
        .write(|org| org.update_app_user(&id, &user, body))
        .await?;
    Ok(ok(&user))
}

pub async fn unassign_user(
    State(core): Core_,
    Path((id, user)): Path<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    if params.contains_key("sendEmail") && flag(&params, "sendEmail", false) {
        return Err(ApiError::NotEmulated("sendEmail=true".into()));
    }
    core.write(|org| org.unassign_app_user(&id, &user)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn groups(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
    uri: Uri,
) -> Result<Response, ApiError> {
    refuse_unknown(&params)?;
    let limit = limit(&params)?;
    let page =
        core.read(|org| org.list_app_groups(&id, limit, params.get("after").map(String::as_str)))?;
    Ok(paged(core.base_url(), &uri, page))
}

/// `PUT` with or without a body (the SDK sends one; curl users often do not).
pub async fn assign_group(
    State(core): Core_,
    Path((id, group)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body: AppGroupRequest = if body.iter().all(u8::is_ascii_whitespace) {
        AppGroupRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| ApiError::MalformedBody)?
    };
    let assigned = core
        .write(|org| org.assign_app_group(&id, &group, body))
        .await?;
    Ok(json_response(StatusCode::OK, &assigned))
}

pub async fn group(
    State(core): Core_,
    Path((id, group)): Path<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    refuse_unknown(&params)?;
    Ok(ok(&core.read(|org| org.app_group(&id, &group))?))
}

pub async fn remove_group(
    State(core): Core_,
    Path((id, group)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    core.write(|org| org.remove_app_group(&id, &group)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/v1/groups/{id}/apps`: the apps the group is assigned to.
pub async fn of_group(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    let base = core.base_url();
    let apps = core.read(|org| org.apps_of_group(&id))?;
    Ok(ok(&apps
        .iter()
        .map(|a| render(base, a))
        .collect::<Vec<_>>()))
}
