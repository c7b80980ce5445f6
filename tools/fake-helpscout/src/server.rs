//! Connection handling and the request pipeline:
//! record -> injected fault -> token endpoint | auth -> rate limit -> route.
//!
//! Connections are served with hyper directly (not `axum::serve`) so that a
//! `Drop` fault can abort the connection future and close the socket without
//! a single response byte.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use base64::Engine as _;
use chrono::Utc;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderValue, Method, Request};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rand::distr::{Alphanumeric, SampleString};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use crate::faults::{self, Fault, FaultKind};
use crate::hal::{self, ApiError, Resp};
use crate::ratelimit::{self, RateLimiter};
use crate::routes::{self, Req};
use crate::state::State;
use crate::{lock, FakeConfig, RecordedRequest, DOCS_API_KEY};

/// Requests bigger than this are refused (attachments are capped at 10 MB,
/// base64 inflates them by a third; catalogue 4.14).
const MAX_BODY: usize = 16 * 1024 * 1024;

pub(crate) struct Token {
    pub(crate) user_id: u64,
    pub(crate) expires: Instant,
}

/// Test-control state, separate from the account data.
pub(crate) struct Control {
    pub(crate) tokens: HashMap<String, Token>,
    pub(crate) faults: Vec<Fault>,
    pub(crate) requests: Vec<RecordedRequest>,
    /// How many of the oldest entries were dropped to keep the log bounded.
    pub(crate) requests_dropped: usize,
    pub(crate) rate: RateLimiter,
}

pub(crate) struct Shared {
    pub(crate) config: FakeConfig,
    pub(crate) data: Mutex<State>,
    pub(crate) control: Mutex<Control>,
}

impl Shared {
    pub(crate) fn new(config: FakeConfig) -> Self {
        let state = crate::seed::build(config.seed);
        Shared {
            data: Mutex::new(state),
            control: Mutex::new(Control {
                tokens: HashMap::new(),
                faults: Vec::new(),
                requests: Vec::new(),
                requests_dropped: 0,
                rate: RateLimiter::new(config.rate_limit_per_minute),
            }),
            config,
        }
    }

    pub(crate) fn owner_id(&self) -> u64 {
        lock(&self.data).owner_id
    }

    /// A fresh random token for the account owner.
    pub(crate) fn issue_token(&self) -> String {
        let token = Alphanumeric.sample_string(&mut rand::rng(), 40);
        let user_id = self.owner_id();
        let expires = Instant::now() + self.config.token_ttl;
        lock(&self.control)
            .tokens
            .insert(token.clone(), Token { user_id, expires });
        token
    }

    /// `index` counts every request ever logged, dropped ones included.
    fn set_status(&self, index: usize, status: u16) {
        let mut control = lock(&self.control);
        let Some(position) = index.checked_sub(control.requests_dropped) else {
            return;
        };
        if let Some(r) = control.requests.get_mut(position) {
            r.status = status;
        }
    }
}

/// Requests kept in the log; tests read far fewer, the sandbox would otherwise grow
/// by about 0.3 KiB per request forever.
const REQUEST_LOG_CAP: usize = 20_000;

pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // Without this, loopback keep-alive calls stall ~40 ms (Nagle + delayed ACK).
                    if let Err(e) = stream.set_nodelay(true) {
                        tracing::debug!(error = %e, "set_nodelay failed");
                    }
                    tokio::spawn(serve_connection(stream, Arc::clone(&shared), shutdown.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>, shutdown: CancellationToken) {
    // Cancelled by a handler to drop this connection without responding.
    let drop_conn = CancellationToken::new();
    let service = {
        let drop_conn = drop_conn.clone();
        hyper::service::service_fn(move |req: Request<Incoming>| {
            let shared = Arc::clone(&shared);
            let drop_conn = drop_conn.clone();
            async move { Ok::<_, Infallible>(on_request(shared, drop_conn, req).await) }
        })
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = conn => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with error");
            }
        }
        _ = drop_conn.cancelled() => {
            // Dropping the connection future closes the socket unanswered.
            tracing::debug!("connection dropped by injected fault");
        }
        _ = shutdown.cancelled() => {}
    }
}

/// Never completes: the connection task drops us once `drop_conn` fires.
async fn drop_connection(drop_conn: &CancellationToken) -> Resp {
    drop_conn.cancel();
    std::future::pending::<Resp>().await
}

async fn on_request(shared: Arc<Shared>, drop_conn: CancellationToken, req: Request<Incoming>) -> Resp {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(Body::new(body), MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return ApiError::new(413, "Request entity too large").into_response(),
    };
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().map(str::to_string);
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let record = RecordedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        query: raw_query.clone(),
        content_type: header(CONTENT_TYPE),
        authorization: header(AUTHORIZATION),
        body: String::from_utf8_lossy(&body).into_owned(),
        status: 0,
    };
    let (index, fault) = {
        let mut control = lock(&shared.control);
        // A long-running sandbox must not grow without bound: keep the newest entries.
        if control.requests.len() >= REQUEST_LOG_CAP {
            let drop = REQUEST_LOG_CAP / 2;
            control.requests.drain(..drop);
            control.requests_dropped += drop;
        }
        control.requests.push(record);
        let index = control.requests_dropped + control.requests.len() - 1;
        let fault = faults::take(&mut control.faults, &parts.method, &path);
        (index, fault)
    };
    tracing::debug!(method = %parts.method, %path, ?fault, "request");

    let host = header(HOST).unwrap_or_else(|| "127.0.0.1".to_string());
    let query: Vec<(String, String)> = raw_query
        .as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let record_path = path.clone();
    let req = Req {
        method: parts.method.clone(),
        path,
        raw_query,
        query,
        headers: parts.headers,
        body,
        base: format!("http://{host}"),
        user_id: 0,
        now: Utc::now(),
    };

    let resp = match fault {
        None => handle(&shared, req),
        Some(FaultKind::Status(code)) => fault_status(code),
        Some(FaultKind::RateLimited { retry_after_secs }) if is_docs_path(&record_path) => {
            routes::docs::rate_limited_fault(&mut lock(&shared.data), retry_after_secs)
        }
        Some(FaultKind::RateLimited { retry_after_secs }) => {
            let limit = lock(&shared.control).rate.limit;
            rate_limited(limit, retry_after_secs)
        }
        Some(FaultKind::Delay(d)) => {
            tokio::time::sleep(d).await;
            handle(&shared, req)
        }
        Some(FaultKind::Drop) => return drop_connection(&drop_conn).await,
        Some(FaultKind::DropAfterApply) => {
            let _ = handle(&shared, req);
            return drop_connection(&drop_conn).await;
        }
        Some(FaultKind::MalformedJson) => malformed(handle(&shared, req)).await,
    };
    let mut resp = resp;
    let budgeted = path_is_budgeted(&record_path);
    if budgeted && !resp.headers().contains_key("x-ratelimit-limit-minute") {
        // Every Inbox API answer carries the budget headers (catalogue 4.2).
        let mut control = lock(&shared.control);
        let (limit, remaining) = (control.rate.limit, control.rate.remaining(Instant::now()));
        drop(control);
        add_rate_headers(&mut resp, limit, remaining);
    }
    shared.set_status(index, resp.status().as_u16());
    resp
}

/// Inbox and Chat calls share the per-minute budget; the token endpoint and
/// the Docs API (own budget) do not.
fn path_is_budgeted(path: &str) -> bool {
    path != "/v2/oauth2/token" && !is_docs_path(path)
}

/// The Docs API lives under `/v1` on the same host (catalogue 1).
fn is_docs_path(path: &str) -> bool {
    path.starts_with("/v1/") || path == "/v1"
}

fn fault_status(code: u16) -> Resp {
    let message = http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let body = serde_json::json!({ "logRef": hal::log_ref(), "message": message });
    hal::response(code, Some(hal::HAL_JSON), &[], body.to_string())
}

/// 429 as the Inbox API sends it (catalogue 4.2, PHP ErrorPayloads).
fn rate_limited(limit: u32, retry_after: u64) -> Resp {
    hal::response(
        429,
        Some(hal::JSON),
        &[
            ("X-RateLimit-Limit-Minute", limit.to_string()),
            ("X-RateLimit-Remaining-Minute", "0".to_string()),
            ("X-RateLimit-Retry-After", retry_after.to_string()),
        ],
        r#"{"message":"API rate limit exceeded"}"#,
    )
}

/// Keep status line aside, replace the body with a cut-off JSON document.
async fn malformed(resp: Resp) -> Resp {
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let truncated = if bytes.len() > 2 {
        bytes.slice(..bytes.len() / 2).to_vec()
    } else {
        br#"{"_embedded":{"conversations":[{"id":"#.to_vec()
    };
    let headers: Vec<(&str, String)> = parts
        .headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-ratelimit"))
        .filter_map(|(name, v)| Some((name.as_str(), v.to_str().ok()?.to_string())))
        .collect();
    hal::response(200, Some(hal::HAL_JSON), &headers, truncated)
}

enum Auth {
    Bearer(u64),
}

fn authenticate(shared: &Shared, req: &Req) -> Result<Auth, Box<Resp>> {
    let header = req.header(AUTHORIZATION.as_str()).unwrap_or("");
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .unwrap_or("");
    let control = lock(&shared.control);
    match control.tokens.get(token) {
        Some(t) if t.expires > Instant::now() => Ok(Auth::Bearer(t.user_id)),
        found => {
            let message = if found.is_some() {
                "The access token expired"
            } else if token.is_empty() {
                "Full authentication is required to access this resource"
            } else {
                "Invalid access token"
            };
            Err(Box::new(
                ApiError::new(401, message)
                    .with_header(
                        "WWW-Authenticate",
                        "Bearer realm=\"api\", error=\"invalid_token\"".into(),
                    )
                    .into_response(),
            ))
        }
    }
}

/// Docs API auth: HTTP Basic with the API key as user and `X` as password
/// (catalogue 4.12).
pub(crate) fn docs_basic_ok(header: &str) -> bool {
    let Some(encoded) = header.strip_prefix("Basic ") else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, _password)) => user == DOCS_API_KEY,
        None => text == DOCS_API_KEY,
    }
}

fn add_rate_headers(resp: &mut Resp, limit: u32, remaining: u32) {
    for (name, value) in [
        ("x-ratelimit-limit-minute", limit),
        ("x-ratelimit-remaining-minute", remaining),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
            resp.headers_mut().insert(name, v);
        }
    }
}

/// Everything after fault injection: token endpoint, auth, rate limit, routes.
fn handle(shared: &Shared, mut req: Req) -> Resp {
    if req.path == "/v2/oauth2/token" {
        return routes::oauth::token(shared, &req);
    }
    if is_docs_path(&req.path) {
        return docs(shared, req);
    }
    let auth = authenticate(shared, &req);
    let now = Instant::now();
    let user_id = match auth {
        Ok(Auth::Bearer(user)) => user,
        Err(resp) => {
            let mut resp = *resp;
            let mut control = lock(&shared.control);
            let (limit, remaining) = (control.rate.limit, control.rate.remaining(now));
            drop(control);
            add_rate_headers(&mut resp, limit, remaining);
            return resp;
        }
    };
    req.user_id = user_id;
    let charged = {
        let mut control = lock(&shared.control);
        let limit = control.rate.limit;
        control
            .rate
            .charge(ratelimit::cost(&req.method), now)
            .map(|remaining| (limit, remaining))
            .map_err(|e| (limit, e.retry_after_secs))
    };
    let (limit, remaining) = match charged {
        Ok(v) => v,
        Err((limit, retry_after)) => return rate_limited(limit, retry_after),
    };
    let mut resp = if req.method == Method::HEAD || req.method == Method::OPTIONS {
        hal::response(405, None, &[], Body::empty())
    } else {
        let mut state = lock(&shared.data);
        routes::dispatch(&mut state, &req)
    };
    add_rate_headers(&mut resp, limit, remaining);
    resp
}

/// The Docs API: Basic auth with the API key, then its own 10-minute budget,
/// headers and routes (`routes::docs`; catalogue 4.2, 4.4, 4.12). The key
/// belongs to the account owner.
fn docs(shared: &Shared, mut req: Req) -> Resp {
    if !docs_basic_ok(req.header(AUTHORIZATION.as_str()).unwrap_or("")) {
        return routes::docs::unauthorized();
    }
    let mut state = lock(&shared.data);
    req.user_id = state.owner_id;
    routes::docs::serve(&mut state, &req, Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_basic() {
        let enc = base64::engine::general_purpose::STANDARD.encode(format!("{DOCS_API_KEY}:X"));
        assert!(docs_basic_ok(&format!("Basic {enc}")));
        assert!(!docs_basic_ok("Basic Zm9vOlg="));
        assert!(!docs_basic_ok("Bearer x"));
    }
}
