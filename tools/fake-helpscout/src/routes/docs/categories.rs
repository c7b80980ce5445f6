//! Docs categories and their order within a collection (catalogue 3
//! docs_categories).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{
    body_object, created, descending, enum_param, envelope, id_or_number, ok, ok_empty, page_param, slug, updated,
    Category, DocsError, DocsResult, Fields, IdOrNumber, PAGE_SIZE,
};
use crate::routes::Req;
use crate::state::{ts, State, Time};

const DEFAULT_SORTS: &[&str] = &["popularity", "name", "updatedAt", "custom"];

pub(super) fn route(state: &mut State, req: &Req, method: &str, segs: &[&str]) -> Option<DocsResult> {
    let r = match (method, segs) {
        ("GET", ["collections", cid, "categories"]) => list(state, req, cid),
        ("PUT", ["collections", cid, "categories"]) => reorder(state, req, cid),
        ("POST", ["categories"]) => create(state, req),
        ("GET", ["categories", id]) => get(state, id),
        ("PUT", ["categories", id]) => update(state, req, id),
        ("DELETE", ["categories", id]) => delete(state, id),
        _ => return None,
    };
    Some(r)
}

/// `unix`: Create Category with `reload=true` answers with Unix timestamps
/// (HSD categories/create; catalogue 4.5).
fn category_json(state: &State, c: &Category, unix: bool) -> Value {
    let articles = state.docs.articles.values().filter(|a| a.categories.contains(&c.id));
    let (total, published) = articles.fold((0, 0), |(t, p), a| (t + 1, p + usize::from(a.status == "published")));
    let public_url = state
        .docs
        .site_of_collection(&c.collection_id)
        .map(|s| format!("{}/category/{}-{}", s.public_base(), c.number, c.slug));
    let time = |t: Time| if unix { json!(t.timestamp()) } else { json!(ts(t)) };
    json!({
        "id": c.id,
        "number": c.number,
        "slug": c.slug,
        "visibility": c.visibility,
        "collectionId": c.collection_id,
        "order": c.order,
        "defaultSort": c.default_sort,
        "name": c.name,
        "description": c.description,
        "articleCount": total,
        "publishedArticleCount": published,
        "publicUrl": public_url,
        "createdBy": c.created_by,
        "updatedBy": c.updated_by,
        "createdAt": time(c.created_at),
        "updatedAt": time(c.updated_at),
    })
}

fn find<'a>(state: &'a State, seg: &str) -> DocsResult<&'a Category> {
    let found = match id_or_number(seg) {
        Some(IdOrNumber::Id(id)) => state.docs.categories.get(id),
        Some(IdOrNumber::Number(n)) => state.docs.categories.values().find(|c| c.number == n),
        None => None,
    };
    found.ok_or_else(|| DocsError::not_found("Category"))
}

pub(super) fn find_by_id<'a>(state: &'a State, id: &str) -> DocsResult<&'a Category> {
    state
        .docs
        .categories
        .get(id)
        .ok_or_else(|| DocsError::not_found("Category"))
}

fn list(state: &State, req: &Req, cid: &str) -> DocsResult {
    super::collections::find_by_id(state, cid)?;
    let page = page_param(req)?;
    let sort = enum_param(
        req,
        "sort",
        &["order", "number", "name", "articleCount", "createdAt", "updatedAt"],
        "order",
    )?;
    let desc = descending(req, "asc")?;
    let count = |c: &Category| {
        state
            .docs
            .articles
            .values()
            .filter(|a| a.categories.contains(&c.id))
            .count()
    };
    let mut items: Vec<&Category> = state
        .docs
        .categories
        .values()
        .filter(|c| c.collection_id == cid)
        .collect();
    items.sort_by(|a, b| {
        let o = match sort {
            "number" => a.number.cmp(&b.number),
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            "articleCount" => count(a).cmp(&count(b)),
            "createdAt" => a.created_at.cmp(&b.created_at),
            "updatedAt" => a.updated_at.cmp(&b.updated_at),
            _ => a.order.cmp(&b.order),
        }
        .then(a.number.cmp(&b.number));
        if desc {
            o.reverse()
        } else {
            o
        }
    });
    let items = items.into_iter().map(|c| category_json(state, c, false)).collect();
    ok(&envelope("categories", items, page, PAGE_SIZE))
}

fn get(state: &State, seg: &str) -> DocsResult {
    ok(&json!({ "category": category_json(state, find(state, seg)?, false) }))
}

/// Category names are unique within their collection.
fn check_name(state: &State, collection_id: &str, name: &str, own_id: Option<&str>) -> DocsResult<()> {
    let taken = state.docs.categories.values().any(|c| {
        c.collection_id == collection_id && Some(c.id.as_str()) != own_id && c.name.eq_ignore_ascii_case(name)
    });
    if taken {
        return Err(DocsError::bad_request(format!(
            "A category named `{name}` already exists in this collection"
        )));
    }
    Ok(())
}

fn create(state: &mut State, req: &Req) -> DocsResult {
    let body = body_object(req)?;
    let f = Fields(&body);
    let collection_id = f.req_str("collectionId")?;
    if super::collections::find_by_id(state, &collection_id).is_err() {
        return Err(DocsError::bad_request(format!(
            "Invalid collectionId: no collection with id `{collection_id}`"
        )));
    }
    let name = f.req_str("name")?.trim().to_string();
    check_name(state, &collection_id, &name, None)?;
    let id = state.docs.new_id(req.now);
    let c = Category {
        id: id.clone(),
        number: super::DocsState::next_number(state.docs.categories.values().map(|c| &c.number)),
        slug: f
            .opt_str("slug")?
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| slug(&name)),
        visibility: f
            .opt_enum("visibility", &["public", "private"])?
            .unwrap_or_else(|| "public".into()),
        order: f.opt_int("order")?.unwrap_or(1),
        default_sort: f
            .opt_enum("defaultSort", DEFAULT_SORTS)?
            .unwrap_or_else(|| "popularity".into()),
        description: f.opt_str("description")?,
        collection_id,
        name,
        created_by: state.owner_id,
        updated_by: state.owner_id,
        created_at: req.now,
        updated_at: req.now,
    };
    let body = json!({ "category": category_json(state, &c, true) });
    state.docs.categories.insert(id.clone(), c);
    created(req, format!("/v1/categories/{id}"), body)
}

fn update(state: &mut State, req: &Req, id: &str) -> DocsResult {
    let collection_id = find_by_id(state, id)?.collection_id.clone();
    let body = body_object(req)?;
    let f = Fields(&body);
    let name = f.req_str("name")?.trim().to_string();
    check_name(state, &collection_id, &name, Some(id))?;
    let new_slug = f.opt_str("slug")?.filter(|s| !s.trim().is_empty());
    let visibility = f.opt_enum("visibility", &["public", "private"])?;
    let order = f.opt_int("order")?;
    let default_sort = f.opt_enum("defaultSort", DEFAULT_SORTS)?;
    let owner = state.owner_id;
    let c = state
        .docs
        .categories
        .get_mut(id)
        .ok_or_else(|| DocsError::not_found("Category"))?;
    c.name = name;
    if let Some(s) = new_slug {
        c.slug = s;
    }
    if let Some(v) = visibility {
        c.visibility = v;
    }
    if let Some(o) = order {
        c.order = o;
    }
    if let Some(s) = default_sort {
        c.default_sort = s;
    }
    c.updated_by = owner;
    c.updated_at = req.now;
    let c = c.clone();
    updated(req, json!({ "category": category_json(state, &c, false) }))
}

/// `{"categories":[{id, order}]}`: only the listed categories change, and all
/// of them must belong to the collection (HSD categories/order).
fn reorder(state: &mut State, req: &Req, cid: &str) -> DocsResult {
    super::collections::find_by_id(state, cid)?;
    let body = body_object(req)?;
    let Some(Value::Array(entries)) = body.get("categories") else {
        return Err(DocsError::bad_request("categories is required and must be an array"));
    };
    let mut orders = BTreeMap::new();
    for entry in entries {
        let id = entry.get("id").and_then(Value::as_str);
        let order = entry.get("order").and_then(Value::as_i64);
        let (Some(id), Some(order)) = (id, order) else {
            return Err(DocsError::bad_request(
                "every entry of categories needs an id (string) and an order (integer)",
            ));
        };
        match state.docs.categories.get(id) {
            Some(c) if c.collection_id == cid => {}
            _ => {
                return Err(DocsError::bad_request(format!(
                    "Category `{id}` does not belong to collection `{cid}`"
                )))
            }
        }
        orders.insert(id.to_string(), order);
    }
    for (id, order) in orders {
        if let Some(c) = state.docs.categories.get_mut(&id) {
            c.order = order;
            c.updated_at = req.now;
        }
    }
    ok_empty()
}

/// Articles of a deleted category stay in their collection, without it.
fn delete(state: &mut State, id: &str) -> DocsResult {
    find_by_id(state, id)?;
    state.docs.categories.remove(id);
    for a in state.docs.articles.values_mut() {
        a.categories.retain(|c| c != id);
    }
    ok_empty()
}
