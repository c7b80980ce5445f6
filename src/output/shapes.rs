//! Compact shapes of Help Scout resources, as the model reads them: the fields an agent
//! acts on, people as `{id, type, name, email}` (in conversations only the parts that
//! are not implied), HTML bodies as plain text, timestamps kept, no `_links`/photo
//! URLs/HAL paging, and in a conversation's threads nothing the conversation already
//! says. Every shape ends with [`strip`], so absent or empty fields simply do not appear.

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
    let mut out = summary_fields(value, View::List);
    if let Some(threads) = embedded(value, "threads") {
        // embed=threads on a list: short bodies, the full text is one get_conversation away.
        let threads = conversation_threads(
            value,
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
    let mut out = summary_fields(value, View::Full);
    // Who opened the conversation is nearly always its customer, already shown as `customer`.
    let created_by = value
        .get("createdBy")
        .filter(|by| !is_primary_customer(value, by))
        .map(|by| who(by, Keep::AlwaysType));
    out.insert("createdBy".into(), created_by.unwrap_or(Value::Null));
    let closed_by = value.get("closedByUser").map(|p| who(p, Keep::Type));
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
        // The preview is the start of the newest thread, which follows in full.
        out.remove("preview");
        let threads = conversation_threads(
            value,
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    List,
    Full,
}

fn summary_fields(value: &Value, view: View) -> Map<String, Value> {
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
    // A list needs the assignee's name and id (assign tools take the id), not their email.
    let assignee = if view == View::List {
        Keep::Type
    } else {
        Keep::TypeAndEmail
    };
    let mut out = Map::new();
    let mut put = |key: &str, v: Option<Value>| {
        out.insert(key.to_string(), v.unwrap_or(Value::Null));
    };
    put("id", value.get("id").cloned());
    put("number", value.get("number").cloned());
    put("subject", value.get("subject").cloned());
    put("status", value.get("status").cloned());
    // Nearly every conversation is published: only a draft or deleted one says so.
    put("state", value.get("state").filter(|s| *s != "published").cloned());
    put("type", value.get("type").cloned());
    put("mailboxId", value.get("mailboxId").cloned());
    put("folderId", value.get("folderId").cloned());
    // The key says it is a customer (and redaction masks names under it).
    put("customer", value.get("primaryCustomer").map(|c| who(c, Keep::Email)));
    put("assignee", value.get("assignee").map(|a| who(a, assignee)));
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

/// Which optional parts of a person to show besides `id` and `name`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// The type, unless it is `user`: what an assignee or closer usually is.
    Type,
    /// The email, not the type (the key already says what the person is).
    Email,
    /// The type, unless `user`, and the email.
    TypeAndEmail,
    /// The type always: a thread's author is a customer or a user, and redaction
    /// recognises a customer by it.
    AlwaysType,
}

/// A person as `{id, type, name, email}` with only the parts `keep` asks for.
fn who(value: &Value, keep: Keep) -> Value {
    let mut p = person(value);
    if let Value::Object(map) = &mut p {
        let is_user = map.get("type").and_then(Value::as_str) == Some("user");
        match keep {
            Keep::Type => {
                map.remove("email");
            }
            Keep::Email => {
                map.remove("type");
            }
            Keep::TypeAndEmail | Keep::AlwaysType => {}
        }
        if is_user && matches!(keep, Keep::Type | Keep::TypeAndEmail) {
            map.remove("type");
        }
    }
    p
}

/// Whether `person` is the conversation's primary customer.
fn is_primary_customer(conversation: &Value, person: &Value) -> bool {
    let customer_id = conversation.pointer("/primaryCustomer/id");
    customer_id.is_some()
        && person.get("id") == customer_id
        && person.get("type").and_then(Value::as_str).unwrap_or("customer") == "customer"
}

/// A conversation's threads for get_conversation and list_conversations (embed=threads):
/// each one says only what it adds to the conversation around it. What every thread
/// repeats (the customer, the current assignee and status, `published`, the channel)
/// is said once, at the conversation level; quoted earlier messages are trimmed,
/// since they are the older threads of the same list.
fn conversation_threads(
    conversation: &Value,
    threads: &[Value],
    per_thread: usize,
    total: usize,
    rest_hint: &str,
) -> Vec<Value> {
    within_budget(threads, per_thread, total, |t, max_chars| {
        conversation_thread(conversation, t, max_chars, rest_hint)
    })
}

fn conversation_thread(conversation: &Value, value: &Value, max_chars: usize, rest_hint: &str) -> Value {
    let str_at = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let kind = str_at(value, "type");
    // A line item (assigned, status changed, workflow ran) is an event: who it was
    // assigned to and which status it set are what it says. On a message they only
    // repeat the conversation's, unless they differ from the current ones.
    let event = kind.as_deref() == Some("lineitem");
    let author = value.get("createdBy").filter(|b| b.is_object());
    let body = value.get("body").and_then(Value::as_str).map(|html| {
        let text = html_to_text(html);
        let text = trim_quoted_reply(&text).unwrap_or(text);
        truncate(&text, max_chars, rest_hint)
    });
    let attachments: Vec<Value> = embedded(value, "attachments")
        .map(|items| items.iter().map(attachment).collect())
        .unwrap_or_default();
    let assigned_to = value
        .get("assignedTo")
        .filter(|a| a.is_object())
        .filter(|a| event || a.get("id") != conversation.pointer("/assignee/id"))
        .map(|a| who(a, Keep::Type));
    let status = value
        .get("status")
        .filter(|s| *s != "nochange")
        .filter(|s| event || Some(*s) != conversation.get("status"));
    // `source.via` says whether a customer or a user wrote it, which the author's
    // type already says; `source.type` is usually the conversation's channel.
    let source = value.get("source").map(|src| {
        let implied_type = [conversation.pointer("/source/type"), value.get("type")];
        json!({
            "type": src.get("type").filter(|t| !implied_type.contains(&Some(*t))),
            "via": src.get("via").filter(|v| author.and_then(|a| a.get("type")) != Some(*v)),
        })
    });
    // The customer's own address on a reply to them is implied; any other is kept.
    let customer_email = conversation.pointer("/primaryCustomer/email");
    let to = value.get("to").filter(|to| {
        let only_customer = to
            .as_array()
            .is_some_and(|a| a.len() == 1 && Some(&a[0]) == customer_email);
        !(only_customer && kind.as_deref() != Some("customer"))
    });
    let unless_conversation_has = |key: &str| value.get(key).filter(|v| Some(*v) != conversation.get(key));
    strip(json!({
        "id": value.get("id"),
        "type": kind,
        "status": status,
        "state": value.get("state").filter(|s| *s != "published"),
        "action": value.pointer("/action/text"),
        "text": body,
        "createdBy": author.map(|a| thread_author(conversation, a)),
        // The thread's customer is the conversation's, except after a customer change.
        "customer": value.get("customer").filter(|c| !is_primary_customer(conversation, c)).map(person),
        "assignedTo": assigned_to,
        "to": to,
        "cc": unless_conversation_has("cc"),
        "bcc": unless_conversation_has("bcc"),
        "createdAt": value.get("createdAt"),
        "openedAt": value.get("openedAt"),
        "source": source,
        "savedReplyId": value.get("savedReplyId").filter(|id| id.as_u64() != Some(0)),
        "scheduled": value.get("scheduled"),
        "rating": value.get("rating"),
        "attachments": attachments,
    }))
}

/// A thread's author: `{id, type, name}`. The email only for a customer other than
/// the conversation's (whose email is in `customer`) or one without a name; a user's
/// email is in list_users.
fn thread_author(conversation: &Value, author: &Value) -> Value {
    let mut p = who(author, Keep::AlwaysType);
    if let Value::Object(map) = &mut p {
        let is_customer = map.get("type").and_then(Value::as_str) == Some("customer");
        let named = map.contains_key("name");
        if named && (!is_customer || is_primary_customer(conversation, author)) {
            map.remove("email");
        }
    }
    p
}

/// Attribution lines mail clients write above a quoted message ("On Tue, Sep 8, 2026
/// at 1:01 PM, Priya Raman <support@example.com> wrote:").
const ATTRIBUTION_ENDINGS: &[&str] = &[
    "wrote:",
    "writes:",
    "schrieb:",
    "a écrit :",
    "a écrit:",
    "escribió:",
    "ha scritto:",
    "escreveu:",
    "schreef:",
];

/// Marks where a quoted earlier message was cut from a thread's text.
pub const QUOTE_TRIMMED: &str = "[quoted earlier message trimmed; list_threads shows it]";

/// The text without the earlier message quoted at its end, or `None` when there is
/// none. Only a trailing block of `>` lines right after an attribution line counts:
/// quotes inside the text (an inline reply, a quoted error message) are the
/// customer's words and stay, and a message that is nothing but a quote is kept.
pub fn trim_quoted_reply(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = lines.len();
    while start > 0 {
        let line = lines[start - 1].trim();
        if line.is_empty() || line.starts_with('>') {
            start -= 1;
        } else {
            break;
        }
    }
    let quoted = lines[start..]
        .iter()
        .any(|l| !l.trim().trim_start_matches(['>', ' ']).is_empty());
    if !quoted {
        return None;
    }
    let attribution = lines[..start].iter().rposition(|l| !l.trim().is_empty())?;
    let line = lines[attribution].trim().to_lowercase();
    if !ATTRIBUTION_ENDINGS.iter().any(|e| line.ends_with(e)) {
        return None;
    }
    let kept = lines[..attribution].join("\n");
    let kept = kept.trim_end();
    if kept.is_empty() {
        return None;
    }
    Some(format!("{kept}\n{QUOTE_TRIMMED}"))
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
    within_budget(threads, per_thread, total, |t, max_chars| {
        thread(t, max_chars, rest_hint)
    })
}

/// The budget loop of [`threads_within`] and [`conversation_threads`]: `shape` gets
/// each thread with the characters its text may still use.
fn within_budget(
    threads: &[Value],
    per_thread: usize,
    total: usize,
    shape: impl Fn(&Value, usize) -> Value,
) -> Vec<Value> {
    let mut left = total;
    threads
        .iter()
        .map(|t| {
            let shaped = shape(t, per_thread.min(left));
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
        // The key says it is a customer; a list needs the assignee's id and name only.
        assert_eq!(
            s["customer"],
            json!({"id": 3, "name": "Jane Doe", "email": "jane@acme.test"})
        );
        assert_eq!(s["assignee"], json!({"id": 7, "name": "Ann Agent"}));
        assert!(s.get("state").is_none(), "published is not repeated: {s}");
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
        // The customer opened it: `customer` says who, once.
        assert!(c.get("createdBy").is_none(), "{c}");
        assert!(c.get("preview").is_none(), "the newest thread follows in full: {c}");
        assert_eq!(c["assignee"]["email"], "ann@co.test");
        assert_eq!(
            c["threads"][0]["createdBy"],
            json!({"id": 3, "type": "customer", "name": "Jane Doe"})
        );
        assert!(!c.to_string().contains("_links"));
    }

    /// A conversation with one customer, one agent, and threads that repeat them.
    fn busy_conversation() -> Value {
        serde_json::from_str(
            r##"{
            "id": 10, "status": "active", "state": "published", "subject": "Webhooks",
            "source": {"type": "email", "via": "customer"},
            "assignee": {"id": 7, "type": "user", "first": "Ann", "last": "Agent", "email": "ann@co.test"},
            "primaryCustomer": {"id": 3, "type": "customer", "first": "Jane", "last": "Doe", "email": "jane@acme.test"},
            "createdBy": {"id": 3, "type": "customer", "first": "Jane", "last": "Doe", "email": "jane@acme.test"},
            "cc": ["boss@acme.test"],
            "_embedded": {"threads": [
                {"id": 105, "type": "reply", "status": "active", "state": "published",
                 "body": "<p>Done.</p><div class=\"gmail_quote\">On Mon, Ann Agent &lt;support@co.test&gt; wrote:<blockquote>Old text</blockquote></div>",
                 "createdBy": {"id": 7, "type": "user", "first": "Ann", "last": "Agent", "email": "ann@co.test"},
                 "customer": {"id": 3, "first": "Jane", "last": "Doe", "email": "jane@acme.test"},
                 "assignedTo": {"id": 7, "type": "user", "first": "Ann", "last": "Agent", "email": "ann@co.test"},
                 "source": {"type": "email", "via": "user"}, "to": ["jane@acme.test"], "cc": ["boss@acme.test"],
                 "createdAt": "2024-01-17T10:00:00Z"},
                {"id": 104, "type": "reply", "status": "pending", "state": "draft", "body": "Draft to the CFO",
                 "createdBy": {"id": 8, "type": "user", "first": "Bo", "last": "Other", "email": "bo@co.test"},
                 "customer": {"id": 4, "first": "Carl", "last": "Cfo", "email": "carl@acme.test"},
                 "assignedTo": {"id": 8, "type": "user", "first": "Bo", "last": "Other", "email": "bo@co.test"},
                 "source": {"type": "api", "via": "user"}, "to": ["carl@acme.test"], "cc": [],
                 "createdAt": "2024-01-16T12:00:00Z"},
                {"id": 103, "type": "lineitem", "status": "active", "state": "published",
                 "action": {"text": "Assigned to Ann Agent", "type": "assigned"},
                 "createdBy": {"id": 8, "type": "user", "first": "Bo", "last": "Other", "email": "bo@co.test"},
                 "assignedTo": {"id": 7, "type": "user", "first": "Ann", "last": "Agent", "email": "ann@co.test"},
                 "source": {"type": "email", "via": "user"}, "createdAt": "2024-01-16T11:00:00Z"},
                {"id": 102, "type": "lineitem", "status": "nochange", "state": "published",
                 "action": {"text": "Workflow ran", "type": "automatic-workflow"},
                 "createdBy": {"id": 8, "type": "user", "first": "Bo", "last": "Other", "email": "bo@co.test"},
                 "createdAt": "2024-01-16T10:00:00Z"},
                {"id": 101, "type": "customer", "status": "active", "state": "published", "body": "<p>Help</p>",
                 "createdBy": {"id": 3, "type": "customer", "first": "Jane", "last": "Doe", "email": "jane@acme.test"},
                 "customer": {"id": 3, "first": "Jane", "last": "Doe", "email": "jane@acme.test"},
                 "source": {"type": "email", "via": "customer"}, "to": ["support@co.test"],
                 "createdAt": "2024-01-15T10:00:00Z"}
            ]}
        }"##,
        )
        .unwrap()
    }

    #[test]
    fn threads_say_only_what_differs_from_the_conversation() {
        let c = conversation_full(&busy_conversation());
        let t = |i: usize| c["threads"][i].clone();
        // A reply to the conversation's customer, by its assignee, in its status and channel.
        assert_eq!(
            t(0),
            json!({"id": 105, "type": "reply", "createdAt": "2024-01-17T10:00:00Z",
                   "createdBy": {"id": 7, "type": "user", "name": "Ann Agent"},
                   "text": format!("Done.\n{QUOTE_TRIMMED}")})
        );
        // A draft by someone else, to someone else, through the API: all of it is said.
        assert_eq!(
            t(1),
            json!({"id": 104, "type": "reply", "status": "pending", "state": "draft", "text": "Draft to the CFO",
                   "createdBy": {"id": 8, "type": "user", "name": "Bo Other"},
                   "customer": {"id": 4, "name": "Carl Cfo", "email": "carl@acme.test"},
                   "assignedTo": {"id": 8, "name": "Bo Other"},
                   "to": ["carl@acme.test"], "source": {"type": "api"}, "createdAt": "2024-01-16T12:00:00Z"})
        );
        // A line item keeps whom it assigned and the status it set, but not `nochange`.
        assert_eq!(t(2)["assignedTo"], json!({"id": 7, "name": "Ann Agent"}));
        assert_eq!(t(2)["status"], "active");
        assert_eq!(t(2)["action"], "Assigned to Ann Agent");
        assert!(t(3).get("status").is_none(), "{}", t(3));
        // The customer's message keeps the address it was sent to.
        assert_eq!(t(4)["to"], json!(["support@co.test"]));
        assert_eq!(
            t(4)["createdBy"],
            json!({"id": 3, "type": "customer", "name": "Jane Doe"})
        );
        assert!(
            t(4).get("customer").is_none() && t(4).get("source").is_none(),
            "{}",
            t(4)
        );
    }

    #[test]
    fn another_customer_writing_in_keeps_their_email() {
        let mut v = busy_conversation();
        v["_embedded"]["threads"][4]["createdBy"] =
            json!({"id": 5, "type": "customer", "first": "Cc", "last": "Person", "email": "cc@acme.test"});
        let c = conversation_full(&v);
        assert_eq!(
            c["threads"][4]["createdBy"],
            json!({"id": 5, "type": "customer", "name": "Cc Person", "email": "cc@acme.test"})
        );
    }

    #[test]
    fn only_a_trailing_quote_under_an_attribution_is_trimmed() {
        let reply = "Thanks!\n\n--\nJane\n\nOn Tue, Sep 8, 2026 at 1:01 PM, Ann <a@co.test> wrote:\n\n> Hi Jane,\n>\n> Try again.";
        assert_eq!(
            trim_quoted_reply(reply).as_deref(),
            Some(format!("Thanks!\n\n--\nJane\n{QUOTE_TRIMMED}").as_str())
        );
        // A quoted error message is the customer's own words.
        assert_eq!(trim_quoted_reply("I get this error:\n> HTTP 500\n> at line 3"), None);
        // An inline reply ends with the customer's text, not a quote.
        assert_eq!(
            trim_quoted_reply("On Mon, Ann wrote:\n> Which browser?\nChrome.\n> And version?\n126"),
            None
        );
        // A message that is nothing but a quote keeps it.
        assert_eq!(trim_quoted_reply("On Mon, Ann wrote:\n> Which browser?"), None);
        assert_eq!(trim_quoted_reply("No quote here."), None);
        assert_eq!(trim_quoted_reply(""), None);
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
