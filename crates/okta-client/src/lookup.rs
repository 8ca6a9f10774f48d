//! Finding many users by login at once. To learn which of N logins exist, one
//! `GET /api/v1/users/{login}` each costs N calls in the get-user bucket; [`LoginLookup`]
//! gathers the logins asked for while they are in flight and resolves each batch with one
//! `filter` of `profile.login eq "..." or ...` terms (paced, and in parallel with the other
//! batches, as every call of the client is), or, when the org is smaller than those batches,
//! lists the org once and answers from the list ([`LoginLookup::list_org`]). A listed user is
//! kept as the compact JSON of its record (about 0.5 KB with its key, where a parsed `User`
//! took about 2.8 KB) and read back only for a row that names it.
//!
//! Okta's limits of one query: `filter` takes `or` and `eq` on `profile.login` (and searches
//! DEPROVISIONED users too); Okta documents no maximum number of terms. What bounds a query in
//! practice is its URL: the HTTP front ends between a client and the org commonly refuse a
//! request line over 8 KiB, so a batch keeps its encoded filter under [`MAX_FILTER_BYTES`] and
//! at most [`MAX_TERMS`] terms (one page of 200 holds every match: logins are unique). A batch
//! the org refuses as too long (400 or 414) is split in halves; one that fails otherwise is
//! looked up login by login, so each row gets its own answer or error. `filter` is used rather
//! than `search`, whose results come from an eventually consistent store.
//!
//! A filter matches a login exactly, up to ASCII case, where `GET /api/v1/users/{key}` also
//! finds a user by id, by short name (a key without `@`) or by a login that differs only in
//! accents. So only keys with `@` and no character beyond ASCII are batched, and the others
//! are looked up one by one as before. One difference remains with batches: an ASCII login
//! whose org twin is accented (`jose@x` for `josé@x`) is not found; a listed org finds it.

use crate::client::Client;
use crate::error::Error;
use crate::page::{ListQuery, QUERY_VALUE};
use futures_util::StreamExt;
use okta_model::login::login_key;
use okta_model::User;
use parking_lot::Mutex;
use percent_encoding::utf8_percent_encode;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// The most terms one batch holds: every match fits one page of 200.
pub const MAX_TERMS: usize = 100;

/// The longest encoded filter one batch sends: with the path and the rest of the request line,
/// under the 8 KiB that HTTP front ends commonly accept (about 100 logins of 25 characters).
pub const MAX_FILTER_BYTES: usize = 6_000;

/// A batch that is not full goes once no login came for this long...
const GATHER: Duration = Duration::from_millis(2);

/// ...or once its first login has waited this long.
const MAX_GATHER: Duration = Duration::from_millis(20);

/// The most users [`LoginLookup::list_org`] keeps in memory: about 26 MB of compact records,
/// half of what 20,000 parsed users took (54 MB) before they were kept compact.
pub const MAX_LISTED_USERS: u64 = 50_000;

/// One page of a list.
const PAGE: u64 = 200;

/// Whether a filter on `profile.login` finds this key exactly as `GET /api/v1/users/{key}`
/// and [`crate::Users::find_by_login`] do: an email-form key (never an id, never a short
/// name) in ASCII.
pub fn batchable(key: &str) -> bool {
    key.is_ascii() && key.contains('@')
}

/// `profile.login eq "..."`, with `"` and `\` escaped.
fn term(login: &str) -> String {
    let escaped = login.replace('\\', "\\\\").replace('"', "\\\"");
    format!("profile.login eq \"{escaped}\"")
}

/// A term's length in the URL, with the ` or ` (`%20or%20`) that joins it.
fn encoded_len(term: &str) -> usize {
    utf8_percent_encode(term, QUERY_VALUE).to_string().len() + "%20or%20".len()
}

/// The filter of one batch.
pub fn filter(logins: &[&str]) -> String {
    logins
        .iter()
        .map(|l| term(l))
        .collect::<Vec<_>>()
        .join(" or ")
}

type Answer = Result<Option<User>, Error>;

#[derive(Debug, Default)]
struct Gathering {
    logins: Vec<(String, oneshot::Sender<Answer>)>,
    bytes: usize,
    /// A timer will send what is gathered.
    timed: bool,
    /// Batches taken so far: a timer sends only the batch it was started for.
    taken: u64,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Gathering {
    fn take(&mut self) -> Vec<(String, oneshot::Sender<Answer>)> {
        self.bytes = 0;
        self.timed = false;
        self.taken += 1;
        self.first = None;
        self.last = None;
        std::mem::take(&mut self.logins)
    }

    /// The batch, if it has gathered long enough: no login for `GATHER`, or its first one
    /// waiting `MAX_GATHER`.
    fn due(&mut self, now: Instant) -> Option<Vec<(String, oneshot::Sender<Answer>)>> {
        let quiet = self.last.is_none_or(|t| now.duration_since(t) >= GATHER);
        let old = self
            .first
            .is_none_or(|t| now.duration_since(t) >= MAX_GATHER);
        (quiet || old).then(|| self.take())
    }
}

/// What the lookups cost so far.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LookupStats {
    /// Logins asked for.
    pub logins: u64,
    /// Filter queries sent (batches, and their halves).
    pub batches: u64,
    /// Logins looked up one by one (not batchable, or their batch failed).
    pub single: u64,
    /// Pages read listing the org.
    pub listed_pages: u64,
}

/// A listed user as the compact JSON of its record: what a listed org keeps of each user, read
/// back into the same `User` only when a row names it.
#[derive(Debug)]
struct Compact(Box<[u8]>);

impl Compact {
    fn of(user: &User) -> Compact {
        let json =
            serde_json::to_vec(user).expect("a User serializes to JSON: its maps have string keys");
        Compact(json.into_boxed_slice())
    }

    fn user(&self) -> Result<User, Error> {
        serde_json::from_slice(&self.0).map_err(|e| Error::Decode {
            path: "a listed user kept compact".to_owned(),
            message: e.to_string(),
            request_id: None,
        })
    }
}

/// Gathers logins and resolves them in batches. See the module's documentation.
#[derive(Debug)]
pub struct LoginLookup {
    client: Client,
    gathering: Mutex<Gathering>,
    /// Every user of the org by `login_key`, when the org was listed, each kept compact.
    listed: OnceLock<HashMap<String, Compact>>,
    logins: AtomicU64,
    batches: AtomicU64,
    single: AtomicU64,
    listed_pages: AtomicU64,
}

impl LoginLookup {
    /// A lookup service sending through `client`.
    pub fn new(client: Client) -> Arc<LoginLookup> {
        Arc::new(LoginLookup {
            client,
            gathering: Mutex::new(Gathering::default()),
            listed: OnceLock::new(),
            logins: AtomicU64::new(0),
            batches: AtomicU64::new(0),
            single: AtomicU64::new(0),
            listed_pages: AtomicU64::new(0),
        })
    }

    /// What the lookups cost so far.
    pub fn stats(&self) -> LookupStats {
        LookupStats {
            logins: self.logins.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
            single: self.single.load(Ordering::Relaxed),
            listed_pages: self.listed_pages.load(Ordering::Relaxed),
        }
    }

    /// Whether the org was listed (every lookup is then answered from the list).
    pub fn listed(&self) -> bool {
        self.listed.get().is_some()
    }

    /// The user with this login, if any, as [`crate::Users::find_by_login`] answers.
    pub async fn find(self: &Arc<Self>, login: &str) -> Answer {
        self.logins.fetch_add(1, Ordering::Relaxed);
        if !batchable(login) {
            self.single.fetch_add(1, Ordering::Relaxed);
            return self.client.users().find_by_login(login).await;
        }
        if let Some(listed) = self.listed.get() {
            // `login_key` of an ASCII login is its ASCII lower case.
            return listed
                .get(&login.to_ascii_lowercase())
                .map(Compact::user)
                .transpose();
        }
        let (tx, rx) = oneshot::channel();
        let len = encoded_len(&term(login));
        let (full, start_timer) = {
            let mut g = self.gathering.lock();
            let full = if !g.logins.is_empty() && g.bytes + len > MAX_FILTER_BYTES {
                Some(g.take())
            } else {
                None
            };
            g.logins.push((login.to_owned(), tx));
            g.bytes += len;
            let now = Instant::now();
            g.first.get_or_insert(now);
            g.last = Some(now);
            let full = match full {
                Some(f) => Some(f),
                None if g.logins.len() >= MAX_TERMS => Some(g.take()),
                None => None,
            };
            let start_timer = (!g.logins.is_empty() && !g.timed).then_some(g.taken);
            if start_timer.is_some() {
                g.timed = true;
            }
            (full, start_timer)
        };
        if let Some(batch) = full {
            tokio::spawn(Arc::clone(self).resolve(batch));
        }
        if let Some(batch_number) = start_timer {
            let me = Arc::clone(self);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(GATHER).await;
                    let due = {
                        let mut g = me.gathering.lock();
                        if g.taken != batch_number {
                            // Sent full meanwhile; a later login started its own timer.
                            return;
                        }
                        g.due(Instant::now())
                    };
                    if let Some(batch) = due {
                        me.resolve(batch).await;
                        return;
                    }
                }
            });
        }
        rx.await.unwrap_or(Err(Error::Interrupted))
    }

    /// One batch: one filter query, its matches handed to the logins that asked.
    async fn resolve(self: Arc<Self>, batch: Vec<(String, oneshot::Sender<Answer>)>) {
        let logins: Vec<&str> = batch.iter().map(|(l, _)| l.as_str()).collect();
        self.batches.fetch_add(1, Ordering::Relaxed);
        let query = ListQuery {
            filter: Some(filter(&logins)),
            limit: Some(PAGE as u32),
            ..ListQuery::default()
        };
        let mut found: HashMap<String, User> = HashMap::new();
        let mut pages = self.client.users().list(&query);
        let mut failure = None;
        while let Some(user) = pages.next().await {
            match user {
                Ok(user) => {
                    if let Some(login) = user.profile.login() {
                        found.insert(login.to_ascii_lowercase(), user);
                    }
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        match failure {
            None => {
                for (login, tx) in batch {
                    let _ = tx.send(Ok(found.remove(&login.to_ascii_lowercase())));
                }
            }
            Some(e) if batch.len() > 1 && matches!(e.status(), Some(400 | 414)) => {
                let mut first = batch;
                let second = first.split_off(first.len() / 2);
                Box::pin(Arc::clone(&self).resolve(first)).await;
                Box::pin(self.resolve(second)).await;
            }
            Some(_) => {
                for (login, tx) in batch {
                    self.single.fetch_add(1, Ordering::Relaxed);
                    let me = Arc::clone(&self);
                    tokio::spawn(async move {
                        let _ = tx.send(me.client.users().find_by_login(&login).await);
                    });
                }
            }
        }
    }

    /// Lists every user of the org (DEPROVISIONED ones too, which the plain list leaves out)
    /// when that takes at most `max_pages` pages (and at most `MAX_LISTED_USERS` users); from then on
    /// every lookup is answered from the list. Answers whether it listed the org; a longer org
    /// is left unlisted, at the cost of the pages read.
    pub async fn list_org(&self, max_pages: u64) -> Result<bool, Error> {
        let max_users = (max_pages * PAGE).min(MAX_LISTED_USERS);
        let lists = [
            ListQuery {
                filter: Some("status eq \"DEPROVISIONED\"".to_owned()),
                limit: Some(PAGE as u32),
                ..ListQuery::default()
            },
            ListQuery {
                limit: Some(PAGE as u32),
                ..ListQuery::default()
            },
        ];
        let mut users: HashMap<String, Compact> = HashMap::new();
        let mut read = 0u64;
        for query in &lists {
            let mut items = self.client.users().list(query);
            let mut here = 0u64;
            while let Some(user) = items.next().await {
                let user = user?;
                if here.is_multiple_of(PAGE) {
                    self.listed_pages.fetch_add(1, Ordering::Relaxed);
                }
                here += 1;
                read += 1;
                if read > max_users {
                    return Ok(false);
                }
                if let Some(login) = user.profile.login() {
                    users.insert(login_key(login), Compact::of(&user));
                }
            }
            if here == 0 {
                // The empty list's page was read too.
                self.listed_pages.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(self.listed.set(users).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_a_filter_finds_as_a_get_does_are_batched() {
        assert!(batchable("ada@example.com"));
        assert!(!batchable("ada"), "a short name, or an id");
        assert!(!batchable("00u1abcdefghijklmno0"));
        assert!(
            !batchable("josé@example.com"),
            "GET also finds an accented twin"
        );
    }

    #[test]
    fn a_listed_user_reads_back_as_it_was_listed() {
        let json = serde_json::json!({
            "id": "00u1abcdefghijklmno0",
            "status": "PROVISIONED",
            "created": "2024-05-01T10:00:00.000Z",
            "activated": null,
            "statusChanged": "2024-05-02T10:00:00.000Z",
            "lastLogin": null,
            "lastUpdated": "2024-05-03T10:00:00.123Z",
            "passwordChanged": null,
            "type": {"id": "oty1defau1tUserType0"},
            "profile": {
                "login": "Ada@Example.com",
                "email": "ada@example.com",
                "firstName": "Ada",
                "lastName": "Lovelace",
                "mobilePhone": null,
                "costCenter": 42,
                "roles": ["a", "b"]
            },
            "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
            "_links": {"self": {"href": "https://example.okta.com/api/v1/users/00u1abcdefghijklmno0"}}
        });
        let user: User = serde_json::from_value(json).expect("a user as Okta answers one");
        let kept = Compact::of(&user);
        assert_eq!(kept.user().expect("reads back"), user);
        assert!(kept.0.len() < 1_000, "compact: {} bytes", kept.0.len());
    }

    #[test]
    fn a_batch_is_one_filter_of_quoted_logins() {
        assert_eq!(
            filter(&["a@x.com", r#"o"k\@x.com"#]),
            r#"profile.login eq "a@x.com" or profile.login eq "o\"k\\@x.com""#
        );
        let one = encoded_len(&term("pace0000001@example.com"));
        assert!(
            MAX_FILTER_BYTES / one >= 90,
            "a batch of typical logins holds about a hundred ({one} bytes each)"
        );
    }
}
