//! Users, user statuses, system users (v3) and teams (catalogue 3 users,
//! teams, system_users).

use serde_json::{json, Value};

use crate::hal::{self, href, ApiError, ApiResult, PAGE_SIZE};
use crate::routes::{id, Req};
use crate::state::{ts, CustomStatus, State, SystemUser, Team, User, UserStatus};
use crate::validate::Obj;

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "users"]) => list(state, req),
        ("GET", ["v2", "users", "me"]) => me(state, req),
        ("GET", ["v2", "users", "status"]) => list_statuses(state, req),
        ("GET", ["v2", "users", uid]) => get(state, req, uid),
        ("GET", ["v2", "users", uid, "status"]) => get_status(state, req, uid),
        ("PUT", ["v2", "users", uid, "status"]) => set_status(state, req, uid),
        ("GET", ["v3", "system-users"]) => list_system(state, req),
        ("GET", ["v3", "system-users", sid]) => get_system(state, req, sid),
        ("GET", ["v2", "teams"]) => list_teams(state, req),
        ("GET", ["v2", "teams", tid, "members"]) => members(state, req, tid),
        _ => return None,
    };
    Some(r)
}

fn initials(first: &str, last: &str) -> String {
    first
        .chars()
        .take(1)
        .chain(last.chars().take(1))
        .collect::<String>()
        .to_uppercase()
}

pub(crate) fn user_json(u: &User, base: &str) -> Value {
    json!({
        "id": u.id,
        "firstName": u.first,
        "lastName": u.last,
        "email": u.email,
        "role": u.role,
        "timezone": u.timezone,
        "photoUrl": u.photo_url,
        "createdAt": ts(u.created_at),
        "updatedAt": ts(u.updated_at),
        "type": "user",
        "mention": u.first.to_lowercase(),
        "initials": initials(&u.first, &u.last),
        "jobTitle": u.job_title,
        "phone": u.phone,
        "alternateEmails": u.alternate_emails,
        "_links": { "self": href(format!("{base}/v2/users/{}", u.id)) },
    })
}

fn list(state: &State, req: &Req) -> ApiResult {
    let email = req.q("email").filter(|s| !s.is_empty());
    let mailbox = match req.q("mailbox").filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<u64>()
                .map_err(|_| ApiError::invalid("mailbox", "must be a number", Value::String(raw.into())))?,
        ),
    };
    // System users are not listed here; see /v3/system-users (catalogue 4.7).
    let items = state
        .users
        .values()
        .filter(|u| email.is_none_or(|e| u.email.eq_ignore_ascii_case(e)))
        .filter(|u| mailbox.is_none_or(|m| u.mailbox_ids.contains(&m)))
        .map(|u| user_json(u, &req.base))
        .collect();
    hal::paged(req, "users", items, PAGE_SIZE)
}

fn user<'a>(state: &'a State, seg: &str) -> ApiResult<&'a User> {
    let uid = id(seg)?;
    state.users.get(&uid).ok_or_else(ApiError::not_found)
}

fn get(state: &State, req: &Req, seg: &str) -> ApiResult {
    Ok(hal::hal(&user_json(user(state, seg)?, &req.base)))
}

/// The user the token acts as (the account owner for client credentials).
fn me(state: &State, req: &Req) -> ApiResult {
    let u = state.users.get(&req.user_id).ok_or_else(ApiError::not_found)?;
    Ok(hal::hal(&user_json(u, &req.base)))
}

fn status_json(state: &State, uid: u64, s: &UserStatus, base: &str) -> Value {
    let mailboxes: serde_json::Map<String, Value> = state
        .users
        .get(&uid)
        .map(|u| u.mailbox_ids.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.to_string(), json!(s.chat_status)))
        .collect();
    let mut v = json!({
        "userId": uid,
        "email": {
            "status": s.email_status,
            "updatedAt": ts(s.updated_at),
            "performedBy": s.performed_by,
            "source": s.source,
        },
        "chat": {
            "status": s.chat_status,
            "mailboxStatuses": mailboxes,
        },
        "_links": { "self": href(format!("{base}/v2/users/{uid}/status")) },
    });
    if let (Some(c), Some(obj)) = (&s.custom, v.as_object_mut()) {
        obj.insert(
            "customStatus".into(),
            json!({ "text": c.text, "emoji": c.emoji, "emojiName": c.emoji_name }),
        );
    }
    v
}

fn list_statuses(state: &State, req: &Req) -> ApiResult {
    let items = state
        .user_statuses
        .iter()
        .map(|(uid, s)| status_json(state, *uid, s, &req.base))
        .collect();
    hal::paged(req, "userStatuses", items, PAGE_SIZE)
}

fn get_status(state: &State, req: &Req, seg: &str) -> ApiResult {
    let u = user(state, seg)?;
    let s = state.user_statuses.get(&u.id).ok_or_else(ApiError::not_found)?;
    Ok(hal::hal(&status_json(state, u.id, s, &req.base)))
}

fn set_status(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let uid = user(state, seg)?.id;
    let acting_role = state
        .users
        .get(&req.user_id)
        .map(|u| u.role.clone())
        .unwrap_or_default();
    if uid != req.user_id && acting_role != "owner" && acting_role != "admin" {
        // Only admins/owners may set other users' status (catalogue 3).
        return Err(ApiError::new(403, "Not allowed to change another user's status"));
    }
    let body = req.json()?;
    let mut o = Obj::new(&body, "")?;
    let status = o.req_str("status");
    if let Some(s) = &status {
        if s != "active" && s != "away" {
            o.error("status", "allowed values are: active, away", json!(s));
        }
    }
    let custom = match o.get("customStatus") {
        None => None,
        Some(v) => match Obj::nested(v, "customStatus".into()) {
            Some(mut c) => {
                let text = c.req_str("text");
                let emoji = c.opt_str("emoji");
                let emoji_name = c.opt_str("emojiName");
                o.absorb(c);
                text.map(|text| CustomStatus {
                    text,
                    emoji,
                    emoji_name,
                })
            }
            None => {
                o.error("customStatus", "must be an object", v.clone());
                None
            }
        },
    };
    o.finish()?;
    let entry = state.user_statuses.entry(uid).or_insert_with(|| UserStatus {
        email_status: "active".into(),
        updated_at: req.now,
        performed_by: req.user_id,
        source: "api".into(),
        chat_status: "unavailable".into(),
        custom: None,
    });
    if let Some(s) = status {
        entry.email_status = s;
    }
    entry.custom = custom;
    entry.updated_at = req.now;
    entry.performed_by = req.user_id;
    entry.source = "api".into();
    Ok(hal::no_content())
}

fn system_json(s: &SystemUser, base: &str) -> Value {
    json!({
        "id": s.id,
        "type": "system_user",
        "firstName": s.first,
        "lastName": s.last,
        "initials": initials(&s.first, &s.last),
        "email": s.email,
        "mention": s.first.to_lowercase().replace(' ', ""),
        "timezone": s.timezone,
        "role": s.role,
        "photoUrl": s.photo_url,
        "createdAt": ts(s.created_at),
        "updatedAt": ts(s.updated_at),
        "_links": { "self": href(format!("{base}/v3/system-users/{}", s.id)) },
    })
}

fn list_system(state: &State, req: &Req) -> ApiResult {
    let items = state.system_users.values().map(|s| system_json(s, &req.base)).collect();
    hal::paged(req, "system_users", items, PAGE_SIZE)
}

fn get_system(state: &State, req: &Req, seg: &str) -> ApiResult {
    let sid = id(seg)?;
    let s = state.system_users.get(&sid).ok_or_else(ApiError::not_found)?;
    Ok(hal::hal(&system_json(s, &req.base)))
}

fn team_json(t: &Team, base: &str) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "timezone": t.timezone,
        "photoUrl": t.photo_url,
        "mention": t.mention,
        "createdAt": ts(t.created_at),
        "updatedAt": ts(t.updated_at),
        "_links": {
            "self": href(format!("{base}/v2/teams/{}", t.id)),
            "members": href(format!("{base}/v2/teams/{}/members", t.id)),
        },
    })
}

fn list_teams(state: &State, req: &Req) -> ApiResult {
    let items = state.teams.values().map(|t| team_json(t, &req.base)).collect();
    hal::paged(req, "teams", items, PAGE_SIZE)
}

fn members(state: &State, req: &Req, seg: &str) -> ApiResult {
    let tid = id(seg)?;
    let team = state.teams.get(&tid).ok_or_else(ApiError::not_found)?;
    let items = team
        .members
        .iter()
        .filter_map(|u| state.users.get(u))
        .map(|u| user_json(u, &req.base))
        .collect();
    hal::paged(req, "users", items, PAGE_SIZE)
}
