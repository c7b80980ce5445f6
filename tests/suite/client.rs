#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Help Scout client against wiremock: OAuth token handling, rate-limit
//! re-synchronisation, the retry rules end to end, and error mapping.

use std::net::TcpListener as StdTcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use bytes::Bytes;
use helpscout_mcp::helpscout::client::{ClientOptions, MultipartField};
use helpscout_mcp::helpscout::limiter::Snapshot;
use helpscout_mcp::helpscout::retry::BackoffPolicy;
use helpscout_mcp::helpscout::{Api, ApiError, ApiRequest, ClientConfig, HelpScoutClient, InboxAuth, Secret};
use http::Method;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const APP_ID: &str = "test-app-id";
const APP_SECRET: &str = "test-app-secret";
const DOCS_KEY: &str = "test-docs-key";

fn config(base: &str) -> ClientConfig {
    ClientConfig {
        api_base_url: url::Url::parse(base).unwrap(),
        docs_api_base_url: url::Url::parse(base).unwrap(),
        inbox_auth: Some(InboxAuth::ClientCredentials {
            app_id: APP_ID.to_string(),
            app_secret: Secret::new(APP_SECRET),
        }),
        docs_api_key: Some(Secret::new(DOCS_KEY)),
        rate_limit_per_minute: 400,
        request_timeout: Duration::from_secs(5),
        max_retries: 3,
    }
}

/// Short backoff so retry tests stay fast.
fn fast() -> ClientOptions {
    ClientOptions {
        backoff: BackoffPolicy {
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        },
    }
}

fn client(config: ClientConfig) -> HelpScoutClient {
    HelpScoutClient::with_options(config, fast()).unwrap()
}

fn token_response(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "token_type": "bearer",
        "access_token": token,
        "expires_in": 172_800,
    }))
}

/// Answers every token request with `token`.
async fn mount_token(server: &MockServer, token: &str) {
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(token_response(token))
        .mount(server)
        .await;
}

async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == wanted)
        .collect()
}

fn bearer(request: &Request) -> String {
    request
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn ok_json() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"_embedded": {"mailboxes": []}}))
}

fn status_of(error: &ApiError) -> u16 {
    error
        .status()
        .unwrap_or_else(|| panic!("expected an HTTP status error, got {error:?}"))
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn client_credentials_token_is_form_encoded_and_used_as_bearer() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(ok_json())
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    // Constructing the client does no I/O: no token at start-up.
    assert!(server.received_requests().await.unwrap().is_empty());

    let body = client
        .send_json(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap();
    assert_eq!(body, json!({"_embedded": {"mailboxes": []}}));

    let token_requests = requests_to(&server, "/v2/oauth2/token").await;
    assert_eq!(token_requests.len(), 1);
    let token_request = &token_requests[0];
    assert_eq!(
        token_request.headers.get("content-type").unwrap().to_str().unwrap(),
        "application/x-www-form-urlencoded",
        "catalogue 4.1: send the token request form-encoded"
    );
    // Credentials travel in the body, not in a Basic header (oauth2 `AuthType::RequestBody`).
    assert!(token_request.headers.get("authorization").is_none());
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&token_request.body).into_owned().collect();
    assert!(
        form.contains(&("grant_type".into(), "client_credentials".into())),
        "{form:?}"
    );
    assert!(form.contains(&("client_id".into(), APP_ID.into())), "{form:?}");
    assert!(form.contains(&("client_secret".into(), APP_SECRET.into())), "{form:?}");

    let api = requests_to(&server, "/v2/mailboxes").await;
    assert_eq!(bearer(&api[0]), "Bearer tok-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_concurrent_calls_fetch_one_token() {
    let server = MockServer::start().await;
    // A slow token endpoint, so that all ten calls are waiting while it answers.
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(token_response("tok-1").set_delay(Duration::from_millis(300)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(ok_json())
        .expect(10)
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
    server.verify().await;
    assert!(requests_to(&server, "/v2/mailboxes")
        .await
        .iter()
        .all(|r| bearer(r) == "Bearer tok-1"));
}

#[tokio::test]
async fn a_rejected_token_is_replaced_once_and_the_call_repeated() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(token_response("tok-old"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_token(&server, "tok-new").await;
    // The server has expired tok-old (e.g. revoked, or the clock ran out early).
    Mock::given(method("POST"))
        .and(path("/v2/conversations/7/notes"))
        .and(header("authorization", "Bearer tok-old"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"logRef": "a1", "message": "Unauthorized"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/conversations/7/notes"))
        .and(header("authorization", "Bearer tok-new"))
        .respond_with(ResponseTemplate::new(201).insert_header("Resource-ID", "99"))
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    // A non-idempotent POST: a 401 is rejected before Help Scout acts, so repeating is safe.
    let request = ApiRequest::new(Api::Inbox, Method::POST, "/v2/conversations/7/notes").json(json!({"text": "hi"}));
    let response = client.send(request).await.unwrap();
    assert_eq!(response.resource_id().as_deref(), Some("99"));
    assert_eq!(requests_to(&server, "/v2/oauth2/token").await.len(), 2);
    assert_eq!(requests_to(&server, "/v2/conversations/7/notes").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_replace_the_token_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(token_response("tok-old"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_token(&server, "tok-new").await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .and(header("authorization", "Bearer tok-old"))
        .respond_with(ResponseTemplate::new(401).set_delay(Duration::from_millis(100)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(ok_json())
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    // Warm the cache with tok-old, then let five calls run into its 401 together.
    client.send(ApiRequest::get(Api::Inbox, "/v2/users/me")).await.ok();
    let calls = (0..5).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await })
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
    // Each rejected call asks for a replacement of the token it used; only the first
    // fetches, the others get the token it fetched.
    assert_eq!(requests_to(&server, "/v2/oauth2/token").await.len(), 2);
}

#[tokio::test]
async fn a_second_401_is_an_error() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "User is not active"})))
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), 401);
    assert_eq!(requests_to(&server, "/v2/oauth2/token").await.len(), 2, "one refresh");
    assert_eq!(requests_to(&server, "/v2/mailboxes").await.len(), 2, "one repeat");
}

// A current-thread runtime, so that the clock can be moved forward between calls.
#[tokio::test]
async fn the_token_is_refreshed_before_it_expires() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(token_response("tok-1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_token(&server, "tok-2").await;
    // tok-1 is accepted until it expires; the client must not wait for a 401 to move on.
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(ok_json())
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await.unwrap();
    client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await.unwrap();
    assert_eq!(requests_to(&server, "/v2/oauth2/token").await.len(), 1, "cached");

    // 48 h token, 200 s left: inside the 5-minute refresh margin.
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(172_800 - 200)).await;
    tokio::time::resume();

    client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await.unwrap();
    assert_eq!(requests_to(&server, "/v2/oauth2/token").await.len(), 2);
    let api = requests_to(&server, "/v2/mailboxes").await;
    assert_eq!(
        api.iter().map(bearer).collect::<Vec<_>>(),
        ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    );
}

#[tokio::test]
async fn a_static_token_is_used_as_is_and_never_refreshed() {
    let server = MockServer::start().await;
    mount_token(&server, "never").await;
    Mock::given(method("GET"))
        .and(path("/v2/users/me"))
        .and(header("authorization", "Bearer static-tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "expired"})))
        .mount(&server)
        .await;

    let mut config = config(&server.uri());
    config.inbox_auth = Some(InboxAuth::StaticToken(Secret::new("static-tok")));
    let client = client(config);
    assert_eq!(
        client
            .send_json(ApiRequest::get(Api::Inbox, "/v2/users/me"))
            .await
            .unwrap(),
        json!({"id": 1})
    );
    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), 401);
    assert!(requests_to(&server, "/v2/oauth2/token").await.is_empty());
    assert_eq!(requests_to(&server, "/v2/mailboxes").await.len(), 1);
}

#[tokio::test]
async fn a_refused_token_request_is_an_auth_error_without_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("unknown client secret {APP_SECRET}"),
        })))
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap_err();
    let ApiError::Auth(message) = &error else {
        panic!("expected an auth error, got {error:?}")
    };
    assert!(
        message.contains("HTTP 401") && message.contains("invalid_client"),
        "{message}"
    );
    assert!(!error.to_string().contains(APP_SECRET), "{error}");
    assert!(
        requests_to(&server, "/v2/mailboxes").await.is_empty(),
        "no API call without a token"
    );
}

#[tokio::test]
async fn missing_credentials_are_reported_without_a_request() {
    let server = MockServer::start().await;
    let mut config = config(&server.uri());
    config.inbox_auth = None;
    config.docs_api_key = None;
    let client = client(config);
    let inbox = client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap_err();
    assert!(
        matches!(&inbox, ApiError::NotConfigured(m) if m.contains("HELPSCOUT_APP_ID")),
        "{inbox:?}"
    );
    let docs = client.send(ApiRequest::get(Api::Docs, "/v1/sites")).await.unwrap_err();
    assert!(
        matches!(&docs, ApiError::NotConfigured(m) if m.contains("HELPSCOUT_DOCS_API_KEY")),
        "{docs:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------- Docs API

#[tokio::test]
async fn docs_calls_use_basic_auth_and_parse_docs_errors() {
    let server = MockServer::start().await;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{DOCS_KEY}:X"))
    );
    Mock::given(method("GET"))
        .and(path("/v1/collections"))
        .and(header("authorization", basic.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"collections": {"page": 1, "pages": 1, "count": 0, "items": []}}))
                .insert_header("X-RateLimit-Limit", "3000")
                .insert_header("X-RateLimit-Remaining", "2500")
                .insert_header("X-RateLimit-Reset", "120"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/articles/nope"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"code": 404, "error": "Article not found"}))
                .insert_header("Correlation-Id", "c0ffee"),
        )
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    client
        .send(ApiRequest::get(Api::Docs, "/v1/collections"))
        .await
        .unwrap();
    assert_eq!(
        client.rate_limit(Api::Docs),
        Snapshot {
            limit: 3000,
            remaining: 2500,
            in_flight: 0
        }
    );
    assert_eq!(client.rate_limit(Api::Inbox).remaining, 400, "separate budgets");

    let error = client
        .send(ApiRequest::get(Api::Docs, "/v1/articles/nope"))
        .await
        .unwrap_err();
    match error {
        ApiError::Status {
            status,
            message,
            log_ref,
            ..
        } => {
            assert_eq!(
                (status, message.as_str(), log_ref.as_deref()),
                (404, "Article not found", Some("c0ffee"))
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    // No token is needed for the Docs API.
    assert!(requests_to(&server, "/v2/oauth2/token").await.is_empty());
}

#[tokio::test]
async fn docs_multipart_upload_carries_the_key_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/articles/upload"))
        .and(body_string_contains("name=\"key\""))
        .respond_with(
            ResponseTemplate::new(201).insert_header("Location", "https://docsapi.helpscout.net/v1/articles/abc123"),
        )
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let fields = vec![
        MultipartField {
            name: "collectionId".into(),
            data: Bytes::from_static(b"c1"),
            file_name: None,
            mime_type: None,
        },
        MultipartField {
            name: "file".into(),
            data: Bytes::from_static(b"<h1>Hello</h1>"),
            file_name: Some("hello.html".into()),
            mime_type: Some("text/html".into()),
        },
    ];
    let response = client
        .send(ApiRequest::new(Api::Docs, Method::POST, "/v1/articles/upload").multipart(fields))
        .await
        .unwrap();
    assert_eq!(response.resource_id().as_deref(), Some("abc123"));
    let request = &requests_to(&server, "/v1/articles/upload").await[0];
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(
        body.contains("filename=\"hello.html\"") && body.contains("<h1>Hello</h1>"),
        "{body}"
    );
    assert!(body.contains("Content-Type: text/html"), "{body}");
}

// ---------------------------------------------------------------- rate limit

#[tokio::test]
async fn the_budget_follows_the_servers_headers_and_writes_cost_two() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(
            ok_json()
                .insert_header("X-RateLimit-Limit-Minute", "200")
                .insert_header("X-RateLimit-Remaining-Minute", "37"),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/conversations/1/tags"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    // Clones share the budget.
    let other = client.clone();
    other
        .send(ApiRequest::new(Api::Inbox, Method::PUT, "/v2/conversations/1/tags").json(json!({"tags": []})))
        .await
        .unwrap();
    assert_eq!(
        client.rate_limit(Api::Inbox),
        Snapshot {
            limit: 400,
            remaining: 398,
            in_flight: 0
        }
    );
    client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await.unwrap();
    assert_eq!(
        other.rate_limit(Api::Inbox),
        Snapshot {
            limit: 200,
            remaining: 37,
            in_flight: 0
        }
    );
}

// ---------------------------------------------------------------- retries

/// Mounts `first` for the first `n` matching requests, then `then`.
async fn mount_sequence(
    server: &MockServer,
    m: Method,
    p: &str,
    n: u64,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    Mock::given(method(m.as_str()))
        .and(path(p))
        .respond_with(first)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(m.as_str()))
        .and(path(p))
        .respond_with(then)
        .mount(server)
        .await;
}

fn error_body(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"logRef": "ref-1", "message": "Service unavailable"}))
}

#[tokio::test]
async fn a_get_is_retried_on_503_and_succeeds() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    mount_sequence(&server, Method::GET, "/v2/mailboxes", 2, error_body(503), ok_json()).await;

    let client = client(config(&server.uri()));
    client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await.unwrap();
    assert_eq!(requests_to(&server, "/v2/mailboxes").await.len(), 3);
}

#[tokio::test]
async fn a_get_gives_up_after_max_retries() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(error_body(503))
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap_err();
    assert_eq!(status_of(&error), 503);
    assert_eq!(error.log_ref(), Some("ref-1"));
    assert_eq!(
        requests_to(&server, "/v2/mailboxes").await.len(),
        4,
        "1 attempt + max_retries (3)"
    );
}

#[tokio::test]
async fn a_post_is_not_retried_on_503() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    mount_sequence(
        &server,
        Method::POST,
        "/v2/conversations/7/reply",
        1,
        error_body(503),
        ResponseTemplate::new(201),
    )
    .await;

    let client = client(config(&server.uri()));
    let request = ApiRequest::new(Api::Inbox, Method::POST, "/v2/conversations/7/reply").json(json!({"text": "Hi"}));
    let error = client.send(request).await.unwrap_err();
    assert_eq!(status_of(&error), 503);
    assert_eq!(
        requests_to(&server, "/v2/conversations/7/reply").await.len(),
        1,
        "a second reply is a second email"
    );
}

#[tokio::test]
async fn an_idempotent_write_is_retried_on_503() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    mount_sequence(
        &server,
        Method::PUT,
        "/v2/conversations/7/tags",
        1,
        error_body(503),
        ResponseTemplate::new(204),
    )
    .await;

    let client = client(config(&server.uri()));
    let request = ApiRequest::new(Api::Inbox, Method::PUT, "/v2/conversations/7/tags").json(json!({"tags": ["a"]}));
    assert_eq!(client.send(request).await.unwrap().status, 204);
    assert_eq!(requests_to(&server, "/v2/conversations/7/tags").await.len(), 2);
}

#[tokio::test]
async fn a_post_is_retried_after_429_and_returns_the_new_resource_id() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    let limited = ResponseTemplate::new(429)
        .set_body_json(json!({"message": "API rate limit exceeded"}))
        .insert_header("X-RateLimit-Retry-After", "1")
        .insert_header("X-RateLimit-Limit-Minute", "400")
        .insert_header("X-RateLimit-Remaining-Minute", "0");
    let created = ResponseTemplate::new(201)
        .insert_header("Resource-ID", "12345")
        .insert_header("Location", "https://api.helpscout.net/v2/conversations/12345");
    mount_sequence(&server, Method::POST, "/v2/conversations", 1, limited, created).await;

    let client = client(config(&server.uri()));
    let started = Instant::now();
    let response = client
        .send(ApiRequest::new(Api::Inbox, Method::POST, "/v2/conversations").json(json!({"subject": "x"})))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited X-RateLimit-Retry-After"
    );
    assert_eq!(response.status, 201);
    assert_eq!(response.resource_id().as_deref(), Some("12345"));
    assert_eq!(
        response.json_value().unwrap(),
        serde_json::Value::Null,
        "201 with an empty body"
    );
    assert_eq!(requests_to(&server, "/v2/conversations").await.len(), 2);
}

#[tokio::test]
async fn plain_retry_after_is_honoured_when_the_helpscout_header_is_missing() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    mount_sequence(&server, Method::GET, "/v2/mailboxes", 1, limited, ok_json()).await;

    let client = client(config(&server.uri()));
    let started = Instant::now();
    client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_long_retry_after_is_returned_not_slept() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    let limited = ResponseTemplate::new(429)
        .set_body_json(json!({"message": "API rate limit exceeded"}))
        .insert_header("X-RateLimit-Retry-After", "600");
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(limited)
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let started = Instant::now();
    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    match error {
        ApiError::Status {
            status: 429,
            retry_after,
            ..
        } => assert_eq!(retry_after, Some(Duration::from_secs(600))),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(requests_to(&server, "/v2/mailboxes").await.len(), 1);
    // Every other call now fails fast too instead of collecting its own 429, and says
    // the wait is ours, not an answer from Help Scout.
    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/users/me"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::BudgetExhausted { retry_after } if retry_after > Duration::from_secs(500)),
        "{error:?}"
    );
    assert!(requests_to(&server, "/v2/users/me").await.is_empty());
}

#[tokio::test]
async fn a_post_is_not_retried_after_a_timeout_but_a_get_is() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    let slow = ResponseTemplate::new(201).set_delay(Duration::from_secs(2));
    Mock::given(method("POST"))
        .and(path("/v2/conversations/7/reply"))
        .respond_with(slow)
        .mount(&server)
        .await;
    mount_sequence(
        &server,
        Method::GET,
        "/v2/mailboxes",
        1,
        ok_json().set_delay(Duration::from_secs(2)),
        ok_json(),
    )
    .await;

    let mut config = config(&server.uri());
    config.request_timeout = Duration::from_millis(300);
    let client = client(config);
    let error = client
        .send(ApiRequest::new(Api::Inbox, Method::POST, "/v2/conversations/7/reply").json(json!({"text": "Hi"})))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::Timeout(d) if d == Duration::from_millis(300)),
        "{error:?}"
    );
    assert_eq!(requests_to(&server, "/v2/conversations/7/reply").await.len(), 1);

    client.send(ApiRequest::get(Api::Inbox, "/v2/mailboxes")).await.unwrap();
    assert_eq!(requests_to(&server, "/v2/mailboxes").await.len(), 2);
}

/// A port with nothing listening on it (yet).
fn free_port() -> u16 {
    StdTcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn a_post_is_retried_when_the_connection_is_refused() {
    let port = free_port();
    let mut config = config(&format!("http://127.0.0.1:{port}"));
    config.inbox_auth = Some(InboxAuth::StaticToken(Secret::new("static-tok")));
    config.max_retries = 20;
    let client = HelpScoutClient::with_options(
        config,
        ClientOptions {
            backoff: BackoffPolicy {
                min_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(100),
            },
        },
    )
    .unwrap();

    // Help Scout comes up only after the first attempts were refused.
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = StdTcpListener::bind(("127.0.0.1", port)).unwrap();
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("POST"))
            .and(path("/v2/conversations/7/reply"))
            .respond_with(ResponseTemplate::new(201).insert_header("Resource-ID", "5"))
            .mount(&server)
            .await;
        server
    });
    let started = Instant::now();
    let response = client
        .send(ApiRequest::new(Api::Inbox, Method::POST, "/v2/conversations/7/reply").json(json!({"text": "Hi"})))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "the first attempt cannot have succeeded"
    );
    assert_eq!(response.resource_id().as_deref(), Some("5"));
    let server = server.await.unwrap();
    assert_eq!(
        requests_to(&server, "/v2/conversations/7/reply").await.len(),
        1,
        "exactly one reply arrived"
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_after_the_retries() {
    let mut config = config(&format!("http://127.0.0.1:{}", free_port()));
    config.inbox_auth = Some(InboxAuth::StaticToken(Secret::new("static-tok")));
    let error = client(config)
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes?secret=1"))
        .await
        .unwrap_err();
    let ApiError::Connect(message) = &error else {
        panic!("expected a connect error, got {error:?}")
    };
    assert!(
        !message.contains("127.0.0.1") && !message.contains("secret"),
        "no URL in errors: {message}"
    );
}

/// A server that reads each request and closes the connection without answering: the
/// request reached the server, so a non-idempotent write must not be repeated.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                use tokio::io::AsyncReadExt;
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                drop(socket);
            });
        }
    });
    (base, connections)
}

#[tokio::test]
async fn a_closed_connection_is_retried_for_a_get_but_not_for_a_post() {
    let (base, connections) = hang_up_server().await;
    let mut config = config(&base);
    config.inbox_auth = Some(InboxAuth::StaticToken(Secret::new("static-tok")));
    let client = client(config);

    let error = client
        .send(ApiRequest::new(Api::Inbox, Method::POST, "/v2/conversations/7/reply").json(json!({"text": "Hi"})))
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);

    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes"))
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1 + 4, "GET: 1 attempt + 3 retries");
}

// ---------------------------------------------------------------- responses and errors

#[tokio::test]
async fn validation_errors_carry_log_ref_and_field_errors() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("POST"))
        .and(path("/v2/customers"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "logRef": "e3b0c442-98fc",
            "message": "Bad request",
            "_embedded": {"errors": [
                {"path": "emails[0].value", "message": "must be a well-formed email address",
                 "rejectedValue": "nope", "source": "JSON"},
                {"path": "firstName", "message": "may not be empty", "source": "JSON"}
            ]},
            "_links": {"about": {"href": "https://developer.helpscout.com/mailbox-api/overview/errors"}}
        })))
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let error = client
        .send(ApiRequest::new(Api::Inbox, Method::POST, "/v2/customers").json(json!({"firstName": ""})))
        .await
        .unwrap_err();
    match error {
        ApiError::Status {
            status,
            message,
            log_ref,
            field_errors,
            ..
        } => {
            assert_eq!(status, 400);
            assert_eq!(message, "Bad request");
            assert_eq!(log_ref.as_deref(), Some("e3b0c442-98fc"));
            let fields: Vec<(&str, &str)> = field_errors
                .iter()
                .map(|f| (f.path.as_str(), f.message.as_str()))
                .collect();
            assert_eq!(
                fields,
                [
                    ("emails[0].value", "must be a well-formed email address"),
                    ("firstName", "may not be empty")
                ]
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        requests_to(&server, "/v2/customers").await.len(),
        1,
        "a 400 is not retried"
    );
}

#[tokio::test]
async fn a_merged_conversation_redirect_is_not_followed() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("GET"))
        .and(path("/v2/conversations/10"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("Location", "https://api.helpscout.net/v2/conversations/20"),
        )
        .mount(&server)
        .await;

    let client = client(config(&server.uri()));
    let error = client
        .send(ApiRequest::get(Api::Inbox, "/v2/conversations/10"))
        .await
        .unwrap_err();
    match error {
        ApiError::Status {
            status: 301, location, ..
        } => {
            assert_eq!(
                location.as_deref(),
                Some("https://api.helpscout.net/v2/conversations/20")
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "token + one GET, nothing followed"
    );
}

#[tokio::test]
async fn query_and_accept_reach_the_server_and_the_base_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/prefix/v2/oauth2/token"))
        .respond_with(token_response("tok-1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/prefix/v2/conversations/1/threads/2/original-source"))
        .and(header("accept", "message/rfc822"))
        .respond_with(ResponseTemplate::new(200).set_body_string("From: a@b.c\r\n\r\nhi"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/prefix/v2/conversations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"page": {"number": 2}})))
        .mount(&server)
        .await;

    let client = client(config(&format!("{}/prefix", server.uri())));
    let raw = client
        .send(ApiRequest::get(Api::Inbox, "/v2/conversations/1/threads/2/original-source").accept("message/rfc822"))
        .await
        .unwrap();
    assert_eq!(&raw.body[..], b"From: a@b.c\r\n\r\nhi");
    client
        .send(
            ApiRequest::get(Api::Inbox, "/v2/conversations")
                .query("status", "all")
                .query("query", "(tag:\"a b\")"),
        )
        .await
        .unwrap();
    let listed = &requests_to(&server, "/prefix/v2/conversations").await[0];
    let query: Vec<(String, String)> = listed.url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [
            ("status".to_string(), "all".to_string()),
            ("query".to_string(), "(tag:\"a b\")".to_string())
        ]
    );
}

// ---------------------------------------------------------------- against the fake Help Scout

#[tokio::test]
async fn a_reply_reaches_the_customer_once_whatever_the_connection_does() {
    use fake_helpscout::{ids, FakeConfig, FakeHelpScout, Fault, FaultKind};

    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let mut config = config(&fake.base_url());
    config.inbox_auth = Some(InboxAuth::ClientCredentials {
        app_id: fake_helpscout::APP_ID.into(),
        app_secret: Secret::new(fake_helpscout::APP_SECRET),
    });
    let client = client(config);
    let cid = ids::FIRST_CONVERSATION_ID;
    let conversation = client
        .send_json(ApiRequest::get(Api::Inbox, format!("/v2/conversations/{cid}")))
        .await
        .unwrap();
    let customer_id = conversation
        .pointer("/primaryCustomer/id")
        .and_then(|v| v.as_u64())
        .unwrap();
    let reply = || {
        ApiRequest::new(Api::Inbox, Method::POST, format!("/v2/conversations/{cid}/reply"))
            .json(json!({"customer": {"id": customer_id}, "text": "We fixed the export."}))
    };
    let replies_sent = || {
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/reply"))
            .count()
    };

    // Applied, then the connection drops before the answer: sending again would email twice.
    fake.inject(
        Fault::new(FaultKind::DropAfterApply)
            .method(Method::POST)
            .path("/reply"),
    );
    let error = client.send(reply()).await.unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
    assert_eq!((replies_sent(), fake.sent_emails().len()), (1, 1));

    // A 503 may have been applied too: not repeated.
    fake.inject(Fault::new(FaultKind::Status(503)).method(Method::POST).path("/reply"));
    assert_eq!(status_of(&client.send(reply()).await.unwrap_err()), 503);
    assert_eq!(replies_sent(), 2);

    // A 429 is rejected before processing: the client waits and sends again.
    fake.inject(
        Fault::new(FaultKind::RateLimited { retry_after_secs: 1 })
            .method(Method::POST)
            .path("/reply"),
    );
    let response = client.send(reply()).await.unwrap();
    assert!(response.resource_id().is_some(), "201 + Resource-ID");
    assert_eq!((replies_sent(), fake.sent_emails().len()), (4, 2));
}
