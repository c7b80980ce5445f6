#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fault matrix: every way Help Scout (the fake) can misbehave, driven through the
//! real server (policy, handlers, client) over MCP.
//!
//! What must hold under every fault: no panic and no hang (every wait is bounded);
//! reads succeed once the fault passes, through the client's retries; a write a customer
//! sees (send_reply, send_new_conversation, publish_draft_conversation, run_workflow)
//! reaches Help Scout at most once unless Help Scout provably rejected it (429, 401);
//! each failure is a tool error naming the status and Help Scout's logRef; and the
//! server answers the next call normally.

use crate::common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::{items, policy, text, Harness};
use fake_helpscout::{ids, FakeConfig, FakeHelpScout, Fault, FaultKind, RecordedRequest};
use helpscout_mcp::helpscout::client::ClientOptions;
use helpscout_mcp::helpscout::retry::BackoffPolicy;
use helpscout_mcp::helpscout::{Api, HelpScoutClient};
use helpscout_mcp::policy::AccessLevel;
use http::Method;
use rmcp::model::{CallToolRequest, CallToolRequestParams, CallToolResult, ClientRequest};
use rmcp::service::PeerRequestOptions;
use serde_json::{json, Value};
use tokio::time::timeout;

/// Short, so that "slower than the timeout" costs the suite about a second.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
/// Longer than the fake's injected delays, so a delayed request outlives its timeout.
const SLOW: Duration = Duration::from_millis(2_500);
/// The bound on any single tool call or wait in this file.
const BOUND: Duration = Duration::from_secs(20);

/// A full-access server over a fresh fake, with the test's handle on the shared client
/// (its rate-limit budget shows whether a request is still in flight).
struct Rig {
    h: Harness,
    client: HelpScoutClient,
}

async fn rig() -> Rig {
    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let mut config = common::client_config(&fake);
    config.request_timeout = REQUEST_TIMEOUT;
    let options = ClientOptions {
        backoff: BackoffPolicy {
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        },
    };
    let client = HelpScoutClient::with_options(config, options).unwrap();
    let h = Harness::with_client(fake, policy(AccessLevel::Full), client.clone()).await;
    Rig { h, client }
}

async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    timeout(BOUND, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {BOUND:?}"))
}

impl Rig {
    fn fake(&self) -> &FakeHelpScout {
        &self.h.fake
    }

    async fn call(&self, tool: &str, arguments: Value) -> CallToolResult {
        bounded(tool, self.h.call(tool, arguments)).await
    }

    async fn ok(&self, tool: &str, arguments: Value) -> Value {
        let result = self.call(tool, arguments).await;
        assert_ne!(result.is_error, Some(true), "{tool} failed: {}", text(&result));
        result.structured_content.unwrap_or(Value::Null)
    }

    async fn err(&self, tool: &str, arguments: Value) -> String {
        let result = self.call(tool, arguments).await;
        assert_eq!(result.is_error, Some(true), "{tool} should have failed: {result:?}");
        text(&result)
    }

    /// The server still answers ordinary calls, promptly.
    async fn still_serves(&self) {
        let started = Instant::now();
        self.ok(
            "get_conversation",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "include_threads": false}),
        )
        .await;
        let tags = self.ok("list_tags", json!({})).await;
        assert!(!items(&tags, "tags").is_empty(), "{tags}");
        assert!(started.elapsed() < Duration::from_secs(5), "slow after the fault");
    }

    /// Requests the fake received at exactly this method and path.
    fn requests_to(&self, method: &Method, path: &str) -> Vec<RecordedRequest> {
        self.fake()
            .requests()
            .into_iter()
            .filter(|r| r.method == method.as_str() && r.path == path)
            .collect()
    }

    fn statuses(&self, method: &Method, path: &str) -> Vec<u16> {
        self.requests_to(method, path).iter().map(|r| r.status).collect()
    }

    fn in_flight(&self) -> u32 {
        self.client.rate_limit(Api::Inbox).in_flight
    }
}

/// Asserts the tool error names Help Scout's status and its logRef.
fn assert_status_and_log_ref(error: &str, status: u16) {
    assert!(error.contains(&format!("HTTP {status}")), "no status in: {error}");
    let log_ref = error
        .split("(logRef ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_default();
    assert!(!log_ref.trim().is_empty(), "no logRef in: {error}");
}

// ---------------------------------------------------------------------------------
// the customer-visible writes

#[derive(Debug, Clone, Copy)]
enum Sending {
    Reply,
    NewConversation,
    PublishDraft,
    RunWorkflow,
}

const SENDS: [Sending; 4] = [
    Sending::Reply,
    Sending::NewConversation,
    Sending::PublishDraft,
    Sending::RunWorkflow,
];

/// One customer-visible write, ready to call: the tool, its arguments, the request it
/// makes and the `via` of the email Help Scout sends when it is applied.
struct Target {
    tool: &'static str,
    arguments: Value,
    method: Method,
    path: String,
    via: &'static str,
}

async fn conversation_in(r: &Rig, mailbox: u64, status: &str) -> u64 {
    let list = r
        .ok("list_conversations", json!({"status": status, "mailbox_id": mailbox}))
        .await;
    items(&list, "conversations")[0]["id"].as_u64().unwrap()
}

async fn target(r: &Rig, send: Sending) -> Target {
    match send {
        Sending::Reply => {
            let cid = conversation_in(r, ids::SUPPORT_MAILBOX_ID, "active").await;
            Target {
                tool: "send_reply",
                arguments: json!({"conversation_id": cid, "text": "We fixed the export."}),
                method: Method::POST,
                path: format!("/v2/conversations/{cid}/reply"),
                via: "reply",
            }
        }
        Sending::NewConversation => Target {
            tool: "send_new_conversation",
            arguments: json!({
                "subject": "Your account",
                "mailbox_id": ids::SUPPORT_MAILBOX_ID,
                "customer": {"id": ids::CUSTOMER_ID},
                "threads": [{"type": "reply", "text": "Hi Maria, your account is ready."}],
            }),
            method: Method::POST,
            path: "/v2/conversations".into(),
            via: "conversation_created",
        },
        Sending::PublishDraft => Target {
            tool: "publish_draft_conversation",
            arguments: json!({"conversation_id": ids::DRAFT_CONVERSATION_ID}),
            method: Method::PATCH,
            path: format!("/v2/conversations/{}", ids::DRAFT_CONVERSATION_ID),
            via: "draft_published",
        },
        Sending::RunWorkflow => {
            // The billing workflow replies to the customer.
            let cid = conversation_in(r, ids::BILLING_MAILBOX_ID, "all").await;
            Target {
                tool: "run_workflow",
                arguments: json!({"workflow_id": ids::BILLING_WORKFLOW_ID, "conversation_ids": [cid]}),
                method: Method::POST,
                path: format!("/v2/workflows/{}/run", ids::BILLING_WORKFLOW_ID),
                via: "workflow",
            }
        }
    }
}

impl Target {
    fn fault(&self, kind: FaultKind) -> Fault {
        Fault::new(kind).method(self.method.clone()).path(self.path.clone())
    }

    /// Requests of this write that Help Scout may have acted on: everything but the
    /// answers that reject a request unprocessed (429 rate limit, 401 expired token).
    fn attempts(&self, r: &Rig) -> usize {
        r.requests_to(&self.method, &self.path)
            .iter()
            .filter(|q| !matches!(q.status, 401 | 429))
            .count()
    }

    fn emails(&self, r: &Rig) -> usize {
        r.fake().sent_emails().iter().filter(|e| e.via == self.via).count()
    }

    /// The rule of the whole file: sent at most once, emailed at most once.
    fn assert_at_most_once(&self, r: &Rig) {
        let attempts = self.attempts(r);
        let emails = self.emails(r);
        assert!(
            attempts <= 1 && emails <= 1,
            "{}: {attempts} attempts, {emails} emails: {:#?}",
            self.tool,
            r.requests_to(&self.method, &self.path)
        );
    }
}

/// Runs `check` for every customer-visible write, each on its own fresh server, at once.
async fn for_each_send<F, Fut>(check: F)
where
    F: Fn(Rig, Target) -> Fut,
    Fut: Future<Output = ()>,
{
    let runs = SENDS.iter().map(|send| {
        let check = &check;
        async move {
            let r = rig().await;
            let t = target(&r, *send).await;
            r.fake().clear_requests();
            check(r, t).await;
        }
    });
    bounded("the writes", futures::future::join_all(runs)).await;
}

// ---------------------------------------------------------------------------------
// 5xx

#[tokio::test]
async fn reads_ride_out_a_burst_of_500_502_503() {
    let r = rig().await;
    for status in [500, 502, 503] {
        r.fake().inject(
            Fault::new(FaultKind::Status(status))
                .method(Method::GET)
                .path("/v2/mailboxes"),
        );
    }
    let mailboxes = r.ok("list_mailboxes", json!({})).await;
    assert!(!items(&mailboxes, "mailboxes").is_empty());
    assert_eq!(r.statuses(&Method::GET, "/v2/mailboxes"), [500, 502, 503, 200]);

    // Eight concurrent reads, each hit once: all succeed on their retry.
    r.fake().clear_requests();
    r.fake()
        .inject(Fault::new(FaultKind::Status(502)).method(Method::GET).times(8));
    let reads = (0..8).map(|i| {
        r.ok(
            "get_conversation",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID + i, "include_threads": false}),
        )
    });
    bounded("concurrent reads", futures::future::join_all(reads)).await;
    let failed = r.fake().requests().iter().filter(|q| q.status == 502).count();
    assert_eq!(failed, 8);
    r.still_serves().await;
}

#[tokio::test]
async fn a_5xx_burst_longer_than_the_retries_is_a_clear_error() {
    let r = rig().await;
    r.fake().inject(
        Fault::new(FaultKind::Status(503))
            .method(Method::GET)
            .path("/v2/tags")
            .times(50),
    );
    let error = r.err("list_tags", json!({})).await;
    assert_status_and_log_ref(&error, 503);
    // One attempt and max_retries (3) more, no further.
    assert_eq!(r.statuses(&Method::GET, "/v2/tags"), [503; 4]);
    r.fake().clear_faults();
    r.still_serves().await;
}

#[tokio::test]
async fn customer_visible_writes_are_never_repeated_after_a_5xx() {
    for_each_send(|r, t| async move {
        for status in [500, 502, 503] {
            r.fake().inject(t.fault(FaultKind::Status(status)));
            let error = r.err(t.tool, t.arguments.clone()).await;
            assert_status_and_log_ref(&error, status);
            assert!(
                error.contains("check whether it was applied"),
                "{}: a 5xx write may have been applied; the model must not be told to simply retry: {error}",
                t.tool
            );
            assert_eq!(t.attempts(&r), 1, "{}: sent again after {status}", t.tool);
            // The fake rejected it unprocessed, so nothing was emailed.
            assert_eq!(t.emails(&r), 0);
            r.fake().clear_requests();
        }
        r.still_serves().await;
    })
    .await;
}

// ---------------------------------------------------------------------------------
// slow answers

#[tokio::test]
async fn a_slow_read_is_retried_past_the_request_timeout() {
    let r = rig().await;
    r.fake().inject(
        Fault::new(FaultKind::Delay(SLOW))
            .method(Method::GET)
            .path("/v2/mailboxes"),
    );
    let started = Instant::now();
    r.ok("list_mailboxes", json!({})).await;
    let elapsed = started.elapsed();
    assert!(
        elapsed >= REQUEST_TIMEOUT && elapsed < SLOW,
        "the retry answered, not the slow request: {elapsed:?}"
    );
    assert_eq!(r.requests_to(&Method::GET, "/v2/mailboxes").len(), 2);

    // Slow every time: the retries run out and the model is told what happened.
    r.fake().inject(
        Fault::new(FaultKind::Delay(Duration::from_millis(1_500)))
            .method(Method::GET)
            .path("/v2/tags")
            .times(4),
    );
    let error = r.err("list_tags", json!({})).await;
    assert!(error.contains("did not answer within 1s"), "{error}");
    assert_eq!(r.requests_to(&Method::GET, "/v2/tags").len(), 4);
    r.still_serves().await;
}

#[tokio::test]
async fn a_slow_write_is_not_sent_twice() {
    for_each_send(|r, t| async move {
        r.fake().inject(t.fault(FaultKind::Delay(SLOW)));
        let started = Instant::now();
        let error = r.err(t.tool, t.arguments.clone()).await;
        assert!(
            error.contains("did not answer") && error.contains("check whether it was applied"),
            "{}: {error}",
            t.tool
        );
        assert!(started.elapsed() < SLOW, "{}: waited for the slow answer", t.tool);
        // Whether the fake finishes the abandoned request or not, nothing is sent again.
        tokio::time::sleep(SLOW.saturating_sub(started.elapsed()) + Duration::from_millis(200)).await;
        assert_eq!(t.attempts(&r), 1, "{}", t.tool);
        t.assert_at_most_once(&r);
        r.still_serves().await;
    })
    .await;
}

// ---------------------------------------------------------------------------------
// dropped connections

#[tokio::test]
async fn a_read_survives_dropped_connections() {
    let r = rig().await;
    r.fake().inject(
        Fault::new(FaultKind::Drop)
            .method(Method::GET)
            .path("/v2/mailboxes")
            .times(2),
    );
    r.ok("list_mailboxes", json!({})).await;
    // Status 0: the fake closed the connection without answering.
    assert_eq!(r.statuses(&Method::GET, "/v2/mailboxes"), [0, 0, 200]);
    r.fake().inject(
        Fault::new(FaultKind::DropAfterApply)
            .method(Method::GET)
            .path("/v2/tags"),
    );
    r.ok("list_tags", json!({})).await;
    r.still_serves().await;
}

#[tokio::test]
async fn a_write_whose_connection_drops_is_not_sent_again() {
    for_each_send(|r, t| async move {
        // Dropped before Help Scout acted: not applied, and not repeated either, because
        // the client cannot tell this from a drop after applying.
        r.fake().inject(t.fault(FaultKind::Drop));
        let error = r.err(t.tool, t.arguments.clone()).await;
        assert!(
            error.contains("connection to Help Scout failed") && error.contains("check whether it was applied"),
            "{}: {error}",
            t.tool
        );
        assert_eq!((t.attempts(&r), t.emails(&r)), (1, 0), "{}", t.tool);

        // Applied, then dropped: the customer got it once, and only once.
        r.fake().clear_requests();
        r.fake().inject(t.fault(FaultKind::DropAfterApply));
        let error = r.err(t.tool, t.arguments.clone()).await;
        assert!(error.contains("check whether it was applied"), "{}: {error}", t.tool);
        assert_eq!((t.attempts(&r), t.emails(&r)), (1, 1), "{}", t.tool);
        r.still_serves().await;
    })
    .await;
}

// ---------------------------------------------------------------------------------
// malformed bodies

#[tokio::test]
async fn a_malformed_body_is_a_clear_error_not_a_crash() {
    let r = rig().await;
    for (tool, path) in [
        ("list_mailboxes", "/v2/mailboxes"),
        ("list_tags", "/v2/tags"),
        ("list_conversations", "/v2/conversations"),
    ] {
        r.fake()
            .inject(Fault::new(FaultKind::MalformedJson).method(Method::GET).path(path));
        let error = r.err(tool, json!({})).await;
        assert!(error.contains("unexpected response from Help Scout"), "{tool}: {error}");
        assert!(!error.contains("_embedded"), "raw upstream body in: {error}");
    }
    r.still_serves().await;
}

#[tokio::test]
async fn a_write_answered_with_a_malformed_body_is_sent_once() {
    for_each_send(|r, t| async move {
        r.fake().inject(t.fault(FaultKind::MalformedJson));
        // Applied, then answered with garbage: success or error, but one request.
        let result = r.call(t.tool, t.arguments.clone()).await;
        assert_eq!((t.attempts(&r), t.emails(&r)), (1, 1), "{}: {result:?}", t.tool);
        r.still_serves().await;
    })
    .await;
}

// ---------------------------------------------------------------------------------
// 429

#[tokio::test]
async fn a_429_storm_is_waited_out() {
    let r = rig().await;
    r.ok("list_mailboxes", json!({})).await;
    r.fake().clear_requests();
    r.fake()
        .inject(Fault::new(FaultKind::RateLimited { retry_after_secs: 1 }).times(10));
    let started = Instant::now();
    let reads = (0..10).map(|i| {
        r.ok(
            "get_conversation",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID + i, "include_threads": false}),
        )
    });
    bounded("reads in a 429 storm", futures::future::join_all(reads)).await;
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After honoured");
    let limited = r.fake().requests().iter().filter(|q| q.status == 429).count();
    assert_eq!(limited, 10);
    r.still_serves().await;
}

#[tokio::test]
async fn a_rate_limited_write_is_sent_again_and_applied_once() {
    for_each_send(|r, t| async move {
        r.fake()
            .inject(t.fault(FaultKind::RateLimited { retry_after_secs: 1 }).times(2));
        r.ok(t.tool, t.arguments.clone()).await;
        // Help Scout rejects a 429 unprocessed, so sending again is safe (catalogue 4.2).
        let statuses = r.statuses(&t.method, &t.path);
        assert_eq!(&statuses[..2], [429, 429], "{}", t.tool);
        assert_eq!((statuses.len(), t.attempts(&r), t.emails(&r)), (3, 1, 1), "{}", t.tool);
        r.still_serves().await;
    })
    .await;
}

#[tokio::test]
async fn a_429_storm_that_does_not_end_is_a_clear_error() {
    let r = rig().await;
    r.fake().inject(
        Fault::new(FaultKind::RateLimited { retry_after_secs: 1 })
            .method(Method::GET)
            .path("/v2/tags")
            .times(20),
    );
    let error = r.err("list_tags", json!({})).await;
    assert!(
        error.contains("HTTP 429") && error.contains("try again in 1s"),
        "{error}"
    );
    assert_eq!(r.statuses(&Method::GET, "/v2/tags"), [429; 4]);
    r.fake().clear_faults();
    r.still_serves().await;

    // A wait longer than a call may take is not slept: the model is told when to come
    // back, and the other Inbox calls get the same answer at once instead of hanging.
    r.fake().inject(
        Fault::new(FaultKind::RateLimited { retry_after_secs: 120 })
            .method(Method::GET)
            .path("/v2/tags"),
    );
    let started = Instant::now();
    let error = r.err("list_tags", json!({})).await;
    assert!(error.contains("try again in 120s"), "{error}");
    let error = r.err("list_mailboxes", json!({})).await;
    assert!(error.contains("rate-limit budget"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    // The Docs API has its own budget and keeps working.
    r.ok("docs_list_sites", json!({})).await;
}

// ---------------------------------------------------------------------------------
// the access token expires mid-run

fn token_requests(r: &Rig) -> usize {
    r.fake()
        .requests()
        .iter()
        .filter(|q| q.path.ends_with("/oauth2/token"))
        .count()
}

#[tokio::test]
async fn the_token_expiring_mid_run_costs_one_token_request() {
    let r = rig().await;
    let t = target(&r, Sending::Reply).await;
    r.fake().clear_requests();
    r.fake().expire_tokens();
    // Reads and a customer-visible write at once, all with the revoked token.
    let reads = (0..5).map(|i| {
        r.ok(
            "get_conversation",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID + i, "include_threads": false}),
        )
    });
    let (_, sent) = bounded(
        "calls across a token expiry",
        futures::future::join(futures::future::join_all(reads), r.ok(t.tool, t.arguments.clone())),
    )
    .await;
    assert_eq!(sent["emailed"], true, "{sent}");
    assert_eq!(token_requests(&r), 1, "{:#?}", r.fake().requests());
    // A 401 is answered before Help Scout acts, so the reply was sent again: once.
    assert_eq!((t.attempts(&r), t.emails(&r)), (1, 1));
    r.still_serves().await;
}

#[tokio::test]
async fn an_unreachable_token_endpoint_after_expiry() {
    let r = rig().await;
    r.ok("list_mailboxes", json!({})).await;
    r.fake().expire_tokens();
    // The 401 is answered, then the token endpoint fails once: the call was rejected
    // unprocessed, so it is tried again. (It used to fail at once: a transient failure of
    // the token refresh after a 401 skipped the retry table.)
    r.fake()
        .inject(Fault::new(FaultKind::Status(503)).path("/oauth2/token"));
    r.ok("list_tags", json!({})).await;

    // It keeps failing: a clear authentication error, then normal service once it is back.
    r.fake().expire_tokens();
    r.fake()
        .inject(Fault::new(FaultKind::Status(503)).path("/oauth2/token").times(20));
    let t = target_without_lookup();
    let error = r.err(t.tool, t.arguments.clone()).await;
    assert!(
        error.contains("authentication failed") && error.contains("503"),
        "{error}"
    );
    assert_eq!(
        (t.attempts(&r), t.emails(&r)),
        (0, 0),
        "nothing was sent without a token"
    );
    r.fake().clear_faults();
    r.still_serves().await;
}

/// send_new_conversation needs no lookup first, so its first request is the write.
fn target_without_lookup() -> Target {
    Target {
        tool: "send_new_conversation",
        arguments: json!({
            "subject": "Hello",
            "mailbox_id": ids::SUPPORT_MAILBOX_ID,
            "customer": {"id": ids::CUSTOMER_ID},
            "threads": [{"type": "reply", "text": "Hello again."}],
        }),
        method: Method::POST,
        path: "/v2/conversations".into(),
        via: "conversation_created",
    }
}

// ---------------------------------------------------------------------------------
// the client cancels a long call

fn call_request(tool: &str, arguments: Value) -> ClientRequest {
    let mut params = CallToolRequestParams::new(tool.to_string());
    params.arguments = arguments.as_object().cloned();
    ClientRequest::CallToolRequest(CallToolRequest::new(params))
}

async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    bounded(what, async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_cancelled_call_stops_its_request_and_the_server_keeps_serving() {
    let r = rig().await;
    r.ok("list_mailboxes", json!({})).await;
    r.fake().inject(
        Fault::new(FaultKind::Delay(Duration::from_secs(30)))
            .method(Method::GET)
            .path("/v2/users"),
    );
    let handle = bounded(
        "sending the request",
        r.h.client
            .peer()
            .send_cancellable_request(call_request("list_users", json!({})), PeerRequestOptions::no_options()),
    )
    .await
    .unwrap();
    wait_until("the request reaching Help Scout", || {
        !r.requests_to(&Method::GET, "/v2/users").is_empty()
    })
    .await;
    assert_eq!(r.in_flight(), 1);
    bounded("cancelling", handle.cancel(Some("the user gave up".into())))
        .await
        .unwrap();
    // The handler was dropped: its HTTP request no longer holds rate-limit budget.
    wait_until("the HTTP request being dropped", || r.in_flight() == 0).await;
    let started = Instant::now();
    r.still_serves().await;
    assert!(started.elapsed() < Duration::from_secs(5));
    // Nothing retried the cancelled call behind the scenes.
    assert_eq!(r.requests_to(&Method::GET, "/v2/users").len(), 1);
}

#[tokio::test]
async fn a_cancelled_write_is_not_sent_again() {
    let r = rig().await;
    let t = target(&r, Sending::Reply).await;
    r.fake().clear_requests();
    r.fake().inject(t.fault(FaultKind::Delay(Duration::from_millis(1_500))));
    let handle = bounded(
        "sending the request",
        r.h.client.peer().send_cancellable_request(
            call_request(t.tool, t.arguments.clone()),
            PeerRequestOptions::no_options(),
        ),
    )
    .await
    .unwrap();
    wait_until("the reply reaching Help Scout", || t.attempts(&r) == 1).await;
    bounded("cancelling", handle.cancel(None)).await.unwrap();
    wait_until("the HTTP request being dropped", || r.in_flight() == 0).await;
    // Past the point where the fake would have finished the reply.
    tokio::time::sleep(Duration::from_millis(1_700)).await;
    t.assert_at_most_once(&r);
    assert_eq!(t.attempts(&r), 1);
    r.still_serves().await;
}
