//! Workflows (catalogue 3 workflows, 4.6).
//!
//! Running a manual workflow applies its actions to each conversation and
//! leaves a `manual-workflow` line item on it, as Help Scout does; a workflow
//! that replies emails the customer and is recorded in `sent_emails`
//! (`via: "workflow"`), so tests can see exactly what a run did.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::{json, Value};

use crate::hal::{self, ApiError, ApiResult, FieldError, PAGE_SIZE};
use crate::ids::{
    AUTOMATIC_WORKFLOW_ID, BILLING_WORKFLOW_ID, ESCALATE_WORKFLOW_ID, INACTIVE_WORKFLOW_ID, INVALID_WORKFLOW_ID,
    TRIAGE_WORKFLOW_ID,
};
use crate::routes::threads::thread_defaults;
use crate::routes::{id, Req};
use crate::state::{ts, Actor, State, Time, MAX_THREADS};
use crate::SentEmail;

/// Most conversations one run may name (catalogue 3 run_workflow).
pub(crate) const MAX_RUN_IDS: usize = 50;

#[derive(Clone, Debug)]
pub(crate) enum Action {
    AddTag(&'static str),
    SetStatus(&'static str),
    AssignTo(Actor),
    /// A published reply to the primary customer (emails them).
    Reply(&'static str),
}

#[derive(Clone, Debug)]
pub(crate) struct Workflow {
    pub(crate) id: u64,
    pub(crate) mailbox_id: u64,
    /// manual | automatic
    pub(crate) kind: String,
    /// active | inactive | invalid
    pub(crate) status: String,
    pub(crate) order: u32,
    pub(crate) name: String,
    pub(crate) created_at: Time,
    pub(crate) modified_at: Time,
    pub(crate) actions: Vec<Action>,
}

#[derive(Debug, Default)]
pub(crate) struct WorkflowState {
    pub(crate) workflows: BTreeMap<u64, Workflow>,
}

struct Seed {
    id: u64,
    mailbox: u64,
    kind: &'static str,
    status: &'static str,
    order: u32,
    name: &'static str,
    actions: Vec<Action>,
}

/// Names match the line items already in the seeded conversations.
pub(crate) fn seed(state: &mut State, now: Time) {
    let seeds = [
        Seed {
            id: ESCALATE_WORKFLOW_ID,
            mailbox: 301,
            kind: "manual",
            status: "active",
            order: 1,
            name: "Escalate to Tier 2",
            actions: vec![Action::AssignTo(Actor::Team(2001)), Action::AddTag("escalated")],
        },
        Seed {
            id: TRIAGE_WORKFLOW_ID,
            mailbox: 301,
            kind: "manual",
            status: "active",
            order: 2,
            name: "Send to billing",
            actions: vec![Action::AddTag("billing"), Action::SetStatus("pending")],
        },
        Seed {
            id: AUTOMATIC_WORKFLOW_ID,
            mailbox: 301,
            kind: "automatic",
            status: "active",
            order: 3,
            name: "Tag urgent keywords",
            actions: vec![Action::AddTag("urgent")],
        },
        Seed {
            id: INACTIVE_WORKFLOW_ID,
            mailbox: 301,
            kind: "manual",
            status: "inactive",
            order: 4,
            name: "Close stale pending",
            actions: vec![Action::SetStatus("closed")],
        },
        Seed {
            id: BILLING_WORKFLOW_ID,
            mailbox: 302,
            kind: "manual",
            status: "active",
            order: 1,
            name: "Renewal reminder",
            actions: vec![
                Action::Reply("<p>Hi,</p><p>A quick reminder that your Fernwood subscription renews soon. Reply here if anything should change.</p>"),
                Action::SetStatus("pending"),
            ],
        },
        Seed {
            id: INVALID_WORKFLOW_ID,
            mailbox: 303,
            kind: "automatic",
            status: "invalid",
            order: 1,
            name: "Route leads to sales rep",
            actions: Vec::new(),
        },
    ];
    for (i, s) in seeds.into_iter().enumerate() {
        let created = now - Duration::days(300 - 17 * i as i64);
        state.workflows.workflows.insert(
            s.id,
            Workflow {
                id: s.id,
                mailbox_id: s.mailbox,
                kind: s.kind.into(),
                status: s.status.into(),
                order: s.order,
                name: s.name.into(),
                created_at: created,
                modified_at: created + Duration::days(3),
                actions: s.actions,
            },
        );
    }
}

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "workflows"]) => list(state, req),
        ("PATCH", ["v2", "workflows", wid]) => patch(state, req, wid),
        ("POST", ["v2", "workflows", wid, "run"]) => run(state, req, wid),
        _ => return None,
    };
    Some(r)
}

fn workflow_json(w: &Workflow) -> Value {
    json!({
        "id": w.id,
        "mailboxId": w.mailbox_id,
        "type": w.kind,
        "status": w.status,
        "order": w.order,
        "name": w.name,
        "createdAt": ts(w.created_at),
        "modifiedAt": ts(w.modified_at),
    })
}

fn list(state: &State, req: &Req) -> ApiResult {
    let mailbox = match req.q("mailboxId").filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<u64>()
                .map_err(|_| ApiError::invalid("mailboxId", "must be a number", Value::String(raw.into())))?,
        ),
    };
    let kind = match req.q("type").filter(|s| !s.is_empty()) {
        None => None,
        Some(k @ ("manual" | "automatic")) => Some(k),
        Some(other) => {
            return Err(ApiError::invalid(
                "type",
                "allowed values are: manual, automatic",
                Value::String(other.into()),
            ))
        }
    };
    let mut hits: Vec<&Workflow> = state
        .workflows
        .workflows
        .values()
        .filter(|w| mailbox.is_none_or(|m| w.mailbox_id == m))
        .filter(|w| kind.is_none_or(|k| w.kind == k))
        .collect();
    hits.sort_by_key(|w| (w.mailbox_id, w.order, w.id));
    let items = hits.iter().map(|w| workflow_json(w)).collect();
    hal::paged(req, "workflows", items, PAGE_SIZE)
}

/// Activate or deactivate: one JSON Patch object, never an array (catalogue 4.6).
fn patch(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let wid = id(seg)?;
    let w = state.workflows.workflows.get(&wid).ok_or_else(ApiError::not_found)?;
    let body = req.json()?;
    if body.is_array() {
        return Err(ApiError::invalid(
            "",
            "the patch must be a single object {op, path, value}, not an array",
            Value::String("[...]".into()),
        ));
    }
    let op = body.get("op").and_then(Value::as_str).unwrap_or("");
    let path = body.get("path").and_then(Value::as_str).unwrap_or("");
    let value = body.get("value").and_then(Value::as_str).unwrap_or("");
    let mut errors = Vec::new();
    if op != "replace" {
        errors.push(field("op", "allowed values are: replace", json!(body.get("op"))));
    }
    if path != "/status" {
        errors.push(field("path", "allowed values are: /status", json!(body.get("path"))));
    }
    if !["active", "inactive"].contains(&value) {
        errors.push(field(
            "value",
            "allowed values are: active, inactive",
            json!(body.get("value")),
        ));
    }
    if errors.is_empty() && w.status == "invalid" {
        errors.push(field(
            "value",
            "this workflow is invalid; fix its conditions in Help Scout before activating it",
            json!(value),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if let Some(w) = state.workflows.workflows.get_mut(&wid) {
        w.status = value.to_string();
        w.modified_at = req.now;
    }
    Ok(hal::no_content())
}

fn field(path: &str, message: &str, rejected: Value) -> FieldError {
    FieldError {
        path: path.to_string(),
        message: message.to_string(),
        rejected,
    }
}

/// Runs a manual, active workflow on 1..=50 conversations of its own inbox.
/// Validation is all-or-nothing: one bad id and nothing runs.
fn run(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let wid = id(seg)?;
    let w = state
        .workflows
        .workflows
        .get(&wid)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    if w.kind != "manual" {
        return Err(ApiError::new(400, "Only manual workflows can be run"));
    }
    if w.status != "active" {
        return Err(ApiError::new(400, "Only active workflows can be run"));
    }
    let body = req.json()?;
    let raw = body.get("conversationIds");
    let Some(items) = raw.and_then(Value::as_array) else {
        return Err(ApiError::invalid(
            "conversationIds",
            "may not be empty",
            raw.cloned().unwrap_or(Value::Null),
        ));
    };
    if items.is_empty() || items.len() > MAX_RUN_IDS {
        return Err(ApiError::invalid(
            "conversationIds",
            &format!("size must be between 1 and {MAX_RUN_IDS}"),
            json!(items.len()),
        ));
    }
    let mut errors = Vec::new();
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("conversationIds[{i}]");
        match item.as_u64().map(|cid| (cid, state.conversations.get(&cid))) {
            None => errors.push(field(&path, "must be a conversation id", item.clone())),
            Some((_, None)) => errors.push(field(&path, "conversation not found", item.clone())),
            Some((cid, Some(c))) if c.mailbox_id != w.mailbox_id => errors.push(field(
                &path,
                &format!("conversation is not in the workflow's mailbox {}", w.mailbox_id),
                json!(cid),
            )),
            Some((cid, Some(_))) => {
                if !ids.contains(&cid) {
                    ids.push(cid);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    for cid in ids {
        apply(state, &w, cid, req);
    }
    Ok(hal::no_content())
}

fn apply(state: &mut State, w: &Workflow, cid: u64, req: &Req) {
    let now = req.now;
    let mut tag_ids = Vec::new();
    for action in &w.actions {
        if let Action::AddTag(name) = action {
            tag_ids.push(state.ensure_tag(name, now));
        }
    }
    let line_id = state.new_thread_id();
    let replies = w.actions.iter().any(|a| matches!(a, Action::Reply(_)));
    let reply_id = if replies { state.new_thread_id() } else { 0 };
    let customer_email = state
        .conversations
        .get(&cid)
        .and_then(|c| state.customers.get(&c.customer_id))
        .and_then(|c| c.email().map(str::to_string));
    let by = Actor::User(req.user_id);
    let Some(conv) = state.conversations.get_mut(&cid) else {
        return;
    };
    let mut emailed = None;
    for action in &w.actions {
        match action {
            Action::AddTag(_) => {}
            Action::SetStatus(status) => {
                conv.status = (*status).to_string();
                if *status == "closed" {
                    conv.closed_by = Some(req.user_id);
                    conv.closed_at = Some(now);
                }
            }
            Action::AssignTo(actor) => conv.assignee = Some(*actor),
            Action::Reply(body) => {
                // A full conversation cannot take another thread (catalogue 4.7).
                if conv.threads.len() >= MAX_THREADS {
                    continue;
                }
                let mut t = thread_defaults(reply_id, "reply", by, now);
                t.body = (*body).to_string();
                t.customer_id = Some(conv.customer_id);
                t.status = conv.status.clone();
                t.to = customer_email.clone().into_iter().collect();
                conv.threads.push(t);
                emailed = Some(reply_id);
            }
        }
    }
    for tag in tag_ids {
        if !conv.tag_ids.contains(&tag) {
            conv.tag_ids.push(tag);
        }
    }
    let mut line = thread_defaults(line_id, "lineitem", by, now);
    line.action = Some(("manual-workflow".into(), format!("Workflow \"{}\" was run", w.name)));
    line.status = "nochange".into();
    conv.threads.push(line);
    conv.modified_at = now;
    conv.user_updated_at = now;
    if let Some(thread_id) = emailed {
        state.sent_emails.push(SentEmail {
            conversation_id: cid,
            thread_id,
            to: customer_email.into_iter().collect(),
            cc: Vec::new(),
            bcc: Vec::new(),
            via: "workflow".into(),
        });
    }
}
