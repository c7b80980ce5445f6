#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `reports` toolset (32 report endpoints + get_rating) against the
//! fake Help Scout.

use crate::common;

use std::collections::BTreeMap;

use common::Harness;
use fake_helpscout::ids::*;
use fake_helpscout::RecordedRequest;
use helpscout_mcp::policy::{AccessLevel, Redact};
use serde_json::{json, Value};

/// Covers every seeded conversation and rating (SEED_NOW is 2026-11-20).
const START: &str = "2026-01-01T00:00:00Z";
const END: &str = "2026-11-21T00:00:00Z";

fn range() -> Value {
    json!({"start": START, "end": END})
}

/// `range()` plus the given arguments.
fn with(extra: Value) -> Value {
    let mut args = range();
    if let (Value::Object(args), Value::Object(extra)) = (&mut args, extra) {
        args.extend(extra);
    }
    args
}

/// The last request that reached the fake (token requests aside).
fn last(h: &Harness) -> RecordedRequest {
    h.fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| !r.path.ends_with("/oauth2/token"))
        .expect("a request reached the fake")
}

/// A request's query, decoded.
fn query(r: &RecordedRequest) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(r.query.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn api_requests(h: &Harness) -> usize {
    h.fake
        .requests()
        .iter()
        .filter(|r| !r.path.ends_with("/oauth2/token"))
        .count()
}

/// Every report tool, the path it must call and arguments it needs besides the range.
fn every_report() -> Vec<(&'static str, &'static str, Value)> {
    let user = json!({"user_id": OWNER_USER_ID});
    vec![
        ("get_company_report", "/v2/reports/company", json!({})),
        (
            "get_company_customers_helped_report",
            "/v2/reports/company/customers-helped",
            json!({"view_by": "month"}),
        ),
        (
            "get_company_drilldown_report",
            "/v2/reports/company/drilldown",
            json!({"range": "replies"}),
        ),
        ("get_conversations_report", "/v2/reports/conversations", json!({})),
        (
            "get_conversations_volume_by_channel_report",
            "/v2/reports/conversations/volume-by-channel",
            json!({}),
        ),
        (
            "get_conversations_busy_times_report",
            "/v2/reports/conversations/busy-times",
            json!({}),
        ),
        (
            "get_conversations_drilldown_report",
            "/v2/reports/conversations/drilldown",
            json!({}),
        ),
        (
            "get_conversations_field_drilldown_report",
            "/v2/reports/conversations/fields-drilldown",
            json!({"field": "tagid", "field_id": VIP_TAG_ID}),
        ),
        (
            "get_new_conversations_report",
            "/v2/reports/conversations/new",
            json!({}),
        ),
        (
            "get_new_conversations_drilldown_report",
            "/v2/reports/conversations/new-drilldown",
            json!({}),
        ),
        (
            "get_received_messages_report",
            "/v2/reports/conversations/received-messages",
            json!({}),
        ),
        ("get_docs_report", "/v2/reports/docs", json!({})),
        ("get_happiness_report", "/v2/reports/happiness", json!({})),
        (
            "get_happiness_ratings_report",
            "/v2/reports/happiness/ratings",
            json!({}),
        ),
        ("get_productivity_report", "/v2/reports/productivity", json!({})),
        (
            "get_first_response_time_report",
            "/v2/reports/productivity/first-response-time",
            json!({}),
        ),
        (
            "get_replies_sent_report",
            "/v2/reports/productivity/replies-sent",
            json!({}),
        ),
        (
            "get_resolution_time_report",
            "/v2/reports/productivity/resolution-time",
            json!({}),
        ),
        ("get_resolved_report", "/v2/reports/productivity/resolved", json!({})),
        (
            "get_response_time_report",
            "/v2/reports/productivity/response-time",
            json!({}),
        ),
        ("get_user_report", "/v2/reports/user", user.clone()),
        (
            "get_user_conversation_history_report",
            "/v2/reports/user/conversation-history",
            user.clone(),
        ),
        (
            "get_user_customers_helped_report",
            "/v2/reports/user/customers-helped",
            user.clone(),
        ),
        ("get_user_drilldown_report", "/v2/reports/user/drilldown", user.clone()),
        ("get_user_happiness_report", "/v2/reports/user/happiness", user.clone()),
        (
            "get_user_happiness_drilldown_report",
            "/v2/reports/user/ratings",
            user.clone(),
        ),
        ("get_user_replies_report", "/v2/reports/user/replies", user.clone()),
        (
            "get_user_resolutions_report",
            "/v2/reports/user/resolutions",
            user.clone(),
        ),
        ("get_user_chat_report", "/v2/reports/user/chat", user),
        ("get_chat_report", "/v2/reports/chat", json!({})),
        ("get_email_report", "/v2/reports/email", json!({})),
        ("get_phone_report", "/v2/reports/phone", json!({})),
    ]
}

#[tokio::test]
async fn every_report_tool_calls_its_endpoint_and_returns_compact_numbers() {
    let h = Harness::new(AccessLevel::Read).await;
    let reports = every_report();
    assert_eq!(reports.len(), 32);
    for (tool, path, extra) in reports {
        let out = h.ok(tool, with(extra.clone())).await;
        let request = last(&h);
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("GET", path),
            "{tool}"
        );
        let q = query(&request);
        assert_eq!(
            (q.get("start").map(String::as_str), q.get("end").map(String::as_str)),
            (Some(START), Some(END)),
            "{tool}: {q:?}"
        );
        if extra.get("user_id").is_some() {
            assert_eq!(q.get("user"), Some(&OWNER_USER_ID.to_string()), "{tool}");
        }
        let text = out.to_string();
        assert!(
            !text.contains("_links") && !text.contains("filterTags"),
            "{tool}: {text}"
        );
        let has_data = out.get("current").is_some()
            || out.get("conversations").is_some_and(Value::is_array)
            || out.get("ratings").is_some_and(Value::is_array)
            || out.get("busyTimes").is_some_and(Value::is_array);
        assert!(has_data, "{tool}: {out}");
    }
}

#[tokio::test]
async fn dates_are_sent_as_utc_seconds_and_filters_as_comma_lists() {
    let h = Harness::new(AccessLevel::Read).await;
    let out = h
        .ok(
            "get_company_report",
            json!({
                "start": "2026-06-01T12:00:00.250+02:00",
                "end": "2026-09-01",
                "previous_start": "2026-03-01T00:00:00Z",
                "previous_end": "2026-06-01T00:00:00Z",
                "mailbox_ids": [SUPPORT_MAILBOX_ID, BILLING_MAILBOX_ID],
                "tag_ids": [VIP_TAG_ID],
                "folder_ids": [SUPPORT_UNASSIGNED_FOLDER_ID],
                "types": ["email", "phone"],
            }),
        )
        .await;
    let q = query(&last(&h));
    let expected: BTreeMap<String, String> = [
        ("start", "2026-06-01T10:00:00Z".to_string()),
        ("end", "2026-09-01T00:00:00Z".to_string()),
        ("previousStart", "2026-03-01T00:00:00Z".to_string()),
        ("previousEnd", "2026-06-01T00:00:00Z".to_string()),
        ("mailboxes", format!("{SUPPORT_MAILBOX_ID},{BILLING_MAILBOX_ID}")),
        ("tags", VIP_TAG_ID.to_string()),
        ("folders", SUPPORT_UNASSIGNED_FOLDER_ID.to_string()),
        ("types", "email,phone".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(q, expected);
    for key in ["current", "previous", "deltas"] {
        assert!(out.get(key).is_some_and(Value::is_object), "{key} in {out}");
    }
    assert_eq!(out["current"]["startDate"], "2026-06-01T10:00:00Z");
}

#[tokio::test]
async fn bad_dates_are_refused_before_anything_is_sent() {
    let h = Harness::new(AccessLevel::Read).await;
    let before = api_requests(&h);
    let cases = [
        (json!({"start": "last tuesday", "end": END}), "`start`"),
        // No offset: the zone would be a guess, as for every other tool's date-times.
        (json!({"start": "2026-01-01T09:00:00", "end": END}), "`start`"),
        (json!({"start": START, "end": "2025-12-31T00:00:00Z"}), "`end`"),
        (json!({"start": START, "end": START}), "`end`"),
        (
            json!({"start": START, "end": END, "previous_start": "2025-01-01T00:00:00Z"}),
            "`previous_end`",
        ),
        (
            json!({"start": START, "end": END, "previous_start": "2025-06-01", "previous_end": "2025-01-01"}),
            "`previous_end`",
        ),
    ];
    for (args, field) in cases {
        let text = h.err("get_conversations_report", args.clone()).await;
        assert!(text.contains(field), "{args}: {text}");
    }
    let text = h.err("get_conversations_report", json!({"end": END})).await;
    assert!(text.contains("`start`"), "{text}");
    assert_eq!(api_requests(&h), before, "nothing may reach Help Scout");
}

#[tokio::test]
async fn view_by_follows_help_scouts_range_limits() {
    let h = Harness::new(AccessLevel::Read).await;
    let before = api_requests(&h);
    let too_long_for_days = json!({"start": "2026-01-01", "end": "2026-06-01", "view_by": "day"});
    let text = h.err("get_new_conversations_report", too_long_for_days).await;
    assert!(text.contains("`view_by`") && text.contains("120 days"), "{text}");
    let too_short_for_months = json!({"start": "2026-09-01", "end": "2026-10-01", "view_by": "month"});
    let text = h.err("get_replies_sent_report", too_short_for_months).await;
    assert!(text.contains("`view_by`") && text.contains("61 days"), "{text}");
    let too_long_for_weeks = json!({"start": "2024-01-01", "end": "2026-01-01", "view_by": "week"});
    let text = h.err("get_user_replies_report", with_user(too_long_for_weeks)).await;
    assert!(text.contains("`view_by`") && text.contains("1 year"), "{text}");
    assert_eq!(api_requests(&h), before);

    let out = h
        .ok(
            "get_new_conversations_report",
            json!({"start": "2026-08-01", "end": "2026-11-01", "view_by": "month"}),
        )
        .await;
    assert_eq!(query(&last(&h)).get("viewBy").map(String::as_str), Some("month"));
    let points = out["current"].as_array().unwrap();
    assert_eq!(points.len(), 3, "{out}");
    assert_eq!(points[0]["date"], "2026-08-01T00:00:00Z");
}

fn with_user(mut args: Value) -> Value {
    args["user_id"] = json!(OWNER_USER_ID);
    args
}

#[tokio::test]
async fn arguments_a_report_does_not_take_are_refused_and_absent_from_its_schema() {
    let h = Harness::new(AccessLevel::Read).await;
    let text = h.err("get_company_report", with(json!({"view_by": "week"}))).await;
    assert!(text.contains("`view_by`"), "{text}");
    let text = h.err("get_chat_report", with(json!({"types": ["chat"]}))).await;
    assert!(text.contains("`types`"), "{text}");
    let text = h
        .err(
            "get_happiness_ratings_report",
            with(json!({"sort_field": "repliesSent"})),
        )
        .await;
    assert!(text.contains("`sort_field`"), "{text}");
    let text = h.err("get_company_report", with(json!({"bogus": 1}))).await;
    assert!(text.contains("bogus"), "{text}");

    let tools = h.tools().await;
    let schema = |name: &str| {
        let tool = tools.iter().find(|t| t.name == name).unwrap();
        serde_json::to_value(&*tool.input_schema).unwrap()
    };
    let props = |name: &str| -> Vec<String> {
        let mut keys: Vec<String> = schema(name)["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(
        props("get_company_report"),
        [
            "end",
            "folder_ids",
            "mailbox_ids",
            "previous_end",
            "previous_start",
            "start",
            "tag_ids",
            "types"
        ]
    );
    assert_eq!(
        props("get_docs_report"),
        ["end", "previous_end", "previous_start", "site_ids", "start"]
    );
    assert_eq!(
        props("get_conversations_drilldown_report"),
        [
            "end",
            "folder_ids",
            "mailbox_ids",
            "max_items",
            "page",
            "rows",
            "start",
            "tag_ids",
            "types"
        ]
    );
    assert_eq!(
        schema("get_company_drilldown_report")["required"],
        json!(["start", "end", "range"])
    );
    assert_eq!(
        schema("get_conversations_field_drilldown_report")["required"],
        json!(["start", "end", "field", "field_id"])
    );
    let sort = schema("get_user_conversation_history_report")["properties"]["sort_field"].to_string();
    assert!(sort.contains("resolveTime") && !sort.contains("modifiedAt"), "{sort}");
}

#[tokio::test]
async fn required_report_arguments_are_named() {
    let h = Harness::new(AccessLevel::Read).await;
    let before = api_requests(&h);
    let text = h.err("get_user_report", range()).await;
    assert!(text.contains("`user_id`"), "{text}");
    let text = h.err("get_company_drilldown_report", range()).await;
    assert!(text.contains("`range`"), "{text}");
    let text = h
        .err(
            "get_conversations_field_drilldown_report",
            with(json!({"field": "tagid"})),
        )
        .await;
    assert!(text.contains("`field_id`"), "{text}");
    let text = h
        .err("get_docs_report", with(json!({"site_ids": ["not-a-site"]})))
        .await;
    assert!(text.contains("`site_ids`"), "{text}");
    assert_eq!(api_requests(&h), before);
}

#[tokio::test]
async fn drilldowns_page_with_rows_and_say_how_to_continue() {
    let h = Harness::new(AccessLevel::Read).await;
    let first = h
        .ok("get_conversations_drilldown_report", with(json!({"rows": 5})))
        .await;
    let q = query(&last(&h));
    assert_eq!(q.get("rows").map(String::as_str), Some("5"));
    let rows = first["conversations"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(first["total"].as_u64().unwrap() > 5, "{first}");
    assert_eq!(first["page"], 1);
    assert_eq!(
        first["next"],
        "call get_conversations_drilldown_report again with page=2 for more"
    );
    for row in rows {
        assert!(
            row["id"].is_u64() && row["number"].is_u64() && row["subject"].is_string(),
            "{row}"
        );
        assert!(
            row["customer"]["id"].is_u64() && row["customer"]["name"].is_string(),
            "{row}"
        );
    }

    let second = h
        .ok(
            "get_conversations_drilldown_report",
            with(json!({"rows": 5, "page": 2})),
        )
        .await;
    assert_eq!(query(&last(&h)).get("page").map(String::as_str), Some("2"));
    assert_ne!(second["conversations"][0]["id"], rows[0]["id"]);

    let text = h
        .err("get_conversations_drilldown_report", with(json!({"rows": 51})))
        .await;
    assert!(text.contains("`rows`") && text.contains("50"), "{text}");
}

#[tokio::test]
async fn company_drilldown_sends_range_and_bucket() {
    let h = Harness::new(AccessLevel::Read).await;
    let all = h
        .ok(
            "get_company_drilldown_report",
            with(json!({"range": "firstResponseTime", "rows": 50})),
        )
        .await;
    let one_bucket = h
        .ok(
            "get_company_drilldown_report",
            with(json!({"range": "firstResponseTime", "range_id": 10, "rows": 50})),
        )
        .await;
    let q = query(&last(&h));
    assert_eq!(
        (q.get("range").map(String::as_str), q.get("rangeId").map(String::as_str)),
        (Some("firstResponseTime"), Some("10"))
    );
    assert!(all["total"].as_u64().unwrap() >= one_bucket["total"].as_u64().unwrap());
}

#[tokio::test]
async fn field_drilldown_lists_conversations_with_the_tag() {
    let h = Harness::new(AccessLevel::Read).await;
    let out = h
        .ok(
            "get_conversations_field_drilldown_report",
            with(json!({"field": "tagid", "field_id": VIP_TAG_ID, "rows": 50})),
        )
        .await;
    let q = query(&last(&h));
    assert_eq!(
        (q.get("field").map(String::as_str), q.get("fieldid")),
        (Some("tagid"), Some(&VIP_TAG_ID.to_string()))
    );
    let rows = out["conversations"].as_array().unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        let tags = row["tags"].as_array().unwrap();
        assert!(tags.iter().any(|t| t == "vip"), "{row}");
    }
}

#[tokio::test]
async fn happiness_ratings_are_readable_and_filterable() {
    let h = Harness::new(AccessLevel::Read).await;
    let out = h
        .ok(
            "get_happiness_ratings_report",
            with(json!({"rating": "not-good", "sort_field": "number", "sort_order": "ASC", "page": 1})),
        )
        .await;
    let q = query(&last(&h));
    for (k, v) in [
        ("rating", "not-good"),
        ("sortField", "number"),
        ("sortOrder", "ASC"),
        ("page", "1"),
    ] {
        assert_eq!(q.get(k).map(String::as_str), Some(v), "{k} in {q:?}");
    }
    let ratings = out["ratings"].as_array().unwrap();
    assert!(!ratings.is_empty(), "{out}");
    for r in ratings {
        assert_eq!(r["rating"], "not_good", "{r}");
        assert!(r["conversationId"].is_u64() && r["threadId"].is_u64(), "{r}");
        assert!(r["user"]["id"].is_u64() && r["customer"]["name"].is_string(), "{r}");
    }

    let summary = h.ok("get_happiness_report", range()).await;
    let current = &summary["current"];
    assert_eq!(current["ratingsCount"], RATING_COUNT);
    assert_eq!(
        current["greatCount"].as_u64().unwrap()
            + current["okayCount"].as_u64().unwrap()
            + current["notGoodCount"].as_u64().unwrap(),
        RATING_COUNT
    );
}

#[tokio::test]
async fn user_reports_take_users_and_teams() {
    let h = Harness::new(AccessLevel::Read).await;
    let out = h
        .ok(
            "get_user_report",
            with(json!({"user_id": TEAM_IDS[0], "office_hours": true, "previous_start": "2025-01-01", "previous_end": "2026-01-01"})),
        )
        .await;
    let q = query(&last(&h));
    assert_eq!(q.get("user"), Some(&TEAM_IDS[0].to_string()));
    assert_eq!(q.get("officeHours").map(String::as_str), Some("true"));
    assert_eq!(out["user"]["id"], TEAM_IDS[0]);
    assert!(out["current"]["totalReplies"].is_number(), "{out}");

    let history = h
        .ok(
            "get_user_conversation_history_report",
            with(json!({"user_id": OWNER_USER_ID, "status": "closed", "sort_field": "repliesSent", "sort_order": "DESC"})),
        )
        .await;
    let q = query(&last(&h));
    assert_eq!(
        (
            q.get("status").map(String::as_str),
            q.get("sortField").map(String::as_str)
        ),
        (Some("closed"), Some("repliesSent"))
    );
    let rows = history["conversations"].as_array().unwrap();
    let replies: Vec<u64> = rows.iter().map(|r| r["repliesSent"].as_u64().unwrap()).collect();
    assert!(replies.windows(2).all(|w| w[0] >= w[1]), "{replies:?}");

    let text = h.err("get_user_report", with(json!({"user_id": 987_654}))).await;
    assert!(text.contains("HTTP 404"), "{text}");
}

#[tokio::test]
async fn a_plan_without_reports_gets_a_clear_message() {
    let h = Harness::new(AccessLevel::Read).await;
    h.fake.set_reports_enabled(false);
    let text = h.err("get_company_report", range()).await;
    assert!(
        text.contains("Reports are not available on this Help Scout plan") && text.contains("Plus or Pro"),
        "{text}"
    );
    assert_eq!(last(&h).status, 403);
    // Ratings are not part of reporting.
    h.ok("get_rating", json!({"rating_id": GREAT_RATING_ID})).await;
    h.fake.set_reports_enabled(true);
    h.ok("get_company_report", range()).await;
}

#[tokio::test]
async fn get_rating_returns_the_rating_with_its_people_and_conversation() {
    let h = Harness::new(AccessLevel::Read).await;
    let great = h.ok("get_rating", json!({"rating_id": GREAT_RATING_ID})).await;
    let request = last(&h);
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", format!("/v2/ratings/{GREAT_RATING_ID}").as_str())
    );
    assert_eq!(great["id"], GREAT_RATING_ID);
    assert_eq!(great["rating"], "great");
    assert!(great["comments"].as_str().is_some_and(|c| !c.is_empty()), "{great}");
    for key in ["threadId", "conversationId", "conversationNumber", "mailboxId"] {
        assert!(great[key].is_u64(), "{key} in {great}");
    }
    assert!(
        great["customer"]["id"].is_u64() && great["user"]["id"].is_u64(),
        "{great}"
    );
    assert!(
        !great.to_string().contains("photoUrl") && great.get("_links").is_none(),
        "{great}"
    );

    let conversation_id = great["conversationId"].as_u64().unwrap();
    assert!((FIRST_CONVERSATION_ID..FIRST_CONVERSATION_ID + 60).contains(&conversation_id));

    let bad = h.ok("get_rating", json!({"rating_id": NOT_GOOD_RATING_ID})).await;
    assert_eq!(bad["rating"], "not_good");

    let text = h
        .err("get_rating", json!({"rating_id": FIRST_RATING_ID + RATING_COUNT}))
        .await;
    assert!(text.contains("HTTP 404"), "{text}");
}

/// Customer names and emails anywhere in a report output (under `customer`/`customers`).
fn customer_data(value: &Value, inside_customer: bool, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let customer = inside_customer || key.starts_with("customer");
                if customer && ["name", "email", "firstName", "lastName"].contains(&key.as_str()) {
                    found.extend(v.as_str().map(str::to_string));
                }
                customer_data(v, customer, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| customer_data(v, inside_customer, found)),
        _ => {}
    }
}

fn drop_previews(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("preview");
            map.values_mut().for_each(drop_previews);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_previews),
        _ => {}
    }
}

#[tokio::test]
async fn a_redacting_profile_masks_customers_in_every_report() {
    let plain = Harness::new(AccessLevel::Read).await;
    let mut policy = common::policy(AccessLevel::Read);
    policy.redact = [Redact::Name, Redact::Email].into_iter().collect();
    let masked = Harness::with_policy(policy).await;
    let mut calls: Vec<(&str, Value)> = every_report()
        .into_iter()
        .map(|(tool, _, extra)| (tool, with(extra)))
        .collect();
    calls.push(("get_rating", json!({"rating_id": GREAT_RATING_ID})));
    let mut customers = Vec::new();
    for (tool, args) in &calls {
        customer_data(&plain.ok(tool, args.clone()).await, false, &mut customers);
    }
    customers.retain(|c| !c.is_empty());
    assert!(
        customers.len() > 20,
        "too little customer data to prove anything: {customers:?}"
    );
    assert!(customers.iter().any(|c| c.contains('@')), "{customers:?}");
    // Emails are masked everywhere; names only in structured fields (free text such as a
    // drilldown's `preview` keeps names, as thread bodies do: see output/redact.rs).
    for (tool, args) in &calls {
        let mut out = masked.ok(tool, args.clone()).await;
        let text = out.to_string();
        drop_previews(&mut out);
        let structured = out.to_string();
        for customer in &customers {
            let shown = if customer.contains('@') { &text } else { &structured };
            assert!(
                !shown.contains(customer.as_str()),
                "{tool} shows `{customer}` despite redaction"
            );
        }
    }
    let ratings = masked.ok("get_happiness_ratings_report", range()).await;
    for row in ratings["ratings"].as_array().unwrap() {
        assert_eq!(row["customer"]["name"], "[name redacted]", "{row}");
        assert_ne!(
            row["user"]["name"], "[name redacted]",
            "agents are not customers: {row}"
        );
    }
}
