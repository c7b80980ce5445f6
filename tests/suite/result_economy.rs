#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Tool results are lean: the text a text-only host shows the model (content[0].text)
//! is measured in o200k_base tokens against the raw Help Scout JSON of the requests
//! the tool made, replayed to the fake with a valid token (as `bench tokens` does).
//! Lean must not mean lossy: every thread of a conversation keeps its author, time,
//! type and first line, checked against the raw JSON.

use crate::common;

use base64::Engine;
use common::{text, Harness};
use fake_helpscout::ids;
use helpscout_mcp::policy::AccessLevel;
use serde_json::{json, Value};

fn tokens(text: &str) -> usize {
    tiktoken_rs::o200k_base().unwrap().encode_ordinary(text).len()
}

/// GET from the fake as Help Scout would answer it: Basic with the Docs key for the
/// Docs API (`/v1`), a freshly issued bearer token for everything else.
async fn raw_get(h: &Harness, path_and_query: &str) -> String {
    let auth = if path_and_query.starts_with("/v1/") {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:X", fake_helpscout::DOCS_API_KEY));
        format!("Basic {basic}")
    } else {
        format!("Bearer {}", h.fake.issue_token())
    };
    let response = reqwest::Client::new()
        .get(format!("{}{path_and_query}", h.fake.base_url()))
        .header("authorization", auth)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "GET {path_and_query}: {}",
        response.status()
    );
    response.text().await.unwrap()
}

/// What a tool showed and what Help Scout sent for it.
struct Measured {
    /// content[0].text
    shown: String,
    /// Its o200k_base tokens.
    used: usize,
    /// The o200k_base tokens of the raw JSON of every request the tool sent.
    raw: usize,
    /// Those raw bodies, parsed.
    bodies: Vec<Value>,
}

impl Measured {
    fn result(&self) -> Value {
        serde_json::from_str(&self.shown).unwrap()
    }

    /// Fails unless the text is at most `percent` of the raw JSON.
    fn assert_at_most(&self, tool: &str, percent: usize) {
        assert!(
            self.used * 100 <= self.raw * percent,
            "{tool}: {} tokens is more than {percent}% of {}:\n{}",
            self.used,
            self.raw,
            self.shown
        );
    }
}

/// Calls `tool` and measures its text against the raw JSON of the requests it sent.
async fn measure(h: &Harness, tool: &str, arguments: Value) -> Measured {
    h.fake.clear_requests();
    let result = h.call(tool, arguments).await;
    let shown = text(&result);
    assert_ne!(result.is_error, Some(true), "{tool} failed: {shown}");
    let mut raw = 0;
    let mut bodies = Vec::new();
    for r in h.fake.requests() {
        if r.path.ends_with("/oauth2/token") {
            continue;
        }
        let path = match r.query.as_deref() {
            Some(q) if !q.is_empty() => format!("{}?{q}", r.path),
            _ => r.path.clone(),
        };
        let body = raw_get(h, &path).await;
        raw += tokens(&body);
        bodies.push(serde_json::from_str(&body).unwrap());
    }
    let used = tokens(&shown);
    println!(
        "{tool}: {used} tokens of text vs {raw} tokens of raw JSON = {:.1}%",
        100.0 * used as f64 / raw as f64
    );
    Measured {
        shown,
        used,
        raw,
        bodies,
    }
}

/// The seeded conversation whose thread count is closest to `want`, and its raw JSON.
async fn conversation_with_threads(h: &Harness, want: usize) -> (u64, Value) {
    let mut best: Option<(u64, Value, usize)> = None;
    for id in ids::FIRST_CONVERSATION_ID..ids::FIRST_CONVERSATION_ID + 60 {
        let value: Value =
            serde_json::from_str(&raw_get(h, &format!("/v2/conversations/{id}?embed=threads")).await).unwrap();
        let n = value["_embedded"]["threads"].as_array().map_or(0, Vec::len);
        if best
            .as_ref()
            .is_none_or(|(_, _, b)| n.abs_diff(want) < b.abs_diff(want))
        {
            best = Some((id, value, n));
        }
    }
    let (id, value, n) = best.unwrap();
    assert_eq!(n, want, "no seeded conversation with {want} threads");
    (id, value)
}

/// Text without tags and entities, independent of the server's HTML renderer.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag
                    .trim_start_matches('/')
                    .split([' ', '/'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if ["br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3", "ul", "ol"].contains(&name.as_str()) {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(out, |t, (e, c)| t.replace(e, c))
}

/// The words of the first non-empty line of a thread's body (at most 8 of them), or of
/// its action text for a line item.
fn first_line_words(thread: &Value) -> Vec<String> {
    let source = thread["body"]
        .as_str()
        .map(plain)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| thread["action"]["text"].as_str().map(str::to_string))
        .unwrap_or_default();
    let line = source.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    line.split_whitespace().take(8).map(str::to_string).collect()
}

/// Every string and number in `value`, whitespace squeezed, one space apart.
fn words_of(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            for word in s.split_whitespace() {
                out.push_str(word);
                out.push(' ');
            }
        }
        Value::Number(n) => {
            out.push_str(&n.to_string());
            out.push(' ');
        }
        Value::Array(items) => items.iter().for_each(|v| words_of(v, out)),
        Value::Object(map) => map.values().for_each(|v| words_of(v, out)),
        _ => {}
    }
}

fn person_name(p: &Value) -> String {
    ["first", "last"]
        .iter()
        .filter_map(|k| p[*k].as_str())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn get_conversation_is_at_most_35_percent_of_the_raw_json_and_loses_no_thread() {
    let h = Harness::new(AccessLevel::Full).await;
    let (id, raw) = conversation_with_threads(&h, 10).await;
    let m = measure(&h, "get_conversation", json!({"conversation_id": id})).await;
    // The issue's target.
    m.assert_at_most("get_conversation", 35);
    // What the shapes reach (23% on the seed data), with a margin: a guard against creep.
    m.assert_at_most("get_conversation", 26);

    let threads = raw["_embedded"]["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 10);
    let result = m.result();
    let shaped = common::items(&result, "threads");
    assert_eq!(shaped.len(), threads.len(), "{}", m.shown);
    for t in threads {
        let id = t["id"].as_u64().unwrap();
        let thread = shaped
            .iter()
            .find(|s| s["id"].as_u64() == Some(id))
            .unwrap_or_else(|| panic!("thread {id} is missing from:\n{}", m.shown));
        assert_eq!(thread["type"], t["type"], "thread {id}: {thread}");
        assert_eq!(thread["createdAt"], t["createdAt"], "thread {id}: {thread}");
        // Everything the model reads about this thread, as words.
        let mut seen = String::new();
        words_of(thread, &mut seen);
        let author = person_name(&t["createdBy"]);
        let first = first_line_words(t).join(" ");
        for (what, needle) in [("author", author), ("first line", first)] {
            assert!(!needle.is_empty(), "thread {id} has no {what} in the raw JSON: {t}");
            assert!(
                seen.contains(&needle),
                "thread {id}: {what} {needle:?} is missing from {thread}"
            );
        }
    }
}

#[tokio::test]
async fn list_conversations_is_lean() {
    let h = Harness::new(AccessLevel::Full).await;
    let m = measure(&h, "list_conversations", json!({"status": "all"})).await;
    // 36% before the compact shapes, 32.5% now.
    m.assert_at_most("list_conversations", 34);
    let result = m.result();
    let listed = common::items(&result, "conversations");
    let raw = m.bodies[0]["_embedded"]["conversations"].as_array().unwrap();
    assert_eq!((listed.len(), raw.len()), (25, 25), "{}", m.shown);
    for (shown, raw) in listed.iter().zip(raw) {
        for key in ["id", "number", "subject", "status", "preview", "createdAt"] {
            assert_eq!(shown[key], raw[key], "{key}: {shown}");
        }
        assert_eq!(shown["customer"]["id"], raw["primaryCustomer"]["id"], "{shown}");
        assert_eq!(shown["customer"]["email"], raw["primaryCustomer"]["email"], "{shown}");
        assert_eq!(
            shown["customer"]["name"],
            person_name(&raw["primaryCustomer"]),
            "{shown}"
        );
        assert_eq!(shown["assignee"]["id"], raw["assignee"]["id"], "{shown}");
    }
}

#[tokio::test]
async fn get_customer_is_lean() {
    let h = Harness::new(AccessLevel::Full).await;
    let m = measure(&h, "get_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    // 59% before, 52.6% now.
    m.assert_at_most("get_customer", 55);
    let result = m.result();
    let raw = &m.bodies[0];
    for key in ["emails", "phones", "chats", "social_profiles", "websites", "properties"] {
        let entries = raw["_embedded"][key].as_array().unwrap();
        assert!(!entries.is_empty(), "the seeded customer has no {key}");
        for entry in entries {
            let found = m.shown.contains(&entry["value"].to_string());
            assert!(found, "{key} value {} is missing from {}", entry["value"], m.shown);
        }
    }
    for p in raw["_embedded"]["properties"].as_array().unwrap() {
        let slug = p["slug"].as_str().unwrap();
        assert!(
            common::items(&result, "properties")
                .iter()
                .any(|q| q["slug"] == slug && q["value"] == p["value"]),
            "property {slug} is missing from {}",
            m.shown
        );
    }
}

#[tokio::test]
async fn docs_search_articles_is_lean() {
    let h = Harness::new(AccessLevel::Full).await;
    let m = measure(&h, "docs_search_articles", json!({"query": "project"})).await;
    // 77% before, 62.3% now.
    m.assert_at_most("docs_search_articles", 65);
    let result = m.result();
    let hits = common::items(&result, "articles");
    let raw = m.bodies[0]["articles"]["items"].as_array().unwrap();
    assert!(!raw.is_empty());
    assert_eq!(hits.len(), raw.len(), "{}", m.shown);
    for (hit, raw) in hits.iter().zip(raw) {
        for key in ["id", "number", "name", "collectionId", "preview", "url"] {
            assert_eq!(hit[key], raw[key], "{key}: {hit}");
        }
        // Published and public are the defaults; anything else is spelt out.
        for (key, default) in [("status", "published"), ("visibility", "public")] {
            let expected = if raw[key] == default {
                Value::Null
            } else {
                raw[key].clone()
            };
            assert_eq!(hit[key], expected, "{key}: {hit}");
        }
    }
}
