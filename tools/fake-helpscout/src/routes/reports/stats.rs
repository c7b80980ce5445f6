//! Report numbers computed from the seeded (and since changed) conversations, so
//! that a report agrees with what the conversation endpoints show.

use std::collections::{BTreeMap, BTreeSet};

use crate::routes::reports::params::{Filters, Window};
use crate::state::{Actor, Conversation, State, Thread};

/// Whose work a user report covers: a user, or every member of a team.
pub(crate) type Scope<'a> = Option<&'a [u64]>;

fn in_scope(scope: Scope<'_>, actor: Actor) -> bool {
    match (scope, actor) {
        (None, _) => true,
        (Some(users), Actor::User(id)) => users.contains(&id),
        (Some(_), _) => false,
    }
}

/// Does the conversation pass the inbox/tag/folder/type filters?
pub(crate) fn matches(state: &State, conv: &Conversation, f: &Filters) -> bool {
    (f.mailboxes.is_empty() || f.mailboxes.contains(&conv.mailbox_id))
        && (f.tags.is_empty() || conv.tag_ids.iter().any(|t| f.tags.contains(t)))
        && (f.types.is_empty() || f.types.contains(&conv.kind))
        && (f.folders.is_empty() || f.folders.contains(&state.folder_of(conv)))
        && !conv.draft
        && conv.status != "spam"
}

pub(crate) fn is_customer_message(t: &Thread) -> bool {
    matches!(t.created_by, Actor::Customer(_))
        && matches!(t.kind.as_str(), "customer" | "chat")
        && t.state == "published"
}

/// A message from the team to the customer (email reply, chat message, logged call).
pub(crate) fn is_reply(t: &Thread) -> bool {
    matches!(t.created_by, Actor::User(_))
        && matches!(t.kind.as_str(), "reply" | "chat" | "phone")
        && t.state == "published"
}

/// Seconds between pressing Reply and Send; not recorded by the fake, so derived
/// from the thread id (stable across runs).
pub(crate) fn handle_time(t: &Thread) -> i64 {
    60 + (t.id % 540) as i64
}

/// Per-conversation timings used by several reports.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timings {
    /// (reply time, seconds the customer waited for it).
    pub(crate) responses: Vec<(crate::state::Time, i64)>,
    /// The first reply and how long after creation it came.
    pub(crate) first_response: Option<(crate::state::Time, i64)>,
    pub(crate) replies: usize,
}

pub(crate) fn timings(conv: &Conversation, scope: Scope<'_>) -> Timings {
    let mut out = Timings::default();
    let mut waiting_since = None;
    let mut first_reply_seen = false;
    for t in &conv.threads {
        if is_customer_message(t) {
            waiting_since.get_or_insert(t.created_at);
        } else if is_reply(t) {
            let mine = in_scope(scope, t.created_by);
            if !first_reply_seen {
                first_reply_seen = true;
                if mine {
                    out.first_response = Some((t.created_at, (t.created_at - conv.created_at).num_seconds()));
                }
            }
            if let Some(since) = waiting_since.take() {
                if mine {
                    out.responses.push((t.created_at, (t.created_at - since).num_seconds()));
                }
            }
            if mine {
                out.replies += 1;
            }
        }
    }
    out
}

/// Everything the overview reports need, for one range.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stats {
    /// Conversations with any activity in the range.
    pub(crate) conversations: BTreeSet<u64>,
    pub(crate) new_conversations: u64,
    pub(crate) new_by_type: BTreeMap<String, u64>,
    pub(crate) customers: BTreeSet<u64>,
    pub(crate) customers_helped: BTreeSet<u64>,
    pub(crate) messages_received: u64,
    pub(crate) replies: u64,
    pub(crate) repliers: BTreeMap<u64, u64>,
    pub(crate) closed: u64,
    pub(crate) resolved: u64,
    pub(crate) resolved_on_first_reply: u64,
    pub(crate) response_times: Vec<i64>,
    pub(crate) first_response_times: Vec<i64>,
    pub(crate) resolution_times: Vec<i64>,
    pub(crate) replies_to_resolve: Vec<u64>,
    pub(crate) handle_times: Vec<i64>,
    /// great, okay, not_good.
    pub(crate) ratings: [u64; 3],
    pub(crate) rated_customers: BTreeSet<u64>,
    pub(crate) tags: BTreeMap<u64, u64>,
    pub(crate) customer_counts: BTreeMap<u64, u64>,
    /// (weekday 1 = Monday, hour) -> new conversations.
    pub(crate) busy: BTreeMap<(u32, u32), u64>,
    pub(crate) days: f64,
}

pub(crate) fn average(values: &[i64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<i64>() as f64 / values.len() as f64
    }
}

pub(crate) fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

pub(crate) fn compute(state: &State, filters: &Filters, scope: Scope<'_>, w: Window) -> Stats {
    use chrono::{Datelike, Timelike};
    let mut s = Stats {
        days: w.days(),
        ..Stats::default()
    };
    for conv in state.conversations.values().filter(|c| matches(state, c, filters)) {
        let mut touched = false;
        let created_by_scope = match scope {
            None => true,
            Some(_) => in_scope(scope, conv.created_by) || conv.assignee.is_some_and(|a| in_scope(scope, a)),
        };
        if w.contains(conv.created_at) && created_by_scope {
            touched = true;
            s.new_conversations += 1;
            *s.new_by_type.entry(conv.kind.clone()).or_default() += 1;
            let day = conv.created_at.weekday().number_from_monday();
            *s.busy.entry((day, conv.created_at.hour())).or_default() += 1;
        }
        for t in conv.threads.iter().filter(|t| w.contains(t.created_at)) {
            if is_customer_message(t) && scope.is_none() {
                s.messages_received += 1;
                touched = true;
            } else if is_reply(t) && in_scope(scope, t.created_by) {
                s.replies += 1;
                if let Actor::User(id) = t.created_by {
                    *s.repliers.entry(id).or_default() += 1;
                }
                s.customers_helped.insert(conv.customer_id);
                s.handle_times.push(handle_time(t));
                touched = true;
            } else if t.kind != "lineitem" && in_scope(scope, t.created_by) && t.state == "published" {
                touched = true;
            }
        }
        let timing = timings(conv, scope);
        s.response_times.extend(
            timing
                .responses
                .iter()
                .filter(|(at, _)| w.contains(*at))
                .map(|(_, secs)| secs),
        );
        if let Some((_, secs)) = timing.first_response.filter(|(at, _)| w.contains(*at)) {
            s.first_response_times.push(secs);
        }
        if let Some(closed_at) = conv.closed_at.filter(|t| w.contains(*t)) {
            let closer_in_scope = conv.closed_by.is_some_and(|u| in_scope(scope, Actor::User(u)));
            if scope.is_none() || closer_in_scope {
                touched = true;
                s.closed += 1;
                let replies = conv.threads.iter().filter(|t| is_reply(t)).count() as u64;
                if replies > 0 {
                    s.resolved += 1;
                    s.replies_to_resolve.push(replies);
                    s.resolution_times.push((closed_at - conv.created_at).num_seconds());
                    if replies == 1 {
                        s.resolved_on_first_reply += 1;
                    }
                }
            }
        }
        if touched {
            s.conversations.insert(conv.id);
            s.customers.insert(conv.customer_id);
            *s.customer_counts.entry(conv.customer_id).or_default() += 1;
            for tag in &conv.tag_ids {
                *s.tags.entry(*tag).or_default() += 1;
            }
        }
    }
    for r in state.reports.ratings.values().filter(|r| w.contains(r.created_at)) {
        let Some(conv) = state.conversations.get(&r.conversation_id) else {
            continue;
        };
        if !matches(state, conv, filters) || !in_scope(scope, Actor::User(r.user_id)) {
            continue;
        }
        s.ratings[r.kind.index()] += 1;
        s.rated_customers.insert(r.customer_id);
    }
    s
}
