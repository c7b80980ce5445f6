#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Secrets never reach logs or tool output, even at TRACE level and even when calls
//! fail (bad credentials, refused token, upstream errors).

mod common;

use common::{Harness, LogBuffer};
use fake_helpscout::{Fault, FaultKind};
use helpscout_mcp::policy::AccessLevel;
use serde_json::json;

// One test in this binary, so the global TRACE subscriber sees everything it does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_logs_or_output_at_trace_level() {
    let buffer = LogBuffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let h = Harness::new(AccessLevel::Full).await;
    let mut outputs = Vec::new();
    outputs.push(h.ok("list_mailboxes", json!({})).await.to_string());
    outputs.push(h.ok("get_current_user", json!({})).await.to_string());
    // An upstream failure and a token expiry on the way.
    h.fake.inject(Fault {
        method: None,
        path_contains: Some("/v2/tags".into()),
        times: 1,
        kind: FaultKind::Status(500),
    });
    outputs.push(h.ok("list_tags", json!({})).await.to_string());
    h.fake.expire_tokens();
    outputs.push(h.ok("list_tags", json!({})).await.to_string());
    outputs.push(h.err("get_tag", json!({"tag_id": 999_999_999})).await);

    let mut secrets: Vec<String> = vec![fake_helpscout::APP_SECRET.into(), fake_helpscout::DOCS_API_KEY.into()];
    for request in h.fake.requests() {
        if let Some(auth) = request.authorization {
            if let Some(token) = auth.strip_prefix("Bearer ") {
                secrets.push(token.to_string());
            }
        }
    }
    assert!(secrets.len() >= 4, "expected at least two distinct tokens in use");

    let logs = buffer.contents();
    assert!(
        logs.contains("TRACE") || logs.contains("DEBUG"),
        "the subscriber captured nothing"
    );
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret appeared in the logs");
        for output in &outputs {
            assert!(!output.contains(secret.as_str()), "a secret appeared in tool output");
        }
    }
}
