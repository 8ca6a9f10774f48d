//! `oktabulk doctor`: proves the setup before a big run, writing nothing. It shows where the
//! settings came from, checks the org URL and the credentials with one read of users, groups
//! and the schema, says which command families the credentials may run (an API token: its
//! owner's admin roles, from `/users/me` and its roles; a service app: the scopes it asks for,
//! against what each family needs, `crate::access`), and prints the org's current rate-limit
//! buckets. Credentials that can write nothing fail it, as the run would.

use crate::access::{Family, FAMILIES};
use crate::cli::GlobalArgs;
use crate::config;
use crate::connect::{connect_to, Connection};
use crate::exit::{code, AppError};
use futures_util::StreamExt;
use okta_client::{Client, Credentials, ListQuery};
use std::time::{SystemTime, UNIX_EPOCH};

/// What the credentials may do, as far as the org lets doctor tell.
enum Access {
    /// An API token's owner and the role types it holds.
    Roles(String, Vec<String>),
    /// A service app's requested scopes.
    Scopes(Vec<String>),
    /// The org would not say (why).
    Unknown(String),
}

pub async fn run(global: &GlobalArgs) -> Result<u8, AppError> {
    let target = if global.sandbox {
        None
    } else {
        Some(config::resolve(global)?)
    };
    let scopes = target.as_ref().and_then(|t| match &t.credentials {
        Credentials::ServiceApp { scopes, .. } => Some(scopes.clone()),
        Credentials::ApiToken(_) => None,
    });
    let conn = connect_to(global, target, None).await?;
    crate::outln!("org:       {}", conn.client.org());
    crate::outln!(
        "settings:  {}",
        if conn.sources.is_empty() {
            "defaults".into()
        } else {
            conn.sources.join(", ")
        }
    );
    crate::outln!("as:        {}", conn.principal);
    let (reads_failed, failed_auth) = check_reads(&conn.client).await;
    let access = match scopes {
        Some(scopes) => Access::Scopes(scopes),
        None => token_roles(&conn).await,
    };
    let can_write = print_access(&access);
    print_buckets(&conn.client, global);
    Ok(if failed_auth || can_write == Some(false) {
        code::AUTH
    } else if reads_failed {
        code::RUNTIME
    } else {
        code::OK
    })
}

/// One read of users, groups and the schema; answers (any failed, an auth failure among them).
async fn check_reads(client: &Client) -> (bool, bool) {
    let mut failed_auth = false;
    let mut failed = false;
    let users = client.users().list(&ListQuery::one()).next().await;
    let groups = client.groups().list(&ListQuery::one()).next().await;
    let schema = client.users().schema().await.map(drop);
    let checks: [(&str, Result<(), okta_client::Error>); 3] = [
        ("read users (okta.users.read)", users.transpose().map(drop)),
        (
            "read groups (okta.groups.read)",
            groups.transpose().map(drop),
        ),
        ("read the user schema (okta.schemas.read)", schema),
    ];
    for (what, outcome) in checks {
        match outcome {
            Ok(()) => crate::outln!("ok         {what}"),
            Err(e) => {
                failed = true;
                let shown = e.to_string();
                let request_id = e.request_id().map(str::to_owned);
                failed_auth |= AppError::from(e).exit_code() == code::AUTH;
                crate::outln!("FAILED     {what}: {shown}");
                if let Some(id) = request_id {
                    crate::outln!("           request id {id}");
                }
            }
        }
    }
    (failed, failed_auth)
}

/// The API token's owner (`/users/me`) and its admin roles.
async fn token_roles(conn: &Connection) -> Access {
    let users = conn.client.users();
    let me = match users.me().await {
        Ok(me) => me,
        Err(e) => return Access::Unknown(format!("the token's owner is not readable: {e}")),
    };
    let owner = me.profile.login().unwrap_or(me.id.as_str()).to_owned();
    match users.roles(&me.id).await {
        Ok(roles) => Access::Roles(owner, roles.into_iter().map(|r| r.role_type).collect()),
        Err(e) => Access::Unknown(format!("the admin roles of {owner} are not readable: {e}")),
    }
}

/// Prints what each family needs against what the credentials have; answers whether they may
/// write at all (`None` when the org would not say).
fn print_access(access: &Access) -> Option<bool> {
    let verdicts: Vec<(&Family, Option<String>)> = match access {
        Access::Unknown(why) => {
            crate::outln!("access:    unknown ({why}); the first write of a run will tell");
            return None;
        }
        Access::Roles(owner, roles) => {
            crate::outln!(
                "access:    the token acts as {owner}, admin roles: {}",
                if roles.is_empty() {
                    "none".to_owned()
                } else {
                    roles.join(", ")
                }
            );
            FAMILIES
                .iter()
                .map(|f| {
                    let lacks = (!f.allowed_by_roles(roles))
                        .then(|| format!("needs one of {}", f.roles.join(", ")));
                    (f, lacks)
                })
                .collect()
        }
        Access::Scopes(scopes) => {
            crate::outln!("access:    the service app asks for {}", scopes.join(", "));
            FAMILIES
                .iter()
                .map(|f| {
                    let missing = f.missing_scopes(scopes);
                    let lacks =
                        (!missing.is_empty()).then(|| format!("lacks {}", missing.join(", ")));
                    (f, lacks)
                })
                .collect()
        }
    };
    for (family, lacks) in &verdicts {
        match lacks {
            None => crate::outln!("can        {} ({})", family.commands, family.does),
            Some(why) => crate::outln!("cannot     {} ({}): {why}", family.commands, family.does),
        }
    }
    let can_write = verdicts
        .iter()
        .any(|(f, lacks)| f.writes && lacks.is_none());
    if !can_write {
        crate::outln!("these credentials can write nothing: every command but export, validate and --dry-run would fail");
    }
    Some(can_write)
}

fn print_buckets(client: &Client, global: &GlobalArgs) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::outln!("rate limits seen (bucket, limit per window, remaining, resets in):");
    for b in client.buckets() {
        crate::outln!(
            "  {:<28} {:>6} {:>6}  {}s",
            b.bucket.name(),
            b.limit,
            b.remaining,
            b.reset_epoch.saturating_sub(now)
        );
    }
    crate::outln!(
        "oktabulk uses at most {}% of each bucket (--max-capacity) and {} in flight ({})",
        global.max_capacity,
        crate::report::words::count(client.in_flight_limit() as u64, "request", "requests"),
        match global.concurrency {
            Some(_) => "--concurrency",
            None => "half of the org's concurrency limit at most; --concurrency lowers it",
        }
    );
}
