//! Rendering for the wire: errors as Okta's body, JSON bodies with Okta's malformed-body error,
//! `_links` on users and groups, and `Link` headers on paged lists.

use crate::error::ApiError;
use crate::state::org::ListQuery;
use crate::state::Page;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use okta_model::{
    EmailCredential, Group, HrefObject, LinkRel, Links, User, UserStatus, ALWAYS_PRESENT_ATTRIBUTES,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
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

/// A user as Okta answers it: every always-present profile attribute (`null` when unset), the
/// primary email in `credentials.emails`, and `_links`: as a single-resource answer (`full`) every
/// operation the user's status allows, as a list item only `self`.
pub fn render_user(base: &str, user: &User, full: bool) -> User {
    let mut user = user.clone();
    for name in ALWAYS_PRESENT_ATTRIBUTES {
        user.profile.0.entry(name).or_insert(Value::Null);
    }
    user.credentials.emails = user.profile.email().map(|email| {
        vec![EmailCredential {
            value: email.to_owned(),
            status: "VERIFIED".to_owned(),
            kind: "PRIMARY".to_owned(),
        }]
    });
    let href = format!("{base}/api/v1/users/{}", user.id);
    let mut links = Links::new();
    links.insert("self".into(), HrefObject::get(&href));
    if full {
        for (rel, path) in user_operations(&user) {
            links.insert(rel.into(), HrefObject::post(format!("{href}/{path}")));
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

/// The operations Okta links from a user in its status (as recorded in 2025): `(rel, path)`.
fn user_operations(user: &User) -> Vec<(&'static str, &'static str)> {
    const RESET_FACTORS: (&str, &str) = ("resetFactors", "lifecycle/reset_factors");
    const DEACTIVATE: (&str, &str) = ("deactivate", "lifecycle/deactivate");
    let mut ops = match user.status {
        UserStatus::Staged => vec![("activate", "lifecycle/activate"), RESET_FACTORS],
        UserStatus::Provisioned => vec![
            ("reactivate", "lifecycle/reactivate"),
            DEACTIVATE,
            RESET_FACTORS,
        ],
        UserStatus::Active | UserStatus::PasswordExpired | UserStatus::Recovery => vec![
            ("suspend", "lifecycle/suspend"),
            DEACTIVATE,
            ("resetPassword", "lifecycle/reset_password"),
            ("expirePassword", "lifecycle/expire_password"),
            RESET_FACTORS,
        ],
        UserStatus::Suspended => vec![
            ("unsuspend", "lifecycle/unsuspend"),
            DEACTIVATE,
            RESET_FACTORS,
        ],
        UserStatus::LockedOut => vec![("unlock", "lifecycle/unlock"), DEACTIVATE, RESET_FACTORS],
        UserStatus::Deprovisioned => vec![("activate", "lifecycle/activate")],
    };
    let signs_in = matches!(
        user.status,
        UserStatus::Active | UserStatus::PasswordExpired | UserStatus::Recovery
    );
    if signs_in && user.credentials.password.is_some() {
        ops.extend([
            ("changePassword", "credentials/change_password"),
            (
                "changeRecoveryQuestion",
                "credentials/change_recovery_question",
            ),
            ("forgotPassword", "credentials/forgot_password"),
        ]);
    }
    ops
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
