//! The JSON of each report endpoint. Shapes follow the official v2 report pages
//! where they show one (company, conversations, happiness, ratings, email, user
//! history, drilldowns); the rest follow the v1 report objects (catalogue 3
//! reports_*: "v2 shape not captured").

use chrono::{Months, TimeDelta};
use serde_json::{json, Map, Value};

use crate::hal::{json_resp, page_param, ApiError, ApiResult};
use crate::render::preview;
use crate::routes::reports::params::{
    number, office_hours, one_of, page_rows, required_number, Params, ViewBy, Window,
};
use crate::routes::reports::stats::{self, average, handle_time, is_reply, percent, timings, Scope, Stats};
use crate::routes::reports::RatingKind;
use crate::routes::Req;
use crate::state::{ts, Actor, Conversation, State, Time};

/// Page size of the ratings and conversation-history lists (the official
/// example shows 165 ratings on 17 pages).
const LIST_PAGE_SIZE: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Company,
    CompanyCustomersHelped,
    CompanyDrilldown,
    Conversations,
    VolumeByChannel,
    BusyTimes,
    ConversationsDrilldown,
    FieldsDrilldown,
    NewConversations,
    NewDrilldown,
    ReceivedMessages,
    Docs,
    Happiness,
    HappinessRatings,
    Productivity,
    FirstResponseTime,
    RepliesSent,
    ResolutionTime,
    Resolved,
    ResponseTime,
    User,
    UserHistory,
    UserCustomersHelped,
    UserDrilldown,
    UserHappiness,
    UserRatings,
    UserReplies,
    UserResolutions,
    UserChat,
    Chat,
    Email,
    Phone,
}

impl Endpoint {
    /// The endpoint under `/v2/reports/`; `None` is a 404.
    pub(crate) fn parse(rest: &[&str]) -> Option<Endpoint> {
        use Endpoint::*;
        Some(match rest {
            ["company"] => Company,
            ["company", "customers-helped"] => CompanyCustomersHelped,
            ["company", "drilldown"] => CompanyDrilldown,
            ["conversations"] => Conversations,
            ["conversations", "volume-by-channel"] => VolumeByChannel,
            ["conversations", "busy-times"] => BusyTimes,
            ["conversations", "drilldown"] => ConversationsDrilldown,
            ["conversations", "fields-drilldown"] => FieldsDrilldown,
            ["conversations", "new"] => NewConversations,
            ["conversations", "new-drilldown"] => NewDrilldown,
            ["conversations", "received-messages"] => ReceivedMessages,
            ["docs"] => Docs,
            ["happiness"] => Happiness,
            ["happiness", "ratings"] => HappinessRatings,
            ["productivity"] => Productivity,
            ["productivity", "first-response-time"] => FirstResponseTime,
            ["productivity", "replies-sent"] => RepliesSent,
            ["productivity", "resolution-time"] => ResolutionTime,
            ["productivity", "resolved"] => Resolved,
            ["productivity", "response-time"] => ResponseTime,
            ["user"] => User,
            ["user", "conversation-history"] => UserHistory,
            ["user", "customers-helped"] => UserCustomersHelped,
            ["user", "drilldown"] => UserDrilldown,
            ["user", "happiness"] => UserHappiness,
            ["user", "ratings"] => UserRatings,
            ["user", "replies"] => UserReplies,
            ["user", "resolutions"] => UserResolutions,
            ["user", "chat"] => UserChat,
            ["chat"] => Chat,
            ["email"] => Email,
            ["phone"] => Phone,
            _ => return None,
        })
    }
}

pub(crate) fn run(state: &State, req: &Req, endpoint: Endpoint) -> ApiResult {
    use Endpoint::*;
    let p = Params::parse(req)?;
    let members = match endpoint {
        User | UserHistory | UserCustomersHelped | UserDrilldown | UserHappiness | UserRatings | UserReplies
        | UserResolutions | UserChat => Some(members(state, required_number(req, "user")?)?),
        _ => None,
    };
    let scope: Scope<'_> = members.as_deref();
    if matches!(
        endpoint,
        Productivity
            | FirstResponseTime
            | RepliesSent
            | ResolutionTime
            | Resolved
            | ResponseTime
            | User
            | UserHistory
            | UserChat
            | Chat
            | Email
            | Phone
    ) {
        office_hours(req)?;
    }
    let body = match endpoint {
        Company => compare(state, &p, None, company),
        Conversations => conversations(state, &p),
        BusyTimes => busy_times(state, &p),
        Docs => docs(req, &p)?,
        Happiness | UserHappiness => compare(state, &p, scope, happiness),
        Productivity => productivity(state, &p),
        User => user(state, &p, scope, members.as_deref().unwrap_or(&[]), req)?,
        UserChat => compare(state, &channel_params(&p, "chat"), scope, user_chat),
        Chat => compare(state, &channel_params(&p, "chat"), None, chat),
        Email => compare(state, &channel_params(&p, "email"), None, email),
        Phone => compare(state, &channel_params(&p, "phone"), None, phone),
        CompanyCustomersHelped | UserCustomersHelped => series(
            state,
            req,
            &p,
            scope,
            |s| json!({ "customers": s.customers_helped.len() }),
        )?,
        VolumeByChannel => series(state, req, &p, None, |s| {
            let n = |k: &str| s.new_by_type.get(k).copied().unwrap_or(0);
            json!({ "email": n("email"), "chat": n("chat"), "phone": n("phone") })
        })?,
        NewConversations => series(state, req, &p, None, |s| json!({ "count": s.new_conversations }))?,
        ReceivedMessages => series(state, req, &p, None, |s| json!({ "messages": s.messages_received }))?,
        FirstResponseTime => series(
            state,
            req,
            &p,
            None,
            |s| json!({ "time": average(&s.first_response_times).round() }),
        )?,
        ResponseTime => series(
            state,
            req,
            &p,
            None,
            |s| json!({ "time": average(&s.response_times).round() }),
        )?,
        ResolutionTime => series(
            state,
            req,
            &p,
            None,
            |s| json!({ "time": average(&s.resolution_times).round() }),
        )?,
        RepliesSent | UserReplies => series(state, req, &p, scope, |s| json!({ "replies": s.replies }))?,
        Resolved | UserResolutions => series(state, req, &p, scope, |s| json!({ "resolved": s.resolved }))?,
        CompanyDrilldown => company_drilldown(state, req, &p)?,
        ConversationsDrilldown => {
            let (page, rows) = page_rows(req, 10)?;
            let ids = stats::compute(state, &p.filters, None, p.current).conversations;
            drilldown(state, ids.into_iter().collect(), page, rows)
        }
        NewDrilldown => {
            let (page, rows) = page_rows(req, 25)?;
            let ids = state
                .conversations
                .values()
                .filter(|c| stats::matches(state, c, &p.filters) && p.current.contains(c.created_at))
                .map(|c| c.id)
                .collect();
            drilldown(state, ids, page, rows)
        }
        FieldsDrilldown => fields_drilldown(state, req, &p)?,
        UserDrilldown => {
            let (page, rows) = page_rows(req, 10)?;
            let ids = stats::compute(state, &p.filters, scope, p.current).conversations;
            drilldown(state, ids.into_iter().collect(), page, rows)
        }
        HappinessRatings | UserRatings => ratings(state, req, &p, scope)?,
        UserHistory => history(state, req, &p, scope)?,
    };
    Ok(json_resp(200, &body))
}

/// A user id stands for that user, a team id for its members (v1 user report).
fn members(state: &State, id: u64) -> ApiResult<Vec<u64>> {
    if state.users.contains_key(&id) {
        Ok(vec![id])
    } else if let Some(team) = state.teams.get(&id) {
        Ok(team.members.clone())
    } else {
        Err(ApiError::not_found())
    }
}

/// The channel reports take no `types`: the channel is the type.
fn channel_params(p: &Params, kind: &str) -> Params {
    let mut p = p.clone();
    p.filters.types = vec![kind.to_string()];
    p
}

// ------------------------------------------------------------------ overviews

/// `{current, previous, deltas}` of an overview computed by `view`.
fn compare(state: &State, p: &Params, scope: Scope<'_>, view: fn(&Stats, Window) -> Value) -> Value {
    let current = view(&stats::compute(state, &p.filters, scope, p.current), p.current);
    let mut body = Map::new();
    body.insert("filterTags".into(), filter_tags(state));
    if let Some(previous_window) = p.previous {
        let previous = view(
            &stats::compute(state, &p.filters, scope, previous_window),
            previous_window,
        );
        body.insert("deltas".into(), deltas(&current, &previous));
        body.insert("previous".into(), previous);
    }
    body.insert("current".into(), current);
    Value::Object(body)
}

/// Percentage change of every number of `current` against `previous`.
fn deltas(current: &Value, previous: &Value) -> Value {
    match (current, previous) {
        (Value::Object(cur), Value::Object(prev)) => Value::Object(
            cur.iter()
                .filter_map(|(k, v)| prev.get(k).map(|p| (k.clone(), deltas(v, p))))
                .filter(|(_, v)| !v.is_null())
                .collect(),
        ),
        (Value::Number(c), Value::Number(p)) => {
            let (c, p) = (c.as_f64().unwrap_or(0.0), p.as_f64().unwrap_or(0.0));
            json!(if p == 0.0 { 0.0 } else { (c - p) * 100.0 / p })
        }
        _ => Value::Null,
    }
}

/// Every tag, for the report filters (the v2 answers repeat it).
fn filter_tags(state: &State) -> Value {
    Value::Array(
        state
            .tags
            .values()
            .map(|t| json!({ "id": t.id, "name": t.name }))
            .collect(),
    )
}

fn range_of(w: Window) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("startDate".into(), json!(ts(w.start)));
    m.insert("endDate".into(), json!(ts(w.end)));
    m
}

fn with_range(w: Window, fields: Value) -> Value {
    let mut m = range_of(w);
    if let Value::Object(fields) = fields {
        m.extend(fields);
    }
    Value::Object(m)
}

fn company(s: &Stats, w: Window) -> Value {
    let users = s.repliers.len().max(1) as f64;
    with_range(
        w,
        json!({
            "customersHelped": s.customers_helped.len(),
            "closed": s.closed,
            "totalReplies": s.replies,
            "totalUsers": s.repliers.len(),
            "totalDays": s.days.round(),
            "repliesPerDayPerUser": s.replies as f64 / s.days / users,
            "repliesPerDay": s.replies as f64 / s.days,
            "resolvedPerDay": s.resolved as f64 / s.days,
        }),
    )
}

fn conversations(state: &State, p: &Params) -> Value {
    let s = stats::compute(state, &p.filters, None, p.current);
    let mut body = match compare(state, p, None, conversation_totals) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Some(((day, hour), count)) = s.busy.iter().max_by_key(|(_, count)| **count) {
        body.insert("busiestDay".into(), json!({ "day": day, "hour": hour, "count": count }));
        body.insert("busyTimeStart".into(), json!(hour));
        body.insert("busyTimeEnd".into(), json!((hour + 2) % 24));
    }
    let top = |counts: &std::collections::BTreeMap<u64, u64>, name: &dyn Fn(u64) -> String| {
        let mut rows: Vec<(&u64, &u64)> = counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<Value> = rows
            .into_iter()
            .take(5)
            .map(|(id, count)| json!({ "id": id, "name": name(*id), "count": count }))
            .collect();
        json!({ "count": counts.len(), "top": top })
    };
    let tag_name = |id: u64| state.tags.get(&id).map(|t| t.name.clone()).unwrap_or_default();
    let customer_name = |id: u64| state.customers.get(&id).map(|c| c.full_name()).unwrap_or_default();
    body.insert("tags".into(), top(&s.tags, &tag_name));
    body.insert("customers".into(), top(&s.customer_counts, &customer_name));
    Value::Object(body)
}

fn conversation_totals(s: &Stats, w: Window) -> Value {
    with_range(
        w,
        json!({
            "totalConversations": s.conversations.len(),
            "conversationsCreated": s.new_conversations,
            "newConversations": s.new_conversations,
            "customers": s.customers.len(),
            "conversationsPerDay": s.conversations.len() as f64 / s.days,
        }),
    )
}

fn busy_times(state: &State, p: &Params) -> Value {
    let s = stats::compute(state, &p.filters, None, p.current);
    Value::Array(
        s.busy
            .iter()
            .map(|((day, hour), count)| json!({ "day": day, "hour": hour, "count": count }))
            .collect(),
    )
}

/// The fake has no Docs traffic; the numbers scale with the range so comparisons move.
fn docs(req: &Req, p: &Params) -> ApiResult<Value> {
    if let Some(sites) = req.q("sites") {
        if sites.split(',').any(|s| s.trim().is_empty()) {
            return Err(ApiError::invalid(
                "sites",
                "must be a comma-separated list of site ids",
                Value::String(sites.to_string()),
            ));
        }
    }
    let view = |w: Window| {
        let days = w.days();
        let visitors = (days * 37.0).round();
        with_range(
            w,
            json!({
                "visitors": visitors,
                "browseAction": (visitors * 0.62).round(),
                "searchAction": (days * 12.0).round(),
                "failedSearches": (days * 2.0).round(),
                "sentAnEmail": (days * 1.5).round(),
            }),
        )
    };
    let current = view(p.current);
    let mut body = Map::new();
    if let Some(w) = p.previous {
        let previous = view(w);
        body.insert("deltas".into(), deltas(&current, &previous));
        body.insert("previous".into(), previous);
    }
    body.insert("current".into(), current);
    Ok(Value::Object(body))
}

fn happiness(s: &Stats, _w: Window) -> Value {
    let [great, okay, not_good] = s.ratings;
    let total = great + okay + not_good;
    json!({
        "ratingsCount": total,
        "greatCount": great,
        "okayCount": okay,
        "notGoodCount": not_good,
        "great": percent(great, total),
        "okay": percent(okay, total),
        "notGood": percent(not_good, total),
        "happinessScore": percent(great, total) - percent(not_good, total),
        "totalCustomersWithRatings": s.rated_customers.len(),
        "totalCustomers": s.customers.len(),
        "ratingsPercent": percent(s.rated_customers.len() as u64, s.customers.len() as u64),
    })
}

fn productivity_totals(s: &Stats, w: Window) -> Value {
    with_range(
        w,
        json!({
            "totalConversations": s.conversations.len(),
            "resolutionTime": average(&s.resolution_times).round(),
            "repliesToResolve": average(&s.replies_to_resolve.iter().map(|n| *n as i64).collect::<Vec<_>>()),
            "responseTime": average(&s.response_times).round(),
            "firstResponseTime": average(&s.first_response_times).round(),
            "resolved": s.resolved,
            "resolvedOnFirstReply": s.resolved_on_first_reply,
            "closed": s.closed,
            "repliesSent": s.replies,
            "handleTime": average(&s.handle_times).round(),
            "percentageResolvedOnFirstReply": percent(s.resolved_on_first_reply, s.resolved),
        }),
    )
}

/// Response-time buckets of the v1 "Response Time Statistics" object: 1 = under 15
/// minutes ... 10 = over 2 days.
fn time_bucket(secs: i64) -> u64 {
    const LIMITS: [i64; 9] = [900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 172_800];
    LIMITS
        .iter()
        .position(|limit| secs < *limit)
        .map_or(10, |i| i as u64 + 1)
}

/// Replies-to-resolve buckets: 1..4 replies, 5 = five or more.
fn replies_bucket(n: u64) -> u64 {
    n.clamp(1, 5)
}

fn distribution(current: &[u64], previous: &[u64], buckets: u64) -> Value {
    let count = |values: &[u64], id: u64| values.iter().filter(|v| **v == id).count() as u64;
    let ranges: Vec<Value> = (1..=buckets)
        .map(|id| {
            json!({
                "id": id,
                "count": count(current, id),
                "previousCount": count(previous, id),
                "percent": percent(count(current, id), current.len() as u64),
                "previousPercent": percent(count(previous, id), previous.len() as u64),
            })
        })
        .collect();
    json!({ "count": current.len(), "previousCount": previous.len(), "ranges": ranges })
}

fn productivity(state: &State, p: &Params) -> Value {
    let mut body = match compare(state, p, None, productivity_totals) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let cur = stats::compute(state, &p.filters, None, p.current);
    let prev = p
        .previous
        .map(|w| stats::compute(state, &p.filters, None, w))
        .unwrap_or_default();
    let times = |v: &[i64]| v.iter().map(|s| time_bucket(*s)).collect::<Vec<_>>();
    let replies = |v: &[u64]| v.iter().map(|n| replies_bucket(*n)).collect::<Vec<_>>();
    body.insert(
        "responseTime".into(),
        distribution(&times(&cur.response_times), &times(&prev.response_times), 10),
    );
    body.insert(
        "firstResponseTime".into(),
        distribution(
            &times(&cur.first_response_times),
            &times(&prev.first_response_times),
            10,
        ),
    );
    body.insert(
        "repliesToResolve".into(),
        distribution(&replies(&cur.replies_to_resolve), &replies(&prev.replies_to_resolve), 5),
    );
    Value::Object(body)
}

fn user(state: &State, p: &Params, scope: Scope<'_>, members: &[u64], req: &Req) -> ApiResult<Value> {
    let id = required_number(req, "user")?;
    let who = match state.users.get(&id) {
        Some(u) => json!({ "id": id, "name": format!("{} {}", u.first, u.last), "email": u.email, "type": "user" }),
        None => {
            let name = state.teams.get(&id).map(|t| t.name.clone()).unwrap_or_default();
            json!({ "id": id, "name": name, "type": "team", "members": members })
        }
    };
    let mut body = match compare(state, p, scope, user_totals) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    body.insert("user".into(), who);
    Ok(Value::Object(body))
}

fn user_totals(s: &Stats, w: Window) -> Value {
    let [great, _, not_good] = s.ratings;
    let rated = s.ratings.iter().sum();
    with_range(
        w,
        json!({
            "totalDays": s.days.round(),
            "totalConversations": s.conversations.len(),
            "conversationsCreated": s.new_conversations,
            "conversationsPerDay": s.conversations.len() as f64 / s.days,
            "customersHelped": s.customers_helped.len(),
            "totalReplies": s.replies,
            "repliesPerDay": s.replies as f64 / s.days,
            "closed": s.closed,
            "resolved": s.resolved,
            "resolvedOnFirstReply": s.resolved_on_first_reply,
            "percentResolvedOnFirstReply": percent(s.resolved_on_first_reply, s.resolved),
            "repliesToResolve": average(&s.replies_to_resolve.iter().map(|n| *n as i64).collect::<Vec<_>>()),
            "responseTime": average(&s.response_times).round(),
            "resolutionTime": average(&s.resolution_times).round(),
            "handleTime": average(&s.handle_times).round(),
            "happinessScore": percent(great, rated) - percent(not_good, rated),
        }),
    )
}

fn user_chat(s: &Stats, w: Window) -> Value {
    with_range(
        w,
        json!({
            "totalChats": s.conversations.len(),
            "newConversations": s.new_conversations,
            "repliesSent": s.replies,
            "customersHelped": s.customers_helped.len(),
            "responseTime": average(&s.response_times).round(),
            "firstResponseTime": average(&s.first_response_times).round(),
            "resolved": s.resolved,
        }),
    )
}

fn chat(s: &Stats, w: Window) -> Value {
    with_range(
        w,
        json!({
            "volume": {
                "chatConversations": s.conversations.len(),
                "newChats": s.new_conversations,
                "messagesReceived": s.messages_received,
                "repliesSent": s.replies,
            },
            "resolutions": {
                "resolved": s.resolved,
                "closed": s.closed,
                "resolutionTime": average(&s.resolution_times).round(),
            },
            "responses": {
                "responseTime": average(&s.response_times).round(),
                "firstResponseTime": average(&s.first_response_times).round(),
            },
        }),
    )
}

fn email(s: &Stats, w: Window) -> Value {
    with_range(
        w,
        json!({
            "volume": {
                "emailConversations": s.conversations.len(),
                "emailsCreated": s.new_conversations,
                "repliesSent": s.replies,
                "messagesReceived": s.messages_received,
            },
            "resolutions": {
                "resolved": s.resolved,
                "resolvedOnFirstReply": s.resolved_on_first_reply,
                "percentResolvedOnFirstReply": percent(s.resolved_on_first_reply, s.resolved) / 100.0,
                "resolutionTime": average(&s.resolution_times).round(),
                "repliesToResolve": average(&s.replies_to_resolve.iter().map(|n| *n as i64).collect::<Vec<_>>()),
                "handleTime": average(&s.handle_times).round(),
                "closed": s.closed,
            },
            "responses": {
                "responseTime": average(&s.response_times).round(),
                "firstResponseTime": average(&s.first_response_times).round(),
            },
        }),
    )
}

fn phone(s: &Stats, w: Window) -> Value {
    with_range(
        w,
        json!({
            "volume": {
                "phoneConversations": s.conversations.len(),
                "newConversations": s.new_conversations,
                "customers": s.customers.len(),
            },
        }),
    )
}

// ------------------------------------------------------------------ time series

/// `{current: [{date, ...}], previous: [...]}`, one point per day/week/month.
fn series(state: &State, req: &Req, p: &Params, scope: Scope<'_>, point: fn(&Stats) -> Value) -> ApiResult<Value> {
    let view_by = p.view_by(req)?;
    let points = |w: Window| {
        let mut out = Vec::new();
        let mut start = w.start;
        while start < w.end {
            let next = step(start, view_by);
            let end = (next - TimeDelta::seconds(1)).min(w.end);
            let s = stats::compute(state, &p.filters, scope, Window { start, end });
            let mut m = Map::new();
            m.insert("date".into(), json!(ts(start)));
            if let Value::Object(fields) = point(&s) {
                m.extend(fields);
            }
            out.push(Value::Object(m));
            start = next;
        }
        Value::Array(out)
    };
    let mut body = Map::new();
    body.insert("current".into(), points(p.current));
    if let Some(w) = p.previous {
        body.insert("previous".into(), points(w));
    }
    Ok(Value::Object(body))
}

fn step(t: Time, view_by: ViewBy) -> Time {
    match view_by {
        ViewBy::Day => t + TimeDelta::days(1),
        ViewBy::Week => t + TimeDelta::days(7),
        ViewBy::Month => t.checked_add_months(Months::new(1)).unwrap_or(t + TimeDelta::days(30)),
    }
}

// ------------------------------------------------------------------ drilldowns

/// An abbreviated conversation of the drilldown reports.
fn drill_row(state: &State, conv: &Conversation) -> Value {
    let customer = state.customers.get(&conv.customer_id);
    let assignee = match conv.assignee {
        Some(Actor::User(id)) => state.users.get(&id).map(|u| (id, format!("{} {}", u.first, u.last))),
        _ => None,
    };
    let tags: Vec<Value> = conv
        .tag_ids
        .iter()
        .filter_map(|id| state.tags.get(id))
        .map(|t| json!({ "id": t.id, "name": t.name, "color": t.color }))
        .collect();
    json!({
        "id": conv.id,
        "number": conv.number,
        "type": conv.kind,
        "mailboxid": conv.mailbox_id,
        "attachments": conv.threads.iter().any(|t| !t.attachments.is_empty()),
        "subject": conv.subject,
        "status": conv.status,
        "threadCount": conv.threads.iter().filter(|t| t.is_counted()).count(),
        "preview": preview(conv),
        "customerName": customer.map(|c| c.full_name()).unwrap_or_default(),
        "customerEmail": customer.and_then(|c| c.email()).unwrap_or_default(),
        "customerIds": [conv.customer_id],
        "modifiedAt": ts(conv.modified_at),
        "assignedid": assignee.as_ref().map_or(0, |(id, _)| *id),
        "assignedName": assignee.map(|(_, name)| name).unwrap_or_default(),
        "tags": tags,
    })
}

/// `{conversations: {pages, page, count, results}}`, newest activity first.
fn drilldown(state: &State, ids: Vec<u64>, page: usize, rows: usize) -> Value {
    let mut convs: Vec<&Conversation> = ids.iter().filter_map(|id| state.conversations.get(id)).collect();
    convs.sort_by(|a, b| b.modified_at.cmp(&a.modified_at).then(b.id.cmp(&a.id)));
    let rows_json: Vec<Value> = convs.iter().map(|c| drill_row(state, c)).collect();
    let (results, pages, count) = page_of(rows_json, page, rows);
    json!({ "conversations": { "pages": pages, "page": page, "count": count, "results": results } })
}

fn page_of(items: Vec<Value>, page: usize, size: usize) -> (Vec<Value>, usize, usize) {
    let count = items.len();
    let pages = count.div_ceil(size);
    let results = items
        .into_iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .collect();
    (results, pages, count)
}

fn company_drilldown(state: &State, req: &Req, p: &Params) -> ApiResult<Value> {
    let (page, rows) = page_rows(req, 25)?;
    let range = one_of(
        req,
        "range",
        &[
            "replies",
            "firstReplyResolved",
            "resolved",
            "responseTime",
            "firstResponseTime",
            "handleTime",
        ],
    )?
    .ok_or_else(|| ApiError::invalid("range", "may not be null", Value::Null))?;
    let range_id = number(req, "rangeId")?;
    let w = p.current;
    let mut ids = Vec::new();
    for conv in state
        .conversations
        .values()
        .filter(|c| stats::matches(state, c, &p.filters))
    {
        let replies: Vec<_> = conv
            .threads
            .iter()
            .filter(|t| is_reply(t) && w.contains(t.created_at))
            .collect();
        let all_replies = conv.threads.iter().filter(|t| is_reply(t)).count() as u64;
        let resolved = conv.closed_at.is_some_and(|t| w.contains(t)) && all_replies > 0;
        let timing = timings(conv, None);
        let bucket = match range {
            "replies" => (!replies.is_empty()).then(|| replies_bucket(replies.len() as u64)),
            "firstReplyResolved" => (resolved && all_replies == 1).then_some(1),
            "resolved" => resolved.then_some(1),
            "responseTime" => {
                let times: Vec<i64> = timing
                    .responses
                    .iter()
                    .filter(|(at, _)| w.contains(*at))
                    .map(|(_, s)| *s)
                    .collect();
                (!times.is_empty()).then(|| time_bucket(average(&times) as i64))
            }
            "firstResponseTime" => timing
                .first_response
                .filter(|(at, _)| w.contains(*at))
                .map(|(_, secs)| time_bucket(secs)),
            _ => {
                let times: Vec<i64> = replies.iter().map(|t| handle_time(t)).collect();
                (!times.is_empty()).then(|| time_bucket(average(&times) as i64))
            }
        };
        if bucket.is_some_and(|b| range_id.is_none_or(|wanted| wanted == b)) {
            ids.push(conv.id);
        }
    }
    Ok(drilldown(state, ids, page, rows))
}

fn fields_drilldown(state: &State, req: &Req, p: &Params) -> ApiResult<Value> {
    let (page, rows) = page_rows(req, 25)?;
    let field = one_of(req, "field", &["tagid", "replyid", "workflowid", "customerid"])?
        .ok_or_else(|| ApiError::invalid("field", "may not be null", Value::Null))?;
    let field_id = required_number(req, "fieldid")?;
    let active = stats::compute(state, &p.filters, None, p.current).conversations;
    let ids = active
        .into_iter()
        .filter_map(|id| state.conversations.get(&id))
        .filter(|c| match field {
            "tagid" => c.tag_ids.contains(&field_id),
            "replyid" => c.threads.iter().any(|t| t.saved_reply_id == field_id),
            "customerid" => c.customer_id == field_id,
            // Workflow runs are recorded as line items without the workflow's id.
            _ => false,
        })
        .map(|c| c.id)
        .collect();
    Ok(drilldown(state, ids, page, rows))
}

// ------------------------------------------------------------------ lists

fn sort_order(req: &Req) -> ApiResult<bool> {
    Ok(one_of(req, "sortOrder", &["ASC", "DESC"])? == Some("ASC"))
}

fn ratings(state: &State, req: &Req, p: &Params, scope: Scope<'_>) -> ApiResult<Value> {
    let page = page_param(req)?;
    let wanted = match one_of(req, "rating", &["great", "ok", "not-good", "all"])? {
        Some("great") => Some(RatingKind::Great),
        Some("ok") => Some(RatingKind::Okay),
        Some("not-good") => Some(RatingKind::NotGood),
        _ => None,
    };
    let sort = one_of(req, "sortField", &["number", "modifiedAt", "rating"])?.unwrap_or("modifiedAt");
    let ascending = sort_order(req)?;
    let mut rows: Vec<(&crate::routes::reports::Rating, &Conversation)> = state
        .reports
        .ratings
        .values()
        .filter(|r| p.current.contains(r.created_at))
        .filter(|r| wanted.is_none_or(|k| k == r.kind))
        .filter(|r| scope.is_none_or(|users| users.contains(&r.user_id)))
        .filter_map(|r| state.conversations.get(&r.conversation_id).map(|c| (r, c)))
        .filter(|(_, c)| stats::matches(state, c, &p.filters))
        .collect();
    rows.sort_by(|(a, ca), (b, cb)| {
        let order = match sort {
            "number" => ca.number.cmp(&cb.number),
            "rating" => a.kind.index().cmp(&b.kind.index()),
            _ => a.modified_at.cmp(&b.modified_at),
        }
        .then(a.id.cmp(&b.id));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(r, c)| {
            let thread_at = c.threads.iter().find(|t| t.id == r.thread_id).map(|t| ts(t.created_at));
            let customer = state.customers.get(&r.customer_id).map(|c| c.full_name());
            let user = state.users.get(&r.user_id).map(|u| format!("{} {}", u.first, u.last));
            json!({
                "number": c.number,
                "threadid": r.thread_id,
                "threadCreatedAt": thread_at,
                "id": c.id,
                "type": c.kind,
                "ratingId": r.kind.report_id(),
                "ratingCustomerId": r.customer_id,
                "ratingComments": r.comments,
                "ratingCreatedAt": ts(r.created_at),
                "ratingCustomerName": customer,
                "ratingUserId": r.user_id,
                "ratingUserName": user,
            })
        })
        .collect();
    Ok(list(items, page))
}

fn history(state: &State, req: &Req, p: &Params, scope: Scope<'_>) -> ApiResult<Value> {
    let page = page_param(req)?;
    let status = one_of(req, "status", &["active", "pending", "closed"])?;
    let sort = one_of(
        req,
        "sortField",
        &["number", "repliesSent", "responseTime", "resolveTime"],
    )?
    .unwrap_or("number");
    let ascending = sort_order(req)?;
    let w = p.current;
    let mut rows: Vec<(u64, Value, f64)> = Vec::new();
    for conv in state
        .conversations
        .values()
        .filter(|c| stats::matches(state, c, &p.filters))
    {
        if status.is_some_and(|s| s != conv.status) {
            continue;
        }
        let mine: Vec<_> = conv
            .threads
            .iter()
            .filter(|t| is_reply(t) && w.contains(t.created_at))
            .filter(|t| match (scope, t.created_by) {
                (Some(users), Actor::User(id)) => users.contains(&id),
                _ => false,
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        let timing = timings(conv, scope);
        let response = average(&timing.responses.iter().map(|(_, s)| *s).collect::<Vec<_>>()).round();
        let resolve = conv.closed_at.map_or(0, |t| (t - conv.created_at).num_seconds());
        let handle = average(&mine.iter().map(|t| handle_time(t)).collect::<Vec<_>>()).round();
        let customer = state
            .customers
            .get(&conv.customer_id)
            .map(|c| c.full_name())
            .unwrap_or_default();
        let key = match sort {
            "repliesSent" => mine.len() as f64,
            "responseTime" => response,
            "resolveTime" => resolve as f64,
            _ => conv.number as f64,
        };
        rows.push((
            conv.number,
            json!({
                "id": conv.id,
                "number": conv.number,
                "customers": [{ "id": conv.customer_id, "name": customer }],
                "avgHandleTime": handle,
                "firstResponseTime": timing.first_response.map_or(0, |(_, s)| s),
                "repliesSent": mine.len(),
                "responseTime": response,
                "resolveTime": resolve,
            }),
            key,
        ));
    }
    rows.sort_by(|a, b| {
        let order = a.2.total_cmp(&b.2).then(a.0.cmp(&b.0));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
    Ok(list(rows.into_iter().map(|(_, v, _)| v).collect(), page))
}

/// `{results, page, count, pages}` of the ratings and history reports.
fn list(items: Vec<Value>, page: usize) -> Value {
    let (results, pages, count) = page_of(items, page, LIST_PAGE_SIZE);
    json!({ "results": results, "page": page, "count": count, "pages": pages })
}
