//! Docs sites and their restricted-Docs (SSO) settings (catalogue 3 docs_sites).

use serde_json::{json, Map, Value};

use super::{
    body_object, created, envelope, is_docs_id, ok, ok_empty, page_param, updated, DocsError, DocsResult, Fields,
    Restriction, Site, PAGE_SIZE,
};
use crate::routes::Req;
use crate::state::{ts, State};

pub(super) fn route(state: &mut State, req: &Req, method: &str, segs: &[&str]) -> Option<DocsResult> {
    let r = match (method, segs) {
        ("GET", ["sites"]) => list(state, req),
        ("POST", ["sites"]) => create(state, req),
        ("GET", ["sites", id]) => get(state, id),
        ("PUT", ["sites", id]) => update(state, req, id),
        ("DELETE", ["sites", id]) => delete(state, id),
        ("GET", ["sites", id, "restricted"]) => get_restricted(state, id),
        ("PUT", ["sites", id, "restricted"]) => put_restricted(state, req, id),
        _ => return None,
    };
    Some(r)
}

enum Kind {
    Str,
    Bool,
    Int,
}

/// The settable Site fields (HSD docs-api/sites/update, objects/site).
const FIELDS: &[(&str, Kind)] = &[
    ("status", Kind::Str),
    ("subDomain", Kind::Str),
    ("cname", Kind::Str),
    ("hasPublicSite", Kind::Bool),
    ("companyName", Kind::Str),
    ("title", Kind::Str),
    ("logoUrl", Kind::Str),
    ("logoWidth", Kind::Int),
    ("logoHeight", Kind::Int),
    ("favIconUrl", Kind::Str),
    ("touchIconUrl", Kind::Str),
    ("homeUrl", Kind::Str),
    ("homeLinkText", Kind::Str),
    ("bgColor", Kind::Str),
    ("description", Kind::Str),
    ("hasContactForm", Kind::Bool),
    ("mailboxId", Kind::Int),
    ("contactEmail", Kind::Str),
    ("styleSheetUrl", Kind::Str),
    ("headerCode", Kind::Str),
];

pub(super) fn site_json(site: &Site) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(site.id));
    for (key, _) in FIELDS {
        let default = match *key {
            "status" => json!("active"),
            "hasPublicSite" => json!(true),
            "hasContactForm" => json!(false),
            _ => Value::Null,
        };
        out.insert((*key).into(), site.settings.get(*key).cloned().unwrap_or(default));
    }
    out.insert("createdBy".into(), json!(site.created_by));
    out.insert("updatedBy".into(), json!(site.updated_by));
    out.insert("createdAt".into(), json!(ts(site.created_at)));
    out.insert("updatedAt".into(), json!(ts(site.updated_at)));
    Value::Object(out)
}

fn find<'a>(state: &'a State, id: &str) -> DocsResult<&'a Site> {
    state.docs.sites.get(id).ok_or_else(|| DocsError::not_found("Site"))
}

fn list(state: &State, req: &Req) -> DocsResult {
    let page = page_param(req)?;
    let mut sites: Vec<&Site> = state.docs.sites.values().collect();
    sites.sort_by_key(|s| s.created_at);
    let items = sites.into_iter().map(site_json).collect();
    ok(&envelope("sites", items, page, PAGE_SIZE))
}

fn get(state: &State, id: &str) -> DocsResult {
    ok(&json!({ "site": site_json(find(state, id)?) }))
}

/// Validated settings from a create/update body. `subDomain` is required on
/// both and must be unique across all Help Scout Docs customers (400 otherwise).
fn settings(state: &State, body: &Map<String, Value>, own_id: Option<&str>) -> DocsResult<Map<String, Value>> {
    let fields = Fields(body);
    let sub_domain = fields.req_str("subDomain")?.trim().to_ascii_lowercase();
    let valid = sub_domain.len() <= 63
        && sub_domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !sub_domain.starts_with('-')
        && !sub_domain.ends_with('-');
    if !valid {
        return Err(DocsError::bad_request(format!(
            "Invalid subDomain `{sub_domain}`: use letters, digits and hyphens"
        )));
    }
    let taken = state.docs.sites.values().any(|s| {
        Some(s.id.as_str()) != own_id
            && s.settings
                .get("subDomain")
                .and_then(Value::as_str)
                .is_some_and(|d| d.eq_ignore_ascii_case(&sub_domain))
    });
    if taken {
        return Err(DocsError::bad_request(format!(
            "The subDomain `{sub_domain}` is already in use"
        )));
    }
    let mut out = Map::new();
    for (key, kind) in FIELDS {
        let value = match kind {
            Kind::Str => fields.opt_str(key)?.map(Value::String),
            Kind::Bool => fields.opt_bool(key)?.map(Value::Bool),
            Kind::Int => fields.opt_int(key)?.map(Value::from),
        };
        if let Some(value) = value {
            out.insert((*key).into(), value);
        }
    }
    out.insert("subDomain".into(), json!(sub_domain));
    if let Some(status) = out.get("status").and_then(Value::as_str) {
        if !["active", "inactive"].contains(&status) {
            return Err(DocsError::bad_request(format!(
                "Invalid status `{status}`: expected active or inactive"
            )));
        }
    }
    if let Some(mailbox) = out.get("mailboxId").and_then(Value::as_u64) {
        if !state.mailboxes.contains_key(&mailbox) {
            return Err(DocsError::bad_request(format!("Unknown mailboxId {mailbox}")));
        }
    }
    if let Some(email) = out.get("contactEmail").and_then(Value::as_str) {
        if !crate::validate::looks_like_email(email) {
            return Err(DocsError::bad_request(format!("Invalid contactEmail `{email}`")));
        }
    }
    Ok(out)
}

fn create(state: &mut State, req: &Req) -> DocsResult {
    let body = body_object(req)?;
    let settings = settings(state, &body, None)?;
    let title = settings.get("title").and_then(Value::as_str).unwrap_or("");
    if title.trim().is_empty() {
        return Err(DocsError::bad_request("title is required"));
    }
    let id = state.docs.new_id(req.now);
    let site = Site {
        id: id.clone(),
        settings,
        created_by: state.owner_id,
        updated_by: state.owner_id,
        created_at: req.now,
        updated_at: req.now,
        restriction: Restriction {
            enabled: false,
            sign_in_url: None,
            shared_secret: None,
        },
    };
    let body = json!({ "site": site_json(&site) });
    state.docs.sites.insert(id.clone(), site);
    created(req, format!("/v1/sites/{id}"), body)
}

fn update(state: &mut State, req: &Req, id: &str) -> DocsResult {
    find(state, id)?;
    let body = body_object(req)?;
    let settings = settings(state, &body, Some(id))?;
    let owner = state.owner_id;
    let site = state
        .docs
        .sites
        .get_mut(id)
        .ok_or_else(|| DocsError::not_found("Site"))?;
    // Fields left out keep their value.
    site.settings.extend(settings);
    site.updated_by = owner;
    site.updated_at = req.now;
    let body = json!({ "site": site_json(site) });
    updated(req, body)
}

/// Deleting a site takes its collections (with their categories and articles)
/// and its redirects with it.
fn delete(state: &mut State, id: &str) -> DocsResult {
    find(state, id)?;
    state.docs.sites.remove(id);
    let collections: Vec<String> = state
        .docs
        .collections
        .values()
        .filter(|c| c.site_id == id)
        .map(|c| c.id.clone())
        .collect();
    for c in collections {
        super::collections::remove(state, &c);
    }
    state.docs.redirects.retain(|_, r| r.site_id != id);
    ok_empty()
}

pub(super) fn restriction_json(r: &Restriction) -> Value {
    let mut out = Map::new();
    out.insert("enabled".into(), json!(r.enabled));
    if let Some(url) = &r.sign_in_url {
        out.insert("authentication".into(), json!("CALLBACK"));
        out.insert(
            "callbackConfiguration".into(),
            json!({ "signInUrl": url, "sharedSecret": r.shared_secret }),
        );
    }
    Value::Object(out)
}

fn get_restricted(state: &State, id: &str) -> DocsResult {
    ok(&restriction_json(&find(state, id)?.restriction))
}

/// Enabling restricted Docs needs `authentication: CALLBACK` and a sign-in URL;
/// the answer is the SiteRestriction itself, shared secret included (HSD
/// sites/restrictions/update).
fn put_restricted(state: &mut State, req: &Req, id: &str) -> DocsResult {
    find(state, id)?;
    let body = body_object(req)?;
    let fields = Fields(&body);
    let enabled = fields
        .opt_bool("enabled")?
        .ok_or_else(|| DocsError::bad_request("enabled is required"))?;
    let authentication = fields.opt_str("authentication")?;
    let sign_in_url = body
        .get("callbackConfiguration")
        .and_then(|c| c.get("signInUrl"))
        .and_then(Value::as_str)
        .map(str::to_string);
    match authentication.as_deref() {
        None if enabled => {
            return Err(DocsError::bad_request(
                "authentication is required when enabled is true",
            ))
        }
        Some(a) if a != "CALLBACK" => {
            return Err(DocsError::bad_request(format!(
                "Invalid authentication `{a}`: expected CALLBACK"
            )))
        }
        _ => {}
    }
    if authentication.is_some() {
        match &sign_in_url {
            None => {
                return Err(DocsError::bad_request(
                    "callbackConfiguration.signInUrl is required when authentication is CALLBACK",
                ))
            }
            Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                return Err(DocsError::bad_request(format!(
                    "Invalid callbackConfiguration.signInUrl `{url}`: must be an absolute URL"
                )))
            }
            _ => {}
        }
    }
    let secret = new_shared_secret(state, req);
    let site = state
        .docs
        .sites
        .get_mut(id)
        .ok_or_else(|| DocsError::not_found("Site"))?;
    let r = &mut site.restriction;
    r.enabled = enabled;
    if sign_in_url.is_some() {
        r.sign_in_url = sign_in_url;
        r.shared_secret.get_or_insert(secret);
    }
    site.updated_at = req.now;
    let body = restriction_json(&site.restriction);
    ok(&body)
}

/// 32 random-looking bytes, base64 (the shape HSD shows).
fn new_shared_secret(state: &mut State, req: &Req) -> String {
    use base64::Engine as _;
    let seed = state.docs.new_id(req.now);
    let mut bytes = Vec::with_capacity(32);
    let mut x = crate::render::fnv(seed.as_bytes()) | 1;
    for _ in 0..32 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.push((x >> 24) as u8);
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A site id from a query parameter or body field that must name a site.
pub(super) fn require_site(state: &State, id: &str, field: &str) -> DocsResult<()> {
    if !is_docs_id(id) || !state.docs.sites.contains_key(id) {
        return Err(DocsError::bad_request(format!(
            "Invalid {field}: no site with id `{id}`"
        )));
    }
    Ok(())
}
