//! Tags (catalogue 3 tags). `ticketCount` is computed from the conversations.

use serde_json::{json, Value};

use crate::hal::{self, href, ApiError, ApiResult, PAGE_SIZE};
use crate::routes::{id, Req};
use crate::state::{ts, State, Tag};

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "tags"]) => list(state, req),
        ("GET", ["v2", "tags", tid]) => get(state, req, tid),
        _ => return None,
    };
    Some(r)
}

fn tag_json(state: &State, t: &Tag, base: &str) -> Value {
    let count = state
        .conversations
        .values()
        .filter(|c| c.tag_ids.contains(&t.id))
        .count();
    json!({
        "id": t.id,
        "name": t.name,
        "slug": t.slug,
        "color": t.color,
        "createdAt": ts(t.created_at),
        "updatedAt": ts(t.updated_at),
        "ticketCount": count,
        "_links": { "self": href(format!("{base}/v2/tags/{}", t.id)) },
    })
}

fn list(state: &State, req: &Req) -> ApiResult {
    let mut tags: Vec<&Tag> = state.tags.values().collect();
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    let items = tags.iter().map(|t| tag_json(state, t, &req.base)).collect();
    hal::paged(req, "tags", items, PAGE_SIZE)
}

fn get(state: &State, req: &Req, seg: &str) -> ApiResult {
    let tid = id(seg)?;
    let t = state.tags.get(&tid).ok_or_else(ApiError::not_found)?;
    Ok(hal::hal(&tag_json(state, t, &req.base)))
}
