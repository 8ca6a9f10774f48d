//! The client and its one send path: every request gets its place in flight, its bucket's
//! pacing, auth, the retry headers; every answer's rate-limit headers feed the pacer; errors
//! decode into `Error::Api` with Okta's fields and the request id.

use crate::auth::{Authenticator, Credentials};
use crate::config::{ConfigError, OrgUrl, Settings};
use crate::error::{Error, TransportError};
use crate::in_flight::InFlightLimit;
use crate::observer::Observer;
use crate::pacing::{BucketView, Pacer};
use crate::retry::{decide, Attempt, Decision, RetryPolicy};
use okta_model::rate_limit::{Bucket, REQUEST_ID, RETRY_COUNT, RETRY_FOR};
use okta_model::{LinkRel, OktaError, RateLimitHeaders};
use parking_lot::Mutex;
use rand::Rng;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::watch;

/// An Okta Management API client. Cheap to clone; clones share pacing and the in-flight bound.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    org: OrgUrl,
    auth: Authenticator,
    retry: RetryPolicy,
    pacer: Pacer,
    in_flight: InFlightLimit,
    observer: Option<Arc<dyn Observer>>,
    /// Set by `cancel`: waits end at once and nothing more is sent.
    cancel: watch::Sender<bool>,
    health: Health,
    org_down_after: Duration,
    max_answer_bytes: u64,
}

/// Whether the org answers: when it last did, and the attempts that failed to reach it since.
#[derive(Debug)]
struct Health {
    last_answer: Mutex<Instant>,
    failed_since: AtomicU32,
}

impl Health {
    fn answered(&self) {
        *self.last_answer.lock() = Instant::now();
        self.failed_since.store(0, Ordering::Relaxed);
    }

    /// Counts a failed attempt; answers how long the org has been silent and the attempts
    /// that failed since its last answer.
    fn failed(&self) -> (Duration, u32) {
        let attempts = self.failed_since.fetch_add(1, Ordering::Relaxed) + 1;
        (self.last_answer.lock().elapsed(), attempts)
    }
}

/// Failed attempts, across all calls, before an org silent for `org_down_after` is given up.
const ORG_DOWN_ATTEMPTS: u32 = 3;

#[derive(Debug)]
/// Builds a [`Client`]: the org, the credentials, then settings. See [`Client::builder`].
pub struct ClientBuilder {
    org: OrgUrl,
    credentials: Credentials,
    settings: Settings,
    observer: Option<Arc<dyn Observer>>,
}

impl Client {
    /// A builder for a client of the org at `org_url` (checked as Okta's SDKs check it: https,
    /// no `-admin`, no path) with these credentials.
    pub fn builder(org_url: &str, credentials: Credentials) -> Result<ClientBuilder, Error> {
        if let Credentials::ApiToken(token) = &credentials {
            let t = token.expose().trim();
            if t.is_empty() || t.contains("{apiToken}") {
                return Err(ConfigError::BadToken.into());
            }
        }
        Ok(ClientBuilder {
            org: OrgUrl::parse(org_url)?,
            credentials,
            settings: Settings::default(),
            observer: None,
        })
    }

    /// The org this client talks to.
    pub fn org(&self) -> &OrgUrl {
        &self.inner.org
    }

    /// The Users API.
    pub fn users(&self) -> crate::users::Users<'_> {
        crate::users::Users::new(self)
    }

    /// The Apps API: apps, their users and groups.
    pub fn apps(&self) -> crate::apps::Apps<'_> {
        crate::apps::Apps::new(self)
    }

    /// The Groups API.
    pub fn groups(&self) -> crate::groups::Groups<'_> {
        crate::groups::Groups::new(self)
    }

    /// The rate-limit buckets as learned so far.
    pub fn buckets(&self) -> Vec<BucketView> {
        self.inner.pacer.buckets()
    }

    /// Stops this client and its clones: every wait (pacing, a backoff, a place in flight)
    /// ends at once with `Error::Interrupted`, and no call sends anything more. Requests
    /// already on the wire are not cut; their answers are read.
    pub fn cancel(&self) {
        self.inner.cancel.send_replace(true);
    }

    /// Whether [`Client::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        *self.inner.cancel.borrow()
    }

    /// Resolves when `cancel` is called.
    async fn cancelled(&self) {
        let mut rx = self.inner.cancel.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }

    /// The current bound on requests in flight.
    pub fn in_flight_limit(&self) -> usize {
        self.inner.in_flight.limit()
    }

    /// The most requests this client ever keeps in flight: its share of the largest plan's
    /// concurrency limit (at most half of it), or the bound set with
    /// [`ClientBuilder::max_in_flight`] if lower. Work that feeds the client (rows of a bulk
    /// run) needs at least this many at once to keep it busy.
    pub fn max_in_flight(&self) -> usize {
        self.inner.in_flight.most()
    }

    /// What the server's clock showed at the local time `local`, estimated from the `Date`
    /// headers seen so far (never later than the truth).
    pub fn server_time_of(&self, local: SystemTime) -> SystemTime {
        self.inner.pacer.clock().server_now(local)
    }

    /// Sends one API call, with pacing and retries. `call.target` is an API path
    /// (`/api/v1/...`) or a link the server gave; either is resolved against the org and sent
    /// only if it stays on the org's scheme, host and port.
    ///
    /// Boxed: an attempt's future (auth, pacing, the HTTP exchange) is large, and every API
    /// call's future, and a caller's that awaits one, would otherwise carry it inline and be
    /// moved whole wherever it goes (a bulk run spawns one per row).
    pub(crate) fn send<'a>(
        &'a self,
        call: Call<'a>,
    ) -> futures_util::future::BoxFuture<'a, Result<Answer, Error>> {
        Box::pin(self.send_attempts(call))
    }

    async fn send_attempts(&self, call: Call<'_>) -> Result<Answer, Error> {
        let inner = &*self.inner;
        let url = inner
            .org
            .resolve(call.target)
            .map_err(|t| Error::ForeignLink(t.0))?;
        let bucket = Bucket::for_request(call.method.as_str(), url.path());
        let started = Instant::now();
        let mut retry_for: Option<String> = None;
        let mut renewed_token = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if self.is_cancelled() {
                return Err(Error::Interrupted);
            }
            let tried = self
                .try_once(&call, &url, bucket, attempt, retry_for.as_deref())
                .await?;
            let (outcome, error, request_id) = match tried {
                Tried::Answered(answer) => return Ok(answer),
                Tried::Final(error) => return Err(error),
                Tried::Failed(outcome, error, request_id) => (outcome, error, request_id),
            };
            if matches!(outcome, Attempt::NotSent | Attempt::Unknown) {
                let (silent, attempts) = inner.health.failed();
                if silent >= inner.org_down_after && attempts >= ORG_DOWN_ATTEMPTS {
                    let error = Error::OrgUnreachable {
                        silent,
                        attempts,
                        last: Box::new(error),
                    };
                    if let Some(o) = &inner.observer {
                        o.org_unreachable(&error);
                    }
                    return Err(error);
                }
            }
            if retry_for.is_none() {
                retry_for = request_id;
            }
            let unauthorized = matches!(outcome, Attempt::Answered { status: 401, .. });
            if unauthorized && inner.auth.is_oauth() && !renewed_token {
                // The token may have been revoked or expired early: one retry with a new one.
                renewed_token = true;
                inner.auth.invalidate().await;
                continue;
            }
            let jitter: f64 = rand::thread_rng().gen();
            let elapsed = started.elapsed();
            match decide(
                &inner.retry,
                call.idempotent,
                attempt,
                outcome,
                elapsed,
                jitter,
            ) {
                Decision::Done => return Err(error),
                Decision::GiveUp => {
                    return Err(Error::Deadline {
                        attempts: attempt,
                        elapsed,
                        last: Box::new(error),
                    })
                }
                Decision::Retry { after, reason } => {
                    if let Some(o) = &inner.observer {
                        o.retrying(bucket, reason, attempt, after);
                    }
                    tokio::select! {
                        () = tokio::time::sleep(after) => {}
                        () = self.cancelled() => return Err(Error::Interrupted),
                    }
                }
            }
        }
    }

    /// One attempt: a place in flight, the bucket's pacing, auth, the request, and what the
    /// answer teaches the pacer. Fails only when no credentials can be had or the client is
    /// cancelled while waiting.
    async fn try_once(
        &self,
        call: &Call<'_>,
        url: &reqwest::Url,
        bucket: Bucket,
        attempt: u32,
        retry_for: Option<&str>,
    ) -> Result<Tried, Error> {
        let inner = &*self.inner;
        // Waits end when the client is cancelled; a request once sent is not cut.
        let _place = tokio::select! {
            place = inner.in_flight.acquire() => place,
            () = self.cancelled() => return Err(Error::Interrupted),
        };
        let waiting = |wait| {
            if let Some(o) = &inner.observer {
                o.waiting_for_reset(bucket, wait);
            }
        };
        let (_slot, waited) = tokio::select! {
            slot = inner.pacer.acquire(bucket, waiting) => slot,
            () = self.cancelled() => return Err(Error::Interrupted),
        };
        if let (true, Some(o)) = (waited >= Duration::from_millis(1), &inner.observer) {
            o.paced(bucket, waited);
        }
        let request = self.request(call, url, attempt, retry_for).await?;
        let sent_at = std::time::Instant::now();
        let resp = match request.send().await {
            Ok(resp) => resp,
            Err(e) if e.is_connect() => {
                let error = TransportError::NotSent(describe(e));
                return Ok(Tried::Failed(Attempt::NotSent, error.into(), None));
            }
            Err(e) => {
                let error = TransportError::Unknown(describe(e));
                return Ok(Tried::Failed(Attempt::Unknown, error.into(), None));
            }
        };
        Ok(self.read(resp, bucket, sent_at.elapsed()).await)
    }

    /// The request of one attempt: auth, `Accept`, the retry headers, the body.
    async fn request(
        &self,
        call: &Call<'_>,
        url: &reqwest::Url,
        attempt: u32,
        retry_for: Option<&str>,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let inner = &*self.inner;
        let authorization = inner.auth.header(&inner.http, &inner.org).await?;
        let mut request = inner
            .http
            .request(call.method.clone(), url.clone())
            .header("Authorization", authorization)
            .header("Accept", "application/json");
        if attempt > 1 {
            request = request.header(RETRY_COUNT, (attempt - 1).to_string());
            if let Some(id) = retry_for {
                request = request.header(RETRY_FOR, id);
            }
        }
        Ok(match call.body {
            Some(body) => request
                .header("Content-Type", "application/json")
                .body(body.to_owned()),
            None if call.method == Method::POST || call.method == Method::PUT => {
                request.header("Content-Length", "0")
            }
            None => request,
        })
    }

    /// Reads an answer: what its headers teach the pacer and the in-flight bound, then its body
    /// as success, redirect (never followed) or Okta's error.
    async fn read(&self, resp: reqwest::Response, bucket: Bucket, latency: Duration) -> Tried {
        let inner = &*self.inner;
        inner.health.answered();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let rate = RateLimitHeaders::parse(|n| header(&headers, n));
        let server_date = header(&headers, "date").and_then(|d| httpdate::parse_http_date(d).ok());
        let request_id = header(&headers, REQUEST_ID).map(str::to_owned);
        if let Some(o) = &inner.observer {
            o.answered(&crate::observer::Answer {
                bucket,
                status,
                rate,
                latency,
            });
        }
        let concurrency_429 = status == 429 && rate.is_some_and(|r| r.is_concurrency_limit());
        let rate_429 = status == 429 && !concurrency_429;
        inner
            .pacer
            .observe(bucket, rate, server_date, SystemTime::now(), rate_429);
        if concurrency_429 {
            inner.in_flight.concurrency_429();
            if let Some(o) = &inner.observer {
                o.in_flight_lowered(inner.in_flight.limit());
            }
        } else {
            inner.in_flight.answered(rate.map(|r| r.limit));
        }
        let body = match read_body(resp, inner.max_answer_bytes).await {
            Ok(body) => body,
            Err(Body::TooLarge) => {
                // Not tried again: the same org would send the same flood.
                return Tried::Final(Error::AnswerTooLarge {
                    limit: inner.max_answer_bytes,
                    request_id,
                });
            }
            Err(Body::Broken(e)) => {
                let error = TransportError::Unknown(describe(e));
                return Tried::Failed(Attempt::Unknown, error.into(), request_id);
            }
        };
        if (200..300).contains(&status) {
            return Tried::Answered(Answer {
                headers,
                body,
                request_id,
            });
        }
        let outcome = Attempt::Answered {
            status,
            rate,
            server_date,
        };
        let error = if (300..400).contains(&status) {
            let location = header(&headers, "location").map(|l| match inner.org.resolve(l) {
                Ok(on_org) => on_org.path().to_owned(),
                Err(foreign) => foreign.0,
            });
            Error::Redirect {
                status,
                location,
                request_id: request_id.clone(),
            }
        } else {
            api_error(status, &body, request_id.clone())
        };
        Tried::Failed(outcome, error, request_id)
    }
}

enum Tried {
    Answered(Answer),
    /// A failure that no retry can mend.
    Final(Error),
    Failed(Attempt, Error, Option<String>),
}

/// Why a body was not read whole.
enum Body {
    /// Longer than the limit (declared so, or found so while reading).
    TooLarge,
    /// The connection failed while reading.
    Broken(reqwest::Error),
}

/// The body, read chunk by chunk as it comes and given up as soon as it would pass `limit`
/// bytes (or says it will), so that an endless answer costs at most `limit` of memory.
async fn read_body(mut resp: reqwest::Response, limit: u64) -> Result<bytes::Bytes, Body> {
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(Body::TooLarge);
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(Body::Broken)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(Body::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// One API call to make.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub method: Method,
    pub target: &'a str,
    pub body: Option<&'a [u8]>,
    /// Whether sending it twice does no harm (GET, PUT, DELETE, lifecycle with no side effect).
    pub idempotent: bool,
}

impl<'a> Call<'a> {
    pub fn get(target: &'a str) -> Call<'a> {
        Call {
            method: Method::GET,
            target,
            body: None,
            idempotent: true,
        }
    }

    pub fn new(
        method: Method,
        target: &'a str,
        body: Option<&'a [u8]>,
        idempotent: bool,
    ) -> Call<'a> {
        Call {
            method,
            target,
            body,
            idempotent,
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    pub request_id: Option<String>,
}

impl Answer {
    /// Decodes the body; a mismatch names the JSON path where it happened.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode(&self.body, self.request_id.clone())
    }

    /// The `rel="next"` link, if any.
    pub fn next_link(&self) -> Option<String> {
        self.headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(LinkRel::parse_header)
            .find(|l| l.rel == "next")
            .map(|l| l.url)
    }
}

pub(crate) fn decode<T: DeserializeOwned>(
    body: &[u8],
    request_id: Option<String>,
) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
        request_id,
    })
}

fn api_error(status: u16, body: &[u8], request_id: Option<String>) -> Error {
    match serde_json::from_slice::<OktaError>(body) {
        Ok(error) => Error::Api {
            status,
            error: Box::new(error),
            request_id,
        },
        Err(_) => Error::Status { status, request_id },
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?.to_str().ok()?;
    // A repeated rate-limit header cannot be trusted (okta-sdk-nodejs OKTA-112507).
    values.next().is_none().then_some(first)
}

/// The error and its causes, without the URL (which may carry a search for a login).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl ClientBuilder {
    /// Timeouts, retries and limits in one go (the other setters change single fields).
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The share of each rate-limit bucket the client may use, 1 to 100 percent.
    pub fn max_capacity_percent(mut self, percent: u32) -> Self {
        self.settings.max_capacity_percent = percent;
        self
    }

    /// Requests in flight at most, across all buckets. Without it the client keeps its share
    /// of the org's concurrency limit in flight, at most half of it (37 on Workforce at a 50 %
    /// share); this bound only lowers that.
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.settings.max_in_flight = n;
        self
    }

    /// The `User-Agent` of every request (`okta-client-rust/<version>` by default): name your
    /// application, as Okta's SDKs let you, so its calls can be told apart in the System Log.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.settings.user_agent = agent.into();
        self
    }

    /// The most bytes one answer's body may hold (64 MiB by default).
    pub fn max_answer_bytes(mut self, bytes: u64) -> Self {
        self.settings.max_answer_bytes = bytes;
        self
    }

    /// Receives the client's events: answers, waits, retries.
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The client; fails on settings that cannot work.
    pub fn build(self) -> Result<Client, Error> {
        let s = &self.settings;
        if !(1..=100).contains(&s.max_capacity_percent) {
            return Err(ConfigError::MaxCapacity(s.max_capacity_percent).into());
        }
        let http = reqwest::Client::builder()
            .user_agent(s.user_agent.clone())
            // Okta's API does not redirect; following one could carry a body with a password
            // (or, on the same host, the token) somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(s.connect_timeout)
            .timeout(s.request_timeout)
            .pool_max_idle_per_host(s.max_in_flight)
            .build()
            .map_err(|e| ConfigError::Http(e.to_string()))?;
        let retry = RetryPolicy {
            max_retries: s.max_retries,
            deadline: s.deadline,
            ..RetryPolicy::default()
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                org: self.org,
                auth: Authenticator::new(self.credentials),
                retry,
                pacer: Pacer::new(f64::from(s.max_capacity_percent) / 100.0),
                in_flight: InFlightLimit::new(
                    s.max_in_flight,
                    f64::from(s.max_capacity_percent) / 100.0,
                ),
                observer: self.observer,
                cancel: watch::channel(false).0,
                health: Health {
                    last_answer: Mutex::new(Instant::now()),
                    failed_since: AtomicU32::new(0),
                },
                org_down_after: s.org_down_after,
                max_answer_bytes: s.max_answer_bytes,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_errors_name_the_json_path() {
        let body = br#"{"id": "00u1", "status": "SLEEPING"}"#;
        let err = decode::<okta_model::User>(body, Some("req1".into())).expect_err("bad status");
        let Error::Decode {
            path,
            message,
            request_id,
        } = err
        else {
            panic!("not a decode error: {err:?}")
        };
        assert_eq!(path, "status");
        assert!(message.contains("SLEEPING"), "{message}");
        assert_eq!(request_id.as_deref(), Some("req1"));
    }

    #[test]
    fn a_repeated_rate_limit_header_is_not_trusted() {
        let mut headers = HeaderMap::new();
        headers.append("x-rate-limit-reset", "1".parse().expect("value"));
        assert_eq!(header(&headers, "x-rate-limit-reset"), Some("1"));
        headers.append("x-rate-limit-reset", "2".parse().expect("value"));
        assert_eq!(header(&headers, "x-rate-limit-reset"), None);
    }
}
