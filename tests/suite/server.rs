#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Server behaviour that is not specific to one toolset: policy in list and call,
//! bad arguments, server identity.

use crate::common;

use common::Harness;
use helpscout_mcp::policy::{AccessLevel, Policy, Toolsets};
use serde_json::json;

#[tokio::test]
async fn server_identifies_itself() {
    let h = Harness::new(AccessLevel::Read).await;
    let info = h.client.peer_info().expect("server info");
    let implementation = info.server_info.as_ref().expect("server implementation");
    assert_eq!(implementation.name, "helpscout-mcp");
    assert_eq!(implementation.version, env!("CARGO_PKG_VERSION"));
    assert!(info
        .instructions
        .as_deref()
        .unwrap_or_default()
        .contains("list_conversations"));
}

#[tokio::test]
async fn read_access_lists_and_runs_only_read_tools() {
    let h = Harness::new(AccessLevel::Read).await;
    let tools = h.tools().await;
    assert!(!tools.is_empty());
    for tool in &tools {
        let read_only = tool.annotations.as_ref().and_then(|a| a.read_only_hint);
        assert_eq!(read_only, Some(true), "{} listed under read access", tool.name);
    }
    assert!(tools.iter().any(|t| t.name == "list_mailboxes"));

    // A hidden tool cannot be called, and the refusal names the setting that enables it.
    let error = h.err("create_note", json!({"conversation_id": 1, "text": "hi"})).await;
    assert!(error.contains("--access write"), "{error}");
    let error = h.err("delete_conversation", json!({"conversation_id": 1})).await;
    assert!(error.contains("--access full"), "{error}");
    assert!(
        h.writes().is_empty(),
        "a refused call reached Help Scout: {:?}",
        h.writes()
    );
}

#[tokio::test]
async fn toolsets_and_tool_lists_filter_list_and_call() {
    let policy = Policy {
        access: AccessLevel::Full,
        toolsets: Toolsets::parse("tags").unwrap(),
        extra_tools: ["get_current_user".to_string()].into(),
        excluded_tools: ["get_tag".to_string()].into(),
        docs_available: true,
        ..Policy::default()
    };
    let h = Harness::with_policy(policy).await;
    let mut names: Vec<String> = h.tools().await.into_iter().map(|t| t.name.to_string()).collect();
    names.sort();
    assert_eq!(names, ["get_current_user", "list_tags"]);
    let error = h.err("get_tag", json!({"tag_id": 1})).await;
    assert!(error.contains("--exclude-tools"), "{error}");
    let error = h.err("list_mailboxes", json!({})).await;
    assert!(error.contains("--toolsets") && error.contains("mailboxes"), "{error}");
    h.ok("list_tags", json!({})).await;
    h.ok("get_current_user", json!({})).await;
}

#[tokio::test]
async fn bad_arguments_name_the_field_and_the_server_keeps_serving() {
    let h = Harness::new(AccessLevel::Read).await;
    let error = h.err("list_tags", json!({"page": "two"})).await;
    assert!(error.contains("`page`"), "{error}");
    let error = h.err("get_tag", json!({})).await;
    assert!(error.contains("`tag_id`") && error.contains("missing"), "{error}");
    let error = h.err("get_tag", json!({"tag_id": -4})).await;
    assert!(error.contains("`tag_id`"), "{error}");
    let error = h.err("list_tags", json!({"pgae": 2})).await;
    assert!(error.contains("pgae"), "{error}");
    // Still serving.
    let tags = h.ok("list_tags", json!({})).await;
    assert!(tags["tags"].as_array().is_some_and(|t| !t.is_empty()));
}

#[tokio::test]
async fn unknown_tool_is_a_protocol_error_not_a_crash() {
    let h = Harness::new(AccessLevel::Read).await;
    let mut params = rmcp::model::CallToolRequestParams::new("no_such_tool");
    params.arguments = Some(Default::default());
    assert!(h.client.call_tool(params).await.is_err());
    h.ok("list_tags", json!({})).await;
}
