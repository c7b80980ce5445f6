//! Conversations (catalogue 3 conversations, inbox-v3 conversations, 4.6, 4.7).

use serde_json::{json, Value};

use crate::hal::{self, ApiError, ApiResult, FieldError, CONVERSATION_PAGE_SIZE};
use crate::query::{self, Searchable};
use crate::render;
use crate::routes::attachments::parse_attachment;
use crate::routes::threads::{record_sent, thread_defaults};
use crate::routes::{id, Req};
use crate::state::{Actor, Conversation, Customer, Entry, Snooze, State, Time, MAX_THREADS};
use crate::text::html_to_text;
use crate::validate::{looks_like_email, parse_time, truncate_value, Obj};

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "conversations"]) => list(state, req),
        ("POST", ["v2", "conversations"]) => create(state, req),
        ("GET", [v @ ("v2" | "v3"), "conversations", cid]) => get(state, req, v, cid),
        ("PATCH", ["v2", "conversations", cid]) => patch(state, req, cid),
        ("DELETE", ["v2", "conversations", cid]) => delete(state, cid),
        ("PUT", ["v2", "conversations", cid, "tags"]) => put_tags(state, req, cid),
        ("PUT", ["v2", "conversations", cid, "fields"]) => put_fields(state, req, cid),
        ("PUT", ["v2", "conversations", cid, "snooze"]) => snooze(state, req, cid),
        ("DELETE", ["v2", "conversations", cid, "snooze"]) => unsnooze(state, req, cid),
        _ => return None,
    };
    Some(r)
}

/// A conversation that may be written to. Merged-away ids are 404 for every
/// call except GET (catalogue 4.7).
pub(crate) fn writable<'a>(state: &'a mut State, seg: &str) -> ApiResult<&'a mut Conversation> {
    let cid = id(seg)?;
    state.conversations.get_mut(&cid).ok_or_else(ApiError::not_found)
}

/// `embed` accepts only `threads`.
fn embed_threads(req: &Req) -> ApiResult<bool> {
    match req.q("embed") {
        None | Some("") => Ok(false),
        Some("threads") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            "embed",
            "allowed values are: threads",
            Value::String(other.to_string()),
        )),
    }
}

fn get(state: &State, req: &Req, version: &str, seg: &str) -> ApiResult {
    let cid = id(seg)?;
    if let Some(target) = state.merged.get(&cid) {
        // Merged conversations answer 301 to the survivor (catalogue 4.7).
        let location = req.url(&format!("/{version}/conversations/{target}"));
        return Ok(hal::response(
            301,
            None,
            &[("Location", location)],
            axum::body::Body::empty(),
        ));
    }
    let conv = state.conversations.get(&cid).ok_or_else(ApiError::not_found)?;
    let embed = embed_threads(req)?;
    Ok(hal::hal(&render::conversation(
        state,
        conv,
        &req.base,
        version == "v3",
        embed,
    )))
}

// ---------------------------------------------------------------- listing

fn comma_ids(req: &Req, key: &str) -> ApiResult<Option<Vec<u64>>> {
    let Some(raw) = req.q(key).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    raw.split(',')
        .map(|s| s.trim().parse::<u64>())
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
        .map_err(|_| {
            ApiError::invalid(
                key,
                "must be a number or a comma separated list of numbers",
                Value::String(raw.into()),
            )
        })
}

fn one_id(req: &Req, key: &str) -> ApiResult<Option<u64>> {
    match req.q(key).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => raw
            .parse::<u64>()
            .map(Some)
            .map_err(|_| ApiError::invalid(key, "must be a number", Value::String(raw.into()))),
    }
}

/// `modifiedSince`: ISO-8601 UTC without milliseconds; Help Scout rejects
/// fractional seconds (catalogue 4.10).
pub(crate) fn modified_since(req: &Req) -> ApiResult<Option<Time>> {
    let Some(raw) = req.q("modifiedSince").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = |msg: &str| ApiError::invalid("modifiedSince", msg, Value::String(raw.into()));
    if raw.contains('.') {
        return Err(bad("milliseconds are not supported, use yyyy-MM-dd'T'HH:mm:ss'Z'"));
    }
    parse_time(raw)
        .map(Some)
        .ok_or_else(|| bad("must be an ISO 8601 date-time like 2024-01-15T10:30:00Z"))
}

struct ConvSearch<'a> {
    state: &'a State,
    conv: &'a Conversation,
}

impl ConvSearch<'_> {
    fn customer(&self) -> Option<&Customer> {
        self.state.customers.get(&self.conv.customer_id)
    }

    fn customer_emails(&self) -> Vec<String> {
        let mut ids = vec![self.conv.customer_id];
        ids.extend(self.conv.threads.iter().filter_map(|t| t.customer_id));
        ids.iter()
            .filter_map(|cid| self.state.customers.get(cid))
            .flat_map(|c| c.emails.iter().map(|e| e.value.to_lowercase()))
            .collect()
    }
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

impl Searchable for ConvSearch<'_> {
    fn matches(&self, field: Option<&str>, value: &str) -> bool {
        let conv = self.conv;
        let v = value.trim();
        match field.map(str::to_ascii_lowercase).as_deref() {
            None => {
                contains_ci(&conv.subject, v)
                    || conv.threads.iter().any(|t| contains_ci(&html_to_text(&t.body), v))
                    || self.customer().is_some_and(|c| {
                        contains_ci(&c.full_name(), v) || c.emails.iter().any(|e| contains_ci(&e.value, v))
                    })
                    || conv.number.to_string() == v
            }
            Some("subject") => contains_ci(&conv.subject, v),
            Some("body") => conv.threads.iter().any(|t| contains_ci(&html_to_text(&t.body), v)),
            Some("tag") => conv
                .tag_ids
                .iter()
                .any(|tid| self.state.tags.get(tid).is_some_and(|t| t.name.eq_ignore_ascii_case(v))),
            Some("email") | Some("customeremail") => self.customer_emails().contains(&v.to_lowercase()),
            Some("emaildomain") => {
                let domain = format!("@{}", v.trim_start_matches('@').to_lowercase());
                self.customer_emails().iter().any(|e| e.ends_with(&domain))
            }
            Some("customerids") | Some("customerid") => v
                .split(',')
                .filter_map(|s| s.trim().parse::<u64>().ok())
                .any(|cid| cid == conv.customer_id),
            Some("firstname") => self.customer().is_some_and(|c| contains_ci(&c.first, v)),
            Some("lastname") => self.customer().is_some_and(|c| contains_ci(&c.last, v)),
            Some("customername") => self.customer().is_some_and(|c| contains_ci(&c.full_name(), v)),
            Some("number") => conv.number.to_string() == v,
            Some("id") => conv.id.to_string() == v,
            Some("status") => conv.status.eq_ignore_ascii_case(v),
            Some("mailboxid") | Some("mailbox") => conv.mailbox_id.to_string() == v,
            Some("assigned") | Some("assignedto") | Some("assignee") => match conv.assignee {
                Some(Actor::User(u) | Actor::Team(u) | Actor::SystemUser(u)) => u.to_string() == v,
                _ => v.eq_ignore_ascii_case("unassigned") || v == "0",
            },
            Some("type") => conv.kind.eq_ignore_ascii_case(v),
            _ => false,
        }
    }

    fn in_range(&self, field: &str, from: Option<&str>, to: Option<&str>) -> bool {
        let t = match field.to_ascii_lowercase().as_str() {
            "modifiedat" => self.conv.modified_at,
            "createdat" => self.conv.created_at,
            "closedat" => match self.conv.closed_at {
                Some(t) => t,
                None => return false,
            },
            "number" => {
                let n = self.conv.number;
                let lo = from.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
                let hi = to.and_then(|s| s.parse::<u64>().ok()).unwrap_or(u64::MAX);
                return (lo..=hi).contains(&n);
            }
            _ => return false,
        };
        let lo_ok = from.and_then(parse_time).is_none_or(|lo| t >= lo);
        let hi_ok = to.and_then(parse_time).is_none_or(|hi| t <= hi);
        lo_ok && hi_ok
    }
}

fn list(state: &State, req: &Req) -> ApiResult {
    let status = req.q("status").filter(|s| !s.is_empty()).unwrap_or("active");
    // Only active conversations unless asked otherwise (catalogue 4.7).
    let statuses: &[&str] = match status {
        "active" => &["active"],
        "pending" => &["pending"],
        "closed" => &["closed"],
        "spam" => &["spam"],
        "open" => &["active", "pending"],
        "all" => &["active", "pending", "closed", "spam"],
        other => {
            return Err(ApiError::invalid(
                "status",
                "allowed values are: active, pending, closed, spam, open, all",
                Value::String(other.into()),
            ))
        }
    };
    let mailboxes = comma_ids(req, "mailbox")?;
    let folder = one_id(req, "folder")?;
    let assigned_to = one_id(req, "assigned_to")?;
    let number = one_id(req, "number")?;
    let since = modified_since(req)?;
    let tags: Option<Vec<String>> = req
        .q("tag")
        .filter(|s| !s.is_empty())
        .map(|raw| raw.split(',').map(|t| t.trim().to_lowercase()).collect());
    let search = match req.q("query").filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(raw) => Some(query::parse(raw).map_err(|e| {
            ApiError::invalid(
                "query",
                &format!("invalid search query: {e}"),
                Value::String(raw.into()),
            )
        })?),
    };
    let field_filter = custom_field_filter(req)?;
    let sort_field = req.q("sortField").filter(|s| !s.is_empty()).unwrap_or("createdAt");
    let known_sorts = [
        "createdAt",
        "modifiedAt",
        "number",
        "status",
        "subject",
        "customerName",
        "customerEmail",
        "mailboxid",
        "score",
        "waitingSince",
    ];
    if !known_sorts.contains(&sort_field) {
        return Err(ApiError::invalid(
            "sortField",
            &format!("allowed values are: {}", known_sorts.join(", ")),
            Value::String(sort_field.into()),
        ));
    }
    let descending = match req.q("sortOrder").filter(|s| !s.is_empty()).unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        other => {
            return Err(ApiError::invalid(
                "sortOrder",
                "allowed values are: asc, desc",
                Value::String(other.into()),
            ))
        }
    };
    let embed = embed_threads(req)?;

    let mut hits: Vec<&Conversation> = state
        .conversations
        .values()
        .filter(|c| statuses.contains(&c.status.as_str()))
        .filter(|c| mailboxes.as_ref().is_none_or(|m| m.contains(&c.mailbox_id)))
        .filter(|c| folder.is_none_or(|f| state.folder_of(c) == f))
        .filter(|c| {
            assigned_to.is_none_or(
                |u| matches!(c.assignee, Some(Actor::User(a) | Actor::Team(a) | Actor::SystemUser(a)) if a == u),
            )
        })
        .filter(|c| number.is_none_or(|n| c.number == n))
        .filter(|c| since.is_none_or(|s| c.modified_at >= s))
        .filter(|c| {
            tags.as_ref().is_none_or(|wanted| {
                c.tag_ids.iter().any(|tid| {
                    state
                        .tags
                        .get(tid)
                        .is_some_and(|t| wanted.iter().any(|w| t.name.eq_ignore_ascii_case(w)))
                })
            })
        })
        .filter(|c| {
            field_filter.iter().all(|(fid, value)| {
                c.custom_fields
                    .iter()
                    .any(|(id, v)| id == fid && field_value_matches(state, c, *fid, v, value))
            })
        })
        .filter(|c| search.as_ref().is_none_or(|e| e.eval(&ConvSearch { state, conv: c })))
        .collect();

    let customer = |c: &Conversation| state.customers.get(&c.customer_id);
    hits.sort_by(|a, b| {
        let ord = match sort_field {
            "modifiedAt" => a.modified_at.cmp(&b.modified_at),
            "number" => a.number.cmp(&b.number),
            "status" => a.status.cmp(&b.status),
            "subject" => a.subject.to_lowercase().cmp(&b.subject.to_lowercase()),
            "customerName" => {
                let name = |c| customer(c).map(|c| c.full_name().to_lowercase()).unwrap_or_default();
                name(a).cmp(&name(b))
            }
            "customerEmail" => {
                let email = |c| {
                    customer(c)
                        .and_then(|c| c.email().map(str::to_lowercase))
                        .unwrap_or_default()
                };
                email(a).cmp(&email(b))
            }
            "mailboxid" => a.mailbox_id.cmp(&b.mailbox_id),
            _ => a.created_at.cmp(&b.created_at),
        }
        .then(a.id.cmp(&b.id));
        if descending {
            ord.reverse()
        } else {
            ord
        }
    });
    let items: Vec<Value> = hits
        .iter()
        .map(|c| render::conversation(state, c, &req.base, false, embed))
        .collect();
    hal::paged(req, "conversations", items, CONVERSATION_PAGE_SIZE)
}

/// `customFieldsByIds=fieldId:value,fieldId:value` (catalogue 3).
fn custom_field_filter(req: &Req) -> ApiResult<Vec<(u64, String)>> {
    let Some(raw) = req.q("customFieldsByIds").filter(|s| !s.is_empty()) else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|pair| {
            let (fid, value) = pair.split_once(':').ok_or(())?;
            let fid = fid.trim().parse::<u64>().map_err(|_| ())?;
            Ok((fid, value.trim().to_string()))
        })
        .collect::<Result<Vec<_>, ()>>()
        .map_err(|_| {
            ApiError::invalid(
                "customFieldsByIds",
                "expected fieldId:value pairs separated by commas",
                Value::String(raw.into()),
            )
        })
}

/// A stored value matches a filter value by raw value or (dropdowns) label.
fn field_value_matches(state: &State, conv: &Conversation, fid: u64, stored: &str, wanted: &str) -> bool {
    if stored.eq_ignore_ascii_case(wanted) {
        return true;
    }
    state
        .mailboxes
        .get(&conv.mailbox_id)
        .and_then(|m| m.fields.iter().find(|f| f.id == fid))
        .and_then(|f| f.options.iter().find(|o| o.id.to_string() == stored))
        .is_some_and(|o| o.label.eq_ignore_ascii_case(wanted))
}

// ---------------------------------------------------------------- create

/// A customer named by `{id}` or by `{email, firstName, lastName, ...}`; an
/// unknown email creates the customer (catalogue 3 create_conversation).
pub(crate) fn resolve_customer(
    state: &mut State,
    obj: &mut Obj<'_>,
    key: &str,
    now: Time,
    required: bool,
) -> Option<u64> {
    let Some(value) = obj.get(key) else {
        if required {
            obj.error(key, "may not be null", Value::Null);
        }
        return None;
    };
    let Some(mut c) = Obj::nested(value, obj.path(key)) else {
        obj.error(key, "must be an object with an id or an email", truncate_value(value));
        return None;
    };
    let resolved = if c.get("id").is_some() {
        match c.opt_u64("id") {
            Some(cid) if state.customers.contains_key(&cid) => Some(cid),
            Some(cid) => {
                c.error("id", "customer not found", json!(cid));
                None
            }
            None => None,
        }
    } else if let Some(email) = c.opt_str("email") {
        if !looks_like_email(&email) {
            c.error("email", "not a well-formed email address", Value::String(email));
            None
        } else if let Some(existing) = state.customer_by_email(&email) {
            Some(existing.id)
        } else {
            let first = c.opt_str("firstName").unwrap_or_default();
            let last = c.opt_str("lastName").unwrap_or_default();
            let phone = c.opt_str("phone");
            (!c.has_errors()).then(|| create_customer(state, &email, &first, &last, phone, now))
        }
    } else {
        c.error("id", "a customer id or email is required", Value::Null);
        None
    };
    obj.absorb(c);
    resolved
}

fn create_customer(state: &mut State, email: &str, first: &str, last: &str, phone: Option<String>, now: Time) -> u64 {
    let cid = state.new_customer_id();
    let email_entry = Entry {
        id: state.new_entry_id(),
        kind: "work".into(),
        value: email.to_string(),
    };
    let phones = phone
        .map(|p| {
            vec![Entry {
                id: state.new_entry_id(),
                kind: "work".into(),
                value: p,
            }]
        })
        .unwrap_or_default();
    state.customers.insert(
        cid,
        Customer {
            id: cid,
            first: first.to_string(),
            last: last.to_string(),
            gender: "unknown".into(),
            job_title: String::new(),
            location: String::new(),
            organization: String::new(),
            photo_type: "unknown".into(),
            photo_url: String::new(),
            background: String::new(),
            age: String::new(),
            created_at: now,
            updated_at: now,
            emails: vec![email_entry],
            phones,
            chats: Vec::new(),
            social_profiles: Vec::new(),
            websites: Vec::new(),
            address: None,
        },
    );
    cid
}

/// Default assignment when `assignTo` is omitted: the least-loaded eligible
/// user of an enabled routing config, else nobody (catalogue 4.7).
fn default_assignee(state: &State, mailbox_id: u64) -> Option<Actor> {
    let routing = &state.mailboxes.get(&mailbox_id)?.routing;
    if !routing.enabled {
        return None;
    }
    routing
        .user_ids
        .iter()
        .filter(|u| state.user_statuses.get(u).is_none_or(|s| s.email_status == "active"))
        .map(|u| {
            let load = state
                .conversations
                .values()
                .filter(|c| c.mailbox_id == mailbox_id && c.status == "active")
                .filter(|c| c.assignee == Some(Actor::User(*u)))
                .count();
            (load, *u)
        })
        .filter(|(load, _)| *load < routing.assignment_limit as usize)
        .min()
        .map(|(_, u)| Actor::User(u))
}

struct ThreadSpec {
    kind: String,
    text: String,
    customer_id: Option<u64>,
    user: Option<u64>,
    draft: bool,
    imported: bool,
    created_at: Option<Time>,
    cc: Vec<String>,
    bcc: Vec<String>,
    attachments: Vec<crate::state::Attachment>,
}

fn create(state: &mut State, req: &Req) -> ApiResult {
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    let now = req.now;
    // Thread cap first: more than 100 threads is a 412 (catalogue 4.7).
    if let Some(Value::Array(threads)) = o.get("threads") {
        if threads.len() > MAX_THREADS {
            return Err(ApiError::new(412, "A conversation cannot have more than 100 threads"));
        }
    }
    let subject = o.req_str("subject");
    let mailbox_id = o.req_u64("mailboxId");
    if let Some(mid) = mailbox_id {
        if !state.mailboxes.contains_key(&mid) {
            o.error("mailboxId", "mailbox not found", json!(mid));
        }
    }
    let kind = o.opt_str("type").unwrap_or_else(|| "email".into());
    if !["email", "chat", "phone"].contains(&kind.as_str()) {
        o.error(
            "type",
            "allowed values are: email, chat, phone",
            Value::String(kind.clone()),
        );
    }
    let status = o.opt_str("status").unwrap_or_else(|| "active".into());
    if !["active", "pending", "closed"].contains(&status.as_str()) {
        o.error(
            "status",
            "allowed values are: active, pending, closed",
            Value::String(status.clone()),
        );
    }
    let imported = o.opt_bool("imported").unwrap_or(false);
    let auto_reply = o.opt_bool("autoReply").unwrap_or(false);
    let created_at = o.opt_time("createdAt");
    if created_at.is_some() && !imported {
        o.error(
            "createdAt",
            "createdAt is only allowed for imported conversations",
            json!(body.get("createdAt")),
        );
    }
    let acting_user = o.opt_u64("user");
    if let Some(u) = acting_user {
        if !state.users.contains_key(&u) {
            o.error("user", "user not found", json!(u));
        }
    }
    let assign = if o.has("assignTo") {
        match o.get("assignTo") {
            None => Some(None),
            Some(v) => match v.as_u64() {
                Some(u) if u > 1 => match state.assignable(u) {
                    Some(actor) => Some(Some(actor)),
                    None => {
                        o.error("assignTo", "user not found", json!(u));
                        None
                    }
                },
                _ => {
                    o.error("assignTo", "must be a user id greater than 1", v.clone());
                    None
                }
            },
        }
    } else {
        None
    };
    let tag_names = o.opt_str_list("tags");
    let customer_id = resolve_customer(state, &mut o, "customer", now, true);
    let mut field_values: Vec<(u64, String)> = Vec::new();
    if let (Some(v), Some(mid)) = (o.get("fields"), mailbox_id) {
        match parse_fields(state, mid, v, "fields") {
            Ok(f) => field_values = f,
            Err(errors) => errors
                .into_iter()
                .for_each(|e| o.error(&e.path, &e.message, e.rejected)),
        }
    }

    let mut specs: Vec<ThreadSpec> = Vec::new();
    match o.get("threads") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                let prefix = format!("threads[{i}]");
                let Some(mut t) = Obj::nested(item, prefix.clone()) else {
                    o.error(&prefix, "must be an object", truncate_value(item));
                    continue;
                };
                let tkind = t.req_str("type").unwrap_or_default();
                if !tkind.is_empty() && !["customer", "reply", "note", "chat", "phone"].contains(&tkind.as_str()) {
                    t.error(
                        "type",
                        "allowed values are: customer, reply, note, chat, phone",
                        Value::String(tkind.clone()),
                    );
                }
                let text = t.req_str("text").unwrap_or_default();
                let tcustomer = resolve_customer(state, &mut t, "customer", now, false);
                let draft = t.opt_bool("draft").unwrap_or(false);
                if draft && tkind != "reply" {
                    t.error("draft", "only reply threads can be drafts", Value::Bool(true));
                }
                let timported = t.opt_bool("imported").unwrap_or(false) || imported;
                let tcreated = t.opt_time("createdAt");
                if tcreated.is_some() && !timported {
                    t.error(
                        "createdAt",
                        "createdAt is only allowed for imported threads",
                        json!(item.get("createdAt")),
                    );
                }
                let user = t.opt_u64("user");
                if let Some(u) = user {
                    if !state.users.contains_key(&u) {
                        t.error("user", "user not found", json!(u));
                    }
                }
                let cc = t.opt_email_list("cc");
                let bcc = t.opt_email_list("bcc");
                let mut attachments = Vec::new();
                if let Some(Value::Array(list)) = t.get("attachments") {
                    for (j, a) in list.iter().enumerate() {
                        match parse_attachment(state, a, &format!("{prefix}.attachments[{j}]")) {
                            Ok(att) => attachments.push(att),
                            Err(e) => return Err(e),
                        }
                    }
                }
                o.absorb(t);
                specs.push(ThreadSpec {
                    kind: tkind,
                    text,
                    customer_id: tcustomer,
                    user,
                    draft,
                    imported: timported,
                    created_at: tcreated,
                    cc,
                    bcc,
                    attachments,
                });
            }
        }
        Some(Value::Array(_)) => o.error("threads", "size must be between 1 and 100", json!([])),
        Some(other) => o.error("threads", "must be an array", truncate_value(other)),
        None => o.error("threads", "may not be empty", Value::Null),
    }
    o.finish()?;
    let (Some(subject), Some(mailbox_id), Some(customer_id)) = (subject, mailbox_id, customer_id) else {
        return Err(ApiError::validation(Vec::new()));
    };

    let user = acting_user.unwrap_or(req.user_id);
    let cid = state.alloc("conversation", 2_000_100);
    let number = state.alloc("number", 1_100);
    let customer_email: Vec<String> = state
        .customers
        .get(&customer_id)
        .and_then(|c| c.email().map(str::to_string))
        .into_iter()
        .collect();
    let start = created_at.unwrap_or(now);
    let mut threads = Vec::new();
    let mut sends = Vec::new();
    for (i, spec) in specs.into_iter().enumerate() {
        let tid = state.new_thread_id();
        let by_customer = matches!(spec.kind.as_str(), "customer" | "chat");
        let thread_customer = spec.customer_id.unwrap_or(customer_id);
        let created_by = if by_customer {
            Actor::Customer(thread_customer)
        } else {
            Actor::User(spec.user.unwrap_or(user))
        };
        let mut t = thread_defaults(
            tid,
            &spec.kind,
            created_by,
            spec.created_at.unwrap_or(start + chrono::Duration::seconds(i as i64)),
        );
        t.status = status.clone();
        t.state = if spec.draft { "draft".into() } else { "published".into() };
        t.body = spec.text;
        t.customer_id = Some(thread_customer);
        t.cc = spec.cc;
        t.bcc = spec.bcc;
        t.imported = spec.imported;
        t.attachments = spec.attachments;
        if spec.kind == "reply" {
            t.to = customer_email.clone();
            if !spec.draft && !spec.imported {
                sends.push(tid);
            }
        }
        threads.push(t);
    }
    let draft = threads.iter().any(|t| t.kind == "reply" && t.state == "draft");
    let created_by = threads.first().map(|t| t.created_by).unwrap_or(Actor::User(user));
    let assignee = match assign {
        Some(explicit) => explicit,
        None => default_assignee(state, mailbox_id),
    };
    let tag_ids: Vec<u64> = dedup(tag_names.iter().map(|n| state.ensure_tag(n, now)).collect());
    let conv = Conversation {
        id: cid,
        number,
        kind,
        status: status.clone(),
        draft,
        subject,
        mailbox_id,
        assignee,
        created_by,
        created_at: start,
        closed_by: (status == "closed").then_some(user),
        closed_at: (status == "closed").then_some(now),
        user_updated_at: now,
        modified_at: now,
        source_type: "api".into(),
        source_via: if matches!(created_by, Actor::Customer(_)) {
            "customer".into()
        } else {
            "user".into()
        },
        tag_ids,
        cc: threads.first().map(|t| t.cc.clone()).unwrap_or_default(),
        bcc: threads.first().map(|t| t.bcc.clone()).unwrap_or_default(),
        customer_id,
        custom_fields: field_values,
        snooze: None,
        threads,
    };
    state.conversations.insert(cid, conv);
    for tid in sends {
        record_sent(state, cid, tid, "conversation_created");
    }
    if auto_reply && !imported {
        state.sent_emails.push(crate::SentEmail {
            conversation_id: cid,
            thread_id: 0,
            to: customer_email,
            cc: Vec::new(),
            bcc: Vec::new(),
            via: "auto_reply".into(),
        });
    }
    Ok(hal::created(req.url(&format!("/v2/conversations/{cid}")), cid))
}

fn dedup(ids: Vec<u64>) -> Vec<u64> {
    let mut out = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Validate `[{id, value}]` custom field values against a mailbox's fields.
/// An empty/null value clears the field.
fn parse_fields(
    state: &State,
    mailbox_id: u64,
    value: &Value,
    path: &str,
) -> Result<Vec<(u64, String)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let err = |errors: &mut Vec<FieldError>, p: String, m: &str, v: Value| {
        errors.push(FieldError {
            path: p,
            message: m.to_string(),
            rejected: v,
        })
    };
    let Some(items) = value.as_array() else {
        err(&mut errors, path.to_string(), "must be an array", truncate_value(value));
        return Err(errors);
    };
    let fields = state
        .mailboxes
        .get(&mailbox_id)
        .map(|m| m.fields.clone())
        .unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Some(fid) = item.get("id").and_then(Value::as_u64) else {
            err(
                &mut errors,
                format!("{p}.id"),
                "may not be null",
                item.get("id").cloned().unwrap_or(Value::Null),
            );
            continue;
        };
        let Some(field) = fields.iter().find(|f| f.id == fid) else {
            err(
                &mut errors,
                format!("{p}.id"),
                "custom field not found in this inbox",
                json!(fid),
            );
            continue;
        };
        let raw = match item.get("value") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(other) => {
                err(
                    &mut errors,
                    format!("{p}.value"),
                    "must be a string or a number",
                    truncate_value(other),
                );
                continue;
            }
        };
        if raw.is_empty() {
            out.push((fid, raw));
            continue;
        }
        let ok = match field.kind.as_str() {
            "dropdown" => field.options.iter().any(|o| o.id.to_string() == raw),
            "number" => raw.parse::<f64>().is_ok(),
            "date" => chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d").is_ok(),
            "single_line" => raw.chars().count() <= 255,
            _ => true,
        };
        if !ok {
            let msg = match field.kind.as_str() {
                "dropdown" => "must be the id of one of the field's options",
                "number" => "must be a number",
                "date" => "must be a date like 2024-01-31",
                _ => "size must be at most 255",
            };
            err(&mut errors, format!("{p}.value"), msg, Value::String(raw));
            continue;
        }
        out.push((fid, raw));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------- updates

fn single_patch(body: &Value) -> ApiResult<(String, String, Option<Value>)> {
    if body.is_array() {
        // The conversation PATCH body is ONE object, not a JSON Patch array
        // (catalogue 4.6; contrast customers).
        return Err(ApiError::invalid(
            "",
            "must be a single patch operation object {op, path, value}, not an array",
            Value::String("[...]".into()),
        ));
    }
    let mut o = Obj::new(body, "")?;
    let op = o.req_str("op");
    let path = o.req_str("path");
    o.finish()?;
    match (op, path) {
        (Some(op), Some(path)) => Ok((op, path, body.get("value").cloned())),
        _ => Err(ApiError::validation(Vec::new())),
    }
}

pub(crate) fn touch(conv: &mut Conversation, now: Time) {
    conv.modified_at = now;
    conv.user_updated_at = now;
}

pub(crate) fn set_status(conv: &mut Conversation, status: &str, user: u64, now: Time) {
    if status == "closed" && conv.status != "closed" {
        conv.closed_by = Some(user);
        conv.closed_at = Some(now);
    } else if status != "closed" {
        conv.closed_by = None;
        conv.closed_at = None;
    }
    conv.status = status.to_string();
}

fn patch(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    writable(state, seg)?;
    let cid = id(seg)?;
    let body = req.json()?;
    let (op, path, value) = single_patch(&body)?;
    let now = req.now;
    let bad_value = |msg: &str| ApiError::invalid("value", msg, value.clone().unwrap_or(Value::Null));
    match (op.as_str(), path.as_str()) {
        ("replace", "/subject") => {
            let subject = value
                .as_ref()
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| bad_value("may not be empty"))?
                .to_string();
            let conv = writable(state, seg)?;
            conv.subject = subject;
            touch(conv, now);
        }
        ("replace", "/primaryCustomer.id") => {
            let customer = value
                .as_ref()
                .and_then(Value::as_u64)
                .ok_or_else(|| bad_value("must be a customer id"))?;
            if !state.customers.contains_key(&customer) {
                return Err(bad_value("customer not found"));
            }
            let conv = writable(state, seg)?;
            conv.customer_id = customer;
            touch(conv, now);
        }
        ("replace", "/draft") => {
            let draft = value
                .as_ref()
                .and_then(Value::as_bool)
                .ok_or_else(|| bad_value("must be a boolean"))?;
            let conv = writable(state, seg)?;
            if draft && !conv.draft {
                return Err(bad_value("a published conversation cannot become a draft again"));
            }
            if !draft && conv.draft {
                publish_draft(state, cid, now);
            }
        }
        ("move", "/mailboxId") => {
            let mailbox = value
                .as_ref()
                .and_then(Value::as_u64)
                .ok_or_else(|| bad_value("must be a mailbox id"))?;
            if !state.mailboxes.contains_key(&mailbox) {
                return Err(bad_value("mailbox not found"));
            }
            let conv = writable(state, seg)?;
            if conv.mailbox_id != mailbox {
                conv.mailbox_id = mailbox;
                // Custom fields belong to an inbox; they do not travel.
                conv.custom_fields.clear();
            }
            touch(conv, now);
        }
        ("replace", "/status") => {
            let status = value
                .as_ref()
                .and_then(Value::as_str)
                .filter(|s| ["active", "pending", "closed", "spam"].contains(s))
                .ok_or_else(|| bad_value("allowed values are: active, pending, closed, spam"))?
                .to_string();
            let conv = writable(state, seg)?;
            set_status(conv, &status, req.user_id, now);
            touch(conv, now);
        }
        ("replace", "/assignTo") => {
            let actor = value
                .as_ref()
                .and_then(Value::as_u64)
                .and_then(|u| state.assignable(u))
                .ok_or_else(|| bad_value("must be the id of a user or team"))?;
            let conv = writable(state, seg)?;
            conv.assignee = Some(actor);
            touch(conv, now);
        }
        ("remove", "/assignTo") => {
            let conv = writable(state, seg)?;
            conv.assignee = None;
            touch(conv, now);
        }
        (_, "/subject" | "/primaryCustomer.id" | "/draft" | "/mailboxId" | "/status" | "/assignTo") => {
            return Err(ApiError::invalid(
                "op",
                &format!("operation '{op}' is not supported for path '{path}'"),
                Value::String(op.clone()),
            ));
        }
        _ => {
            return Err(ApiError::invalid(
                "path",
                "allowed paths are: /subject, /primaryCustomer.id, /draft, /mailboxId, /status, /assignTo",
                Value::String(path.clone()),
            ));
        }
    }
    Ok(hal::no_content())
}

/// Publishing a draft conversation sends its draft replies (catalogue 3:
/// "publish draft -> SENDS").
fn publish_draft(state: &mut State, cid: u64, now: Time) {
    let mut sent = Vec::new();
    if let Some(conv) = state.conversations.get_mut(&cid) {
        conv.draft = false;
        for t in conv
            .threads
            .iter_mut()
            .filter(|t| t.kind == "reply" && t.state == "draft")
        {
            t.state = "published".into();
            t.scheduled = None;
            sent.push(t.id);
        }
        touch(conv, now);
    }
    for tid in sent {
        record_sent(state, cid, tid, "draft_published");
    }
}

fn delete(state: &mut State, seg: &str) -> ApiResult {
    writable(state, seg)?;
    let cid = id(seg)?;
    state.conversations.remove(&cid);
    state.merged.retain(|_, target| *target != cid);
    Ok(hal::no_content())
}

fn put_tags(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    writable(state, seg)?;
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    if o.get("tags").is_none() {
        o.error("tags", "may not be null", Value::Null);
    }
    let names = o.opt_str_list("tags");
    o.finish()?;
    let now = req.now;
    // Full replacement; unknown names are created (catalogue 3, 4.7).
    let ids = dedup(
        names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| state.ensure_tag(n, now))
            .collect(),
    );
    let conv = writable(state, seg)?;
    conv.tag_ids = ids;
    touch(conv, now);
    Ok(hal::no_content())
}

fn put_fields(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let mailbox_id = writable(state, seg)?.mailbox_id;
    let body = req.json()?;
    let o = Obj::new(&body, "")?;
    let Some(value) = o.get("fields") else {
        return Err(ApiError::invalid("fields", "may not be null", Value::Null));
    };
    let values = parse_fields(state, mailbox_id, value, "fields").map_err(ApiError::validation)?;
    let now = req.now;
    let conv = writable(state, seg)?;
    // Values sent replace those fields; omitted fields are kept (whether
    // Help Scout clears them is unconfirmed, catalogue 3).
    for (fid, v) in values {
        conv.custom_fields.retain(|(id, _)| *id != fid);
        if !v.is_empty() {
            conv.custom_fields.push((fid, v));
        }
    }
    conv.custom_fields.sort_by_key(|a| a.0);
    touch(conv, now);
    Ok(hal::no_content())
}

fn snooze(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    writable(state, seg)?;
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    let until = o.req_future_time("snoozedUntil", req.now);
    let unsnooze = o.req_bool("unsnoozeOnCustomerReply");
    o.finish()?;
    let (Some(until), Some(unsnooze)) = (until, unsnooze) else {
        return Err(ApiError::validation(Vec::new()));
    };
    let conv = writable(state, seg)?;
    // Each call overrides the previous snooze (catalogue 3).
    conv.snooze = Some(Snooze {
        by: req.user_id,
        until,
        unsnooze_on_customer_reply: unsnooze,
    });
    touch(conv, req.now);
    Ok(hal::no_content())
}

fn unsnooze(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let conv = writable(state, seg)?;
    if conv.snooze.take().is_some() && conv.status != "active" && conv.status != "spam" {
        // Unsnoozing reactivates the conversation if needed (catalogue 3).
        set_status(conv, "active", req.user_id, req.now);
    }
    touch(conv, req.now);
    Ok(hal::no_content())
}

/// Thread count guard shared with the thread routes (catalogue 4.7).
pub(crate) fn ensure_room(conv: &Conversation) -> ApiResult<()> {
    if conv.threads.len() >= MAX_THREADS {
        return Err(ApiError::new(
            412,
            "This conversation has reached the maximum of 100 threads",
        ));
    }
    Ok(())
}
