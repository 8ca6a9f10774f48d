//! A hostile org: a raw HTTP server on 127.0.0.1 that answers with links and redirects meant
//! to pull the token or a password to another host, beside a second listener that stands for
//! that host and counts every connection it gets. The token must never leave the org.

use futures_util::StreamExt;
use okta_client::{Client, CreateUserOptions, Credentials, Error, ListQuery, Secret};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "hostile-test-token";

/// What the hostile org answers: a status, extra header lines, a body.
type Answer = (u16, Vec<String>, &'static str);

/// One request as the hostile org saw it.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    authorized: bool,
    user_agent: String,
}

struct HostileOrg {
    url: String,
    seen: Arc<parking_lot::Mutex<Vec<Seen>>>,
}

/// Serves `answer(n, target, own host:port)` to the n-th request (from 0), one request per
/// connection.
async fn hostile_org(
    answer: impl Fn(usize, &str, &str) -> Answer + Send + Sync + 'static,
) -> HostileOrg {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let own = listener.local_addr().expect("addr").to_string();
    let url = format!("http://{own}");
    let seen = Arc::new(parking_lot::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        for n in 0..50 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let head = read_head(&mut stream).await;
            let target = head
                .lines()
                .next()
                .and_then(|l| l.split(' ').nth(1))
                .unwrap_or_default()
                .to_owned();
            let authorized = head
                .to_ascii_lowercase()
                .contains("\r\nauthorization: ssws");
            let user_agent = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("user-agent")
                        .then(|| value.trim().to_owned())
                })
                .unwrap_or_default();
            log.lock().push(Seen {
                target: target.clone(),
                authorized,
                user_agent,
            });
            let (status, headers, body) = answer(n, &target, &own);
            let mut text = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for h in headers {
                text.push_str(&h);
                text.push_str("\r\n");
            }
            text.push_str("\r\n");
            text.push_str(body);
            let _ = stream.write_all(text.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
    });
    HostileOrg { url, seen }
}

/// Reads a request's head and its body (by `Content-Length`); answers the head.
async fn read_head(stream: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65_536 {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// A host the token must never reach: counts the connections it is offered.
struct Elsewhere {
    addr: String,
    connections: Arc<AtomicUsize>,
}

async fn elsewhere() -> Elsewhere {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    tokio::spawn(async move {
        for _ in 0..50 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let _ = read_head(&mut stream).await;
            let body = "[]";
            let text = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(text.as_bytes()).await;
        }
    });
    Elsewhere { addr, connections }
}

fn client(org: &str) -> Client {
    Client::builder(org, Credentials::ApiToken(Secret::new(TOKEN)))
        .expect("valid config")
        .build()
        .expect("client builds")
}

const ONE_USER: &str = r#"[{"id":"00u1","status":"ACTIVE","created":"2026-01-01T00:00:00.000Z","lastUpdated":"2026-01-01T00:00:00.000Z","type":{"id":"oty1"},"profile":{"login":"a@example.com","email":"a@example.com","firstName":"A","lastName":"B"}}]"#;

/// Builds a `next` link from the org's and the other host's `host:port`.
type LinkTo = fn(&str, &str) -> String;

/// Lists users from an org whose first page links `next` to `link(org, other)` (the two
/// `host:port`s); answers the error the list ended with, if any.
async fn follow(link: LinkTo) -> (Option<Error>, HostileOrg, Elsewhere) {
    let other = elsewhere().await;
    let other_addr = other.addr.clone();
    let org = hostile_org(move |n, _, own| {
        let headers = if n == 0 {
            vec![format!("Link: <{}>; rel=\"next\"", link(own, &other_addr))]
        } else {
            Vec::new()
        };
        (200, headers, if n == 0 { ONE_USER } else { "[]" })
    })
    .await;
    let users: Vec<_> = client(&org.url)
        .users()
        .list(&ListQuery::default())
        .collect()
        .await;
    assert!(users[0].is_ok(), "the first page is read: {:?}", users[0]);
    // give a stray connection time to arrive before counting
    tokio::time::sleep(Duration::from_millis(50)).await;
    let error = users.into_iter().skip(1).find_map(Result::err);
    (error, org, other)
}

#[tokio::test]
async fn next_links_off_the_org_are_refused_in_every_form() {
    let port = |addr: &str| addr.rsplit(':').next().unwrap_or_default().to_owned();
    let cases: [(&str, LinkTo, &str); 4] = [
        (
            "absolute, another host",
            |_, other| {
                format!(
                    "http://localhost:{}/api/v1/users?after=x",
                    other.rsplit(':').next().unwrap_or_default()
                )
            },
            "http://localhost:",
        ),
        (
            "protocol-relative",
            |_, other| format!("//{other}/api/v1/users?after=x"),
            "http://127.0.0.1:",
        ),
        (
            "absolute, another port",
            |_, other| format!("http://{other}/api/v1/users?after=x"),
            "http://127.0.0.1:",
        ),
        (
            "the org itself with userinfo",
            |org, _| format!("http://someone@{org}/api/v1/users?after=x"),
            "with a user name",
        ),
    ];
    for (form, link, names) in cases {
        let (error, org, other) = follow(link).await;
        assert_eq!(
            other.connections.load(Ordering::SeqCst),
            0,
            "{form}: left the org"
        );
        match error {
            Some(Error::ForeignLink(target)) => {
                assert!(target.contains(names), "{form}: names the target: {target}");
                if !form.contains("userinfo") {
                    assert!(
                        target.ends_with(&port(&other.addr)),
                        "{form}: names the port: {target}"
                    );
                }
            }
            e => panic!("{form}: not refused: {e:?}"),
        }
        assert_eq!(
            org.seen.lock().len(),
            1,
            "{form}: only the first page was asked for"
        );
    }
}

#[tokio::test]
async fn a_relative_link_stays_a_path_on_the_org() {
    // Glued onto the org URL as text, `@host:port/...` would have made the org's address a
    // user name and sent the token to `host:port`; resolved as a URL it is a path on the org.
    let (error, org, other) = follow(|_, other| format!("@{other}/api/v1/users?after=x")).await;
    assert_eq!(other.connections.load(Ordering::SeqCst), 0, "left the org");
    assert!(error.is_none(), "{error:?}");
    let seen = org.seen.lock().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen[1].target.starts_with("/@127.0.0.1:"), "{:?}", seen[1]);
    assert!(seen[1].authorized, "the org itself gets the token");
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let other = elsewhere().await;
    let location = format!("http://{}/api/v1/users", other.addr);
    let org = hostile_org(move |_, _, _| (307, vec![format!("Location: {location}")], "")).await;
    let client = client(&org.url);
    let profile = serde_json::from_value(serde_json::json!({
        "login": "a@example.com", "email": "a@example.com", "firstName": "A", "lastName": "B"
    }))
    .expect("profile");
    let body = okta_model::CreateUserRequest {
        profile,
        credentials: Some(okta_model::UserCredentials {
            password: Some(okta_model::PasswordCredential {
                value: Some("Secret-Passw0rd!".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = client
        .users()
        .create(&body, CreateUserOptions::default())
        .await;
    match created {
        Err(Error::Redirect {
            status: 307,
            location: Some(l),
            ..
        }) => assert_eq!(l, format!("http://{}", other.addr)),
        other => panic!("a 307 must be an error: {other:?}"),
    }
    let listed: Vec<_> = client.users().list(&ListQuery::default()).collect().await;
    assert!(matches!(
        listed[0],
        Err(Error::Redirect { status: 307, .. })
    ));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        other.connections.load(Ordering::SeqCst),
        0,
        "neither the password nor the token went to the redirect's host"
    );
}

#[tokio::test]
async fn requests_carry_the_library_or_the_applications_user_agent() {
    let org = hostile_org(|_, _, _| (200, vec![], ONE_USER)).await;
    let named = Client::builder(&org.url, Credentials::ApiToken(Secret::new(TOKEN)))
        .expect("valid config")
        .user_agent("hr-sync/1.4")
        .build()
        .expect("client builds");
    let _: Vec<_> = named.users().list(&ListQuery::default()).collect().await;
    let _: Vec<_> = client(&org.url)
        .users()
        .list(&ListQuery::default())
        .collect()
        .await;
    let seen = org.seen.lock().clone();
    assert_eq!(seen[0].user_agent, "hr-sync/1.4");
    assert!(
        seen[1].user_agent.starts_with("okta-client-rust/"),
        "{}",
        seen[1].user_agent
    );
}
