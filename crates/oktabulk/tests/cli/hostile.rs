//! A hostile or broken org: a raw HTTP server on 127.0.0.1 that answers the schema as Okta
//! does but every list with one fault (a `next` link to the same page, endless fresh cursors to
//! the same page, an A -> B -> A cycle, a body that never ends, malformed JSON). Every command that reads a list is run against each
//! fault: it must end, with exit 6 and a message that names the fault, and leave an earlier
//! output file as it was.

use super::support::{code, stderr, Env};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Every page links `next` to itself.
    SameNext,
    /// Every page links `next` to a cursor never given before, with the same page behind it.
    FreshCursor,
    /// The first page links to A, A to B, B back to A.
    Cycle,
    /// A 200 whose body never ends.
    EndlessBody,
    /// A 200 whose body is cut in the middle of the JSON.
    Malformed,
}

impl Fault {
    /// What the message of a run that met this fault says.
    fn named_by(self) -> &'static str {
        match self {
            Fault::SameNext | Fault::FreshCursor | Fault::Cycle => "paging goes round in a circle",
            Fault::EndlessBody => "larger than 67108864 bytes",
            Fault::Malformed => "cannot decode the answer",
        }
    }
}

/// The cursors `FreshCursor` has given.
static CURSORS: AtomicUsize = AtomicUsize::new(0);

const GROUP_ID: &str = "00gHostileGroup00001";
const APP_ID: &str = "0oaHostileApp0000001";
const APP: &str = r#"{"id":"0oaHostileApp0000001","name":"bookmark","label":"Wiki","status":"ACTIVE","created":"2026-01-01T00:00:00.000Z","lastUpdated":"2026-01-01T00:00:00.000Z","signOnMode":"BOOKMARK"}"#;
const APP_USER: &str = r#"{"id":"00uHostileUser000001","created":"2026-01-01T00:00:00.000Z","lastUpdated":"2026-01-01T00:00:00.000Z","scope":"USER","status":"ACTIVE","credentials":{"userName":"a"},"profile":{}}"#;
const APP_GROUP: &str = r#"{"id":"00gHostileGroup00001","lastUpdated":"2026-01-01T00:00:00.000Z","priority":0,"profile":{}}"#;

const USER: &str = r#"{"id":"00uHostileUser000001","status":"ACTIVE","created":"2026-01-01T00:00:00.000Z","lastUpdated":"2026-01-01T00:00:00.000Z","type":{"id":"oty1"},"profile":{"login":"a@example.com","email":"a@example.com","firstName":"A","lastName":"B"}}"#;

const GROUP: &str = r#"{"id":"00gHostileGroup00001","created":"2026-01-01T00:00:00.000Z","lastUpdated":"2026-01-01T00:00:00.000Z","lastMembershipUpdated":"2026-01-01T00:00:00.000Z","objectClass":["okta:user_group"],"type":"OKTA_GROUP","profile":{"name":"Team","description":null}}"#;

/// The org's URL and the requests it was sent.
struct HostileOrg {
    url: String,
    requests: Arc<AtomicUsize>,
}

/// Serves at most 400 requests, one per connection, each in its own task.
async fn hostile_org(fault: Fault) -> HostileOrg {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let own = listener.local_addr().expect("addr").to_string();
    let requests = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&requests);
    let host = own.clone();
    tokio::spawn(async move {
        for _ in 0..400 {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(stream, fault, host.clone()));
        }
    });
    HostileOrg {
        url: format!("http://{own}"),
        requests,
    }
}

async fn answer(mut stream: TcpStream, fault: Fault, own: String) {
    let head = read_head(&mut stream).await;
    let target = head
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or_default()
        .to_owned();
    let path = target.split('?').next().unwrap_or_default();
    let item = match path {
        "/api/v1/meta/schemas/user/default" => {
            let schema = okta_model::schema::default_schema(&own, Default::default(), None);
            let body = serde_json::to_string(&schema).expect("schema");
            return send(&mut stream, 200, &[], &body).await;
        }
        p if p == format!("/api/v1/apps/{APP_ID}") => {
            return send(&mut stream, 200, &[], APP).await;
        }
        "/api/v1/apps" => APP,
        p if p == format!("/api/v1/apps/{APP_ID}/users") => APP_USER,
        p if p == format!("/api/v1/apps/{APP_ID}/groups") => APP_GROUP,
        "/api/v1/users" => USER,
        "/api/v1/groups" => GROUP,
        p if p == format!("/api/v1/groups/{GROUP_ID}/users") => USER,
        _ => {
            let body = r#"{"errorCode":"E0000007","errorSummary":"Not found","errorLink":"E0000007","errorId":"x","errorCauses":[]}"#;
            return send(&mut stream, 404, &[], body).await;
        }
    };
    let page = format!("[{item}]");
    match fault {
        Fault::SameNext => {
            let link = format!("Link: <http://{own}{target}>; rel=\"next\"");
            send(&mut stream, 200, &[link], &page).await;
        }
        Fault::FreshCursor => {
            let cursor = CURSORS.fetch_add(1, Ordering::SeqCst);
            let link = format!("Link: <{path}?after=c{cursor}>; rel=\"next\"");
            send(&mut stream, 200, &[link], &page).await;
        }
        Fault::Cycle => {
            let next = if target.contains("after=a") {
                "after=b"
            } else {
                "after=a"
            };
            let link = format!("Link: <{path}?limit=200&{next}>; rel=\"next\"");
            send(&mut stream, 200, &[link], &page).await;
        }
        Fault::Malformed => send(&mut stream, 200, &[], &page[..page.len() / 2]).await,
        Fault::EndlessBody => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("{item},").repeat(256);
            // 1 GiB at most, far past the client's limit; it hangs up long before.
            for _ in 0..(1 << 30) / chunk.len() {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn send(stream: &mut TcpStream, status: u16, headers: &[String], body: &str) {
    let mut text = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        text.push_str(h);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.push_str(body);
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn read_head(stream: &mut TcpStream) -> String {
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

/// A command's arguments, and the input file it needs (name, content).
type Paging = (
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

/// Every command that reads a whole list, with the input file it needs.
const PAGING: [Paging; 10] = [
    (&["export", "users", "-o", "out.csv"], None),
    (
        &["export", "app-users", "--app", APP_ID, "-o", "out.csv"],
        None,
    ),
    (
        &["export", "app-groups", "--app", APP_ID, "-o", "out.csv"],
        None,
    ),
    // A label: the app is looked up in the list of apps, which is the hostile list.
    (
        &["export", "app-users", "--app", "Wiki", "-o", "out.csv"],
        None,
    ),
    (
        &["export", "users", "--group", GROUP_ID, "-o", "out.csv"],
        None,
    ),
    (&["export", "groups", "-o", "out.csv"], None),
    (
        &["export", "members", "--group", GROUP_ID, "-o", "out.csv"],
        None,
    ),
    (
        &["users", "import", "in.csv", "-o", "out.csv"],
        Some((
            "in.csv",
            "login,email,firstName,lastName,groups\nn@example.com,n@example.com,N,N,Team\n",
        )),
    ),
    (
        &["validate", "in.csv"],
        Some((
            "in.csv",
            "login,email,firstName,lastName,groups\nn@example.com,n@example.com,N,N,Team\n",
        )),
    ),
    (
        &["groups", "add-members", "in.csv", "-o", "out.csv"],
        Some(("in.csv", "group,user\nTeam,a@example.com\n")),
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_paging_command_ends_with_exit_6_against_a_hostile_org() {
    let env = Env::start().await;
    for fault in [
        Fault::SameNext,
        Fault::FreshCursor,
        Fault::Cycle,
        Fault::EndlessBody,
        Fault::Malformed,
    ] {
        let org = hostile_org(fault).await;
        for (args, input) in PAGING {
            if let Some((name, content)) = input {
                env.write(name, content);
            }
            env.write("out.csv", "an earlier file\n");
            let run = env
                .command()
                .env("OKTA_CLIENT_ORGURL", &org.url)
                .args(args)
                .output();
            let out = tokio::time::timeout(Duration::from_secs(60), run)
                .await
                .unwrap_or_else(|_| panic!("{fault:?}: {args:?} did not end"))
                .expect("runs");
            let err = stderr(&out);
            assert_eq!(code(&out), 6, "{fault:?}: {args:?}: {err}");
            assert!(err.contains(fault.named_by()), "{fault:?}: {args:?}: {err}");
            assert_eq!(
                std::fs::read_to_string(env.path("out.csv")).expect("out.csv"),
                "an earlier file\n",
                "{fault:?}: {args:?}: an earlier file is kept whole"
            );
        }
        assert!(
            org.requests.load(Ordering::SeqCst) < 100,
            "{fault:?}: {} requests",
            org.requests.load(Ordering::SeqCst)
        );
    }
}

/// `groups import` looks each name up in its row (the engine's per-row path): a looping org
/// fails the row, as a failure that may pass, and the run ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_import_fails_the_row_that_met_a_looping_org_and_ends() {
    let env = Env::start().await;
    let org = hostile_org(Fault::SameNext).await;
    env.write("in.csv", "name,description\nTeam,x\n");
    let run = env
        .command()
        .env("OKTA_CLIENT_ORGURL", &org.url)
        .args(["groups", "import", "in.csv", "-o", "out.csv"])
        .output();
    let out = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("ends")
        .expect("runs");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = super::support::results(&env.path("out.csv"));
    assert_eq!(rows[0]["status"], "Failed", "{rows:?}");
    let row = format!("{:?}", rows[0]);
    assert!(row.contains(Fault::SameNext.named_by()), "{row}");
    assert!(org.requests.load(Ordering::SeqCst) < 10);
}
