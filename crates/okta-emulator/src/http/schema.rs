//! `GET /api/v1/meta/schemas/user/default`.

use crate::core::Core;
use crate::http::wire::ok;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

pub async fn user_default(State(core): State<Arc<Core>>) -> Response {
    let base = core.base_url();
    let schema = core.read(|org| org.schema().clone());
    let mut body = serde_json::to_value(&schema).expect("schema serializes");
    body["_links"] = json!({"self": {"href": format!("{base}/api/v1/meta/schemas/user/default")}});
    ok(&body)
}
