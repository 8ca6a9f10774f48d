//! `/api/v1/groups/rules` routes: list, create, read, replace, delete, activate and deactivate
//! group rules.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{flag, json_response, limit, ok, paged, OktaJson, Params};
use crate::state::org::Org;
use crate::state::rules::{GroupRule, RuleRequest, EXPRESSION_TYPE};
use crate::state::Page;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::sync::Arc;

type Core_ = State<Arc<Core>>;

/// `expand=groupIdToGroupNameMap` adds the names of the rule's groups.
fn expand_names(params: &Params) -> Result<bool, ApiError> {
    match params.get("expand").map(String::as_str) {
        None => Ok(false),
        Some("groupIdToGroupNameMap") => Ok(true),
        Some(other) => Err(ApiError::NotEmulated(format!("expand={other}"))),
    }
}

/// A rule as Okta renders it.
fn render(org: &Org, rule: &GroupRule, names: bool) -> Value {
    let mut value = json!({
        "type": "group_rule",
        "id": rule.id,
        "status": rule.status,
        "name": rule.name,
        "created": okta_model::time::format(&rule.created),
        "lastUpdated": okta_model::time::format(&rule.last_updated),
        "conditions": {
            "expression": {"value": rule.expression, "type": EXPRESSION_TYPE}
        },
        "actions": {"assignUserToGroups": {"groupIds": rule.group_ids}}
    });
    // Okta shows `people` only on a rule that excludes someone.
    if !rule.excluded_users.is_empty() {
        value["conditions"]["people"] =
            json!({"users": {"exclude": rule.excluded_users}, "groups": {"exclude": []}});
    }
    if names {
        let map: Map<String, Value> = rule
            .group_ids
            .iter()
            .filter_map(|id| {
                let group = org.find_group(id).ok()?;
                Some((id.clone(), Value::String(group.profile.name.clone())))
            })
            .collect();
        value["_embedded"] = json!({ "groupIdToGroupNameMap": map });
    }
    value
}

pub async fn list(
    State(core): Core_,
    Query(params): Query<Params>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let names = expand_names(&params)?;
    let limit = limit(&params)?;
    let page = core.read(|org| {
        let page = org.group_rules(
            limit,
            params.get("after").map(String::as_str),
            params.get("search").map(String::as_str),
        )?;
        Ok::<_, ApiError>(Page {
            items: page.items.iter().map(|r| render(org, r, names)).collect(),
            next: page.next,
        })
    })?;
    Ok(paged(core.base_url(), &uri, page))
}

pub async fn create(
    State(core): Core_,
    OktaJson(body): OktaJson<RuleRequest>,
) -> Result<Response, ApiError> {
    let body = core
        .write(|org| {
            let rule = org.create_group_rule(body)?;
            Ok(render(org, &rule, false))
        })
        .await?;
    Ok(ok(&body))
}

pub async fn get(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let names = expand_names(&params)?;
    let body = core.read(|org| Ok::<_, ApiError>(render(org, org.group_rule(&id)?, names)))?;
    Ok(ok(&body))
}

pub async fn replace(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<RuleRequest>,
) -> Result<Response, ApiError> {
    let body = core
        .write(|org| {
            let rule = org.replace_group_rule(&id, body)?;
            Ok(render(org, &rule, false))
        })
        .await?;
    Ok(ok(&body))
}

pub async fn delete(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let remove_users = flag(&params, "removeUsers", false);
    core.write(|org| org.delete_group_rule(&id, remove_users))
        .await?;
    Ok(json_response(StatusCode::ACCEPTED, &json!({})))
}

pub async fn lifecycle(
    State(core): Core_,
    Path((id, op)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    match op.as_str() {
        "activate" => core.write(|org| org.activate_group_rule(&id)).await?,
        "deactivate" => core.write(|org| org.deactivate_group_rule(&id)).await?,
        _ => return Err(ApiError::PathNotFound),
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
