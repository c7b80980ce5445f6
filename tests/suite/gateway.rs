#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Gateway mode (`--tool-mode gateway`): five tools instead of the catalogue, with the
//! same policy, scope, redaction and audit as normal mode, proven at the fake's request
//! log. Also the size of the gateway tool list, and one snapshot per gateway tool.

use crate::common;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Stdio;
use std::time::Duration;

use common::{client_config, text, Harness};
use fake_helpscout::{ids, FakeConfig, FakeHelpScout};
use helpscout_mcp::audit::AuditLog;
use helpscout_mcp::gateway::{self, ToolMode};
use helpscout_mcp::helpscout::HelpScoutClient;
use helpscout_mcp::policy::file::PolicyFile;
use helpscout_mcp::policy::{AccessLevel, Policy};
use helpscout_mcp::registry::schema::SchemaStyle;
use helpscout_mcp::registry::Registry;
use helpscout_mcp::server::ServerState;
use rmcp::model::{CallToolRequestParams, ListToolsResult, Tool};
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::{json, Value};
use tokio::time::timeout;

const POLICY: &str = r#"
default_profile = "readonly"

[profiles.readonly]
access = "read"

[profiles.drafter]
access = "read"
allow = ["create_note", "create_draft_reply"]
replies = "draft-only"

[profiles.sales]
access = "full"
mailboxes = [303]

[profiles.masked]
access = "read"
redact = ["email", "phone", "name"]
"#;

fn profile(name: &str) -> Policy {
    let file = PolicyFile::parse(POLICY, &Registry::builtin(), true).unwrap();
    (*file.profiles[name]).clone()
}

async fn fake() -> FakeHelpScout {
    FakeHelpScout::start(FakeConfig::default()).await.unwrap()
}

fn state(fake: &FakeHelpScout, policy: Policy) -> ServerState {
    let client = HelpScoutClient::new(client_config(fake)).unwrap();
    ServerState::new(Registry::builtin(), policy, client).with_tool_mode(ToolMode::Gateway)
}

async fn gateway(policy: Policy) -> Harness {
    let fake = fake().await;
    let state = state(&fake, policy);
    Harness::with_state(fake, state).await
}

fn names(tools: &[Tool]) -> Vec<String> {
    tools.iter().map(|t| t.name.to_string()).collect()
}

fn run(tool: &str, arguments: Value) -> Value {
    json!({"tool": tool, "arguments": arguments})
}

#[tokio::test]
async fn full_access_lists_five_tools_with_true_annotations() {
    let h = gateway(common::policy(AccessLevel::Full)).await;
    let tools = h.tools().await;
    assert_eq!(
        names(&tools),
        [
            "find_tools",
            "describe_tool",
            "call_read_tool",
            "call_write_tool",
            "call_destructive_tool"
        ]
    );
    for tool in &tools {
        let a = tool.annotations.as_ref().unwrap();
        let expected = match tool.name.as_ref() {
            "call_write_tool" => (false, false),
            "call_destructive_tool" => (false, true),
            _ => (true, false),
        };
        assert_eq!(
            (a.read_only_hint, a.destructive_hint),
            (Some(expected.0), Some(expected.1)),
            "{}",
            tool.name
        );
    }
    let info = h.client.peer_info().unwrap();
    let instructions = info.instructions.as_deref().unwrap_or_default();
    assert!(instructions.contains("find_tools") && instructions.contains("call_destructive_tool"));
    assert!(
        instructions.split_whitespace().count() <= 150,
        "instructions are {} words",
        instructions.split_whitespace().count()
    );
}

#[tokio::test]
async fn instructions_in_tools_mode_leave_out_the_gateway() {
    let h = Harness::new(AccessLevel::Full).await;
    let info = h.client.peer_info().unwrap();
    let instructions = info.instructions.as_deref().unwrap_or_default();
    assert!(instructions.contains("create_draft_reply") && instructions.contains("status=all"));
    assert!(!instructions.contains("find_tools"), "{instructions}");
    assert!(h.tools().await.len() > 100);
}

#[tokio::test]
async fn read_access_hides_the_write_and_destructive_runners_and_refuses_them() {
    let h = gateway(common::policy(AccessLevel::Read)).await;
    assert_eq!(
        names(&h.tools().await),
        ["find_tools", "describe_tool", "call_read_tool"]
    );

    let note = json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "hi"});
    let error = h.err("call_write_tool", run("create_note", note)).await;
    assert!(
        error.contains("not available") && error.contains("--access write"),
        "{error}"
    );
    let error = h
        .err(
            "call_destructive_tool",
            run(
                "delete_conversation",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID}),
            ),
        )
        .await;
    assert!(error.contains("--access full"), "{error}");
    // A hidden tool through the visible runner: refused by the policy, with the setting.
    let error = h
        .err(
            "call_read_tool",
            run(
                "create_note",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}),
            ),
        )
        .await;
    assert!(error.contains("--access write"), "{error}");
    assert!(
        h.writes().is_empty(),
        "a refused call reached Help Scout: {:?}",
        h.writes()
    );

    let found = h.ok("find_tools", json!({"query": "reply"})).await;
    for tool in common::items(&found, "tools") {
        assert_eq!(tool["access"], "read", "hidden tool offered: {tool}");
    }
    let error = h.err("describe_tool", json!({"tool": "send_reply"})).await;
    assert!(error.contains("--access full"), "{error}");
}

#[tokio::test]
async fn write_access_has_no_destructive_runner() {
    let h = gateway(common::policy(AccessLevel::Write)).await;
    assert_eq!(
        names(&h.tools().await),
        ["find_tools", "describe_tool", "call_read_tool", "call_write_tool"]
    );
    let note = h
        .ok(
            "call_write_tool",
            run(
                "create_note",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "checked"}),
            ),
        )
        .await;
    assert!(note.is_object(), "{note}");
    let write = common::single_write(&h);
    assert_eq!(write.method, "POST");
    assert!(write.path.ends_with("/notes"), "{}", write.path);
}

#[tokio::test]
async fn find_tools_searches_by_keyword_and_toolset() {
    let h = gateway(common::policy(AccessLevel::Full)).await;
    let found = h.ok("find_tools", json!({"query": "draft reply"})).await;
    let tools = common::items(&found, "tools");
    assert_eq!(tools[0]["name"], "create_draft_reply", "{found}");
    for key in ["name", "title", "access", "description"] {
        assert!(tools[0][key].is_string(), "{key} missing: {}", tools[0]);
    }
    assert!(!tools[0]["description"].as_str().unwrap().contains('\n'));

    let tags = h.ok("find_tools", json!({"toolset": "tags"})).await;
    let tags: BTreeSet<&str> = common::items(&tags, "tools")
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        tags.contains("list_tags") && tags.iter().all(|n| n.contains("tag")),
        "{tags:?}"
    );

    // Plurals find singular names; a limit caps the answer and says so.
    let found = h.ok("find_tools", json!({"query": "customers", "limit": 3})).await;
    assert_eq!(common::items(&found, "tools").len(), 3);
    assert!(
        found["total"].as_u64().unwrap() > 3 && found["note"].is_string(),
        "{found}"
    );

    // No filter: the toolsets to search, with counts.
    let all = h.ok("find_tools", json!({})).await;
    assert_eq!(all["total"].as_u64().unwrap() as usize, Registry::builtin().len());
    assert!(all["toolsets"]["docs"].as_u64().unwrap() > 10, "{}", all["toolsets"]);

    let error = h.err("find_tools", json!({"toolset": "billing"})).await;
    assert!(
        error.contains("unknown toolset") && error.contains("conversations"),
        "{error}"
    );
    let none = h.ok("find_tools", json!({"query": "zzzqqq"})).await;
    assert_eq!(none["total"], 0);
    assert!(none["toolsets"].is_object(), "{none}");
}

#[tokio::test]
async fn describe_tool_gives_the_definition_and_the_runner() {
    let h = gateway(common::policy(AccessLevel::Full)).await;
    let described = h.ok("describe_tool", json!({"tool": "send_reply"})).await;
    let expected = serde_json::to_value(Registry::builtin().get("send_reply").unwrap().to_tool()).unwrap();
    for key in ["name", "title", "description", "inputSchema", "annotations"] {
        assert_eq!(described[key], expected[key], "{key}");
    }
    assert_eq!(described["callWith"], "call_destructive_tool");
    assert_eq!(described["access"], "destructive");
    assert_eq!(described["toolset"], "conversations");
    let error = h.err("describe_tool", json!({"tool": "no_such_tool"})).await;
    assert!(error.contains("find_tools"), "{error}");
}

#[tokio::test]
async fn runners_refuse_a_tool_of_another_class_and_name_the_right_one() {
    let h = gateway(common::policy(AccessLevel::Full)).await;
    let reply = json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "Hello"});
    let error = h.err("call_write_tool", run("send_reply", reply.clone())).await;
    assert!(
        error.contains("send_reply is destructive: use call_destructive_tool"),
        "{error}"
    );
    let error = h.err("call_read_tool", run("send_reply", reply)).await;
    assert!(error.contains("use call_destructive_tool"), "{error}");
    let error = h
        .err(
            "call_destructive_tool",
            run(
                "create_note",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}),
            ),
        )
        .await;
    assert!(error.contains("create_note is write: use call_write_tool"), "{error}");
    let error = h.err("call_write_tool", run("list_tags", json!({}))).await;
    assert!(error.contains("use call_read_tool"), "{error}");
    assert!(h.fake.sent_emails().is_empty());
    assert!(h.writes().is_empty(), "{:?}", h.writes());

    // Unknown inner tools and bad inner arguments are tool errors, as in normal mode.
    let error = h.err("call_read_tool", run("no_such_tool", json!({}))).await;
    assert!(error.contains("find_tools"), "{error}");
    let error = h.err("call_read_tool", run("get_tag", json!({}))).await;
    assert!(error.contains("`tag_id`") && error.contains("missing"), "{error}");
    let error = h.err("call_read_tool", json!({"arguments": {}})).await;
    assert!(error.contains("`tool`"), "{error}");
}

#[tokio::test]
async fn inner_calls_return_what_normal_mode_returns() {
    let h = gateway(common::policy(AccessLevel::Full)).await;
    let direct = Harness::new(AccessLevel::Full).await;
    let args = json!({"conversation_id": ids::FIRST_CONVERSATION_ID});
    assert_eq!(
        h.ok("call_read_tool", run("get_conversation", args.clone())).await,
        direct.ok("get_conversation", args).await
    );
    // `arguments` may be left out for a tool without required ones.
    let mailboxes = h.ok("call_read_tool", json!({"tool": "list_mailboxes"})).await;
    assert_eq!(common::items(&mailboxes, "mailboxes").len(), ids::MAILBOX_IDS.len());

    let sent = h
        .ok(
            "call_destructive_tool",
            run(
                "send_reply",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "Fixed."}),
            ),
        )
        .await;
    assert!(sent.is_object(), "{sent}");
    assert_eq!(h.fake.sent_emails().len(), 1);
}

/// `arguments` may also arrive as a JSON string (the `--schema-style strict` form, and
/// what models sometimes send), or as `null`; anything else is refused by name.
#[tokio::test]
async fn inner_arguments_may_be_a_json_string_or_null() {
    let fake = fake().await;
    let state = state(&fake, common::policy(AccessLevel::Read)).with_schema_style(SchemaStyle::Strict);
    let h = Harness::with_state(fake, state).await;
    let tools = h.tools().await;
    let runner = tools.iter().find(|t| t.name == "call_read_tool").unwrap();
    assert_eq!(
        runner.input_schema["properties"]["arguments"]["type"],
        json!(["string", "null"]),
        "strict mode cannot declare an object with free keys"
    );

    let as_object = json!({"conversation_id": ids::FIRST_CONVERSATION_ID});
    let expected = h.ok("call_read_tool", run("get_conversation", as_object.clone())).await;
    let as_string = Value::String(as_object.to_string());
    assert_eq!(
        h.ok("call_read_tool", run("get_conversation", as_string)).await,
        expected
    );
    for none in [Value::Null, json!(""), json!("  ")] {
        let mailboxes = h.ok("call_read_tool", run("list_mailboxes", none)).await;
        assert_eq!(common::items(&mailboxes, "mailboxes").len(), ids::MAILBOX_IDS.len());
    }
    for bad in [json!("[1, 2]"), json!("conversation_id=1"), json!(42)] {
        let text = h.err("call_read_tool", run("get_conversation", bad.clone())).await;
        assert!(text.contains("arguments"), "{bad}: {text}");
    }
}

#[tokio::test]
async fn catalogue_tools_are_not_callable_directly_in_gateway_mode() {
    let h = gateway(common::policy(AccessLevel::Full)).await;
    let error = h.err("list_tags", json!({})).await;
    assert!(error.contains("call_read_tool"), "{error}");
    let error = h
        .err(
            "delete_conversation",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID}),
        )
        .await;
    assert!(error.contains("call_destructive_tool"), "{error}");
    assert!(h.writes().is_empty());
    let mut params = CallToolRequestParams::new("no_such_tool");
    params.arguments = Some(Default::default());
    assert!(h.client.call_tool(params).await.is_err());
}

#[tokio::test]
async fn policy_file_profiles_apply_through_the_gateway() {
    // Drafter: read plus two write tools, draft-only.
    let h = gateway(profile("drafter")).await;
    assert_eq!(
        names(&h.tools().await),
        ["find_tools", "describe_tool", "call_read_tool", "call_write_tool"]
    );
    let found = h.ok("find_tools", json!({"query": "reply"})).await;
    let found: Vec<&str> = common::items(&found, "tools")
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(found.contains(&"create_draft_reply"), "{found:?}");
    assert!(!found.contains(&"send_reply"), "{found:?}");
    let write_tools = h.ok("find_tools", json!({"limit": 500})).await;
    let writes: Vec<&str> = common::items(&write_tools, "tools")
        .iter()
        .filter(|t| t["access"] != "read")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(writes, ["create_draft_reply", "create_note"]);
    let error = h
        .err(
            "call_destructive_tool",
            run(
                "send_reply",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}),
            ),
        )
        .await;
    assert!(error.contains("profile `drafter`"), "{error}");
    let error = h
        .err(
            "call_write_tool",
            run(
                "assign_conversation",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "user_id": 1001}),
            ),
        )
        .await;
    assert!(error.contains("drafter"), "{error}");
    h.ok(
        "call_write_tool",
        run(
            "create_draft_reply",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "Draft"}),
        ),
    )
    .await;
    assert_eq!(h.writes().len(), 1);
    assert!(h.fake.sent_emails().is_empty());

    // Mailbox scope: a conversation of another mailbox is refused before any write.
    let h = gateway(profile("sales")).await;
    let error = h
        .err(
            "call_write_tool",
            run(
                "create_note",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}),
            ),
        )
        .await;
    assert!(error.contains("mailbox"), "{error}");
    assert!(h.writes().is_empty(), "{:?}", h.writes());

    // Redaction: the inner result is masked as in normal mode.
    let h = gateway(profile("masked")).await;
    let customer = h
        .ok(
            "call_read_tool",
            run("get_customer", json!({"customer_id": ids::CUSTOMER_ID})),
        )
        .await;
    assert!(!customer.to_string().contains(ids::CUSTOMER_EMAIL), "{customer}");
}

#[tokio::test]
async fn audit_lines_name_the_inner_tool() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let fake = fake().await;
    let state = state(&fake, profile("drafter")).with_audit(AuditLog::open(&path).unwrap());
    let h = Harness::with_state(fake, state).await;

    h.ok(
        "call_write_tool",
        run(
            "create_note",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "Secret note"}),
        ),
    )
    .await;
    h.err(
        "call_read_tool",
        run(
            "create_draft_reply",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}),
        ),
    )
    .await;
    h.err(
        "call_write_tool",
        run(
            "send_reply",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}),
        ),
    )
    .await;
    h.ok("find_tools", json!({"query": "note"})).await;

    let log = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "one line per runner call, none for find_tools:\n{log}");
    assert_eq!(lines[0]["tool"], "create_note");
    assert_eq!(lines[0]["profile"], "drafter");
    assert_eq!(lines[0]["decision"], "allowed");
    assert_eq!(lines[0]["outcome"]["result"], "ok");
    assert_eq!(lines[0]["arguments"]["conversation_id"], ids::FIRST_CONVERSATION_ID);
    assert_eq!(
        (
            lines[1]["tool"].as_str(),
            lines[1]["decision"].as_str(),
            lines[1]["rule"].as_str()
        ),
        (Some("create_draft_reply"), Some("denied"), Some("gateway-class"))
    );
    assert_eq!(
        (
            lines[2]["tool"].as_str(),
            lines[2]["decision"].as_str(),
            lines[2]["rule"].as_str()
        ),
        (Some("send_reply"), Some("denied"), Some("draft-only"))
    );
    assert!(!log.contains("Secret note"), "{log}");
}

/// The point of gateway mode is a small tools/list: at most 600 o200k tokens for the
/// largest one (full access, every toolset), counted on the JSON the server sends.
#[tokio::test]
async fn gateway_tool_list_fits_in_600_tokens() {
    let h = gateway(common::policy(AccessLevel::Full)).await;
    let tools = h.tools().await;
    assert_eq!(tools.len(), 5);
    let json = serde_json::to_string(&ListToolsResult::with_all_items(tools)).unwrap();
    let bpe = tiktoken_rs::o200k_base().unwrap();
    let tokens = bpe.encode_ordinary(&json).len();
    let full = serde_json::to_string(&ListToolsResult::with_all_items(
        Registry::builtin().iter().map(|d| d.to_tool()).collect(),
    ))
    .unwrap();
    let full_tokens = bpe.encode_ordinary(&full).len();
    println!(
        "gateway tools/list: {tokens} o200k tokens ({} bytes); whole catalogue: {full_tokens} tokens",
        json.len()
    );
    assert!(tokens <= 600, "gateway tools/list is {tokens} tokens:\n{json}");
}

#[test]
fn gateway_tool_definitions_match_their_snapshots() {
    let mut failures = Vec::new();
    for tool in gateway::definitions() {
        let name = tool.name.to_string();
        let value = serde_json::to_value(&tool).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => "../snapshots/gateway",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_json_snapshot!(name.clone(), value);
            });
        }));
        if outcome.is_err() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "gateway tool definitions differ: {failures:?}");
}

/// The binary with HELPSCOUT_TOOL_MODE=gateway and a policy file profile over stdio,
/// as a host spawns it.
#[tokio::test]
async fn the_binary_serves_gateway_mode_over_stdio() {
    const WAIT: Duration = Duration::from_secs(30);
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, POLICY).unwrap();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_helpscout-mcp"));
    for (name, _) in std::env::vars() {
        if name.starts_with("HELPSCOUT_") {
            cmd.env_remove(name);
        }
    }
    cmd.arg("--sandbox")
        .arg("--policy")
        .arg(&policy)
        .args(["--profile", "drafter", "stdio"])
        .env("HELPSCOUT_TOOL_MODE", "gateway")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    let (transport, _stderr) = TokioChildProcess::builder(cmd).stderr(Stdio::null()).spawn().unwrap();
    let client = timeout(WAIT, ().serve(transport)).await.unwrap().unwrap();
    let tools = timeout(WAIT, client.list_all_tools()).await.unwrap().unwrap();
    assert_eq!(
        names(&tools),
        ["find_tools", "describe_tool", "call_read_tool", "call_write_tool"]
    );
    let call = |name: &str, arguments: Value| {
        let mut params = CallToolRequestParams::new(name.to_string());
        params.arguments = arguments.as_object().cloned();
        params
    };
    let found = timeout(WAIT, client.call_tool(call("find_tools", json!({"query": "reply"}))))
        .await
        .unwrap()
        .unwrap();
    assert!(text(&found).contains("create_draft_reply"), "{}", text(&found));
    assert!(!text(&found).contains("send_reply"), "{}", text(&found));
    let mailboxes = timeout(
        WAIT,
        client.call_tool(call("call_read_tool", run("list_mailboxes", json!({})))),
    )
    .await
    .unwrap()
    .unwrap();
    assert_ne!(mailboxes.is_error, Some(true), "{}", text(&mailboxes));
    assert!(text(&mailboxes).contains("support@fernwood.io"), "{}", text(&mailboxes));
    let refused = timeout(
        WAIT,
        client.call_tool(call(
            "call_destructive_tool",
            run(
                "send_reply",
                json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}),
            ),
        )),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).contains("drafter"), "{}", text(&refused));
    timeout(WAIT, client.cancel()).await.unwrap().unwrap();
}
