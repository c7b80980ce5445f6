#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `chat` toolset (Chat API v1, Beacon chats) against the fake.

use crate::common;

use std::collections::BTreeSet;

use common::{assert_compact, items, last_get, param, Harness};
use fake_helpscout::ids::{CHAT_CONVERSATION_ID, CHAT_ID, LONG_CHAT_EVENT_COUNT, LONG_CHAT_ID};
use helpscout_mcp::policy::AccessLevel;
use serde_json::json;

#[tokio::test]
async fn gets_a_chat_with_its_messages_and_timeline() {
    let h = Harness::new(AccessLevel::Read).await;
    let chat = h.ok("get_beacon_chat", json!({"chat_id": CHAT_ID})).await;
    assert_compact(&chat);
    assert_eq!(last_get(&h).path, format!("/chat/v1/{CHAT_ID}"));
    assert_eq!(chat["id"], CHAT_ID);
    assert!(
        chat["customer"]["name"].is_string() && chat["customer"]["type"] == "customer",
        "{chat}"
    );
    assert!(chat["assignee"]["name"].is_string(), "{chat}");
    assert!(chat["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["url"].is_string()));
    let events = items(&chat, "events");
    let actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.first(), Some(&"chat-started"));
    assert!(actions.contains(&"chat-accepted") && actions.contains(&"message-added"));
    assert!(events
        .iter()
        .filter(|e| e["type"] == "message")
        .all(|e| e["text"].is_string() && e["author"]["name"].is_string()));
    assert!(chat.get("more").is_none(), "a short chat is complete: {chat}");

    // The same chat as an Inbox conversation of type chat: same customer.
    let conv = h
        .ok("get_conversation", json!({"conversation_id": CHAT_CONVERSATION_ID}))
        .await;
    assert_eq!(conv["customer"]["id"], chat["customer"]["id"]);
}

#[tokio::test]
async fn pages_through_a_long_chats_events() {
    let h = Harness::new(AccessLevel::Read).await;
    let chat = h.ok("get_beacon_chat", json!({"chat_id": LONG_CHAT_ID})).await;
    assert_eq!(items(&chat, "events").len(), 50);
    assert!(
        chat["more"].as_str().unwrap().contains("list_beacon_chat_events"),
        "{chat}"
    );

    let first = h.ok("list_beacon_chat_events", json!({"chat_id": LONG_CHAT_ID})).await;
    assert_compact(&first);
    let get = last_get(&h);
    assert_eq!(
        (get.path.as_str(), get.query.as_deref()),
        (format!("/chat/v1/{LONG_CHAT_ID}/events").as_str(), None)
    );
    assert_eq!(items(&first, "events").len(), 50);
    assert_eq!(first["total"], LONG_CHAT_EVENT_COUNT);
    assert_eq!(first["next"], "call list_beacon_chat_events again with page=2 for more");

    let second = h
        .ok("list_beacon_chat_events", json!({"chat_id": LONG_CHAT_ID, "page": 2}))
        .await;
    assert_eq!(param(&last_get(&h), "page").as_deref(), Some("2"));
    let rest = items(&second, "events");
    assert_eq!(rest.len(), LONG_CHAT_EVENT_COUNT - 50);
    assert!(second.get("next").is_none());
    assert_eq!(rest.last().unwrap()["action"], "chat-ended");
    let unique: BTreeSet<&str> = items(&first, "events")
        .iter()
        .chain(rest)
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), LONG_CHAT_EVENT_COUNT, "events repeat across pages");
}

#[tokio::test]
async fn chat_ids_must_be_uuids() {
    let h = Harness::new(AccessLevel::Read).await;
    for bad in [json!("2000065"), json!("not-a-uuid"), json!(2000065)] {
        let err = h.err("get_beacon_chat", json!({"chat_id": bad})).await;
        assert!(err.contains("`chat_id`"), "{bad}: {err}");
    }
    let err = h
        .err(
            "list_beacon_chat_events",
            json!({"chat_id": "8c2b7e14-5d9a-4f3b-9e61-0a7d2c4b8f3"}),
        )
        .await;
    assert!(err.contains("UUID"), "{err}");
    assert!(
        h.fake.requests().iter().all(|r| !r.path.starts_with("/chat/")),
        "nothing reached the Chat API"
    );
    let missing = h
        .err(
            "get_beacon_chat",
            json!({"chat_id": "00000000-0000-4000-8000-000000000000"}),
        )
        .await;
    assert!(missing.contains("HTTP 404"), "{missing}");
    let page_zero = h
        .err("list_beacon_chat_events", json!({"chat_id": CHAT_ID, "page": 0}))
        .await;
    assert!(page_zero.contains("`page`"), "{page_zero}");
}
