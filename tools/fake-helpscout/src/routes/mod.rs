//! Request routing. Each resource module exposes
//! `route(&mut State, &Req, &[&str]) -> Option<ApiResult>`: `None` when the
//! path is not its own. New resources (customer entries, organizations,
//! workflows, webhooks, reports, Docs `/v1`, Chat `/chat/v1`) plug in as
//! further modules listed in [`ROUTES`].

pub(crate) mod attachments;
pub(crate) mod chat;
pub(crate) mod conversations;
pub(crate) mod customer_entries;
pub(crate) mod customer_properties;
pub(crate) mod customers;
pub(crate) mod docs;
pub(crate) mod mailboxes;
pub(crate) mod oauth;
pub(crate) mod organizations;
pub(crate) mod reports;
pub(crate) mod tags;
pub(crate) mod threads;
pub(crate) mod users;
pub(crate) mod webhooks;
pub(crate) mod workflows;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

use crate::hal::{ApiError, ApiResult, Resp};
use crate::state::{State, Time};

/// A fully read request, as route handlers see it.
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) raw_query: Option<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// `http://host:port` as the client addressed us (links are absolute).
    pub(crate) base: String,
    /// The user the bearer token acts as.
    pub(crate) user_id: u64,
    pub(crate) now: Time,
}

impl Req {
    /// First value of a query parameter.
    pub(crate) fn q(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The body as JSON; malformed JSON is a 400.
    pub(crate) fn json(&self) -> ApiResult<Value> {
        if self.body.is_empty() {
            return Err(ApiError::invalid("", "Request body is missing", Value::Null));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::new(400, "Could not parse request body as JSON").with_field("", &format!("malformed JSON: {e}"))
        })
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl ApiError {
    fn with_field(mut self, path: &str, message: &str) -> Self {
        self.errors.push(crate::hal::FieldError {
            path: path.to_string(),
            message: message.to_string(),
            rejected: Value::Null,
        });
        self
    }
}

/// Parse a numeric path id; anything else cannot name a resource (404).
pub(crate) fn id(seg: &str) -> ApiResult<u64> {
    seg.parse::<u64>().map_err(|_| ApiError::not_found())
}

type Route = fn(&mut State, &Req, &[&str]) -> Option<ApiResult>;

const ROUTES: &[Route] = &[
    conversations::route,
    threads::route,
    attachments::route,
    mailboxes::route,
    users::route,
    tags::route,
    customers::route,
    customer_entries::route,
    customer_properties::route,
    organizations::route,
    workflows::route,
    webhooks::route,
    reports::route,
    chat::route,
];

/// Route an authenticated API request.
pub(crate) fn dispatch(state: &mut State, req: &Req) -> Resp {
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    for route in ROUTES {
        if let Some(result) = route(state, req, &segs) {
            return result.unwrap_or_else(ApiError::into_response);
        }
    }
    ApiError::not_found().into_response()
}
