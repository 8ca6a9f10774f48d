//! The routes and the accept loop. Each connection gets a kill switch so that fault rules can
//! drop it without an answer, which a plain `axum::serve` cannot do. Connections are capped
//! (`MAX_CONNECTIONS`; more wait in the listen backlog), must send their request headers within
//! `HEADER_READ_TIMEOUT`, and are all closed by a shutdown.

use crate::core::Core;
use crate::error::ApiError;
use crate::http::pipeline::{pipeline, ConnectionKill};
use crate::http::{apps, control, groups, oauth, roles, rules, schema, types, users};
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post, put};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::rt::TokioTimer;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify, Semaphore};

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a connection has to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

pub fn router(core: Arc<Core>) -> Router {
    let not_allowed = || async { ApiError::MethodNotAllowed };
    Router::new()
        .route("/api/v1/users", get(users::list).post(users::create))
        .route(
            "/api/v1/users/{id}",
            get(users::get)
                .post(users::update)
                .put(users::replace)
                .delete(users::delete),
        )
        .route("/api/v1/users/{id}/lifecycle/{op}", post(users::lifecycle))
        .route("/api/v1/users/{id}/groups", get(users::groups))
        .route(
            "/api/v1/users/{id}/grants",
            get(users::empty_list).delete(users::revoke),
        )
        .route("/api/v1/users/{id}/appLinks", get(users::empty_list))
        .route(
            "/api/v1/users/{id}/credentials/change_password",
            post(users::change_password),
        )
        .route(
            "/api/v1/users/{id}/credentials/change_recovery_question",
            post(users::change_recovery_question),
        )
        .route(
            "/api/v1/users/{id}/credentials/forgot_password",
            post(users::forgot_password),
        )
        .route(
            "/api/v1/users/{id}/credentials/forgot_password_recovery_question",
            post(users::forgot_password_recovery_question),
        )
        .route("/api/v1/users/{id}/clients", get(users::empty_list))
        .route("/api/v1/users/{id}/idps", get(users::empty_list))
        .route("/api/v1/users/{id}/sessions", delete(users::revoke))
        .route("/api/v1/groups", get(groups::list).post(groups::create))
        .route("/api/v1/groups/rules", get(rules::list).post(rules::create))
        .route(
            "/api/v1/groups/rules/{id}",
            get(rules::get).put(rules::replace).delete(rules::delete),
        )
        .route(
            "/api/v1/groups/rules/{id}/lifecycle/{op}",
            post(rules::lifecycle),
        )
        .route(
            "/api/v1/groups/{id}",
            get(groups::get).put(groups::replace).delete(groups::delete),
        )
        .route("/api/v1/groups/{id}/users", get(groups::members))
        .route(
            "/api/v1/groups/{id}/users/{user}",
            put(groups::add_member).delete(groups::remove_member),
        )
        .route("/api/v1/groups/{id}/apps", get(apps::of_group))
        .route("/api/v1/apps", get(apps::list).post(apps::create))
        .route(
            "/api/v1/apps/{id}",
            get(apps::get).put(apps::replace).delete(apps::delete),
        )
        .route("/api/v1/apps/{id}/lifecycle/{op}", post(apps::lifecycle))
        .route(
            "/api/v1/apps/{id}/users",
            get(apps::users).post(apps::assign_user),
        )
        .route(
            "/api/v1/apps/{id}/users/{user}",
            get(apps::user)
                .post(apps::update_user)
                .delete(apps::unassign_user),
        )
        .route("/api/v1/apps/{id}/groups", get(apps::groups))
        .route(
            "/api/v1/apps/{id}/groups/{group}",
            get(apps::group)
                .put(apps::assign_group)
                .delete(apps::remove_group),
        )
        .route(
            "/api/v1/meta/schemas/user/default",
            get(schema::user_default).post(schema::update_user_default),
        )
        .route(
            "/api/v1/meta/schemas/group/default",
            get(schema::group_default).post(schema::update_group_default),
        )
        .route(
            "/api/v1/meta/types/user",
            get(types::list).post(types::create),
        )
        .route(
            "/api/v1/meta/types/user/{id}",
            get(types::get)
                .post(types::update)
                .put(types::replace)
                .delete(types::delete),
        )
        .route("/oauth2/v1/token", post(oauth::token))
        .route("/__emulator/reset", post(control::reset))
        .route("/__emulator/seed", post(control::seed))
        .route(
            "/__emulator/faults",
            put(control::put_faults).delete(control::delete_faults),
        )
        .route(
            "/__emulator/stats",
            get(control::stats).delete(control::clear_stats),
        )
        .route(
            "/__emulator/rate-limits",
            get(control::rate_limits).put(control::put_rate_limits),
        )
        .merge(role_routes("users"))
        .merge(role_routes("groups"))
        .method_not_allowed_fallback(not_allowed)
        .fallback(|| async { ApiError::PathNotFound })
        .layer(from_fn_with_state(Arc::clone(&core), pipeline))
        .with_state(core)
}

/// The admin role routes of users or groups: one set of handlers for both.
fn role_routes(who: &str) -> Router<Arc<Core>> {
    let base = format!("/api/v1/{who}/{{id}}/roles");
    Router::new()
        .route(&base, get(roles::list).post(roles::assign))
        .route(
            &format!("{base}/{{role}}"),
            get(roles::get).delete(roles::unassign),
        )
        .route(
            &format!("{base}/{{role}}/targets/groups"),
            get(roles::targets),
        )
        .route(
            &format!("{base}/{{role}}/targets/groups/{{group}}"),
            put(roles::add_target).delete(roles::remove_target),
        )
}

/// An org URL ending in `/` makes clients send `//api/v1/...`; Okta answers those as the path
/// with one leading slash, so the routes see it that way too.
fn one_leading_slash<B>(req: &mut hyper::Request<B>) {
    let path = req.uri().path();
    if !path.starts_with("//") {
        return;
    }
    let trimmed = format!("/{}", path.trim_start_matches('/'));
    let target = match req.uri().query() {
        Some(q) => format!("{trimmed}?{q}"),
        None => trimmed,
    };
    if let Ok(uri) = target.parse() {
        *req.uri_mut() = uri;
    }
}

/// Serves connections until `shutdown` is notified, then closes every open connection.
pub async fn serve(listener: TcpListener, router: Router, shutdown: Arc<Notify>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (closing, closed) = watch::channel(false);
    loop {
        let accepted = tokio::select! {
            accepted = async {
                let slot = Arc::clone(&slots).acquire_owned().await;
                (slot, listener.accept().await)
            } => accepted,
            () = shutdown.notified() => {
                closing.send_replace(true);
                return;
            }
        };
        let (Ok(slot), Ok((stream, _))) = accepted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let kill = ConnectionKill(Arc::new(Notify::new()));
        let switch = Arc::clone(&kill.0);
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(kill.clone());
                one_leading_slash(&mut req);
                req
            },
        );
        let mut closed = closed.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            tokio::select! {
                _ = connection => {}
                () = switch.notified() => {}
                _ = closed.wait_for(|c| *c) => {}
            }
        });
    }
}
