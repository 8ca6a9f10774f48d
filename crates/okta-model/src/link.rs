//! `_links` objects in bodies and the `Link` header used for cursor pagination.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HrefObject {
    pub href: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

impl HrefObject {
    pub fn get(href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            method: None,
        }
    }

    pub fn post(href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            method: Some("POST".to_owned()),
        }
    }
}

/// A `_links` object: relation name to link.
pub type Links = BTreeMap<String, HrefObject>;

/// One entry of a `Link` header: `<url>; rel="next"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRel {
    pub url: String,
    pub rel: String,
}

impl LinkRel {
    pub fn new(url: impl Into<String>, rel: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            rel: rel.into(),
        }
    }

    /// The header value for this entry. Okta sends one header line per relation.
    pub fn to_header_value(&self) -> String {
        format!("<{}>; rel=\"{}\"", self.url, self.rel)
    }

    /// Parses one `Link` header value, which may itself hold several comma-separated entries.
    pub fn parse_header(value: &str) -> Vec<LinkRel> {
        value
            .split(',')
            .filter_map(|part| {
                let part = part.trim();
                let (url, params) = part.strip_prefix('<')?.split_once('>')?;
                let rel = params.split(';').find_map(|p| {
                    let (k, v) = p.trim().split_once('=')?;
                    (k.trim().eq_ignore_ascii_case("rel")).then(|| v.trim().trim_matches('"'))
                })?;
                Some(LinkRel::new(url, rel))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_next_link() {
        let link = LinkRel::new("https://x.test/api/v1/users?after=00u1&limit=200", "next");
        assert_eq!(LinkRel::parse_header(&link.to_header_value()), vec![link]);
    }

    #[test]
    fn parses_combined_header() {
        let parsed = LinkRel::parse_header(r#"<http://a/1>; rel="self", <http://a/2>; rel=next"#);
        assert_eq!(
            parsed,
            vec![
                LinkRel::new("http://a/1", "self"),
                LinkRel::new("http://a/2", "next")
            ]
        );
    }
}
