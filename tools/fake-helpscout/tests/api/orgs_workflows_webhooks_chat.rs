#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fake's organizations, workflows, webhooks and Chat API over real HTTP.

use crate::common;

use common::Api;
use fake_helpscout::ids::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

impl Api {}

fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Help Scout's validation body: `(path, message)` of each field error.
async fn field_errors(resp: Response) -> Vec<(String, String)> {
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert!(body["logRef"].is_string(), "{body}");
    body["_embedded"]["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["path"].as_str().unwrap_or_default().to_string(),
                        e["message"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list["_embedded"][key]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

// ------------------------------------------------------------------ organizations

#[tokio::test]
async fn organizations_sort_with_one_sort_parameter() {
    let api = Api::new().await;
    let default = api.get_json("/v2/organizations").await;
    assert!(default["page"]["totalElements"].as_u64().unwrap() >= 3);
    let by_name = api.get_json("/v2/organizations?sort=name,asc").await;
    let mut sorted = names(&by_name, "organizations");
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names(&by_name, "organizations"), sorted);
    let desc = api.get_json("/v2/organizations?sort=name").await;
    assert_eq!(
        names(&desc, "organizations").first(),
        sorted.last(),
        "direction defaults to desc"
    );
    // sortField/sortOrder are not this endpoint's parameters: silently the default order.
    let ignored = api.get_json("/v2/organizations?sortField=name&sortOrder=asc").await;
    assert_eq!(names(&ignored, "organizations"), names(&default, "organizations"));
    let errors = field_errors(api.get("/v2/organizations?sort=size,asc").await).await;
    assert_eq!(errors[0].0, "sort");
}

#[tokio::test]
async fn organization_lifecycle() {
    let api = Api::new().await;
    let resp = api
        .send(
            Method::POST,
            "/v2/organizations",
            json!({"name": "Acme", "website": "https://acme.example", "domains": ["acme.example"],
                   "note": "n", "phones": ["+1 555"], "brandColor": "#112233"}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let id = header(&resp, "resource-id");
    assert_eq!(
        header(&resp, "location"),
        format!(
            "{}/v2/organizations/{id}?includeCounts=false&includeProperties=false",
            api.fake.base_url()
        )
    );
    assert!(resp.bytes().await.unwrap().is_empty());

    let org = api.get_json(&format!("/v2/organizations/{id}")).await;
    assert_eq!(org["note"], "n");
    assert!(org.get("customerCount").is_none() && org.get("properties").is_none());
    let counted = api
        .get_json(&format!(
            "/v2/organizations/{id}?includeCounts=true&includeProperties=true"
        ))
        .await;
    assert_eq!(
        (counted["customerCount"].as_u64(), counted["conversationCount"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        counted["properties"].as_array().unwrap().len(),
        ORG_PROPERTY_SLUGS.len()
    );

    // PUT is a complete update: omitted fields are cleared.
    let resp = api
        .send(
            Method::PUT,
            &format!("/v2/organizations/{id}"),
            json!({"name": "Acme Corp"}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let org = api.get_json(&format!("/v2/organizations/{id}")).await;
    assert_eq!(org["name"], "Acme Corp");
    assert_eq!(
        (org["website"].clone(), org["note"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!((org["domains"].clone(), org["phones"].clone()), (json!([]), json!([])));

    let errors = field_errors(
        api.send(
            Method::PUT,
            &format!("/v2/organizations/{id}"),
            json!({"brandColor": "red"}),
        )
        .await,
    )
    .await;
    let paths: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["name", "brandColor"]);

    let resp = api
        .send(Method::DELETE, &format!("/v2/organizations/{id}"), json!({}))
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("/v2/organizations/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn organization_members_and_conversations_are_paged() {
    let api = Api::new().await;
    let customers = api
        .get_json(&format!("/v2/organizations/{FIRST_ORGANIZATION_ID}/customers"))
        .await;
    let list = customers["_embedded"]["customers"].as_array().unwrap();
    assert!(list.iter().any(|c| c["id"] == CUSTOMER_ID));
    assert!(customers["page"]["number"] == 1 && customers["_links"]["self"].is_object());
    let convs = api
        .get_json(&format!("/v2/organizations/{FIRST_ORGANIZATION_ID}/conversations"))
        .await;
    assert!(convs["page"]["totalElements"].as_u64().unwrap() >= 1, "{convs}");
    let empty = api
        .get_json(&format!("/v2/organizations/{EMPTY_ORGANIZATION_ID}/conversations"))
        .await;
    assert_eq!(empty["page"]["totalElements"], 0);
    assert_eq!(
        api.get("/v2/organizations/1/customers").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn organization_properties() {
    let api = Api::new().await;
    let list = api.get_json("/v2/organizations/properties").await;
    assert!(list.get("page").is_none(), "definitions are not paged");
    let slugs: Vec<&str> = list["_embedded"]["organization-properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ORG_PROPERTY_SLUGS);

    // Values are strings whatever the type; the type decides what the string may say.
    let set = |slug: &str, value: Value| {
        api.send(
            Method::PUT,
            format!("/v2/organizations/{EMPTY_ORGANIZATION_ID}/properties/{slug}"),
            json!({"value": value}),
        )
    };
    assert_eq!(set("seats", json!("42")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        field_errors(set("seats", json!(42)).await).await[0].1,
        "must be a string"
    );
    assert_eq!(field_errors(set("seats", json!("lots")).await).await[0].0, "value");
    assert_eq!(
        field_errors(set("renewal-date", json!("2027-13-01")).await).await[0].0,
        "value"
    );
    assert_eq!(field_errors(set("plan", json!("Gold")).await).await[0].0, "value");
    assert_eq!(set("plan", json!("Starter")).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(set("nope", json!("x")).await.status(), StatusCode::NOT_FOUND);

    let resp = api
        .send(
            Method::POST,
            "/v2/organizations/properties",
            json!({"type": "dropdown", "slug": "tier", "name": "Tier", "options": [{"label": "A"}, {"label": "B"}]}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(header(&resp, "location").ends_with("/v2/organizations/properties/tier"));
    let dup = field_errors(
        api.send(
            Method::POST,
            "/v2/organizations/properties",
            json!({"type": "text", "slug": "tier", "name": "Tier"}),
        )
        .await,
    )
    .await;
    assert_eq!(dup[0].0, "slug");
    let typed = field_errors(
        api.send(
            Method::POST,
            "/v2/organizations/properties",
            json!({"type": "color", "slug": "hue", "name": "Hue", "options": [{"label": "x"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(typed[0].0, "type");

    // Replacing options drops the removed one and every value that used it.
    let resp = api
        .send(
            Method::PUT,
            "/v2/organizations/properties/plan",
            json!({"name": "Plan", "options": [{"label": "Pro"}, {"label": "Enterprise"}]}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let org = api
        .get_json(&format!(
            "/v2/organizations/{EMPTY_ORGANIZATION_ID}?includeProperties=true"
        ))
        .await;
    let plan = org["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "plan")
        .unwrap();
    assert_eq!(plan["value"], Value::Null, "Starter was removed: {plan}");
    let seats = org["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "seats")
        .unwrap();
    assert_eq!(seats["value"], "42");
    let immutable = field_errors(
        api.send(
            Method::PUT,
            "/v2/organizations/properties/plan",
            json!({"name": "Plan", "type": "text"}),
        )
        .await,
    )
    .await;
    assert_eq!(immutable[0].0, "type");
}

// ------------------------------------------------------------------ workflows

#[tokio::test]
async fn workflows_list_run_and_patch() {
    let api = Api::new().await;
    let manual = api
        .get_json(&format!("/v2/workflows?mailboxId={SUPPORT_MAILBOX_ID}&type=manual"))
        .await;
    let list = manual["_embedded"]["workflows"].as_array().unwrap();
    assert!(list
        .iter()
        .all(|w| w["type"] == "manual" && w["mailboxId"] == SUPPORT_MAILBOX_ID));
    assert!(list.iter().any(|w| w["id"] == ESCALATE_WORKFLOW_ID));

    let run = |workflow: u64, ids: Value| {
        api.send(
            Method::POST,
            format!("/v2/workflows/{workflow}/run"),
            json!({"conversationIds": ids}),
        )
    };
    let support = api
        .get_json(&format!("/v2/conversations?mailbox={SUPPORT_MAILBOX_ID}&status=all"))
        .await;
    let conv = support["_embedded"]["conversations"][0]["id"].as_u64().unwrap();
    let (fits, other) = (ESCALATE_WORKFLOW_ID, BILLING_WORKFLOW_ID);
    let errors = field_errors(run(other, json!([conv])).await).await;
    assert_eq!(errors[0].0, "conversationIds[0]");
    let too_many: Vec<u64> = vec![conv; 51];
    let errors = field_errors(run(fits, json!(too_many)).await).await;
    assert_eq!(
        errors[0],
        (
            "conversationIds".to_string(),
            "size must be between 1 and 50".to_string()
        )
    );
    let automatic = run(AUTOMATIC_WORKFLOW_ID, json!([conv])).await;
    assert_eq!(automatic.status(), StatusCode::BAD_REQUEST);
    assert_eq!(run(999, json!([conv])).await.status(), StatusCode::NOT_FOUND);

    assert_eq!(run(fits, json!([conv])).await.status(), StatusCode::NO_CONTENT);
    let threads = api.get_json(&format!("/v2/conversations/{conv}/threads")).await;
    assert!(threads["_embedded"]["threads"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["type"] == "lineitem" && t["action"]["type"] == "manual-workflow"));
    let conversation = api.get_json(&format!("/v2/conversations/{conv}")).await;
    assert!(conversation["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["tag"] == "escalated"));
    assert_eq!(conversation["assignee"]["id"], TEAM_IDS[0]);

    // Status: one patch object, active|inactive only.
    let patch = |workflow: u64, body: Value| api.send(Method::PATCH, format!("/v2/workflows/{workflow}"), body);
    let ok = patch(
        INACTIVE_WORKFLOW_ID,
        json!({"op": "replace", "path": "/status", "value": "active"}),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    let array = patch(
        INACTIVE_WORKFLOW_ID,
        json!([{"op": "replace", "path": "/status", "value": "active"}]),
    )
    .await;
    assert_eq!(array.status(), StatusCode::BAD_REQUEST);
    let bad = field_errors(
        patch(
            ESCALATE_WORKFLOW_ID,
            json!({"op": "replace", "path": "/name", "value": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        bad.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["path", "value"]
    );
    let invalid = patch(
        INVALID_WORKFLOW_ID,
        json!({"op": "replace", "path": "/status", "value": "active"}),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
}

// ------------------------------------------------------------------ webhooks

#[tokio::test]
async fn webhooks_return_secrets_like_the_real_api() {
    let api = Api::new().await;
    let hook = api.get_json(&format!("/v2/webhooks/{WEBHOOK_ID}")).await;
    assert_eq!(hook["secret"], WEBHOOK_SECRET);
    assert_eq!(hook["payloadVersion"], "V2");

    let body = json!({"url": "https://r.example/h", "events": ["convo.created"], "secret": "abc"});
    let resp = api.send(Method::POST, "/v2/webhooks", body.clone()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let id = header(&resp, "resource-id");
    assert_eq!(
        header(&resp, "location"),
        format!("{}/v2/webhooks/{id}", api.fake.base_url())
    );
    assert!(resp.bytes().await.unwrap().is_empty());

    let long = "k".repeat(41);
    let resp = api
        .send(
            Method::POST,
            "/v2/webhooks",
            json!({"url": "https://r.example/h", "events": ["convo.tags.added"], "secret": long}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let text = resp.text().await.unwrap();
    assert!(!text.contains(&long), "a rejected secret is not echoed: {text}");
    assert!(text.contains("\"events\"") && text.contains("\"secret\""), "{text}");

    // Update needs the whole definition, secret included.
    let missing = field_errors(
        api.send(
            Method::PUT,
            &format!("/v2/webhooks/{id}"),
            json!({"url": "https://r.example/h2", "events": ["convo.created"]}),
        )
        .await,
    )
    .await;
    assert_eq!(missing[0].0, "secret");
    let resp = api
        .send(
            Method::PUT,
            &format!("/v2/webhooks/{id}"),
            json!({"url": "https://r.example/h2", "events": ["tag.deleted"], "secret": "new", "payloadVersion": "V2"}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let updated = api.get_json(&format!("/v2/webhooks/{id}")).await;
    assert_eq!(
        (updated["url"].as_str(), updated["secret"].as_str()),
        (Some("https://r.example/h2"), Some("new"))
    );
    let v3 = field_errors(
        api.send(
            Method::PUT,
            &format!("/v2/webhooks/{id}"),
            json!({"url": "https://r.example/h2", "events": ["tag.deleted"], "secret": "new", "payloadVersion": "V3"}),
        )
        .await,
    )
    .await;
    assert_eq!(v3[0].0, "payloadVersion");

    let resp = api.send(Method::DELETE, &format!("/v2/webhooks/{id}"), json!({})).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("/v2/webhooks/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let list = api.get_json("/v2/webhooks").await;
    assert_eq!(list["page"]["totalElements"], 2);
}

// ------------------------------------------------------------------ chat

#[tokio::test]
async fn chats_embed_events_and_page_them() {
    let api = Api::new().await;
    let chat = api.get_json(&format!("/chat/v1/{CHAT_ID}")).await;
    assert_eq!(chat["id"], CHAT_ID);
    let conv = api.get_json(&format!("/v2/conversations/{CHAT_CONVERSATION_ID}")).await;
    assert_eq!(chat["customer"]["id"], conv["primaryCustomer"]["id"]);
    assert!(chat["createdAt"].as_str().unwrap().contains('.'), "microseconds");
    assert!(!chat["timeline"].as_array().unwrap().is_empty());
    let events = chat["_embedded"]["events"].as_array().unwrap();
    assert!(events.iter().all(|e| e["chatId"] == CHAT_ID));
    assert!(events.iter().any(|e| e["type"] == "message" && e["body"].is_string()));

    let page1 = api.get_json(&format!("/chat/v1/{LONG_CHAT_ID}/events")).await;
    assert_eq!(page1["page"]["totalElements"], LONG_CHAT_EVENT_COUNT);
    assert_eq!(page1["_embedded"]["events"].as_array().unwrap().len(), 50);
    let next = page1["_links"]["next"]["href"].as_str().unwrap();
    assert!(
        next.ends_with(&format!("/chat/v1/{LONG_CHAT_ID}/events?page=2")),
        "{next}"
    );
    let page2 = api.get_json(&format!("/chat/v1/{LONG_CHAT_ID}/events?page=2")).await;
    assert_eq!(
        page2["_embedded"]["events"].as_array().unwrap().len(),
        LONG_CHAT_EVENT_COUNT - 50
    );
    assert_eq!(
        api.get("/chat/v1/00000000-0000-4000-8000-000000000000").await.status(),
        StatusCode::NOT_FOUND
    );
}
