//! Chat API v1 (catalogue 3 chats, 4.13): `GET /chat/v1/{chatId}` (the chat
//! with its timeline and `_embedded.events`) and `GET /chat/v1/{chatId}/events`
//! (HAL paged, oldest first). Chat ids are UUIDs; Chat timestamps carry
//! microseconds, unlike the Inbox API's.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::{json, Value};

use crate::hal::{self, href, ApiError, ApiResult, PAGE_SIZE};
use crate::ids::{CHAT_CONVERSATION_ID, CHAT_ID, CUSTOMER_ID, LONG_CHAT_EVENT_COUNT, LONG_CHAT_ID};
use crate::render::fnv;
use crate::routes::Req;
use crate::state::{Actor, State, Time};
use crate::text::{html_to_text, truncate_chars};

#[derive(Clone, Debug)]
pub(crate) struct ChatEvent {
    pub(crate) id: String,
    /// message | line_item
    pub(crate) kind: String,
    /// message-added | chat-started | chat-accepted | chat-ended
    pub(crate) action: String,
    pub(crate) author: Actor,
    pub(crate) created_at: Time,
    pub(crate) body: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct TimelineEntry {
    pub(crate) kind: String,
    pub(crate) timestamp: Time,
    pub(crate) url: String,
    pub(crate) title: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Chat {
    pub(crate) id: String,
    pub(crate) beacon_id: String,
    pub(crate) mailbox_id: u64,
    pub(crate) created_at: Time,
    pub(crate) assignee: Option<u64>,
    pub(crate) customer_id: u64,
    /// (field id, value)
    pub(crate) custom_fields: Vec<(u64, String)>,
    pub(crate) tag_ids: Vec<u64>,
    pub(crate) timeline: Vec<TimelineEntry>,
    /// Oldest first.
    pub(crate) events: Vec<ChatEvent>,
}

#[derive(Debug, Default)]
pub(crate) struct ChatState {
    pub(crate) chats: BTreeMap<String, Chat>,
}

const BEACON_ID: &str = "3f1d6c2a-9b7e-4d51-8a0c-5e2f7b9d4c13";

/// A stable UUID (version 4 layout) derived from `seed`.
fn uuid(seed: &str) -> String {
    let a = mix(fnv(seed.as_bytes()));
    let b = mix(fnv(format!("{seed}#uuid").as_bytes()));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// SplitMix64's finaliser: FNV alone leaves similar seeds with similar high bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn event(
    chat_id: &str,
    n: usize,
    kind: &str,
    action: &str,
    author: Actor,
    at: Time,
    body: Option<String>,
) -> ChatEvent {
    ChatEvent {
        id: uuid(&format!("{chat_id}/event/{n}")),
        kind: kind.into(),
        action: action.into(),
        author,
        created_at: at,
        body,
    }
}

/// Two chats: [`CHAT_ID`] is the live side of the seeded chat conversation
/// (same customer, agent and messages); [`LONG_CHAT_ID`] has more than one
/// page of events.
pub(crate) fn seed(state: &mut State, now: Time) {
    if let Some(conv) = state.conversations.get(&CHAT_CONVERSATION_ID) {
        let agent = match conv.assignee {
            Some(Actor::User(u)) => u,
            _ => state.owner_id,
        };
        let start = conv.created_at;
        let mut events = Vec::new();
        let mut push = |kind: &str, action: &str, author: Actor, at: Time, body: Option<String>| {
            let n = events.len();
            events.push(event(CHAT_ID, n, kind, action, author, at, body));
        };
        push(
            "line_item",
            "chat-started",
            Actor::Customer(conv.customer_id),
            start,
            None,
        );
        let mut accepted = false;
        let mut last = start;
        for t in conv.threads.iter().filter(|t| t.kind == "chat") {
            if !accepted && t.created_by != Actor::Customer(conv.customer_id) {
                push("line_item", "chat-accepted", Actor::User(agent), t.created_at, None);
                accepted = true;
            }
            push(
                "message",
                "message-added",
                t.created_by,
                t.created_at,
                Some(html_to_text(&t.body)),
            );
            last = t.created_at;
        }
        push(
            "line_item",
            "chat-ended",
            Actor::User(agent),
            last + Duration::seconds(30),
            None,
        );
        let chat = Chat {
            id: CHAT_ID.into(),
            beacon_id: BEACON_ID.into(),
            mailbox_id: conv.mailbox_id,
            created_at: start,
            assignee: Some(agent),
            customer_id: conv.customer_id,
            custom_fields: vec![(702, "7023".into())],
            tag_ids: conv.tag_ids.clone(),
            timeline: vec![
                TimelineEntry {
                    kind: "page-viewed".into(),
                    timestamp: start - Duration::minutes(6),
                    url: "https://fernwood.io/pricing".into(),
                    title: "Pricing - Fernwood".into(),
                },
                TimelineEntry {
                    kind: "page-viewed".into(),
                    timestamp: start - Duration::minutes(2),
                    url: "https://help.fernwood.io/article/timeline-view".into(),
                    title: "Using the timeline view".into(),
                },
            ],
            events,
        };
        state.chats.chats.insert(CHAT_ID.into(), chat);
    }

    let customer = CUSTOMER_ID + 20;
    let agent = 1003;
    let start = now - Duration::days(1) - Duration::hours(3);
    let mut events = Vec::new();
    events.push(event(
        LONG_CHAT_ID,
        0,
        "line_item",
        "chat-started",
        Actor::Customer(customer),
        start,
        None,
    ));
    events.push(event(
        LONG_CHAT_ID,
        1,
        "line_item",
        "chat-accepted",
        Actor::User(agent),
        start + Duration::seconds(20),
        None,
    ));
    let steps = ["Here is what I see on my side: {}", "Thanks, checking step {} now."];
    while events.len() < LONG_CHAT_EVENT_COUNT - 1 {
        let n = events.len();
        let from_customer = n % 2 == 0;
        let text = if from_customer {
            steps[0].replace("{}", &format!("the import stops at row {}", 100 * n))
        } else {
            steps[1].replace("{}", &n.to_string())
        };
        let author = if from_customer {
            Actor::Customer(customer)
        } else {
            Actor::User(agent)
        };
        events.push(event(
            LONG_CHAT_ID,
            n,
            "message",
            "message-added",
            author,
            start + Duration::seconds(30 * n as i64),
            Some(text),
        ));
    }
    let n = events.len();
    events.push(event(
        LONG_CHAT_ID,
        n,
        "line_item",
        "chat-ended",
        Actor::User(agent),
        start + Duration::seconds(30 * n as i64),
        None,
    ));
    state.chats.chats.insert(
        LONG_CHAT_ID.into(),
        Chat {
            id: LONG_CHAT_ID.into(),
            beacon_id: BEACON_ID.into(),
            mailbox_id: 301,
            created_at: start,
            assignee: Some(agent),
            customer_id: customer,
            custom_fields: Vec::new(),
            tag_ids: Vec::new(),
            timeline: vec![TimelineEntry {
                kind: "page-viewed".into(),
                timestamp: start - Duration::minutes(1),
                url: "https://app.fernwood.io/import".into(),
                title: "Import data - Fernwood".into(),
            }],
            events,
        },
    );
}

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["chat", "v1", cid]) => get(state, req, cid),
        ("GET", ["chat", "v1", cid, "events"]) => events(state, req, cid),
        _ => return None,
    };
    Some(r)
}

/// Chat API timestamps carry microseconds (HSD chat/endpoints/get example).
fn micros(t: Time) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn chat<'a>(state: &'a State, seg: &str) -> ApiResult<&'a Chat> {
    state.chats.chats.get(seg).ok_or_else(ApiError::not_found)
}

/// A person as the Chat API shows one; the assignee is typed `agent`, event
/// authors `user` (as in the official example).
fn person(state: &State, actor: Actor, agent_type: &str) -> Value {
    match actor {
        Actor::Customer(id) => match state.customers.get(&id) {
            Some(c) => json!({ "id": id, "type": "customer", "first": c.first, "last": c.last, "email": c.email() }),
            None => json!({ "id": id, "type": "customer" }),
        },
        Actor::User(id) | Actor::SystemUser(id) | Actor::Team(id) => match state.users.get(&id) {
            Some(u) => json!({ "id": id, "type": agent_type, "first": u.first, "last": u.last, "email": u.email }),
            None => json!({ "id": id, "type": agent_type }),
        },
    }
}

fn event_json(state: &State, chat: &Chat, e: &ChatEvent, base: &str) -> Value {
    let author_href = match e.author {
        Actor::Customer(id) => format!("{base}/v2/customers/{id}"),
        Actor::User(id) | Actor::SystemUser(id) | Actor::Team(id) => format!("{base}/v2/users/{id}"),
    };
    let mut v = json!({
        "id": e.id,
        "chatId": chat.id,
        "type": e.kind,
        "action": e.action,
        "author": person(state, e.author, "user"),
        "createdAt": micros(e.created_at),
        "_links": { "author": href(author_href) },
    });
    if let Some(body) = &e.body {
        v["body"] = json!(body);
    }
    v
}

fn get(state: &State, req: &Req, seg: &str) -> ApiResult {
    let c = chat(state, seg)?;
    let preview = c
        .events
        .iter()
        .find_map(|e| e.body.as_deref())
        .map(|b| truncate_chars(b, 80))
        .unwrap_or_default();
    let tags: Vec<Value> = c
        .tag_ids
        .iter()
        .filter_map(|t| state.tags.get(t))
        .map(|t| json!({ "id": t.id, "slug": t.slug, "color": t.color }))
        .collect();
    // The chat embeds its first page of events; /events pages through the rest.
    let events: Vec<Value> = c
        .events
        .iter()
        .take(PAGE_SIZE)
        .map(|e| event_json(state, c, e, &req.base))
        .collect();
    let url = req.url(&format!("/chat/v1/{}", c.id));
    Ok(hal::hal(&json!({
        "id": c.id,
        "beaconId": c.beacon_id,
        "mailboxId": c.mailbox_id,
        "createdAt": micros(c.created_at),
        "assignee": c.assignee.map(|u| person(state, Actor::User(u), "agent")),
        "customer": person(state, Actor::Customer(c.customer_id), "agent"),
        "preview": preview,
        "customFields": c.custom_fields.iter().map(|(id, value)| json!({ "id": id, "value": value })).collect::<Vec<_>>(),
        "tags": tags,
        "timeline": c.timeline.iter().map(|t| json!({
            "type": t.kind, "timestamp": micros(t.timestamp), "url": t.url, "title": t.title,
        })).collect::<Vec<_>>(),
        "_embedded": { "events": events },
        "_links": { "events": href(format!("{url}/events")), "self": href(url) },
    })))
}

fn events(state: &State, req: &Req, seg: &str) -> ApiResult {
    let c = chat(state, seg)?;
    let items = c.events.iter().map(|e| event_json(state, c, e, &req.base)).collect();
    hal::paged(req, "events", items, PAGE_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed_stable_and_distinct() {
        let a = uuid("chat/event/1");
        assert_eq!(a, uuid("chat/event/1"));
        assert_ne!(a[..8], uuid("chat/event/2")[..8]);
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_eq!(&a[14..15], "4");
    }
}
