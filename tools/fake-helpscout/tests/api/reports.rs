#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fake's report and rating endpoints over real HTTP: Help Scout's validation
//! (catalogue 4.10), plan gating, and numbers that agree with the seeded data.

use crate::common;

use common::Api;
use fake_helpscout::ids::*;
use reqwest::StatusCode;
use serde_json::Value;

/// Covers every seeded conversation and rating (SEED_NOW is 2026-11-20).
const RANGE: &str = "start=2026-01-01T00:00:00Z&end=2026-11-21T00:00:00Z";

impl Api {
    async fn status_json(&self, path_and_query: &str) -> (StatusCode, Value) {
        let resp = self.get(path_and_query).await;
        let status = resp.status();
        let body = resp.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    async fn ok(&self, path_and_query: &str) -> Value {
        let (status, body) = self.status_json(path_and_query).await;
        assert_eq!(status, StatusCode::OK, "GET {path_and_query}: {body}");
        body
    }

    /// A 400 whose field errors name `field`.
    async fn invalid(&self, path_and_query: &str, field: &str) {
        let (status, body) = self.status_json(path_and_query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "GET {path_and_query}: {body}");
        assert_eq!(body["message"], "Validation error", "{body}");
        assert!(body["logRef"].is_string(), "{body}");
        let paths: Vec<&str> = body["_embedded"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["path"].as_str())
            .collect();
        assert_eq!(paths, [field], "GET {path_and_query}: {body}");
    }
}

#[tokio::test]
async fn dates_are_required_in_utc_without_milliseconds() {
    let api = Api::new().await;
    api.invalid("/v2/reports/company", "start").await;
    api.invalid("/v2/reports/company?start=2026-01-01T00:00:00Z", "end")
        .await;
    api.invalid(
        "/v2/reports/company?start=2026-01-01T00:00:00.000Z&end=2026-02-01T00:00:00Z",
        "start",
    )
    .await;
    api.invalid("/v2/reports/company?start=2026-01-01&end=2026-02-01T00:00:00Z", "start")
        .await;
    api.invalid(
        "/v2/reports/company?start=2026-02-01T00:00:00Z&end=2026-01-01T00:00:00Z",
        "end",
    )
    .await;
    api.invalid(
        &format!("/v2/reports/company?{RANGE}&previousStart=2025-01-01T00:00:00Z"),
        "previousEnd",
    )
    .await;
    api.ok("/v2/reports/company?start=2026-01-01T02:00:00%2B02:00&end=2026-02-01T00:00:00Z")
        .await;
}

#[tokio::test]
async fn report_parameters_are_validated() {
    let api = Api::new().await;
    let cases = [
        ("/v2/reports/company?mailboxes=301,abc", "mailboxes"),
        ("/v2/reports/company?types=email,fax", "types"),
        ("/v2/reports/conversations/new?viewBy=hour", "viewBy"),
        ("/v2/reports/conversations/drilldown?rows=51", "rows"),
        ("/v2/reports/conversations/drilldown?rows=0", "rows"),
        ("/v2/reports/company/drilldown?rows=5", "range"),
        ("/v2/reports/company/drilldown?range=everything", "range"),
        ("/v2/reports/conversations/fields-drilldown?field=tagid", "fieldid"),
        ("/v2/reports/user", "user"),
        ("/v2/reports/happiness/ratings?rating=bad", "rating"),
        (
            "/v2/reports/user/conversation-history?user=1001&sortField=rating",
            "sortField",
        ),
        ("/v2/reports/productivity?officeHours=maybe", "officeHours"),
    ];
    for (path, field) in cases {
        let sep = if path.contains('?') { '&' } else { '?' };
        api.invalid(&format!("{path}{sep}{RANGE}"), field).await;
    }
    let (status, _) = api.status_json(&format!("/v2/reports/user?user=987654&{RANGE}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api.status_json(&format!("/v2/reports/nonsense?{RANGE}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn view_by_limits_depend_on_the_range() {
    let api = Api::new().await;
    let long = "start=2026-01-01T00:00:00Z&end=2026-06-01T00:00:00Z";
    api.invalid(&format!("/v2/reports/conversations/new?{long}&viewBy=day"), "viewBy")
        .await;
    let short = "start=2026-10-01T00:00:00Z&end=2026-10-15T00:00:00Z";
    api.invalid(&format!("/v2/reports/conversations/new?{short}&viewBy=month"), "viewBy")
        .await;
    let two_years = "start=2024-01-01T00:00:00Z&end=2026-01-01T00:00:00Z";
    api.invalid(
        &format!("/v2/reports/user/replies?user=1001&{two_years}&viewBy=week"),
        "viewBy",
    )
    .await;
    let weeks = api
        .ok(&format!("/v2/reports/conversations/new?{short}&viewBy=week"))
        .await;
    let points = weeks["current"].as_array().unwrap();
    assert_eq!(points.len(), 2, "{weeks}");
    assert_eq!(points[1]["date"], "2026-10-08T00:00:00Z");
}

#[tokio::test]
async fn reports_answer_403_when_the_plan_has_none() {
    let api = Api::new().await;
    api.fake.set_reports_enabled(false);
    let (status, body) = api.status_json(&format!("/v2/reports/company?{RANGE}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["message"].as_str().unwrap().contains("plan"), "{body}");
    // Ratings are not reporting.
    api.ok(&format!("/v2/ratings/{GREAT_RATING_ID}")).await;
    api.fake.set_reports_enabled(true);
    api.ok(&format!("/v2/reports/company?{RANGE}")).await;
}

#[tokio::test]
async fn numbers_agree_across_reports_and_with_the_seed() {
    let api = Api::new().await;
    let months = api
        .ok(&format!("/v2/reports/conversations/new?{RANGE}&viewBy=month"))
        .await;
    let per_month: u64 = months["current"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    let drilldown = api
        .ok(&format!("/v2/reports/conversations/new-drilldown?{RANGE}&rows=50"))
        .await;
    let listed = drilldown["conversations"]["count"].as_u64().unwrap();
    assert!(
        listed >= 60,
        "every regular seeded conversation is new in the range: {listed}"
    );
    assert_eq!(per_month, listed);
    assert_eq!(drilldown["conversations"]["pages"], listed.div_ceil(50));
    assert_eq!(drilldown["conversations"]["results"].as_array().unwrap().len(), 50);

    let channels = api
        .ok(&format!(
            "/v2/reports/conversations/volume-by-channel?{RANGE}&viewBy=month"
        ))
        .await;
    let total = |key: &str| -> u64 {
        channels["current"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[key].as_u64().unwrap())
            .sum()
    };
    assert!(total("chat") >= 1 && total("phone") >= 1, "{channels}");
    assert_eq!(total("email") + total("chat") + total("phone"), listed);

    let company = api
        .ok(&format!(
            "/v2/reports/company?{RANGE}&previousStart=2025-01-01T00:00:00Z&previousEnd=2026-01-01T00:00:00Z"
        ))
        .await;
    assert!(company["current"]["totalReplies"].as_u64().unwrap() > 0, "{company}");
    assert_eq!(company["previous"]["totalReplies"], 0);
    assert!(
        company["deltas"].is_object() && company["filterTags"].is_array(),
        "{company}"
    );

    let happiness = api.ok(&format!("/v2/reports/happiness?{RANGE}")).await;
    assert_eq!(happiness["current"]["ratingsCount"], RATING_COUNT);
    let ratings = api
        .ok(&format!("/v2/reports/happiness/ratings?{RANGE}&rating=all&page=2"))
        .await;
    assert_eq!(
        (
            ratings["count"].as_u64(),
            ratings["pages"].as_u64(),
            ratings["page"].as_u64()
        ),
        (Some(RATING_COUNT), Some(RATING_COUNT.div_ceil(10)), Some(2))
    );
    assert_eq!(ratings["results"].as_array().unwrap().len() as u64, RATING_COUNT - 10);

    let email = api.ok(&format!("/v2/reports/email?{RANGE}")).await;
    assert!(
        email["current"]["volume"]["repliesSent"].as_u64().unwrap() > 0,
        "{email}"
    );
    let busy = api.ok(&format!("/v2/reports/conversations/busy-times?{RANGE}")).await;
    let busy_total: u64 = busy
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(busy_total, listed);
}

#[tokio::test]
async fn user_reports_cover_a_user_or_a_team() {
    let api = Api::new().await;
    let team = api.ok(&format!("/v2/reports/user?user={}&{RANGE}", TEAM_IDS[0])).await;
    assert_eq!(team["user"]["type"], "team");
    let mut member_replies = 0;
    for member in [1002, 1003, 1005] {
        let one = api.ok(&format!("/v2/reports/user?user={member}&{RANGE}")).await;
        member_replies += one["current"]["totalReplies"].as_u64().unwrap();
    }
    assert_eq!(team["current"]["totalReplies"].as_u64().unwrap(), member_replies);

    let ratings = api
        .ok(&format!("/v2/reports/user/ratings?user={OWNER_USER_ID}&{RANGE}"))
        .await;
    for r in ratings["results"].as_array().unwrap() {
        assert_eq!(r["ratingUserId"], OWNER_USER_ID, "{r}");
    }
}

#[tokio::test]
async fn get_rating_links_a_reply_of_a_seeded_conversation() {
    let api = Api::new().await;
    for id in FIRST_RATING_ID..FIRST_RATING_ID + RATING_COUNT {
        let rating = api.ok(&format!("/v2/ratings/{id}")).await;
        let conversation_id = rating["conversationId"].as_u64().unwrap();
        let conv = api
            .ok(&format!("/v2/conversations/{conversation_id}?embed=threads"))
            .await;
        assert_eq!(rating["conversationNumber"], conv["number"]);
        assert_eq!(rating["mailboxId"], conv["mailboxId"]);
        let threads = conv["_embedded"]["threads"].as_array().unwrap();
        let rated = threads.iter().find(|t| t["id"] == rating["threadId"]).unwrap();
        assert_eq!(rated["type"], "reply");
        assert_eq!(rated["createdBy"]["id"], rating["user"]["id"]);
    }
    let great = api.ok(&format!("/v2/ratings/{GREAT_RATING_ID}")).await;
    assert_eq!(great["rating"], "great");
    assert!(great["_links"]["conversation"]["href"].is_string());
    let bad = api.ok(&format!("/v2/ratings/{NOT_GOOD_RATING_ID}")).await;
    assert_eq!(bad["rating"], "not_good");
    let (status, _) = api
        .status_json(&format!("/v2/ratings/{}", FIRST_RATING_ID + RATING_COUNT))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
