//! Docs collections (catalogue 3 docs_collections).

use serde_json::{json, Value};

use super::{
    body_object, created, descending, enum_param, envelope, id_or_number, is_docs_id, ok, ok_empty, page_param, slug,
    updated, Collection, DocsError, DocsResult, Fields, IdOrNumber, PAGE_SIZE,
};
use crate::routes::Req;
use crate::state::{ts, State};

/// Longest collection description (HSD objects/collection).
const MAX_DESCRIPTION: usize = 45;

pub(super) fn route(state: &mut State, req: &Req, method: &str, segs: &[&str]) -> Option<DocsResult> {
    let r = match (method, segs) {
        ("GET", ["collections"]) => list(state, req),
        ("POST", ["collections"]) => create(state, req),
        ("GET", ["collections", id]) => get(state, id),
        ("PUT", ["collections", id]) => update(state, req, id),
        ("DELETE", ["collections", id]) => delete(state, id),
        _ => return None,
    };
    Some(r)
}

pub(super) fn collection_json(state: &State, c: &Collection) -> Value {
    let articles = state.docs.articles.values().filter(|a| a.collection_id == c.id);
    let (total, published) = articles.fold((0, 0), |(t, p), a| (t + 1, p + usize::from(a.status == "published")));
    let public_url = state
        .docs
        .sites
        .get(&c.site_id)
        .map(|s| format!("{}/collection/{}-{}", s.public_base(), c.number, c.slug));
    json!({
        "id": c.id,
        "siteId": c.site_id,
        "number": c.number,
        "slug": c.slug,
        "visibility": c.visibility,
        "order": c.order,
        "name": c.name,
        "description": c.description,
        "publicUrl": public_url,
        "articleCount": total,
        "publishedArticleCount": published,
        "createdBy": c.created_by,
        "updatedBy": c.updated_by,
        "createdAt": ts(c.created_at),
        "updatedAt": ts(c.updated_at),
    })
}

/// A collection by id, or by number where the path allows it.
pub(super) fn find<'a>(state: &'a State, seg: &str) -> DocsResult<&'a Collection> {
    let found = match id_or_number(seg) {
        Some(IdOrNumber::Id(id)) => state.docs.collections.get(id),
        Some(IdOrNumber::Number(n)) => state.docs.collections.values().find(|c| c.number == n),
        None => None,
    };
    found.ok_or_else(|| DocsError::not_found("Collection"))
}

/// A collection by id only (write paths take `{collectionId}`).
pub(super) fn find_by_id<'a>(state: &'a State, id: &str) -> DocsResult<&'a Collection> {
    state
        .docs
        .collections
        .get(id)
        .ok_or_else(|| DocsError::not_found("Collection"))
}

fn list(state: &State, req: &Req) -> DocsResult {
    let page = page_param(req)?;
    let visibility = enum_param(req, "visibility", &["all", "public", "private"], "all")?;
    let sort = enum_param(
        req,
        "sort",
        &["order", "number", "visibility", "name", "createdAt", "updatedAt"],
        "order",
    )?;
    let desc = descending(req, "asc")?;
    let site = req.q("siteId").filter(|s| !s.is_empty());
    if let Some(site) = site {
        if !is_docs_id(site) {
            return Err(DocsError::bad_request(format!("Invalid siteId `{site}`")));
        }
    }
    let mut items: Vec<&Collection> = state
        .docs
        .collections
        .values()
        .filter(|c| site.is_none_or(|s| c.site_id == s))
        .filter(|c| visibility == "all" || c.visibility == visibility)
        .collect();
    items.sort_by(|a, b| {
        let o = match sort {
            "number" => a.number.cmp(&b.number),
            "visibility" => a.visibility.cmp(&b.visibility),
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
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
    let items = items.into_iter().map(|c| collection_json(state, c)).collect();
    ok(&envelope("collections", items, page, PAGE_SIZE))
}

fn get(state: &State, seg: &str) -> DocsResult {
    ok(&json!({ "collection": collection_json(state, find(state, seg)?) }))
}

struct Input {
    name: String,
    visibility: Option<String>,
    order: Option<i64>,
    description: Option<String>,
    site_id: Option<String>,
}

fn input(state: &State, req: &Req, own_id: Option<&str>) -> DocsResult<Input> {
    let body = body_object(req)?;
    let f = Fields(&body);
    let name = f.req_str("name")?.trim().to_string();
    // Collection names are unique per account (HSD collections/update).
    if state
        .docs
        .collections
        .values()
        .any(|c| Some(c.id.as_str()) != own_id && c.name.eq_ignore_ascii_case(&name))
    {
        return Err(DocsError::bad_request(format!(
            "A collection named `{name}` already exists"
        )));
    }
    let description = f.opt_str("description")?;
    if description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        return Err(DocsError::bad_request(format!(
            "description must be at most {MAX_DESCRIPTION} characters"
        )));
    }
    let site_id = f.opt_str("siteId")?;
    if let Some(site) = &site_id {
        super::sites::require_site(state, site, "siteId")?;
    }
    Ok(Input {
        name,
        visibility: f.opt_enum("visibility", &["public", "private"])?,
        order: f.opt_int("order")?,
        description,
        site_id,
    })
}

fn create(state: &mut State, req: &Req) -> DocsResult {
    let input = input(state, req, None)?;
    let site_id = match input.site_id {
        Some(s) => s,
        // Without siteId the collection goes to the account's first site.
        None => state
            .docs
            .sites
            .values()
            .min_by_key(|s| s.created_at)
            .map(|s| s.id.clone())
            .ok_or_else(|| DocsError::bad_request("siteId is required: the account has no Docs site"))?,
    };
    let id = state.docs.new_id(req.now);
    let number = super::DocsState::next_number(state.docs.collections.values().map(|c| &c.number));
    let c = Collection {
        id: id.clone(),
        site_id,
        number,
        slug: slug(&input.name),
        visibility: input.visibility.unwrap_or_else(|| "public".into()),
        order: input.order.unwrap_or(1),
        name: input.name,
        description: input.description,
        created_by: state.owner_id,
        updated_by: state.owner_id,
        created_at: req.now,
        updated_at: req.now,
    };
    let body = json!({ "collection": collection_json(state, &c) });
    state.docs.collections.insert(id.clone(), c);
    created(req, format!("/v1/collections/{id}"), body)
}

fn update(state: &mut State, req: &Req, id: &str) -> DocsResult {
    find_by_id(state, id)?;
    let input = input(state, req, Some(id))?;
    let owner = state.owner_id;
    let c = state
        .docs
        .collections
        .get_mut(id)
        .ok_or_else(|| DocsError::not_found("Collection"))?;
    c.slug = slug(&input.name);
    c.name = input.name;
    if let Some(v) = input.visibility {
        c.visibility = v;
    }
    if let Some(o) = input.order {
        c.order = o;
    }
    if input.description.is_some() {
        c.description = input.description;
    }
    // siteId moves the collection to another site.
    if let Some(site) = input.site_id {
        c.site_id = site;
    }
    c.updated_by = owner;
    c.updated_at = req.now;
    let c = c.clone();
    updated(req, json!({ "collection": collection_json(state, &c) }))
}

fn delete(state: &mut State, id: &str) -> DocsResult {
    find_by_id(state, id)?;
    remove(state, id);
    ok_empty()
}

/// Removes a collection with its categories, articles and their revisions.
pub(super) fn remove(state: &mut State, id: &str) {
    state.docs.collections.remove(id);
    state.docs.categories.retain(|_, c| c.collection_id != id);
    let gone: Vec<String> = state
        .docs
        .articles
        .values()
        .filter(|a| a.collection_id == id)
        .map(|a| a.id.clone())
        .collect();
    for article in gone {
        super::articles::remove(state, &article);
    }
}
