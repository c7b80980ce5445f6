//! Customer property definitions and per-customer property values (catalogue 3
//! customer_properties, customer_property_definitions; 4.6, 4.8).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::hal::{self, href, ApiError, ApiResult, FieldError};
use crate::routes::{id, Req};
use crate::state::{State, Time};
use crate::validate::{truncate_value, Obj};

/// Most definitions a company can have (catalogue 4.8).
pub(crate) const MAX_DEFINITIONS: usize = 50;
/// Slugs Help Scout keeps for built-in customer fields (catalogue 4.8).
const RESERVED_SLUGS: [&str; 4] = ["email", "name", "company", "jobTitle"];
const TYPES: [&str; 5] = ["number", "text", "url", "date", "dropdown"];
const MAX_OPTIONS: usize = 100;

#[derive(Clone, Debug)]
pub(crate) struct PropOption {
    /// A UUID.
    pub(crate) id: String,
    pub(crate) label: String,
}

#[derive(Clone, Debug)]
pub(crate) struct PropertyDef {
    pub(crate) slug: String,
    pub(crate) name: String,
    /// number | text | url | date | dropdown
    pub(crate) kind: String,
    pub(crate) options: Vec<PropOption>,
}

#[derive(Debug, Default)]
pub(crate) struct PropertyState {
    /// In creation order.
    pub(crate) definitions: Vec<PropertyDef>,
    /// Customer id -> slug -> stored value (a dropdown stores the option id).
    pub(crate) values: BTreeMap<u64, BTreeMap<String, String>>,
}

impl PropertyState {
    fn definition(&self, slug: &str) -> Option<&PropertyDef> {
        self.definitions.iter().find(|d| d.slug == slug)
    }

    /// `_embedded.properties` of a customer: one object per set value.
    pub(crate) fn rendered(&self, customer_id: u64) -> Value {
        let Some(values) = self.values.get(&customer_id) else {
            return Value::Array(Vec::new());
        };
        let items = self
            .definitions
            .iter()
            .filter_map(|d| {
                let raw = values.get(&d.slug)?;
                let shown = match d.kind.as_str() {
                    "dropdown" => d
                        .options
                        .iter()
                        .find(|o| &o.id == raw)
                        .map(|o| o.label.clone())
                        .unwrap_or_else(|| raw.clone()),
                    _ => raw.clone(),
                };
                Some(json!({ "type": d.kind, "slug": d.slug, "name": d.name, "value": shown }))
            })
            .collect();
        Value::Array(items)
    }
}

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "customer-properties"]) => list(state, req),
        ("POST", ["v2", "customer-properties"]) => create(state, req),
        ("DELETE", ["v2", "customer-properties", slug]) => delete(state, slug),
        ("PATCH", ["v2", "customers", cid, "properties"]) => patch_values(state, req, cid),
        _ => return None,
    };
    Some(r)
}

fn definition_json(d: &PropertyDef, base: &str) -> Value {
    let mut o = json!({
        "type": d.kind,
        "slug": d.slug,
        "name": d.name,
        "_links": { "self": href(format!("{base}/v2/customer-properties/{}", d.slug)) },
    });
    if d.kind == "dropdown" {
        o["options"] = d
            .options
            .iter()
            .map(|opt| json!({ "id": opt.id, "label": opt.label }))
            .collect();
    }
    o
}

/// No HAL paging here: `_embedded` and `_links.self` only (catalogue 4.3).
fn list(state: &State, req: &Req) -> ApiResult {
    let items: Vec<Value> = state
        .customer_props
        .definitions
        .iter()
        .map(|d| definition_json(d, &req.base))
        .collect();
    Ok(hal::hal(&json!({
        "_embedded": { "customer-properties": items },
        "_links": { "self": href(req.url("/v2/customer-properties")) },
    })))
}

fn valid_slug(slug: &str) -> bool {
    (1..=100).contains(&slug.len()) && slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn looks_like_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn new_uuid() -> String {
    let mut rng = rand::rng();
    let a: u32 = rng.random();
    let b: u16 = rng.random();
    let c: u16 = (rng.random::<u16>() & 0x0fff) | 0x4000;
    let d: u16 = (rng.random::<u16>() & 0x3fff) | 0x8000;
    let e: u64 = rng.random::<u64>() & 0xffff_ffff_ffff;
    format!("{a:08x}-{b:04x}-{c:04x}-{d:04x}-{e:012x}")
}

fn create(state: &mut State, req: &Req) -> ApiResult {
    let body = req.json()?;
    let mut o = Obj::new(&body, "body")?;
    let kind = o.req_str("type");
    if let Some(k) = &kind {
        if !TYPES.contains(&k.as_str()) {
            o.error(
                "type",
                &format!("allowed values are: {}", TYPES.join(", ")),
                Value::String(k.clone()),
            );
        }
    }
    let slug = o.req_str("slug");
    if let Some(s) = &slug {
        if !valid_slug(s) {
            o.error(
                "slug",
                "must be 1 to 100 characters of letters, digits, '_' or '-'",
                Value::String(s.clone()),
            );
        } else if RESERVED_SLUGS.iter().any(|r| r.eq_ignore_ascii_case(s)) {
            o.error(
                "slug",
                &format!("is reserved ({})", RESERVED_SLUGS.join(", ")),
                Value::String(s.clone()),
            );
        } else if state.customer_props.definition(s).is_some() {
            o.error("slug", "must be unique", Value::String(s.clone()));
        }
    }
    let name = o.req_str("name");
    let mut options = Vec::new();
    match o.get("options") {
        None => {}
        Some(Value::Array(items)) => {
            if kind.as_deref() != Some("dropdown") {
                o.error(
                    "options",
                    "only dropdown properties have options",
                    Value::String("[...]".into()),
                );
            } else if items.len() > MAX_OPTIONS {
                o.error("options", "size must be at most 100", json!(items.len()));
            }
            for (i, item) in items.iter().enumerate() {
                let Some(mut opt) = Obj::nested(item, format!("options[{i}]")) else {
                    o.error(
                        &format!("options[{i}]"),
                        "must be an object with a label",
                        truncate_value(item),
                    );
                    continue;
                };
                let label = opt.req_str("label");
                if let Some(l) = &label {
                    if l.chars().count() > 255 {
                        opt.error("label", "size must be at most 255", Value::String(l.clone()));
                    } else if options.iter().any(|p: &PropOption| p.label.eq_ignore_ascii_case(l)) {
                        opt.error("label", "must be unique", Value::String(l.clone()));
                    }
                }
                let id = match opt.opt_str("id") {
                    Some(id) if looks_like_uuid(&id) => id,
                    Some(id) => {
                        opt.error("id", "must be a UUID", Value::String(id));
                        String::new()
                    }
                    None => new_uuid(),
                };
                o.absorb(opt);
                if let Some(label) = label {
                    options.push(PropOption { id, label });
                }
            }
        }
        Some(other) => o.error("options", "must be an array", truncate_value(other)),
    }
    if kind.as_deref() == Some("dropdown") && options.is_empty() && !o.has_errors() {
        o.error("options", "a dropdown needs at least one option", Value::Null);
    }
    o.finish()?;
    if state.customer_props.definitions.len() >= MAX_DEFINITIONS {
        return Err(ApiError::invalid(
            "",
            "The maximum of 50 customer property definitions has been reached",
            Value::Null,
        ));
    }
    let (Some(kind), Some(slug), Some(name)) = (kind, slug, name) else {
        return Err(ApiError::new(400, "Validation error"));
    };
    state.customer_props.definitions.push(PropertyDef {
        slug: slug.clone(),
        name,
        kind,
        options,
    });
    Ok(hal::response(
        201,
        None,
        &[
            ("Resource-ID", slug.clone()),
            ("Location", req.url(&format!("/v2/customer-properties/{slug}"))),
        ],
        axum::body::Body::empty(),
    ))
}

/// A soft delete in Help Scout (the slug is renamed to free it; catalogue 4.8):
/// the definition and its values disappear from the API at once.
fn delete(state: &mut State, slug: &str) -> ApiResult {
    let props = &mut state.customer_props;
    let before = props.definitions.len();
    props.definitions.retain(|d| d.slug != slug);
    if props.definitions.len() == before {
        return Err(ApiError::not_found());
    }
    for values in props.values.values_mut() {
        values.remove(slug);
    }
    Ok(hal::no_content())
}

/// Checks one property value against its definition and returns what is stored.
fn check_value(d: &PropertyDef, value: &Value) -> Result<String, String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) | Value::Null => {
            return Err("must be a string or a number".into())
        }
    };
    match d.kind.as_str() {
        "number" => text
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| "must be an integer (64-bit)".into()),
        "text" if text.chars().count() > 255 => Err("size must be at most 255".into()),
        "text" => Ok(text),
        "url" if text.is_empty() || text.contains(char::is_whitespace) || !text.contains('.') => {
            Err("must be a valid URL".into())
        }
        "url" => Ok(text),
        "date" => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|_| "must be a date formatted YYYY-MM-DD".into()),
        "dropdown" => d
            .options
            .iter()
            .find(|o| o.id == text || o.label.eq_ignore_ascii_case(&text))
            .map(|o| o.id.clone())
            .ok_or_else(|| "must be one of the dropdown's option ids or labels".into()),
        _ => Ok(text),
    }
}

/// Validates a `properties` array of a Create Customer body (`[{slug, value}]`),
/// returning slug -> stored value.
pub(crate) fn check_create(state: &State, o: &mut Obj<'_>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match o.get("properties") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let key = format!("properties[{i}]");
                let slug = item.get("slug").and_then(Value::as_str).unwrap_or_default();
                let Some(d) = state.customer_props.definition(slug) else {
                    o.error(
                        &format!("{key}.slug"),
                        "unknown customer property",
                        truncate_value(item),
                    );
                    continue;
                };
                match check_value(d, item.get("value").unwrap_or(&Value::Null)) {
                    Ok(v) => {
                        out.insert(d.slug.clone(), v);
                    }
                    Err(msg) => o.error(&format!("{key}.value"), &msg, Value::Null),
                }
            }
        }
        Some(other) => o.error("properties", "must be an array", truncate_value(other)),
    }
    out
}

/// `PATCH /v2/customers/{id}/properties`: an array of replace/remove ops on
/// `/<slug>` (catalogue 4.6); all or nothing.
fn patch_values(state: &mut State, req: &Req, cseg: &str) -> ApiResult {
    let cid = id(cseg)?;
    if !state.customers.contains_key(&cid) {
        return Err(ApiError::not_found());
    }
    let body = req.json()?;
    let Value::Array(ops) = &body else {
        return Err(ApiError::invalid(
            "",
            "Request payload must be an array of patch operations",
            truncate_value(&body),
        ));
    };
    let mut errors = Vec::new();
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let mut err = |field: &str, message: &str, rejected: Value| {
            errors.push(FieldError {
                path: format!("[{i}].{field}"),
                message: message.to_string(),
                rejected,
            })
        };
        let Some(map) = op.as_object() else {
            err("op", "each operation must be an object", truncate_value(op));
            continue;
        };
        let name = map.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = map.get("path").and_then(Value::as_str).unwrap_or_default();
        let Some(slug) = path.strip_prefix('/').filter(|s| !s.is_empty() && !s.contains('/')) else {
            err("path", "must be a property slug with a leading slash", json!(path));
            continue;
        };
        let Some(d) = state.customer_props.definition(slug) else {
            err("path", "unknown customer property", json!(path));
            continue;
        };
        match name {
            "remove" => changes.push((d.slug.clone(), None)),
            "replace" => match check_value(d, map.get("value").unwrap_or(&Value::Null)) {
                Ok(v) => changes.push((d.slug.clone(), Some(v))),
                Err(msg) => err(
                    "value",
                    &msg,
                    map.get("value").map(truncate_value).unwrap_or(Value::Null),
                ),
            },
            other => err("op", "allowed values are: replace, remove", json!(other)),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let values = state.customer_props.values.entry(cid).or_default();
    for (slug, value) in changes {
        match value {
            Some(v) => {
                values.insert(slug, v);
            }
            None => {
                values.remove(&slug);
            }
        }
    }
    touch(state, cid, req.now);
    Ok(hal::no_content())
}

fn touch(state: &mut State, cid: u64, now: Time) {
    if let Some(c) = state.customers.get_mut(&cid) {
        c.updated_at = now;
    }
}

/// Seeded definitions (one of each type) and values for the first customers.
pub(crate) fn seed(state: &mut State, first_customer: u64) {
    let option = |id: &str, label: &str| PropOption {
        id: id.into(),
        label: label.into(),
    };
    let def = |slug: &str, name: &str, kind: &str, options: Vec<PropOption>| PropertyDef {
        slug: slug.into(),
        name: name.into(),
        kind: kind.into(),
        options,
    };
    state.customer_props.definitions = vec![
        def(
            "plan",
            "Plan",
            "dropdown",
            vec![
                option("5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1001", "Free"),
                option("5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1002", "Pro"),
                option("5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1003", "Enterprise"),
            ],
        ),
        def("seats", "Seats", "number", Vec::new()),
        def("account-manager", "Account manager", "text", Vec::new()),
        def("crm-url", "CRM record", "url", Vec::new()),
        def("renewal-date", "Renewal date", "date", Vec::new()),
    ];
    let plans = [
        "5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1002",
        "5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1003",
    ];
    for i in 0..6u64 {
        let cid = first_customer + i;
        if !state.customers.contains_key(&cid) {
            continue;
        }
        let mut values = BTreeMap::new();
        values.insert("plan".to_string(), plans[(i % 2) as usize].to_string());
        values.insert("seats".to_string(), (5 + i * 10).to_string());
        values.insert("crm-url".to_string(), format!("https://crm.fernwood.io/accounts/{cid}"));
        if i == 0 {
            values.insert("account-manager".to_string(), "Alex Morgan".to_string());
            values.insert("renewal-date".to_string(), "2027-03-01".to_string());
        }
        state.customer_props.values.insert(cid, values);
    }
}

/// Adds `_embedded.properties` to a rendered customer when it has values.
pub(crate) fn embed_into(state: &State, customer: &mut Value, customer_id: u64) {
    let props = state.customer_props.rendered(customer_id);
    if props.as_array().is_none_or(Vec::is_empty) {
        return;
    }
    if let Some(obj) = customer.as_object_mut() {
        let embedded = obj.entry("_embedded").or_insert_with(|| Value::Object(Map::new()));
        if let Some(e) = embedded.as_object_mut() {
            e.insert("properties".into(), props);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dropdown() -> PropertyDef {
        PropertyDef {
            slug: "plan".into(),
            name: "Plan".into(),
            kind: "dropdown".into(),
            options: vec![PropOption {
                id: "5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1002".into(),
                label: "Pro".into(),
            }],
        }
    }

    #[test]
    fn values_follow_their_type() {
        let number = PropertyDef {
            kind: "number".into(),
            ..dropdown()
        };
        assert_eq!(check_value(&number, &json!(5)), Ok("5".into()));
        assert_eq!(check_value(&number, &json!("42")), Ok("42".into()));
        assert!(check_value(&number, &json!("4.5")).is_err());
        let date = PropertyDef {
            kind: "date".into(),
            ..dropdown()
        };
        assert!(check_value(&date, &json!("2024-02-30")).is_err());
        assert_eq!(check_value(&date, &json!("2024-02-29")), Ok("2024-02-29".into()));
        // A dropdown takes the option id or its label and stores the id.
        assert_eq!(
            check_value(&dropdown(), &json!("pro")),
            Ok("5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1002".into())
        );
        assert!(check_value(&dropdown(), &json!("Gold")).is_err());
    }

    #[test]
    fn slugs_and_uuids() {
        assert!(valid_slug("renewal-date_2"));
        assert!(!valid_slug("has space"));
        assert!(!valid_slug(""));
        assert!(looks_like_uuid(&new_uuid()));
        assert!(!looks_like_uuid("1234"));
    }
}
