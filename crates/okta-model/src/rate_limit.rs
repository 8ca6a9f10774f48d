//! The `X-Rate-Limit-*` headers Okta sends on every response.

pub const LIMIT: &str = "x-rate-limit-limit";
pub const REMAINING: &str = "x-rate-limit-remaining";
pub const RESET: &str = "x-rate-limit-reset";
pub const REQUEST_ID: &str = "x-okta-request-id";
pub const RETRY_FOR: &str = "x-okta-retry-for";
pub const RETRY_COUNT: &str = "x-okta-retry-count";

/// The three rate-limit headers of one response. `limit == 0 && remaining == 0` marks a
/// concurrency 429, whose reset is only an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub limit: u32,
    pub remaining: u32,
    /// UTC epoch seconds at which the window resets.
    pub reset: u64,
}

impl RateLimitHeaders {
    /// Reads the headers through `get`, which returns a header's value by lower-case name.
    /// A missing or unparsable header, or a repeated one (`1,2`), gives `None`.
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<Self> {
        let num = |name: &str| get(name)?.trim().parse::<u64>().ok();
        Some(Self {
            limit: u32::try_from(num(LIMIT)?).ok()?,
            remaining: u32::try_from(num(REMAINING)?).ok()?,
            reset: num(RESET)?,
        })
    }

    pub fn is_concurrency_limit(&self) -> bool {
        self.limit == 0 && self.remaining == 0
    }
}

/// Requests an org lets be in flight at once (its concurrency limit) on the Workforce and
/// Customer Identity plans (okta-api.md 4.2). Every client of the org shares it, sign-ins
/// included; a request over it is refused with a concurrency 429.
pub const CONCURRENCY_WORKFORCE: u32 = 75;

/// The concurrency limit of the Integrator Free plan (okta-api.md 4.2).
pub const CONCURRENCY_INTEGRATOR_FREE: u32 = 35;

/// The largest per-minute limit of a management bucket on the Integrator Free plan (100 for
/// users, groups and the rest; okta-api.md 4.3): a bucket above it shows a paid plan.
pub const INTEGRATOR_FREE_MAX_BUCKET: u32 = 100;

/// The org's concurrency limit as far as a bucket's limit tells its plan: Okta does not send
/// it in any header. Until a management bucket shows a limit above Integrator Free's, the
/// lower limit is assumed.
pub fn concurrency_limit(largest_bucket_limit: Option<u32>) -> u32 {
    match largest_bucket_limit {
        Some(limit) if limit > INTEGRATOR_FREE_MAX_BUCKET => CONCURRENCY_WORKFORCE,
        _ => CONCURRENCY_INTEGRATOR_FREE,
    }
}

/// The buckets an Okta org keeps for the endpoints a bulk tool uses (okta-api.md 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    /// `GET|POST /api/v1/users`, all lifecycle calls and `/api/v1/users/{id}/groups`.
    Users,
    /// `POST|PUT|DELETE /api/v1/users/{id}`.
    UserMutation,
    /// `GET /api/v1/users/{idOrLogin}`.
    UserGet,
    /// `/api/v1/groups` and everything under it except `/api/v1/groups/{id}` itself.
    Groups,
    /// `GET|PUT|DELETE /api/v1/groups/{id}`.
    GroupById,
    /// `/api/v1/apps` and everything under it except `/api/v1/apps/{id}` itself: app users,
    /// app groups and lifecycle count here (Okta's 2020 recordings show them sharing one
    /// window with `POST /api/v1/apps`).
    Apps,
    /// `GET|PUT|DELETE /api/v1/apps/{id}`.
    AppById,
    /// Everything else under `/api/v1`.
    Other,
}

impl Bucket {
    pub const ALL: [Bucket; 8] = [
        Bucket::Users,
        Bucket::UserMutation,
        Bucket::UserGet,
        Bucket::Groups,
        Bucket::GroupById,
        Bucket::Apps,
        Bucket::AppById,
        Bucket::Other,
    ];

    /// The bucket a request counts against. Exact matches win over prefixes, and the method
    /// matters, as in Okta's own mapping.
    pub fn for_request(method: &str, path: &str) -> Bucket {
        // The first segments, without allocating: no rule looks past the sixth.
        let mut first = [""; 8];
        let mut n = 0;
        for segment in path.trim_end_matches('/').split('/').take(first.len()) {
            first[n] = segment;
            n += 1;
        }
        match &first[..n] {
            ["", "api", "v1", "users"] => Bucket::Users,
            ["", "api", "v1", "users", _] if method == "GET" => Bucket::UserGet,
            ["", "api", "v1", "users", _] => Bucket::UserMutation,
            ["", "api", "v1", "users", _, "lifecycle", ..] => Bucket::Users,
            ["", "api", "v1", "users", _, "groups"] => Bucket::Users,
            ["", "api", "v1", "groups"] => Bucket::Groups,
            ["", "api", "v1", "groups", "rules", ..] => Bucket::Groups,
            ["", "api", "v1", "groups", _] => Bucket::GroupById,
            ["", "api", "v1", "groups", _, ..] => Bucket::Groups,
            ["", "api", "v1", "apps"] => Bucket::Apps,
            ["", "api", "v1", "apps", _] => Bucket::AppById,
            ["", "api", "v1", "apps", _, ..] => Bucket::Apps,
            _ => Bucket::Other,
        }
    }

    /// The name Okta's rate-limit dashboard uses for the bucket.
    pub fn name(self) -> &'static str {
        match self {
            Bucket::Users => "/api/v1/users",
            Bucket::UserMutation => "/api/v1/users/{id}",
            Bucket::UserGet => "/api/v1/users/{idOrLogin}",
            Bucket::Groups => "/api/v1/groups",
            Bucket::GroupById => "/api/v1/groups/{id}",
            Bucket::Apps => "/api/v1/apps",
            Bucket::AppById => "/api/v1/apps/{id}",
            Bucket::Other => "/api/v1/*",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_paths_to_okta_buckets() {
        let cases = [
            ("POST", "/api/v1/users", Bucket::Users),
            ("GET", "/api/v1/users", Bucket::Users),
            ("GET", "/api/v1/users/00u1", Bucket::UserGet),
            ("POST", "/api/v1/users/00u1", Bucket::UserMutation),
            ("DELETE", "/api/v1/users/00u1", Bucket::UserMutation),
            (
                "POST",
                "/api/v1/users/00u1/lifecycle/activate",
                Bucket::Users,
            ),
            ("GET", "/api/v1/users/00u1/groups", Bucket::Users),
            ("POST", "/api/v1/groups", Bucket::Groups),
            ("GET", "/api/v1/groups/00g1", Bucket::GroupById),
            ("PUT", "/api/v1/groups/00g1/users/00u1", Bucket::Groups),
            ("GET", "/api/v1/groups/00g1/users", Bucket::Groups),
            // Past the eighth segment, still by the first six.
            (
                "GET",
                "/api/v1/groups/00g1/users/00u1/a/b/c/d",
                Bucket::Groups,
            ),
            ("GET", "/api/v1/users/00u1/x/y/z/a/b/c", Bucket::Other),
            ("GET", "/api/v1/meta/schemas/user/default", Bucket::Other),
            ("POST", "/api/v1/apps", Bucket::Apps),
            ("GET", "/api/v1/apps", Bucket::Apps),
            ("GET", "/api/v1/apps/0oa1", Bucket::AppById),
            ("DELETE", "/api/v1/apps/0oa1", Bucket::AppById),
            ("POST", "/api/v1/apps/0oa1/users", Bucket::Apps),
            ("GET", "/api/v1/apps/0oa1/users/00u1", Bucket::Apps),
            ("DELETE", "/api/v1/apps/0oa1/users/00u1", Bucket::Apps),
            ("PUT", "/api/v1/apps/0oa1/groups/00g1", Bucket::Apps),
            (
                "POST",
                "/api/v1/apps/0oa1/lifecycle/deactivate",
                Bucket::Apps,
            ),
        ];
        for (method, path, bucket) in cases {
            assert_eq!(Bucket::for_request(method, path), bucket, "{method} {path}");
        }
    }

    #[test]
    fn parses_and_spots_concurrency_429() {
        let h = |name: &str| match name {
            LIMIT => Some("0"),
            REMAINING => Some("0"),
            RESET => Some("1609459200"),
            _ => None,
        };
        let parsed = RateLimitHeaders::parse(h).expect("all three present");
        assert!(parsed.is_concurrency_limit());
        assert_eq!(parsed.reset, 1_609_459_200);
    }

    #[test]
    fn refuses_repeated_header() {
        let h = |name: &str| match name {
            RESET => Some("1,2"),
            _ => Some("5"),
        };
        assert_eq!(RateLimitHeaders::parse(h), None);
    }
}
