//! Reports and satisfaction ratings (catalogue 3 reports_*, ratings; 4.3, 4.10).
//!
//! Every report is computed from the account's conversations and ratings for the
//! requested range, so it agrees with what the conversation endpoints show.
//! Reporting can be switched off ([`crate::FakeHelpScout::set_reports_enabled`]):
//! Help Scout answers 403 on plans without reports (Plus/Pro only).

mod params;
mod stats;
mod views;

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::json;

use crate::hal::{self, href, ApiError, ApiResult};
use crate::ids::{FIRST_RATING_ID, RATING_COUNT};
use crate::routes::{id, Req};
use crate::state::{ts, Actor, State, Time};

#[derive(Debug, Default)]
pub(crate) struct ReportState {
    /// The plan has no reporting: every report answers 403.
    pub(crate) disabled: bool,
    pub(crate) ratings: BTreeMap<u64, Rating>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RatingKind {
    Great,
    Okay,
    NotGood,
}

impl RatingKind {
    pub(crate) fn index(self) -> usize {
        match self {
            RatingKind::Great => 0,
            RatingKind::Okay => 1,
            RatingKind::NotGood => 2,
        }
    }

    /// `rating` of Get Rating: great | okay | not_good.
    pub(crate) fn name(self) -> &'static str {
        match self {
            RatingKind::Great => "great",
            RatingKind::Okay => "okay",
            RatingKind::NotGood => "not_good",
        }
    }

    /// `ratingId` of the ratings reports: 1 great, 2 okay, 3 not good.
    pub(crate) fn report_id(self) -> u64 {
        self.index() as u64 + 1
    }
}

/// A customer's satisfaction rating of one user reply.
#[derive(Clone, Debug)]
pub(crate) struct Rating {
    pub(crate) id: u64,
    pub(crate) conversation_id: u64,
    pub(crate) thread_id: u64,
    pub(crate) customer_id: u64,
    pub(crate) user_id: u64,
    pub(crate) kind: RatingKind,
    pub(crate) comments: String,
    pub(crate) created_at: Time,
    pub(crate) modified_at: Time,
}

/// Rates the first user reply of every other seeded email conversation.
pub(crate) fn seed(state: &mut State, now: Time) {
    use RatingKind::*;
    const KINDS: [RatingKind; 6] = [Great, Great, Okay, Great, NotGood, Great];
    const COMMENTS: [&str; 6] = [
        "Fast and friendly - thank you!",
        "",
        "Solved in the end, but it took a few emails.",
        "Great help as always.",
        "Still not fixed and nobody followed up.",
        "",
    ];
    let rated: Vec<(u64, u64, u64, u64, Time)> = state
        .conversations
        .values()
        .filter(|c| c.kind == "email" && c.status != "spam" && !c.draft)
        .filter_map(|c| {
            c.threads
                .iter()
                .find(|t| t.kind == "reply" && t.state == "published")
                .and_then(|t| match t.created_by {
                    Actor::User(user) => Some((c.id, t.id, user, c.customer_id, t.created_at)),
                    _ => None,
                })
        })
        .step_by(2)
        .take(RATING_COUNT as usize)
        .collect();
    for (i, (conversation_id, thread_id, user_id, customer_id, replied_at)) in rated.into_iter().enumerate() {
        let created_at = (replied_at + Duration::hours(2 + i as i64)).min(now - Duration::minutes(30));
        let id = FIRST_RATING_ID + i as u64;
        state.reports.ratings.insert(
            id,
            Rating {
                id,
                conversation_id,
                thread_id,
                customer_id,
                user_id,
                kind: KINDS[i % KINDS.len()],
                comments: COMMENTS[i % COMMENTS.len()].to_string(),
                created_at,
                modified_at: created_at,
            },
        );
    }
}

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "ratings", rid]) => get_rating(state, req, rid),
        ("GET", ["v2", "reports", rest @ ..]) => {
            let endpoint = views::Endpoint::parse(rest)?;
            if state.reports.disabled {
                Err(ApiError::new(
                    403,
                    "Reports are not available on your current plan; upgrade to Plus or Pro to use reporting",
                ))
            } else {
                views::run(state, req, endpoint)
            }
        }
        _ => return None,
    };
    Some(r)
}

fn get_rating(state: &State, req: &Req, seg: &str) -> ApiResult {
    let rid = id(seg)?;
    let r = state.reports.ratings.get(&rid).ok_or_else(ApiError::not_found)?;
    let conv = state.conversations.get(&r.conversation_id);
    let customer = state.customers.get(&r.customer_id);
    let user = state.users.get(&r.user_id);
    let base = &req.base;
    Ok(hal::hal(&json!({
        "id": r.id,
        "customer": {
            "id": r.customer_id,
            "email": customer.and_then(|c| c.email()),
            "firstName": customer.map(|c| c.first.as_str()),
            "lastName": customer.map(|c| c.last.as_str()),
            "photoUrl": customer.map(|c| c.photo_url.as_str()),
        },
        "threadId": r.thread_id,
        "conversationId": r.conversation_id,
        "conversationNumber": conv.map(|c| c.number),
        "mailboxId": conv.map(|c| c.mailbox_id),
        "rating": r.kind.name(),
        "user": {
            "id": r.user_id,
            "email": user.map(|u| u.email.as_str()),
            "firstName": user.map(|u| u.first.as_str()),
            "lastName": user.map(|u| u.last.as_str()),
        },
        "comments": r.comments,
        "createdAt": ts(r.created_at),
        "modifiedAt": ts(r.modified_at),
        "_links": {
            "conversation": href(format!("{base}/v2/conversations/{}", r.conversation_id)),
            "mailbox": href(format!("{base}/v2/mailboxes/{}", conv.map(|c| c.mailbox_id).unwrap_or(0))),
            "customer": href(format!("{base}/v2/customers/{}", r.customer_id)),
            "user": href(format!("{base}/v2/users/{}", r.user_id)),
            "self": href(format!("{base}/v2/ratings/{}", r.id)),
        },
    })))
}
