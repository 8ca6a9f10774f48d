//! The control plane under `/__emulator/`: reset, seed, faults, stats and rate limits. No auth,
//! no rate limits; the same operations are methods on `EmulatorHandle`.

use crate::core::Core;
use crate::error::ApiError;
use crate::faults::FaultConfig;
use crate::http::wire::{ok, OktaJson};
use crate::ratelimit::RateLimitConfig;
use crate::state::seed::Seed;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

type Core_ = State<Arc<Core>>;

pub async fn reset(State(core): Core_) -> Result<Response, ApiError> {
    core.reset().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn seed(
    State(core): Core_,
    OktaJson(seed): OktaJson<Seed>,
) -> Result<Response, ApiError> {
    Ok(ok(&core.seed(seed).await?))
}

pub async fn put_faults(State(core): Core_, OktaJson(config): OktaJson<FaultConfig>) -> Response {
    core.set_faults(config);
    StatusCode::NO_CONTENT.into_response()
}

pub async fn delete_faults(State(core): Core_) -> Response {
    core.faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn stats(State(core): Core_) -> Response {
    ok(&core.stats())
}

pub async fn clear_stats(State(core): Core_) -> Response {
    core.stats.clear();
    StatusCode::NO_CONTENT.into_response()
}

pub async fn rate_limits(State(core): Core_) -> Response {
    ok(&core.limiter.config())
}

pub async fn put_rate_limits(
    State(core): Core_,
    OktaJson(config): OktaJson<RateLimitConfig>,
) -> Response {
    core.set_rate_limits(config);
    StatusCode::NO_CONTENT.into_response()
}
