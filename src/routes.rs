//! The hash router's model: which page a `location.hash` names, and its query.
//!
//! The app is a static single page, so every route lives in the fragment, which never reaches a
//! server and works from `file://`, from any sub-path and offline:
//!
//! ```text
//! #/                                  landing page
//! #/basics?step=2&seed=7&cores=8      "Queueing basics", step 2, seed 7, one parameter changed
//! #/vsts-2018?step=4                  VSTS West Europe, 7 Feb 2018
//! #/7pace-2017?step=3                 7pace Timetracker 4 rollout
//! ```
//!
//! Parsing never fails: an unknown path becomes [`Page::NotFound`], and a malformed query pair is
//! kept as text for [`crate::url_state`] to report.
//!
//! ```
//! use postmortem_lab::routes::{Page, Route};
//! let r = Route::parse("#/basics?step=2&servers=3");
//! assert_eq!(r.page, Page::Basics);
//! assert_eq!(r.query.get("step"), Some("2"));
//! assert_eq!(Route::parse("#/nope").page, Page::NotFound);
//! ```

/// A page of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Page {
    /// `#/`: the two incidents and the basics chapter, as cards.
    Landing,
    /// `#/basics`: the "Queueing basics" chapter.
    Basics,
    /// `#/vsts-2018`: VSTS West Europe, 7 February 2018.
    Vsts,
    /// `#/7pace-2017`: 7pace Timetracker's server-side tracking rollout.
    Sevenpace,
    /// Anything else.
    NotFound,
}

impl Page {
    /// Every page that has a path, in the order the app presents them.
    pub const ALL: [Page; 4] = [Page::Landing, Page::Basics, Page::Vsts, Page::Sevenpace];

    /// The path after `#`, e.g. `/basics`. `NotFound` has none and maps to the landing page's.
    pub fn path(self) -> &'static str {
        match self {
            Page::Landing | Page::NotFound => "/",
            Page::Basics => "/basics",
            Page::Vsts => "/vsts-2018",
            Page::Sevenpace => "/7pace-2017",
        }
    }

    /// A link target for an `href`, e.g. `#/basics`.
    pub fn href(self) -> String {
        format!("#{}", self.path())
    }

    /// The page a path names; trailing slashes and case are forgiven.
    pub fn from_path(path: &str) -> Page {
        let p = path.trim_end_matches('/').to_ascii_lowercase();
        match p.as_str() {
            "" => Page::Landing,
            "/basics" => Page::Basics,
            "/vsts-2018" => Page::Vsts,
            "/7pace-2017" => Page::Sevenpace,
            _ => Page::NotFound,
        }
    }
}

/// The decoded `name=value` pairs of a query, in their order. Repeated names are kept; the last wins
/// in [`Query::get`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses `a=1&b=two` (no leading `?`). Empty pieces are skipped; a piece without `=` gets an
    /// empty value, so it can still be reported as bad.
    pub fn parse(text: &str) -> Query {
        let pairs = text
            .split('&')
            .filter(|piece| !piece.is_empty())
            .map(|piece| match piece.split_once('=') {
                Some((n, v)) => (decode(n), decode(v)),
                None => (decode(piece), String::new()),
            })
            .collect();
        Query { pairs }
    }

    /// A query from pairs, in this order.
    pub fn from_pairs<N: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (N, V)>) -> Query {
        Query { pairs: pairs.into_iter().map(|(n, v)| (n.into(), v.into())).collect() }
    }

    /// The value of the last pair named `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// All pairs, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// `a=1&b=two`, percent-encoding what needs it.
    pub fn encode(&self) -> String {
        self.pairs.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect::<Vec<_>>().join("&")
    }
}

/// A parsed `location.hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The page.
    pub page: Page,
    /// The path as written (for the not-found page).
    pub path: String,
    /// The query after `?`.
    pub query: Query,
}

impl Route {
    /// Parses `#/basics?step=2`, `#basics`, `/basics` or `` (the landing page).
    pub fn parse(hash: &str) -> Route {
        let h = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = h.split_once('?').unwrap_or((h, ""));
        let path = decode(path);
        let path = if path.starts_with('/') { path } else { format!("/{path}") };
        Route { page: Page::from_path(&path), path, query: Query::parse(query) }
    }

    /// The hash for a page and query: `#/basics?step=2`, or `#/basics` with an empty query.
    pub fn hash_for(page: Page, query: &Query) -> String {
        if query.is_empty() {
            page.href()
        } else {
            format!("{}?{}", page.href(), query.encode())
        }
    }
}

/// Percent-decodes `text`, reading `+` as a space; invalid escapes are kept as they are.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encodes everything but the characters a query value can carry as they are.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        // ':' is allowed in a fragment (RFC 3986) and keeps times such as t=10:12 readable.
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_page_and_forgives_slashes_and_case() {
        assert_eq!(Route::parse("").page, Page::Landing);
        assert_eq!(Route::parse("#").page, Page::Landing);
        assert_eq!(Route::parse("#/").page, Page::Landing);
        assert_eq!(Route::parse("#/basics/").page, Page::Basics);
        assert_eq!(Route::parse("#basics").page, Page::Basics);
        assert_eq!(Route::parse("#/VSTS-2018").page, Page::Vsts);
        assert_eq!(Route::parse("#/7pace-2017?step=3").page, Page::Sevenpace);
        let nf = Route::parse("#/nowhere?x=1");
        assert_eq!(nf.page, Page::NotFound);
        assert_eq!(nf.path, "/nowhere");
    }

    #[test]
    fn query_round_trips_through_encoding() {
        let q = Query::from_pairs([("step", "2"), ("odd name", "a&b=c%"), ("empty", "")]);
        let back = Query::parse(&q.encode());
        assert_eq!(back, q);
        let r = Route::parse(&Route::hash_for(Page::Basics, &q));
        assert_eq!(r.page, Page::Basics);
        assert_eq!(r.query, q);
        assert_eq!(Route::hash_for(Page::Vsts, &Query::default()), "#/vsts-2018");
    }

    #[test]
    fn malformed_escapes_and_pieces_survive() {
        let q = Query::parse("a=%zz&b&&c=%4&d=%41");
        assert_eq!(q.get("a"), Some("%zz"));
        assert_eq!(q.get("b"), Some(""));
        assert_eq!(q.get("c"), Some("%4"));
        assert_eq!(q.get("d"), Some("A"));
        assert_eq!(q.get("zzz"), None);
        assert_eq!(Query::parse("x=1&x=2").get("x"), Some("2"));
    }
}
