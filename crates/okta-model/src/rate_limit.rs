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

#[cfg(test)]
mod tests {
    use super::*;

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
