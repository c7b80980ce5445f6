//! Site-scoped redirects and Find Redirect, which follows chains (catalogue 3
//! docs_redirects, 4.12, section 5: find is `GET /v1/redirects?url=&siteId=`).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{
    body_object, created, envelope, ok, ok_empty, page_param, updated, DocsError, DocsResult, Fields, Redirect,
    PAGE_SIZE,
};
use crate::routes::Req;
use crate::state::{ts, State};

/// Longest chain Find Redirect follows before giving up (loops end sooner).
const MAX_HOPS: usize = 10;

pub(super) fn route(state: &mut State, req: &Req, method: &str, segs: &[&str]) -> Option<DocsResult> {
    let r = match (method, segs) {
        ("GET", ["redirects"]) => find_redirect(state, req),
        ("POST", ["redirects"]) => create(state, req),
        ("GET", ["redirects", "site", site]) => list(state, req, site),
        ("GET", ["redirects", id]) => get(state, id),
        ("PUT", ["redirects", id]) => update(state, req, id),
        ("DELETE", ["redirects", id]) => delete(state, id),
        _ => return None,
    };
    Some(r)
}

/// `https://host/path?q#frag` -> (host, path, fragment); a bare path has no host.
fn split_url(url: &str) -> (Option<String>, String, Option<String>) {
    let (rest, host) = match url.split_once("://") {
        Some((_, rest)) => {
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            (&rest[end..], Some(rest[..end].to_ascii_lowercase()))
        }
        None => (url, None),
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (rest, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    let path = if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    };
    (host, path, fragment)
}

/// Query parameters are ignored when creating or searching redirects
/// (HSD redirects/create).
fn normalise_mapping(raw: &str) -> String {
    let (_, path, _) = split_url(raw.trim());
    if path.len() > 1 {
        path.trim_end_matches('/').to_string()
    } else {
        path
    }
}

/// What a redirect points at: `(type, documentId, slug, number, anchor)`.
/// Targets on one of the account's Docs sites resolve to the article,
/// category or collection with that number; everything else is `custom`.
fn target(state: &State, url: &str) -> (String, Option<String>, Option<String>, Option<u64>, Option<String>) {
    let (host, path, anchor) = split_url(url);
    let on_docs_site = host.is_some_and(|h| state.docs.sites.values().any(|s| s.hosts().contains(&h)));
    let custom = ("custom".to_string(), None, None, None, None);
    if !on_docs_site {
        return custom;
    }
    let mut segs = path.split('/').filter(|s| !s.is_empty());
    let (Some(kind), Some(tail)) = (segs.next(), segs.next()) else {
        return custom;
    };
    let Some(number) = tail.split('-').next().and_then(|n| n.parse::<u64>().ok()) else {
        return custom;
    };
    let found = match kind {
        "article" => state
            .docs
            .articles
            .values()
            .find(|a| a.number == number)
            .map(|a| (a.id.clone(), a.slug.clone())),
        "category" => state
            .docs
            .categories
            .values()
            .find(|c| c.number == number)
            .map(|c| (c.id.clone(), c.slug.clone())),
        "collection" => state
            .docs
            .collections
            .values()
            .find(|c| c.number == number)
            .map(|c| (c.id.clone(), c.slug.clone())),
        _ => None,
    };
    match found {
        Some((id, slug)) => (kind.to_string(), Some(id), Some(slug), Some(number), anchor),
        None => custom,
    }
}

fn redirect_json(state: &State, r: &Redirect) -> Value {
    let (kind, document_id, _, _, anchor) = target(state, &r.redirect);
    json!({
        "id": r.id,
        "siteId": r.site_id,
        "urlMapping": r.url_mapping,
        "documentId": document_id,
        "type": kind,
        "redirect": r.redirect,
        "anchor": anchor,
        "createdBy": r.created_by,
        "modifiedBy": r.modified_by,
        "createdAt": ts(r.created_at),
        "modifiedAt": ts(r.modified_at),
    })
}

fn find<'a>(state: &'a State, id: &str) -> DocsResult<&'a Redirect> {
    state
        .docs
        .redirects
        .get(id)
        .ok_or_else(|| DocsError::not_found("Redirect"))
}

fn list(state: &State, req: &Req, site: &str) -> DocsResult {
    if !state.docs.sites.contains_key(site) {
        return Err(DocsError::not_found("Site"));
    }
    let page = page_param(req)?;
    let mut items: Vec<&Redirect> = state.docs.redirects.values().filter(|r| r.site_id == site).collect();
    items.sort_by(|a, b| a.url_mapping.cmp(&b.url_mapping));
    let items = items.into_iter().map(|r| redirect_json(state, r)).collect();
    ok(&envelope("redirects", items, page, PAGE_SIZE))
}

fn get(state: &State, id: &str) -> DocsResult {
    ok(&json!({ "redirect": redirect_json(state, find(state, id)?) }))
}

/// Follows the chain from `url` to its final destination on one site;
/// `{"redirectedUrl": null}` when nothing matches (catalogue 4.12).
fn find_redirect(state: &State, req: &Req) -> DocsResult {
    let url = req.q("url").map(str::trim).filter(|u| !u.is_empty());
    let site = req.q("siteId").map(str::trim).filter(|s| !s.is_empty());
    let (Some(url), Some(site_id)) = (url, site) else {
        return Err(DocsError::bad_request("url and siteId are both required"));
    };
    let hosts = state.docs.sites.get(site_id).map(|s| s.hosts()).unwrap_or_default();
    let mut current = normalise_mapping(url);
    let mut seen = BTreeSet::new();
    let mut last: Option<&Redirect> = None;
    while seen.len() < MAX_HOPS && seen.insert(current.clone()) {
        let Some(r) = state
            .docs
            .redirects
            .values()
            .find(|r| r.site_id == site_id && r.url_mapping == current)
        else {
            break;
        };
        last = Some(r);
        // Only a target on this same site can itself be redirected again.
        match split_url(&r.redirect) {
            (Some(host), path, _) if hosts.contains(&host) => current = normalise_mapping(&path),
            _ => break,
        }
    }
    let Some(r) = last else {
        return ok(&json!({ "redirectedUrl": null }));
    };
    let (kind, _, slug, number, anchor) = target(state, &r.redirect);
    ok(&json!({ "redirectedUrl": {
        "type": kind,
        "redirect": r.redirect,
        "slug": slug,
        "number": number,
        "anchor": anchor,
    }}))
}

struct Input {
    site_id: String,
    url_mapping: String,
    redirect: String,
}

fn input(state: &State, req: &Req, own_id: Option<&str>) -> DocsResult<Input> {
    let body = body_object(req)?;
    let f = Fields(&body);
    let site_id = f.req_str("siteId")?;
    super::sites::require_site(state, &site_id, "siteId")?;
    let raw_mapping = f.req_str("urlMapping")?;
    let url_mapping = normalise_mapping(&raw_mapping);
    if !raw_mapping.trim().starts_with('/') && !raw_mapping.contains("://") {
        return Err(DocsError::bad_request(format!(
            "Invalid urlMapping `{raw_mapping}`: must be a path such as /old/article/1234"
        )));
    }
    let redirect = f.req_str("redirect")?.trim().to_string();
    let absolute = (redirect.starts_with("https://") || redirect.starts_with("http://")) && redirect.len() > 8;
    if !absolute {
        return Err(DocsError::bad_request(format!(
            "Invalid redirect `{redirect}`: must be a fully qualified URL"
        )));
    }
    let taken = state
        .docs
        .redirects
        .values()
        .any(|r| r.site_id == site_id && r.url_mapping == url_mapping && Some(r.id.as_str()) != own_id);
    if taken {
        return Err(DocsError::bad_request(format!(
            "A redirect from `{url_mapping}` already exists on this site"
        )));
    }
    Ok(Input {
        site_id,
        url_mapping,
        redirect,
    })
}

fn create(state: &mut State, req: &Req) -> DocsResult {
    let input = input(state, req, None)?;
    let id = state.docs.new_id(req.now);
    let r = Redirect {
        id: id.clone(),
        site_id: input.site_id,
        url_mapping: input.url_mapping,
        redirect: input.redirect,
        created_by: state.owner_id,
        modified_by: state.owner_id,
        created_at: req.now,
        modified_at: req.now,
    };
    let body = json!({ "redirect": redirect_json(state, &r) });
    state.docs.redirects.insert(id.clone(), r);
    created(req, format!("/v1/redirects/{id}"), body)
}

fn update(state: &mut State, req: &Req, id: &str) -> DocsResult {
    find(state, id)?;
    let input = input(state, req, Some(id))?;
    let owner = state.owner_id;
    let r = state
        .docs
        .redirects
        .get_mut(id)
        .ok_or_else(|| DocsError::not_found("Redirect"))?;
    r.site_id = input.site_id;
    r.url_mapping = input.url_mapping;
    r.redirect = input.redirect;
    r.modified_by = owner;
    r.modified_at = req.now;
    let r = r.clone();
    updated(req, json!({ "redirect": redirect_json(state, &r) }))
}

fn delete(state: &mut State, id: &str) -> DocsResult {
    find(state, id)?;
    state.docs.redirects.remove(id);
    ok_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_and_mappings_normalise() {
        assert_eq!(
            split_url("https://Help.Fernwood.io/article/23-x?a=1#top"),
            (
                Some("help.fernwood.io".into()),
                "/article/23-x".into(),
                Some("top".into())
            )
        );
        assert_eq!(normalise_mapping("/old/path/?utm=1"), "/old/path");
        assert_eq!(normalise_mapping("/"), "/");
    }
}
