#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Agent access control, proven at the fake's request log: what a profile may not do
//! never reaches Help Scout.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{example_arguments, text, Harness, LogBuffer};
use fake_helpscout::ids;
use helpscout_mcp::audit::AuditLog;
use helpscout_mcp::policy::file::PolicyFile;
use helpscout_mcp::policy::scope::rule_for;
use helpscout_mcp::policy::{AccessLevel, Policy};
use helpscout_mcp::registry::{Access, Registry};
use serde_json::{json, Map, Value};

const POLICY: &str = r#"
default_profile = "admin"

[profiles.admin]
access = "full"

[profiles.readonly]
access = "read"

[profiles.sales]
access = "full"
mailboxes = [303]

[profiles.support]
access = "full"
mailboxes = [301]

[profiles.two]
access = "read"
mailboxes = [301, 302]

[profiles.drafter]
access = "read"
allow = ["create_note", "create_draft_reply"]
replies = "draft-only"

[profiles.full_drafts]
access = "full"
replies = "draft-only"

[profiles.masked]
access = "read"
redact = ["email", "phone", "name"]
"#;

fn profile(name: &str) -> Policy {
    let file = PolicyFile::parse(POLICY, &Registry::builtin(), true).unwrap();
    (*file.profiles[name]).clone()
}

/// Seeded ids every example call uses, so calls name real objects.
fn seeded(conversation: u64) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in [
        ("conversation_id", json!(conversation)),
        ("conversation_ids", json!([conversation])),
        ("mailbox_id", json!(ids::SUPPORT_MAILBOX_ID)),
        ("mailbox_ids", json!([ids::SUPPORT_MAILBOX_ID])),
        ("customer_id", json!(ids::CUSTOMER_ID)),
        ("user_id", json!(ids::OWNER_USER_ID)),
        ("tag_id", json!(ids::VIP_TAG_ID)),
        ("team_id", json!(ids::TEAM_IDS[0])),
        ("workflow_id", json!(ids::ESCALATE_WORKFLOW_ID)),
        ("organization_id", json!(ids::FIRST_ORGANIZATION_ID)),
        ("saved_reply_id", json!(ids::SAVED_REPLY_ID)),
        ("chat_id", json!(ids::CHAT_ID)),
        ("rating_id", json!(ids::GREAT_RATING_ID)),
        ("webhook_id", json!(ids::WEBHOOK_ID)),
        ("system_user_id", json!(ids::SYSTEM_USER_IDS[0])),
        ("start", json!("2026-08-01T00:00:00Z")),
        ("end", json!("2026-11-20T00:00:00Z")),
    ] {
        m.insert(k.into(), v);
    }
    m
}

/// A conversation of the Support mailbox, found through an unrestricted server (the
/// seed is the same in every fake).
async fn support_conversation() -> u64 {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h
        .ok(
            "list_conversations",
            json!({"mailbox_id": ids::SUPPORT_MAILBOX_ID, "status": "all"}),
        )
        .await;
    list["conversations"][0]["id"].as_u64().expect("a Support conversation")
}

#[tokio::test]
async fn read_only_profile_sends_no_write_for_any_tool() {
    let h = Harness::with_policy(profile("readonly")).await;
    let listed: BTreeSet<String> = h.tools().await.into_iter().map(|t| t.name.to_string()).collect();
    let registry = Registry::builtin();
    let overrides = seeded(ids::FIRST_CONVERSATION_ID);
    let mut tried = 0;
    for def in registry.iter().filter(|d| d.spec.access != Access::Read) {
        assert!(
            !listed.contains(def.spec.name),
            "{} listed for a read-only profile",
            def.spec.name
        );
        let error = h
            .err(def.spec.name, example_arguments(&def.input_schema, &overrides))
            .await;
        assert!(error.contains("readonly"), "{}: {error}", def.spec.name);
        tried += 1;
    }
    assert!(tried > 50, "only {tried} write tools tried");
    assert!(h.writes().is_empty(), "writes reached Help Scout: {:#?}", h.writes());
}

#[tokio::test]
async fn wrong_mailbox_profile_sends_no_write_for_any_mailbox_tool() {
    let conversation = support_conversation().await;
    let h = Harness::with_policy(profile("sales")).await;
    let registry = Registry::builtin();
    let overrides = seeded(conversation);
    let mut tried = Vec::new();
    for def in registry
        .iter()
        .filter(|d| d.spec.access != Access::Read && rule_for(&d.spec).is_mailbox_rule())
    {
        let error = h
            .err(def.spec.name, example_arguments(&def.input_schema, &overrides))
            .await;
        assert!(error.contains("`sales`"), "{}: {error}", def.spec.name);
        tried.push(def.spec.name);
    }
    for must in [
        "send_reply",
        "create_note",
        "delete_conversation",
        "move_conversation",
        "create_saved_reply",
        "run_workflow",
    ] {
        assert!(tried.contains(&must), "{must} was not tried");
    }
    assert!(h.writes().is_empty(), "writes reached Help Scout: {:#?}", h.writes());
    assert!(h.fake.sent_emails().is_empty());
}

#[tokio::test]
async fn mailbox_scoped_reads_are_confined() {
    let conversation = support_conversation().await;
    let h = Harness::with_policy(profile("sales")).await;
    // A conversation of another mailbox cannot be read by id...
    let error = h
        .err("get_conversation", json!({"conversation_id": conversation}))
        .await;
    assert!(error.contains("mailbox 301") && error.contains("`sales`"), "{error}");
    // ... and lists are forced to the allowed mailbox.
    let list = h.ok("list_conversations", json!({"status": "all"})).await;
    let items = list["conversations"].as_array().unwrap();
    assert!(!items.is_empty());
    let listed = h
        .fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path == "/v2/conversations")
        .unwrap();
    assert!(listed.query.unwrap_or_default().contains("mailbox=303"));
    let mailboxes = h.ok("list_mailboxes", json!({})).await;
    let ids: Vec<u64> = mailboxes["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_u64())
        .collect();
    assert_eq!(ids, [ids::SALES_MAILBOX_ID]);
    assert_eq!(mailboxes["total"], 1);
    let error = h
        .err("list_conversations", json!({"mailbox_id": ids::SUPPORT_MAILBOX_ID}))
        .await;
    assert!(error.contains("mailbox 301"), "{error}");
    // Tag counts would count other mailboxes' conversations.
    let tags = h.ok("list_tags", json!({})).await;
    assert!(tags["tags"][0].get("conversations").is_none(), "{tags}");

    // With two mailboxes allowed, an unfiltered list must say which one.
    let h = Harness::with_policy(profile("two")).await;
    let error = h.err("list_conversations", json!({})).await;
    assert!(error.contains("mailbox_id") && error.contains("301, 302"), "{error}");
    h.ok("list_conversations", json!({"mailbox_id": ids::BILLING_MAILBOX_ID}))
        .await;
}

#[tokio::test]
async fn moves_only_between_allowed_mailboxes() {
    let conversation = support_conversation().await;
    let h = Harness::with_policy(profile("support")).await;
    let error = h
        .err(
            "move_conversation",
            json!({"conversation_id": conversation, "mailbox_id": 302}),
        )
        .await;
    assert!(error.contains("target mailbox 302"), "{error}");
    assert!(h.writes().is_empty());
    // Allowed: a note in its own mailbox.
    h.ok(
        "create_note",
        json!({"conversation_id": conversation, "text": "Checked the logs."}),
    )
    .await;
    assert_eq!(h.writes().len(), 1);
}

#[tokio::test]
async fn draft_only_profiles_cannot_email_a_customer() {
    let h = Harness::with_policy(profile("full_drafts")).await;
    let conversation = ids::FIRST_CONVERSATION_ID;
    let overrides = seeded(conversation);
    let registry = Registry::builtin();
    for tool in helpscout_mcp::policy::SENDING_TOOLS {
        let def = registry.get(tool).unwrap();
        let error = h.err(tool, example_arguments(&def.input_schema, &overrides)).await;
        assert!(error.contains("draft-only"), "{tool}: {error}");
    }
    let draft = h
        .ok(
            "create_draft_reply",
            json!({"conversation_id": conversation, "text": "Draft for review."}),
        )
        .await;
    assert!(draft["id"].is_u64(), "{draft}");
    assert!(h.fake.sent_emails().is_empty());

    // A read profile that allows drafting and notes, and nothing else that writes.
    let h = Harness::with_policy(profile("drafter")).await;
    let writes: Vec<String> = h
        .tools()
        .await
        .into_iter()
        .filter(|t| t.annotations.as_ref().and_then(|a| a.read_only_hint) != Some(true))
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(writes, ["create_draft_reply", "create_note"]);
}

/// Every string of a tool's output that looks like an email address or carries a
/// phone number, for comparing an unmasked and a masked run.
fn emails_and_phones(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k.to_ascii_lowercase().contains("phone") {
                    if let Some(s) = v.as_str() {
                        found.insert(s.to_string());
                    }
                }
                emails_and_phones(v, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| emails_and_phones(v, found)),
        Value::String(s) => {
            for word in s.split(|c: char| c.is_whitespace() || "<>()\"',;".contains(c)) {
                let word = word.trim_end_matches('.');
                if word.contains('@') && word.contains('.') && word.len() > 5 {
                    found.insert(word.to_string());
                }
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn redaction_leaves_no_seeded_email_or_phone_in_any_output() {
    let overrides = seeded(ids::FIRST_CONVERSATION_ID);
    let registry = Registry::builtin();
    let plain = Harness::new(AccessLevel::Read).await;
    let masked = Harness::with_policy(profile("masked")).await;
    let mut seen = BTreeSet::new();
    let mut outputs = Vec::new();
    let mut succeeded = 0;
    for def in registry
        .iter()
        .filter(|d| d.spec.access == Access::Read && d.spec.toolset != "docs")
    {
        let args = example_arguments(&def.input_schema, &overrides);
        let unmasked = plain.call(def.spec.name, args.clone()).await;
        if unmasked.is_error == Some(true) {
            eprintln!("skipped {}: {}", def.spec.name, text(&unmasked));
            continue;
        }
        succeeded += 1;
        emails_and_phones(&unmasked.structured_content.clone().unwrap_or_default(), &mut seen);
        emails_and_phones(&Value::String(text(&unmasked)), &mut seen);
        outputs.push((def.spec.name, text(&masked.call(def.spec.name, args).await)));
    }
    assert!(
        succeeded > 40,
        "only {succeeded} read tools succeeded with example arguments"
    );
    let emails = seen.iter().filter(|s| s.contains('@')).count();
    assert!(
        emails >= 10 && seen.len() - emails >= 3,
        "too little personal data to prove anything: {seen:?}"
    );
    for (tool, output) in &outputs {
        for item in &seen {
            assert!(
                !output.contains(item.as_str()),
                "{tool} shows `{item}` despite redaction"
            );
        }
    }
}

#[tokio::test]
async fn audit_log_records_every_decision_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let fake = fake_helpscout::FakeHelpScout::start(fake_helpscout::FakeConfig::default())
        .await
        .unwrap();
    let client = helpscout_mcp::helpscout::HelpScoutClient::new(common::client_config(&fake)).unwrap();
    let state = helpscout_mcp::server::ServerState::new(Registry::builtin(), profile("drafter"), client)
        .with_audit(AuditLog::open(&path).unwrap());
    let server = helpscout_mcp::server::HelpScoutServer::new(Arc::new(state));

    let secret_text = "Maria, your refund of $120 is approved";
    server
        .call(
            "create_note",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": secret_text}),
        )
        .await
        .unwrap();
    server
        .call(
            "send_reply",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID, "text": secret_text}),
        )
        .await
        .unwrap();
    server
        .call("get_conversation", json!({"conversation_id": 999_999_999u64}))
        .await
        .unwrap();

    let log = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3, "{log}");
    let (note, reply, missing) = (&lines[0], &lines[1], &lines[2]);
    assert_eq!(
        (note["tool"].as_str(), note["profile"].as_str()),
        (Some("create_note"), Some("drafter"))
    );
    assert_eq!(note["decision"], "allowed");
    assert_eq!(note["outcome"]["result"], "ok");
    assert_eq!(note["arguments"]["conversation_id"], ids::FIRST_CONVERSATION_ID);
    assert_eq!(note["arguments"]["text"]["length"], secret_text.chars().count());
    assert_eq!(reply["decision"], "denied");
    assert_eq!(reply["rule"], "draft-only");
    assert!(reply.get("outcome").is_none());
    assert_eq!(missing["outcome"]["result"], "error");
    assert_eq!(missing["outcome"]["status"], 404);
    assert!(missing["outcome"]["logRef"].is_string(), "{missing}");
    assert!(note["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    for forbidden in ["Maria", "refund", fake_helpscout::APP_SECRET, "Bearer"] {
        assert!(!log.contains(forbidden), "`{forbidden}` in the audit log: {log}");
    }
    drop(LogBuffer::default());
}

/// Two bearer tokens of one server select two profiles: each caller sees, and may
/// call, only its own profile's tools (Streamable HTTP, stateless 2026-07-28 requests).
#[tokio::test]
async fn two_http_tokens_see_two_tool_lists() {
    use helpscout_mcp::policy::file::{hash_token, hex};
    use helpscout_mcp::transport::guard::Guard;

    let text = format!(
        "{POLICY}\n[[tokens]]\nsha256 = \"{}\"\nprofile = \"readonly\"\n\n[[tokens]]\nsha256 = \"{}\"\nprofile = \"drafter\"\n",
        hex(&hash_token("token-for-triage")),
        hex(&hash_token("token-for-drafts"))
    );
    let file = PolicyFile::parse(&text, &Registry::builtin(), true).unwrap();
    let fake = fake_helpscout::FakeHelpScout::start(fake_helpscout::FakeConfig::default())
        .await
        .unwrap();
    let client = helpscout_mcp::helpscout::HelpScoutClient::new(common::client_config(&fake)).unwrap();
    let default = (**file.default_profile.as_ref().unwrap()).clone();
    let state = helpscout_mcp::server::ServerState::new(Registry::builtin(), default, client);
    let server = helpscout_mcp::server::HelpScoutServer::new(Arc::new(state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let guard = Guard::new(addr, &[], &[], None)
        .unwrap()
        .with_profile_tokens(&file.tokens);
    let shutdown = tokio_util::sync::CancellationToken::new();
    let app = helpscout_mcp::transport::http::router(server, guard, 100, shutdown.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let http = reqwest::Client::new();
    let url = format!("http://{addr}/mcp");
    let rpc = |token: &'static str, method: &'static str, params: Value| {
        let http = http.clone();
        let url = url.clone();
        async move {
            let name = params["name"].as_str().unwrap_or_default().to_string();
            let mut params = params;
            params["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "access-test", "version": "0"}
            });
            let response = http
                .post(&url)
                .bearer_auth(token)
                .header("accept", "application/json, text/event-stream")
                .header("mcp-protocol-version", "2026-07-28")
                .header("mcp-method", method)
                .header("mcp-name", name)
                .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body: Value = if status.is_success() {
                response.json().await.unwrap()
            } else {
                Value::Null
            };
            (status, body)
        }
    };
    let names = |body: &Value| -> BTreeSet<String> {
        body["result"]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    };
    let (status, triage) = rpc("token-for-triage", "tools/list", json!({})).await;
    assert_eq!(status, 200);
    let (_, drafts) = rpc("token-for-drafts", "tools/list", json!({})).await;
    let (triage, drafts) = (names(&triage), names(&drafts));
    assert!(!triage.contains("create_note") && drafts.contains("create_note"));
    assert!(drafts.contains("create_draft_reply") && !drafts.contains("send_reply"));
    assert!(triage.contains("list_conversations") && drafts.contains("list_conversations"));

    // Calling is decided per token too.
    let call =
        json!({"name": "create_note", "arguments": {"conversation_id": ids::FIRST_CONVERSATION_ID, "text": "x"}});
    let (_, refused) = rpc("token-for-triage", "tools/call", call.clone()).await;
    assert_eq!(refused["result"]["isError"], true, "{refused}");
    assert!(refused.to_string().contains("`readonly`"), "{refused}");
    assert!(fake
        .requests()
        .iter()
        .all(|r| r.method == "GET" || r.path.ends_with("/oauth2/token")));
    let (_, allowed) = rpc("token-for-drafts", "tools/call", call).await;
    assert_ne!(allowed["result"]["isError"], true, "{allowed}");

    let (status, _) = rpc("no-such-token", "tools/list", json!({})).await;
    assert_eq!(status, 401);
    shutdown.cancel();
}
