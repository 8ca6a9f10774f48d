//! Client configuration: the org URL, validated the way Okta's SDKs validate it, timeouts, the
//! user agent, and secrets that never print.

use reqwest::Url;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

/// A setting an authorization mode cannot do without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Needed {
    /// `orgUrl`, for every mode.
    OrgUrl,
    /// `token`, for `SSWS`.
    Token,
    /// `clientId`, for `PrivateKey`.
    ClientId,
    /// `privateKey`, for `PrivateKey`.
    PrivateKey,
}

impl std::fmt::Display for Needed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::OrgUrl => "orgUrl",
            Self::Token => "token",
            Self::ClientId => "clientId",
            Self::PrivateKey => "privateKey",
        })
    }
}

/// A setting that cannot work, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No org URL was given.
    #[error("the org URL is empty")]
    EmptyOrgUrl,
    /// The sample `{yourOktaDomain}` was left in.
    #[error("the org URL still contains the placeholder {{yourOktaDomain}}: put your org's domain there")]
    Placeholder,
    /// Not a URL.
    #[error("the org URL {0} is not a valid URL")]
    InvalidUrl(String),
    /// Plain http to a host that is not loopback.
    #[error("the org URL must start with https:// (plain http is allowed only for loopback addresses): {0}")]
    NotHttps(String),
    /// The `-admin` domain, which the API does not serve.
    #[error("the org URL {0} is the admin domain: use the org URL without -admin")]
    AdminDomain(String),
    /// A doubled `.com.com`.
    #[error("the org URL {0} ends with .com.com")]
    DoubleCom(String),
    /// A path after the host.
    #[error("the org URL {0} has a path; give only the scheme and host")]
    HasPath(String),
    /// Userinfo before the host (`https://acme.okta.com@other.example`) would send the token to
    /// the host after the `@`; the raw text is not repeated, as it may hold a password.
    #[error("the org URL has a user name or password before its host (an `@`); give only the scheme and host, as in https://example.okta.com")]
    HasUserinfo,
    /// A `#fragment`.
    #[error("the org URL {0} has a fragment (`#...`); give only the scheme and host")]
    HasFragment(String),
    /// An empty token or the sample `{apiToken}`.
    #[error("the API token is empty or still the placeholder {{apiToken}}")]
    BadToken,
    /// A share of the rate limits outside 1 to 100 %.
    #[error("max capacity must be between 1 and 100 percent, got {0}")]
    MaxCapacity(u32),
    /// A private key that does not parse or cannot sign.
    #[error("invalid private key: {0}")]
    PrivateKey(String),
    /// The HTTP stack could not be set up.
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
    /// A configuration or key file that cannot be read or parsed: its path and why.
    #[error("{0}")]
    File(String),
    /// A setting the chosen authorization mode needs.
    #[error(
        "the configuration has no {0} (okta.client.{0} in okta.yaml or its OKTA_CLIENT_ variable)"
    )]
    Missing(Needed),
    /// An `authorizationMode` other than `SSWS` and `PrivateKey`.
    #[error("authorizationMode {0:?} is not supported: use SSWS or PrivateKey")]
    AuthorizationMode(String),
}

/// A validated org URL, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUrl(Url);

impl OrgUrl {
    /// Checks an org URL as Okta's SDKs do and keeps its origin.
    pub fn parse(raw: &str) -> Result<OrgUrl, ConfigError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ConfigError::EmptyOrgUrl);
        }
        if raw.contains("{yourOktaDomain}") {
            return Err(ConfigError::Placeholder);
        }
        if raw.matches("://").count() > 1 {
            return Err(ConfigError::InvalidUrl(raw.to_owned()));
        }
        let url = Url::parse(raw).map_err(|_| ConfigError::InvalidUrl(raw.to_owned()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ConfigError::HasUserinfo);
        }
        if url.fragment().is_some() {
            return Err(ConfigError::HasFragment(raw.to_owned()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| ConfigError::InvalidUrl(raw.to_owned()))?
            .to_ascii_lowercase();
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            _ => return Err(ConfigError::NotHttps(raw.to_owned())),
        }
        if host.contains("-admin.") {
            return Err(ConfigError::AdminDomain(raw.to_owned()));
        }
        if host.ends_with(".com.com") {
            return Err(ConfigError::DoubleCom(raw.to_owned()));
        }
        if !matches!(url.path(), "" | "/") || url.query().is_some() {
            return Err(ConfigError::HasPath(raw.to_owned()));
        }
        Ok(OrgUrl(url))
    }

    /// `https://example.okta.com`, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// The absolute URL of an API path such as `/api/v1/users`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.as_str())
    }

    /// Resolves `target` (an API path, or a `Link` as the server gave it: absolute, relative,
    /// protocol-relative) against the org with a URL parser, and answers it only when its
    /// scheme, host and port are the org's and it carries no userinfo: the one gate every
    /// request passes, so credentials are never sent anywhere else.
    pub fn resolve(&self, target: &str) -> Result<Url, ForeignTarget> {
        let url = self
            .0
            .join(target)
            .map_err(|_| ForeignTarget(format!("an unreadable URL ({})", printable(target))))?;
        let same = url.scheme() == self.0.scheme()
            && url.host_str().map(str::to_ascii_lowercase)
                == self.0.host_str().map(str::to_ascii_lowercase)
            && url.port_or_known_default() == self.0.port_or_known_default()
            && url.username().is_empty()
            && url.password().is_none();
        if same {
            Ok(url)
        } else {
            let host = url.host_str().unwrap_or("no host");
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let userinfo = if url.username().is_empty() && url.password().is_none() {
                ""
            } else {
                " with a user name"
            };
            Err(ForeignTarget(format!(
                "{}://{host}{port}{userinfo}",
                url.scheme()
            )))
        }
    }
}

/// A URL off the org: its scheme, host and port only (never its query, which may name a user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignTarget(pub String);

impl fmt::Display for ForeignTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// At most 80 characters of `text`, with control characters escaped.
fn printable(text: &str) -> String {
    text.chars().take(80).flat_map(char::escape_debug).collect()
}

impl fmt::Display for OrgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub use okta_model::Secret;

/// Timeouts and limits of one client. Start from `Settings::default()` and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Settings {
    /// Time to connect.
    pub connect_timeout: Duration,
    /// One attempt's time limit.
    pub request_timeout: Duration,
    /// All attempts of one call, waits included.
    pub deadline: Duration,
    /// Attempts after the first, at most.
    pub max_retries: u32,
    /// Share of each rate-limit bucket this client may use, in percent.
    pub max_capacity_percent: u32,
    /// Requests in flight at most, across all buckets: a bound on the client's own, which is
    /// its share of the org's concurrency limit and never more than half of it.
    pub max_in_flight: usize,
    /// The `User-Agent` sent with every request.
    pub user_agent: String,
    /// When no request has reached the org (or been answered) for this long, over several
    /// attempts, calls stop retrying with `Error::OrgUnreachable`.
    pub org_down_after: Duration,
    /// The most bytes one answer's body may hold ([`DEFAULT_MAX_ANSWER_BYTES`] by default);
    /// the body is read as it comes and a longer one ends the call with
    /// `Error::AnswerTooLarge`, so a broken org cannot fill the memory.
    pub max_answer_bytes: u64,
}

/// One answer's body at most, by default: 64 MiB. Okta's largest pages (200 users with big
/// profiles) are a few MB, so only a broken or hostile org (or something between) reaches it.
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(300),
            max_retries: 8,
            max_capacity_percent: 100,
            max_in_flight: okta_model::rate_limit::CONCURRENCY_WORKFORCE as usize,
            user_agent: format!("okta-client-rust/{}", env!("CARGO_PKG_VERSION")),
            org_down_after: Duration::from_secs(30),
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_like_the_sdks() {
        assert_eq!(
            OrgUrl::parse("https://dev-1.okta.com/").map(|u| u.to_string()),
            Ok("https://dev-1.okta.com".to_owned())
        );
        assert!(OrgUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(OrgUrl::parse("http://localhost:1").is_ok());
        assert!(OrgUrl::parse("http://[::1]:1").is_ok());
        let bad = [
            ("", ConfigError::EmptyOrgUrl),
            ("https://{yourOktaDomain}", ConfigError::Placeholder),
            (
                "http://dev-1.okta.com",
                ConfigError::NotHttps("http://dev-1.okta.com".into()),
            ),
            (
                "https://dev-1-admin.okta.com",
                ConfigError::AdminDomain("https://dev-1-admin.okta.com".into()),
            ),
            (
                "https://dev-1.okta.com.com",
                ConfigError::DoubleCom("https://dev-1.okta.com.com".into()),
            ),
            (
                "https://https://dev-1.okta.com",
                ConfigError::InvalidUrl("https://https://dev-1.okta.com".into()),
            ),
            (
                "https://dev-1.okta.com/api/v1",
                ConfigError::HasPath("https://dev-1.okta.com/api/v1".into()),
            ),
        ];
        for (raw, err) in bad {
            assert_eq!(OrgUrl::parse(raw), Err(err), "{raw}");
        }
    }

    #[test]
    fn refuses_userinfo_and_fragments() {
        assert_eq!(
            OrgUrl::parse("https://acme.okta.com@evil.example"),
            Err(ConfigError::HasUserinfo)
        );
        assert_eq!(
            OrgUrl::parse("https://user:pw@acme.okta.com"),
            Err(ConfigError::HasUserinfo)
        );
        assert_eq!(
            OrgUrl::parse("https://acme.okta.com/#x"),
            Err(ConfigError::HasFragment("https://acme.okta.com/#x".into()))
        );
        assert!(OrgUrl::parse("https://acme.okta.com:8443/").is_ok());
    }

    #[test]
    fn only_targets_on_the_org_resolve() {
        let org = OrgUrl::parse("https://acme.okta.com").expect("org");
        let on_org = [
            (
                "/api/v1/users?after=x",
                "https://acme.okta.com/api/v1/users?after=x",
            ),
            (
                "https://acme.okta.com/api/v1/users",
                "https://acme.okta.com/api/v1/users",
            ),
            (
                "https://ACME.okta.com:443/api/v1/users",
                "https://acme.okta.com/api/v1/users",
            ),
            (
                "api/v1/groups?after=1",
                "https://acme.okta.com/api/v1/groups?after=1",
            ),
            (
                ".evil.example/api/v1/users",
                "https://acme.okta.com/.evil.example/api/v1/users",
            ),
        ];
        for (target, want) in on_org {
            assert_eq!(
                org.resolve(target).map(|u| u.to_string()).as_deref(),
                Ok(want),
                "{target}"
            );
        }
        let off_org = [
            (
                "https://acme.okta.com.evil.example/api/v1/users",
                "https://acme.okta.com.evil.example",
            ),
            ("//evil.example/api/v1/users", "https://evil.example"),
            (
                "https://x@acme.okta.com/api/v1/users",
                "https://acme.okta.com with a user name",
            ),
            (
                "https://acme.okta.com:8443/api/v1/users",
                "https://acme.okta.com:8443",
            ),
            ("http://acme.okta.com/api/v1/users", "http://acme.okta.com"),
        ];
        for (target, want) in off_org {
            assert_eq!(
                org.resolve(target),
                Err(ForeignTarget(want.into())),
                "{target}"
            );
        }
        let loopback = OrgUrl::parse("http://127.0.0.1").expect("org");
        assert_eq!(
            loopback
                .resolve("0:9/api/v1/groups")
                .map(|u| u.to_string())
                .as_deref(),
            Ok("http://127.0.0.1/0:9/api/v1/groups"),
            "text glued after the org's host stays a path on the org"
        );
    }
}
