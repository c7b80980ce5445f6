#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `conversations` toolset (conversations, threads, attachments)
//! against the fake Help Scout. Every tool has a success case; writes are checked
//! at the request the fake received (method, path, body shape), and whether a
//! customer was emailed is checked against the fake's sent-email log.

use crate::common;

use base64::Engine as _;
use common::{assert_compact, items, last_get, param, single_write, text, Harness};
use fake_helpscout::ids;
use helpscout_mcp::policy::AccessLevel;
use rmcp::model::{ContentBlock, ResourceContents};
use serde_json::{json, Value};

/// An active conversation from the seed, found by listing.
async fn an_active_conversation(h: &Harness) -> Value {
    let list = h
        .ok(
            "list_conversations",
            json!({"status": "active", "mailbox_id": ids::SUPPORT_MAILBOX_ID}),
        )
        .await;
    items(&list, "conversations")[0].clone()
}

// ---------------------------------------------------------------------------------
// reading

#[tokio::test]
async fn list_conversations_is_compact_and_says_status_defaults_to_active() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_conversations", json!({})).await;
    assert_compact(&list);
    let conversations = items(&list, "conversations");
    assert!(!conversations.is_empty());
    assert!(conversations.iter().all(|c| c["status"] == "active"), "{list}");
    assert!(list["note"].as_str().unwrap().contains("status=all"), "{list}");
    let first = &conversations[0];
    assert!(
        first["id"].is_u64() && first["number"].is_u64() && first["subject"].is_string(),
        "{first}"
    );
    let customer = first["customer"].as_object().unwrap();
    assert!(
        customer
            .keys()
            .all(|k| ["id", "type", "name", "email"].contains(&k.as_str())),
        "{first}"
    );
    assert_eq!(
        param(&last_get(&h), "status"),
        None,
        "no status sent: Help Scout's default applies"
    );

    let all = h.ok("list_conversations", json!({"status": "all"})).await;
    assert!(
        all["total"].as_u64().unwrap() > list["total"].as_u64().unwrap(),
        "status=all includes more: {all}"
    );
    assert!(all.get("note").is_none());
    assert!(items(&all, "conversations").len() <= 25);
    assert_eq!(all["next"], "call list_conversations again with page=2 for more");
    let page2 = h.ok("list_conversations", json!({"status": "all", "page": 2})).await;
    assert_eq!(page2["page"], 2);
    assert_ne!(
        items(&page2, "conversations")[0]["id"],
        items(&all, "conversations")[0]["id"]
    );
}

#[tokio::test]
async fn list_conversations_sends_filters_in_help_scout_form() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h
        .ok(
            "list_conversations",
            json!({
                "mailbox_id": ids::SUPPORT_MAILBOX_ID,
                "status": "all",
                "modified_since": "2020-01-01T02:00:00.123+02:00",
                "sort_field": "modifiedAt",
                "sort_order": "asc",
                "embed_threads": true,
            }),
        )
        .await;
    assert_compact(&list);
    let request = last_get(&h);
    assert_eq!(request.path, "/v2/conversations");
    // Milliseconds dropped and the offset normalised to UTC (catalogue 4.10).
    assert_eq!(
        param(&request, "modifiedSince").as_deref(),
        Some("2020-01-01T00:00:00Z")
    );
    assert_eq!(param(&request, "mailbox").as_deref(), Some("301"));
    assert_eq!(param(&request, "sortField").as_deref(), Some("modifiedAt"));
    assert_eq!(param(&request, "sortOrder").as_deref(), Some("asc"));
    assert_eq!(param(&request, "embed").as_deref(), Some("threads"));
    let conversations = items(&list, "conversations");
    assert!(conversations.iter().all(|c| c["mailboxId"] == ids::SUPPORT_MAILBOX_ID));
    let threads = items(&conversations[0], "threads");
    assert!(
        threads
            .iter()
            .all(|t| !t["text"].as_str().unwrap_or("").contains("<p>")),
        "{threads:?}"
    );

    // Search syntax (catalogue 4.9) and the number filter.
    let vip = h
        .ok("list_conversations", json!({"status": "all", "query": "(tag:\"vip\")"}))
        .await;
    let vip = items(&vip, "conversations");
    assert!(!vip.is_empty());
    assert!(vip.iter().all(|c| items(c, "tags").contains(&json!("vip"))), "{vip:?}");
    let number = vip[0]["number"].as_u64().unwrap();
    let by_number = h
        .ok("list_conversations", json!({"status": "all", "number": number}))
        .await;
    assert_eq!(items(&by_number, "conversations").len(), 1);
    assert_eq!(items(&by_number, "conversations")[0]["id"], vip[0]["id"]);

    let filtered = h
        .ok(
            "list_conversations",
            json!({"status": "all", "tag": "vip", "custom_fields_by_ids": [{"id": ids::PRIORITY_FIELD_ID, "value": ids::PRIORITY_HIGH_OPTION_ID.to_string()}]}),
        )
        .await;
    assert_compact(&filtered);
    let request = last_get(&h);
    assert_eq!(param(&request, "tag").as_deref(), Some("vip"));
    assert_eq!(
        param(&request, "customFieldsByIds"),
        Some(format!("{}:{}", ids::PRIORITY_FIELD_ID, ids::PRIORITY_HIGH_OPTION_ID))
    );
}

#[tokio::test]
async fn bad_arguments_name_the_field_and_the_server_keeps_serving() {
    let h = Harness::new(AccessLevel::Full).await;
    let text = h
        .err("list_conversations", json!({"modified_since": "last tuesday"}))
        .await;
    assert!(text.contains("`modified_since`") && text.contains("RFC 3339"), "{text}");
    let text = h.err("list_conversations", json!({"status": "open-ish"})).await;
    assert!(text.contains("`status`"), "{text}");
    let text = h.err("get_conversation", json!({"conversation_id": "abc"})).await;
    assert!(text.contains("`conversation_id`"), "{text}");
    let text = h
        .err("get_conversation", json!({"conversation_id": 1, "embed": "threads"}))
        .await;
    assert!(text.contains("embed"), "unknown field named: {text}");
    let text = h
        .err(
            "snooze_conversation",
            json!({"conversation_id": 1, "snoozed_until": "2001-01-01T00:00:00Z"}),
        )
        .await;
    assert!(text.contains("`snoozed_until`") && text.contains("past"), "{text}");
    let text = h
        .err(
            "schedule_thread",
            json!({"conversation_id": 1, "thread_id": 2, "scheduled_for": "2999-01-01T00:00:00Z"}),
        )
        .await;
    assert!(text.contains("`scheduled_for`") && text.contains("2100"), "{text}");
    let text = h
        .err(
            "send_reply",
            json!({"conversation_id": 1, "text": "Hi", "cc": ["not-an-email"]}),
        )
        .await;
    assert!(text.contains("`cc[0]`"), "{text}");
    let text = h
        .err(
            "set_conversation_tags",
            json!({"conversation_id": 1, "tags": ["ok", " "]}),
        )
        .await;
    assert!(text.contains("`tags[1]`"), "{text}");
    assert!(h.writes().is_empty(), "nothing reached Help Scout: {:?}", h.writes());
    assert!(h
        .fake
        .requests()
        .iter()
        .all(|r| !r.path.starts_with("/v2/conversations")));

    let list = h.ok("list_conversations", json!({})).await;
    assert!(!items(&list, "conversations").is_empty());
}

#[tokio::test]
async fn get_conversation_returns_plain_text_threads() {
    let h = Harness::new(AccessLevel::Read).await;
    let conversation = an_active_conversation(&h).await;
    let id = conversation["id"].as_u64().unwrap();
    let full = h.ok("get_conversation", json!({"conversation_id": id})).await;
    assert_compact(&full);
    assert_eq!(full["id"], id);
    assert_eq!(full["subject"], conversation["subject"]);
    assert!(full.get("mergedInto").is_none());
    let threads = items(&full, "threads");
    assert!(!threads.is_empty());
    for t in threads {
        let text = t["text"].as_str().unwrap_or("");
        assert!(
            !text.contains("<p") && !text.contains("<br") && !text.contains("<div"),
            "HTML left in {t}"
        );
        assert!(t["createdAt"].is_string(), "{t}");
    }
    assert_eq!(param(&last_get(&h), "embed").as_deref(), Some("threads"));

    let bare = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert!(bare.get("threads").is_none());
    assert_eq!(param(&last_get(&h), "embed"), None);
}

#[tokio::test]
async fn merged_conversation_is_followed_once() {
    let h = Harness::new(AccessLevel::Read).await;
    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": ids::MERGED_CONVERSATION_ID}),
        )
        .await;
    assert_eq!(got["id"], ids::MERGE_TARGET_CONVERSATION_ID);
    assert_eq!(got["mergedInto"], ids::MERGE_TARGET_CONVERSATION_ID);
    assert!(got["note"].as_str().unwrap().contains("merged"), "{got}");
    let gets: Vec<String> = h
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/v2/conversations"))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        gets,
        [
            format!("/v2/conversations/{}", ids::MERGED_CONVERSATION_ID),
            format!("/v2/conversations/{}", ids::MERGE_TARGET_CONVERSATION_ID)
        ]
    );

    // Writes on the old id are 404 in Help Scout; the error says the id may be merged.
    let h = Harness::new(AccessLevel::Write).await;
    let text = h
        .err(
            "update_conversation_status",
            json!({"conversation_id": ids::MERGED_CONVERSATION_ID, "status": "closed"}),
        )
        .await;
    assert!(text.contains("404") && text.contains("merged"), "{text}");
}

#[tokio::test]
async fn v3_reads_keep_system_user_types() {
    let h = Harness::new(AccessLevel::Read).await;
    let id = ids::SYSTEM_USER_CONVERSATION_ID;
    let v2 = h.ok("get_conversation", json!({"conversation_id": id})).await;
    assert_eq!(v2["createdBy"]["type"], "user");
    let v3 = h.ok("get_conversation_v3", json!({"conversation_id": id})).await;
    assert_compact(&v3);
    assert_eq!(v3["createdBy"]["type"], "system_user");
    assert_eq!(v3["createdBy"]["id"], v2["createdBy"]["id"]);
    assert_eq!(last_get(&h).path, format!("/v3/conversations/{id}"));

    let threads = h.ok("list_threads_v3", json!({"conversation_id": id})).await;
    assert_compact(&threads);
    assert_eq!(last_get(&h).path, format!("/v3/conversations/{id}/threads"));
    assert!(
        items(&threads, "threads")
            .iter()
            .any(|t| t["createdBy"]["type"] == "system_user"),
        "{threads}"
    );
    let v2_threads = h.ok("list_threads", json!({"conversation_id": id})).await;
    assert!(items(&v2_threads, "threads")
        .iter()
        .all(|t| t["createdBy"]["type"] != "system_user"));
}

#[tokio::test]
async fn list_threads_has_full_text_and_attachments() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h
        .ok(
            "list_threads",
            json!({"conversation_id": ids::ATTACHMENT_CONVERSATION_ID}),
        )
        .await;
    assert_compact(&list);
    assert_eq!(list["conversationId"], ids::ATTACHMENT_CONVERSATION_ID);
    assert_eq!(
        last_get(&h).path,
        format!("/v2/conversations/{}/threads", ids::ATTACHMENT_CONVERSATION_ID)
    );
    let thread = items(&list, "threads")
        .iter()
        .find(|t| t["id"] == ids::ATTACHMENT_THREAD_ID)
        .expect("seeded thread");
    let files = items(thread, "attachments");
    assert_eq!(files.len(), 3);
    let png = files.iter().find(|a| a["id"] == ids::PNG_ATTACHMENT_ID).unwrap();
    assert_eq!(
        (png["fileName"].as_str(), png["mimeType"].as_str()),
        (Some("screenshot.png"), Some("image/png"))
    );

    // The 100-thread conversation pages at 50.
    let full = h
        .ok("list_threads", json!({"conversation_id": ids::FULL_CONVERSATION_ID}))
        .await;
    assert_eq!(items(&full, "threads").len(), 50);
    assert_eq!(full["total"], 100);
    assert_eq!(full["next"], "call list_threads again with page=2 for more");
}

#[tokio::test]
async fn original_source_is_the_raw_email() {
    let h = Harness::new(AccessLevel::Read).await;
    let (cid, tid) = (ids::ATTACHMENT_CONVERSATION_ID, ids::ATTACHMENT_THREAD_ID);
    let source = h
        .ok(
            "get_thread_original_source",
            json!({"conversation_id": cid, "thread_id": tid}),
        )
        .await;
    let original = source["original"].as_str().unwrap();
    assert!(
        original.contains("Message-ID:") && original.contains("Subject:"),
        "{original}"
    );
    assert_eq!(source["truncated"], false);
    let request = last_get(&h);
    assert_eq!(
        request.path,
        format!("/v2/conversations/{cid}/threads/{tid}/original-source")
    );
}

// ---------------------------------------------------------------------------------
// creating conversations: who gets emailed

#[tokio::test]
async fn create_conversation_never_emails() {
    let h = Harness::new(AccessLevel::Write).await;
    h.fake.clear_requests();
    let created = h
        .ok(
            "create_conversation",
            json!({
                "subject": "Call about invoice",
                "mailbox_id": ids::SUPPORT_MAILBOX_ID,
                "customer": {"email": "new.person@example.org", "first_name": "New", "last_name": "Person"},
                "type": "phone",
                "threads": [{"type": "phone", "text": "Customer called about <b>invoice 4471</b>."},
                            {"type": "note", "text": "Follow up tomorrow."}],
                "tags": ["billing", "phone"],
            }),
        )
        .await;
    let id = created["id"].as_u64().expect("created id");
    assert_eq!(
        (created["emailed"].as_bool(), created["draft"].as_bool()),
        (Some(false), Some(false))
    );
    let write = single_write(&h);
    assert_eq!(
        (write.method.as_str(), write.path.as_str()),
        ("POST", "/v2/conversations")
    );
    let body = write.body_json().unwrap();
    assert_eq!(
        body["customer"],
        json!({"email": "new.person@example.org", "firstName": "New", "lastName": "Person"})
    );
    assert_eq!(body["mailboxId"], ids::SUPPORT_MAILBOX_ID);
    assert_eq!(body["threads"][0]["type"], "phone");
    assert!(body.get("autoReply").is_none());
    let got = h.ok("get_conversation", json!({"conversation_id": id})).await;
    assert_eq!(got["subject"], "Call about invoice");
    assert!(h.fake.sent_emails().is_empty());

    // A draft reply makes a draft conversation, still without email.
    h.fake.clear_requests();
    let draft = h
        .ok(
            "create_conversation",
            json!({
                "subject": "Your refund",
                "mailbox_id": ids::BILLING_MAILBOX_ID,
                "customer": {"id": ids::CUSTOMER_ID},
                "threads": [{"type": "reply", "text": "Hi Maria, your refund is on its way.", "draft": true}],
            }),
        )
        .await;
    assert_eq!(
        (draft["emailed"].as_bool(), draft["draft"].as_bool()),
        (Some(false), Some(true))
    );
    let body = single_write(&h).body_json().unwrap();
    assert_eq!(body["threads"][0]["draft"], true);
    assert_eq!(body["customer"], json!({"id": ids::CUSTOMER_ID}));
    assert!(h.fake.sent_emails().is_empty());
}

#[tokio::test]
async fn create_conversation_refuses_a_reply_that_would_be_emailed() {
    let h = Harness::new(AccessLevel::Write).await;
    let text = h
        .err(
            "create_conversation",
            json!({
                "subject": "Hello",
                "mailbox_id": ids::SUPPORT_MAILBOX_ID,
                "customer": {"id": ids::CUSTOMER_ID},
                "threads": [{"type": "customer", "text": "Question"}, {"type": "reply", "text": "Answer"}],
            }),
        )
        .await;
    assert!(
        text.contains("`threads[1]`") && text.contains("send_new_conversation"),
        "{text}"
    );
    assert!(h.writes().is_empty());
    // Imported history is fine: it sends nothing.
    let imported = h
        .ok(
            "create_conversation",
            json!({
                "subject": "Old thread",
                "mailbox_id": ids::SUPPORT_MAILBOX_ID,
                "customer": {"id": ids::CUSTOMER_ID},
                "imported": true,
                "created_at": "2023-05-01T10:00:00Z",
                "threads": [{"type": "customer", "text": "Question"}, {"type": "reply", "text": "Answer"}],
            }),
        )
        .await;
    assert_eq!(imported["emailed"], false);
    assert_eq!(single_write(&h).body_json().unwrap()["imported"], true);
    assert!(h.fake.sent_emails().is_empty());
    // The write tool is invisible to nobody, but send_new_conversation needs full access.
    let text = h.err("send_new_conversation", json!({})).await;
    assert!(text.contains("full"), "{text}");
}

#[tokio::test]
async fn send_new_conversation_emails_the_customer() {
    let h = Harness::new(AccessLevel::Full).await;
    h.fake.clear_requests();
    let sent = h
        .ok(
            "send_new_conversation",
            json!({
                "subject": "Your account",
                "mailbox_id": ids::SUPPORT_MAILBOX_ID,
                "customer": {"id": ids::CUSTOMER_ID},
                "threads": [{"type": "reply", "text": "Hi Maria, <p>your account is ready.</p>"}],
            }),
        )
        .await;
    assert_eq!(
        (sent["emailed"].as_bool(), sent["draft"].as_bool()),
        (Some(true), Some(false))
    );
    let id = sent["id"].as_u64().unwrap();
    let body = single_write(&h).body_json().unwrap();
    assert_eq!(body["threads"][0]["draft"], false);
    let emails = h.fake.sent_emails();
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert_eq!(emails[0].conversation_id, id);
    assert!(emails[0].to.contains(&ids::CUSTOMER_EMAIL.to_string()), "{emails:?}");
}

// ---------------------------------------------------------------------------------
// the split PATCH tools: single-object bodies (catalogue 4.6)

fn assert_patch(h: &Harness, path: &str, expected: Value) {
    let write = single_write(h);
    assert_eq!((write.method.as_str(), write.path.as_str()), ("PATCH", path));
    let body = write.body_json().unwrap();
    assert!(body.is_object(), "PATCH body must be an object, not an array: {body}");
    assert_eq!(body, expected);
    assert!(
        write
            .content_type
            .as_deref()
            .unwrap_or("")
            .starts_with("application/json"),
        "{write:?}"
    );
}

#[tokio::test]
async fn conversation_patches_are_single_objects() {
    let h = Harness::new(AccessLevel::Write).await;
    let conversation = an_active_conversation(&h).await;
    let id = conversation["id"].as_u64().unwrap();
    let path = format!("/v2/conversations/{id}");

    h.fake.clear_requests();
    let done = h
        .ok(
            "update_conversation_status",
            json!({"conversation_id": id, "status": "closed"}),
        )
        .await;
    assert_eq!(done, json!({"conversationId": id, "status": "closed"}));
    assert_patch(
        &h,
        &path,
        json!({"op": "replace", "path": "/status", "value": "closed"}),
    );

    h.fake.clear_requests();
    h.ok(
        "assign_conversation",
        json!({"conversation_id": id, "user_id": ids::ADMIN_USER_ID}),
    )
    .await;
    assert_patch(
        &h,
        &path,
        json!({"op": "replace", "path": "/assignTo", "value": ids::ADMIN_USER_ID}),
    );
    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert_eq!(got["assignee"]["id"], ids::ADMIN_USER_ID);
    assert_eq!(got["status"], "closed");

    h.fake.clear_requests();
    h.ok("unassign_conversation", json!({"conversation_id": id})).await;
    assert_patch(&h, &path, json!({"op": "remove", "path": "/assignTo"}));

    h.fake.clear_requests();
    h.ok(
        "move_conversation",
        json!({"conversation_id": id, "mailbox_id": ids::SALES_MAILBOX_ID}),
    )
    .await;
    assert_patch(
        &h,
        &path,
        json!({"op": "move", "path": "/mailboxId", "value": ids::SALES_MAILBOX_ID}),
    );

    h.fake.clear_requests();
    h.ok(
        "update_conversation_subject",
        json!({"conversation_id": id, "subject": "  Renamed  "}),
    )
    .await;
    assert_patch(
        &h,
        &path,
        json!({"op": "replace", "path": "/subject", "value": "Renamed"}),
    );

    let other_customer = ids::CUSTOMER_ID + 1;
    h.fake.clear_requests();
    h.ok(
        "change_conversation_customer",
        json!({"conversation_id": id, "customer_id": other_customer}),
    )
    .await;
    assert_patch(
        &h,
        &path,
        json!({"op": "replace", "path": "/primaryCustomer.id", "value": other_customer}),
    );

    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert!(got.get("assignee").is_none(), "{got}");
    assert_eq!(got["mailboxId"], ids::SALES_MAILBOX_ID);
    assert_eq!(got["subject"], "Renamed");
    assert_eq!(got["customer"]["id"], other_customer);
    assert!(h.fake.sent_emails().is_empty());
}

#[tokio::test]
async fn publishing_a_draft_conversation_sends_it() {
    let h = Harness::new(AccessLevel::Full).await;
    let id = ids::DRAFT_CONVERSATION_ID;
    let before = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert_eq!(before["state"], "draft");
    h.fake.clear_requests();
    let done = h.ok("publish_draft_conversation", json!({"conversation_id": id})).await;
    assert_eq!(done["emailed"], true);
    assert_patch(
        &h,
        &format!("/v2/conversations/{id}"),
        json!({"op": "replace", "path": "/draft", "value": false}),
    );
    let emails = h.fake.sent_emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].via, "draft_published");
}

#[tokio::test]
async fn delete_conversation_removes_it() {
    let h = Harness::new(AccessLevel::Full).await;
    let id = an_active_conversation(&h).await["id"].as_u64().unwrap();
    h.fake.clear_requests();
    let done = h.ok("delete_conversation", json!({"conversation_id": id})).await;
    assert_eq!(done, json!({"conversationId": id, "deleted": true}));
    let write = single_write(&h);
    assert_eq!(
        (write.method.as_str(), write.path.clone()),
        ("DELETE", format!("/v2/conversations/{id}"))
    );
    let text = h.err("get_conversation", json!({"conversation_id": id})).await;
    assert!(text.contains("404"), "{text}");
}

// ---------------------------------------------------------------------------------
// tags, custom fields, snooze

#[tokio::test]
async fn tag_tools_read_modify_write() {
    let h = Harness::new(AccessLevel::Full).await;
    let conversation = an_active_conversation(&h).await;
    let id = conversation["id"].as_u64().unwrap();
    let before: Vec<String> = conversation["tags"]
        .as_array()
        .map(|t| t.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();

    h.fake.clear_requests();
    let added = h
        .ok(
            "add_conversation_tags",
            json!({"conversation_id": id, "tags": ["needs-review", "VIP-followup"]}),
        )
        .await;
    let mut expected = before.clone();
    expected.extend(["needs-review".to_string(), "VIP-followup".to_string()]);
    let requests = h.fake.requests();
    let methods: Vec<&str> = requests
        .iter()
        .filter(|r| !r.path.ends_with("/oauth2/token"))
        .map(|r| r.method.as_str())
        .collect();
    assert_eq!(methods, ["GET", "PUT"], "read, then write the union");
    let put = single_write(&h);
    assert_eq!(put.path, format!("/v2/conversations/{id}/tags"));
    assert_eq!(put.body_json().unwrap(), json!({"tags": expected}));
    assert_eq!(added["tags"], json!(expected));

    h.fake.clear_requests();
    h.ok(
        "remove_conversation_tags",
        json!({"conversation_id": id, "tags": ["needs-review"]}),
    )
    .await;
    let mut remaining = before.clone();
    remaining.push("vip-followup".to_string());
    let put = single_write(&h).body_json().unwrap();
    let put_tags: Vec<String> = put["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_lowercase())
        .collect();
    assert_eq!(put_tags, remaining.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>());
    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert!(!items(&got, "tags").contains(&json!("needs-review")), "{got}");

    // Removing a tag the conversation does not have writes nothing.
    h.fake.clear_requests();
    let unchanged = h
        .ok(
            "remove_conversation_tags",
            json!({"conversation_id": id, "tags": ["never-there"]}),
        )
        .await;
    assert_eq!(unchanged["unchanged"], true);
    assert!(h.writes().is_empty());

    h.fake.clear_requests();
    let set = h
        .ok(
            "set_conversation_tags",
            json!({"conversation_id": id, "tags": ["billing"]}),
        )
        .await;
    assert_eq!(set["tags"], json!(["billing"]));
    let put = single_write(&h);
    assert_eq!(
        (put.method.as_str(), put.body_json().unwrap()),
        ("PUT", json!({"tags": ["billing"]}))
    );
    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert_eq!(got["tags"], json!(["billing"]));
}

#[tokio::test]
async fn custom_fields_and_snooze() {
    let h = Harness::new(AccessLevel::Write).await;
    let id = an_active_conversation(&h).await["id"].as_u64().unwrap();

    h.fake.clear_requests();
    let high = ids::PRIORITY_HIGH_OPTION_ID.to_string();
    h.ok(
        "update_conversation_custom_fields",
        json!({"conversation_id": id, "fields": [{"id": ids::PRIORITY_FIELD_ID, "value": high}, {"id": ids::ORDER_NUMBER_FIELD_ID, "value": "A-1001"}]}),
    )
    .await;
    let put = single_write(&h);
    assert_eq!(
        (put.method.as_str(), put.path.clone()),
        ("PUT", format!("/v2/conversations/{id}/fields"))
    );
    assert_eq!(
        put.body_json().unwrap(),
        json!({"fields": [{"id": ids::PRIORITY_FIELD_ID, "value": high}, {"id": ids::ORDER_NUMBER_FIELD_ID, "value": "A-1001"}]})
    );
    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    let fields = items(&got, "customFields");
    assert!(
        fields
            .iter()
            .any(|f| f["id"] == ids::ORDER_NUMBER_FIELD_ID && f["value"] == "A-1001"),
        "{fields:?}"
    );

    h.fake.clear_requests();
    let snoozed = h
        .ok(
            "snooze_conversation",
            json!({"conversation_id": id, "snoozed_until": "2099-03-01T09:30:00.250+01:00"}),
        )
        .await;
    assert_eq!(snoozed["snoozedUntil"], "2099-03-01T08:30:00Z");
    let put = single_write(&h);
    assert_eq!(
        (put.method.as_str(), put.path.clone()),
        ("PUT", format!("/v2/conversations/{id}/snooze"))
    );
    assert_eq!(
        put.body_json().unwrap(),
        json!({"snoozedUntil": "2099-03-01T08:30:00Z", "unsnoozeOnCustomerReply": true})
    );
    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert!(got.get("snooze").is_some(), "{got}");

    h.fake.clear_requests();
    h.ok("unsnooze_conversation", json!({"conversation_id": id})).await;
    let delete = single_write(&h);
    assert_eq!(
        (delete.method.as_str(), delete.path.clone()),
        ("DELETE", format!("/v2/conversations/{id}/snooze"))
    );
    let got = h
        .ok(
            "get_conversation",
            json!({"conversation_id": id, "include_threads": false}),
        )
        .await;
    assert!(got.get("snooze").is_none(), "{got}");
}

// ---------------------------------------------------------------------------------
// replies and other threads

#[tokio::test]
async fn draft_reply_never_emails_and_send_reply_does() {
    let h = Harness::new(AccessLevel::Full).await;
    let conversation = an_active_conversation(&h).await;
    let id = conversation["id"].as_u64().unwrap();
    let customer_id = conversation["customer"]["id"].as_u64().unwrap();

    h.fake.clear_requests();
    let draft = h
        .ok(
            "create_draft_reply",
            json!({"conversation_id": id, "text": "Draft for review"}),
        )
        .await;
    assert_eq!(
        (draft["draft"].as_bool(), draft["emailed"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(draft["id"].is_u64(), "{draft}");
    // The customer id came from the conversation (catalogue 4.7).
    assert!(h
        .fake
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path == format!("/v2/conversations/{id}")));
    let post = single_write(&h);
    assert_eq!(
        (post.method.as_str(), post.path.clone()),
        ("POST", format!("/v2/conversations/{id}/reply"))
    );
    let body = post.body_json().unwrap();
    assert_eq!(body["draft"], true);
    assert_eq!(body["customer"], json!({"id": customer_id}));
    assert!(h.fake.sent_emails().is_empty(), "a draft reply emailed someone");

    h.fake.clear_requests();
    let sent = h
        .ok(
            "send_reply",
            json!({"conversation_id": id, "text": "Fixed now!", "status": "closed", "cc": ["boss@acme.test"]}),
        )
        .await;
    assert_eq!(
        (sent["draft"].as_bool(), sent["emailed"].as_bool()),
        (Some(false), Some(true))
    );
    let body = single_write(&h).body_json().unwrap();
    assert_eq!(body["draft"], false);
    assert_eq!(body["customer"], json!({"id": customer_id}));
    assert_eq!(body["status"], "closed");
    assert_eq!(body["cc"], json!(["boss@acme.test"]));
    let emails = h.fake.sent_emails();
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert_eq!(
        (emails[0].conversation_id, emails[0].thread_id),
        (id, sent["id"].as_u64().unwrap())
    );

    // An explicit customer id skips the lookup.
    h.fake.clear_requests();
    h.ok(
        "send_reply",
        json!({"conversation_id": id, "text": "One more thing", "customer_id": customer_id}),
    )
    .await;
    assert!(
        h.fake.requests().iter().all(|r| r.method != "GET"),
        "{:?}",
        h.fake.requests()
    );
}

#[tokio::test]
async fn a_full_conversation_gives_a_clear_412() {
    let h = Harness::new(AccessLevel::Full).await;
    let text = h
        .err(
            "create_note",
            json!({"conversation_id": ids::FULL_CONVERSATION_ID, "text": "One too many"}),
        )
        .await;
    assert!(text.contains("412") && text.contains("100-thread"), "{text}");
    let text = h
        .err(
            "send_reply",
            json!({"conversation_id": ids::FULL_CONVERSATION_ID, "text": "Hello"}),
        )
        .await;
    assert!(text.contains("412"), "{text}");
    assert!(h.fake.sent_emails().is_empty());
}

#[tokio::test]
async fn notes_customer_chat_and_phone_threads() {
    let h = Harness::new(AccessLevel::Write).await;
    let conversation = an_active_conversation(&h).await;
    let id = conversation["id"].as_u64().unwrap();
    let customer_id = conversation["customer"]["id"].as_u64().unwrap();

    h.fake.clear_requests();
    let note = h
        .ok(
            "create_note",
            json!({"conversation_id": id, "text": "Internal: <i>check logs</i>"}),
        )
        .await;
    assert_eq!(note["emailed"], false);
    let post = single_write(&h);
    assert_eq!(
        (post.method.as_str(), post.path.clone()),
        ("POST", format!("/v2/conversations/{id}/notes"))
    );
    assert_eq!(
        post.body_json().unwrap(),
        json!({"text": "Internal: <i>check logs</i>"})
    );

    for (tool, endpoint) in [
        ("create_customer_thread", "customer"),
        ("create_chat_thread", "chats"),
        ("create_phone_thread", "phones"),
    ] {
        h.fake.clear_requests();
        let created = h
            .ok(tool, json!({"conversation_id": id, "text": format!("via {tool}")}))
            .await;
        assert!(created["id"].is_u64(), "{tool}: {created}");
        let post = single_write(&h);
        assert_eq!(
            (post.method.as_str(), post.path.clone()),
            ("POST", format!("/v2/conversations/{id}/{endpoint}")),
            "{tool}"
        );
        let body = post.body_json().unwrap();
        assert_eq!(body["customer"], json!({"id": customer_id}), "{tool}");
        assert_eq!(body["text"], format!("via {tool}"));
    }

    h.fake.clear_requests();
    h.ok(
        "create_customer_thread",
        json!({"conversation_id": id, "text": "Old mail", "customer_email": "someone.else@example.org", "imported": true, "created_at": "2022-02-02T02:02:02Z"}),
    )
    .await;
    let body = single_write(&h).body_json().unwrap();
    assert_eq!(body["customer"], json!({"email": "someone.else@example.org"}));
    assert_eq!(
        (body["imported"].as_bool(), body["createdAt"].as_str()),
        (Some(true), Some("2022-02-02T02:02:02Z"))
    );

    let threads = h.ok("list_threads", json!({"conversation_id": id})).await;
    let texts: Vec<&str> = items(&threads, "threads")
        .iter()
        .filter_map(|t| t["text"].as_str())
        .collect();
    assert!(texts.contains(&"Internal: check logs"), "{texts:?}");
    assert!(texts.contains(&"via create_phone_thread"), "{texts:?}");
    assert!(h.fake.sent_emails().is_empty());
}

#[tokio::test]
async fn thread_text_and_hidden_patches() {
    let h = Harness::new(AccessLevel::Write).await;
    let id = an_active_conversation(&h).await["id"].as_u64().unwrap();
    let threads = h.ok("list_threads", json!({"conversation_id": id})).await;
    let thread = items(&threads, "threads")
        .iter()
        .find(|t| t["type"] == "customer" && t["state"] == "published")
        .expect("a published customer thread")
        .clone();
    let tid = thread["id"].as_u64().unwrap();
    let path = format!("/v2/conversations/{id}/threads/{tid}");

    h.fake.clear_requests();
    h.ok(
        "update_thread_text",
        json!({"conversation_id": id, "thread_id": tid, "text": "Redacted"}),
    )
    .await;
    assert_patch(
        &h,
        &path,
        json!({"op": "replace", "path": "/text", "value": "Redacted"}),
    );

    h.fake.clear_requests();
    let hidden = h
        .ok(
            "set_thread_hidden",
            json!({"conversation_id": id, "thread_id": tid, "hidden": true}),
        )
        .await;
    assert_eq!(hidden["hidden"], true);
    assert_patch(&h, &path, json!({"op": "replace", "path": "/hidden", "value": true}));
}

#[tokio::test]
async fn scheduling_threads() {
    let h = Harness::new(AccessLevel::Full).await;
    let (cid, tid) = (ids::DRAFT_REPLY_CONVERSATION_ID, ids::DRAFT_REPLY_THREAD_ID);
    let path = format!("/v2/conversations/{cid}/threads/{tid}/schedule");

    h.fake.clear_requests();
    let scheduled = h
        .ok(
            "schedule_thread",
            json!({"conversation_id": cid, "thread_id": tid, "scheduled_for": "2098-12-24T18:00:00Z"}),
        )
        .await;
    assert_eq!(scheduled["scheduledFor"], "2098-12-24T18:00:00Z");
    let put = single_write(&h);
    assert_eq!((put.method.as_str(), put.path.as_str()), ("PUT", path.as_str()));
    assert_eq!(
        put.body_json().unwrap(),
        json!({"scheduledFor": "2098-12-24T18:00:00Z", "unscheduleOnCustomerReply": true})
    );
    assert!(h.fake.sent_emails().is_empty(), "scheduling sends later, not now");

    h.fake.clear_requests();
    h.ok("unschedule_thread", json!({"conversation_id": cid, "thread_id": tid}))
        .await;
    let delete = single_write(&h);
    assert_eq!(
        (delete.method.as_str(), delete.path.as_str()),
        ("DELETE", path.as_str())
    );

    let (cid, tid) = (ids::SCHEDULED_CONVERSATION_ID, ids::SCHEDULED_THREAD_ID);
    h.fake.clear_requests();
    let published = h
        .ok(
            "publish_thread_schedule",
            json!({"conversation_id": cid, "thread_id": tid}),
        )
        .await;
    assert_eq!(published["emailed"], true);
    assert_patch(
        &h,
        &format!("/v2/conversations/{cid}/threads/{tid}/schedule"),
        json!({"op": "replace", "path": "/state", "value": "published"}),
    );
    let emails = h.fake.sent_emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].via, "schedule_published");
}

// ---------------------------------------------------------------------------------
// attachments

#[tokio::test]
async fn images_come_back_as_image_content() {
    let h = Harness::new(AccessLevel::Read).await;
    let cid = ids::ATTACHMENT_CONVERSATION_ID;
    let result = h
        .call(
            "get_attachment",
            json!({"conversation_id": cid, "attachment_id": ids::PNG_ATTACHMENT_ID}),
        )
        .await;
    assert_ne!(result.is_error, Some(true), "{}", text(&result));
    let summary = result.structured_content.clone().unwrap();
    assert_eq!(
        (summary["mimeType"].as_str(), summary["content"].as_str()),
        (Some("image/png"), Some("image"))
    );
    let image = result
        .content
        .iter()
        .find_map(|c| c.as_image())
        .expect("an image block");
    assert_eq!(image.mime_type, "image/png");
    let bytes = base64::engine::general_purpose::STANDARD.decode(&image.data).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    assert_eq!(summary["size"], bytes.len());
    assert_eq!(
        last_get(&h).path,
        format!("/v2/conversations/{cid}/attachments/{}/data", ids::PNG_ATTACHMENT_ID)
    );

    let text_file = h
        .call(
            "get_attachment",
            json!({"conversation_id": cid, "attachment_id": ids::TEXT_ATTACHMENT_ID, "mime_type": "text/plain"}),
        )
        .await;
    let resource = text_file
        .content
        .iter()
        .find_map(|c| match c {
            ContentBlock::Resource(r) => Some(r.resource.clone()),
            _ => None,
        })
        .expect("a resource block");
    assert!(
        matches!(resource, ResourceContents::TextResourceContents { ref text, .. } if !text.is_empty()),
        "{resource:?}"
    );

    let pdf = h
        .call(
            "get_attachment",
            json!({"conversation_id": cid, "attachment_id": ids::PDF_ATTACHMENT_ID}),
        )
        .await;
    let blob = pdf
        .content
        .iter()
        .find_map(|c| match c {
            ContentBlock::Resource(r) => Some(r.resource.clone()),
            _ => None,
        })
        .expect("a resource block");
    match blob {
        ResourceContents::BlobResourceContents {
            mime_type, blob, uri, ..
        } => {
            assert_eq!(mime_type.as_deref(), Some("application/pdf"));
            assert!(base64::engine::general_purpose::STANDARD
                .decode(blob)
                .unwrap()
                .starts_with(b"%PDF"));
            assert!(uri.contains(&ids::PDF_ATTACHMENT_ID.to_string()));
        }
        other => panic!("expected a blob, got {other:?}"),
    }
}

#[tokio::test]
async fn upload_and_delete_attachments() {
    let h = Harness::new(AccessLevel::Full).await;
    let (cid, tid) = (ids::ATTACHMENT_CONVERSATION_ID, ids::ATTACHMENT_THREAD_ID);
    let data = base64::engine::general_purpose::STANDARD.encode(b"order,total\n4471,99.00\n");

    let text = h
        .err("upload_attachment", json!({"conversation_id": cid, "thread_id": tid, "file_name": "a.csv", "mime_type": "text/csv", "data": "%%%"}))
        .await;
    assert!(text.contains("`data`") && text.contains("base64"), "{text}");
    assert!(h.writes().is_empty());

    h.fake.clear_requests();
    let uploaded = h
        .ok("upload_attachment", json!({"conversation_id": cid, "thread_id": tid, "file_name": "orders.csv", "mime_type": "text/csv", "data": data}))
        .await;
    let aid = uploaded["id"].as_u64().expect("attachment id");
    assert_eq!(uploaded["size"], 23);
    let post = single_write(&h);
    assert_eq!(
        (post.method.as_str(), post.path.clone()),
        ("POST", format!("/v2/conversations/{cid}/threads/{tid}/attachments"))
    );
    assert_eq!(
        post.body_json().unwrap(),
        json!({"fileName": "orders.csv", "mimeType": "text/csv", "data": data})
    );

    let fetched = h
        .call("get_attachment", json!({"conversation_id": cid, "attachment_id": aid}))
        .await;
    assert_eq!(fetched.structured_content.clone().unwrap()["content"], "text");

    h.fake.clear_requests();
    let deleted = h
        .ok(
            "delete_attachment",
            json!({"conversation_id": cid, "attachment_id": aid}),
        )
        .await;
    assert_eq!(deleted["deleted"], true);
    let delete = single_write(&h);
    assert_eq!(
        (delete.method.as_str(), delete.path.clone()),
        ("DELETE", format!("/v2/conversations/{cid}/attachments/{aid}"))
    );
    let text = h
        .err("get_attachment", json!({"conversation_id": cid, "attachment_id": aid}))
        .await;
    assert!(text.contains("404"), "{text}");
}

#[tokio::test]
async fn every_conversations_tool_is_declared() {
    let h = Harness::new(AccessLevel::Full).await;
    let tools = h.tools().await;
    let contract = include_str!("../../tools/helpscout-api/tools.tsv");
    let expected: Vec<&str> = contract
        .lines()
        .skip(1)
        .filter(|l| l.split('\t').nth(1) == Some("conversations"))
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(expected.len(), 36);
    for name in expected {
        assert!(tools.iter().any(|t| t.name == name), "{name} is not served");
    }
}
