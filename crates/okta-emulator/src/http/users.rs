//! `/api/v1/users` routes: parse the request, call the org, render the answer.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::{flag, list_query, ok, paged, render_user, OktaJson, Params};
use crate::state::users::{CreateOptions, Lifecycle, LifecycleOutcome};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use okta_model::CreateUserRequest;
use serde_json::json;
use std::sync::Arc;

type Core_ = State<Arc<Core>>;

pub async fn create(
    State(core): Core_,
    Query(params): Query<Params>,
    OktaJson(body): OktaJson<CreateUserRequest>,
) -> Result<Response, ApiError> {
    let opts = CreateOptions {
        activate: flag(&params, "activate", true),
        expire_password: params.get("nextLogin").map(String::as_str) == Some("changePassword"),
    };
    let user = core.write(|org| org.create_user(body, opts)).await?;
    Ok(ok(&render_user(core.base_url(), &user, true)))
}

pub async fn list(
    State(core): Core_,
    Query(params): Query<Params>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let mut query = list_query(&params)?;
    let lag = *core.search_lag.lock();
    if !lag.is_zero() {
        query.visible_before = Some(chrono::Utc::now() - lag);
    }
    let base = core.base_url();
    let page = core.read(|org| org.list_users(&query))?;
    let page = crate::state::Page {
        items: page
            .items
            .iter()
            .map(|u| render_user(base, u, false))
            .collect(),
        next: page.next,
    };
    Ok(paged(base, &uri, page))
}

pub async fn get(
    State(core): Core_,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let base = core.base_url();
    let key = if id == "me" { me(&core, &headers)? } else { id };
    let user = core.read(|org| org.find_user(&key).map(|u| render_user(base, u, true)))?;
    Ok(ok(&user))
}

/// Who `me` is: for an API token, the user it belongs to (the new org's admin, or as seeded in
/// `apiTokenOwner`). An OAuth service app acts as no user, nor does a token whose owner was
/// deleted.
fn me(core: &Core, headers: &axum::http::HeaderMap) -> Result<String, ApiError> {
    let api_token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("SSWS"));
    let owner = core.read(|org| org.token_owner().map(|u| u.id.0.clone()));
    match owner {
        Some(id) if api_token => Ok(id),
        _ => Err(ApiError::user_not_found("me")),
    }
}

pub async fn update(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<CreateUserRequest>,
) -> Result<Response, ApiError> {
    let user = core.write(|org| org.update_user(&id, body, false)).await?;
    Ok(ok(&render_user(core.base_url(), &user, true)))
}

pub async fn replace(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<CreateUserRequest>,
) -> Result<Response, ApiError> {
    let user = core.write(|org| org.update_user(&id, body, true)).await?;
    Ok(ok(&render_user(core.base_url(), &user, true)))
}

pub async fn delete(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    core.write(|org| org.delete_user(&id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn lifecycle(
    State(core): Core_,
    Path((id, op)): Path<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let op = match op.as_str() {
        "activate" => Lifecycle::Activate {
            send_email: flag(&params, "sendEmail", true),
        },
        "reactivate" => Lifecycle::Reactivate {
            send_email: flag(&params, "sendEmail", false),
        },
        "deactivate" => Lifecycle::Deactivate,
        "suspend" => Lifecycle::Suspend,
        "unsuspend" => Lifecycle::Unsuspend,
        "unlock" => Lifecycle::Unlock,
        "expire_password" if flag(&params, "tempPassword", false) => {
            Lifecycle::ExpirePasswordWithTemp
        }
        "expire_password" => Lifecycle::ExpirePassword,
        "expire_password_with_temp_password" => Lifecycle::ExpirePasswordWithTemp,
        "reset_password" => Lifecycle::ResetPassword,
        // The emulator has no factors: a user's reset leaves nothing to reset.
        "reset_factors" => {
            core.read(|org| org.find_user(&id).map(drop))?;
            return Ok(ok(&json!({})));
        }
        _ => return Err(ApiError::PathNotFound),
    };
    let outcome = core.write(|org| org.lifecycle(&id, op)).await?;
    Ok(match outcome {
        LifecycleOutcome::Token(token) => ok(&token),
        LifecycleOutcome::User(_) if op == Lifecycle::ExpirePasswordWithTemp => {
            ok(&json!({"tempPassword": crate::state::ids::new_id("Tmp")}))
        }
        LifecycleOutcome::User(user) => ok(&render_user(core.base_url(), &user, true)),
        LifecycleOutcome::ResetUrl(url) => ok(&json!({ "resetPasswordUrl": url })),
        LifecycleOutcome::Empty => ok(&json!({})),
    })
}

/// The credentials part of a user, as the credential operations answer it.
fn credentials(user: &okta_model::User) -> serde_json::Value {
    let mut body = serde_json::to_value(&user.credentials).unwrap_or_default();
    if user.credentials.password.is_some() {
        body["password"] = json!({});
    }
    body
}

/// `POST /api/v1/users/{id}/credentials/change_password`.
pub async fn change_password(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let new = body["newPassword"]["value"].as_str().ok_or_else(|| {
        ApiError::validation("newPassword", "newPassword: The field cannot be left blank")
    })?;
    let new = new.to_owned();
    let user = core.write(|org| org.change_password(&id, &new)).await?;
    Ok(ok(&credentials(&user)))
}

/// `POST /api/v1/users/{id}/credentials/forgot_password`: `{"resetPasswordUrl"}` with
/// `sendEmail=false`, else `{}` (Okta emails the link).
pub async fn forgot_password(
    State(core): Core_,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let send_email = flag(&params, "sendEmail", true);
    let url = core.read(|org| org.forgot_password(&id, send_email))?;
    Ok(match url {
        Some(url) => ok(&json!({ "resetPasswordUrl": url })),
        None => ok(&json!({})),
    })
}

/// `POST /api/v1/users/{id}/credentials/forgot_password_recovery_question`: a new password set
/// with the recovery answer; answered with the credentials.
pub async fn forgot_password_recovery_question(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let new = body["password"]["value"]
        .as_str()
        .ok_or_else(|| {
            ApiError::validation("password", "password: The field cannot be left blank")
        })?
        .to_owned();
    let user = core
        .write(|org| org.forgot_password_with_answer(&id, &new))
        .await?;
    Ok(ok(&credentials(&user)))
}

/// `POST /api/v1/users/{id}/credentials/change_recovery_question`.
pub async fn change_recovery_question(
    State(core): Core_,
    Path(id): Path<String>,
    OktaJson(body): OktaJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    // Okta's field is `recovery_question`; some clients send `recoveryQuestion`.
    let given = match &body["recovery_question"] {
        serde_json::Value::Null => body["recoveryQuestion"].clone(),
        other => other.clone(),
    };
    let question: okta_model::RecoveryQuestion = serde_json::from_value(given).map_err(|_| {
        ApiError::validation(
            "recovery_question",
            "recovery_question: A question and an answer are required",
        )
    })?;
    let user = core
        .write(|org| org.change_recovery_question(&id, question))
        .await?;
    Ok(ok(&credentials(&user)))
}

/// A user's OAuth grants, app links, OAuth clients or identity providers: the emulator has no
/// apps, grants or identity providers, so the list is empty, as in an org without them.
pub async fn empty_list(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    core.read(|org| org.find_user(&id).map(drop))?;
    Ok(ok(&json!([])))
}

/// Revoking a user's sessions or grants: none exist here, so there is nothing to revoke.
pub async fn revoke(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    core.read(|org| org.find_user(&id).map(drop))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn groups(State(core): Core_, Path(id): Path<String>) -> Result<Response, ApiError> {
    let base = core.base_url();
    let groups = core.read(|org| org.groups_of_user(&id))?;
    let rendered: Vec<_> = groups
        .iter()
        .map(|g| crate::http::wire::render_group(base, g))
        .collect();
    Ok(ok(&rendered))
}
