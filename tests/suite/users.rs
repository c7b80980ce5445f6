#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `users` toolset (users, availability, system users, teams)
//! against the fake Help Scout.

use crate::common;

use common::{assert_compact, items, last_get, Harness};
use helpscout_mcp::policy::AccessLevel;
use serde_json::json;

#[tokio::test]
async fn lists_and_gets_users() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_users", json!({})).await;
    assert_compact(&list);
    let users = items(&list, "users");
    assert!(!users.is_empty());
    assert!(users
        .iter()
        .all(|u| u["id"].is_u64() && u["email"].is_string() && u["firstName"].is_string()));

    let id = users[0]["id"].as_u64().unwrap();
    let user = h.ok("get_user", json!({"user_id": id})).await;
    assert_compact(&user);
    assert_eq!(user["id"], id);
    assert_eq!(user["email"], users[0]["email"]);
    assert_eq!(last_get(&h).path, format!("/v2/users/{id}"));
}

#[tokio::test]
async fn filters_users_by_email_and_mailbox() {
    let h = Harness::new(AccessLevel::Read).await;
    let all = h.ok("list_users", json!({})).await;
    let target = items(&all, "users")[0].clone();
    let email = target["email"].as_str().unwrap();

    let found = h.ok("list_users", json!({"email": email})).await;
    let found = items(&found, "users");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["id"], target["id"]);
    let query = last_get(&h).query.unwrap_or_default();
    assert!(query.contains("email="), "{query}");

    let mailboxes = h.ok("list_mailboxes", json!({})).await;
    let mailbox_id = items(&mailboxes, "mailboxes")[0]["id"].as_u64().unwrap();
    let in_mailbox = h.ok("list_users", json!({"mailbox_id": mailbox_id, "page": 1})).await;
    assert!(items(&in_mailbox, "users").len() <= items(&all, "users").len());
    let query = last_get(&h).query.unwrap_or_default();
    assert!(
        query.contains(&format!("mailbox={mailbox_id}")) && query.contains("page=1"),
        "{query}"
    );
}

#[tokio::test]
async fn list_users_validates_the_email_filter() {
    let h = Harness::new(AccessLevel::Read).await;
    for bad in ["", "not-an-address"] {
        let text = h.err("list_users", json!({"email": bad})).await;
        assert!(text.contains("`email`"), "{text}");
    }
    assert!(h.fake.requests().iter().all(|r| r.path != "/v2/users"));
}

#[tokio::test]
async fn gets_the_current_user() {
    let h = Harness::new(AccessLevel::Read).await;
    let me = h.ok("get_current_user", json!({})).await;
    assert_compact(&me);
    assert!(me["id"].is_u64() && me["email"].is_string(), "{me}");
    assert_eq!(last_get(&h).path, "/v2/users/me");
    let text = h.err("get_current_user", json!({"user_id": 1})).await;
    assert!(text.contains("user_id"), "{text}");
}

#[tokio::test]
async fn missing_user_is_a_clear_404() {
    let h = Harness::new(AccessLevel::Read).await;
    let text = h.err("get_user", json!({"user_id": 987_654_321u64})).await;
    assert!(text.contains("HTTP 404") && text.contains("Not found"), "{text}");
}

#[tokio::test]
async fn lists_and_gets_user_statuses() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_user_statuses", json!({})).await;
    assert_compact(&list);
    let statuses = items(&list, "userStatuses");
    assert!(!statuses.is_empty());
    let user_id = statuses[0]["userId"].as_u64().expect("userId");
    assert!(
        ["active", "away"].contains(&statuses[0]["email"]["status"].as_str().unwrap_or("")),
        "{list}"
    );

    let status = h.ok("get_user_status", json!({"user_id": user_id})).await;
    assert_compact(&status);
    assert_eq!(status["email"]["status"], statuses[0]["email"]["status"]);
    assert_eq!(last_get(&h).path, format!("/v2/users/{user_id}/status"));
}

#[tokio::test]
async fn set_user_status_puts_status_and_custom_status() {
    let h = Harness::new(AccessLevel::Write).await;
    let me = h.ok("get_current_user", json!({})).await;
    let id = me["id"].as_u64().unwrap();
    let out = h
        .ok(
            "set_user_status",
            json!({"user_id": id, "status": "away",
                   "custom_status": {"text": "Back Monday", "emoji": "🌴", "emoji_name": "palm_tree"}}),
        )
        .await;
    let sent =
        json!({"status": "away", "customStatus": {"text": "Back Monday", "emoji": "🌴", "emojiName": "palm_tree"}});
    assert_eq!(out, json!({"updated": true, "userId": id, "status": sent}));

    let writes = h.writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        (writes[0].method.as_str(), writes[0].path.clone()),
        ("PUT", format!("/v2/users/{id}/status"))
    );
    assert!(writes[0]
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(writes[0].body_json(), Some(sent));
    assert_eq!(writes[0].status, 204);

    let status = h.ok("get_user_status", json!({"user_id": id})).await;
    assert_eq!(status["email"]["status"], "away");

    h.ok("set_user_status", json!({"user_id": id, "status": "active"}))
        .await;
    assert_eq!(h.writes()[1].body_json(), Some(json!({"status": "active"})));
}

#[tokio::test]
async fn set_user_status_validates_before_sending() {
    let h = Harness::new(AccessLevel::Write).await;
    let text = h.err("set_user_status", json!({"user_id": 1, "status": "busy"})).await;
    assert!(text.contains("`status`") && text.contains("away"), "{text}");
    let text = h
        .err(
            "set_user_status",
            json!({"user_id": 1, "status": "away", "custom_status": {"text": " "}}),
        )
        .await;
    assert!(text.contains("`custom_status.text`"), "{text}");
    let text = h.err("set_user_status", json!({"user_id": 1})).await;
    assert!(text.contains("`status`"), "{text}");
    assert!(h.writes().is_empty());
}

#[tokio::test]
async fn set_user_status_is_hidden_from_read_only_agents() {
    let h = Harness::new(AccessLevel::Read).await;
    let names: Vec<String> = h.tools().await.into_iter().map(|t| t.name.to_string()).collect();
    assert!(names.contains(&"get_user_status".to_string()));
    assert!(!names.contains(&"set_user_status".to_string()));
}

#[tokio::test]
async fn lists_and_gets_system_users_from_v3() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_system_users", json!({})).await;
    assert_compact(&list);
    let system_users = items(&list, "system_users");
    assert!(!system_users.is_empty());
    assert_eq!(last_get(&h).path, "/v3/system-users");

    let id = system_users[0]["id"].as_u64().unwrap();
    let one = h.ok("get_system_user", json!({"system_user_id": id})).await;
    assert_compact(&one);
    assert_eq!(one["id"], id);
    assert_eq!(last_get(&h).path, format!("/v3/system-users/{id}"));

    // v2 leaves AI agents out of the user list (catalogue 4.7).
    let users = h.ok("list_users", json!({})).await;
    assert!(items(&users, "users").iter().all(|u| u["id"] != id));
}

#[tokio::test]
async fn lists_teams_and_their_members() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_teams", json!({})).await;
    assert_compact(&list);
    let teams = items(&list, "teams");
    assert!(!teams.is_empty());
    assert!(teams.iter().all(|t| t["id"].is_u64() && t["name"].is_string()));

    let mut members_seen = false;
    for team in teams {
        let id = team["id"].as_u64().unwrap();
        let members = h.ok("list_team_members", json!({"team_id": id})).await;
        assert_compact(&members);
        assert_eq!(last_get(&h).path, format!("/v2/teams/{id}/members"));
        let members = items(&members, "users");
        assert!(members.iter().all(|m| m["id"].is_u64() && m["email"].is_string()));
        members_seen |= !members.is_empty();
    }
    assert!(members_seen, "some seeded team has members");
}
