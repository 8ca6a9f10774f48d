//! `oktabulk doctor`: proves the setup before a big run. It shows where the settings came from,
//! checks the org URL and the credentials with one read of users, groups and the schema (which
//! also shows missing scopes or admin roles), and prints the org's current rate-limit buckets.

use crate::cli::GlobalArgs;
use crate::connect::connect;
use crate::exit::{code, AppError};
use futures_util::StreamExt;
use okta_client::ListQuery;
use std::time::{SystemTime, UNIX_EPOCH};

pub async fn run(global: &GlobalArgs) -> Result<u8, AppError> {
    let conn = connect(global, None).await?;
    println!("org:       {}", conn.client.org());
    println!(
        "settings:  {}",
        if conn.sources.is_empty() {
            "defaults".into()
        } else {
            conn.sources.join(", ")
        }
    );
    let client = &conn.client;
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
            Ok(()) => println!("ok         {what}"),
            Err(e) => {
                failed = true;
                let shown = e.to_string();
                let request_id = e.request_id().map(str::to_owned);
                failed_auth |= AppError::from(e).exit_code() == code::AUTH;
                println!("FAILED     {what}: {shown}");
                if let Some(id) = request_id {
                    println!("           request id {id}");
                }
            }
        }
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    println!("rate limits seen (bucket, limit per window, remaining, resets in):");
    for b in client.buckets() {
        println!(
            "  {:<28} {:>6} {:>6}  {}s",
            b.bucket.name(),
            b.limit,
            b.remaining,
            b.reset_epoch.saturating_sub(now)
        );
    }
    println!(
        "oktabulk uses at most {}% of each bucket (--max-capacity) and {} requests in flight ({})",
        global.max_capacity,
        client.in_flight_limit(),
        match global.concurrency {
            Some(_) => "--concurrency",
            None => "half of the org's concurrency limit at most; --concurrency lowers it",
        }
    );
    Ok(match (failed_auth, failed) {
        (true, _) => code::AUTH,
        (false, true) => code::RUNTIME,
        _ => code::OK,
    })
}
