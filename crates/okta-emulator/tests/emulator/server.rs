//! The server itself: a control plane that needs a token off loopback, connections that must
//! send their headers in time, and a shutdown that closes every open connection.

use super::support::TOKEN;
use okta_emulator::{EmulatorConfig, RateLimitConfig};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn started(control_token: Option<&str>) -> okta_emulator::EmulatorHandle {
    let mut config = EmulatorConfig::new(TOKEN).rate_limits(RateLimitConfig::off());
    config.control_token = control_token.map(str::to_owned);
    config.start().await.expect("emulator starts")
}

fn addr(emulator: &okta_emulator::EmulatorHandle) -> String {
    emulator.base_url().trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn a_control_token_guards_the_control_plane() {
    let emulator = started(Some("ctl-secret")).await;
    let http = reqwest::Client::new();
    let stats = format!("{}/__emulator/stats", emulator.base_url());
    let refused = http.get(&stats).send().await.expect("sent");
    assert_eq!(refused.status(), 403);
    let api_token = http
        .get(&stats)
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        api_token.status(),
        403,
        "an API token is not the control token"
    );
    let allowed = http
        .get(&stats)
        .header("X-Emulator-Control-Token", "ctl-secret")
        .send()
        .await
        .expect("sent");
    assert_eq!(allowed.status(), 200);
}

#[test]
fn the_binary_refuses_to_serve_off_loopback_without_a_control_token() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_okta-emulator"))
        .args(["--host", "0.0.0.0", "--token", "t"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--control-token"), "{stderr}");
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    let emulator = started(None).await;
    let mut stream = TcpStream::connect(addr(&emulator)).await.expect("connects");
    stream
        .write_all(b"GET /api/v1/users HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("half a request");
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf))
        .await
        .expect("closed before 30 s");
    assert!(matches!(read, Ok(0) | Err(_)) || buf.starts_with(b"HTTP/1.1 408"));
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "not before the timeout"
    );
}

#[tokio::test]
async fn shutdown_closes_open_connections() {
    let emulator = started(None).await;
    let mut stream = TcpStream::connect(addr(&emulator)).await.expect("connects");
    let request =
        format!("GET /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: SSWS {TOKEN}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut buf = vec![0u8; 65_536];
    let n = stream.read(&mut buf).await.expect("answered");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    emulator.shutdown().await;
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("the kept-alive connection is closed");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}
