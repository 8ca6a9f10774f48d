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

/// Every user the org lists, and the error the list ended with, if any.
async fn list_all(client: &Client) -> (usize, Option<Error>) {
    let listed: Vec<_> = client.users().list(&ListQuery::default()).collect().await;
    let users = listed.iter().filter(|r| r.is_ok()).count();
    (users, listed.into_iter().find_map(Result::err))
}

#[tokio::test]
async fn a_next_link_to_the_same_page_ends_the_list_with_a_paging_loop() {
    // As a broken org or proxy does: every page links `next` to itself, absolute.
    let org = hostile_org(|_, target, own| {
        let link = format!("Link: <http://{own}{target}>; rel=\"next\"");
        (200, vec![link], ONE_USER)
    })
    .await;
    let (users, error) = list_all(&client(&org.url)).await;
    assert_eq!(users, 1, "the page is read once");
    match error {
        Some(Error::PagingLoop { path, page, first }) => {
            assert_eq!((path.as_str(), page, first), ("/api/v1/users", 1, 1));
        }
        e => panic!("not a paging loop: {e:?}"),
    }
    assert_eq!(
        org.seen.lock().len(),
        1,
        "the same page was not asked for again"
    );
}

#[tokio::test]
async fn a_cycle_of_next_links_is_found_whatever_the_order_of_the_query() {
    // first -> A -> B -> A again, written with its parameters the other way round; each page
    // holds another user, so only the links repeat.
    let org = hostile_org(|_, target, _| {
        let (next, user) = match target {
            t if t.contains("after=b") || t.contains("limit=1&after=a") => {
                ("/api/v1/users?limit=1&after=a", "00u3")
            }
            t if t.contains("after=a") => ("/api/v1/users?after=b&limit=1", "00u2"),
            _ => ("/api/v1/users?after=a&limit=1", "00u1"),
        };
        let page: &'static str = Box::leak(ONE_USER.replace("00u1", user).into_boxed_str());
        (200, vec![format!("Link: <{next}>; rel=\"next\"")], page)
    })
    .await;
    let (users, error) = list_all(&client(&org.url)).await;
    assert_eq!(users, 3);
    match &error {
        Some(Error::PagingLoop {
            page: 3, first: 2, ..
        }) => {}
        e => panic!("not the loop from page 3 back to page 2: {e:?}"),
    }
    // The org's fault, not the request's: a later run may read the list.
    assert!(error.as_ref().is_some_and(Error::is_transient));
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("goes round in a circle"), "{message}");
    assert!(
        !message.contains("after="),
        "the cursor stays out of the message: {message}"
    );
    assert_eq!(org.seen.lock().len(), 3);
}

#[tokio::test]
async fn a_page_repeated_under_new_cursors_ends_the_list_with_a_paging_loop() {
    // A fresh cursor every time, and the same page behind each: no URL repeats.
    let org = hostile_org(|n, _, _| {
        let link = format!("Link: </api/v1/users?after=c{n}>; rel=\"next\"");
        (200, vec![link], ONE_USER)
    })
    .await;
    let (users, error) = list_all(&client(&org.url)).await;
    assert_eq!(users, 1, "the repeated page is not given again");
    match error {
        Some(Error::PagingLoop {
            page: 1, first: 1, ..
        }) => {}
        e => panic!("not a paging loop: {e:?}"),
    }
    assert_eq!(org.seen.lock().len(), 2);
}

#[tokio::test]
async fn empty_pages_and_distinct_pages_are_followed_to_the_end() {
    // Two pages of different users, then an empty page: nothing is taken for a loop.
    let second = ONE_USER
        .replace("00u1", "00u2")
        .replace("a@example.com", "b@example.com");
    let second: &'static str = Box::leak(second.into_boxed_str());
    let org = hostile_org(move |n, _, _| match n {
        0 => (
            200,
            vec!["Link: </api/v1/users?after=1>; rel=\"next\"".into()],
            ONE_USER,
        ),
        1 => (
            200,
            vec!["Link: </api/v1/users?after=2>; rel=\"next\"".into()],
            second,
        ),
        2 => (
            200,
            vec!["Link: </api/v1/users?after=3>; rel=\"next\"".into()],
            "[]",
        ),
        _ => (200, vec![], "[]"),
    })
    .await;
    let (users, error) = list_all(&client(&org.url)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(users, 2);
    assert_eq!(org.seen.lock().len(), 4);
}

/// An org whose every answer is a 200 with a body that never ends (or, with `declared`, says
/// it is that long): answers its URL, the answers started and the bytes it managed to send.
async fn flooding_org(declared: Option<u64>) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (answers, sent) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (a, b) = (Arc::clone(&answers), Arc::clone(&sent));
    tokio::spawn(async move {
        for _ in 0..10 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            a.fetch_add(1, Ordering::SeqCst);
            let _ = read_head(&mut stream).await;
            let length = declared.map_or(String::new(), |n| format!("Content-Length: {n}\r\n"));
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n[");
            if stream.write_all(head.as_bytes()).await.is_err() {
                continue;
            }
            let user = &ONE_USER[1..ONE_USER.len() - 1];
            let chunk = format!("{user},").repeat(256);
            // 256 MiB at most: far past any limit under test.
            for _ in 0..(256 << 20) / chunk.len() {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    break;
                }
                b.fetch_add(chunk.len(), Ordering::SeqCst);
            }
        }
    });
    (url, answers, sent)
}

#[tokio::test]
async fn an_endless_answer_is_cut_at_the_limit_and_not_asked_for_again() {
    let (url, answers, sent) = flooding_org(None).await;
    let limit = 1 << 20;
    let client = Client::builder(&url, Credentials::ApiToken(Secret::new(TOKEN)))
        .expect("valid config")
        .max_answer_bytes(limit)
        .build()
        .expect("client builds");
    let (users, error) = list_all(&client).await;
    assert_eq!(users, 0);
    match error {
        Some(Error::AnswerTooLarge { limit: l, .. }) => assert_eq!(l, limit),
        e => panic!("not too large: {e:?}"),
    }
    assert_eq!(answers.load(Ordering::SeqCst), 1, "not tried again");
    // What the org got into the socket before the client hung up: the limit and the kernel's
    // buffers, not the 256 MiB it had to send.
    let sent = sent.load(Ordering::SeqCst);
    assert!(sent < 64 << 20, "the client kept reading: {sent} bytes");
}

#[tokio::test]
async fn an_answer_that_says_it_is_too_large_is_refused_before_it_is_read() {
    let (url, answers, _) = flooding_org(Some(5 << 30)).await;
    let (users, error) = list_all(&client(&url)).await;
    assert_eq!(users, 0);
    match error {
        Some(Error::AnswerTooLarge { limit, .. }) => {
            assert_eq!(limit, okta_client::DEFAULT_MAX_ANSWER_BYTES);
        }
        e => panic!("not too large: {e:?}"),
    }
    assert_eq!(answers.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_page_of_malformed_json_ends_the_list_with_a_decode_error() {
    let org = hostile_org(|_, _, _| (200, vec![], r#"[{"id":"00u1","status":"#)).await;
    let (users, error) = list_all(&client(&org.url)).await;
    assert_eq!(users, 0);
    assert!(matches!(error, Some(Error::Decode { .. })), "{error:?}");
    assert_eq!(org.seen.lock().len(), 1);
}
