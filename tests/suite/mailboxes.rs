#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `mailboxes` toolset (mailboxes, custom fields, folders, saved
//! replies, routing) against the fake Help Scout.

use crate::common;

use common::{assert_compact, items, Harness};
use helpscout_mcp::policy::AccessLevel;
use serde_json::{json, Value};

async fn first_mailbox_id(h: &Harness) -> u64 {
    let list = h.ok("list_mailboxes", json!({})).await;
    items(&list, "mailboxes")[0]["id"].as_u64().expect("mailbox id")
}

#[tokio::test]
async fn lists_and_gets_mailboxes() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_mailboxes", json!({})).await;
    assert_compact(&list);
    let mailboxes = items(&list, "mailboxes");
    assert!(!mailboxes.is_empty());
    assert!(mailboxes
        .iter()
        .all(|m| m["id"].is_u64() && m["name"].is_string() && m["email"].is_string()));
    assert_eq!(list["page"], 1);

    let id = mailboxes[0]["id"].as_u64().unwrap();
    let mailbox = h.ok("get_mailbox", json!({"mailbox_id": id})).await;
    assert_compact(&mailbox);
    assert_eq!(mailbox["id"], id);
    assert_eq!(mailbox["name"], mailboxes[0]["name"]);
    let last = h.fake.requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.clone()),
        ("GET", format!("/v2/mailboxes/{id}"))
    );
}

#[tokio::test]
async fn missing_mailbox_is_a_clear_404() {
    let h = Harness::new(AccessLevel::Read).await;
    let text = h.err("get_mailbox", json!({"mailbox_id": 987_654_321u64})).await;
    assert!(text.contains("HTTP 404"), "{text}");
    assert!(text.contains("Not found"), "{text}");
}

#[tokio::test]
async fn page_zero_is_rejected_before_calling_help_scout() {
    let h = Harness::new(AccessLevel::Read).await;
    let text = h.err("list_mailboxes", json!({"page": 0})).await;
    assert!(text.contains("`page`"), "{text}");
    let text = h.err("get_mailbox", json!({"mailbox_id": "one"})).await;
    assert!(text.contains("`mailbox_id`"), "{text}");
    assert!(h.fake.requests().iter().all(|r| !r.path.starts_with("/v2/mailboxes")));
}

#[tokio::test]
async fn lists_custom_fields_with_dropdown_options() {
    let h = Harness::new(AccessLevel::Read).await;
    let mailboxes = h.ok("list_mailboxes", json!({})).await;
    // Not every seeded inbox need have fields; at least one has a dropdown.
    let mut dropdown = None;
    for mailbox in items(&mailboxes, "mailboxes") {
        let id = mailbox["id"].as_u64().unwrap();
        let fields = h.ok("list_mailbox_fields", json!({"mailbox_id": id})).await;
        assert_compact(&fields);
        if let Some(field) = fields["fields"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["type"] == "dropdown"))
        {
            dropdown = Some(field.clone());
            break;
        }
    }
    let dropdown = dropdown.expect("a seeded dropdown field");
    assert!(dropdown["id"].is_u64() && dropdown["name"].is_string());
    let options = items(&dropdown, "options");
    assert!(!options.is_empty());
    assert!(
        options.iter().all(|o| o["id"].is_u64() && o["label"].is_string()),
        "{dropdown}"
    );
}

#[tokio::test]
async fn lists_folders() {
    let h = Harness::new(AccessLevel::Read).await;
    let id = first_mailbox_id(&h).await;
    let folders = h.ok("list_mailbox_folders", json!({"mailbox_id": id})).await;
    assert_compact(&folders);
    let folders = items(&folders, "folders");
    assert!(!folders.is_empty());
    assert!(folders
        .iter()
        .all(|f| f["id"].is_u64() && f["name"].is_string() && f["type"].is_string()));
    let last = h.fake.requests().pop().unwrap();
    assert_eq!(last.path, format!("/v2/mailboxes/{id}/folders"));
}

/// A mailbox that has saved replies, and their list.
async fn mailbox_with_saved_replies(h: &Harness) -> (u64, Vec<Value>) {
    let mailboxes = h.ok("list_mailboxes", json!({})).await;
    for mailbox in items(&mailboxes, "mailboxes") {
        let id = mailbox["id"].as_u64().unwrap();
        let replies = h.ok("list_saved_replies", json!({"mailbox_id": id})).await;
        if let Some(list) = replies["savedReplies"].as_array().filter(|l| !l.is_empty()) {
            return (id, list.clone());
        }
    }
    panic!("no seeded mailbox has saved replies");
}

#[tokio::test]
async fn lists_saved_replies_from_a_bare_array() {
    let h = Harness::new(AccessLevel::Read).await;
    let (mailbox_id, replies) = mailbox_with_saved_replies(&h).await;
    assert!(replies.iter().all(|r| r["id"].is_u64() && r["name"].is_string()));

    let with_chat = h
        .ok(
            "list_saved_replies",
            json!({"mailbox_id": mailbox_id, "include_chat_replies": true}),
        )
        .await;
    assert_compact(&with_chat);
    assert!(items(&with_chat, "savedReplies").len() >= replies.len());
    assert_eq!(with_chat["total"], items(&with_chat, "savedReplies").len());
    assert!(
        with_chat.get("next").is_none(),
        "saved replies are not paged: {with_chat}"
    );
    let last = h.fake.requests().pop().unwrap();
    assert_eq!(last.path, format!("/v2/mailboxes/{mailbox_id}/saved-replies"));
    assert_eq!(last.query.as_deref(), Some("includeChatReplies=true"));
}

#[tokio::test]
async fn saved_reply_text_comes_back_as_plain_text() {
    let h = Harness::new(AccessLevel::Write).await;
    let mailbox_id = first_mailbox_id(&h).await;
    let created = h
        .ok(
            "create_saved_reply",
            json!({"mailbox_id": mailbox_id, "name": "Refund steps",
                   "text": "<p>Hello,</p><p>Open <b>Billing</b> and press <i>Refund</i>.</p>"}),
        )
        .await;
    let id = created["id"].as_u64().expect("numeric id");
    let reply = h
        .ok(
            "get_saved_reply",
            json!({"mailbox_id": mailbox_id, "saved_reply_id": id}),
        )
        .await;
    assert_compact(&reply);
    assert_eq!(reply["id"], id);
    assert_eq!(reply["name"], "Refund steps");
    let text = reply["text"].as_str().unwrap();
    assert!(
        text.contains("Hello,") && text.contains("Billing") && text.contains("Refund"),
        "{text}"
    );
    assert!(!text.contains('<'), "HTML left in {text}");
}

#[tokio::test]
async fn create_saved_reply_posts_json_and_returns_the_new_id() {
    let h = Harness::new(AccessLevel::Write).await;
    let mailbox_id = first_mailbox_id(&h).await;
    let created = h
        .ok(
            "create_saved_reply",
            json!({"mailbox_id": mailbox_id, "name": "Greeting", "text": "<p>Hi!</p>", "chat_text": "Hi!"}),
        )
        .await;
    let id = created["id"].as_u64().expect("numeric id");
    assert_eq!(created, json!({"id": id}));

    let writes = h.writes();
    assert_eq!(writes.len(), 1);
    let post = &writes[0];
    assert_eq!(
        (post.method.as_str(), post.path.clone()),
        ("POST", format!("/v2/mailboxes/{mailbox_id}/saved-replies"))
    );
    assert!(
        post.content_type
            .as_deref()
            .unwrap_or("")
            .starts_with("application/json"),
        "{:?}",
        post.content_type
    );
    assert_eq!(
        post.body_json(),
        Some(json!({"name": "Greeting", "text": "<p>Hi!</p>", "chatText": "Hi!"}))
    );
    assert_eq!(post.status, 201);

    let list = h
        .ok(
            "list_saved_replies",
            json!({"mailbox_id": mailbox_id, "include_chat_replies": true}),
        )
        .await;
    assert!(items(&list, "savedReplies")
        .iter()
        .any(|r| r["id"] == id && r["name"] == "Greeting"));
}

#[tokio::test]
async fn update_saved_reply_puts_the_whole_reply() {
    let h = Harness::new(AccessLevel::Write).await;
    let (mailbox_id, replies) = mailbox_with_saved_replies(&h).await;
    let id = replies[0]["id"].as_u64().unwrap();
    let out = h
        .ok(
            "update_saved_reply",
            json!({"mailbox_id": mailbox_id, "saved_reply_id": id, "name": "Renamed", "text": "<p>New text</p>"}),
        )
        .await;
    assert_eq!(
        out,
        json!({"updated": true, "mailboxId": mailbox_id, "savedReplyId": id})
    );

    let writes = h.writes();
    assert_eq!(writes.len(), 1);
    let put = &writes[0];
    assert_eq!(
        (put.method.as_str(), put.path.clone()),
        ("PUT", format!("/v2/mailboxes/{mailbox_id}/saved-replies/{id}"))
    );
    assert!(put
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(
        put.body_json(),
        Some(json!({"name": "Renamed", "text": "<p>New text</p>"}))
    );

    let reply = h
        .ok(
            "get_saved_reply",
            json!({"mailbox_id": mailbox_id, "saved_reply_id": id}),
        )
        .await;
    assert_eq!(reply["name"], "Renamed");
    assert_eq!(reply["text"], "New text");
}

#[tokio::test]
async fn saved_reply_writes_validate_the_name() {
    let h = Harness::new(AccessLevel::Write).await;
    let mailbox_id = first_mailbox_id(&h).await;
    let text = h
        .err("create_saved_reply", json!({"mailbox_id": mailbox_id, "name": "  "}))
        .await;
    assert!(text.contains("`name`"), "{text}");
    let text = h
        .err(
            "update_saved_reply",
            json!({"mailbox_id": mailbox_id, "saved_reply_id": 1, "text": "x"}),
        )
        .await;
    assert!(text.contains("`name`"), "{text}");
    let text = h
        .err(
            "create_saved_reply",
            json!({"mailbox_id": mailbox_id, "name": "x", "body": "y"}),
        )
        .await;
    assert!(text.contains("body"), "unknown field should be named: {text}");
    assert!(h.writes().is_empty());
}

#[tokio::test]
async fn delete_saved_reply_removes_it() {
    let h = Harness::new(AccessLevel::Full).await;
    let (mailbox_id, replies) = mailbox_with_saved_replies(&h).await;
    let id = replies[0]["id"].as_u64().unwrap();
    let out = h
        .ok(
            "delete_saved_reply",
            json!({"mailbox_id": mailbox_id, "saved_reply_id": id}),
        )
        .await;
    assert_eq!(
        out,
        json!({"deleted": true, "mailboxId": mailbox_id, "savedReplyId": id})
    );

    let writes = h.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        (writes[0].method.as_str(), writes[0].path.clone(), writes[0].status),
        ("DELETE", format!("/v2/mailboxes/{mailbox_id}/saved-replies/{id}"), 204)
    );
    let list = h
        .ok(
            "list_saved_replies",
            json!({"mailbox_id": mailbox_id, "include_chat_replies": true}),
        )
        .await;
    assert!(items(&list, "savedReplies").iter().all(|r| r["id"] != id));
}

#[tokio::test]
async fn delete_saved_reply_needs_full_access() {
    let h = Harness::new(AccessLevel::Write).await;
    let names: Vec<String> = h.tools().await.into_iter().map(|t| t.name.to_string()).collect();
    assert!(names.contains(&"update_saved_reply".to_string()));
    assert!(!names.contains(&"delete_saved_reply".to_string()));
}

#[tokio::test]
async fn gets_routing() {
    let h = Harness::new(AccessLevel::Read).await;
    let id = first_mailbox_id(&h).await;
    let routing = h.ok("get_mailbox_routing", json!({"mailbox_id": id})).await;
    assert_compact(&routing);
    assert!(
        ["enabled", "disabled"].contains(&routing["state"].as_str().unwrap_or("")),
        "{routing}"
    );
    assert!(
        ["round_robin", "balanced"].contains(&routing["assignmentMethod"].as_str().unwrap_or("")),
        "{routing}"
    );
    assert!(routing["assignmentLimit"].is_u64(), "{routing}");
}

#[tokio::test]
async fn update_routing_puts_the_camel_case_body() {
    let h = Harness::new(AccessLevel::Write).await;
    let mailbox_id = first_mailbox_id(&h).await;
    let users = h.ok("list_users", json!({})).await;
    let user_id = items(&users, "users")[0]["id"].as_u64().unwrap();
    let out = h
        .ok(
            "update_mailbox_routing",
            json!({"mailbox_id": mailbox_id, "state": "enabled", "assignment_method": "balanced",
                   "assignment_limit": 7, "user_ids": [user_id]}),
        )
        .await;
    let sent = json!({"state": "enabled", "assignmentLimit": 7, "assignmentMethod": "balanced", "userIds": [user_id]});
    assert_eq!(out, json!({"updated": true, "mailboxId": mailbox_id, "routing": sent}));

    let writes = h.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        (writes[0].method.as_str(), writes[0].path.clone()),
        ("PUT", format!("/v2/mailboxes/{mailbox_id}/routing"))
    );
    assert!(writes[0]
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(writes[0].body_json(), Some(sent));

    let routing = h.ok("get_mailbox_routing", json!({"mailbox_id": mailbox_id})).await;
    assert_eq!(routing["state"], "enabled");
    assert_eq!(routing["assignmentMethod"], "balanced");
    assert_eq!(routing["assignmentLimit"], 7);
    assert_eq!(routing["userIds"], json!([user_id]));
}

#[tokio::test]
async fn update_routing_validates_before_sending() {
    let h = Harness::new(AccessLevel::Write).await;
    let base = json!({"mailbox_id": 1, "state": "enabled", "assignment_method": "round_robin",
                      "assignment_limit": 5, "user_ids": [1]});
    let with = |key: &str, value: Value| {
        let mut args = base.clone();
        args[key] = value;
        args
    };
    let cases = [
        (with("assignment_limit", json!(0)), "`assignment_limit`"),
        (with("assignment_limit", json!(101)), "`assignment_limit`"),
        (with("user_ids", json!([])), "`user_ids`"),
        (with("state", json!("on")), "`state`"),
        (with("assignment_method", json!("random")), "`assignment_method`"),
    ];
    for (args, field) in cases {
        let text = h.err("update_mailbox_routing", args.clone()).await;
        assert!(text.contains(field), "{args}: {text}");
    }
    // Disabling may leave the rotation empty.
    let mut disabled = with("user_ids", json!([]));
    disabled["state"] = json!("disabled");
    let mailbox_id = first_mailbox_id(&h).await;
    disabled["mailbox_id"] = json!(mailbox_id);
    h.ok("update_mailbox_routing", disabled).await;
    let writes = h.writes();
    assert_eq!(writes.len(), 1, "only the valid call reaches Help Scout");
    assert_eq!(writes[0].body_json().unwrap()["state"], "disabled");
}
