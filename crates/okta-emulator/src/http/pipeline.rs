//! What happens to every `/api` request before and after its route: the concurrency limit, the
//! bucket's rate limit, authentication, faults, and the headers Okta puts on every response
//! (`Date`, `X-Okta-Request-Id`, `X-Rate-Limit-*`). The control plane skips all of it.

use crate::core::Core;
use crate::error::ApiError;
use crate::faults::FaultOutcome;
use crate::ratelimit::Bucket;
use crate::state::ids::new_id;
use crate::state::oauth::BearerRefusal;
use crate::stats::Limited;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use okta_model::rate_limit::{LIMIT, REMAINING, REQUEST_ID, RESET, RETRY_COUNT, RETRY_FOR};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::Notify;

/// Closes the request's connection without an answer (fault injection).
#[derive(Debug, Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

pub async fn pipeline(State(core): State<Arc<Core>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/__emulator/") {
        return match &core.control_token {
            Some(token) if control_token(req.headers()) != Some(token.as_str()) => {
                ApiError::InvalidSession.into_response()
            }
            _ => next.run(req).await,
        };
    }
    let method = req.method().as_str().to_owned();
    let bucket = Bucket::for_request(&method, &path);
    if path.starts_with("/api/") && matches!(method.as_str(), "POST" | "PUT" | "DELETE") {
        core.stats.record_write();
    }
    if req.headers().contains_key(RETRY_COUNT) {
        core.stats
            .record_retry(req.headers().contains_key(RETRY_FOR));
    }
    let (mut response, limited, mut rate) = match core.limiter.enter() {
        Err(headers) => (
            ApiError::RateLimited.into_response(),
            Limited::Concurrency,
            headers,
        ),
        Ok(_in_flight) => {
            let principal = principal(&core, req.headers());
            let decision = core.limiter.check(bucket, principal.as_deref());
            if !decision.allowed {
                (
                    ApiError::RateLimited.into_response(),
                    Limited::Rate,
                    decision.headers,
                )
            } else {
                let response = match authorize(&core, req.headers(), &method, &path) {
                    Err(e) => e.into_response(),
                    Ok(()) => with_faults(&core, bucket, &method, &path, req, next).await,
                };
                (response, Limited::No, decision.headers)
            }
        }
    };
    if response.status().as_u16() == 429 {
        rate.remaining = 0;
    }
    core.stats
        .record(bucket, response.status().as_u16(), limited);
    let headers = response.headers_mut();
    let date = httpdate::fmt_http_date(SystemTime::now());
    headers.insert(header::DATE, value(&date));
    headers.insert(REQUEST_ID, value(&new_id("req")));
    headers.insert(LIMIT, value(&rate.limit.to_string()));
    headers.insert(REMAINING, value(&rate.remaining.to_string()));
    headers.insert(RESET, value(&rate.reset.to_string()));
    response
}

/// The header a control-plane request carries its token in.
pub const CONTROL_TOKEN: &str = "x-emulator-control-token";

fn control_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(CONTROL_TOKEN)?.to_str().ok()
}

fn value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).expect("header values we build are ASCII")
}

/// Whose share of the bucket a request uses: its valid API token, or the OAuth app its Bearer
/// token was issued to. Unauthenticated requests count against the bucket only.
fn principal(core: &Core, headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(token) = value.strip_prefix("SSWS") {
        let token = token.trim();
        return core.token_is_valid(token).then(|| token.to_owned());
    }
    let token = value.strip_prefix("Bearer ")?.trim();
    core.read(|org| org.oauth.client_of(token).map(str::to_owned))
}

/// `Authorization: SSWS <token>` (the official Python SDK sends no space after `SSWS`) or
/// `Bearer <token>` from the OAuth token endpoint, which itself needs neither.
fn authorize(core: &Core, headers: &HeaderMap, method: &str, path: &str) -> Result<(), ApiError> {
    if path.starts_with("/oauth2/") {
        return Ok(());
    }
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(ApiError::InvalidSession);
    };
    if let Some(token) = value.strip_prefix("SSWS") {
        return match core.token_is_valid(token.trim()) {
            true => Ok(()),
            false => Err(ApiError::InvalidToken),
        };
    }
    if let Some(token) = value.strip_prefix("Bearer ") {
        return core
            .read(|org| org.oauth.authorize(token.trim(), method, path))
            .map_err(|refusal| match refusal {
                BearerRefusal::UnknownOrExpired => ApiError::InvalidToken,
                BearerRefusal::MissingScope => ApiError::AccessDenied,
            });
    }
    Err(ApiError::InvalidSession)
}

async fn with_faults(
    core: &Core,
    bucket: Bucket,
    method: &str,
    path: &str,
    req: Request,
    next: Next,
) -> Response {
    let plan = core.faults.plan(method, path);
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    let kill = req.extensions().get::<ConnectionKill>().cloned();
    match plan.outcome {
        None => next.run(req).await,
        Some(FaultOutcome::Status(status)) => ApiError::Injected { status }.into_response(),
        Some(FaultOutcome::DropBefore) => drop_connection(core, bucket, kill).await,
        Some(FaultOutcome::DropAfter) => {
            let _applied = next.run(req).await;
            drop_connection(core, bucket, kill).await
        }
    }
}

/// Closes the connection; the request's future is dropped with it, so this never returns
/// unless the server was started without connection control.
async fn drop_connection(core: &Core, bucket: Bucket, kill: Option<ConnectionKill>) -> Response {
    let Some(kill) = kill else {
        return ApiError::Internal("connection cannot be dropped".into()).into_response();
    };
    core.stats.record(bucket, 0, Limited::No);
    kill.0.notify_one();
    std::future::pending().await
}
