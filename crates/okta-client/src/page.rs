//! Cursor pagination: a stream of items that follows each `rel="next"` link as Okta gave it,
//! one page at a time; the send path resolves each link against the org and refuses any that
//! leaves it.

use crate::client::{Call, Client};
use crate::error::Error;
use futures_util::stream::{self, BoxStream, StreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use std::collections::hash_map::{Entry, HashMap};
use std::collections::VecDeque;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Every item of a paged list, starting at `first` (a path with its query). A `next` link that
/// leads back to a page already read (the same URL, or a cycle A -> B -> A), or a page that
/// repeats the one before it word for word under a new cursor, ends the list with
/// `Error::PagingLoop` instead of reading it again, forever.
pub(crate) fn items<T>(client: &Client, first: String) -> BoxStream<'static, Result<T, Error>>
where
    T: DeserializeOwned + Send + 'static,
{
    let start = (
        client.clone(),
        Some(first),
        VecDeque::<T>::new(),
        Visited::default(),
    );
    stream::unfold(
        start,
        |(client, mut next, mut buffered, mut visited)| async move {
            loop {
                if let Some(item) = buffered.pop_front() {
                    return Some((Ok(item), (client, next, buffered, visited)));
                }
                let url = next.take()?;
                if let Err(e) = visited.enter(&client, &url) {
                    return Some((Err(e), (client, None, buffered, visited)));
                }
                let page = async {
                    let answer = client.send(Call::get(&url)).await?;
                    let link = answer.next_link();
                    visited.answered(&answer.body, link.is_some())?;
                    Ok::<_, Error>((answer.json::<Items<T>>()?.0, link))
                };
                match page.await {
                    Ok((items, link)) => {
                        // Empty here: the page's own buffer becomes the queue, nothing is moved.
                        buffered = VecDeque::from(items);
                        next = link;
                    }
                    Err(e) => return Some((Err(e), (client, None, buffered, visited))),
                }
            }
        },
    )
    .boxed()
}

/// Room made for a page's items before its first: Okta's largest page of users (200), and most
/// other lists' pages.
const PAGE_ROOM: usize = 200;

/// A page's items, read into room made for a whole page first: JSON does not say how long an
/// array is, and a `Vec` grown item by item copies each large item several times (a quarter
/// of the client's time listing an org of 25,000 users).
struct Items<T>(Vec<T>);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Items<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Items<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Items<T>, A::Error> {
                let mut items =
                    Vec::with_capacity(seq.size_hint().unwrap_or(PAGE_ROOM).min(PAGE_ROOM));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Items(items))
            }
        }
        deserializer.deserialize_seq(Visitor(std::marker::PhantomData))
    }
}

/// The pages of one list asked for so far, by what names a page: its path and its query's
/// parameters in any order (so `?after=x&limit=2` and `?limit=2&after=x` are one page).
#[derive(Debug, Default)]
struct Visited {
    pages: HashMap<String, u64>,
    /// The path of the page asked for last, and a hash of the body of the one before it.
    last_path: String,
    last_body: Option<u64>,
}

impl Visited {
    /// Counts `target` as the next page, or refuses it when it was read before.
    fn enter(&mut self, client: &Client, target: &str) -> Result<(), Error> {
        let (path, key) = match client.org().resolve(target) {
            Ok(url) => {
                let mut pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                pairs.sort();
                self.last_path = url.path().to_owned();
                (url.path().to_owned(), format!("{} {pairs:?}", url.path()))
            }
            // Refused by the send path with its own error.
            Err(_) => return Ok(()),
        };
        let page = self.pages.len() as u64 + 1;
        match self.pages.entry(key) {
            Entry::Occupied(first) => Err(Error::PagingLoop {
                path,
                page: page - 1,
                first: *first.get(),
            }),
            Entry::Vacant(slot) => {
                slot.insert(page);
                Ok(())
            }
        }
    }

    /// Notes the body of the page just read; a page with items that links on, and whose body
    /// is the previous page's word for word, is the org repeating itself under new cursors
    /// (Okta's cursors move past the items they gave).
    fn answered(&mut self, body: &[u8], links_on: bool) -> Result<(), Error> {
        let mut hasher = DefaultHasher::new();
        body.hash(&mut hasher);
        let hash = Some(hasher.finish());
        let page = self.pages.len() as u64;
        let empty = body
            .iter()
            .all(|b| b.is_ascii_whitespace() || b"[]".contains(b));
        if links_on && !empty && hash == self.last_body {
            return Err(Error::PagingLoop {
                path: self.last_path.clone(),
                page: page - 1,
                first: page - 1,
            });
        }
        self.last_body = hash;
        Ok(())
    }
}

/// What a list (`GET /api/v1/users`, `GET /api/v1/groups`) should return.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ListQuery {
    /// `search`: Okta's search expression (`profile.department eq "Sales"`).
    pub search: Option<String>,
    /// `filter`: the older, narrower filter expression.
    pub filter: Option<String>,
    /// `q`: a prefix of names or logins.
    pub q: Option<String>,
    /// Items per page.
    pub limit: Option<u32>,
}

impl ListQuery {
    /// The first item only: one request, enough to learn a bucket's limits or test access.
    pub fn one() -> ListQuery {
        ListQuery {
            limit: Some(1),
            ..ListQuery::default()
        }
    }

    /// The list's first page: `path` with these parameters.
    pub(crate) fn path(&self, path: &str) -> String {
        with_query(
            path,
            &[
                ("search", self.search.clone()),
                ("filter", self.filter.clone()),
                ("q", self.q.clone()),
                ("limit", self.limit.map(|l| l.to_string())),
            ],
        )
    }
}

/// Characters left as they are in a query value (RFC 3986 unreserved).
pub(crate) const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `path?k=v&...` with the values percent-encoded; empty values are left out.
pub(crate) fn with_query(path: &str, params: &[(&str, Option<String>)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .map(|v| format!("{k}={}", utf8_percent_encode(v, QUERY_VALUE)))
        })
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// A path segment (a login in `/api/v1/users/{login}`), percent-encoded.
pub(crate) fn segment(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_values() {
        assert_eq!(
            with_query(
                "/api/v1/users",
                &[
                    ("filter", Some(r#"profile.login eq "a+b@x.com""#.into())),
                    ("after", None)
                ]
            ),
            "/api/v1/users?filter=profile.login%20eq%20%22a%2Bb%40x.com%22"
        );
        assert_eq!(
            segment("isaac.brock@example.com"),
            "isaac.brock%40example.com"
        );
    }
}
