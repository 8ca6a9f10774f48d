//! `/api/v1/groups` routes: groups and their members.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{
    limit, list_query, ok, paged, render_group, render_user, OktaJson, Params,
};
use crate::state::Page;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use okta_model::{CreateGroupRequest, GroupType};
use std::sync::Arc;

type Core_ = State<Arc<Core>>;

pub async fn list(
    State(core): Core_,
    Query(params): Query<Params>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let stats = expand_stats(&params)?;
    let query = list_query(&params)?;
    let base = core.base_url();
    let items = core.read(|org| {
        let page = org.list_groups(&query)?;
        let items = page
            .items
            .iter()
            .map(|g| with_stats(org, base, g, stats))
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok::<_, ApiError>(Page {
            items,
            next: page.next,
        })
    })?;
    Ok(paged(base, &uri, items))
}

/// `expand=stats` (the members count); `expand=app` and others are not emulated.
fn expand_stats(params: &Params) -> Result<bool, ApiError> {
    match params.get("expand").map(String::as_str) {
        None => Ok(false),
        Some("stats") => Ok(true),
        Some(other) => Err(ApiError::NotEmulated(format!("expand={other}"))),
    }
}

/// A group as rendered, with `_embedded.stats.usersCount` when asked.
fn with_stats(
    org: &crate::state::org::Org,
    base: &str,
    group: &okta_model::Group,
    stats: bool,
) -> Result<serde_json::Value, ApiError> {
    let mut value = serde_json::to_value(render_group(base, group))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    if stats {
        let count = org.member_count(group.id.as_str())?;
        value["_embedded"] = serde_json::json!({"stats": {"usersCount": count}});
    }
    Ok(value)
}

pub async fn create(
    State(core): Core_,
    OktaJson(body): OktaJson<CreateGroupRequest>,
) -> Result<Response, ApiError> {
    let group = core
        .write(|org| org.create_group(body.profile, GroupType::OktaGroup, None))
        .await?;
    Ok(ok(&render_group(core.base_url(), &group)))
}

pub async fn get(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let stats = expand_stats(&params)?;
    let base = core.base_url();
    let group = core.read(|org| with_stats(org, base, org.find_group(&id)?, stats))?;
    Ok(ok(&group))
}

pub async fn replace(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<CreateGroupRequest>,
) -> Result<Response, ApiError> {
    let group = core
        .write(|org| org.replace_group(&id, body.profile))
        .await?;
    Ok(ok(&render_group(core.base_url(), &group)))
}

pub async fn delete(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    core.write(|org| org.delete_group(&id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn members(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let base = core.base_url();
    let limit = limit(&params)?;
    let page =
        core.read(|org| org.list_members(&id, limit, params.get("after").map(String::as_str)))?;
    let page = Page {
        items: page
            .items
            .iter()
            .map(|u| render_user(base, u, false))
            .collect(),
        next: page.next,
    };
    Ok(paged(base, &uri, page))
}

pub async fn add_member(
    State(core): Core_,
    Path((group, user)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    core.write(|org| org.add_member(&group, &user)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn remove_member(
    State(core): Core_,
    Path((group, user)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    core.write(|org| org.remove_member(&group, &user)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
