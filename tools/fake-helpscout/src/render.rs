//! JSON shapes shared by several route modules (people, conversations,
//! threads, attachments, customers), modelled on the official examples and
//! the PHP SDK payloads (fixtures.md).

use chrono::{Datelike, Utc};

use serde_json::{json, Map, Value};

use crate::hal::href;
use crate::state::{ts, Actor, Attachment, Conversation, Customer, Entry, State, Thread, Time};
use crate::text::{html_to_text, truncate_chars};

const WEB: &str = "https://secure.helpscout.net";

/// A person reference (`assignee`, `createdBy`, `closedByUser`, ...). v2
/// reports system users as `user`; v3 shows the real type (catalogue 4.7).
pub(crate) fn person(state: &State, actor: Actor, v3: bool) -> Value {
    match actor {
        Actor::User(id) => match state.users.get(&id) {
            Some(u) => json!({
                "id": id, "type": "user", "first": u.first, "last": u.last,
                "email": u.email, "photoUrl": u.photo_url,
            }),
            None => unknown(id, "user"),
        },
        Actor::SystemUser(id) => {
            let kind = if v3 { "system_user" } else { "user" };
            match state.system_users.get(&id) {
                Some(s) => json!({
                    "id": id, "type": kind, "first": s.first, "last": s.last,
                    "email": s.email, "photoUrl": s.photo_url,
                }),
                None => unknown(id, kind),
            }
        }
        Actor::Team(id) => match state.teams.get(&id) {
            Some(t) => json!({
                "id": id, "type": "team", "first": t.name, "last": "",
                "email": "", "photoUrl": t.photo_url,
            }),
            None => unknown(id, "team"),
        },
        Actor::Customer(id) => match state.customers.get(&id) {
            Some(c) => json!({
                "id": id, "type": "customer", "first": c.first, "last": c.last,
                "email": c.email(), "photoUrl": c.photo_url,
            }),
            None => unknown(id, "customer"),
        },
    }
}

fn unknown(id: u64, kind: &str) -> Value {
    json!({ "id": id, "type": kind, "first": "unknown", "last": "unknown", "email": "unknown" })
}

fn actor_link(base: &str, actor: Actor) -> (&'static str, String) {
    match actor {
        Actor::Customer(id) => ("createdByCustomer", format!("{base}/v2/customers/{id}")),
        Actor::User(id) | Actor::SystemUser(id) => ("createdByUser", format!("{base}/v2/users/{id}")),
        Actor::Team(id) => ("createdByUser", format!("{base}/v2/teams/{id}")),
    }
}

/// "20 hours ago" within a day, else the date ("Nov 3", "Nov 3, 2025").
/// The year is added for dates before [`crate::ids::SEED_NOW`]'s year, not
/// the wall clock's, so rendered seed data never changes with the date.
pub(crate) fn friendly(t: Time, now: Time) -> String {
    let secs = (now - t).num_seconds();
    if secs < 60 {
        "just now".into()
    } else if secs < 3600 {
        let m = secs / 60;
        format!("{m} minute{} ago", if m == 1 { "" } else { "s" })
    } else if secs < 86_400 {
        let h = secs / 3600;
        format!("{h} hour{} ago", if h == 1 { "" } else { "s" })
    } else if t.year() >= 2026 {
        t.format("%b %-d").to_string()
    } else {
        t.format("%b %-d, %Y").to_string()
    }
}

/// Customer-visible threads (what the customer and agent exchanged).
fn is_exchange(t: &Thread) -> bool {
    matches!(t.kind.as_str(), "customer" | "reply" | "chat" | "phone") && t.state == "published"
}

fn is_from_customer(t: &Thread) -> bool {
    matches!(t.created_by, Actor::Customer(_))
}

/// The plain-text preview: the latest published message, 185 chars
/// (legacy search-conversation object).
pub(crate) fn preview(conv: &Conversation) -> String {
    conv.threads
        .iter()
        .rev()
        .find(|t| is_exchange(t))
        .or_else(|| conv.threads.iter().rev().find(|t| t.kind != "lineitem"))
        .map(|t| truncate_chars(&html_to_text(&t.body), 185))
        .unwrap_or_default()
}

fn waiting_since(conv: &Conversation, now: Time) -> Value {
    let mut since: Option<Time> = None;
    let mut last_customer: Option<Time> = None;
    let mut latest_from = "customer";
    for t in conv.threads.iter().filter(|t| is_exchange(t)) {
        if is_from_customer(t) {
            since.get_or_insert(t.created_at);
            last_customer = Some(t.created_at);
            latest_from = "customer";
        } else {
            since = None;
            latest_from = "user";
        }
    }
    let time = since.or(last_customer).unwrap_or(conv.created_at);
    json!({
        "time": ts(time),
        "friendly": friendly(time, now),
        "latestReplyFrom": latest_from,
    })
}

fn customer_ref(state: &State, id: u64) -> Value {
    match state.customers.get(&id) {
        Some(c) => json!({
            "id": id, "type": "customer", "first": c.first, "last": c.last,
            "email": c.email(), "photoUrl": c.photo_url,
        }),
        None => json!({ "id": id, "type": "customer" }),
    }
}

fn custom_fields(state: &State, conv: &Conversation) -> Value {
    let fields = state
        .mailboxes
        .get(&conv.mailbox_id)
        .map(|m| m.fields.as_slice())
        .unwrap_or_default();
    let items: Vec<Value> = conv
        .custom_fields
        .iter()
        .map(|(id, value)| {
            let field = fields.iter().find(|f| f.id == *id);
            let text = field
                .and_then(|f| {
                    f.options
                        .iter()
                        .find(|o| o.id.to_string() == *value)
                        .map(|o| o.label.clone())
                })
                .unwrap_or_else(|| value.clone());
            json!({
                "id": id,
                "name": field.map(|f| f.name.clone()).unwrap_or_default(),
                "value": value,
                "text": text,
            })
        })
        .collect();
    Value::Array(items)
}

fn next_event(conv: &Conversation) -> Option<Value> {
    if let Some(s) = &conv.snooze {
        return Some(json!({
            "time": ts(s.until), "eventType": "snooze", "userId": s.by,
            "cancelOnCustomerReply": s.unsnooze_on_customer_reply,
        }));
    }
    conv.threads
        .iter()
        .filter_map(|t| t.scheduled.as_ref())
        .min_by_key(|s| s.at)
        .map(|s| {
            json!({
                "time": ts(s.at), "eventType": "scheduled", "userId": s.by,
                "cancelOnCustomerReply": s.unschedule_on_customer_reply,
            })
        })
}

/// A conversation object (catalogue 3, get_conversation).
pub(crate) fn conversation(state: &State, conv: &Conversation, base: &str, v3: bool, embed_threads: bool) -> Value {
    let now = Utc::now();
    let version = if v3 { "v3" } else { "v2" };
    let mut o = Map::new();
    o.insert("id".into(), json!(conv.id));
    o.insert("number".into(), json!(conv.number));
    o.insert(
        "threads".into(),
        json!(conv.threads.iter().filter(|t| t.is_counted()).count()),
    );
    o.insert("type".into(), json!(conv.kind));
    o.insert("folderId".into(), json!(state.folder_of(conv)));
    o.insert("status".into(), json!(conv.status));
    o.insert("state".into(), json!(if conv.draft { "draft" } else { "published" }));
    o.insert("subject".into(), json!(conv.subject));
    o.insert("preview".into(), json!(preview(conv)));
    o.insert("mailboxId".into(), json!(conv.mailbox_id));
    if let Some(a) = conv.assignee {
        o.insert("assignee".into(), person(state, a, v3));
    }
    o.insert("createdBy".into(), person(state, conv.created_by, v3));
    o.insert("createdAt".into(), json!(ts(conv.created_at)));
    match (conv.closed_by, conv.closed_at) {
        (Some(by), Some(at)) if conv.status == "closed" => {
            o.insert("closedBy".into(), json!(by));
            o.insert("closedByUser".into(), person(state, Actor::User(by), v3));
            o.insert("closedAt".into(), json!(ts(at)));
        }
        _ => {
            // Open conversations carry a zero closer, as the real API does.
            o.insert("closedBy".into(), json!(0));
        }
    }
    o.insert("userUpdatedAt".into(), json!(ts(conv.user_updated_at)));
    o.insert("customerWaitingSince".into(), waiting_since(conv, now));
    o.insert(
        "source".into(),
        json!({ "type": conv.source_type, "via": conv.source_via }),
    );
    let tags: Vec<Value> = conv
        .tag_ids
        .iter()
        .filter_map(|id| state.tags.get(id))
        .map(|t| json!({ "id": t.id, "color": t.color, "tag": t.name }))
        .collect();
    o.insert("tags".into(), Value::Array(tags));
    o.insert("cc".into(), json!(conv.cc));
    o.insert("bcc".into(), json!(conv.bcc));
    o.insert("primaryCustomer".into(), customer_ref(state, conv.customer_id));
    o.insert("customFields".into(), custom_fields(state, conv));
    if let Some(s) = &conv.snooze {
        o.insert(
            "snooze".into(),
            json!({
                "snoozedBy": s.by,
                "snoozedUntil": ts(s.until),
                "unsnoozeOnCustomerReply": s.unsnooze_on_customer_reply,
            }),
        );
    }
    if let Some(ev) = next_event(conv) {
        o.insert("nextEvent".into(), ev);
    }
    if embed_threads {
        let threads: Vec<Value> = sorted_threads(conv)
            .into_iter()
            .map(|t| thread(state, conv, t, base, v3, true))
            .collect();
        o.insert("_embedded".into(), json!({ "threads": threads }));
    }
    let mut links = Map::new();
    links.insert(
        "self".into(),
        href(format!("{base}/{version}/conversations/{}", conv.id)),
    );
    links.insert(
        "mailbox".into(),
        href(format!("{base}/v2/mailboxes/{}", conv.mailbox_id)),
    );
    links.insert(
        "primaryCustomer".into(),
        href(format!("{base}/v2/customers/{}", conv.customer_id)),
    );
    let (rel, url) = actor_link(base, conv.created_by);
    links.insert(rel.into(), href(url));
    if let (Some(by), "closed") = (conv.closed_by, conv.status.as_str()) {
        links.insert("closedBy".into(), href(format!("{base}/v2/users/{by}")));
    }
    links.insert(
        "threads".into(),
        href(format!("{base}/{version}/conversations/{}/threads", conv.id)),
    );
    if let Some(Actor::User(id) | Actor::SystemUser(id) | Actor::Team(id)) = conv.assignee {
        links.insert("assignee".into(), href(format!("{base}/v2/users/{id}")));
    }
    links.insert(
        "web".into(),
        href(format!("{WEB}/conversation/{}/{}/", conv.id, conv.number)),
    );
    o.insert("_links".into(), Value::Object(links));
    Value::Object(o)
}

/// Threads newest first (List Threads default order; catalogue 3).
pub(crate) fn sorted_threads(conv: &Conversation) -> Vec<&Thread> {
    let mut threads: Vec<&Thread> = conv.threads.iter().collect();
    threads.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    threads
}

/// Chat transcripts are cut short when embedded in a conversation (catalogue 4.7).
const EMBEDDED_CHAT_LIMIT: usize = 160;

/// A thread object (catalogue 3, list_threads).
pub(crate) fn thread(state: &State, conv: &Conversation, t: &Thread, base: &str, v3: bool, embedded: bool) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(t.id));
    o.insert("type".into(), json!(t.kind));
    o.insert("status".into(), json!(t.status));
    o.insert("state".into(), json!(t.state));
    if let Some((kind, text)) = &t.action {
        o.insert(
            "action".into(),
            json!({ "type": kind, "text": text, "associatedEntities": {} }),
        );
    }
    if t.kind != "lineitem" {
        let body = if embedded && t.kind == "chat" && t.body.chars().count() > EMBEDDED_CHAT_LIMIT {
            format!("{}…", truncate_chars(&t.body, EMBEDDED_CHAT_LIMIT))
        } else {
            t.body.clone()
        };
        o.insert("body".into(), json!(body));
    }
    o.insert("source".into(), json!({ "type": t.source_type, "via": t.source_via }));
    if let Some(cid) = t.customer_id {
        let mut c = customer_ref(state, cid);
        if let Some(obj) = c.as_object_mut() {
            obj.remove("type");
        }
        o.insert("customer".into(), c);
    }
    o.insert("createdBy".into(), person(state, t.created_by, v3));
    if let Some(a) = t.assigned_to {
        o.insert("assignedTo".into(), person(state, a, v3));
    }
    o.insert("savedReplyId".into(), json!(t.saved_reply_id));
    o.insert("to".into(), json!(t.to));
    o.insert("cc".into(), json!(t.cc));
    o.insert("bcc".into(), json!(t.bcc));
    o.insert("createdAt".into(), json!(ts(t.created_at)));
    if let Some(at) = t.opened_at {
        o.insert("openedAt".into(), json!(ts(at)));
    }
    if let Some(s) = &t.scheduled {
        o.insert(
            "scheduled".into(),
            json!({
                "scheduledFor": ts(s.at),
                "scheduledBy": s.by,
                "unscheduleOnCustomerReply": s.unschedule_on_customer_reply,
                "sendAsCreator": s.send_as_creator,
            }),
        );
    }
    let attachments: Vec<Value> = t.attachments.iter().map(|a| attachment(conv.id, a, base)).collect();
    o.insert("_embedded".into(), json!({ "attachments": attachments }));
    let mut links = Map::new();
    let (rel, url) = actor_link(base, t.created_by);
    links.insert(rel.into(), href(url));
    if let Some(cid) = t.customer_id {
        links.insert("customer".into(), href(format!("{base}/v2/customers/{cid}")));
    }
    if let Some(Actor::User(id) | Actor::SystemUser(id) | Actor::Team(id)) = t.assigned_to {
        links.insert("assignedTo".into(), href(format!("{base}/v2/users/{id}")));
    }
    o.insert("_links".into(), Value::Object(links));
    Value::Object(o)
}

/// An attachment as embedded in a thread.
pub(crate) fn attachment(conversation_id: u64, a: &Attachment, base: &str) -> Value {
    let url = format!("{base}/v2/conversations/{conversation_id}/attachments/{}", a.id);
    json!({
        "id": a.id,
        "filename": a.filename,
        "mimeType": a.mime_type,
        "width": a.width,
        "height": a.height,
        "size": a.data.len(),
        "state": a.state,
        "_links": {
            "self": href(url.clone()),
            "data": href(format!("{url}/data")),
            // Deprecated by Help Scout but still sent (catalogue 4.7).
            "web": href(format!("{WEB}/file/{}/{:016x}/{}", a.id, fnv(&a.data), a.filename)),
        },
    })
}

/// Stable short hash used to make web links look like the real ones.
pub(crate) fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn entries(list: &[Entry], with_type: bool) -> Value {
    Value::Array(
        list.iter()
            .map(|e| {
                if with_type {
                    json!({ "id": e.id, "value": e.value, "type": e.kind })
                } else {
                    json!({ "id": e.id, "value": e.value })
                }
            })
            .collect(),
    )
}

/// A customer object; `embed` lists sub-entities to put under `_embedded`.
pub(crate) fn customer(c: &Customer, base: &str, embed: &[&str]) -> Value {
    let url = format!("{base}/v2/customers/{}", c.id);
    let mut o = json!({
        "id": c.id,
        "firstName": c.first,
        "lastName": c.last,
        "gender": c.gender,
        "jobTitle": c.job_title,
        "location": c.location,
        "organization": c.organization,
        "photoType": c.photo_type,
        "photoUrl": c.photo_url,
        "age": c.age,
        "background": c.background,
        "createdAt": ts(c.created_at),
        "updatedAt": ts(c.updated_at),
        "_links": {
            "address": href(format!("{url}/address")),
            "chats": href(format!("{url}/chats")),
            "emails": href(format!("{url}/emails")),
            "phones": href(format!("{url}/phones")),
            "social-profiles": href(format!("{url}/social-profiles")),
            "websites": href(format!("{url}/websites")),
            "self": href(url.clone()),
        },
    });
    if !embed.is_empty() {
        let mut emb = Map::new();
        for key in embed {
            let value = match *key {
                "emails" => entries(&c.emails, true),
                "phones" => entries(&c.phones, true),
                "chats" => entries(&c.chats, true),
                // Embedded key uses an underscore, link key a hyphen (catalogue 4.8).
                "social_profiles" => entries(&c.social_profiles, true),
                "websites" => entries(&c.websites, false),
                "address" => match &c.address {
                    Some(a) => json!({
                        "city": a.city, "state": a.state, "postalCode": a.postal_code,
                        "country": a.country, "lines": a.lines,
                    }),
                    None => Value::Null,
                },
                _ => continue,
            };
            emb.insert((*key).to_string(), value);
        }
        if let Some(obj) = o.as_object_mut() {
            obj.insert("_embedded".into(), Value::Object(emb));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn friendly_times() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
        assert_eq!(friendly(now - chrono::Duration::hours(20), now), "20 hours ago");
        assert_eq!(friendly(now - chrono::Duration::days(17), now), "Nov 3");
        assert_eq!(
            friendly(Utc.with_ymd_and_hms(2025, 5, 1, 0, 0, 0).unwrap(), now),
            "May 1, 2025"
        );
    }
}
