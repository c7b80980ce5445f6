//! Customers: the read side needed by conversations (get, simple list).
//! Create/overwrite/patch/delete and the entry sub-resources come later as
//! more arms here (catalogue 3 customers, 4.8).

use serde_json::Value;

use crate::hal::{self, ApiError, ApiResult, PAGE_SIZE};
use crate::query::{self, Searchable};
use crate::render;
use crate::routes::{id, Req};
use crate::state::{Customer, State};
use crate::validate::parse_time;

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "customers"]) => list(state, req),
        ("GET", ["v2", "customers", cid]) => get(state, req, cid),
        _ => return None,
    };
    Some(r)
}

const EMBEDDABLE: [&str; 6] = ["address", "chats", "emails", "phones", "social_profiles", "websites"];

fn get(state: &State, req: &Req, seg: &str) -> ApiResult {
    let cid = id(seg)?;
    let c = state.customers.get(&cid).ok_or_else(ApiError::not_found)?;
    let mut embed: Vec<&str> = Vec::new();
    if let Some(raw) = req.q("embed").filter(|s| !s.is_empty()) {
        for part in raw.split(',').map(str::trim) {
            match EMBEDDABLE.iter().find(|e| **e == part) {
                Some(e) => embed.push(e),
                None => {
                    return Err(ApiError::invalid(
                        "embed",
                        &format!("allowed values are: {}", EMBEDDABLE.join(", ")),
                        Value::String(part.into()),
                    ))
                }
            }
        }
    }
    Ok(hal::hal(&render::customer(c, &req.base, &embed)))
}

struct CustomerSearch<'a>(&'a Customer);

impl Searchable for CustomerSearch<'_> {
    fn matches(&self, field: Option<&str>, value: &str) -> bool {
        let c = self.0;
        let v = value.trim().to_lowercase();
        let has = |s: &str| s.to_lowercase().contains(&v);
        match field.map(str::to_ascii_lowercase).as_deref() {
            None => has(&c.full_name()) || c.emails.iter().any(|e| has(&e.value)) || has(&c.organization),
            Some("firstname") => has(&c.first),
            Some("lastname") => has(&c.last),
            Some("email") => c.emails.iter().any(|e| e.value.to_lowercase() == v),
            Some("emaildomain") => {
                let domain = format!("@{}", v.trim_start_matches('@'));
                c.emails.iter().any(|e| e.value.to_lowercase().ends_with(&domain))
            }
            Some("phone") => c.phones.iter().any(|p| has(&p.value)),
            Some("organization") | Some("company") => has(&c.organization),
            Some("jobtitle") => has(&c.job_title),
            Some("location") => has(&c.location),
            Some("id") => c.id.to_string() == v,
            _ => false,
        }
    }

    fn in_range(&self, field: &str, from: Option<&str>, to: Option<&str>) -> bool {
        let t = match field.to_ascii_lowercase().as_str() {
            "modifiedat" => self.0.updated_at,
            "createdat" => self.0.created_at,
            _ => return false,
        };
        from.and_then(parse_time).is_none_or(|lo| t >= lo) && to.and_then(parse_time).is_none_or(|hi| t <= hi)
    }
}

fn list(state: &State, req: &Req) -> ApiResult {
    let first = req.q("firstName").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let last = req.q("lastName").filter(|s| !s.is_empty()).map(str::to_lowercase);
    let since = crate::routes::conversations::modified_since(req)?;
    let mailbox = match req.q("mailbox").filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<u64>()
                .map_err(|_| ApiError::invalid("mailbox", "must be a number", Value::String(raw.into())))?,
        ),
    };
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
    let sort_field = req.q("sortField").filter(|s| !s.is_empty()).unwrap_or("score");
    if !["score", "firstName", "lastName", "modifiedAt"].contains(&sort_field) {
        return Err(ApiError::invalid(
            "sortField",
            "allowed values are: score, firstName, lastName, modifiedAt",
            Value::String(sort_field.into()),
        ));
    }
    let descending = match req.q("sortOrder").filter(|s| !s.is_empty()) {
        None => sort_field == "score" || sort_field == "modifiedAt",
        Some("desc") => true,
        Some("asc") => false,
        Some(other) => {
            return Err(ApiError::invalid(
                "sortOrder",
                "allowed values are: asc, desc",
                Value::String(other.into()),
            ))
        }
    };
    let mut hits: Vec<&Customer> = state
        .customers
        .values()
        .filter(|c| first.as_ref().is_none_or(|f| c.first.to_lowercase() == *f))
        .filter(|c| last.as_ref().is_none_or(|l| c.last.to_lowercase() == *l))
        .filter(|c| since.is_none_or(|s| c.updated_at >= s))
        .filter(|c| {
            mailbox.is_none_or(|m| {
                state
                    .conversations
                    .values()
                    .any(|conv| conv.mailbox_id == m && conv.customer_id == c.id)
            })
        })
        .filter(|c| search.as_ref().is_none_or(|e| e.eval(&CustomerSearch(c))))
        .collect();
    hits.sort_by(|a, b| {
        let ord = match sort_field {
            "firstName" => a.first.to_lowercase().cmp(&b.first.to_lowercase()),
            "lastName" => a.last.to_lowercase().cmp(&b.last.to_lowercase()),
            "modifiedAt" => a.updated_at.cmp(&b.updated_at),
            _ => a.created_at.cmp(&b.created_at),
        }
        .then(a.id.cmp(&b.id));
        if descending {
            ord.reverse()
        } else {
            ord
        }
    });
    let items = hits
        .iter()
        .map(|c| render::customer(c, &req.base, &EMBEDDABLE))
        .collect();
    hal::paged(req, "customers", items, PAGE_SIZE)
}
