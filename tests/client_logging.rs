#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client never logs credentials, even at TRACE level and including what reqwest,
//! hyper and rustls log through the `log` bridge: app secret, access tokens, the Docs
//! API key (raw and inside a Basic header) and query strings.
//!
//! One test in this binary, because it installs the global subscriber (the `log` bridge
//! can only be installed globally).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use helpscout_mcp::helpscout::client::{ClientOptions, MultipartField};
use helpscout_mcp::helpscout::retry::BackoffPolicy;
use helpscout_mcp::helpscout::{Api, ApiRequest, ClientConfig, HelpScoutClient, InboxAuth, Secret};
use http::Method;
use serde_json::json;
use tracing_subscriber::util::SubscriberInitExt;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APP_SECRET: &str = "app-secret-5f2a9c";
const DOCS_KEY: &str = "docs-key-81be07";
const TOKEN_1: &str = "access-token-one-3c1d";
const TOKEN_2: &str = "access-token-two-77e0";
const QUERY_MARKER: &str = "query-marker-4b19";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn token(access_token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"token_type": "bearer", "access_token": access_token, "expires_in": 172_800}))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_never_reach_the_logs() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    // wiremock logs the requests it receives; it stands in for Help Scout and is not our
    // process, so it is silenced. Everything else is captured at TRACE.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace,wiremock=off"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish()
        .try_init()
        .expect("install the global subscriber and the log bridge");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(token(TOKEN_1))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth2/token"))
        .respond_with(token(TOKEN_2))
        .mount(&server)
        .await;
    // The first token is rejected once: the flow includes a refresh.
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .and(header("authorization", format!("Bearer {TOKEN_1}").as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "expired"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/mailboxes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"_embedded": {"mailboxes": []}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/collections"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"collections": {"items": []}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/articles/upload"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"status": 503, "message": "down"})))
        .mount(&server)
        .await;

    let config = ClientConfig {
        api_base_url: url::Url::parse(&server.uri()).unwrap(),
        docs_api_base_url: url::Url::parse(&server.uri()).unwrap(),
        inbox_auth: Some(InboxAuth::ClientCredentials {
            app_id: "app-id".into(),
            app_secret: Secret::new(APP_SECRET),
        }),
        docs_api_key: Some(Secret::new(DOCS_KEY)),
        rate_limit_per_minute: 400,
        request_timeout: Duration::from_secs(5),
        max_retries: 1,
    };
    let options = ClientOptions {
        backoff: BackoffPolicy {
            min_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(10),
        },
    };
    let client = HelpScoutClient::with_options(config, options).unwrap();

    client
        .send(ApiRequest::get(Api::Inbox, "/v2/mailboxes").query("q", QUERY_MARKER))
        .await
        .unwrap();
    client
        .send(ApiRequest::get(Api::Docs, "/v1/collections").query("q", QUERY_MARKER))
        .await
        .unwrap();
    let upload = vec![MultipartField {
        name: "file".into(),
        data: Bytes::from_static(b"<p>x</p>"),
        file_name: Some("x.html".into()),
        mime_type: Some("text/html".into()),
    }];
    let failed = client
        .send(ApiRequest::new(Api::Docs, Method::POST, "/v1/articles/upload").multipart(upload))
        .await;
    assert!(failed.is_err());

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    // The capture works, and sees our request lines and reqwest's own `log` output.
    assert!(
        logs.contains("Help Scout request") && logs.contains("path=/v2/mailboxes"),
        "{logs}"
    );
    assert!(logs.contains("token request"), "{logs}");
    assert!(
        logs.contains("starting new connection"),
        "the log bridge is not capturing reqwest:\n{logs}"
    );

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{DOCS_KEY}:X"));
    for secret in [APP_SECRET, DOCS_KEY, TOKEN_1, TOKEN_2, basic.as_str(), QUERY_MARKER] {
        assert!(!logs.contains(secret), "`{secret}` appears in the logs:\n{logs}");
    }
}
