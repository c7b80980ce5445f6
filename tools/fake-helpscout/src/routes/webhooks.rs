//! Webhooks (catalogue 3 webhooks, 4.11). Like the real API, reads return the
//! `secret` in clear; the MCP server is the one that must not pass it on.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::hal::{self, href, ApiError, ApiResult, PAGE_SIZE};
use crate::ids::{DISABLED_WEBHOOK_ID, DISABLED_WEBHOOK_SECRET, WEBHOOK_ID, WEBHOOK_SECRET};
use crate::routes::{id, Req};
use crate::state::{State, Time};
use crate::validate::Obj;

/// The official event names (catalogue 4.11).
pub(crate) const EVENTS: [&str; 21] = [
    "convo.assigned",
    "convo.created",
    "convo.deleted",
    "convo.merged",
    "convo.moved",
    "convo.status",
    "convo.tags",
    "convo.custom-fields",
    "convo.customer.reply.created",
    "convo.agent.reply.created",
    "convo.note.created",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "satisfaction.ratings",
    "beacon.chat.created",
    "beacon.chat.customer.replied",
    "tag.created",
    "tag.updated",
    "tag.deleted",
    "message.survey.response.received",
];

/// Longest secret Help Scout accepts (catalogue 4.11).
const MAX_SECRET_CHARS: usize = 40;

#[derive(Clone, Debug)]
pub(crate) struct Webhook {
    pub(crate) id: u64,
    pub(crate) url: String,
    /// enabled | disabled
    pub(crate) state: String,
    pub(crate) events: Vec<String>,
    pub(crate) secret: String,
    pub(crate) notification: bool,
    pub(crate) label: Option<String>,
    pub(crate) mailbox_ids: Vec<u64>,
}

#[derive(Debug, Default)]
pub(crate) struct WebhookState {
    pub(crate) webhooks: BTreeMap<u64, Webhook>,
}

pub(crate) fn seed(state: &mut State, _now: Time) {
    state.webhooks.webhooks.insert(
        WEBHOOK_ID,
        Webhook {
            id: WEBHOOK_ID,
            url: "https://hooks.fernwood-crm.example/helpscout".into(),
            state: "enabled".into(),
            events: vec![
                "convo.created".into(),
                "convo.assigned".into(),
                "customer.created".into(),
            ],
            secret: WEBHOOK_SECRET.into(),
            notification: false,
            label: Some("CRM sync".into()),
            mailbox_ids: vec![301, 302],
        },
    );
    state.webhooks.webhooks.insert(
        DISABLED_WEBHOOK_ID,
        Webhook {
            id: DISABLED_WEBHOOK_ID,
            url: "https://old-bridge.fernwood.example/hs".into(),
            state: "disabled".into(),
            events: vec!["satisfaction.ratings".into()],
            secret: DISABLED_WEBHOOK_SECRET.into(),
            notification: true,
            label: None,
            mailbox_ids: Vec::new(),
        },
    );
    state.reserve("webhook", DISABLED_WEBHOOK_ID);
}

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "webhooks"]) => list(state, req),
        ("POST", ["v2", "webhooks"]) => create(state, req),
        ("GET", ["v2", "webhooks", wid]) => get(state, req, wid),
        ("PUT", ["v2", "webhooks", wid]) => update(state, req, wid),
        ("DELETE", ["v2", "webhooks", wid]) => delete(state, wid),
        _ => return None,
    };
    Some(r)
}

fn webhook_json(w: &Webhook, base: &str) -> Value {
    json!({
        "id": w.id,
        "url": w.url,
        "state": w.state,
        "events": w.events,
        "notification": w.notification,
        "payloadVersion": "V2",
        "label": w.label,
        "mailboxIds": w.mailbox_ids,
        "secret": w.secret,
        "_links": { "self": href(format!("{base}/v2/webhooks/{}", w.id)) },
    })
}

fn webhook<'a>(state: &'a State, seg: &str) -> ApiResult<&'a Webhook> {
    let wid = id(seg)?;
    state.webhooks.webhooks.get(&wid).ok_or_else(ApiError::not_found)
}

fn list(state: &State, req: &Req) -> ApiResult {
    let items = state
        .webhooks
        .webhooks
        .values()
        .map(|w| webhook_json(w, &req.base))
        .collect();
    hal::paged(req, "webhooks", items, PAGE_SIZE)
}

fn get(state: &State, req: &Req, seg: &str) -> ApiResult {
    Ok(hal::hal(&webhook_json(webhook(state, seg)?, &req.base)))
}

struct WebhookBody {
    url: String,
    events: Vec<String>,
    secret: String,
    notification: bool,
    label: Option<String>,
    mailbox_ids: Vec<u64>,
}

/// Create and update take the same body; url, events and secret are required
/// on both (catalogue 3 create_webhook, update_webhook).
fn webhook_body(state: &State, req: &Req) -> ApiResult<WebhookBody> {
    let body = req.json()?;
    let mut o = Obj::new(&body, "webhook")?;
    let url = o.req_str("url");
    if let Some(u) = &url {
        let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
        if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) || u.contains(char::is_whitespace) {
            o.error("url", "must be a valid URL", json!(u));
        }
    }
    let events = o.opt_str_list("events");
    if events.is_empty() {
        o.error("events", "may not be empty", json!(events));
    }
    for e in &events {
        if !EVENTS.contains(&e.as_str()) {
            o.error(
                "events",
                &format!("unknown event; allowed values are: {}", EVENTS.join(", ")),
                json!(e),
            );
        }
    }
    let secret = o.req_str("secret");
    if secret.as_ref().is_some_and(|s| s.chars().count() > MAX_SECRET_CHARS) {
        // Never echo a secret back, not even in an error.
        o.error("secret", "size must be between 1 and 40", Value::Null);
    }
    let notification = o.opt_bool("notification").unwrap_or(false);
    let label = o.opt_str("label").filter(|s| !s.is_empty());
    if let Some(v) = o.opt_str("payloadVersion") {
        if v != "V2" {
            o.error("payloadVersion", "only V2 is supported", json!(v));
        }
    }
    let mut mailbox_ids = Vec::new();
    match o.get("mailboxIds") {
        None => {}
        Some(Value::Array(items)) => {
            for item in items {
                match item.as_u64() {
                    Some(mid) if state.mailboxes.contains_key(&mid) => mailbox_ids.push(mid),
                    _ => o.error("mailboxIds", "unknown mailbox", item.clone()),
                }
            }
        }
        Some(other) => o.error("mailboxIds", "must be an array", other.clone()),
    }
    o.finish()?;
    Ok(WebhookBody {
        url: url.unwrap_or_default(),
        events,
        secret: secret.unwrap_or_default(),
        notification,
        label,
        mailbox_ids,
    })
}

fn create(state: &mut State, req: &Req) -> ApiResult {
    let b = webhook_body(state, req)?;
    let wid = state.alloc("webhook", WEBHOOK_ID);
    state.webhooks.webhooks.insert(
        wid,
        Webhook {
            id: wid,
            url: b.url,
            state: "enabled".into(),
            events: b.events,
            secret: b.secret,
            notification: b.notification,
            label: b.label,
            mailbox_ids: b.mailbox_ids,
        },
    );
    Ok(hal::created(req.url(&format!("/v2/webhooks/{wid}")), wid))
}

fn update(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let wid = webhook(state, seg)?.id;
    let b = webhook_body(state, req)?;
    if let Some(w) = state.webhooks.webhooks.get_mut(&wid) {
        w.url = b.url;
        w.events = b.events;
        w.secret = b.secret;
        w.notification = b.notification;
        w.label = b.label;
        w.mailbox_ids = b.mailbox_ids;
    }
    Ok(hal::no_content())
}

fn delete(state: &mut State, seg: &str) -> ApiResult {
    let wid = webhook(state, seg)?.id;
    state.webhooks.webhooks.remove(&wid);
    Ok(hal::no_content())
}
