//! Compact shapes of Help Scout resources, as the model reads them: the fields an agent
//! acts on, people as `{id, type, name, email}`, HTML bodies as plain text, timestamps
//! kept, no `_links`/photo URLs/HAL paging. Every shape ends with [`strip`], so absent
//! or empty fields simply do not appear.

use serde_json::{json, Map, Value};

use super::compact::strip;
use super::html::html_to_text;

/// A person reference (`assignee`, `createdBy`, `primaryCustomer`, ...). The type is
/// kept as Help Scout gives it: v2 says `user` for AI agents, v3 says `system_user`
/// (catalogue 4.7). A team carries its name in `first`.
pub fn person(value: &Value) -> Value {
    if !value.is_object() {
        return Value::Null;
    }
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let part = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or("").trim().to_string();
            [part("first"), part("last")]
                .iter()
                .filter(|p| !p.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        });
    strip(json!({
        "id": value.get("id"),
        "type": value.get("type"),
        "name": name,
        "email": value.get("email"),
    }))
}

/// One conversation in a list: what an agent needs to pick the next one to open.
pub fn conversation_summary(value: &Value) -> Value {
    let mut out = summary_fields(value);
    if let Some(threads) = embedded(value, "threads") {
        // embed=threads on a list: short bodies, the full text is one get_conversation away.
        let threads = threads_within(
            threads,
            SUMMARY_THREAD_CHARS,
            SUMMARY_THREAD_CHARS * 4,
            TRUNCATED_IN_LIST,
        );
        out.insert("threads".into(), Value::Array(threads));
    }
    strip(Value::Object(out))
}

/// A whole conversation with its threads (when embedded) as plain text.
pub fn conversation_full(value: &Value) -> Value {
    let mut out = summary_fields(value);
    let closed_by = value.get("closedByUser").map(person).filter(|p| !p.is_null());
    out.insert(
        "createdBy".into(),
        value.get("createdBy").map(person).unwrap_or(Value::Null),
    );
    out.insert("closedBy".into(), closed_by.unwrap_or(Value::Null));
    for key in ["cc", "bcc", "source", "nextEvent"] {
        out.insert(key.into(), value.get(key).cloned().unwrap_or(Value::Null));
    }
    let fields: Vec<Value> = value
        .get("customFields")
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .map(|f| {
                    json!({
                        "id": f.get("id"),
                        "name": f.get("name"),
                        // `text` is the display value (a dropdown's label), `value` the raw one.
                        "value": f.get("value"),
                        "text": f.get("text").filter(|t| Some(*t) != f.get("value")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    out.insert("customFields".into(), Value::Array(fields));
    if let Some(threads) = embedded(value, "threads") {
        let threads = threads_within(
            threads,
            FULL_THREAD_CHARS,
            FULL_CONVERSATION_CHARS,
            TRUNCATED_IN_CONVERSATION,
        );
        out.insert("threads".into(), Value::Array(threads));
    }
    strip(Value::Object(out))
}

/// Body budgets, per thread and per result: a conversation can hold 100 threads
/// (catalogue 4.7), and quoted history makes each one long.
pub const SUMMARY_THREAD_CHARS: usize = 500;
pub const FULL_THREAD_CHARS: usize = 4_000;
pub const FULL_CONVERSATION_CHARS: usize = 60_000;
pub const LIST_THREAD_CHARS: usize = 20_000;
pub const LIST_PAGE_CHARS: usize = 150_000;

const TRUNCATED_IN_LIST: &str = "get_conversation shows more";
const TRUNCATED_IN_CONVERSATION: &str = "list_threads shows each thread in full";
pub const TRUNCATED_IN_THREADS: &str = "get_thread_original_source has the raw email";

fn summary_fields(value: &Value) -> Map<String, Value> {
    let tags: Vec<Value> = value
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("tag").or_else(|| t.get("name")).cloned())
                .collect()
        })
        .unwrap_or_default();
    // `threads` is a count on a conversation and an array under `_embedded`.
    let thread_count = value.get("threads").filter(|t| t.is_number()).cloned();
    let mut out = Map::new();
    let mut put = |key: &str, v: Option<Value>| {
        out.insert(key.to_string(), v.unwrap_or(Value::Null));
    };
    put("id", value.get("id").cloned());
    put("number", value.get("number").cloned());
    put("subject", value.get("subject").cloned());
    put("status", value.get("status").cloned());
    put("state", value.get("state").cloned());
    put("type", value.get("type").cloned());
    put("mailboxId", value.get("mailboxId").cloned());
    put("folderId", value.get("folderId").cloned());
    put("customer", value.get("primaryCustomer").map(person));
    put("assignee", value.get("assignee").map(person));
    put("preview", value.get("preview").cloned());
    put("tags", Some(Value::Array(tags)));
    put("threadCount", thread_count);
    put("createdAt", value.get("createdAt").cloned());
    put("updatedAt", value.get("userUpdatedAt").cloned());
    put("closedAt", value.get("closedAt").cloned());
    put(
        "customerWaitingSince",
        value.pointer("/customerWaitingSince/time").cloned(),
    );
    put("snooze", value.get("snooze").cloned());
    out
}

fn embedded<'a>(value: &'a Value, key: &str) -> Option<&'a Vec<Value>> {
    value
        .pointer(&format!("/_embedded/{key}"))
        .or_else(|| value.get(key))
        .and_then(Value::as_array)
}

/// One thread: its body as plain text (cut at `max_chars` with a marker saying where
/// the rest is), its people and attachments.
pub fn thread(value: &Value, max_chars: usize, rest_hint: &str) -> Value {
    let body = value
        .get("body")
        .and_then(Value::as_str)
        .map(|html| truncate(&html_to_text(html), max_chars, rest_hint));
    let attachments: Vec<Value> = embedded(value, "attachments")
        .map(|items| items.iter().map(attachment).collect())
        .unwrap_or_default();
    strip(json!({
        "id": value.get("id"),
        "type": value.get("type"),
        "status": value.get("status"),
        "state": value.get("state"),
        "action": value.pointer("/action/text"),
        "text": body,
        "createdBy": value.get("createdBy").map(person),
        // The thread's customer only adds something when someone else wrote it.
        "customer": value.get("customer").filter(|c| !same_customer(c, value.get("createdBy"))).map(person),
        "assignedTo": value.get("assignedTo").map(person),
        "to": value.get("to"),
        "cc": value.get("cc"),
        "bcc": value.get("bcc"),
        "createdAt": value.get("createdAt"),
        "openedAt": value.get("openedAt"),
        "source": value.get("source"),
        "savedReplyId": value.get("savedReplyId").filter(|id| id.as_u64() != Some(0)),
        "scheduled": value.get("scheduled"),
        "rating": value.get("rating"),
        "attachments": attachments,
    }))
}

fn same_customer(customer: &Value, created_by: Option<&Value>) -> bool {
    created_by.is_some_and(|by| {
        by.get("type").and_then(Value::as_str) == Some("customer") && by.get("id") == customer.get("id")
    })
}

/// Shapes threads in order (newest first, as Help Scout lists them), each body cut at
/// `per_thread` characters and all bodies together at `total`: once the budget is spent,
/// older threads keep their metadata and a marker instead of their text.
pub fn threads_within(threads: &[Value], per_thread: usize, total: usize, rest_hint: &str) -> Vec<Value> {
    let mut left = total;
    threads
        .iter()
        .map(|t| {
            let shaped = thread(t, per_thread.min(left), rest_hint);
            let used = shaped
                .get("text")
                .and_then(Value::as_str)
                .map_or(0, |s| s.chars().count());
            left = left.saturating_sub(used);
            shaped
        })
        .collect()
}

/// An attachment's metadata (its content comes from get_attachment).
pub fn attachment(value: &Value) -> Value {
    strip(json!({
        "id": value.get("id"),
        "fileName": value.get("filename").or_else(|| value.get("fileName")),
        "mimeType": value.get("mimeType"),
        "size": value.get("size"),
        "width": value.get("width").filter(|w| w.as_u64() != Some(0)),
        "height": value.get("height").filter(|h| h.as_u64() != Some(0)),
        // Help Scout's verdict on the file (e.g. possibly malicious), since 2024-08-27.
        "state": value.get("state"),
    }))
}

/// Cuts `text` to at most `max_chars` characters, ending with an explicit marker that
/// says how much was left out and where to read it.
pub fn truncate(text: &str, max_chars: usize, rest_hint: &str) -> String {
    let total = text.chars().count();
    if total <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let marker = format!("[truncated: {} more characters; {rest_hint}]", total - max_chars);
    match cut.trim_end() {
        "" => marker,
        cut => format!("{cut}\n{marker}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A v2 conversation as Help Scout sends it with embed=threads (built from a JSON
    /// text: the `json!` macro would hit the recursion limit on something this deep).
    fn v2_conversation() -> Value {
        serde_json::from_str(
            r##"{
            "id": 10, "number": 1001, "threads": 2, "type": "email", "folderId": 5, "status": "active",
            "state": "published", "subject": "Export fails", "preview": "The export still fails",
            "mailboxId": 1, "createdAt": "2024-01-15T10:30:00Z", "userUpdatedAt": "2024-01-16T08:00:00Z",
            "closedAt": null, "closedBy": 0,
            "assignee": {"id": 7, "type": "user", "first": "Ann", "last": "Agent", "email": "ann@co.test",
                         "photoUrl": "https://p/x.png"},
            "createdBy": {"id": 3, "type": "customer", "first": "Jane", "last": "Doe", "email": "jane@acme.test"},
            "primaryCustomer": {"id": 3, "type": "customer", "first": "Jane", "last": "Doe",
                                "email": "jane@acme.test", "photoUrl": "https://p/y.png"},
            "customerWaitingSince": {"time": "2024-01-15T10:30:00Z", "friendly": "Jan 15"},
            "source": {"type": "email", "via": "customer"},
            "tags": [{"id": 1, "color": "#fff", "tag": "billing"}],
            "cc": [], "bcc": [],
            "customFields": [{"id": 9, "name": "Plan", "value": "12", "text": "Pro"}],
            "_embedded": {"threads": [{
                "id": 100, "type": "customer", "status": "active", "state": "published",
                "body": "<p>Hello<br>world</p><img src=\"https://t/p.gif\" width=\"1\" height=\"1\">",
                "createdBy": {"id": 3, "type": "customer", "first": "Jane", "last": "Doe", "email": "jane@acme.test"},
                "createdAt": "2024-01-15T10:30:00Z",
                "_embedded": {"attachments": [{"id": 55, "filename": "a.png", "mimeType": "image/png", "size": 10,
                                               "width": 0, "height": 0, "_links": {"data": {"href": "x"}}}]},
                "_links": {"createdByCustomer": {"href": "x"}}
            }]},
            "_links": {"self": {"href": "https://api.helpscout.net/v2/conversations/10"}}
        }"##,
        )
        .unwrap()
    }

    #[test]
    fn summary_is_compact() {
        let s = conversation_summary(&v2_conversation());
        assert_eq!(
            s["customer"],
            json!({"id": 3, "type": "customer", "name": "Jane Doe", "email": "jane@acme.test"})
        );
        assert_eq!(s["assignee"]["name"], "Ann Agent");
        assert_eq!(s["tags"], json!(["billing"]));
        assert_eq!(s["threadCount"], 2);
        assert_eq!(s["customerWaitingSince"], "2024-01-15T10:30:00Z");
        let text = s.to_string();
        assert!(
            !text.contains("_links") && !text.contains("photoUrl") && !text.contains("closedAt"),
            "{text}"
        );
    }

    #[test]
    fn full_conversation_has_plain_text_threads() {
        let c = conversation_full(&v2_conversation());
        assert_eq!(c["threads"][0]["text"], "Hello\nworld");
        assert_eq!(
            c["threads"][0]["attachments"],
            json!([{"id": 55, "fileName": "a.png", "mimeType": "image/png", "size": 10}])
        );
        assert_eq!(
            c["customFields"],
            json!([{"id": 9, "name": "Plan", "value": "12", "text": "Pro"}])
        );
        assert_eq!(c["createdBy"]["name"], "Jane Doe");
        assert!(!c.to_string().contains("_links"));
    }

    #[test]
    fn team_and_system_user_keep_their_type() {
        let team = person(&json!({"id": 4, "type": "team", "first": "Tier 2", "last": "", "email": ""}));
        assert_eq!(team, json!({"id": 4, "type": "team", "name": "Tier 2"}));
        let bot = person(&json!({"id": 9, "type": "system_user", "first": "AI", "last": "Answers"}));
        assert_eq!(bot["type"], "system_user");
    }

    #[test]
    fn truncation_says_what_was_cut() {
        assert_eq!(truncate("short", 10, "x"), "short");
        let cut = truncate("aé".repeat(10).as_str(), 5, "list_threads shows more");
        assert_eq!(cut, "aéaéa\n[truncated: 15 more characters; list_threads shows more]");
        assert_eq!(truncate("abc", 0, "see x"), "[truncated: 3 more characters; see x]");
    }

    #[test]
    fn a_long_conversation_stays_within_budget() {
        let long = json!({"id": 1, "type": "customer", "body": format!("<p>{}</p>", "word ".repeat(2_000))});
        let threads = vec![long.clone(), long.clone(), long];
        let shaped = threads_within(&threads, 6_000, 12_000, "list_threads shows each thread in full");
        let sizes: Vec<usize> = shaped
            .iter()
            .map(|t| t["text"].as_str().unwrap().chars().count())
            .collect();
        // 6000 + marker, then what is left of 12000 + marker, then only the marker.
        assert!(
            sizes[0] < 6_100 && sizes[0] + sizes[1] < 12_200 && sizes[2] < 100,
            "{sizes:?}"
        );
        assert!(
            shaped[2]["text"].as_str().unwrap().starts_with("[truncated: "),
            "{}",
            shaped[2]
        );
        assert_eq!(shaped[2]["id"], 1);
    }
}
