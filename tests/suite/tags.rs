#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `tags` toolset against the fake Help Scout.

use crate::common;

use common::Harness;
use helpscout_mcp::policy::AccessLevel;
use serde_json::json;

#[tokio::test]
async fn lists_and_gets_tags() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_tags", json!({"page": 1})).await;
    let tags = list["tags"].as_array().expect("tags array");
    assert!(!tags.is_empty());
    for tag in tags {
        let keys: Vec<&str> = tag.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(
            keys.iter()
                .all(|k| ["id", "name", "color", "conversations", "updatedAt"].contains(k)),
            "{tag}"
        );
        assert!(tag["id"].is_u64() && tag["name"].is_string(), "{tag}");
    }
    let last = h.fake.requests().pop().unwrap();
    assert_eq!(
        (last.path.as_str(), last.query.as_deref()),
        ("/v2/tags", Some("page=1"))
    );

    let id = tags[0]["id"].as_u64().unwrap();
    let tag = h.ok("get_tag", json!({"tag_id": id})).await;
    assert_eq!(tag, tags[0]);
    assert_eq!(h.fake.requests().pop().unwrap().path, format!("/v2/tags/{id}"));
}

#[tokio::test]
async fn missing_tag_is_a_clear_404_and_bad_ids_name_the_field() {
    let h = Harness::new(AccessLevel::Read).await;
    let text = h.err("get_tag", json!({"tag_id": 987_654_321u64})).await;
    assert!(text.contains("HTTP 404") && text.contains("Not found"), "{text}");
    let text = h.err("get_tag", json!({"tag_id": -1})).await;
    assert!(text.contains("`tag_id`"), "{text}");
}
