//! Mailboxes (inboxes), their custom fields, folders, saved replies and
//! routing (catalogue 3 mailboxes, saved_replies, routing).

use serde_json::{json, Value};

use crate::hal::{self, href, ApiError, ApiResult, PAGE_SIZE};
use crate::routes::{id, Req};
use crate::state::{ts, Actor, Mailbox, SavedReply, State};
use crate::text::{html_to_text, truncate_chars};
use crate::validate::Obj;

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "mailboxes"]) => list(state, req),
        ("GET", ["v2", "mailboxes", mid]) => get(state, req, mid),
        ("GET", ["v2", "mailboxes", mid, "fields"]) => fields(state, req, mid),
        ("GET", ["v2", "mailboxes", mid, "folders"]) => folders(state, req, mid),
        ("GET", ["v2", "mailboxes", mid, "saved-replies"]) => list_replies(state, req, mid),
        ("POST", ["v2", "mailboxes", mid, "saved-replies"]) => create_reply(state, req, mid),
        ("GET", ["v2", "mailboxes", mid, "saved-replies", rid]) => get_reply(state, mid, rid),
        ("PUT", ["v2", "mailboxes", mid, "saved-replies", rid]) => update_reply(state, req, mid, rid),
        ("DELETE", ["v2", "mailboxes", mid, "saved-replies", rid]) => delete_reply(state, mid, rid),
        ("GET", ["v2", "mailboxes", mid, "routing"]) => get_routing(state, req, mid),
        ("PUT", ["v2", "mailboxes", mid, "routing"]) => put_routing(state, req, mid),
        _ => return None,
    };
    Some(r)
}

fn mailbox<'a>(state: &'a State, seg: &str) -> ApiResult<&'a Mailbox> {
    let mid = id(seg)?;
    state.mailboxes.get(&mid).ok_or_else(ApiError::not_found)
}

fn mailbox_mut<'a>(state: &'a mut State, seg: &str) -> ApiResult<&'a mut Mailbox> {
    let mid = id(seg)?;
    state.mailboxes.get_mut(&mid).ok_or_else(ApiError::not_found)
}

fn mailbox_json(m: &Mailbox, base: &str) -> Value {
    let url = format!("{base}/v2/mailboxes/{}", m.id);
    json!({
        "id": m.id,
        "name": m.name,
        "slug": m.slug,
        "email": m.email,
        "createdAt": ts(m.created_at),
        "updatedAt": ts(m.updated_at),
        "_links": {
            "fields": href(format!("{url}/fields")),
            "folders": href(format!("{url}/folders")),
            "self": href(url),
        },
    })
}

fn list(state: &State, req: &Req) -> ApiResult {
    let items = state.mailboxes.values().map(|m| mailbox_json(m, &req.base)).collect();
    hal::paged(req, "mailboxes", items, PAGE_SIZE)
}

fn get(state: &State, req: &Req, seg: &str) -> ApiResult {
    Ok(hal::hal(&mailbox_json(mailbox(state, seg)?, &req.base)))
}

fn fields(state: &State, req: &Req, seg: &str) -> ApiResult {
    let m = mailbox(state, seg)?;
    let items = m
        .fields
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "name": f.name,
                "type": f.kind,
                "order": f.order,
                "required": f.required,
                "options": f.options.iter().map(|o| json!({ "id": o.id, "order": o.order, "label": o.label })).collect::<Vec<_>>(),
                "_links": { "self": href(format!("{}/v2/mailboxes/{}/fields/{}", req.base, m.id, f.id)) },
            })
        })
        .collect();
    hal::paged(req, "fields", items, PAGE_SIZE)
}

fn folders(state: &State, req: &Req, seg: &str) -> ApiResult {
    let m = mailbox(state, seg)?;
    let items = m
        .folders
        .iter()
        .map(|f| {
            let convs: Vec<_> = state
                .conversations
                .values()
                .filter(|c| c.mailbox_id == m.id && state.folder_of(c) == f.id)
                .collect();
            let active = convs.iter().filter(|c| c.status == "active").count();
            let updated = convs.iter().map(|c| c.modified_at).max().unwrap_or(f.updated_at);
            json!({
                "id": f.id,
                "name": f.name,
                "type": f.kind,
                "userId": f.user_id,
                "totalCount": convs.len(),
                "activeCount": active,
                "updatedAt": ts(updated),
                "_links": { "self": href(format!("{}/v2/mailboxes/{}/folders/{}", req.base, m.id, f.id)) },
            })
        })
        .collect();
    hal::paged(req, "folders", items, PAGE_SIZE)
}

fn preview(html: &str) -> String {
    truncate_chars(&html_to_text(html), 120)
}

/// A bare JSON array, no HAL envelope (catalogue 4.3).
fn list_replies(state: &State, req: &Req, seg: &str) -> ApiResult {
    let m = mailbox(state, seg)?;
    let include_chat = match req.q("includeChatReplies") {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "includeChatReplies",
                "must be true or false",
                Value::String(other.into()),
            ))
        }
    };
    let items: Vec<Value> = m
        .saved_replies
        .iter()
        .filter(|r| !r.deleted && (include_chat || !r.chat_only))
        .map(|r| {
            let mut item = json!({ "id": r.id, "name": r.name, "preview": preview(&r.text) });
            if include_chat {
                if let (Some(obj), Some(chat)) = (item.as_object_mut(), &r.chat_text) {
                    obj.insert("chatPreview".into(), json!(truncate_chars(chat, 120)));
                }
            }
            item
        })
        .collect();
    Ok(hal::json_resp(200, &Value::Array(items)))
}

fn find_reply<'a>(m: &'a Mailbox, seg: &str) -> ApiResult<&'a SavedReply> {
    let rid = id(seg)?;
    m.saved_replies
        .iter()
        .find(|r| r.id == rid && !r.deleted)
        .ok_or_else(ApiError::not_found)
}

fn get_reply(state: &State, mseg: &str, rseg: &str) -> ApiResult {
    let r = find_reply(mailbox(state, mseg)?, rseg)?;
    Ok(hal::json_resp(
        200,
        &json!({ "id": r.id, "name": r.name, "text": r.text, "chatText": r.chat_text }),
    ))
}

struct ReplyBody {
    name: String,
    text: Option<String>,
    chat_text: Option<String>,
}

fn reply_body(req: &Req) -> ApiResult<ReplyBody> {
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    let name = o.req_str("name");
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        o.error("name", "size must be between 1 and 100", json!(name));
    }
    let text = o.opt_str("text");
    let chat_text = o.opt_str("chatText");
    o.finish()?;
    Ok(ReplyBody {
        name: name.unwrap_or_default(),
        text,
        chat_text,
    })
}

fn create_reply(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    mailbox(state, seg)?;
    let body = reply_body(req)?;
    let rid = state.alloc("saved_reply", 900);
    let m = mailbox_mut(state, seg)?;
    let mid = m.id;
    let chat_only = body.text.is_none() && body.chat_text.is_some();
    m.saved_replies.push(SavedReply {
        id: rid,
        name: body.name,
        text: body.text.unwrap_or_default(),
        chat_text: body.chat_text,
        chat_only,
        deleted: false,
    });
    Ok(hal::created(
        req.url(&format!("/v2/mailboxes/{mid}/saved-replies/{rid}")),
        rid,
    ))
}

fn update_reply(state: &mut State, req: &Req, mseg: &str, rseg: &str) -> ApiResult {
    find_reply(mailbox(state, mseg)?, rseg)?;
    let body = reply_body(req)?;
    let rid = id(rseg)?;
    let m = mailbox_mut(state, mseg)?;
    if let Some(r) = m.saved_replies.iter_mut().find(|r| r.id == rid) {
        r.name = body.name;
        // Omitted text is kept (clearing is unconfirmed, catalogue 3).
        if let Some(text) = body.text {
            r.text = text;
        }
        if let Some(chat) = body.chat_text {
            r.chat_text = Some(chat);
        }
    }
    Ok(hal::no_content())
}

fn delete_reply(state: &mut State, mseg: &str, rseg: &str) -> ApiResult {
    find_reply(mailbox(state, mseg)?, rseg)?;
    let rid = id(rseg)?;
    let m = mailbox_mut(state, mseg)?;
    // Soft delete (changelog 2023-04-05).
    if let Some(r) = m.saved_replies.iter_mut().find(|r| r.id == rid) {
        r.deleted = true;
    }
    Ok(hal::no_content())
}

fn get_routing(state: &State, req: &Req, seg: &str) -> ApiResult {
    let m = mailbox(state, seg)?;
    let routing = &m.routing;
    let rotation: Vec<Value> = routing
        .user_ids
        .iter()
        .map(|u| {
            let count = state
                .conversations
                .values()
                .filter(|c| c.mailbox_id == m.id && c.status == "active")
                .filter(|c| c.assignee == Some(Actor::User(*u)))
                .count();
            let away = state.user_statuses.get(u).is_some_and(|s| s.email_status == "away");
            let reason = if away {
                Some("away")
            } else if count >= routing.assignment_limit as usize {
                Some("at_capacity")
            } else {
                None
            };
            json!({
                "userId": u,
                "conversationsCount": count,
                "eligible": reason.is_none(),
                "reason": reason,
            })
        })
        .collect();
    Ok(hal::hal(&json!({
        "state": if routing.enabled { "enabled" } else { "disabled" },
        "assignmentLimit": routing.assignment_limit,
        "assignmentMethod": routing.method,
        "userIds": routing.user_ids,
        "rotation": rotation,
        "_links": { "self": href(format!("{}/v2/mailboxes/{}/routing", req.base, m.id)) },
    })))
}

fn put_routing(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    mailbox(state, seg)?;
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    let st = o.req_str("state");
    if let Some(s) = &st {
        if s != "enabled" && s != "disabled" {
            o.error("state", "allowed values are: enabled, disabled", json!(s));
        }
    }
    let limit = o.req_u64("assignmentLimit");
    if let Some(l) = limit {
        if !(1..=100).contains(&l) {
            o.error("assignmentLimit", "must be between 1 and 100", json!(l));
        }
    }
    let method = o.req_str("assignmentMethod");
    if let Some(m) = &method {
        if m != "round_robin" && m != "balanced" {
            o.error(
                "assignmentMethod",
                "allowed values are: round_robin, balanced",
                json!(m),
            );
        }
    }
    let mut user_ids = Vec::new();
    match o.get("userIds") {
        Some(Value::Array(items)) => {
            for item in items {
                match item.as_u64() {
                    Some(u) if state.users.contains_key(&u) => user_ids.push(u),
                    _ => o.error("userIds", "unknown user id", item.clone()),
                }
            }
        }
        Some(other) => o.error("userIds", "must be an array of user ids", other.clone()),
        None => o.error("userIds", "may not be null", Value::Null),
    }
    if st.as_deref() == Some("enabled") && user_ids.is_empty() && !o.has_errors() {
        o.error("userIds", "may not be empty when routing is enabled", json!([]));
    }
    o.finish()?;
    let m = mailbox_mut(state, seg)?;
    m.routing.enabled = st.as_deref() == Some("enabled");
    m.routing.assignment_limit = limit.and_then(|l| u32::try_from(l).ok()).unwrap_or(10);
    m.routing.method = method.unwrap_or_else(|| "round_robin".into());
    m.routing.user_ids = user_ids;
    m.updated_at = req.now;
    Ok(hal::no_content())
}
