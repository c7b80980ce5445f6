#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fuzz target: Help Scout response decoding.
//!
//! Three properties, none of which may panic or hang:
//! - the client's decoding of a response (error bodies, `json_value`, `resource_id`,
//!   HAL and Docs pages, `_links.next` query parameters) over arbitrary statuses,
//!   headers and bodies; an error keeps Help Scout's status and `logRef`;
//! - the output shapers, HTML-to-text and redaction over arbitrary JSON and strings;
//! - every tool's handler, called with schema-valid arguments, against a loopback server
//!   that answers with arbitrary responses (the shaping code of each toolset included).

use crate::common;
use crate::fuzz_support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use helpscout_mcp::helpscout::client::{error_from_response, ClientOptions};
use helpscout_mcp::helpscout::pagination::{docs_page, hal_page, query_param};
use helpscout_mcp::helpscout::retry::BackoffPolicy;
use helpscout_mcp::helpscout::{ApiError, ApiResponse, ClientConfig, HelpScoutClient, InboxAuth, Secret};
use helpscout_mcp::output::compact::{list_result, strip};
use helpscout_mcp::output::html::html_to_text;
use helpscout_mcp::output::redact::{mask_text, redact};
use helpscout_mcp::output::{errors, shapes};
use helpscout_mcp::policy::Redact;
use helpscout_mcp::registry::{Registry, ToolError};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

use fuzz_support::{json, key, text};

fn all_redactions() -> BTreeSet<Redact> {
    [Redact::Email, Redact::Phone, Redact::Name].into_iter().collect()
}

// ---------------------------------------------------------------------------------
// responses

#[derive(Clone)]
struct Canned {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Shows the body as text (lossy), so a failing input can be read and pinned.
impl std::fmt::Debug for Canned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canned")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

fn object() -> impl Strategy<Value = Value> {
    proptest::collection::vec((key(), json()), 0..8).prop_map(|e| Value::Object(e.into_iter().collect()))
}

/// Bodies shaped like Help Scout's (HAL lists, Docs envelopes, error bodies), plus
/// arbitrary JSON, bytes that are not UTF-8, and nothing at all.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let hal = (
        key(),
        proptest::collection::vec(object(), 0..4),
        json(),
        proptest::option::of(text()),
    )
        .prop_map(|(key, items, page, next)| {
            let mut body = json!({"_embedded": {key: items}, "page": page});
            if let Some(href) = next {
                body["_links"] = json!({"next": {"href": href}});
            }
            body
        });
    let docs = (key(), proptest::collection::vec(object(), 0..4), json(), json())
        .prop_map(|(key, items, page, pages)| json!({key: {"page": page, "pages": pages, "count": 3, "items": items}}));
    let error =
        (json(), json(), proptest::collection::vec((json(), json()), 0..3)).prop_map(|(log_ref, message, fields)| {
            let errors: Vec<Value> = fields
                .into_iter()
                .map(|(path, message)| json!({"path": path, "message": message}))
                .collect();
            json!({"logRef": log_ref, "message": message, "_embedded": {"errors": errors}})
        });
    prop_oneof![
        3 => json().prop_map(|v| v.to_string().into_bytes()),
        3 => hal.prop_map(|v| v.to_string().into_bytes()),
        1 => docs.prop_map(|v| v.to_string().into_bytes()),
        2 => error.prop_map(|v| v.to_string().into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => Just(Vec::new()),
        // Cut off half way, like a truncated transfer.
        1 => json().prop_map(|v| { let s = v.to_string().into_bytes(); s[..s.len() / 2].to_vec() }),
    ]
}

/// Header values. Budget numbers stay plausible (>= 100): a server that says "0 left"
/// makes the next request of the same call wait for the window, which is correct and
/// would only slow the fuzzing down.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let budget = prop_oneof![(100u64..1_000_000).prop_map(|n| n.to_string()), "x[ -~]{0,12}",];
    let header = prop_oneof![
        (
            proptest::sample::select(vec![
                "x-ratelimit-limit-minute",
                "x-ratelimit-remaining-minute",
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
            ]),
            budget
        )
            .prop_map(|(n, v)| (n.to_string(), v)),
        (
            proptest::sample::select(vec!["x-ratelimit-retry-after", "retry-after"]),
            prop_oneof![Just("0".to_string()), Just("1".to_string()), "x[ -~]{0,6}"]
        )
            .prop_map(|(n, v)| (n.to_string(), v)),
        (
            proptest::sample::select(vec![
                "resource-id",
                "location",
                "correlation-id",
                "x-ratelimit-reset",
                "content-type"
            ]),
            text()
        )
            .prop_map(|(n, v)| (n.to_string(), v)),
    ];
    proptest::collection::vec(header, 0..4)
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => proptest::sample::select(vec![200u16, 200, 200, 201, 204, 301, 400, 401, 403, 404, 412, 422, 423, 429, 500, 502, 503]),
        1 => 200u16..=599,
    ]
}

fn canned() -> impl Strategy<Value = Canned> {
    (status(), headers(), body()).prop_map(|(status, headers, body)| Canned { status, headers, body })
}

fn response(canned: &Canned) -> ApiResponse {
    let mut headers = HeaderMap::new();
    for (name, value) in &canned.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.append(name, value);
        }
    }
    ApiResponse {
        status: StatusCode::from_u16(canned.status).unwrap(),
        headers,
        body: Bytes::from(canned.body.clone()),
    }
}

fn check_decoding(canned: Canned, key: String, href: String) -> Result<(), TestCaseError> {
    let response = response(&canned);
    let error = error_from_response(&response);
    match &error {
        ApiError::Status { status, log_ref, .. } => {
            prop_assert_eq!(*status, canned.status);
            // Help Scout's logRef, when its body carries one, is what support asks for.
            let body: Value = serde_json::from_slice(&canned.body).unwrap_or(Value::Null);
            if let Some(given) = body.get("logRef").and_then(Value::as_str) {
                prop_assert_eq!(log_ref.as_deref(), Some(given));
            }
        }
        other => return Err(TestCaseError::fail(format!("not a status error: {other:?}"))),
    }
    let rendered = errors::render("list_conversations", &ToolError::Api(error));
    let status_text = format!("HTTP {}", canned.status);
    prop_assert!(rendered.contains(&status_text), "{}", rendered);

    let value = response.json_value();
    let _ = response.resource_id();
    if let Ok(value) = value {
        let hal = hal_page(&value, &key);
        let docs = docs_page(&value, &key);
        let _ = (hal.has_more(), docs.has_more());
        let listed = list_result(&key, hal.items.clone(), &hal, "list_conversations");
        // (Tools use fixed keys such as `conversations`, never list_result's own.)
        if !["page", "pages", "total", "next"].contains(&key.as_str()) {
            prop_assert!(listed.get(&key).is_some_and(Value::is_array));
        }
        if let Some(next) = &hal.next_href {
            let _ = query_param(next, "page");
        }
    }
    let _ = query_param(&href, &key);
    Ok(())
}

#[test]
fn fuzz_response_decoding() {
    fuzz_support::run(
        "response_decoding",
        256,
        (canned(), key(), text()),
        |(canned, key, href)| check_decoding(canned, key, href),
    );
}

// ---------------------------------------------------------------------------------
// shapers, HTML, redaction

fn check_shapes(value: Value, html: String, max_chars: usize) -> Result<(), TestCaseError> {
    let all = all_redactions();
    for shaped in [
        shapes::person(&value),
        shapes::conversation_summary(&value),
        shapes::conversation_full(&value),
        shapes::thread(&value, max_chars, "call get_thread"),
        shapes::attachment(&value),
        strip(value.clone()),
    ] {
        let mut shaped = shaped;
        redact(&mut shaped, &all, true);
        prop_assert!(serde_json::to_string(&shaped).is_ok());
    }
    let threads: Vec<Value> = match &value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let _ = shapes::threads_within(&threads, max_chars, max_chars * 2, "more");

    let text = html_to_text(&html);
    // Plain text is idempotent enough to be converted again without surprises.
    let _ = html_to_text(&text);
    let cut = shapes::truncate(&text, max_chars, "call get_thread for the rest");
    if text.chars().count() <= max_chars {
        prop_assert_eq!(&cut, &text);
    } else {
        prop_assert!(cut.contains("[truncated: "), "{}", cut);
    }
    // Masking finds nothing more to mask in its own output.
    if let Some(masked) = mask_text(&html, &all) {
        prop_assert_eq!(mask_text(&masked, &all), None, "masked twice: {}", masked);
    }
    let mut value = value;
    redact(&mut value, &all, false);
    Ok(())
}

/// HTML as mail clients write it: nested layout, attributes, entities, broken tags.
fn html() -> impl Strategy<Value = String> {
    let tag = proptest::sample::select(vec![
        "div",
        "p",
        "br",
        "table",
        "tr",
        "td",
        "a",
        "img",
        "span",
        "blockquote",
        "ul",
        "li",
        "pre",
        "style",
        "script",
        "b",
        "i",
        "h1",
        "hr",
        "head",
        "title",
        "body",
        "html",
        "font",
        "center",
        "o:p",
        "svg",
    ]);
    let attr = prop_oneof![
        Just(String::new()),
        text().prop_map(|t| format!(" href=\"{t}\"")),
        text().prop_map(|t| format!(" src=\"{t}\" width=\"1\" height=\"1\"")),
        Just(" style=\"display:none\"".to_string()),
        text().prop_map(|t| format!(" {t}")),
    ];
    let piece = prop_oneof![
        (tag.clone(), attr).prop_map(|(t, a)| format!("<{t}{a}>")),
        tag.prop_map(|t| format!("</{t}>")),
        text(),
        proptest::sample::select(vec![
            "&amp;",
            "&lt;",
            "&nbsp;",
            "&#128512;",
            "&#xFFFFFF;",
            "&bogus;",
            "&",
            "<",
            ">",
            "<!--",
            "-->",
            "<![CDATA[",
            "\r\n"
        ])
        .prop_map(str::to_string),
    ];
    prop_oneof![
        4 => proptest::collection::vec(piece, 0..40).prop_map(|p| p.concat()),
        1 => (1usize..3000).prop_map(|n| "<div>".repeat(n)),
        1 => (1usize..3000).prop_map(|n| format!("{}x{}", "<b><i>".repeat(n), "</i></b>".repeat(n))),
        1 => text(),
    ]
}

#[test]
fn fuzz_output_shapers() {
    fuzz_support::run(
        "output_shapers",
        128,
        (json(), html(), 0usize..400),
        |(value, html, max_chars)| check_shapes(value, html, max_chars),
    );
}

/// An email address or a formatted phone number anywhere in free text is masked, whatever
/// surrounds it (dates, ids, other numbers, markup, any Unicode).
fn check_contacts_masked(before: String, contact: String, after: String) -> Result<(), TestCaseError> {
    let text = format!("{before} {contact} {after}");
    let masked = mask_text(&text, &all_redactions()).unwrap_or(text);
    prop_assert!(!masked.contains(&contact), "{:?} survived in {:?}", contact, masked);
    Ok(())
}

fn contact() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}(\\.[a-z]{1,6})?@[a-z]{2,8}\\.(com|io|de)",
        "\\+1 [2-9][0-9]{2}-[0-9]{3}-[0-9]{4}",
        "[2-9][0-9]{2}[-.][0-9]{3}[-.][0-9]{4}",
        "\\([0-9]{3}\\) [0-9]{3}-[0-9]{4}",
        "\\+44 20 [0-9]{4} [0-9]{4}",
    ]
}

/// Text around a contact: arbitrary, or the numbers that sit next to phones in mail
/// (dates, ids, order numbers, other phones).
fn surrounding() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[0-9]{1,20}",
        "([0-9]{1,4}[ .-]){0,6}",
        "[2-9][0-9]{2}-[0-9]{3}-[0-9]{4}",
    ]
}

#[test]
fn fuzz_redaction() {
    fuzz_support::run(
        "redaction",
        256,
        (surrounding(), contact(), surrounding()),
        |(before, contact, after)| check_contacts_masked(before, contact, after),
    );
}

// ---------------------------------------------------------------------------------
// every handler against arbitrary responses

/// A loopback Help Scout that answers every API request with the current canned
/// response, and the token endpoint with a token.
struct Upstream {
    base: String,
    canned: Arc<Mutex<Canned>>,
}

async fn start_upstream() -> Upstream {
    let canned = Arc::new(Mutex::new(Canned {
        status: 200,
        headers: Vec::new(),
        body: b"{}".to_vec(),
    }));
    let state = canned.clone();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let canned = state.lock().unwrap().clone();
        async move {
            if request.uri().path().ends_with("/oauth2/token") {
                let token = json!({"token_type": "bearer", "access_token": "fuzz-token", "expires_in": 7200});
                return axum::response::Response::builder()
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(token.to_string()))
                    .unwrap();
            }
            let mut builder = axum::response::Response::builder().status(canned.status);
            for (name, value) in &canned.headers {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::try_from(name.as_str()),
                    HeaderValue::try_from(value.as_str()),
                ) {
                    builder = builder.header(name, value);
                }
            }
            builder
                .body(axum::body::Body::from(canned.body))
                .unwrap_or_else(|_| axum::response::Response::new(axum::body::Body::empty()))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Upstream { base, canned }
}

fn client_for(base: &str) -> HelpScoutClient {
    let config = ClientConfig {
        api_base_url: url::Url::parse(base).unwrap(),
        docs_api_base_url: url::Url::parse(base).unwrap(),
        inbox_auth: Some(InboxAuth::ClientCredentials {
            app_id: "fuzz-app".into(),
            app_secret: Secret::new("fuzz-secret"),
        }),
        docs_api_key: Some(Secret::new("fuzz-docs-key")),
        rate_limit_per_minute: 100_000,
        request_timeout: Duration::from_secs(5),
        // One attempt per request: the retry table is tested elsewhere, and its waits
        // would only slow the fuzzing down.
        max_retries: 0,
    };
    let options = ClientOptions {
        backoff: BackoffPolicy {
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
    };
    HelpScoutClient::with_options(config, options).unwrap()
}

/// Arguments every tool accepts, with seed-like ids so handlers get past their checks.
fn valid_arguments(registry: &Registry) -> Vec<(String, Value)> {
    let overrides: Map<String, Value> = json!({
        "conversation_id": 2000001, "customer_id": 100001, "mailbox_id": 301, "thread_id": 3000901,
        "text": "Hello <b>there</b>", "subject": "Subject", "tags": ["vip"],
        "start": "2030-01-01T00:00:00Z", "end": "2030-01-31T00:00:00Z",
        "customer": {"id": 100001}, "first_name": "Maria", "city": "Dallas", "value": "maria@example.com",
        "mime_type": "image/png", "data": "aGVsbG8=", "url": "https://example.com/hook",
        "url_mapping": "/article/1-old-name", "scheduled_for": "2030-01-15T10:00:00Z",
        "snoozed_until": "2030-01-15T10:00:00Z",
    })
    .as_object()
    .cloned()
    .unwrap();
    registry
        .iter()
        .map(|def| {
            let arguments = common::example_arguments(&def.input_schema, &overrides);
            (def.spec.name.to_string(), arguments)
        })
        .collect()
}

#[test]
fn fuzz_tool_responses() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let upstream = runtime.block_on(start_upstream());
    let registry = Registry::builtin();
    let tools = valid_arguments(&registry);
    let all = all_redactions();
    fuzz_support::run("tool_responses", 64, (0..tools.len(), canned()), |(index, canned)| {
        let (name, arguments) = &tools[index];
        let def = registry.get(name).unwrap();
        *upstream.canned.lock().unwrap() = canned.clone();
        let client = client_for(&upstream.base);
        let result = runtime
            .block_on(async {
                tokio::time::timeout(Duration::from_secs(15), def.call(client, arguments.clone())).await
            })
            .map_err(|_| TestCaseError::fail(format!("{name} hung")))?;
        match result {
            Ok(mut output) => {
                redact(&mut output.value, &all, def.spec.toolset == "customers");
                prop_assert!(serde_json::to_string(&output.value).is_ok());
                let _ = output.into_call_result();
            }
            Err(error) => {
                let text = errors::render(name, &error);
                prop_assert!(!text.trim().is_empty(), "{name}: empty error");
                if let ToolError::Api(ApiError::Status { status, .. }) = &error {
                    let status_text = format!("HTTP {status}");
                    prop_assert!(text.contains(&status_text), "{}: {}", name, text);
                }
            }
        }
        Ok(())
    });
}
