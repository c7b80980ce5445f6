#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End-to-end tests of the fake over real HTTP (reqwest).

use std::time::{Duration, Instant};

use crate::common;

use common::{fetch_token, header, Api};
use fake_helpscout::ids::*;
use fake_helpscout::{FakeConfig, Fault, FaultKind, APP_ID, APP_SECRET};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

impl Api {
    async fn conversation(&self, id: u64) -> Value {
        self.get_json(&format!("/v2/conversations/{id}")).await
    }
}

async fn error_paths(resp: Response) -> Vec<String> {
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["message"], "Validation error", "{body}");
    assert!(body["logRef"].is_string());
    body["_embedded"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect()
}

// ------------------------------------------------------------------ auth

#[tokio::test]
async fn token_flow_and_401s() {
    let api = Api::new().await;
    let http = &api.http;

    let bad = http
        .post(api.fake.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", APP_ID),
            ("client_secret", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    // JSON bodies are accepted too (catalogue 4.1).
    let ok = http
        .post(api.fake.token_url())
        .json(&json!({"grant_type": "client_credentials", "client_id": APP_ID, "client_secret": APP_SECRET}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 172_800);
    assert!(body["access_token"].as_str().unwrap().len() >= 20);

    let anonymous = http.get(api.url("/v2/mailboxes")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: Value = anonymous.json().await.unwrap();
    assert!(body["logRef"].is_string() && body["message"].is_string());

    let bogus = http
        .get(api.url("/v2/mailboxes"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&bogus, "X-RateLimit-Limit-Minute").as_deref(), Some("400"));

    assert_eq!(api.get("/v2/mailboxes").await.status(), StatusCode::OK);
    api.fake.expire_tokens();
    assert_eq!(api.get("/v2/mailboxes").await.status(), StatusCode::UNAUTHORIZED);
    let fresh = fetch_token(http, &api.fake).await;
    let again = http
        .get(api.url("/v2/users/me"))
        .bearer_auth(&fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let me: Value = again.json().await.unwrap();
    assert_eq!(me["id"], OWNER_USER_ID);
    assert_eq!(me["role"], "owner");
}

#[tokio::test]
async fn tokens_expire_after_ttl() {
    let api = Api::with(FakeConfig {
        token_ttl: Duration::from_millis(250),
        ..FakeConfig::default()
    })
    .await;
    assert_eq!(api.get("/v2/tags").await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(api.get("/v2/tags").await.status(), StatusCode::UNAUTHORIZED);
}

// ------------------------------------------------------------------ paging and listing

#[tokio::test]
async fn hal_paging_and_links() {
    let api = Api::new().await;
    let base = api.fake.base_url();
    let first = api.get_json("/v2/conversations?status=all").await;
    assert_eq!(first["page"]["size"], 25);
    assert_eq!(first["page"]["number"], 1);
    let total = first["page"]["totalElements"].as_u64().unwrap();
    assert!(total >= 69, "{total}");
    assert_eq!(first["page"]["totalPages"], total.div_ceil(25));
    assert_eq!(first["_embedded"]["conversations"].as_array().unwrap().len(), 25);
    let links = &first["_links"];
    assert_eq!(links["self"]["href"], format!("{base}/v2/conversations?status=all"));
    assert_eq!(
        links["first"]["href"],
        format!("{base}/v2/conversations?status=all&page=1")
    );
    assert_eq!(links["page"]["templated"], true);
    assert!(links.get("previous").is_none());
    let next = links["next"]["href"].as_str().unwrap().to_string();
    assert_eq!(next, format!("{base}/v2/conversations?status=all&page=2"));

    // Follow `next` like a client should.
    let second: Value = api
        .http
        .get(&next)
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["page"]["number"], 2);
    assert!(second["_links"]["previous"]["href"]
        .as_str()
        .unwrap()
        .ends_with("page=1"));
    let last_page = first["page"]["totalPages"].as_u64().unwrap();
    let last = api
        .get_json(&format!("/v2/conversations?status=all&page={last_page}"))
        .await;
    assert!(last["_links"].get("next").is_none());

    // Sorted createdAt desc by default.
    let dates: Vec<&str> = first["_embedded"]["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["createdAt"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));

    // Empty lists still carry the key.
    let empty = api.get_json("/v2/conversations?mailbox=999").await;
    assert_eq!(empty["_embedded"]["conversations"], json!([]));
    assert_eq!(empty["page"]["totalElements"], 0);

    // Other lists page by 50.
    let customers = api.get_json("/v2/customers").await;
    assert_eq!(customers["page"]["size"], 50);
    assert_eq!(customers["page"]["totalElements"], CUSTOMER_COUNT);
}

#[tokio::test]
async fn default_status_is_active_and_filters_work() {
    let api = Api::new().await;
    let all_active = |v: &Value, status: &str| {
        v["_embedded"]["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == status)
    };
    let default = api.get_json("/v2/conversations").await;
    assert!(all_active(&default, "active"));
    let closed = api.get_json("/v2/conversations?status=closed").await;
    assert!(closed["page"]["totalElements"].as_u64().unwrap() > 0);
    assert!(all_active(&closed, "closed"));
    let spam = api.get_json("/v2/conversations?status=spam").await;
    assert!(spam["page"]["totalElements"].as_u64().unwrap() > 0);
    assert_eq!(
        api.get("/v2/conversations?status=bogus").await.status(),
        StatusCode::BAD_REQUEST
    );

    // Filters.
    let billing = api.get_json("/v2/conversations?status=all&mailbox=302").await;
    assert!(billing["_embedded"]["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["mailboxId"] == BILLING_MAILBOX_ID));
    let tagged = api.get_json("/v2/conversations?status=all&tag=vip").await;
    assert!(tagged["page"]["totalElements"].as_u64().unwrap() > 0);
    assert!(tagged["_embedded"]["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["tags"].as_array().unwrap().iter().any(|t| t["tag"] == "vip")));
    let by_number = api.get_json("/v2/conversations?status=all&number=1063").await;
    assert_eq!(
        by_number["_embedded"]["conversations"][0]["id"],
        ATTACHMENT_CONVERSATION_ID
    );
    let search = api
        .get_json("/v2/conversations?status=all&query=(subject:%22PDF%20cuts%20off%22)")
        .await;
    assert_eq!(search["page"]["totalElements"], 1);
    let by_email = api
        .get_json(&format!(
            "/v2/conversations?status=all&query=(email:%22{CUSTOMER_EMAIL}%22)"
        ))
        .await;
    assert!(by_email["page"]["totalElements"].as_u64().unwrap() >= 1);
    let fields = api
        .get_json(&format!(
            "/v2/conversations?status=all&customFieldsByIds={PRIORITY_FIELD_ID}:{PRIORITY_HIGH_OPTION_ID}"
        ))
        .await;
    assert!(fields["page"]["totalElements"].as_u64().unwrap() >= 1);
    let embedded = api.get_json("/v2/conversations?embed=threads").await;
    assert!(embedded["_embedded"]["conversations"][0]["_embedded"]["threads"].is_array());

    // modifiedSince: no milliseconds (catalogue 4.10).
    assert_eq!(
        api.get("/v2/conversations?modifiedSince=2026-01-01T00:00:00.000Z")
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        api.get("/v2/conversations?modifiedSince=2026-01-01T00:00:00Z")
            .await
            .status(),
        StatusCode::OK
    );
}

// ------------------------------------------------------------------ creates and patches

#[tokio::test]
async fn create_conversation_answers_201_with_empty_body() {
    let api = Api::new().await;
    let resp = api
        .send(
            Method::POST,
            "/v2/conversations",
            json!({
                "subject": "Printer on fire",
                "customer": {"email": "new.person@example.org", "firstName": "New", "lastName": "Person"},
                "mailboxId": SUPPORT_MAILBOX_ID,
                "type": "email",
                "status": "active",
                "tags": ["brand-new-tag", "vip"],
                "threads": [{"type": "customer", "customer": {"email": "new.person@example.org"}, "text": "It is on fire."}]
            }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let id = header(&resp, "Resource-ID").unwrap();
    let location = header(&resp, "Location").unwrap();
    assert_eq!(location, api.url(&format!("/v2/conversations/{id}")));
    assert_eq!(resp.bytes().await.unwrap().len(), 0);
    let conv = api.conversation(id.parse().unwrap()).await;
    assert_eq!(conv["subject"], "Printer on fire");
    assert_eq!(conv["primaryCustomer"]["email"], "new.person@example.org");
    let tags: Vec<&str> = conv["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert!(tags.contains(&"brand-new-tag") && tags.contains(&"vip"));
    assert!(api.fake.sent_emails().is_empty(), "a customer thread sends nothing");

    // A published reply thread emails the customer.
    let resp = api
        .send(
            Method::POST,
            "/v2/conversations",
            json!({
                "subject": "Welcome aboard",
                "customer": {"id": CUSTOMER_ID},
                "mailboxId": SALES_MAILBOX_ID,
                "status": "pending",
                "threads": [{"type": "reply", "text": "Hi Maria, welcome!"}]
            }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let sent = api.fake.sent_emails();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, vec![CUSTOMER_EMAIL.to_string()]);

    // Validation.
    let resp = api
        .send(
            Method::POST,
            "/v2/conversations",
            json!({"subject": "x", "mailboxId": 301, "threads": []}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let paths = error_paths(resp).await;
    assert!(
        paths.contains(&"customer".to_string()) && paths.contains(&"threads".to_string()),
        "{paths:?}"
    );
    let resp = api
        .send(
            Method::POST,
            "/v2/conversations",
            json!({"subject": "x", "mailboxId": 301, "customer": {"id": CUSTOMER_ID}, "threads": [{"type": "fax", "text": "x"}]}),
        )
        .await;
    assert_eq!(error_paths(resp).await, vec!["threads[0].type".to_string()]);
}

#[tokio::test]
async fn conversation_patch_is_a_single_object() {
    let api = Api::new().await;
    let path = format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}");
    let array = api
        .send(
            Method::PATCH,
            &path,
            json!([{"op": "replace", "path": "/status", "value": "closed"}]),
        )
        .await;
    assert_eq!(array.status(), StatusCode::BAD_REQUEST);
    let body: Value = array.json().await.unwrap();
    assert_eq!(body["message"], "Validation error");

    let bad_path = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "replace", "path": "/colour", "value": "red"}),
        )
        .await;
    assert_eq!(error_paths(bad_path).await, vec!["path".to_string()]);
    let bad_op = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "add", "path": "/status", "value": "closed"}),
        )
        .await;
    assert_eq!(error_paths(bad_op).await, vec!["op".to_string()]);
    let bad_value = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "replace", "path": "/status", "value": "done"}),
        )
        .await;
    assert_eq!(bad_value.status(), StatusCode::BAD_REQUEST);

    let ok = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "replace", "path": "/status", "value": "closed"}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    let conv = api.conversation(ATTACHMENT_CONVERSATION_ID).await;
    assert_eq!(conv["status"], "closed");
    assert_eq!(conv["closedBy"], OWNER_USER_ID);

    let assign = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "replace", "path": "/assignTo", "value": 1003}),
        )
        .await;
    assert_eq!(assign.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.conversation(ATTACHMENT_CONVERSATION_ID).await["assignee"]["id"],
        1003
    );
    let unassign = api
        .send(Method::PATCH, &path, json!({"op": "remove", "path": "/assignTo"}))
        .await;
    assert_eq!(unassign.status(), StatusCode::NO_CONTENT);
    assert!(api
        .conversation(ATTACHMENT_CONVERSATION_ID)
        .await
        .get("assignee")
        .is_none());
    let moved = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "move", "path": "/mailboxId", "value": BILLING_MAILBOX_ID}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.conversation(ATTACHMENT_CONVERSATION_ID).await["mailboxId"],
        BILLING_MAILBOX_ID
    );

    let missing = api
        .send(
            Method::PATCH,
            "/v2/conversations/42",
            json!({"op": "remove", "path": "/assignTo"}),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reply_requires_customer_id_and_sends_email() {
    let api = Api::new().await;
    let path = format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}/reply");
    let resp = api.send(Method::POST, &path, json!({"text": "Hello"})).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_paths(resp).await, vec!["customer".to_string()]);
    let resp = api
        .send(Method::POST, &path, json!({"text": "Hello", "customer": {}}))
        .await;
    assert_eq!(error_paths(resp).await, vec!["customer.id".to_string()]);
    let resp = api.send(Method::POST, &path, json!({"customer": {"id": 100003}})).await;
    assert_eq!(error_paths(resp).await, vec!["text".to_string()]);

    let draft = api
        .send(
            Method::POST,
            &path,
            json!({"text": "Draft", "customer": {"id": 100003}, "draft": true}),
        )
        .await;
    assert_eq!(draft.status(), StatusCode::CREATED);
    assert!(api.fake.sent_emails().is_empty());

    let sent = api
        .send(
            Method::POST,
            &path,
            json!({"text": "<p>Fixed!</p>", "customer": {"id": 100003}, "status": "closed"}),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let tid: u64 = header(&sent, "Resource-ID").unwrap().parse().unwrap();
    assert!(sent.bytes().await.unwrap().is_empty());
    let emails = api.fake.sent_emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].conversation_id, ATTACHMENT_CONVERSATION_ID);
    assert_eq!(emails[0].thread_id, tid);
    assert_eq!(api.conversation(ATTACHMENT_CONVERSATION_ID).await["status"], "closed");

    // Newest thread first.
    let threads = api
        .get_json(&format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}/threads"))
        .await;
    assert_eq!(threads["_embedded"]["threads"][0]["id"], tid);

    // Notes never email anyone.
    let note = api
        .send(
            Method::POST,
            &format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}/notes"),
            json!({"text": "internal"}),
        )
        .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    assert_eq!(api.fake.sent_emails().len(), 1);
}

#[tokio::test]
async fn thread_cap_is_412() {
    let api = Api::new().await;
    let conv = api.conversation(FULL_CONVERSATION_ID).await;
    assert_eq!(conv["threads"], 100);
    let resp = api
        .send(
            Method::POST,
            &format!("/v2/conversations/{FULL_CONVERSATION_ID}/reply"),
            json!({"text": "one more", "customer": {"id": CUSTOMER_ID + 1}}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::PRECONDITION_FAILED);
    assert!(api.fake.sent_emails().is_empty());

    let threads: Vec<Value> = (0..101)
        .map(|i| json!({"type": "customer", "text": format!("msg {i}")}))
        .collect();
    let resp = api
        .send(
            Method::POST,
            "/v2/conversations",
            json!({"subject": "too long", "customer": {"id": CUSTOMER_ID}, "mailboxId": 301, "threads": threads}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn merged_conversation_redirects_and_rejects_writes() {
    let api = Api::new().await;
    let resp = api.get(&format!("/v2/conversations/{MERGED_CONVERSATION_ID}")).await;
    assert_eq!(resp.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        header(&resp, "Location").unwrap(),
        api.url(&format!("/v2/conversations/{MERGE_TARGET_CONVERSATION_ID}"))
    );
    let v3 = api.get(&format!("/v3/conversations/{MERGED_CONVERSATION_ID}")).await;
    assert_eq!(v3.status(), StatusCode::MOVED_PERMANENTLY);
    let patch = api
        .send(
            Method::PATCH,
            &format!("/v2/conversations/{MERGED_CONVERSATION_ID}"),
            json!({"op": "replace", "path": "/status", "value": "closed"}),
        )
        .await;
    assert_eq!(patch.status(), StatusCode::NOT_FOUND);
    let threads = api
        .get(&format!("/v2/conversations/{MERGED_CONVERSATION_ID}/threads"))
        .await;
    assert_eq!(threads.status(), StatusCode::NOT_FOUND);
    let target = api
        .get_json(&format!("/v2/conversations/{MERGE_TARGET_CONVERSATION_ID}/threads"))
        .await;
    assert!(target["_embedded"]["threads"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["action"]["type"] == "merged"));
}

// ------------------------------------------------------------------ rate limits

#[tokio::test]
async fn rate_limit_counts_writes_double() {
    let api = Api::with(FakeConfig {
        rate_limit_per_minute: 5,
        ..FakeConfig::default()
    })
    .await;
    let r = api.get("/v2/mailboxes").await;
    assert_eq!(header(&r, "X-RateLimit-Limit-Minute").as_deref(), Some("5"));
    assert_eq!(header(&r, "X-RateLimit-Remaining-Minute").as_deref(), Some("4"));
    let path = format!("/v2/conversations/{DRAFT_REPLY_CONVERSATION_ID}");
    let r = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "replace", "path": "/subject", "value": "Renamed"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "X-RateLimit-Remaining-Minute").as_deref(), Some("2"));
    let r = api
        .send(Method::PUT, &format!("{path}/tags"), json!({"tags": ["a"]}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&r, "X-RateLimit-Remaining-Minute").as_deref(), Some("0"));

    let limited = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "replace", "path": "/subject", "value": "Not applied"}),
        )
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = header(&limited, "X-RateLimit-Retry-After").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["message"], "API rate limit exceeded");

    api.fake.set_rate_limit(100);
    assert_eq!(
        api.conversation(DRAFT_REPLY_CONVERSATION_ID).await["subject"],
        "Renamed"
    );
}

// ------------------------------------------------------------------ faults

#[tokio::test]
async fn injected_faults() {
    let api = Api::new().await;
    let subject_path = format!("/v2/conversations/{DRAFT_REPLY_CONVERSATION_ID}");
    let rename = |s: &str| json!({"op": "replace", "path": "/subject", "value": s});

    // Status: error body, only on the matching method/path, `times` honoured.
    api.fake.inject(
        Fault::new(FaultKind::Status(503))
            .method(Method::GET)
            .path("/v2/tags")
            .times(2),
    );
    assert_eq!(api.get("/v2/mailboxes").await.status(), StatusCode::OK);
    let r = api.get("/v2/tags").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(header(&r, "X-RateLimit-Remaining-Minute").is_some());
    let body: Value = r.json().await.unwrap();
    assert!(body["logRef"].is_string() && body["message"].is_string());
    assert_eq!(api.get("/v2/tags").await.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.get("/v2/tags").await.status(), StatusCode::OK);

    // RateLimited: 429 + retry-after, not applied.
    api.fake
        .inject(Fault::new(FaultKind::RateLimited { retry_after_secs: 7 }).method(Method::PATCH));
    let r = api.send(Method::PATCH, &subject_path, rename("rate limited")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&r, "X-RateLimit-Retry-After").as_deref(), Some("7"));
    assert_ne!(
        api.conversation(DRAFT_REPLY_CONVERSATION_ID).await["subject"],
        "rate limited"
    );

    // Delay: slow but applied.
    api.fake.inject(
        Fault::new(FaultKind::Delay(Duration::from_millis(150)))
            .path("/subject-is-not-in-path")
            .times(1),
    );
    api.fake.clear_faults();
    api.fake
        .inject(Fault::new(FaultKind::Delay(Duration::from_millis(150))).method(Method::PATCH));
    let started = Instant::now();
    let r = api.send(Method::PATCH, &subject_path, rename("delayed")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(
        api.conversation(DRAFT_REPLY_CONVERSATION_ID).await["subject"],
        "delayed"
    );

    // Drop: connection closed with no response, not applied.
    api.fake.clear_requests();
    api.fake.inject(Fault::new(FaultKind::Drop).method(Method::PATCH));
    let err = api.try_send(Method::PATCH, &subject_path, rename("dropped")).await;
    assert!(err.is_err(), "{err:?}");
    let log = api.fake.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, 0);
    assert_eq!(
        api.conversation(DRAFT_REPLY_CONVERSATION_ID).await["subject"],
        "delayed"
    );

    // DropAfterApply: no response, but the change happened.
    api.fake
        .inject(Fault::new(FaultKind::DropAfterApply).method(Method::PATCH));
    let err = api
        .try_send(Method::PATCH, &subject_path, rename("applied anyway"))
        .await;
    assert!(err.is_err());
    assert_eq!(
        api.conversation(DRAFT_REPLY_CONVERSATION_ID).await["subject"],
        "applied anyway"
    );

    // MalformedJson: 200 with a body that does not parse.
    api.fake
        .inject(Fault::new(FaultKind::MalformedJson).path("/v2/mailboxes"));
    let r = api.get("/v2/mailboxes").await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(!text.is_empty());
    assert!(serde_json::from_str::<Value>(&text).is_err());
    assert_eq!(api.get("/v2/mailboxes").await.status(), StatusCode::OK);

    // Faults apply to the token endpoint as well.
    api.fake
        .inject(Fault::new(FaultKind::Status(500)).path("/oauth2/token"));
    let r = api
        .http
        .post(api.fake.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", APP_ID),
            ("client_secret", APP_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn request_log_records_everything() {
    let api = Api::new().await;
    let log = api.fake.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path, "/v2/oauth2/token");
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].status, 200);
    assert!(log[0]
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("application/x-www-form-urlencoded"));
    assert!(log[0].body.contains("grant_type=client_credentials"));

    api.get("/v2/conversations?status=all&page=2").await;
    api.send(
        Method::POST,
        &format!("/v2/conversations/{CHAT_CONVERSATION_ID}/notes"),
        json!({"text": "logged"}),
    )
    .await;
    let log = api.fake.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].query.as_deref(), Some("status=all&page=2"));
    assert_eq!(
        log[1].authorization.as_deref(),
        Some(format!("Bearer {}", api.token).as_str())
    );
    assert_eq!(log[2].status, 201);
    assert_eq!(log[2].body_json().unwrap()["text"], "logged");
    api.fake.clear_requests();
    assert!(api.fake.requests().is_empty());
}

// ------------------------------------------------------------------ threads, attachments, schedule

#[tokio::test]
async fn attachments_round_trip() {
    let api = Api::new().await;
    let base = format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}/attachments");
    let data = api.get_json(&format!("{base}/{TEXT_ATTACHMENT_ID}/data")).await;
    let encoded = data["data"].as_str().unwrap();
    assert!(!encoded.is_empty());
    let file = api.get(&format!("{base}/{PNG_ATTACHMENT_ID}/file")).await;
    assert_eq!(header(&file, "content-type").as_deref(), Some("image/png"));
    let bytes = file.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));

    let upload = api
        .send(
            Method::POST,
            &format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}/threads/{ATTACHMENT_THREAD_ID}/attachments"),
            json!({"fileName": "notes.txt", "mimeType": "text/plain", "data": "aGVsbG8gd29ybGQ="}),
        )
        .await;
    assert_eq!(upload.status(), StatusCode::CREATED);
    let aid = header(&upload, "Resource-ID").unwrap();
    let data = api.get_json(&format!("{base}/{aid}/data")).await;
    assert_eq!(data["data"], "aGVsbG8gd29ybGQ=");
    let bad = api
        .send(
            Method::POST,
            &format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}/threads/{ATTACHMENT_THREAD_ID}/attachments"),
            json!({"fileName": "x.bin", "mimeType": "application/octet-stream", "data": "***"}),
        )
        .await;
    assert_eq!(error_paths(bad).await, vec!["data".to_string()]);

    let del = api
        .send(Method::DELETE, &format!("{base}/{PDF_ATTACHMENT_ID}"), json!({}))
        .await;
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("{base}/{PDF_ATTACHMENT_ID}/data")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Original source, two representations.
    let src = format!("/v2/conversations/{ATTACHMENT_CONVERSATION_ID}/threads/{ATTACHMENT_THREAD_ID}/original-source");
    let json_src = api.get_json(&src).await;
    assert!(json_src["original"]
        .as_str()
        .unwrap()
        .contains("Subject: Export to PDF"));
    let raw = api
        .http
        .get(api.url(&src))
        .bearer_auth(&api.token)
        .header("Accept", "message/rfc822")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&raw, "content-type").as_deref(), Some("message/rfc822"));
    assert!(raw.text().await.unwrap().starts_with("Return-Path:"));
}

#[tokio::test]
async fn thread_patch_schedule_and_publish() {
    let api = Api::new().await;
    let thread = format!("/v2/conversations/{DRAFT_REPLY_CONVERSATION_ID}/threads/{DRAFT_REPLY_THREAD_ID}");
    let arr = api
        .send(
            Method::PATCH,
            &thread,
            json!([{"op": "replace", "path": "/text", "value": "x"}]),
        )
        .await;
    assert_eq!(arr.status(), StatusCode::BAD_REQUEST);
    let edit = api
        .send(
            Method::PATCH,
            &thread,
            json!({"op": "replace", "path": "/text", "value": "<p>Edited</p>"}),
        )
        .await;
    assert_eq!(edit.status(), StatusCode::NO_CONTENT);

    let past = api
        .send(
            Method::PUT,
            &format!("{thread}/schedule"),
            json!({"scheduledFor": "2020-01-01T00:00:00Z", "unscheduleOnCustomerReply": true}),
        )
        .await;
    assert_eq!(error_paths(past).await, vec!["scheduledFor".to_string()]);
    let too_late = api
        .send(
            Method::PUT,
            &format!("{thread}/schedule"),
            json!({"scheduledFor": "2101-01-01T00:00:00Z", "unscheduleOnCustomerReply": true}),
        )
        .await;
    assert_eq!(too_late.status(), StatusCode::BAD_REQUEST);
    let ok = api
        .send(
            Method::PUT,
            &format!("{thread}/schedule"),
            json!({"scheduledFor": "2099-01-01T09:00:00Z", "unscheduleOnCustomerReply": false}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    let conv = api.conversation(DRAFT_REPLY_CONVERSATION_ID).await;
    assert_eq!(conv["nextEvent"]["time"], "2099-01-01T09:00:00Z");
    let threads = api
        .get_json(&format!("/v2/conversations/{DRAFT_REPLY_CONVERSATION_ID}/threads"))
        .await;
    let t = threads["_embedded"]["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == DRAFT_REPLY_THREAD_ID)
        .unwrap()
        .clone();
    assert_eq!(t["scheduled"]["scheduledFor"], "2099-01-01T09:00:00Z");
    assert_eq!(t["body"], "<p>Edited</p>");
    assert!(api.fake.sent_emails().is_empty());

    let publish = api
        .send(
            Method::PATCH,
            &format!("{thread}/schedule"),
            json!({"op": "replace", "path": "/state", "value": "published"}),
        )
        .await;
    assert_eq!(publish.status(), StatusCode::NO_CONTENT);
    let sent = api.fake.sent_emails();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].thread_id, DRAFT_REPLY_THREAD_ID);
    assert_eq!(sent[0].via, "schedule_published");

    // Unschedule the seeded scheduled thread.
    let del = api
        .send(
            Method::DELETE,
            &format!("/v2/conversations/{SCHEDULED_CONVERSATION_ID}/threads/{SCHEDULED_THREAD_ID}/schedule"),
            json!({}),
        )
        .await;
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    assert!(api
        .conversation(SCHEDULED_CONVERSATION_ID)
        .await
        .get("nextEvent")
        .is_none());

    // Threads cannot be deleted.
    let del = api.send(Method::DELETE, &thread, json!({})).await;
    assert_eq!(del.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn publishing_a_draft_conversation_sends_it() {
    let api = Api::new().await;
    let conv = api.conversation(DRAFT_CONVERSATION_ID).await;
    assert_eq!(conv["state"], "draft");
    let r = api
        .send(
            Method::PATCH,
            &format!("/v2/conversations/{DRAFT_CONVERSATION_ID}"),
            json!({"op": "replace", "path": "/draft", "value": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(api.conversation(DRAFT_CONVERSATION_ID).await["state"], "published");
    let sent = api.fake.sent_emails();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].thread_id, DRAFT_CONVERSATION_THREAD_ID);
    assert_eq!(sent[0].via, "draft_published");
}

#[tokio::test]
async fn snooze_tags_and_fields() {
    let api = Api::new().await;
    let conv = format!("/v2/conversations/{SNOOZED_CONVERSATION_ID}");
    let seeded = api.get_json(&conv).await;
    assert_eq!(seeded["nextEvent"]["eventType"], "snooze");
    let past = api
        .send(
            Method::PUT,
            &format!("{conv}/snooze"),
            json!({"snoozedUntil": "2001-01-01T00:00:00Z", "unsnoozeOnCustomerReply": true}),
        )
        .await;
    assert_eq!(past.status(), StatusCode::BAD_REQUEST);
    let missing = api
        .send(
            Method::PUT,
            &format!("{conv}/snooze"),
            json!({"snoozedUntil": "2099-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(error_paths(missing).await, vec!["unsnoozeOnCustomerReply".to_string()]);
    let ok = api
        .send(
            Method::PUT,
            &format!("{conv}/snooze"),
            json!({"snoozedUntil": "2099-05-01T08:00:00Z", "unsnoozeOnCustomerReply": false}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.get_json(&conv).await["snooze"]["snoozedUntil"],
        "2099-05-01T08:00:00Z"
    );
    let del = api.send(Method::DELETE, &format!("{conv}/snooze"), json!({})).await;
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    let after = api.get_json(&conv).await;
    assert!(after.get("snooze").is_none());
    assert_eq!(after["status"], "active");

    // Tags: full replacement, unknown names created.
    let r = api
        .send(
            Method::PUT,
            &format!("{conv}/tags"),
            json!({"tags": ["Escalated", "bug"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let tags: Vec<String> = api.get_json(&conv).await["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tags, vec!["escalated".to_string(), "bug".to_string()]);
    let all_tags = api.get_json("/v2/tags").await;
    assert!(all_tags["_embedded"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "escalated"));

    // Custom fields.
    let r = api
        .send(
            Method::PUT,
            &format!("{conv}/fields"),
            json!({"fields": [{"id": PRIORITY_FIELD_ID, "value": PRIORITY_HIGH_OPTION_ID}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let fields = api.get_json(&conv).await["customFields"].clone();
    assert_eq!(fields[0]["text"], "High");
    let bad = api
        .send(
            Method::PUT,
            &format!("{conv}/fields"),
            json!({"fields": [{"id": PRIORITY_FIELD_ID, "value": "nope"}]}),
        )
        .await;
    assert_eq!(error_paths(bad).await, vec!["fields[0].value".to_string()]);
}

// ------------------------------------------------------------------ other resources

#[tokio::test]
async fn mailboxes_users_and_tags() {
    let api = Api::new().await;
    let boxes = api.get_json("/v2/mailboxes").await;
    assert_eq!(boxes["_embedded"]["mailboxes"].as_array().unwrap().len(), 3);
    let fields = api
        .get_json(&format!("/v2/mailboxes/{SUPPORT_MAILBOX_ID}/fields"))
        .await;
    assert!(fields["_embedded"]["fields"][0]["options"].as_array().unwrap().len() >= 2);
    let folders = api
        .get_json(&format!("/v2/mailboxes/{SUPPORT_MAILBOX_ID}/folders"))
        .await;
    assert!(folders["_embedded"]["folders"].as_array().unwrap().len() >= 5);
    let unassigned = api
        .get_json(&format!("/v2/conversations?folder={SUPPORT_UNASSIGNED_FOLDER_ID}"))
        .await;
    assert!(unassigned["_embedded"]["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.get("assignee").is_none()));

    let replies = api
        .get_json(&format!("/v2/mailboxes/{SUPPORT_MAILBOX_ID}/saved-replies"))
        .await;
    let list = replies.as_array().expect("bare array");
    assert!(list.iter().all(|r| r["id"] != CHAT_SAVED_REPLY_ID));
    let with_chat = api
        .get_json(&format!(
            "/v2/mailboxes/{SUPPORT_MAILBOX_ID}/saved-replies?includeChatReplies=true"
        ))
        .await;
    assert!(with_chat
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == CHAT_SAVED_REPLY_ID));
    let created = api
        .send(
            Method::POST,
            &format!("/v2/mailboxes/{SUPPORT_MAILBOX_ID}/saved-replies"),
            json!({"name": "Hello", "text": "<p>Hi!</p>"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);

    let routing = api
        .get_json(&format!("/v2/mailboxes/{SUPPORT_MAILBOX_ID}/routing"))
        .await;
    assert_eq!(routing["state"], "enabled");
    let bad = api
        .send(
            Method::PUT,
            &format!("/v2/mailboxes/{SUPPORT_MAILBOX_ID}/routing"),
            json!({"state": "enabled", "assignmentLimit": 0, "assignmentMethod": "random", "userIds": []}),
        )
        .await;
    let paths = error_paths(bad).await;
    assert!(paths.contains(&"assignmentLimit".to_string()) && paths.contains(&"assignmentMethod".to_string()));

    let users = api.get_json("/v2/users").await;
    assert!(users["_embedded"]["users"].as_array().unwrap().len() >= 6);
    let statuses = api.get_json("/v2/users/status").await;
    assert!(statuses["_embedded"]["userStatuses"].as_array().unwrap().len() >= 6);
    let set = api
        .send(
            Method::PUT,
            &format!("/v2/users/{AWAY_USER_ID}/status"),
            json!({"status": "active"}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.get_json(&format!("/v2/users/{AWAY_USER_ID}/status")).await["email"]["status"],
        "active"
    );
    let system = api.get_json("/v3/system-users").await;
    assert_eq!(system["_embedded"]["system_users"][0]["type"], "system_user");
    let teams = api.get_json("/v2/teams").await;
    assert_eq!(teams["_embedded"]["teams"].as_array().unwrap().len(), 2);
    let members = api.get_json(&format!("/v2/teams/{}/members", TEAM_IDS[0])).await;
    assert!(!members["_embedded"]["users"].as_array().unwrap().is_empty());
    let tag = api.get_json(&format!("/v2/tags/{VIP_TAG_ID}")).await;
    assert!(tag["ticketCount"].as_u64().unwrap() > 0);

    // v2 normalises system users to `user`, v3 shows the real type.
    let v2 = api.conversation(SYSTEM_USER_CONVERSATION_ID).await;
    assert_eq!(v2["createdBy"]["type"], "user");
    let v3 = api
        .get_json(&format!("/v3/conversations/{SYSTEM_USER_CONVERSATION_ID}"))
        .await;
    assert_eq!(v3["createdBy"]["type"], "system_user");
    let v3_threads = api
        .get_json(&format!("/v3/conversations/{SYSTEM_USER_CONVERSATION_ID}/threads"))
        .await;
    assert!(v3_threads["_embedded"]["threads"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["createdBy"]["type"] == "system_user"));

    let customer = api.get_json(&format!("/v2/customers/{CUSTOMER_ID}?embed=emails")).await;
    assert_eq!(customer["_embedded"]["emails"][0]["value"], CUSTOMER_EMAIL);
    assert_eq!(api.get("/v2/customers/1").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unseeded_account_is_empty_but_usable() {
    let api = Api::with(FakeConfig {
        seed: false,
        ..FakeConfig::default()
    })
    .await;
    let list = api.get_json("/v2/conversations?status=all").await;
    assert_eq!(list["page"]["totalElements"], 0);
    let r = api
        .send(
            Method::POST,
            "/v2/conversations",
            json!({"subject": "First!", "customer": {"email": "a@b.example"}, "mailboxId": SALES_MAILBOX_ID,
                   "threads": [{"type": "customer", "text": "hello"}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    api.fake.shutdown().await;
}
