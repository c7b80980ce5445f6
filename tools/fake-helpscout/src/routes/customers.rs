//! Customers (catalogue 3 customers, v3 customers; 4.6, 4.8): list and search
//! (v2 pages, v3 cursors), get, create, overwrite (PUT nulls what is left
//! out), JSON Patch update (an array, never a single object), GDPR delete.
//! Entries live in `customer_entries`, properties in `customer_properties`.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::hal::{self, href, ApiError, ApiResult, FieldError, PAGE_SIZE};
use crate::query::{self, Searchable};
use crate::render;
use crate::routes::customer_entries::{self as entries_mod, Collection, COLLECTIONS};
use crate::routes::customer_properties;
use crate::routes::{id, Req};
use crate::state::{ts, Customer, Entry, State, Time};
use crate::validate::{parse_time, truncate_value, Obj};

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "customers"]) => list(state, req),
        ("POST", ["v2", "customers"]) => create(state, req),
        ("GET", ["v3", "customers"]) => list_v3(state, req),
        ("GET", ["v2", "customers", cid]) => get(state, req, cid),
        ("PUT", ["v2", "customers", cid]) => overwrite(state, req, cid),
        ("PATCH", ["v2", "customers", cid]) => patch(state, req, cid),
        ("DELETE", ["v2", "customers", cid]) => delete(state, cid),
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
    let mut customer = render::customer(c, &req.base, &embed);
    // A single customer carries its property values under `_embedded.properties`
    // (as in the real customer.updated webhook payload; catalogue 4.8).
    customer_properties::embed_into(state, &mut customer, cid);
    Ok(hal::hal(&customer))
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

fn search_param(req: &Req) -> ApiResult<Option<query::Expr>> {
    match req.q("query").filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(raw) => query::parse(raw).map(Some).map_err(|e| {
            ApiError::invalid(
                "query",
                &format!("invalid search query: {e}"),
                Value::String(raw.into()),
            )
        }),
    }
}

fn lower_param(req: &Req, key: &str) -> Option<String> {
    req.q(key).filter(|s| !s.is_empty()).map(str::to_lowercase)
}

/// A date-time filter: ISO-8601 UTC without milliseconds (catalogue 4.10).
fn time_param(req: &Req, key: &str) -> ApiResult<Option<Time>> {
    let Some(raw) = req.q(key).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = |msg: &str| ApiError::invalid(key, msg, Value::String(raw.into()));
    if raw.contains('.') {
        return Err(bad("milliseconds are not supported, use yyyy-MM-dd'T'HH:mm:ss'Z'"));
    }
    parse_time(raw)
        .map(Some)
        .ok_or_else(|| bad("must be an ISO 8601 date-time like 2024-01-15T10:30:00Z"))
}

fn list(state: &State, req: &Req) -> ApiResult {
    let first = lower_param(req, "firstName");
    let last = lower_param(req, "lastName");
    let since = time_param(req, "modifiedSince")?;
    let mailbox = match req.q("mailbox").filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<u64>()
                .map_err(|_| ApiError::invalid("mailbox", "must be a number", Value::String(raw.into())))?,
        ),
    };
    let search = search_param(req)?;
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

// ------------------------------------------------------------------ v3 list

/// The position after which the next v3 page starts: Help Scout orders by
/// createdAt desc with the id as tiebreaker (catalogue 4.3), so a cursor is
/// the (createdAt, id) of the last customer returned, base64-encoded JSON.
fn encode_cursor(c: &Customer) -> String {
    let raw = json!({ "createdAt": ts(c.created_at), "id": c.id }).to_string();
    base64::engine::general_purpose::STANDARD.encode(raw)
}

fn decode_cursor(raw: &str) -> Option<(i64, u64)> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(raw.trim()).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    let t = parse_time(v.get("createdAt")?.as_str()?)?;
    Some((t.timestamp(), v.get("id")?.as_u64()?))
}

/// The v3 sort key: createdAt as the API shows it (whole seconds), then id.
fn v3_key(c: &Customer) -> (i64, u64) {
    (c.created_at.timestamp(), c.id)
}

fn list_v3(state: &State, req: &Req) -> ApiResult {
    let first = lower_param(req, "firstName");
    let last = lower_param(req, "lastName");
    let email = lower_param(req, "email");
    let created_since = time_param(req, "createdSince")?;
    let modified_since = time_param(req, "modifiedSince")?;
    let search = search_param(req)?;
    let after = match req.q("cursor").filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(decode_cursor(raw).ok_or_else(|| {
            ApiError::invalid(
                "cursor",
                "invalid cursor; pass the cursor from _links.next unchanged",
                Value::String(raw.into()),
            )
        })?),
    };
    let mut hits: Vec<&Customer> = state
        .customers
        .values()
        .filter(|c| first.as_ref().is_none_or(|f| c.first.to_lowercase() == *f))
        .filter(|c| last.as_ref().is_none_or(|l| c.last.to_lowercase() == *l))
        .filter(|c| {
            email
                .as_ref()
                .is_none_or(|e| c.emails.iter().any(|x| x.value.to_lowercase() == *e))
        })
        .filter(|c| created_since.is_none_or(|s| c.created_at >= s))
        .filter(|c| modified_since.is_none_or(|s| c.updated_at >= s))
        .filter(|c| search.as_ref().is_none_or(|e| e.eval(&CustomerSearch(c))))
        .collect();
    hits.sort_by_key(|c| std::cmp::Reverse(v3_key(c)));
    let rest: Vec<&Customer> = hits
        .into_iter()
        .filter(|c| after.is_none_or(|pos| v3_key(c) < pos))
        .collect();
    let page: Vec<&Customer> = rest.iter().take(PAGE_SIZE).copied().collect();
    let items: Vec<Value> = page
        .iter()
        .map(|c| render::customer(c, &req.base, &EMBEDDABLE))
        .collect();
    let base = req.url("/v3/customers");
    let self_query = req.raw_query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
    let mut links = Map::new();
    links.insert("self".into(), href(format!("{base}{self_query}")));
    if rest.len() > page.len() {
        if let Some(last) = page.last() {
            let mut parts: Vec<String> = req
                .raw_query
                .as_deref()
                .unwrap_or("")
                .split('&')
                .filter(|p| !p.is_empty() && p.split('=').next() != Some("cursor"))
                .map(str::to_string)
                .collect();
            let cursor: String = form_urlencoded::byte_serialize(encode_cursor(last).as_bytes()).collect();
            parts.push(format!("cursor={cursor}"));
            links.insert("next".into(), href(format!("{base}?{}", parts.join("&"))));
        }
    }
    Ok(hal::hal(&json!({
        "_embedded": { "customers": items },
        "_links": links,
    })))
}

// ------------------------------------------------------------------ writes

/// The customer entity's own fields (the ones PUT overwrites; catalogue 3
/// overwrite_customer): JSON name and maximum length.
const ENTITY_FIELDS: [(&str, usize); 10] = [
    ("firstName", 40),
    ("lastName", 40),
    ("jobTitle", 60),
    ("location", 60),
    ("organization", 60),
    ("background", 200),
    ("photoUrl", 200),
    ("photoType", 20),
    ("gender", 10),
    ("age", 20),
];
const GENDERS: [&str; 3] = ["male", "female", "unknown"];
const PHOTO_TYPES: [&str; 8] = [
    "unknown",
    "gravatar",
    "twitter",
    "facebook",
    "googleprofile",
    "googleplus",
    "linkedin",
    "instagram",
];

fn is_entity_field(key: &str) -> bool {
    ENTITY_FIELDS.iter().any(|(k, _)| *k == key)
}

/// Checks one entity field value; returns what is stored.
fn check_entity_field(key: &str, value: &Value) -> Result<String, String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        // Age is a string in Help Scout ("30-35") but a number is accepted.
        Value::Number(n) if key == "age" => n.to_string(),
        _ => return Err("must be a string".into()),
    };
    let max = ENTITY_FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, m)| *m)
        .unwrap_or(255);
    match key {
        "firstName" | "lastName" if text.is_empty() || text.chars().count() > max => {
            Err(format!("size must be between 1 and {max}"))
        }
        "gender" if !GENDERS.contains(&text.to_ascii_lowercase().as_str()) => {
            Err(format!("allowed values are: {}", GENDERS.join(", ")))
        }
        "photoType" if !PHOTO_TYPES.contains(&text.to_ascii_lowercase().as_str()) => {
            Err(format!("allowed values are: {}", PHOTO_TYPES.join(", ")))
        }
        "gender" | "photoType" => Ok(text.to_ascii_lowercase()),
        _ if text.chars().count() > max => Err(format!("size must be at most {max}")),
        _ => Ok(text),
    }
}

fn set_entity_field(c: &mut Customer, key: &str, value: String) {
    let slot = match key {
        "firstName" => &mut c.first,
        "lastName" => &mut c.last,
        "jobTitle" => &mut c.job_title,
        "location" => &mut c.location,
        "organization" => &mut c.organization,
        "background" => &mut c.background,
        "photoUrl" => &mut c.photo_url,
        "photoType" => &mut c.photo_type,
        "gender" => &mut c.gender,
        "age" => &mut c.age,
        _ => return,
    };
    *slot = value;
}

/// Validates the entity fields present in `o`; returns (field, stored value).
fn entity_fields(o: &mut Obj<'_>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (key, _) in ENTITY_FIELDS {
        let Some(value) = o.get(key) else { continue };
        match check_entity_field(key, value) {
            Ok(v) => out.push((key, v)),
            Err(msg) => o.error(key, &msg, truncate_value(value)),
        }
    }
    out
}

fn blank_customer(id: u64, now: Time) -> Customer {
    Customer {
        id,
        first: String::new(),
        last: String::new(),
        gender: "unknown".into(),
        job_title: String::new(),
        location: String::new(),
        organization: String::new(),
        photo_type: "unknown".into(),
        photo_url: String::new(),
        background: String::new(),
        age: String::new(),
        created_at: now,
        updated_at: now,
        emails: Vec::new(),
        phones: Vec::new(),
        chats: Vec::new(),
        social_profiles: Vec::new(),
        websites: Vec::new(),
        address: None,
    }
}

/// Create Customer: entity fields plus optional entries (objects, not
/// strings), address and property values (catalogue 3 create_customer).
fn create(state: &mut State, req: &Req) -> ApiResult {
    let body = req.json()?;
    let mut o = Obj::new(&body, "body")?;
    let fields = entity_fields(&mut o);
    let mut new_entries: Vec<(&'static Collection, String, String)> = Vec::new();
    for coll in &COLLECTIONS {
        match o.get(coll.field) {
            None => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let prefix = format!("{}[{i}]", coll.field);
                    if let Some((kind, value)) = entries_mod::check_entry(coll, item, prefix, &mut o) {
                        new_entries.push((coll, kind, value));
                    }
                }
            }
            Some(other) => o.error(coll.field, "must be an array", truncate_value(other)),
        }
    }
    let address = o
        .get("address")
        .and_then(|a| entries_mod::check_address(a, "address", &mut o));
    let properties = customer_properties::check_create(state, &mut o);
    o.finish()?;
    let cid = state.new_customer_id();
    let mut c = blank_customer(cid, req.now);
    for (key, value) in fields {
        set_entity_field(&mut c, key, value);
    }
    for (coll, kind, value) in new_entries {
        let eid = state.new_entry_id();
        entries_mod::entries_mut(&mut c, coll).push(Entry { id: eid, kind, value });
    }
    c.address = address;
    state.customers.insert(cid, c);
    if !properties.is_empty() {
        state.customer_props.values.insert(cid, properties);
    }
    Ok(hal::created(req.url(&format!("/v2/customers/{cid}")), cid))
}

/// Overwrite Customer: every entity field not sent is set to null; entries
/// are not touched (catalogue 4.8).
fn overwrite(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let cid = id(seg)?;
    if !state.customers.contains_key(&cid) {
        return Err(ApiError::not_found());
    }
    let body = req.json()?;
    let mut o = Obj::new(&body, "body")?;
    let fields = entity_fields(&mut o);
    o.finish()?;
    let Some(c) = state.customers.get_mut(&cid) else {
        return Err(ApiError::not_found());
    };
    for (key, _) in ENTITY_FIELDS {
        set_entity_field(c, key, String::new());
    }
    for (key, value) in fields {
        set_entity_field(c, key, value);
    }
    c.updated_at = req.now;
    Ok(hal::no_content())
}

/// Applies one JSON Patch operation to `c` (a working copy).
fn apply_op(
    state: &mut State,
    c: &mut Customer,
    op: &str,
    path: &str,
    value: Option<&Value>,
) -> Result<(), (String, String)> {
    let err = |field: &str, message: &str| Err((field.to_string(), message.to_string()));
    if !["add", "remove", "replace"].contains(&op) {
        return err("op", "allowed values are: add, remove, replace");
    }
    let parts: Vec<&str> = path.strip_prefix('/').unwrap_or("").split('/').collect();
    let need_value = || {
        value
            .filter(|v| !v.is_null())
            .ok_or(("value".to_string(), "may not be null".to_string()))
    };
    match parts.as_slice() {
        [field] if is_entity_field(field) => {
            if op == "remove" {
                if matches!(*field, "firstName" | "lastName") {
                    return err("path", "first and last name cannot be removed, only replaced");
                }
                set_entity_field(c, field, String::new());
            } else {
                let v = check_entity_field(field, need_value()?).map_err(|m| ("value".to_string(), m))?;
                set_entity_field(c, field, v);
            }
            Ok(())
        }
        ["address"] => {
            if op == "remove" {
                c.address = None;
                return Ok(());
            }
            let v = need_value()?;
            let mut scratch =
                Obj::new(v, "value").map_err(|_| ("value".to_string(), "must be an object".to_string()))?;
            let address = entries_mod::check_address(v, "value", &mut scratch);
            match address {
                Some(a) if !scratch.has_errors() => {
                    c.address = Some(a);
                    Ok(())
                }
                _ => err(
                    "value",
                    "must be an address object with lines, city, state, postalCode or country",
                ),
            }
        }
        [name, rest @ ..] => {
            let Some(coll) = entries_mod::by_field(name) else {
                return err("path", "unsupported path");
            };
            match (op, rest) {
                ("add", []) => {
                    let v = need_value()?;
                    let mut scratch = Obj::new(v, "value").map_err(|_| {
                        (
                            "value".to_string(),
                            "must be an object with type and value, not a plain string".to_string(),
                        )
                    })?;
                    match entries_mod::check_entry(coll, v, "value".into(), &mut scratch) {
                        Some((kind, value)) => {
                            let eid = state.new_entry_id();
                            entries_mod::entries_mut(c, coll).push(Entry { id: eid, kind, value });
                            Ok(())
                        }
                        None => err("value", &entry_hint(coll)),
                    }
                }
                (_, []) => err(
                    "path",
                    "a whole entry collection cannot be removed or replaced; address single entries",
                ),
                (_, [eid, tail @ ..]) => {
                    let eid: u64 = eid
                        .parse()
                        .map_err(|_| ("path".to_string(), "entry id must be a number".to_string()))?;
                    let list = entries_mod::entries_mut(c, coll);
                    let Some(pos) = list.iter().position(|e| e.id == eid) else {
                        return err("path", "no such entry");
                    };
                    match (op, tail) {
                        ("remove", []) => {
                            list.remove(pos);
                            Ok(())
                        }
                        ("replace", []) => {
                            let v = need_value()?;
                            let mut scratch =
                                Obj::new(v, "value").map_err(|_| ("value".to_string(), entry_hint(coll)))?;
                            match entries_mod::check_entry(coll, v, "value".into(), &mut scratch) {
                                Some((kind, value)) => {
                                    list[pos].kind = kind;
                                    list[pos].value = value;
                                    Ok(())
                                }
                                None => err("value", &entry_hint(coll)),
                            }
                        }
                        ("replace", ["value"]) => {
                            let v = need_value()?.as_str().unwrap_or_default().trim().to_string();
                            entries_mod::check_value(coll, &v).map_err(|m| ("value".to_string(), m.to_string()))?;
                            list[pos].value = v;
                            Ok(())
                        }
                        ("replace", ["type"]) if !coll.types.is_empty() => {
                            let t = need_value()?.as_str().unwrap_or_default().to_ascii_lowercase();
                            if !coll.types.contains(&t.as_str()) {
                                return err("value", &format!("allowed values are: {}", coll.types.join(", ")));
                            }
                            list[pos].kind = t;
                            Ok(())
                        }
                        _ => err("path", "unsupported operation for this path"),
                    }
                }
            }
        }
        _ => err("path", "unsupported path"),
    }
}

fn entry_hint(coll: &Collection) -> String {
    if coll.types.is_empty() {
        "must be an object {\"value\": ...} with a valid value".to_string()
    } else {
        format!(
            "must be an object {{\"type\": ..., \"value\": ...}}; type is one of {}",
            coll.types.join(", ")
        )
    }
}

/// Update Customer: a JSON Patch **array** (a single object is a validation
/// error; catalogue 4.6), applied all or nothing.
fn patch(state: &mut State, req: &Req, seg: &str) -> ApiResult {
    let cid = id(seg)?;
    let Some(original) = state.customers.get(&cid).cloned() else {
        return Err(ApiError::not_found());
    };
    let body = req.json()?;
    let Value::Array(ops) = &body else {
        return Err(ApiError::invalid(
            "",
            "Request payload must be an array of patch operations (enclosed in square brackets)",
            truncate_value(&body),
        ));
    };
    if ops.is_empty() {
        return Err(ApiError::invalid(
            "",
            "At least one patch operation is required",
            Value::Null,
        ));
    }
    let mut working = original;
    let mut errors = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let Some(map) = op.as_object() else {
            errors.push(FieldError {
                path: format!("[{i}]"),
                message: "each operation must be an object {op, path, value}".into(),
                rejected: truncate_value(op),
            });
            continue;
        };
        let name = map.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = map.get("path").and_then(Value::as_str).unwrap_or_default();
        if let Err((field, message)) = apply_op(state, &mut working, name, path, map.get("value")) {
            let rejected = match field.as_str() {
                "op" => json!(name),
                "path" => json!(path),
                _ => map.get("value").map(truncate_value).unwrap_or(Value::Null),
            };
            errors.push(FieldError {
                path: format!("[{i}].{field}"),
                message,
                rejected,
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    working.updated_at = req.now;
    state.customers.insert(cid, working);
    Ok(hal::no_content())
}

/// Most conversations a customer may have to be deleted through the API.
const DELETE_CONVERSATION_LIMIT: usize = 100;

/// Conversations the customer is primary customer of or took part in.
fn conversations_of(state: &State, cid: u64) -> Vec<u64> {
    state
        .conversations
        .values()
        .filter(|conv| conv.customer_id == cid || conv.threads.iter().any(|t| t.customer_id == Some(cid)))
        .map(|conv| conv.id)
        .collect()
}

/// GDPR delete: the customer, their property values and every conversation
/// they took part in, for good; 403 beyond 100 conversations (catalogue 4.8).
fn delete(state: &mut State, seg: &str) -> ApiResult {
    let cid = id(seg)?;
    if !state.customers.contains_key(&cid) {
        return Err(ApiError::not_found());
    }
    let conversations = conversations_of(state, cid);
    if conversations.len() > DELETE_CONVERSATION_LIMIT {
        return Err(ApiError::new(
            403,
            "The customer has more than 100 conversations and cannot be deleted through the API",
        ));
    }
    for conv in conversations {
        state.conversations.remove(&conv);
    }
    state.customers.remove(&cid);
    state.customer_props.values.remove(&cid);
    Ok(hal::no_content())
}

// ------------------------------------------------------------------ seed

/// Gives [`CUSTOMER_ID`] one entry of every kind with fixed ids (see
/// `ids.rs`) and seeds the property definitions and values. Runs right after
/// the customers are seeded, before conversations, and draws no random numbers.
pub(crate) fn seed(state: &mut State) {
    use crate::ids::*;
    if let Some(c) = state.customers.get_mut(&CUSTOMER_ID) {
        let entry = |id: u64, kind: &str, value: String| Entry {
            id,
            kind: kind.into(),
            value,
        };
        let work = c.email().unwrap_or(CUSTOMER_EMAIL).to_string();
        let phone = c
            .phones
            .first()
            .map(|p| p.value.clone())
            .unwrap_or_else(|| "+1 512-555-0110".into());
        let website = c
            .websites
            .first()
            .map(|w| w.value.clone())
            .unwrap_or_else(|| "https://brightpath-logistics.com".into());
        c.emails = vec![
            entry(CUSTOMER_WORK_EMAIL_ID, "work", work),
            entry(
                CUSTOMER_HOME_EMAIL_ID,
                "home",
                "maria.gonzalez@home-mail.example".into(),
            ),
        ];
        c.phones = vec![entry(CUSTOMER_PHONE_ID, "work", phone)];
        c.chats = vec![entry(CUSTOMER_CHAT_ID, "skype", "live:maria.gonzalez".into())];
        c.social_profiles = vec![entry(CUSTOMER_SOCIAL_PROFILE_ID, "twitter", "@mariagonzalez".into())];
        c.websites = vec![entry(CUSTOMER_WEBSITE_ID, "", website)];
        state.reserve("customer_entry", CUSTOMER_WEBSITE_ID);
    }
    customer_properties::seed(state, CUSTOMER_ID);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let state = crate::seed::build(true);
        let c = &state.customers[&CUSTOMER_ID];
        assert_eq!(decode_cursor(&encode_cursor(c)), Some(v3_key(c)));
        assert_eq!(decode_cursor("not-a-cursor"), None);
    }

    #[test]
    fn gdpr_delete_takes_conversations_and_stops_past_one_hundred() {
        let mut state = crate::seed::build(true);
        let owned = conversations_of(&state, CUSTOMER_ID);
        assert!(!owned.is_empty());
        delete(&mut state, &CUSTOMER_ID.to_string()).unwrap();
        assert!(!state.customers.contains_key(&CUSTOMER_ID));
        assert!(owned.iter().all(|id| !state.conversations.contains_key(id)));

        let mut state = crate::seed::build(true);
        let busy = CUSTOMER_ID + 1;
        let template = state
            .conversations
            .values()
            .find(|c| c.customer_id == busy)
            .cloned()
            .unwrap();
        for n in 0..=DELETE_CONVERSATION_LIMIT as u64 {
            let mut copy = template.clone();
            copy.id = 9_000_000 + n;
            state.conversations.insert(copy.id, copy);
        }
        let err = delete(&mut state, &busy.to_string()).unwrap_err();
        assert_eq!(err.status, 403);
        assert!(state.customers.contains_key(&busy));
    }

    #[test]
    fn entity_fields_follow_the_documented_limits() {
        assert!(check_entity_field("firstName", &json!("")).is_err());
        assert!(check_entity_field("firstName", &json!("x".repeat(41))).is_err());
        assert_eq!(check_entity_field("gender", &json!("Male")), Ok("male".into()));
        assert!(check_entity_field("photoType", &json!("myspace")).is_err());
        assert!(check_entity_field("jobTitle", &json!(5)).is_err());
    }
}
