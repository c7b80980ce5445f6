//! Organizations and organization properties (catalogue 3 organizations,
//! organization_properties, 4.8).
//!
//! Membership is derived, not stored: a customer belongs to an organization
//! when their `organization` text is its name or one of their email domains
//! is one of its domains. Customers created or edited elsewhere therefore
//! show up without any bookkeeping here.

use std::collections::BTreeMap;

use chrono::Duration;
use serde_json::{json, Map, Value};

use crate::hal::{self, href, ApiError, ApiResult, PAGE_SIZE};
use crate::ids::{EMPTY_ORGANIZATION_ID, FIRST_ORGANIZATION_ID};
use crate::render;
use crate::routes::{id, Req};
use crate::state::{Conversation, Customer, State, Time};
use crate::validate::Obj;

#[derive(Clone, Debug)]
pub(crate) struct Organization {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) website: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) logo_url: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) domains: Vec<String>,
    pub(crate) phones: Vec<String>,
    pub(crate) brand_color: Option<String>,
    pub(crate) created_at: Time,
}

#[derive(Clone, Debug)]
pub(crate) struct PropertyOption {
    pub(crate) id: u64,
    pub(crate) label: String,
}

#[derive(Clone, Debug)]
pub(crate) struct PropertyDefinition {
    pub(crate) id: u64,
    /// text | number | url | date | dropdown
    pub(crate) kind: String,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) options: Vec<PropertyOption>,
}

#[derive(Debug, Default)]
pub(crate) struct OrgState {
    pub(crate) orgs: BTreeMap<u64, Organization>,
    /// In creation order (the list endpoint returns them so).
    pub(crate) definitions: Vec<PropertyDefinition>,
    /// (organization id, slug) -> value; dropdown values hold the option id.
    pub(crate) values: BTreeMap<(u64, String), String>,
}

/// Most property definitions an account may have (catalogue 3 organization_properties).
const MAX_DEFINITIONS: usize = 50;
const PROPERTY_TYPES: [&str; 5] = ["text", "number", "url", "date", "dropdown"];
const SORT_FIELDS: [&str; 4] = ["name", "customerCount", "conversationCount", "lastInteractionAt"];

/// Seeds one organization per company the seeded customers work for (ids from
/// [`FIRST_ORGANIZATION_ID`], in order of first appearance), one without
/// members ([`EMPTY_ORGANIZATION_ID`]) and a few property definitions.
pub(crate) fn seed(state: &mut State, now: Time) {
    let mut companies: Vec<(String, String, String)> = Vec::new();
    for c in state.customers.values() {
        if c.organization.is_empty() || companies.iter().any(|(name, _, _)| *name == c.organization) {
            continue;
        }
        let domain = c.email().and_then(|e| e.split('@').nth(1)).unwrap_or("").to_string();
        companies.push((c.organization.clone(), domain, c.location.clone()));
    }
    for (i, (name, domain, location)) in companies.into_iter().enumerate() {
        let oid = FIRST_ORGANIZATION_ID + i as u64;
        let org = Organization {
            id: oid,
            website: Some(format!("https://{domain}")),
            description: (i % 2 == 0).then(|| format!("{name} is a Fernwood customer since {}.", 2019 + i % 5)),
            location: Some(location),
            logo_url: Some(format!("https://logo.clearbit.com/{domain}")),
            note: (i == 0).then(|| "Strategic account: loop in the account manager on escalations.".to_string()),
            domains: vec![domain],
            phones: Vec::new(),
            brand_color: Some(["#1D4ED8", "#0F766E", "#B45309", "#7C3AED"][i % 4].to_string()),
            created_at: now - Duration::days(500 - 11 * i as i64),
            name,
        };
        state.orgs.orgs.insert(oid, org);
    }
    state.orgs.orgs.insert(
        EMPTY_ORGANIZATION_ID,
        Organization {
            id: EMPTY_ORGANIZATION_ID,
            name: "Northwind Traders".into(),
            website: Some("https://northwind-traders.example".into()),
            description: Some("Prospect from the spring trade show; no contacts yet.".into()),
            location: None,
            logo_url: None,
            note: None,
            domains: vec!["northwind-traders.example".into()],
            phones: vec!["+1 415-555-0199".into()],
            brand_color: None,
            created_at: now - Duration::days(20),
        },
    );
    state.reserve("organization", EMPTY_ORGANIZATION_ID);

    let definitions = [
        ("dropdown", "plan", "Plan", &["Starter", "Pro", "Enterprise"][..]),
        ("number", "seats", "Seats", &[][..]),
        ("date", "renewal-date", "Renewal date", &[][..]),
        ("text", "account-manager", "Account manager", &[][..]),
        ("url", "crm-record", "CRM record", &[][..]),
    ];
    for (kind, slug, name, labels) in definitions {
        let did = state.alloc("org_property", 91);
        let options = labels
            .iter()
            .map(|label| PropertyOption {
                id: state.alloc("org_property_option", 9101),
                label: (*label).to_string(),
            })
            .collect();
        state.orgs.definitions.push(PropertyDefinition {
            id: did,
            kind: kind.into(),
            slug: slug.into(),
            name: name.into(),
            options,
        });
    }
    let enterprise = option_id(state, "plan", "Enterprise");
    let pro = option_id(state, "plan", "Pro");
    let values = &mut state.orgs.values;
    if let Some(enterprise) = enterprise {
        values.insert((FIRST_ORGANIZATION_ID, "plan".into()), enterprise.to_string());
    }
    if let Some(pro) = pro {
        values.insert((FIRST_ORGANIZATION_ID + 1, "plan".into()), pro.to_string());
    }
    values.insert((FIRST_ORGANIZATION_ID, "seats".into()), "120".into());
    values.insert((FIRST_ORGANIZATION_ID, "renewal-date".into()), "2027-03-01".into());
    values.insert((FIRST_ORGANIZATION_ID, "account-manager".into()), "Priya Raman".into());
}

fn option_id(state: &State, slug: &str, label: &str) -> Option<u64> {
    state
        .orgs
        .definitions
        .iter()
        .find(|d| d.slug == slug)
        .and_then(|d| d.options.iter().find(|o| o.label == label))
        .map(|o| o.id)
}

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "organizations"]) => list(state, req),
        ("POST", ["v2", "organizations"]) => create(state, req),
        ("GET", ["v2", "organizations", "properties"]) => list_definitions(state, req),
        ("POST", ["v2", "organizations", "properties"]) => create_definition(state, req),
        ("GET", ["v2", "organizations", "properties", slug]) => get_definition(state, req, slug),
        ("PUT", ["v2", "organizations", "properties", slug]) => update_definition(state, req, slug),
        ("GET", ["v2", "organizations", oid]) => get(state, req, oid),
        ("PUT", ["v2", "organizations", oid]) => update(state, req, oid),
        ("DELETE", ["v2", "organizations", oid]) => delete(state, oid),
        ("GET", ["v2", "organizations", oid, "customers"]) => customers(state, req, oid),
        ("GET", ["v2", "organizations", oid, "conversations"]) => conversations(state, req, oid),
        ("PUT", ["v2", "organizations", oid, "properties", slug]) => set_value(state, req, oid, slug),
        _ => return None,
    };
    Some(r)
}

fn org<'a>(state: &'a State, seg: &str) -> ApiResult<&'a Organization> {
    let oid = id(seg)?;
    state.orgs.orgs.get(&oid).ok_or_else(ApiError::not_found)
}

fn is_member(org: &Organization, c: &Customer) -> bool {
    (!c.organization.is_empty() && c.organization.eq_ignore_ascii_case(&org.name))
        || c.emails.iter().any(|e| {
            e.value
                .rsplit_once('@')
                .is_some_and(|(_, domain)| org.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)))
        })
}

fn members<'a>(state: &'a State, org: &Organization) -> Vec<&'a Customer> {
    state.customers.values().filter(|c| is_member(org, c)).collect()
}

fn org_conversations<'a>(state: &'a State, org: &Organization) -> Vec<&'a Conversation> {
    let ids: Vec<u64> = members(state, org).iter().map(|c| c.id).collect();
    state
        .conversations
        .values()
        .filter(|c| ids.contains(&c.customer_id))
        .collect()
}

/// The newest conversation change of its customers; an organization nobody
/// has written from sorts by when it was created.
fn last_interaction(state: &State, org: &Organization) -> Time {
    org_conversations(state, org)
        .iter()
        .map(|c| c.modified_at)
        .max()
        .unwrap_or(org.created_at)
}

fn org_json(state: &State, o: &Organization, base: &str, counts: bool, properties: bool) -> Value {
    let url = format!("{base}/v2/organizations/{}", o.id);
    let mut v = Map::new();
    v.insert("id".into(), json!(o.id));
    v.insert("name".into(), json!(o.name));
    v.insert("website".into(), json!(o.website));
    v.insert("description".into(), json!(o.description));
    v.insert("location".into(), json!(o.location));
    v.insert("logoUrl".into(), json!(o.logo_url));
    v.insert("note".into(), json!(o.note));
    v.insert("domains".into(), json!(o.domains));
    v.insert("phones".into(), json!(o.phones));
    v.insert("brandColor".into(), json!(o.brand_color));
    if counts {
        v.insert("customerCount".into(), json!(members(state, o).len()));
        v.insert("conversationCount".into(), json!(org_conversations(state, o).len()));
    }
    if properties {
        let props: Vec<Value> = state
            .orgs
            .definitions
            .iter()
            .map(|d| {
                let raw = state.orgs.values.get(&(o.id, d.slug.clone()));
                let value = match (d.kind.as_str(), raw) {
                    ("dropdown", Some(raw)) => d
                        .options
                        .iter()
                        .find(|opt| opt.id.to_string() == *raw)
                        .map(|opt| json!(opt.label))
                        .unwrap_or(Value::Null),
                    (_, raw) => json!(raw),
                };
                let mut p = json!({
                    "definitionId": d.id, "slug": d.slug, "name": d.name, "type": d.kind, "value": value,
                });
                if d.kind == "dropdown" {
                    p["options"] = options_json(d);
                }
                p
            })
            .collect();
        v.insert("properties".into(), Value::Array(props));
    }
    v.insert(
        "_links".into(),
        json!({
            "conversations": href(format!("{url}/conversations")),
            "customers": href(format!("{url}/customers")),
            "self": href(url),
        }),
    );
    Value::Object(v)
}

fn bool_param(req: &Req, key: &str) -> ApiResult<bool> {
    match req.q(key) {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            key,
            "must be true or false",
            Value::String(other.into()),
        )),
    }
}

/// `sort=field[,asc|desc]`; the direction defaults to desc. `sortField` /
/// `sortOrder` (the customers/conversations style) are not read at all, so a
/// client using them silently gets the default order (catalogue 4.8).
fn sort_param(req: &Req) -> ApiResult<(&str, bool)> {
    let raw = req
        .q("sort")
        .filter(|s| !s.is_empty())
        .unwrap_or("lastInteractionAt,desc");
    let (field, dir) = match raw.split_once(',') {
        Some((f, d)) => (f.trim(), d.trim()),
        None => (raw.trim(), "desc"),
    };
    if !SORT_FIELDS.contains(&field) {
        return Err(ApiError::invalid(
            "sort",
            &format!("sort field must be one of: {}", SORT_FIELDS.join(", ")),
            Value::String(raw.into()),
        ));
    }
    let descending = match dir.to_ascii_lowercase().as_str() {
        "desc" => true,
        "asc" => false,
        _ => {
            return Err(ApiError::invalid(
                "sort",
                "sort direction must be asc or desc",
                Value::String(raw.into()),
            ))
        }
    };
    Ok((field, descending))
}

fn list(state: &State, req: &Req) -> ApiResult {
    let (field, descending) = sort_param(req)?;
    let mut orgs: Vec<&Organization> = state.orgs.orgs.values().collect();
    orgs.sort_by(|a, b| {
        let ord = match field {
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            "customerCount" => members(state, a).len().cmp(&members(state, b).len()),
            "conversationCount" => org_conversations(state, a)
                .len()
                .cmp(&org_conversations(state, b).len()),
            _ => last_interaction(state, a).cmp(&last_interaction(state, b)),
        }
        .then(a.id.cmp(&b.id));
        if descending {
            ord.reverse()
        } else {
            ord
        }
    });
    let items = orgs
        .iter()
        .map(|o| org_json(state, o, &req.base, false, false))
        .collect();
    hal::paged(req, "organizations", items, PAGE_SIZE)
}

fn get(state: &State, req: &Req, seg: &str) -> ApiResult {
    let o = org(state, seg)?;
    let counts = bool_param(req, "includeCounts")?;
    let properties = bool_param(req, "includeProperties")?;
    Ok(hal::hal(&org_json(state, o, &req.base, counts, properties)))
}

/// The writable fields of an organization, validated.
struct OrgBody {
    name: String,
    website: Option<String>,
    description: Option<String>,
    location: Option<String>,
    note: Option<String>,
    domains: Vec<String>,
    phones: Vec<String>,
    brand_color: Option<String>,
}

fn org_body(req: &Req) -> ApiResult<OrgBody> {
    let body = req.json()?;
    let mut o = Obj::new(&body, "organization")?;
    let name = o.req_str("name");
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        o.error("name", "size must be between 1 and 100", json!(name));
    }
    let website = o.opt_str("website").filter(|s| !s.is_empty());
    if let Some(w) = &website {
        if !(w.starts_with("https://") || w.starts_with("http://")) || w.contains(' ') {
            o.error("website", "must be a valid URL", json!(w));
        }
    }
    let description = o.opt_str("description").filter(|s| !s.is_empty());
    let location = o.opt_str("location").filter(|s| !s.is_empty());
    let note = o.opt_str("note").filter(|s| !s.is_empty());
    let mut domains = o.opt_str_list("domains");
    // Create's page names a single `domain`; accept it as well.
    if let Some(d) = o.opt_str("domain").filter(|s| !s.is_empty()) {
        domains.push(d);
    }
    for d in &domains {
        if !d.contains('.') || d.contains('/') || d.contains(' ') || d.contains('@') {
            o.error("domains", "must be a domain name such as example.com", json!(d));
        }
    }
    let phones = o.opt_str_list("phones");
    let brand_color = o.opt_str("brandColor").filter(|s| !s.is_empty());
    if let Some(c) = &brand_color {
        let hex = c.strip_prefix('#').unwrap_or("");
        if hex.len() != 6 || !hex.chars().all(|ch| ch.is_ascii_hexdigit()) {
            o.error("brandColor", "must be a hex colour such as #1D4ED8", json!(c));
        }
    }
    o.finish()?;
    Ok(OrgBody {
        name: name.unwrap_or_default(),
        website,
        description,
        location,
        note,
        domains,
        phones,
        brand_color,
    })
}

fn create(state: &mut State, req: &Req) -> ApiResult {
    let b = org_body(req)?;
    let oid = state.alloc("organization", FIRST_ORGANIZATION_ID);
    state.orgs.orgs.insert(
        oid,
        Organization {
            id: oid,
            name: b.name,
            website: b.website,
            description: b.description,
            location: b.location,
            logo_url: None,
            note: b.note,
            domains: b.domains,
            phones: b.phones,
            brand_color: b.brand_color,
            created_at: req.now,
        },
    );
    // The official example's Location carries the two flags (catalogue 4.5).
    Ok(hal::created(
        req.url(&format!(
            "/v2/organizations/{oid}?includeCounts=false&includeProperties=false"
        )),
        oid,
    ))
}

/// A complete update: every field left out is cleared; only the logo survives
/// (catalogue 3 update_organization, 4.8).
fn update(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    org(state, seg)?;
    let b = org_body(req)?;
    let oid = id(seg)?;
    if let Some(o) = state.orgs.orgs.get_mut(&oid) {
        o.name = b.name;
        o.website = b.website;
        o.description = b.description;
        o.location = b.location;
        o.note = b.note;
        o.domains = b.domains;
        o.phones = b.phones;
        o.brand_color = b.brand_color;
    }
    Ok(hal::no_content())
}

fn delete(state: &mut State, seg: &str) -> ApiResult {
    let oid = org(state, seg)?.id;
    state.orgs.orgs.remove(&oid);
    state.orgs.values.retain(|(o, _), _| *o != oid);
    Ok(hal::no_content())
}

fn customers(state: &State, req: &Req, seg: &str) -> ApiResult {
    let o = org(state, seg)?;
    let items = members(state, o)
        .iter()
        .map(|c| render::customer(c, &req.base, &["emails", "phones"]))
        .collect();
    hal::paged(req, "customers", items, PAGE_SIZE)
}

fn conversations(state: &State, req: &Req, seg: &str) -> ApiResult {
    let o = org(state, seg)?;
    let mut convs = org_conversations(state, o);
    convs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let items = convs
        .iter()
        .map(|c| render::conversation(state, c, &req.base, false, false))
        .collect();
    hal::paged(req, "conversations", items, PAGE_SIZE)
}

// ------------------------------------------------------------------ properties

fn options_json(d: &PropertyDefinition) -> Value {
    Value::Array(
        d.options
            .iter()
            .map(|o| json!({ "id": o.id, "label": o.label }))
            .collect(),
    )
}

fn definition_json(d: &PropertyDefinition, base: &str) -> Value {
    let mut v = json!({
        "id": d.id,
        "type": d.kind,
        "slug": d.slug,
        "name": d.name,
        "_links": { "self": href(format!("{base}/v2/organizations/properties/{}", d.slug)) },
    });
    if d.kind == "dropdown" {
        v["options"] = options_json(d);
    }
    v
}

fn definition<'a>(state: &'a State, slug: &str) -> ApiResult<&'a PropertyDefinition> {
    state
        .orgs
        .definitions
        .iter()
        .find(|d| d.slug == slug)
        .ok_or_else(ApiError::not_found)
}

/// `_embedded` + `_links.self` only, no paging: at most 50 exist (catalogue 4.3).
fn list_definitions(state: &State, req: &Req) -> ApiResult {
    let items: Vec<Value> = state
        .orgs
        .definitions
        .iter()
        .map(|d| definition_json(d, &req.base))
        .collect();
    Ok(hal::hal(&json!({
        "_embedded": { "organization-properties": items },
        "_links": { "self": href(req.url("/v2/organizations/properties")) },
    })))
}

fn get_definition(state: &State, req: &Req, slug: &str) -> ApiResult {
    Ok(hal::hal(&definition_json(definition(state, slug)?, &req.base)))
}

/// Option labels from `options: [{label}]`, each 1..=100 characters, at most 100.
fn option_labels(o: &mut Obj<'_>) -> Option<Vec<String>> {
    let raw = o.get("options")?;
    let Some(items) = raw.as_array() else {
        o.error("options", "must be an array", crate::validate::truncate_value(raw));
        return Some(Vec::new());
    };
    if items.len() > 100 {
        o.error("options", "size must be between 0 and 100", json!(items.len()));
    }
    let mut labels = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.get("label").and_then(Value::as_str).map(str::trim) {
            Some(label) if !label.is_empty() && label.chars().count() <= 100 => {
                if labels.iter().any(|l: &String| l == label) {
                    o.error(&format!("options[{i}].label"), "labels must be unique", json!(label));
                }
                labels.push(label.to_string());
            }
            _ => o.error(
                &format!("options[{i}].label"),
                "size must be between 1 and 100",
                crate::validate::truncate_value(item),
            ),
        }
    }
    Some(labels)
}

fn create_definition(state: &mut State, req: &Req) -> ApiResult {
    let body = req.json()?;
    let mut o = Obj::new(&body, "property")?;
    let kind = o.req_str("type");
    if let Some(k) = &kind {
        if !PROPERTY_TYPES.contains(&k.as_str()) {
            o.error(
                "type",
                &format!("allowed values are: {}", PROPERTY_TYPES.join(", ")),
                json!(k),
            );
        }
    }
    let slug = o.req_str("slug");
    if let Some(s) = &slug {
        let valid_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if s.chars().count() > 120 || !valid_chars {
            o.error(
                "slug",
                "must be 1 to 120 lowercase letters, digits, '-' or '_'",
                json!(s),
            );
        } else if state.orgs.definitions.iter().any(|d| d.slug == *s) {
            o.error("slug", "a property with this slug already exists", json!(s));
        }
    }
    let name = o.req_str("name");
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        o.error("name", "size must be between 1 and 100", json!(name));
    }
    let labels = option_labels(&mut o);
    match (kind.as_deref(), &labels) {
        (Some("dropdown"), None) => o.error("options", "may not be empty for a dropdown", Value::Null),
        (Some("dropdown"), Some(l)) if l.is_empty() => o.error("options", "may not be empty for a dropdown", json!([])),
        (Some(k), Some(l)) if k != "dropdown" && !l.is_empty() => {
            o.error("options", "only dropdown properties have options", json!("[...]"))
        }
        _ => {}
    }
    if state.orgs.definitions.len() >= MAX_DEFINITIONS {
        o.error(
            "",
            "an account can have at most 50 organization properties",
            Value::Null,
        );
    }
    o.finish()?;
    let did = state.alloc("org_property", 91);
    let options = labels
        .unwrap_or_default()
        .into_iter()
        .map(|label| PropertyOption {
            id: state.alloc("org_property_option", 9101),
            label,
        })
        .collect();
    let slug = slug.unwrap_or_default();
    state.orgs.definitions.push(PropertyDefinition {
        id: did,
        kind: kind.unwrap_or_default(),
        slug: slug.clone(),
        name: name.unwrap_or_default(),
        options,
    });
    Ok(hal::created(
        req.url(&format!("/v2/organizations/properties/{slug}")),
        did,
    ))
}

/// Rename and/or replace the option list. Options are matched by label: a
/// label that is no longer listed is deleted, and so is every organization's
/// value that used it (catalogue 3 update_organization_property_definition).
fn update_definition(state: &mut State, req: &Req, slug: &str) -> ApiResult {
    let kind = definition(state, slug)?.kind.clone();
    let body = req.json()?;
    let mut o = Obj::new(&body, "property")?;
    let name = o.req_str("name");
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        o.error("name", "size must be between 1 and 100", json!(name));
    }
    // type and slug are immutable; sending a different one is an error.
    for key in ["type", "slug"] {
        if let Some(v) = o.get(key) {
            let current = if key == "type" { kind.as_str() } else { slug };
            if v.as_str() != Some(current) {
                o.error(key, "cannot be changed", v.clone());
            }
        }
    }
    let labels = option_labels(&mut o);
    match (&labels, kind.as_str()) {
        (Some(l), "dropdown") if l.is_empty() => o.error("options", "may not be empty for a dropdown", json!([])),
        (Some(l), k) if k != "dropdown" && !l.is_empty() => {
            o.error("options", "only dropdown properties have options", json!("[...]"))
        }
        _ => {}
    }
    o.finish()?;
    let mut removed: Vec<u64> = Vec::new();
    let mut next_ids: Vec<u64> = Vec::new();
    if let Some(labels) = &labels {
        if kind == "dropdown" {
            for _ in 0..labels.len() {
                next_ids.push(state.alloc("org_property_option", 9101));
            }
        }
    }
    if let Some(d) = state.orgs.definitions.iter_mut().find(|d| d.slug == slug) {
        d.name = name.unwrap_or_default();
        if let (Some(labels), "dropdown") = (labels, kind.as_str()) {
            let old = std::mem::take(&mut d.options);
            let mut fresh = next_ids.into_iter();
            for label in labels {
                match old.iter().find(|opt| opt.label == label) {
                    Some(kept) => d.options.push(kept.clone()),
                    None => d.options.push(PropertyOption {
                        id: fresh.next().unwrap_or_default(),
                        label,
                    }),
                }
            }
            removed = old
                .iter()
                .filter(|opt| !d.options.iter().any(|n| n.id == opt.id))
                .map(|opt| opt.id)
                .collect();
        }
    }
    state
        .orgs
        .values
        .retain(|(_, s), v| !(s == slug && removed.iter().any(|r| r.to_string() == *v)));
    Ok(hal::no_content())
}

/// Values are always JSON strings, whatever the property type (catalogue 4.8).
fn set_value(state: &mut State, req: &Req, oseg: &str, slug: &str) -> ApiResult {
    let oid = org(state, oseg)?.id;
    let d = definition(state, slug)?.clone();
    let body = req.json()?;
    let mut o = Obj::new(&body, "body")?;
    let stored = match o.get("value") {
        None => {
            o.error("value", "may not be null", Value::Null);
            None
        }
        Some(Value::String(s)) => match check_value(&d, s.trim()) {
            Ok(v) => Some(v),
            Err(message) => {
                o.error("value", &message, json!(s));
                None
            }
        },
        Some(other) => {
            o.error("value", "must be a string", other.clone());
            None
        }
    };
    o.finish()?;
    if let Some(v) = stored {
        state.orgs.values.insert((oid, slug.to_string()), v);
    }
    Ok(hal::no_content())
}

/// The stored form of a value, or why it does not fit the property's type.
fn check_value(d: &PropertyDefinition, s: &str) -> Result<String, String> {
    match d.kind.as_str() {
        "number" => s
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| "must be a whole number written as a string, e.g. \"100\"".to_string()),
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|date| date.format("%Y-%m-%d").to_string())
            .map_err(|_| "must be a date formatted YYYY-MM-DD".to_string()),
        "url" if (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(' ') => Ok(s.to_string()),
        "url" => Err("must be a valid URL".to_string()),
        "dropdown" => d
            .options
            .iter()
            .find(|o| o.label == s || o.id.to_string() == s)
            .map(|o| o.id.to_string())
            .ok_or_else(|| {
                let labels: Vec<&str> = d.options.iter().map(|o| o.label.as_str()).collect();
                format!("must be one of the options: {}", labels.join(", "))
            }),
        _ if s.chars().count() > 255 => Err("size must be between 0 and 255".to_string()),
        _ => Ok(s.to_string()),
    }
}
