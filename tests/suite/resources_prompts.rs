#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Resources (conversation, customer, mailboxes, Docs article) and prompts (triage,
//! draft from the Docs, customer history): listed only when the policy allows their
//! tools, read through the same policy, scope, redaction and audit path as the tools.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use common::{client_config, Harness};
use fake_helpscout::{ids, FakeConfig, FakeHelpScout};
use helpscout_mcp::audit::AuditLog;
use helpscout_mcp::gateway::ToolMode;
use helpscout_mcp::helpscout::HelpScoutClient;
use helpscout_mcp::policy::file::PolicyFile;
use helpscout_mcp::policy::{AccessLevel, Policy, Toolsets};
use helpscout_mcp::registry::Registry;
use helpscout_mcp::server::ServerState;
use rmcp::model::{ErrorCode, GetPromptRequestParams, GetPromptResult, ReadResourceRequestParams, ResourceContents};
use rmcp::service::ServiceError;
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::{json, Map, Value};
use tokio::time::timeout;

const POLICY: &str = r#"
default_profile = "sales"

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

/// (MIME type, text) of a resource that must read.
async fn read(h: &Harness, uri: &str) -> (String, String) {
    let result = h
        .client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .unwrap_or_else(|e| panic!("resources/read {uri}: {e}"));
    assert_eq!(result.contents.len(), 1);
    match result.contents.into_iter().next().unwrap() {
        ResourceContents::TextResourceContents {
            uri: got,
            mime_type,
            text,
            ..
        } => {
            assert_eq!(got, uri);
            (mime_type.unwrap_or_default(), text)
        }
        other => panic!("not text: {other:?}"),
    }
}

/// The protocol error of a resource read that must fail.
async fn read_error(h: &Harness, uri: &str) -> (ErrorCode, String) {
    match h.client.read_resource(ReadResourceRequestParams::new(uri)).await {
        Err(ServiceError::McpError(error)) => {
            if error.code == ErrorCode::RESOURCE_NOT_FOUND {
                assert_eq!(error.data, Some(json!({"uri": uri})), "SEP-2164 data.uri");
            }
            (error.code, error.message.to_string())
        }
        other => panic!("resources/read {uri} should fail, got {other:?}"),
    }
}

async fn template_uris(h: &Harness) -> Vec<String> {
    h.client
        .list_all_resource_templates()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.uri_template)
        .collect()
}

async fn prompt_names(h: &Harness) -> Vec<String> {
    h.client
        .list_all_prompts()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

async fn prompt(h: &Harness, name: &str, arguments: Value) -> Result<GetPromptResult, ServiceError> {
    let params = GetPromptRequestParams::new(name).with_arguments(arguments.as_object().cloned().unwrap_or_default());
    h.client.get_prompt(params).await
}

/// The single message of a rendered prompt.
async fn prompt_text(h: &Harness, name: &str, arguments: Value) -> String {
    let result = prompt(h, name, arguments)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(result.messages.len(), 1);
    let message = &result.messages[0];
    assert_eq!(message.role, rmcp::model::Role::User);
    message.content.as_text().expect("text message").text.clone()
}

async fn prompt_error(h: &Harness, name: &str, arguments: Value) -> String {
    match prompt(h, name, arguments).await {
        Err(ServiceError::McpError(error)) => {
            assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
            error.message.to_string()
        }
        other => panic!("{name} should fail, got {other:?}"),
    }
}

#[tokio::test]
async fn templates_and_the_mailbox_resource_are_listed_with_mime_types() {
    let h = Harness::new(AccessLevel::Read).await;
    let templates = h.client.list_all_resource_templates().await.unwrap();
    let listed: Vec<(&str, &str)> = templates
        .iter()
        .map(|t| (t.uri_template.as_str(), t.mime_type.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        listed,
        [
            ("helpscout://conversations/{conversation_id}", "text/markdown"),
            ("helpscout://customers/{customer_id}", "application/json"),
            ("helpscout://docs/articles/{article_id}", "text/markdown"),
        ]
    );
    assert!(templates.iter().all(|t| t.description.is_some() && t.title.is_some()));
    let resources = h.client.list_all_resources().await.unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].uri, "helpscout://mailboxes");
    assert_eq!(resources[0].mime_type.as_deref(), Some("application/json"));
}

#[tokio::test]
async fn resources_read_what_their_tools_return() {
    let h = Harness::new(AccessLevel::Read).await;
    let conversation = h
        .ok(
            "get_conversation",
            json!({"conversation_id": ids::FIRST_CONVERSATION_ID}),
        )
        .await;
    let (mime, text) = read(&h, &format!("helpscout://conversations/{}", ids::FIRST_CONVERSATION_ID)).await;
    assert_eq!(mime, "text/markdown");
    assert!(
        text.starts_with(&format!("# {}\n", conversation["subject"].as_str().unwrap())),
        "{text}"
    );
    let threads = common::items(&conversation, "threads");
    assert!(!threads.is_empty());
    for thread in threads {
        let body = thread["text"].as_str().unwrap();
        assert!(
            text.contains(body.trim_end()),
            "thread {} missing:\n{text}",
            thread["id"]
        );
    }
    assert!(text.contains(&format!("Conversation {}", ids::FIRST_CONVERSATION_ID)));
    assert!(!text.contains("_links") && !text.contains("<p>"), "{text}");

    let customer = h.ok("get_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    let (mime, text) = read(&h, &format!("helpscout://customers/{}", ids::CUSTOMER_ID)).await;
    assert_eq!(mime, "application/json");
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), customer);

    let mailboxes = h.ok("list_mailboxes", json!({})).await;
    let (_, text) = read(&h, "helpscout://mailboxes").await;
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), mailboxes);

    let article = h
        .ok(
            "docs_get_article",
            json!({"article_id_or_number": ids::DOCS_ARTICLE_ID}),
        )
        .await;
    for id in [ids::DOCS_ARTICLE_ID.to_string(), ids::DOCS_ARTICLE_NUMBER.to_string()] {
        let (mime, text) = read(&h, &format!("helpscout://docs/articles/{id}")).await;
        assert_eq!(mime, "text/markdown");
        assert!(
            text.starts_with(&format!("# {}\n", article["name"].as_str().unwrap())),
            "{text}"
        );
        assert!(text.contains(article["text"].as_str().unwrap().trim_end()), "{text}");
    }
}

#[tokio::test]
async fn bad_uris_and_missing_records_are_protocol_errors() {
    let h = Harness::new(AccessLevel::Read).await;
    for uri in [
        "helpscout://conversations/abc",
        "helpscout://users/1",
        "https://example.com/",
        "helpscout://conversations/1?embed=threads",
    ] {
        let (code, message) = read_error(&h, uri).await;
        assert_eq!(code, ErrorCode::RESOURCE_NOT_FOUND, "{uri}: {message}");
        assert!(
            message.contains("helpscout://conversations/{conversation_id}"),
            "{message}"
        );
    }
    let (code, message) = read_error(&h, "helpscout://conversations/999999999").await;
    assert_eq!(code, ErrorCode::RESOURCE_NOT_FOUND, "{message}");
    assert!(message.contains("404"), "{message}");
    // Still serving.
    read(&h, "helpscout://mailboxes").await;
}

#[tokio::test]
async fn hidden_tools_hide_their_resources_and_prompts() {
    // No Docs key: no article template and no draft-from-docs prompt.
    let policy = Policy {
        docs_available: false,
        ..common::policy(AccessLevel::Full)
    };
    let h = Harness::with_policy(policy).await;
    assert!(!template_uris(&h).await.iter().any(|u| u.contains("docs")));
    let (code, message) = read_error(&h, &format!("helpscout://docs/articles/{}", ids::DOCS_ARTICLE_ID)).await;
    assert_eq!(code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(message.contains("HELPSCOUT_DOCS_API_KEY"), "{message}");
    assert_eq!(prompt_names(&h).await, ["triage_inbox", "summarize_customer_history"]);
    let error = prompt_error(&h, "draft_reply_with_docs", json!({"conversation_id": "1"})).await;
    assert!(error.contains("docs_search_articles"), "{error}");

    // Read access: the draft prompt needs create_draft_reply.
    let h = Harness::new(AccessLevel::Read).await;
    assert_eq!(prompt_names(&h).await, ["triage_inbox", "summarize_customer_history"]);

    // Excluded and toolset-less tools: their resources go too, and a read is refused
    // before anything reaches Help Scout.
    let policy = Policy {
        access: AccessLevel::Read,
        toolsets: Toolsets::parse("conversations").unwrap(),
        excluded_tools: ["get_conversation".to_string()].into(),
        ..Policy::default()
    };
    let h = Harness::with_policy(policy).await;
    assert!(template_uris(&h).await.is_empty());
    assert!(h.client.list_all_resources().await.unwrap().is_empty());
    assert!(prompt_names(&h).await.is_empty());
    let (code, message) = read_error(&h, &format!("helpscout://conversations/{}", ids::FIRST_CONVERSATION_ID)).await;
    assert_eq!(code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(message.contains("--exclude-tools"), "{message}");
    let (_, message) = read_error(&h, &format!("helpscout://customers/{}", ids::CUSTOMER_ID)).await;
    assert!(message.contains("--toolsets"), "{message}");
    assert!(
        h.fake.requests().iter().all(|r| r.path.ends_with("/oauth2/token")),
        "{:?}",
        h.fake.requests()
    );
    let error = prompt_error(&h, "triage_inbox", json!({})).await;
    assert!(error.contains("not available"), "{error}");
}

#[tokio::test]
async fn scope_redaction_and_audit_apply_to_resource_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let client = HelpScoutClient::new(client_config(&fake)).unwrap();
    let state =
        ServerState::new(Registry::builtin(), profile("sales"), client).with_audit(AuditLog::open(&path).unwrap());
    let h = Harness::with_state(fake, state).await;

    // A conversation of the Support mailbox is outside the Sales profile.
    let (code, message) = read_error(&h, &format!("helpscout://conversations/{}", ids::FIRST_CONVERSATION_ID)).await;
    assert_eq!(code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(message.contains("mailbox 301"), "{message}");
    // The mailbox list shows only the profile's mailboxes.
    let (_, text) = read(&h, "helpscout://mailboxes").await;
    let mailboxes: Value = serde_json::from_str(&text).unwrap();
    let listed: Vec<u64> = common::items(&mailboxes, "mailboxes")
        .iter()
        .map(|m| m["id"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, [ids::SALES_MAILBOX_ID]);

    let log = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = log.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert_eq!(
        (
            lines[0]["tool"].as_str(),
            lines[0]["decision"].as_str(),
            lines[0]["rule"].as_str()
        ),
        (Some("get_conversation"), Some("denied"), Some("scope"))
    );
    assert_eq!(
        (lines[1]["tool"].as_str(), lines[1]["outcome"]["result"].as_str()),
        (Some("list_mailboxes"), Some("ok"))
    );

    let h = Harness::with_policy(profile("masked")).await;
    let (_, text) = read(&h, &format!("helpscout://customers/{}", ids::CUSTOMER_ID)).await;
    assert!(!text.contains(ids::CUSTOMER_EMAIL), "{text}");
    let (_, text) = read(&h, &format!("helpscout://conversations/{}", ids::FIRST_CONVERSATION_ID)).await;
    // Emails are masked in thread bodies too; the customer's name in the header is masked.
    assert!(!text.contains(ids::CUSTOMER_EMAIL), "{text}");
    assert!(text.contains("Customer: [name redacted]"), "{text}");
}

#[tokio::test]
async fn prompts_are_listed_with_their_arguments() {
    let h = Harness::new(AccessLevel::Full).await;
    let prompts = h.client.list_all_prompts().await.unwrap();
    let listed: Vec<(String, Vec<(String, bool)>)> = prompts
        .iter()
        .map(|p| {
            let args = p
                .arguments
                .iter()
                .flatten()
                .map(|a| (a.name.clone(), a.required == Some(true)))
                .collect();
            (p.name.clone(), args)
        })
        .collect();
    let owned = |items: &[(&str, bool)]| items.iter().map(|(n, r)| (n.to_string(), *r)).collect::<Vec<_>>();
    assert_eq!(
        listed,
        [
            (
                "triage_inbox".to_string(),
                owned(&[("mailbox_id", false), ("limit", false)])
            ),
            ("draft_reply_with_docs".to_string(), owned(&[("conversation_id", true)])),
            (
                "summarize_customer_history".to_string(),
                owned(&[("customer_id", false), ("email", false)])
            ),
        ]
    );
    assert!(prompts.iter().all(|p| p.description.is_some() && p.title.is_some()));
}

#[tokio::test]
async fn prompts_render_instructions_that_name_the_tools() {
    let h = Harness::new(AccessLevel::Full).await;

    let text = prompt_text(&h, "triage_inbox", json!({"mailbox_id": "301", "limit": "5"})).await;
    for expected in [
        "list_conversations",
        "{\"mailbox_id\": 301}",
        "get_conversation",
        "5 newest",
        "read-only",
    ] {
        assert!(text.contains(expected), "`{expected}` missing:\n{text}");
    }
    let text = prompt_text(&h, "triage_inbox", json!({})).await;
    assert!(text.contains("10 newest") && text.contains("list_mailboxes"), "{text}");
    let error = prompt_error(&h, "triage_inbox", json!({"limit": "500"})).await;
    assert!(error.contains("limit"), "{error}");
    let error = prompt_error(&h, "triage_inbox", json!({"mailbox_id": "support"})).await;
    assert!(error.contains("mailbox_id"), "{error}");

    let id = ids::FIRST_CONVERSATION_ID;
    let text = prompt_text(&h, "draft_reply_with_docs", json!({"conversation_id": id.to_string()})).await;
    for expected in [
        format!("get_conversation {{\"conversation_id\": {id}}}"),
        "docs_search_articles".to_string(),
        "docs_get_article".to_string(),
        format!("create_draft_reply {{\"conversation_id\": {id}"),
        "DRAFT".to_string(),
        "Never call send_reply".to_string(),
    ] {
        assert!(text.contains(&expected), "`{expected}` missing:\n{text}");
    }
    let error = prompt_error(&h, "draft_reply_with_docs", json!({})).await;
    assert!(error.contains("conversation_id"), "{error}");

    let text = prompt_text(
        &h,
        "summarize_customer_history",
        json!({"customer_id": ids::CUSTOMER_ID}),
    )
    .await;
    for expected in [
        format!("get_customer {{\"customer_id\": {}}}", ids::CUSTOMER_ID),
        format!("(customerIds:{})", ids::CUSTOMER_ID),
        "\"status\": \"all\"".to_string(),
        "get_conversation".to_string(),
    ] {
        assert!(text.contains(&expected), "`{expected}` missing:\n{text}");
    }
    let text = prompt_text(&h, "summarize_customer_history", json!({"email": ids::CUSTOMER_EMAIL})).await;
    assert!(
        text.contains("list_customers") && text.contains(&format!("(email:\\\"{}\\\")", ids::CUSTOMER_EMAIL)),
        "{text}"
    );
    let error = prompt_error(&h, "summarize_customer_history", json!({})).await;
    assert!(error.contains("customer_id") && error.contains("email"), "{error}");
    let error = prompt_error(&h, "summarize_customer_history", json!({"email": "a\" OR x"})).await;
    assert!(error.contains("not an email"), "{error}");
    let error = prompt_error(&h, "no_such_prompt", json!({})).await;
    assert!(error.contains("unknown prompt"), "{error}");
}

/// The search syntax a prompt tells the model to use is what list_conversations and
/// list_customers accept.
#[tokio::test]
async fn the_searches_prompts_suggest_work() {
    let h = Harness::new(AccessLevel::Read).await;
    let by_id = h
        .ok(
            "list_conversations",
            json!({"query": format!("(customerIds:{})", ids::CUSTOMER_ID), "status": "all"}),
        )
        .await;
    assert!(!common::items(&by_id, "conversations").is_empty(), "{by_id}");
    let customers = h
        .ok(
            "list_customers",
            json!({"query": format!("(email:\"{}\")", ids::CUSTOMER_EMAIL)}),
        )
        .await;
    assert_eq!(common::items(&customers, "customers")[0]["id"], ids::CUSTOMER_ID);
}

#[tokio::test]
async fn prompts_in_gateway_mode_say_how_to_run_the_tools() {
    let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
    let client = HelpScoutClient::new(client_config(&fake)).unwrap();
    let state = ServerState::new(Registry::builtin(), common::policy(AccessLevel::Full), client)
        .with_tool_mode(ToolMode::Gateway);
    let h = Harness::with_state(fake, state).await;
    let text = prompt_text(&h, "triage_inbox", json!({})).await;
    assert!(
        text.contains("call_read_tool") && text.contains("describe_tool"),
        "{text}"
    );
    // Resources do not depend on the tool mode.
    assert_eq!(template_uris(&h).await.len(), 3);
    read(&h, "helpscout://mailboxes").await;
}

/// The built binary over stdio: capabilities, resources and prompts, as a host sees them.
#[tokio::test]
async fn the_binary_serves_resources_and_prompts_over_stdio() {
    const WAIT: Duration = Duration::from_secs(30);
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_helpscout-mcp"));
    for (name, _) in std::env::vars() {
        if name.starts_with("HELPSCOUT_") {
            cmd.env_remove(name);
        }
    }
    cmd.args(["--sandbox", "--access", "write"])
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    let (transport, _stderr) = TokioChildProcess::builder(cmd).stderr(Stdio::null()).spawn().unwrap();
    let client = timeout(WAIT, ().serve(transport)).await.unwrap().unwrap();
    let capabilities = &client.peer_info().unwrap().capabilities;
    assert!(capabilities.resources.is_some() && capabilities.prompts.is_some() && capabilities.tools.is_some());

    let templates = timeout(WAIT, client.list_all_resource_templates())
        .await
        .unwrap()
        .unwrap();
    // The sandbox has a Docs key, so the article template is there too.
    assert_eq!(templates.len(), 3, "{templates:?}");
    let read = timeout(
        WAIT,
        client.read_resource(ReadResourceRequestParams::new(format!(
            "helpscout://conversations/{}",
            ids::FIRST_CONVERSATION_ID
        ))),
    )
    .await
    .unwrap()
    .unwrap();
    let ResourceContents::TextResourceContents { text, mime_type, .. } = &read.contents[0] else {
        panic!("not text: {read:?}");
    };
    assert_eq!(mime_type.as_deref(), Some("text/markdown"));
    assert!(text.contains("## Threads"), "{text}");

    let prompts = timeout(WAIT, client.list_all_prompts()).await.unwrap().unwrap();
    assert!(prompts.iter().any(|p| p.name == "triage_inbox"), "{prompts:?}");
    let mut arguments = Map::new();
    arguments.insert("customer_id".into(), json!(ids::CUSTOMER_ID.to_string()));
    let rendered = timeout(
        WAIT,
        client.get_prompt(GetPromptRequestParams::new("summarize_customer_history").with_arguments(arguments)),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(rendered.messages[0]
        .content
        .as_text()
        .is_some_and(|t| t.text.contains("get_customer")));
    timeout(WAIT, client.cancel()).await.unwrap().unwrap();
}
