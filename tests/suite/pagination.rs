#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Bounded auto-pagination (`max_items`): list tools collect items across pages up to
//! the bound, follow Help Scout's next page, report progress per page to a client that
//! gave a progress token, say whether more remain, and never loop without end.

use crate::common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{client_config, items, param, policy, text, Harness};
use fake_helpscout::{ids, FakeConfig, FakeHelpScout, RecordedRequest};
use helpscout_mcp::gateway::ToolMode;
use helpscout_mcp::helpscout::pagination::Page;
use helpscout_mcp::helpscout::{Api, HelpScoutClient};
use helpscout_mcp::output::compact::list_result;
use helpscout_mcp::output::ToolOutput;
use helpscout_mcp::paging::{MAX_ITEMS, MAX_ITEMS_CAP, MAX_PAGES_PER_CALL};
use helpscout_mcp::policy::AccessLevel;
use helpscout_mcp::registry::{declare, Access, Registry, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};
use helpscout_mcp::server::{CallControl, HelpScoutServer, ServerState};
use http::Method;
use rmcp::model::{CallToolRequest, CallToolRequestParams, ClientRequest, ProgressNotificationParam, ServerResult};
use rmcp::service::{NotificationContext, PeerRequestOptions, RunningService};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(20);

/// The GETs of one list endpoint the fake received, in order.
fn list_requests(h: &Harness, path: &str) -> Vec<RecordedRequest> {
    h.fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .collect()
}

fn pages_asked(requests: &[RecordedRequest]) -> Vec<Option<String>> {
    requests.iter().map(|r| param(r, "page")).collect()
}

/// The number of every conversation (any status) the fake holds.
async fn conversation_total(h: &Harness) -> u64 {
    let first = h.ok("list_conversations", json!({"status": "all"})).await;
    h.fake.clear_requests();
    first["total"].as_u64().unwrap()
}

// ------------------------------------------------------------------ schemas

#[tokio::test]
async fn paged_read_tools_take_max_items_and_nothing_else_does() {
    let registry = Registry::builtin();
    let mut pageable = 0;
    for def in registry.iter() {
        let properties = def.input_schema["properties"].as_object().unwrap();
        let has_page = properties.contains_key("page");
        let expected = def.spec.access == Access::Read && has_page;
        assert_eq!(properties.contains_key(MAX_ITEMS), expected, "{}", def.spec.name);
        assert_eq!(def.is_pageable(), expected, "{}", def.spec.name);
        if expected {
            pageable += 1;
            assert_eq!(properties[MAX_ITEMS]["type"], "integer", "{}", def.spec.name);
            assert_eq!(properties[MAX_ITEMS]["minimum"], 1, "{}", def.spec.name);
            let required = def.input_schema.get("required").and_then(Value::as_array);
            assert!(
                !required.is_some_and(|r| r.contains(&json!(MAX_ITEMS))),
                "{}",
                def.spec.name
            );
        }
    }
    assert!(pageable >= 20, "only {pageable} pageable tools");
    // A tool without paging refuses it like any unknown argument.
    let h = Harness::new(AccessLevel::Read).await;
    let error = h
        .err(
            "get_conversation",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "max_items": 5}),
        )
        .await;
    assert!(error.contains("max_items"), "{error}");
}

// ------------------------------------------------------------------ collecting

#[tokio::test]
async fn max_items_collects_across_pages_and_says_more_remain() {
    let h = Harness::new(AccessLevel::Read).await;
    let total = conversation_total(&h).await;
    assert!(total > 60 && total <= 75, "the seed has {total} conversations");
    let result = h
        .ok("list_conversations", json!({"status": "all", "max_items": 60}))
        .await;
    let conversations = items(&result, "conversations");
    assert_eq!(conversations.len(), 60, "{result}");
    let requests = list_requests(&h, "/v2/conversations");
    assert_eq!(
        pages_asked(&requests),
        [None, Some("2".into()), Some("3".into())],
        "one request per page, following next"
    );
    // Every other argument is sent on every page.
    assert!(requests.iter().all(|r| param(r, "status").as_deref() == Some("all")));
    // Distinct items, in Help Scout's order.
    let mut ids: Vec<u64> = conversations.iter().map(|c| c["id"].as_u64().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 60);
    assert_eq!(result["more"], true);
    assert_eq!(result["total"], total);
    assert_eq!(result["pages"], 3);
    // Page 3 was cut: the model continues from page 3 and knows what it already has.
    let next = result["next"].as_str().unwrap();
    assert!(next.contains("page=3"), "{next}");
    assert!(next.contains("first 10 items"), "{next}");
    assert!(result.get("incomplete").is_none(), "{result}");
    common::assert_compact(&result);
}

#[tokio::test]
async fn max_items_on_a_page_boundary_continues_from_the_next_page() {
    let h = Harness::new(AccessLevel::Read).await;
    let result = h
        .ok("list_conversations", json!({"status": "all", "max_items": 50}))
        .await;
    assert_eq!(items(&result, "conversations").len(), 50);
    assert_eq!(list_requests(&h, "/v2/conversations").len(), 2);
    assert_eq!(result["more"], true);
    assert_eq!(result["next"], "call list_conversations again with page=3 for more");
}

#[tokio::test]
async fn asking_for_more_than_exists_returns_everything_and_stops_at_the_last_page() {
    let h = Harness::new(AccessLevel::Read).await;
    let total = conversation_total(&h).await;
    let result = h
        .ok("list_conversations", json!({"status": "all", "max_items": 400}))
        .await;
    assert_eq!(items(&result, "conversations").len() as u64, total);
    assert_eq!(result["more"], false);
    assert!(result.get("next").is_none(), "{result}");
    // Three pages hold them all: no request past the last page.
    assert_eq!(
        pages_asked(&list_requests(&h, "/v2/conversations")),
        [None, Some("2".into()), Some("3".into())]
    );
}

#[tokio::test]
async fn a_starting_page_is_respected() {
    let h = Harness::new(AccessLevel::Read).await;
    let total = conversation_total(&h).await;
    let result = h
        .ok(
            "list_conversations",
            json!({"status": "all", "page": 2, "max_items": 100}),
        )
        .await;
    assert_eq!(items(&result, "conversations").len() as u64, total - 25);
    assert_eq!(result["more"], false);
    assert_eq!(
        pages_asked(&list_requests(&h, "/v2/conversations")),
        [Some("2".into()), Some("3".into())]
    );
}

#[tokio::test]
async fn without_max_items_a_list_is_one_page_as_before() {
    let h = Harness::new(AccessLevel::Read).await;
    let result = h.ok("list_conversations", json!({"status": "all"})).await;
    assert_eq!(list_requests(&h, "/v2/conversations").len(), 1);
    let mut keys: Vec<&str> = result.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["conversations", "next", "page", "pages", "total"]);
    assert_eq!(items(&result, "conversations").len(), 25);
    assert_eq!(result["next"], "call list_conversations again with page=2 for more");
    // `null` is "not given", as for every optional argument.
    h.fake.clear_requests();
    let same = h
        .ok("list_conversations", json!({"status": "all", "max_items": null}))
        .await;
    assert_eq!(same, result);
    assert_eq!(list_requests(&h, "/v2/conversations").len(), 1);
}

#[tokio::test]
async fn a_docs_list_pages_through_its_envelopes() {
    let h = Harness::new(AccessLevel::Read).await;
    let path = format!("/v1/collections/{}/articles", ids::DOCS_COLLECTION_ID);
    let result = h
        .ok(
            "docs_list_articles_in_collection",
            json!({"collection_id": ids::DOCS_COLLECTION_ID, "page_size": 3, "sort": "number", "order": "asc", "max_items": 100}),
        )
        .await;
    let articles = items(&result, "articles");
    assert_eq!(articles.len(), 8, "{result}");
    assert_eq!(result["total"], 8);
    assert_eq!(result["more"], false);
    assert!(result.get("next").is_none());
    let requests = list_requests(&h, &path);
    assert_eq!(pages_asked(&requests), [None, Some("2".into()), Some("3".into())]);
    assert!(requests.iter().all(|r| param(r, "pageSize").as_deref() == Some("3")));
    let mut numbers: Vec<u64> = articles.iter().map(|a| a["number"].as_u64().unwrap()).collect();
    let sorted = {
        let mut n = numbers.clone();
        n.sort();
        n
    };
    assert_eq!(numbers, sorted, "pages in order");
    numbers.dedup();
    assert_eq!(numbers.len(), 8);

    // Cut inside a page: the tool's own hint (with page_size) names where to go on.
    h.fake.clear_requests();
    let result = h
        .ok(
            "docs_list_articles_in_collection",
            json!({"collection_id": ids::DOCS_COLLECTION_ID, "page_size": 3, "max_items": 4}),
        )
        .await;
    assert_eq!(items(&result, "articles").len(), 4);
    assert_eq!(result["more"], true);
    assert_eq!(
        result["next"],
        "call docs_list_articles_in_collection again with page=2 and page_size=3 for more \
         (its first 1 item is already in this result)"
    );
    assert_eq!(list_requests(&h, &path).len(), 2);
}

#[tokio::test]
async fn the_gateway_runner_collects_too() {
    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let client = HelpScoutClient::new(client_config(&fake)).unwrap();
    let state =
        ServerState::new(Registry::builtin(), policy(AccessLevel::Read), client).with_tool_mode(ToolMode::Gateway);
    let h = Harness::with_state(fake, state).await;
    let result = h
        .ok(
            "call_read_tool",
            json!({"tool": "list_conversations", "arguments": {"status": "all", "max_items": 30}}),
        )
        .await;
    assert_eq!(items(&result, "conversations").len(), 30);
    assert_eq!(result["more"], true);
    assert_eq!(list_requests(&h, "/v2/conversations").len(), 2);
}

// ------------------------------------------------------------------ refusals

#[tokio::test]
async fn max_items_must_be_a_positive_integer() {
    let h = Harness::new(AccessLevel::Read).await;
    h.fake.clear_requests();
    for bad in [json!(0), json!(-3), json!(2.5), json!("10"), json!(true), json!([5])] {
        let error = h
            .err("list_conversations", json!({"status": "all", "max_items": bad}))
            .await;
        assert!(error.contains("`max_items`"), "{bad}: {error}");
    }
    assert!(
        list_requests(&h, "/v2/conversations").is_empty(),
        "a refused call reached Help Scout"
    );
    // Other arguments are still checked by the tool itself.
    let error = h.err("list_conversations", json!({"max_items": 10, "pgae": 2})).await;
    assert!(error.contains("pgae"), "{error}");
}

// ------------------------------------------------------------------ progress

/// A client that records the progress notifications it receives.
#[derive(Clone, Default)]
struct ProgressLog(Arc<Mutex<Vec<ProgressNotificationParam>>>);

impl ClientHandler for ProgressLog {
    async fn on_progress(&self, params: ProgressNotificationParam, _context: NotificationContext<RoleClient>) {
        self.0.lock().unwrap().push(params);
    }
}

impl ProgressLog {
    fn seen(&self) -> Vec<ProgressNotificationParam> {
        self.0.lock().unwrap().clone()
    }
}

async fn progress_client(fake: &FakeHelpScout) -> (RunningService<RoleClient, ProgressLog>, ProgressLog) {
    let client = HelpScoutClient::new(client_config(fake)).unwrap();
    let server = HelpScoutServer::new(Arc::new(ServerState::new(
        Registry::builtin(),
        policy(AccessLevel::Read),
        client,
    )));
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let log = ProgressLog::default();
    let running = log.clone().serve(client_io).await.unwrap();
    (running, log)
}

#[tokio::test]
async fn a_progress_token_gets_one_notification_per_page() {
    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let (client, log) = progress_client(&fake).await;
    let mut params = CallToolRequestParams::new("list_conversations");
    params.arguments = json!({"status": "all", "max_items": 60}).as_object().cloned();
    // rmcp's client puts a progress token of its own into every request's `_meta`.
    let handle = client
        .peer()
        .send_cancellable_request(
            ClientRequest::CallToolRequest(CallToolRequest::new(params)),
            PeerRequestOptions::no_options(),
        )
        .await
        .unwrap();
    let token = handle.progress_token.clone();
    let response = timeout(WAIT, handle.await_response()).await.unwrap().unwrap();
    let ServerResult::CallToolResult(result) = response else {
        panic!("not a tool result: {response:?}");
    };
    assert_ne!(result.is_error, Some(true), "{}", text(&result));

    // Notifications are handled concurrently with the response: wait for them.
    timeout(WAIT, async {
        while log.seen().len() < 3 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("three progress notifications");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let seen = log.seen();
    assert_eq!(seen.len(), 3, "one per page: {seen:?}");
    assert!(seen.iter().all(|p| p.progress_token == token), "{seen:?}");
    let progress: Vec<f64> = seen.iter().map(|p| p.progress).collect();
    assert_eq!(progress, [25.0, 50.0, 60.0]);
    assert!(seen.iter().all(|p| p.total == Some(60.0)), "{seen:?}");
    let messages: Vec<&str> = seen.iter().filter_map(|p| p.message.as_deref()).collect();
    assert_eq!(messages, ["page 1 of 3", "page 2 of 3", "page 3 of 3"]);
    timeout(WAIT, client.cancel()).await.unwrap().unwrap();
}

/// A raw JSON-RPC session (JSON lines over a duplex pipe, as over stdio), for requests
/// with and without `_meta.progressToken`; rmcp's own client always sends one.
struct RawSession {
    write: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
}

impl RawSession {
    async fn start(fake: &FakeHelpScout) -> RawSession {
        let client = HelpScoutClient::new(client_config(fake)).unwrap();
        let server = HelpScoutServer::new(Arc::new(ServerState::new(
            Registry::builtin(),
            policy(AccessLevel::Read),
            client,
        )));
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = server.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let (read, write) = tokio::io::split(client_io);
        let mut session = RawSession {
            write,
            lines: tokio::io::BufReader::new(read).lines(),
        };
        let (_, init) = session
            .request(
                1,
                "initialize",
                json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}),
            )
            .await;
        assert!(init.get("result").is_some(), "{init}");
        session
            .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        session
    }

    async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.write.write_all(line.as_bytes()).await.unwrap();
    }

    /// Sends a request; returns the notifications that came before its response, and
    /// the response.
    async fn request(&mut self, id: u64, method: &str, params: Value) -> (Vec<Value>, Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let mut notifications = Vec::new();
        loop {
            let line = timeout(WAIT, self.lines.next_line()).await.unwrap().unwrap().unwrap();
            let message: Value = serde_json::from_str(&line).unwrap();
            if message.get("id") == Some(&json!(id)) {
                return (notifications, message);
            }
            if message.get("method").is_some() && message.get("id").is_none() {
                notifications.push(message);
            }
        }
    }
}

#[tokio::test]
async fn progress_is_sent_only_when_the_request_asks_for_it() {
    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let mut session = RawSession::start(&fake).await;
    let arguments = json!({"status": "all", "max_items": 30});
    let (notifications, response) = session
        .request(
            2,
            "tools/call",
            json!({"name": "list_conversations", "arguments": arguments, "_meta": {"progressToken": "pages-1"}}),
        )
        .await;
    assert_eq!(response["result"]["isError"], json!(false), "{response}");
    let progress: Vec<&Value> = notifications
        .iter()
        .filter(|n| n["method"] == "notifications/progress")
        .collect();
    assert_eq!(progress.len(), 2, "{notifications:?}");
    assert_eq!(progress[0]["params"]["progressToken"], "pages-1");
    assert_eq!(progress[0]["params"]["progress"], 25.0);
    assert_eq!(progress[1]["params"]["progress"], 30.0);
    assert_eq!(progress[1]["params"]["total"], 30.0);

    let (notifications, response) = session
        .request(
            3,
            "tools/call",
            json!({"name": "list_conversations", "arguments": arguments}),
        )
        .await;
    assert!(response.get("result").is_some(), "{response}");
    assert!(
        notifications.iter().all(|n| n["method"] != "notifications/progress"),
        "{notifications:?}"
    );
}

// ------------------------------------------------------------------ bounds, stub tools

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct StubArgs {
    /// Page number.
    page: Option<u32>,
}

/// How a stub list behaves on each page.
#[derive(Clone)]
struct Stub {
    per_page: usize,
    /// Pages after the first that fail.
    fail_from: Option<u32>,
    /// A page that blocks until the call is dropped.
    block_on: Option<u32>,
    calls: Arc<AtomicU64>,
    reached: Arc<tokio::sync::Notify>,
}

impl Stub {
    fn new(per_page: usize) -> Self {
        Stub {
            per_page,
            fail_from: None,
            block_on: None,
            calls: Arc::default(),
            reached: Arc::default(),
        }
    }

    fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }

    /// A read list tool whose pages never end: every page says there is a next one.
    fn tool(&self) -> ToolDef {
        let stub = self.clone();
        let spec = ToolSpec {
            name: "list_stubs",
            toolset: "tags",
            access: Access::Read,
            idempotent: true,
            title: "List stubs",
            description: "An endless list.",
            api: Api::Inbox,
            method: Method::GET,
            path: "/v2/stubs",
        };
        declare(spec, move |_ctx: ToolContext, args: StubArgs| {
            let stub = stub.clone();
            async move {
                stub.calls.fetch_add(1, Ordering::SeqCst);
                let number = args.page.unwrap_or(1);
                if stub.block_on == Some(number) {
                    stub.reached.notify_one();
                    std::future::pending::<()>().await;
                }
                if stub.fail_from.is_some_and(|from| number >= from) {
                    return Err(ToolError::Failed(format!("stub page {number} broke")));
                }
                let items = (0..stub.per_page)
                    .map(|i| json!({"id": u64::from(number) * 1000 + i as u64}))
                    .collect();
                let page = Page {
                    items: Vec::new(),
                    number: Some(u64::from(number)),
                    total_pages: None,
                    total_items: None,
                    next_href: Some(format!("https://api.helpscout.net/v2/stubs?page={}", number + 1)),
                };
                let result: ToolResult = Ok(ToolOutput::json(list_result("stubs", items, &page, "list_stubs")));
                result
            }
        })
    }

    async fn harness(&self) -> Harness {
        let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
        let client = HelpScoutClient::new(client_config(&fake)).unwrap();
        let state = ServerState::new(Registry::new(vec![self.tool()]), policy(AccessLevel::Read), client);
        Harness::with_state(fake, state).await
    }
}

#[tokio::test]
async fn a_list_that_never_ends_stops_at_the_page_ceiling() {
    let stub = Stub::new(1);
    let h = stub.harness().await;
    let result = timeout(WAIT, h.ok("list_stubs", json!({"max_items": 400})))
        .await
        .unwrap();
    assert_eq!(stub.calls(), MAX_PAGES_PER_CALL as u64);
    assert_eq!(items(&result, "stubs").len(), MAX_PAGES_PER_CALL);
    assert_eq!(result["more"], true);
    let next_page = MAX_PAGES_PER_CALL + 1;
    assert_eq!(
        result["next"],
        format!("call list_stubs again with page={next_page} for more")
    );
    let incomplete = result["incomplete"].as_str().unwrap();
    assert!(incomplete.contains(&MAX_PAGES_PER_CALL.to_string()), "{incomplete}");
}

#[tokio::test]
async fn max_items_above_the_cap_is_clamped_and_says_so() {
    let stub = Stub::new(30);
    let h = stub.harness().await;
    let result = h.ok("list_stubs", json!({"max_items": 100_000})).await;
    assert_eq!(items(&result, "stubs").len() as u64, MAX_ITEMS_CAP);
    assert_eq!(stub.calls(), MAX_ITEMS_CAP.div_ceil(30));
    assert_eq!(result["more"], true);
    let incomplete = result["incomplete"].as_str().unwrap();
    assert!(incomplete.contains(&MAX_ITEMS_CAP.to_string()), "{incomplete}");
}

#[tokio::test]
async fn a_failing_later_page_keeps_what_was_collected_and_says_so() {
    let mut stub = Stub::new(10);
    stub.fail_from = Some(3);
    let h = stub.harness().await;
    let result = h.ok("list_stubs", json!({"max_items": 100})).await;
    assert_eq!(items(&result, "stubs").len(), 20);
    assert_eq!(stub.calls(), 3, "no page after the failure");
    assert_eq!(result["more"], true);
    assert_eq!(result["next"], "call list_stubs again with page=3 for more");
    let incomplete = result["incomplete"].as_str().unwrap();
    assert!(
        incomplete.contains("page 3 failed") && incomplete.contains("stub page 3 broke"),
        "{incomplete}"
    );

    // A failing first page is the tool's own error, as without max_items.
    let mut stub = Stub::new(10);
    stub.fail_from = Some(1);
    let h = stub.harness().await;
    let error = h.err("list_stubs", json!({"max_items": 100})).await;
    assert!(error.contains("stub page 1 broke"), "{error}");
}

#[tokio::test]
async fn a_cancelled_collecting_call_fetches_no_further_page() {
    let mut stub = Stub::new(5);
    stub.block_on = Some(2);
    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let client = HelpScoutClient::new(client_config(&fake)).unwrap();
    let server = HelpScoutServer::new(Arc::new(ServerState::new(
        Registry::new(vec![stub.tool()]),
        policy(AccessLevel::Read),
        client,
    )));
    let cancel = CancellationToken::new();
    let call = {
        let server = server.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let policy = server.policy();
            server
                .call_as(
                    &policy,
                    "list_stubs",
                    json!({"max_items": 100}),
                    CallControl::cancellable(Some(cancel)),
                )
                .await
        })
    };
    timeout(WAIT, stub.reached.notified()).await.expect("page 2 requested");
    cancel.cancel();
    let result = timeout(WAIT, call).await.unwrap().unwrap();
    assert!(result.is_err(), "a cancelled call is a cancelled request: {result:?}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(stub.calls(), 2, "nothing fetched after the cancellation");
}
