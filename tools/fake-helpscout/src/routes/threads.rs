//! Threads (catalogue 3 threads, inbox-v3 threads, 4.6, 4.7).

use serde_json::{json, Value};

use crate::hal::{self, ApiError, ApiResult, PAGE_SIZE};
use crate::render;
use crate::routes::attachments::parse_attachment;
use crate::routes::conversations::{ensure_room, resolve_customer, set_status, touch, writable};
use crate::routes::{id, Req};
use crate::state::{Actor, Conversation, Schedule, State, Thread, Time};
use crate::text::html_to_text;
use crate::validate::Obj;
use crate::SentEmail;

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", [v @ ("v2" | "v3"), "conversations", cid, "threads"]) => list(state, req, v, cid),
        ("POST", ["v2", "conversations", cid, kind @ ("reply" | "notes" | "customer" | "chats" | "phones")]) => {
            create(state, req, cid, kind)
        }
        ("PATCH", ["v2", "conversations", cid, "threads", tid]) => patch(state, req, cid, tid),
        ("DELETE", ["v2", "conversations", _, "threads", _]) => Err(ApiError::invalid(
            "",
            "threads cannot be deleted; hide them with PATCH /hidden instead",
            Value::Null,
        )),
        ("GET", ["v2", "conversations", cid, "threads", tid, "original-source"]) => {
            original_source(state, req, cid, tid)
        }
        ("PUT", ["v2", "conversations", cid, "threads", tid, "schedule"]) => schedule(state, req, cid, tid),
        ("PATCH", ["v2", "conversations", cid, "threads", tid, "schedule"]) => publish_schedule(state, req, cid, tid),
        ("DELETE", ["v2", "conversations", cid, "threads", tid, "schedule"]) => unschedule(state, req, cid, tid),
        _ => return None,
    };
    Some(r)
}

/// A thread with neutral defaults; callers fill in the rest.
pub(crate) fn thread_defaults(id: u64, kind: &str, created_by: Actor, created_at: Time) -> Thread {
    let (source_type, via) = match kind {
        "customer" => ("email", "customer"),
        "chat" => ("chat", "customer"),
        "phone" => ("phone", "user"),
        "note" => ("web", "user"),
        _ => ("email", "user"),
    };
    Thread {
        id,
        kind: kind.to_string(),
        status: "active".into(),
        state: "published".into(),
        action: None,
        body: String::new(),
        source_type: source_type.into(),
        source_via: via.into(),
        customer_id: None,
        created_by,
        assigned_to: None,
        saved_reply_id: 0,
        to: Vec::new(),
        cc: Vec::new(),
        bcc: Vec::new(),
        created_at,
        opened_at: None,
        attachments: Vec::new(),
        scheduled: None,
        imported: false,
    }
}

/// Log a customer-visible email for a thread (see `FakeHelpScout::sent_emails`).
pub(crate) fn record_sent(state: &mut State, cid: u64, tid: u64, via: &str) {
    let Some(conv) = state.conversations.get(&cid) else {
        return;
    };
    let Some(t) = conv.threads.iter().find(|t| t.id == tid) else {
        return;
    };
    let mut to = t.to.clone();
    if to.is_empty() {
        let customer = t.customer_id.unwrap_or(conv.customer_id);
        to.extend(
            state
                .customers
                .get(&customer)
                .and_then(|c| c.email())
                .map(str::to_string),
        );
    }
    let email = SentEmail {
        conversation_id: cid,
        thread_id: tid,
        to,
        cc: t.cc.clone(),
        bcc: t.bcc.clone(),
        via: via.to_string(),
    };
    tracing::debug!(?email, "customer email sent");
    state.sent_emails.push(email);
}

/// Readable for thread reads: merged-away ids are 404 here too (catalogue 4.7).
fn readable<'a>(state: &'a State, seg: &str) -> ApiResult<&'a Conversation> {
    let cid = id(seg)?;
    state.conversations.get(&cid).ok_or_else(ApiError::not_found)
}

fn list(state: &State, req: &Req, version: &str, seg: &str) -> ApiResult {
    let conv = readable(state, seg)?;
    let items: Vec<Value> = render::sorted_threads(conv)
        .into_iter()
        .map(|t| render::thread(state, conv, t, &req.base, version == "v3", false))
        .collect();
    hal::paged(req, "threads", items, PAGE_SIZE)
}

fn create(state: &mut State, req: &Req, seg: &str, endpoint: &str) -> ApiResult {
    let (cid, default_customer) = {
        let conv = writable(state, seg)?;
        (conv.id, conv.customer_id)
    };
    let kind = match endpoint {
        "reply" => "reply",
        "notes" => "note",
        "customer" => "customer",
        "chats" => "chat",
        _ => "phone",
    };
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    let now = req.now;
    let text = o.req_str("text");
    let customer = match kind {
        // A reply must name the customer even though the conversation has
        // one (catalogue 4.7).
        "reply" => {
            if o.get("customer").is_none() {
                o.error("customer", "may not be null", Value::Null);
                None
            } else {
                match o.get("customer").and_then(|c| c.get("id")).and_then(Value::as_u64) {
                    Some(c) if state.customers.contains_key(&c) => Some(c),
                    Some(c) => {
                        o.error("customer.id", "customer not found", json!(c));
                        None
                    }
                    None => {
                        o.error("customer.id", "may not be null", Value::Null);
                        None
                    }
                }
            }
        }
        "customer" | "chat" | "phone" => resolve_customer(state, &mut o, "customer", now, true),
        _ => None,
    };
    let draft = if kind == "reply" {
        o.opt_bool("draft").unwrap_or(false)
    } else {
        false
    };
    let imported = o.opt_bool("imported").unwrap_or(false);
    let created_at = o.opt_time("createdAt");
    if created_at.is_some() && !imported {
        o.error(
            "createdAt",
            "createdAt is only allowed for imported threads",
            json!(body.get("createdAt")),
        );
    }
    let status = o.opt_str("status");
    if let Some(s) = &status {
        if !["active", "pending", "closed", "spam", "open", "all"].contains(&s.as_str()) {
            o.error(
                "status",
                "allowed values are: active, pending, closed, spam",
                Value::String(s.clone()),
            );
        }
    }
    let user = o.opt_u64("user");
    if let Some(u) = user {
        if !state.users.contains_key(&u) {
            o.error("user", "user not found", json!(u));
        }
    }
    let assign = if kind == "reply" { o.opt_u64("assignTo") } else { None };
    let assignee = match assign {
        Some(u) => match state.assignable(u) {
            Some(a) => Some(a),
            None => {
                o.error("assignTo", "user not found", json!(u));
                None
            }
        },
        None => None,
    };
    let cc = o.opt_email_list("cc");
    let bcc = o.opt_email_list("bcc");
    let mut attachments = Vec::new();
    if let Some(v) = o.get("attachments") {
        match v.as_array() {
            Some(list) => {
                for (i, a) in list.iter().enumerate() {
                    attachments.push(parse_attachment(state, a, &format!("attachments[{i}]"))?);
                }
            }
            None => o.error("attachments", "must be an array", Value::String("...".into())),
        }
    }
    o.finish()?;
    let text = text.unwrap_or_default();

    // 412 once the conversation holds 100 threads (catalogue 4.7).
    ensure_room(readable(state, seg)?)?;

    let tid = state.new_thread_id();
    let actor_user = user.unwrap_or(req.user_id);
    let created_by = match kind {
        "customer" | "chat" => Actor::Customer(customer.unwrap_or(default_customer)),
        _ => Actor::User(actor_user),
    };
    let to: Vec<String> = if kind == "reply" {
        customer
            .and_then(|c| state.customers.get(&c))
            .and_then(|c| c.email())
            .map(str::to_string)
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let customer_reply = matches!(kind, "customer" | "chat");
    let mut new_status: Option<String> = match status.as_deref() {
        Some("open") => Some("active".into()),
        Some("all") | None => None,
        Some(s) => Some(s.to_string()),
    };
    if new_status.is_none() && !imported && !draft && (kind == "reply" || customer_reply) {
        // Replies and customer messages (re)activate the conversation.
        new_status = Some("active".into());
    }
    let conv = writable(state, seg)?;
    let mut t = thread_defaults(tid, kind, created_by, created_at.unwrap_or(now));
    t.body = text;
    t.customer_id = customer.or(if kind == "note" { None } else { Some(default_customer) });
    t.state = if draft { "draft".into() } else { "published".into() };
    t.status = new_status.clone().unwrap_or_else(|| "nochange".into());
    t.to = to;
    t.cc = cc;
    t.bcc = bcc;
    t.imported = imported;
    t.attachments = attachments;
    t.assigned_to = conv.assignee;
    if let Some(s) = &new_status {
        set_status(conv, s, actor_user, now);
    }
    if let Some(a) = assignee {
        conv.assignee = Some(a);
    }
    if customer_reply && !imported {
        if conv.snooze.as_ref().is_some_and(|s| s.unsnooze_on_customer_reply) {
            conv.snooze = None;
        }
        for other in conv.threads.iter_mut() {
            if other.scheduled.as_ref().is_some_and(|s| s.unschedule_on_customer_reply) {
                other.scheduled = None;
            }
        }
    }
    conv.threads.push(t);
    if customer_reply {
        conv.modified_at = now;
    } else {
        touch(conv, now);
    }
    if kind == "reply" && !draft && !imported {
        record_sent(state, cid, tid, "reply");
    }
    Ok(hal::created(
        req.url(&format!("/v2/conversations/{cid}/threads/{tid}")),
        tid,
    ))
}

fn thread_mut<'a>(conv: &'a mut Conversation, seg: &str) -> ApiResult<&'a mut Thread> {
    let tid = id(seg)?;
    conv.threads
        .iter_mut()
        .find(|t| t.id == tid)
        .ok_or_else(ApiError::not_found)
}

/// A single `{op, path, value}` object (catalogue 4.6); arrays are refused.
fn single_op(req: &Req) -> ApiResult<(String, String, Option<Value>)> {
    let body = req.json()?;
    if body.is_array() {
        return Err(ApiError::invalid(
            "",
            "must be a single patch operation object {op, path, value}, not an array",
            Value::String("[...]".into()),
        ));
    }
    let mut o = Obj::new(&body, "")?;
    let op = o.req_str("op");
    let path = o.req_str("path");
    o.finish()?;
    match (op, path) {
        (Some(op), Some(path)) => Ok((op, path, body.get("value").cloned())),
        _ => Err(ApiError::validation(Vec::new())),
    }
}

fn patch(state: &mut State, req: &Req, cseg: &str, tseg: &str) -> ApiResult {
    let (op, path, value) = single_op(req)?;
    let conv = writable(state, cseg)?;
    let thread = thread_mut(conv, tseg)?;
    let bad = |msg: &str| ApiError::invalid("value", msg, value.clone().unwrap_or(Value::Null));
    match (op.as_str(), path.as_str()) {
        ("replace", "/text") => {
            let text = value
                .as_ref()
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| bad("may not be empty"))?;
            if thread.kind == "lineitem" {
                return Err(bad("line items have no text"));
            }
            thread.body = text.to_string();
        }
        ("replace", "/hidden") => {
            let hidden = value
                .as_ref()
                .and_then(Value::as_bool)
                .ok_or_else(|| bad("must be a boolean"))?;
            // Only non-draft customer/reply threads can be hidden (catalogue 3).
            if !matches!(thread.kind.as_str(), "customer" | "reply") || thread.state == "draft" {
                return Err(bad("only published customer and reply threads can be hidden"));
            }
            thread.state = if hidden { "hidden".into() } else { "published".into() };
        }
        (_, "/text" | "/hidden") => {
            return Err(ApiError::invalid(
                "op",
                &format!("operation '{op}' is not supported for path '{path}'"),
                Value::String(op.clone()),
            ))
        }
        _ => {
            return Err(ApiError::invalid(
                "path",
                "allowed paths are: /text, /hidden",
                Value::String(path.clone()),
            ))
        }
    }
    conv.modified_at = req.now;
    Ok(hal::no_content())
}

/// The raw message a thread would have been sent or received as.
fn rfc822(state: &State, conv: &Conversation, t: &Thread) -> String {
    let mailbox = state.mailboxes.get(&conv.mailbox_id);
    let mailbox_email = mailbox.map(|m| m.email.clone()).unwrap_or_default();
    let mailbox_name = mailbox.map(|m| m.name.clone()).unwrap_or_default();
    let customer = t
        .customer_id
        .or(Some(conv.customer_id))
        .and_then(|c| state.customers.get(&c));
    let customer_addr = customer
        .map(|c| format!("{} <{}>", c.full_name(), c.email().unwrap_or("unknown@example.com")))
        .unwrap_or_default();
    let (from, to) = match t.created_by {
        Actor::Customer(_) => (customer_addr, mailbox_email.clone()),
        Actor::User(u) => {
            let name = state
                .users
                .get(&u)
                .map(|u| format!("{} {}", u.first, u.last))
                .unwrap_or_default();
            (format!("{name} from {mailbox_name} <{mailbox_email}>"), customer_addr)
        }
        _ => (format!("{mailbox_name} <{mailbox_email}>"), customer_addr),
    };
    let boundary = format!("000000000000{:012x}", render::fnv(t.body.as_bytes()) & 0xffff_ffff_ffff);
    let date = t.created_at.format("%a, %d %b %Y %H:%M:%S +0000");
    let plain = html_to_text(&t.body);
    let domain = mailbox_email.split('@').nth(1).unwrap_or("helpscout.net").to_string();
    let mut out = String::new();
    out.push_str(&format!(
        "Return-Path: <{}>\r\n",
        from.rsplit('<').next().unwrap_or("").trim_end_matches('>')
    ));
    out.push_str(&format!(
        "Received: from mail-fake.example.net (mail-fake.example.net [203.0.113.25])\r\n\tby mx1.helpscout.net with ESMTPS id {:x}\r\n\tfor <{mailbox_email}>; {date}\r\n",
        t.id
    ));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str(&format!("From: {from}\r\n"));
    out.push_str(&format!("To: {to}\r\n"));
    if !t.cc.is_empty() {
        out.push_str(&format!("Cc: {}\r\n", t.cc.join(", ")));
    }
    out.push_str(&format!("Date: {date}\r\n"));
    out.push_str(&format!("Message-ID: <{}.{}@{domain}>\r\n", t.id, conv.number));
    let re = if t.kind == "reply" { "Re: " } else { "" };
    out.push_str(&format!("Subject: {re}{}\r\n", conv.subject));
    out.push_str(&format!(
        "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
    ));
    out.push_str(&format!(
        "--{boundary}\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\n\r\n{plain}\r\n\r\n"
    ));
    out.push_str(&format!(
        "--{boundary}\r\nContent-Type: text/html; charset=\"UTF-8\"\r\n\r\n{}\r\n\r\n--{boundary}--\r\n",
        t.body
    ));
    out
}

fn original_source(state: &State, req: &Req, cseg: &str, tseg: &str) -> ApiResult {
    let conv = readable(state, cseg)?;
    let tid = id(tseg)?;
    let t = conv
        .threads
        .iter()
        .find(|t| t.id == tid)
        .ok_or_else(ApiError::not_found)?;
    if !matches!(t.kind.as_str(), "customer" | "reply") || t.state == "draft" {
        // Only emails have an original source.
        return Err(ApiError::not_found());
    }
    let raw = rfc822(state, conv, t);
    let accept = req.header("accept").unwrap_or("").to_ascii_lowercase();
    // Same path, two shapes chosen by Accept (catalogue 4.7).
    if accept.contains("message/rfc822") {
        Ok(hal::response(200, Some("message/rfc822"), &[], raw))
    } else {
        Ok(hal::json_resp(200, &json!({ "original": raw })))
    }
}

fn schedule(state: &mut State, req: &Req, cseg: &str, tseg: &str) -> ApiResult {
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    let at = o.req_future_time("scheduledFor", req.now);
    let unschedule = o.req_bool("unscheduleOnCustomerReply");
    let as_creator = o.opt_bool("sendAsCreator").unwrap_or(false);
    o.finish()?;
    let conv = writable(state, cseg)?;
    let thread = thread_mut(conv, tseg)?;
    if thread.kind != "reply" || thread.state != "draft" {
        return Err(ApiError::invalid(
            "threadId",
            "only draft reply threads can be scheduled",
            json!(thread.id),
        ));
    }
    let (Some(at), Some(unschedule)) = (at, unschedule) else {
        return Err(ApiError::validation(Vec::new()));
    };
    // Overrides any earlier schedule (catalogue 3).
    thread.scheduled = Some(Schedule {
        by: req.user_id,
        at,
        unschedule_on_customer_reply: unschedule,
        send_as_creator: as_creator,
    });
    conv.modified_at = req.now;
    Ok(hal::no_content())
}

fn publish_schedule(state: &mut State, req: &Req, cseg: &str, tseg: &str) -> ApiResult {
    let (op, path, value) = single_op(req)?;
    if op != "replace" || path != "/state" || value.as_ref().and_then(Value::as_str) != Some("published") {
        return Err(ApiError::invalid(
            "path",
            "expected {\"op\":\"replace\",\"path\":\"/state\",\"value\":\"published\"}",
            Value::String(format!("{op} {path}")),
        ));
    }
    let conv = writable(state, cseg)?;
    let cid = conv.id;
    let now = req.now;
    let thread = thread_mut(conv, tseg)?;
    if thread.scheduled.is_none() {
        return Err(ApiError::invalid("state", "thread is not scheduled", json!(thread.id)));
    }
    thread.scheduled = None;
    thread.state = "published".into();
    let tid = thread.id;
    if conv.threads.iter().all(|t| t.kind != "reply" || t.state != "draft") {
        conv.draft = false;
    }
    touch(conv, now);
    record_sent(state, cid, tid, "schedule_published");
    Ok(hal::no_content())
}

fn unschedule(state: &mut State, req: &Req, cseg: &str, tseg: &str) -> ApiResult {
    let conv = writable(state, cseg)?;
    let thread = thread_mut(conv, tseg)?;
    thread.scheduled = None;
    conv.modified_at = req.now;
    Ok(hal::no_content())
}
