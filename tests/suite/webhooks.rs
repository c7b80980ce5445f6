#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `webhooks` toolset against the fake Help Scout. The fake,
//! like Help Scout, returns every webhook's secret on reads; no tool output may
//! contain one.

use crate::common;

use common::{assert_compact, items, last_get, single_write, text, Harness};
use fake_helpscout::ids::{
    BILLING_MAILBOX_ID, DISABLED_WEBHOOK_ID, DISABLED_WEBHOOK_SECRET, SUPPORT_MAILBOX_ID, WEBHOOK_ID, WEBHOOK_SECRET,
};
use helpscout_mcp::policy::AccessLevel;
use serde_json::{json, Value};

const NEW_SECRET: &str = "s3cr3t-for-the-receiver-only";

/// Calls a tool and checks that neither its structured nor its text content
/// carries any known secret.
async fn call_clean(h: &Harness, tool: &str, args: Value) -> Value {
    let result = h.call(tool, args).await;
    let all = format!("{} {:?}", text(&result), result.structured_content);
    for secret in [WEBHOOK_SECRET, DISABLED_WEBHOOK_SECRET, NEW_SECRET] {
        assert!(!all.contains(secret), "{tool} leaked a webhook secret: {all}");
    }
    assert!(!all.contains("\"secret\""), "{tool} output has a secret field: {all}");
    assert_ne!(result.is_error, Some(true), "{tool} failed: {}", text(&result));
    result.structured_content.unwrap()
}

#[tokio::test]
async fn lists_and_gets_webhooks_without_secrets() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = call_clean(&h, "list_webhooks", json!({"page": 1})).await;
    assert_compact(&list);
    assert_eq!(last_get(&h).path, "/v2/webhooks");
    let hooks = items(&list, "webhooks");
    assert_eq!(hooks.len(), 2);
    let crm = hooks.iter().find(|w| w["id"] == WEBHOOK_ID).unwrap();
    assert_eq!(crm["state"], "enabled");
    assert_eq!(crm["label"], "CRM sync");
    assert_eq!(crm["mailboxIds"], json!([SUPPORT_MAILBOX_ID, BILLING_MAILBOX_ID]));

    let hook = call_clean(&h, "get_webhook", json!({"webhook_id": DISABLED_WEBHOOK_ID})).await;
    assert_compact(&hook);
    assert_eq!(last_get(&h).path, format!("/v2/webhooks/{DISABLED_WEBHOOK_ID}"));
    assert_eq!(hook["state"], "disabled");
    assert_eq!(hook["notification"], true);
    assert_eq!(hook["events"], json!(["satisfaction.ratings"]));

    let missing = h.err("get_webhook", json!({"webhook_id": 123})).await;
    assert!(missing.contains("HTTP 404"), "{missing}");
}

#[tokio::test]
async fn create_webhook_posts_the_v2_body_and_returns_only_the_id() {
    let h = Harness::new(AccessLevel::Write).await;
    let created = call_clean(
        &h,
        "create_webhook",
        json!({"url": "https://receiver.example/helpscout", "secret": NEW_SECRET,
               "events": ["convo.created", "convo.customer.reply.created", "beacon.chat.created"],
               "mailbox_ids": [SUPPORT_MAILBOX_ID], "label": "Agent relay", "notification": false}),
    )
    .await;
    let id = created["id"].as_u64().expect("numeric id");
    assert_eq!(created, json!({"id": id}));
    let post = single_write(&h);
    assert_eq!(
        (post.method.as_str(), post.path.as_str(), post.status),
        ("POST", "/v2/webhooks", 201)
    );
    assert!(post
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(
        post.body_json(),
        Some(
            json!({"url": "https://receiver.example/helpscout", "secret": NEW_SECRET,
                    "events": ["convo.created", "convo.customer.reply.created", "beacon.chat.created"],
                    "mailboxIds": [SUPPORT_MAILBOX_ID], "label": "Agent relay", "notification": false,
                    "payloadVersion": "V2"})
        )
    );
    let hook = call_clean(&h, "get_webhook", json!({"webhook_id": id})).await;
    assert_eq!(hook["url"], "https://receiver.example/helpscout");
    assert_eq!(hook["events"].as_array().unwrap().len(), 3);
    call_clean(&h, "list_webhooks", json!({})).await;
}

#[tokio::test]
async fn webhook_writes_validate_url_events_and_secret() {
    let h = Harness::new(AccessLevel::Write).await;
    let base = json!({"url": "https://receiver.example/h", "secret": "abc", "events": ["tag.created"]});
    let with = |key: &str, value: Value| {
        let mut args = base.clone();
        args[key] = value;
        args
    };
    let long_secret = "x".repeat(41);
    for (args, field) in [
        (with("url", json!("http://receiver.example/h")), "`url`"),
        (with("url", json!("receiver.example")), "`url`"),
        (with("events", json!([])), "`events`"),
        (with("events", json!(["convo.tags.added"])), "events"),
        (with("secret", json!(long_secret)), "`secret`"),
        (with("secret", json!("")), "`secret`"),
        (with("payload_version", json!("V3")), "payload_version"),
    ] {
        let err = h.err("create_webhook", args.clone()).await;
        assert!(err.contains(field), "{args}: {err}");
        assert!(!err.contains(&long_secret), "a rejected secret was echoed: {err}");
    }
    assert!(h.writes().is_empty());
    // A mailbox Help Scout does not know is its own 400.
    let err = h.err("create_webhook", with("mailbox_ids", json!([999]))).await;
    assert!(err.contains("HTTP 400") && err.contains("mailboxIds"), "{err}");
}

#[tokio::test]
async fn update_webhook_replaces_the_definition() {
    let h = Harness::new(AccessLevel::Write).await;
    let out = call_clean(
        &h,
        "update_webhook",
        json!({"webhook_id": WEBHOOK_ID, "url": "https://hooks.fernwood-crm.example/v2",
               "events": ["customer.created", "customer.updated"], "secret": NEW_SECRET}),
    )
    .await;
    assert_eq!(out, json!({"updated": true, "webhookId": WEBHOOK_ID}));
    let put = single_write(&h);
    assert_eq!(
        (put.method.as_str(), put.path.clone(), put.status),
        ("PUT", format!("/v2/webhooks/{WEBHOOK_ID}"), 204)
    );
    assert!(put
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(
        put.body_json(),
        Some(
            json!({"url": "https://hooks.fernwood-crm.example/v2", "secret": NEW_SECRET,
                    "events": ["customer.created", "customer.updated"], "payloadVersion": "V2"})
        )
    );
    let hook = call_clean(&h, "get_webhook", json!({"webhook_id": WEBHOOK_ID})).await;
    assert_eq!(hook["url"], "https://hooks.fernwood-crm.example/v2");
    assert_eq!(hook["events"], json!(["customer.created", "customer.updated"]));

    let err = h
        .err(
            "update_webhook",
            json!({"webhook_id": WEBHOOK_ID, "url": "https://x.example", "events": ["tag.created"]}),
        )
        .await;
    assert!(err.contains("`secret`"), "the secret is required on update: {err}");
}

#[tokio::test]
async fn delete_webhook_removes_it() {
    let h = Harness::new(AccessLevel::Full).await;
    let out = call_clean(&h, "delete_webhook", json!({"webhook_id": DISABLED_WEBHOOK_ID})).await;
    assert_eq!(out, json!({"deleted": true, "webhookId": DISABLED_WEBHOOK_ID}));
    let delete = single_write(&h);
    assert_eq!(
        (delete.method.as_str(), delete.path.clone(), delete.status),
        ("DELETE", format!("/v2/webhooks/{DISABLED_WEBHOOK_ID}"), 204)
    );
    let list = call_clean(&h, "list_webhooks", json!({})).await;
    assert!(items(&list, "webhooks").iter().all(|w| w["id"] != DISABLED_WEBHOOK_ID));
    let gone = h
        .err("delete_webhook", json!({"webhook_id": DISABLED_WEBHOOK_ID}))
        .await;
    assert!(gone.contains("HTTP 404"), "{gone}");
}
