//! Rendering for the wire: errors as Okta's body, JSON bodies with Okta's malformed-body error,
//! `_links` on users and groups, and `Link` headers on paged lists.

use crate::error::ApiError;
use crate::state::org::ListQuery;
use crate::state::Page;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use okta_model::{Group, HrefObject, LinkRel, Links, User, UserStatus};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.to_wire();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json_response(status, &body);
        response.extensions_mut().insert(self);
        response
    }
}

pub fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).expect("wire types serialize");
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub fn ok<T: Serialize>(body: &T) -> Response {
    json_response(StatusCode::OK, body)
}

/// A JSON body; anything that does not parse is Okta's E0000003.
#[derive(Debug)]
pub struct OktaJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OktaJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::MalformedBody)?;
        serde_json::from_slice(&bytes)
            .map(OktaJson)
            .map_err(|_| ApiError::MalformedBody)
    }
}

/// Query parameters as given, for lenient parsing the way Okta does it.
pub type Params = HashMap<String, String>;

pub fn flag(params: &Params, name: &str, default: bool) -> bool {
    params
        .get(name)
        .map_or(default, |v| v.eq_ignore_ascii_case("true"))
}

pub fn limit(params: &Params) -> Result<Option<usize>, ApiError> {
    params
        .get("limit")
        .map(|v| v.parse::<usize>().map_err(|_| ApiError::InvalidPaging))
        .transpose()
}

/// The list parameters every list endpoint takes.
pub fn list_query(params: &Params) -> Result<ListQuery, ApiError> {
    if params.contains_key("fields") {
        return Err(ApiError::NotEmulated("fields".into()));
    }
    let sort_by = params.get("sortBy").cloned();
    if sort_by.is_some() && !params.contains_key("search") {
        // Okta sorts only the results of a search.
        return Err(ApiError::validation(
            "sortBy",
            "sortBy: sortBy and sortOrder need a search expression",
        ));
    }
    let descending = match params.get("sortOrder").map(String::as_str) {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::validation(
                "sortOrder",
                format!("sortOrder: must be asc or desc, not {other}"),
            ))
        }
    };
    Ok(ListQuery {
        q: params.get("q").cloned(),
        filter: params.get("filter").cloned(),
        search: params.get("search").cloned(),
        limit: limit(params)?,
        after: params.get("after").cloned(),
        sort_by,
        descending,
        visible_before: None,
    })
}

/// A user as a single-resource answer (`full`: every link its status allows) or as a list item
/// (only `self`).
pub fn render_user(base: &str, user: &User, full: bool) -> User {
    let mut user = user.clone();
    let href = format!("{base}/api/v1/users/{}", user.id);
    let mut links = Links::new();
    links.insert("self".into(), HrefObject::get(&href));
    if full {
        let lifecycle = |op: &str| HrefObject::post(format!("{href}/lifecycle/{op}"));
        let ops: &[&str] = match user.status {
            UserStatus::Staged => &["activate", "deactivate"],
            UserStatus::Provisioned => &["reactivate", "deactivate"],
            UserStatus::Active | UserStatus::PasswordExpired | UserStatus::Recovery => {
                &["suspend", "deactivate", "reset_password", "expire_password"]
            }
            UserStatus::Suspended => &["unsuspend", "deactivate"],
            UserStatus::LockedOut => &["unlock", "deactivate"],
            UserStatus::Deprovisioned => &["activate"],
        };
        for op in ops {
            let rel = match *op {
                "reset_password" => "resetPassword",
                "expire_password" => "expirePassword",
                other => other,
            };
            links.insert(rel.into(), lifecycle(op));
        }
        links.insert(
            "schema".into(),
            HrefObject::get(format!("{base}/api/v1/meta/schemas/user/default")),
        );
        links.insert(
            "type".into(),
            HrefObject::get(format!(
                "{base}/api/v1/meta/types/user/{}",
                user.user_type.id
            )),
        );
    }
    user.links = links;
    user
}

pub fn render_group(base: &str, group: &Group) -> Group {
    let mut group = group.clone();
    let href = format!("{base}/api/v1/groups/{}", group.id);
    let logo = |size: &str| json!({"name": size, "href": format!("{base}/img/logos/groups/okta-{size}.png"), "type": "image/png"});
    group.links = json!({
        "logo": [logo("medium"), logo("large")],
        "users": {"href": format!("{href}/users")},
        "apps": {"href": format!("{href}/apps")},
    });
    group
}

/// A page as JSON with `Link` headers: `self` always, `next` when there is more. The next URL
/// keeps the request's parameters and replaces `after`.
pub fn paged<T: Serialize>(base: &str, uri: &Uri, page: Page<T>) -> Response {
    let mut response = ok(&page.items);
    let path = uri.path();
    let kept: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("after="))
        .collect();
    let self_url = match uri.query() {
        Some(q) if !q.is_empty() => format!("{base}{path}?{q}"),
        _ => format!("{base}{path}"),
    };
    let mut links = vec![LinkRel::new(self_url, "self")];
    if let Some(after) = page.next {
        let encoded: String =
            percent_encoding::utf8_percent_encode(&after, percent_encoding::NON_ALPHANUMERIC)
                .collect();
        let mut query = vec![format!("after={encoded}")];
        query.extend(kept.iter().map(|p| (*p).to_owned()));
        links.push(LinkRel::new(
            format!("{base}{path}?{}", query.join("&")),
            "next",
        ));
    }
    for link in links {
        if let Ok(v) = HeaderValue::from_str(&link.to_header_value()) {
            response.headers_mut().append(header::LINK, v);
        }
    }
    response
}
