//! `okta-emulator`: serves the emulator until killed and prints its base URL on the first line.

use clap::Parser;
use okta_emulator::{EmulatorConfig, RateLimitConfig};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(version, about = "An Okta-compatible Management API emulator")]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on. Anything but loopback needs --control-token, since the control
    /// plane (reset, seed, faults) would be open to the network.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Require this token in the X-Emulator-Control-Token header of control-plane requests.
    #[arg(long, env = "OKTA_EMULATOR_CONTROL_TOKEN")]
    control_token: Option<String>,
    /// SQLite file to keep the org in; in memory when absent.
    #[arg(long)]
    db: Option<PathBuf>,
    /// API token to accept (repeatable). A test credential, not a real Okta token.
    #[arg(long = "token", env = "OKTA_EMULATOR_TOKEN", required = true)]
    tokens: Vec<String>,
    /// Rate-limit preset: workforce, integrator-free or off.
    #[arg(long, default_value = "workforce")]
    rate_limits: String,
    /// Length of a rate-limit window in milliseconds (Okta: 60000).
    #[arg(long)]
    window_ms: Option<u64>,
    /// Requests in flight before concurrency 429s; 0 for no limit.
    #[arg(long)]
    concurrency: Option<u32>,
    /// Override one bucket's limit, e.g. `users=500` (users, user-mutation, user-get, groups,
    /// group-by-id, apps, app-by-id, other). Repeatable.
    #[arg(long = "limit", value_parser = parse_limit)]
    limits: Vec<(String, u32)>,
    /// Percent of each bucket one API token or OAuth app may use per window (Okta's default:
    /// 50; the `off` preset: 100).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    principal_share: Option<u32>,
    /// One principal's share, e.g. `0oa1abc=100` (an OAuth client id or an API token).
    /// Repeatable.
    #[arg(long = "share-for", value_parser = parse_limit)]
    shares: Vec<(String, u32)>,
}

fn parse_limit(s: &str) -> Result<(String, u32), String> {
    let (bucket, n) = s.split_once('=').ok_or("expected NAME=N")?;
    let n = n.parse().map_err(|e| format!("{n}: {e}"))?;
    Ok((bucket.to_owned(), n))
}

fn rate_limits(args: &Args) -> Result<RateLimitConfig, String> {
    let mut config = RateLimitConfig::preset(&args.rate_limits).ok_or_else(|| {
        format!(
            "unknown rate-limit preset {:?} (workforce, integrator-free, off)",
            args.rate_limits
        )
    })?;
    if let Some(ms) = args.window_ms {
        config.window_ms = ms;
    }
    if let Some(c) = args.concurrency {
        config.concurrency = (c > 0).then_some(c);
    }
    if let Some(share) = args.principal_share {
        config.principal_share = share;
    }
    config.principal_shares.extend(args.shares.iter().cloned());
    for (bucket, n) in &args.limits {
        let limits = config.limits.get_or_insert_with(|| {
            RateLimitConfig::workforce()
                .limits
                .expect("workforce has limits")
        });
        let slot: &mut u32 = match bucket.as_str() {
            "users" => &mut limits.users,
            "user-mutation" => &mut limits.user_mutation,
            "user-get" => &mut limits.user_get,
            "groups" => &mut limits.groups,
            "group-by-id" => &mut limits.group_by_id,
            "apps" => &mut limits.apps,
            "app-by-id" => &mut limits.app_by_id,
            "other" => &mut limits.other,
            other => return Err(format!("unknown bucket {other:?}")),
        };
        *slot = *n;
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let limits = match rate_limits(&args) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("okta-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    if !args.host.is_loopback() {
        if args.control_token.is_none() {
            eprintln!(
                "okta-emulator: refusing to serve on {} without --control-token: anyone who can reach it could reset, seed and fault the org",
                args.host
            );
            return ExitCode::from(2);
        }
        eprintln!(
            "okta-emulator: warning: serving on {}, reachable from the network; its API tokens are test credentials",
            args.host
        );
    }
    let config = EmulatorConfig {
        bind: SocketAddr::new(args.host, args.port),
        tokens: args.tokens,
        rate_limits: limits,
        db: args.db,
        control_token: args.control_token,
    };
    let emulator = match config.start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("okta-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{}", emulator.base_url());
    let _ = stdout.flush();
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
