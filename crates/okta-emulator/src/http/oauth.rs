//! `POST /oauth2/v1/token`: client credentials with a `private_key_jwt` assertion.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::wire::json_response;
use crate::state::oauth::TokenRequest;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use std::sync::Arc;

pub async fn token(
    State(core): State<Arc<Core>>,
    Form(req): Form<TokenRequest>,
) -> Result<Response, ApiError> {
    let token_url = format!("{}/oauth2/v1/token", core.base_url());
    let issued = core
        .write(|org| Ok(org.oauth.issue(&req, &token_url)))
        .await?;
    Ok(match issued {
        Ok(grant) => json_response(StatusCode::OK, &grant),
        Err(e) => json_response(
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            &e,
        ),
    })
}
