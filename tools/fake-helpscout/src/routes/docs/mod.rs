//! Docs API v1 (catalogue 3 docs_*, 4.2, 4.4, 4.5, 4.12): sites, collections,
//! categories, articles (drafts, revisions, view counts, search), redirects
//! and assets.
//!
//! The Docs API is a separate service from the Inbox API and behaves like one:
//! HTTP Basic with an API key, its own 10-minute budget
//! (`X-RateLimit-Limit/-Remaining/-Reset`), named JSON envelopes instead of
//! HAL (`{"articles":{page,pages,count,items}}`, `{"article":{...}}`),
//! `{status, message}` error bodies, a `Correlation-Id` on every response,
//! 201 + `Location` for creates (body only with `?reload=true`) and 200, not
//! 204, for updates and deletes. Ids are 24-hex strings (catalogue 4.10).

mod articles;
mod assets;
mod budget;
mod categories;
mod collections;
mod multipart;
mod redirects;
mod seed;
mod sites;

use std::collections::BTreeMap;

use axum::body::Body;
use http::header::LOCATION;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::hal::{self, Resp};
use crate::routes::Req;
use crate::state::{ts, State, Time};

pub(crate) use budget::DocsBudget;
pub(crate) use seed::seed;

/// Page size of every Docs list; article lists accept `pageSize` up to 100
/// (catalogue 4.3).
const PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 100;

#[derive(Clone, Debug)]
pub(crate) struct Restriction {
    pub(crate) enabled: bool,
    pub(crate) sign_in_url: Option<String>,
    /// Generated when restrictions are first enabled; returned by the API
    /// (catalogue 4.12: clients must redact it).
    pub(crate) shared_secret: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub(crate) id: String,
    /// The settable Site fields (`subDomain`, `title`, `cname`, ...), as sent.
    pub(crate) settings: Map<String, Value>,
    pub(crate) created_by: u64,
    pub(crate) updated_by: u64,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
    pub(crate) restriction: Restriction,
}

impl Site {
    fn setting(&self, key: &str) -> Option<&str> {
        self.settings.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
    }

    /// `https://docs.example.com` (CNAME) or `https://<subDomain>.helpscoutdocs.com`.
    pub(crate) fn public_base(&self) -> String {
        match self.setting("cname") {
            Some(cname) => format!("https://{cname}"),
            None => format!(
                "https://{}.helpscoutdocs.com",
                self.setting("subDomain").unwrap_or("docs")
            ),
        }
    }

    /// Host names the site answers on (for resolving redirect targets).
    fn hosts(&self) -> Vec<String> {
        let mut hosts = vec![format!(
            "{}.helpscoutdocs.com",
            self.setting("subDomain").unwrap_or("docs")
        )];
        if let Some(cname) = self.setting("cname") {
            hosts.push(cname.to_ascii_lowercase());
        }
        hosts
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Collection {
    pub(crate) id: String,
    pub(crate) site_id: String,
    pub(crate) number: u64,
    pub(crate) slug: String,
    /// public | private
    pub(crate) visibility: String,
    pub(crate) order: i64,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) created_by: u64,
    pub(crate) updated_by: u64,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
}

#[derive(Clone, Debug)]
pub(crate) struct Category {
    pub(crate) id: String,
    pub(crate) collection_id: String,
    pub(crate) number: u64,
    pub(crate) slug: String,
    /// public | private
    pub(crate) visibility: String,
    pub(crate) order: i64,
    /// popularity | name | updatedAt | custom
    pub(crate) default_sort: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) created_by: u64,
    pub(crate) updated_by: u64,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
}

#[derive(Clone, Debug)]
pub(crate) struct Article {
    pub(crate) id: String,
    pub(crate) number: u64,
    pub(crate) collection_id: String,
    pub(crate) slug: String,
    /// published | notpublished
    pub(crate) status: String,
    pub(crate) name: String,
    /// HTML.
    pub(crate) text: String,
    /// Unpublished changes (`hasDraft`; `GET ?draft=true` returns them).
    pub(crate) draft: Option<String>,
    pub(crate) categories: Vec<String>,
    pub(crate) related: Vec<String>,
    pub(crate) keywords: Vec<String>,
    pub(crate) view_count: u64,
    pub(crate) created_by: u64,
    pub(crate) updated_by: u64,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
    pub(crate) last_published_at: Option<Time>,
}

#[derive(Clone, Debug)]
pub(crate) struct Revision {
    pub(crate) id: String,
    pub(crate) article_id: String,
    pub(crate) text: String,
    pub(crate) created_by: u64,
    pub(crate) created_at: Time,
}

#[derive(Clone, Debug)]
pub(crate) struct Redirect {
    pub(crate) id: String,
    pub(crate) site_id: String,
    /// Path to redirect from, query string removed.
    pub(crate) url_mapping: String,
    /// Absolute URL to redirect to.
    pub(crate) redirect: String,
    pub(crate) created_by: u64,
    pub(crate) modified_by: u64,
    pub(crate) created_at: Time,
    pub(crate) modified_at: Time,
}

#[derive(Debug, Default)]
pub(crate) struct DocsState {
    pub(crate) sites: BTreeMap<String, Site>,
    pub(crate) collections: BTreeMap<String, Collection>,
    pub(crate) categories: BTreeMap<String, Category>,
    pub(crate) articles: BTreeMap<String, Article>,
    pub(crate) revisions: BTreeMap<String, Revision>,
    pub(crate) redirects: BTreeMap<String, Redirect>,
    pub(crate) budget: DocsBudget,
    /// Sequence part of generated ids.
    counter: u64,
}

impl DocsState {
    /// A new Mongo-style id: 4-byte creation time + 8-byte sequence.
    pub(crate) fn new_id(&mut self, now: Time) -> String {
        self.counter += 1;
        format!("{:08x}{:016x}", now.timestamp().max(0) as u32, self.counter)
    }

    pub(crate) fn next_number<'a>(numbers: impl Iterator<Item = &'a u64>) -> u64 {
        numbers.max().copied().unwrap_or(0) + 1
    }

    pub(crate) fn site_of_collection(&self, collection_id: &str) -> Option<&Site> {
        let c = self.collections.get(collection_id)?;
        self.sites.get(&c.site_id)
    }
}

// ------------------------------------------------------------------ errors

/// A Docs API error: `{"status": N, "message": "..."}` (catalogue 4.4).
#[derive(Debug, Clone)]
pub(crate) struct DocsError {
    pub(crate) status: u16,
    pub(crate) message: String,
}

pub(crate) type DocsResult<T = Resp> = Result<T, DocsError>;

impl DocsError {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        DocsError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        DocsError::new(400, message)
    }

    pub(crate) fn not_found(what: &str) -> Self {
        DocsError::new(404, format!("{what} not found"))
    }

    pub(crate) fn into_response(self) -> Resp {
        json_resp(self.status, &json!({ "status": self.status, "message": self.message }))
    }
}

// ------------------------------------------------------------------ responses

fn json_resp(status: u16, value: &Value) -> Resp {
    hal::response(status, Some(hal::JSON), &[], value.to_string())
}

/// 200 with a JSON body.
pub(crate) fn ok(value: &Value) -> DocsResult {
    Ok(json_resp(200, value))
}

/// 200 with an empty body: updates and deletes without `reload` (catalogue 4.5).
pub(crate) fn ok_empty() -> DocsResult {
    Ok(hal::response(200, None, &[], Body::empty()))
}

/// `?reload=true` asks for the created/updated object in the body; it is a query
/// parameter, not a body field (catalogue 4.5, section 5).
pub(crate) fn reload(req: &Req) -> bool {
    req.q("reload").is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// 201 + `Location`; the object only with `reload=true` (catalogue 4.5).
pub(crate) fn created(req: &Req, path: String, body: Value) -> DocsResult {
    let location = req.url(&path);
    if reload(req) {
        Ok(hal::response(
            201,
            Some(hal::JSON),
            &[(LOCATION.as_str(), location)],
            body.to_string(),
        ))
    } else {
        Ok(hal::response(
            201,
            None,
            &[(LOCATION.as_str(), location)],
            Body::empty(),
        ))
    }
}

/// 200 for an update: the object with `reload=true`, else an empty body.
pub(crate) fn updated(req: &Req, body: Value) -> DocsResult {
    if reload(req) {
        ok(&body)
    } else {
        ok_empty()
    }
}

/// A UUID v4 for the `Correlation-Id` header (catalogue 4.4).
pub(crate) fn correlation_id() -> String {
    let mut rng = rand::rng();
    let a: u32 = rng.random();
    let b: u16 = rng.random();
    let c: u16 = (rng.random::<u16>() & 0x0fff) | 0x4000;
    let d: u16 = (rng.random::<u16>() & 0x3fff) | 0x8000;
    let e: u64 = rng.random::<u64>() & 0xffff_ffff_ffff;
    format!("{a:08x}-{b:04x}-{c:04x}-{d:04x}-{e:012x}")
}

// ------------------------------------------------------------------ input

/// The request body as a JSON object.
pub(crate) fn body_object(req: &Req) -> DocsResult<Map<String, Value>> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(DocsError::bad_request("Request body is required"));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(DocsError::bad_request("Request body must be a JSON object")),
        Err(e) => Err(DocsError::bad_request(format!("Malformed JSON: {e}"))),
    }
}

/// Field readers for a JSON body; unknown fields are ignored, as the API does.
pub(crate) struct Fields<'a>(pub(crate) &'a Map<String, Value>);

impl Fields<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn opt_str(&self, key: &str) -> DocsResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(DocsError::bad_request(format!("{key} must be a string"))),
        }
    }

    pub(crate) fn req_str(&self, key: &str) -> DocsResult<String> {
        match self.opt_str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(DocsError::bad_request(format!("{key} is required"))),
        }
    }

    pub(crate) fn opt_bool(&self, key: &str) -> DocsResult<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(DocsError::bad_request(format!("{key} must be a boolean"))),
        }
    }

    pub(crate) fn opt_int(&self, key: &str) -> DocsResult<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| DocsError::bad_request(format!("{key} must be an integer"))),
        }
    }

    pub(crate) fn opt_enum(&self, key: &str, allowed: &[&str]) -> DocsResult<Option<String>> {
        match self.opt_str(key)? {
            None => Ok(None),
            Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
            Some(v) => Err(DocsError::bad_request(format!(
                "Invalid {key} `{v}`: expected one of {}",
                allowed.join(", ")
            ))),
        }
    }

    /// An optional array of strings; `None` when absent (absent = unchanged on updates).
    pub(crate) fn opt_str_list(&self, key: &str) -> DocsResult<Option<Vec<String>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| DocsError::bad_request(format!("{key} must be an array of strings")))
                })
                .collect::<DocsResult<Vec<_>>>()
                .map(Some),
            Some(_) => Err(DocsError::bad_request(format!("{key} must be an array"))),
        }
    }
}

/// `page` (1-based).
pub(crate) fn page_param(req: &Req) -> DocsResult<usize> {
    match req.q("page") {
        None | Some("") => Ok(1),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(DocsError::bad_request(format!(
                "Invalid page `{raw}`: must be a positive integer"
            ))),
        },
    }
}

/// `pageSize` on article lists: 1..=100, default 50 (catalogue 4.3).
pub(crate) fn page_size_param(req: &Req) -> DocsResult<usize> {
    match req.q("pageSize") {
        None | Some("") => Ok(PAGE_SIZE),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => Ok(n),
            _ => Err(DocsError::bad_request(format!(
                "Invalid pageSize `{raw}`: must be between 1 and {MAX_PAGE_SIZE}"
            ))),
        },
    }
}

/// A query parameter restricted to a set of values.
pub(crate) fn enum_param<'a>(req: &'a Req, key: &str, allowed: &[&str], default: &'a str) -> DocsResult<&'a str> {
    match req.q(key) {
        None | Some("") => Ok(default),
        Some(v) if allowed.contains(&v) => Ok(v),
        Some(v) => Err(DocsError::bad_request(format!(
            "Invalid {key} `{v}`: expected one of {}",
            allowed.join(", ")
        ))),
    }
}

/// `asc` / `desc`.
pub(crate) fn descending(req: &Req, default: &str) -> DocsResult<bool> {
    Ok(enum_param(req, "order", &["asc", "desc"], default)? == "desc")
}

/// A Docs id is 24 lowercase hex characters; anything else names nothing.
pub(crate) fn is_docs_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `{id}` or `{number}` path segment (articles, categories, collections).
pub(crate) enum IdOrNumber<'a> {
    Id(&'a str),
    Number(u64),
}

pub(crate) fn id_or_number(seg: &str) -> Option<IdOrNumber<'_>> {
    if is_docs_id(seg) {
        Some(IdOrNumber::Id(seg))
    } else {
        seg.parse::<u64>().ok().filter(|n| *n > 0).map(IdOrNumber::Number)
    }
}

/// `{<key>: {page, pages, count, items}}` (catalogue 4.3).
pub(crate) fn envelope(key: &str, items: Vec<Value>, page: usize, page_size: usize) -> Value {
    let count = items.len();
    let pages = count.div_ceil(page_size).max(1);
    let items: Vec<Value> = items
        .into_iter()
        .skip((page - 1).saturating_mul(page_size))
        .take(page_size)
        .collect();
    let mut out = Map::new();
    out.insert(
        key.to_string(),
        json!({ "page": page, "pages": pages, "count": count, "items": items }),
    );
    Value::Object(out)
}

pub(crate) fn opt_ts(t: Option<Time>) -> Value {
    t.map(|t| Value::String(ts(t))).unwrap_or(Value::Null)
}

/// A `url-slug` from a name.
pub(crate) fn slug(name: &str) -> String {
    let s = crate::state::slugify(name);
    if s.is_empty() {
        "untitled".to_string()
    } else {
        s
    }
}

// ------------------------------------------------------------------ routing

/// Serve an authenticated Docs API request: charge the Docs budget, route,
/// and add the headers every Docs response carries.
pub(crate) fn serve(state: &mut State, req: &Req, now: std::time::Instant) -> Resp {
    let sites = state.docs.sites.len();
    let charged = state.docs.budget.charge(sites, now);
    let mut resp = match charged {
        Ok(_) => route(state, req).unwrap_or_else(DocsError::into_response),
        Err(_) => DocsError::new(429, "Rate limit exceeded").into_response(),
    };
    let status = state.docs.budget.status(sites, now);
    budget::add_headers(&mut resp, &status);
    add_correlation_id(&mut resp);
    resp
}

pub(crate) fn add_correlation_id(resp: &mut Resp) {
    if let Ok(v) = http::HeaderValue::from_str(&correlation_id()) {
        resp.headers_mut().insert("correlation-id", v);
    }
}

/// A 401 for a missing or wrong Docs API key.
pub(crate) fn unauthorized() -> Resp {
    let mut resp = hal::response(
        401,
        Some(hal::JSON),
        &[("WWW-Authenticate", "Basic realm=\"Docs API\"".to_string())],
        json!({ "status": 401, "message": "Invalid API key" }).to_string(),
    );
    add_correlation_id(&mut resp);
    resp
}

/// An injected 429 fault, shaped like the Docs API's own.
pub(crate) fn rate_limited_fault(state: &mut State, retry_after_secs: u64) -> Resp {
    let sites = state.docs.sites.len();
    let limit = state.docs.budget.limit(sites);
    let mut resp = DocsError::new(429, "Rate limit exceeded").into_response();
    budget::add_headers(
        &mut resp,
        &budget::Status {
            limit,
            remaining: 0,
            reset_secs: retry_after_secs.max(1),
        },
    );
    add_correlation_id(&mut resp);
    resp
}

fn route(state: &mut State, req: &Req) -> DocsResult {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let Some((&"v1", rest)) = segs.split_first() else {
        return Err(DocsError::not_found("Resource"));
    };
    let method = req.method.as_str();
    if let Some(r) = sites::route(state, req, method, rest) {
        return r;
    }
    if let Some(r) = collections::route(state, req, method, rest) {
        return r;
    }
    if let Some(r) = categories::route(state, req, method, rest) {
        return r;
    }
    if let Some(r) = articles::route(state, req, method, rest) {
        return r;
    }
    if let Some(r) = redirects::route(state, req, method, rest) {
        return r;
    }
    if let Some(r) = assets::route(state, req, method, rest) {
        return r;
    }
    Err(DocsError::not_found("Resource"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_numbers() {
        assert!(is_docs_id("5214c77c45667acd25394b51"));
        assert!(!is_docs_id("5214C77C45667ACD25394B51"));
        assert!(!is_docs_id("5214c77c45667acd25394b5"));
        assert!(matches!(id_or_number("125"), Some(IdOrNumber::Number(125))));
        assert!(id_or_number("0").is_none());
        assert!(id_or_number("my-article").is_none());
    }

    #[test]
    fn envelopes_page() {
        let items: Vec<Value> = (0..7).map(|i| json!(i)).collect();
        let v = envelope("articles", items, 2, 5);
        assert_eq!(
            v,
            json!({"articles": {"page": 2, "pages": 2, "count": 7, "items": [5, 6]}})
        );
        let empty = envelope("sites", Vec::new(), 1, 50);
        assert_eq!(empty["sites"]["pages"], 1);
    }

    #[test]
    fn generated_ids_are_docs_ids() {
        let mut s = DocsState::default();
        let now = crate::seed::seed_now();
        let a = s.new_id(now);
        let b = s.new_id(now);
        assert!(is_docs_id(&a) && is_docs_id(&b) && a != b, "{a} {b}");
        assert!(correlation_id().len() == 36);
    }
}
