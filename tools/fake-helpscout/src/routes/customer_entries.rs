//! Customer entries: the single address and the emails, phones, chat handles,
//! social profiles and websites collections (catalogue 3 customer_address,
//! customer_chat, customer_email, customer_phone, customer_social_profile,
//! customer_website). Entries are `{type, value}` objects, never bare strings
//! (catalogue 4.8).

use serde_json::{json, Value};

use crate::hal::{self, href, ApiError, ApiResult};
use crate::routes::{id, Req};
use crate::state::{Address, Customer, Entry, State};
use crate::validate::{looks_like_email, truncate_value, Obj};

/// One entry collection and the names it goes by.
pub(crate) struct Collection {
    /// URL segment and `_embedded` key of its list: `social-profiles`.
    pub(crate) segment: &'static str,
    /// Field name in a Create Customer body and JSON Patch path: `socialProfiles`.
    pub(crate) field: &'static str,
    /// Allowed `type` values; empty for websites, which have none.
    pub(crate) types: &'static [&'static str],
}

// Type values per collection (catalogue 3; the v1 enums, which v2 still lists).
pub(crate) const COLLECTIONS: [Collection; 5] = [
    Collection {
        segment: "emails",
        field: "emails",
        types: &["home", "work", "other"],
    },
    Collection {
        segment: "phones",
        field: "phones",
        types: &["home", "work", "mobile", "fax", "pager", "other"],
    },
    Collection {
        segment: "chats",
        field: "chats",
        types: &["aim", "gtalk", "icq", "xmpp", "msn", "skype", "yahoo", "qq", "other"],
    },
    Collection {
        segment: "social-profiles",
        field: "socialProfiles",
        types: &[
            "twitter",
            "facebook",
            "linkedin",
            "aboutme",
            "google",
            "googleplus",
            "tungleme",
            "quora",
            "foursquare",
            "youtube",
            "flickr",
            "other",
        ],
    },
    Collection {
        segment: "websites",
        field: "websites",
        types: &[],
    },
];

pub(crate) fn by_segment(segment: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|c| c.segment == segment)
}

pub(crate) fn by_field(field: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|c| c.field == field)
}

pub(crate) fn entries<'a>(c: &'a Customer, coll: &Collection) -> &'a Vec<Entry> {
    match coll.segment {
        "emails" => &c.emails,
        "phones" => &c.phones,
        "chats" => &c.chats,
        "social-profiles" => &c.social_profiles,
        _ => &c.websites,
    }
}

pub(crate) fn entries_mut<'a>(c: &'a mut Customer, coll: &Collection) -> &'a mut Vec<Entry> {
    match coll.segment {
        "emails" => &mut c.emails,
        "phones" => &mut c.phones,
        "chats" => &mut c.chats,
        "social-profiles" => &mut c.social_profiles,
        _ => &mut c.websites,
    }
}

/// Checks an entry value for its collection; the message names what is wrong.
pub(crate) fn check_value(coll: &Collection, value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Err("may not be empty");
    }
    if value.chars().count() > 255 {
        return Err("size must be at most 255");
    }
    match coll.segment {
        "emails" if !looks_like_email(value) => Err("not a well-formed email address"),
        "websites" if value.contains(char::is_whitespace) || !value.contains('.') => Err("must be a valid URL"),
        _ => Ok(()),
    }
}

/// Validates a `{type, value}` entry object (paths prefixed by `prefix`) and
/// returns `(type, value)`.
pub(crate) fn check_entry(
    coll: &Collection,
    value: &Value,
    prefix: String,
    o: &mut Obj<'_>,
) -> Option<(String, String)> {
    let Some(mut e) = Obj::nested(value, prefix.clone()) else {
        o.error(
            &prefix,
            "must be an object with type and value, not a plain string",
            truncate_value(value),
        );
        return None;
    };
    let kind = if coll.types.is_empty() {
        String::new()
    } else {
        match e.req_str("type") {
            Some(t) if coll.types.contains(&t.to_ascii_lowercase().as_str()) => t.to_ascii_lowercase(),
            Some(t) => {
                e.error(
                    "type",
                    &format!("allowed values are: {}", coll.types.join(", ")),
                    Value::String(t),
                );
                String::new()
            }
            None => String::new(),
        }
    };
    let entry_value = match e.req_str("value") {
        Some(v) => match check_value(coll, &v) {
            Ok(()) => Some(v.trim().to_string()),
            Err(msg) => {
                e.error("value", msg, Value::String(v));
                None
            }
        },
        None => None,
    };
    let ok = !e.has_errors();
    o.absorb(e);
    entry_value.filter(|_| ok).map(|v| (kind, v))
}

/// Validates an address object; every field is optional but at least one is set.
pub(crate) fn check_address(value: &Value, prefix: &str, o: &mut Obj<'_>) -> Option<Address> {
    let Some(mut a) = Obj::nested(value, prefix.to_string()) else {
        o.error(prefix, "must be an object", truncate_value(value));
        return None;
    };
    fn text(a: &mut Obj<'_>, key: &str, max: usize) -> String {
        let v = a.opt_str(key).unwrap_or_default().trim().to_string();
        if v.chars().count() > max {
            a.error(key, &format!("size must be at most {max}"), Value::String(v.clone()));
        }
        v
    }
    let city = text(&mut a, "city", 60);
    let state = text(&mut a, "state", 60);
    let postal_code = text(&mut a, "postalCode", 10);
    let country = text(&mut a, "country", 60).to_ascii_uppercase();
    if !country.is_empty() && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic())) {
        a.error(
            "country",
            "must be an ISO 3166 alpha-2 country code",
            Value::String(country.clone()),
        );
    }
    let lines: Vec<String> = a
        .opt_str_list("lines")
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if city.is_empty() && state.is_empty() && postal_code.is_empty() && country.is_empty() && lines.is_empty() {
        a.error(
            "",
            "an address needs at least one of lines, city, state, postalCode, country",
            Value::Null,
        );
    }
    let ok = !a.has_errors();
    o.absorb(a);
    ok.then_some(Address {
        city,
        state,
        postal_code,
        country,
        lines,
    })
}

pub(crate) fn address_json(a: &Address) -> Value {
    json!({
        "city": a.city, "state": a.state, "postalCode": a.postal_code,
        "country": a.country, "lines": a.lines,
    })
}

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("GET", ["v2", "customers", cid, "address"]) => get_address(state, req, cid),
        ("POST", ["v2", "customers", cid, "address"]) => create_address(state, req, cid),
        ("PUT", ["v2", "customers", cid, "address"]) => update_address(state, req, cid),
        ("DELETE", ["v2", "customers", cid, "address"]) => delete_address(state, req, cid),
        (method, ["v2", "customers", cid, segment, rest @ ..]) => {
            let coll = by_segment(segment)?;
            match (method, rest) {
                ("GET", []) => list(state, req, cid, coll),
                ("POST", []) => create(state, req, cid, coll),
                ("PUT", [eid]) => update(state, req, cid, coll, eid),
                ("DELETE", [eid]) => delete(state, req, cid, coll, eid),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(r)
}

fn customer<'a>(state: &'a State, seg: &str) -> ApiResult<&'a Customer> {
    state.customers.get(&id(seg)?).ok_or_else(ApiError::not_found)
}

fn customer_mut<'a>(state: &'a mut State, seg: &str) -> ApiResult<&'a mut Customer> {
    state.customers.get_mut(&id(seg)?).ok_or_else(ApiError::not_found)
}

fn entry_json(e: &Entry, coll: &Collection, url: &str) -> Value {
    let mut o = json!({ "id": e.id, "value": e.value, "_links": { "self": href(format!("{url}/{}", e.id)) } });
    if !coll.types.is_empty() {
        o["type"] = Value::String(e.kind.clone());
    }
    o
}

/// An entry list: `_embedded.<segment>` and `_links.self`, no paging (a
/// customer has a handful of entries; PHP SDK fixtures).
fn list(state: &State, req: &Req, cseg: &str, coll: &Collection) -> ApiResult {
    let c = customer(state, cseg)?;
    let url = req.url(&format!("/v2/customers/{}/{}", c.id, coll.segment));
    let items: Vec<Value> = entries(c, coll).iter().map(|e| entry_json(e, coll, &url)).collect();
    let mut embedded = serde_json::Map::new();
    embedded.insert(coll.segment.to_string(), Value::Array(items));
    Ok(hal::hal(
        &json!({ "_embedded": embedded, "_links": { "self": href(url) } }),
    ))
}

fn entry_body(req: &Req, coll: &Collection) -> ApiResult<(String, String)> {
    let body = req.json()?;
    let mut o = Obj::new(&body, "body")?;
    // The body is the entry itself: validate it with unprefixed paths.
    let entry = check_entry(coll, &body, String::new(), &mut o);
    o.finish()?;
    entry.ok_or_else(|| ApiError::new(400, "Validation error"))
}

fn create(state: &mut State, req: &Req, cseg: &str, coll: &Collection) -> ApiResult {
    customer(state, cseg)?;
    let (kind, value) = entry_body(req, coll)?;
    let eid = state.new_entry_id();
    let c = customer_mut(state, cseg)?;
    entries_mut(c, coll).push(Entry { id: eid, kind, value });
    c.updated_at = req.now;
    let cid = c.id;
    Ok(hal::created(
        req.url(&format!("/v2/customers/{cid}/{}/{eid}", coll.segment)),
        eid,
    ))
}

fn update(state: &mut State, req: &Req, cseg: &str, coll: &Collection, eseg: &str) -> ApiResult {
    let eid = id(eseg)?;
    if !entries(customer(state, cseg)?, coll).iter().any(|e| e.id == eid) {
        return Err(ApiError::not_found());
    }
    let (kind, value) = entry_body(req, coll)?;
    let c = customer_mut(state, cseg)?;
    if let Some(e) = entries_mut(c, coll).iter_mut().find(|e| e.id == eid) {
        e.kind = kind;
        e.value = value;
    }
    c.updated_at = req.now;
    Ok(hal::no_content())
}

fn delete(state: &mut State, req: &Req, cseg: &str, coll: &Collection, eseg: &str) -> ApiResult {
    let eid = id(eseg)?;
    let c = customer_mut(state, cseg)?;
    let list = entries_mut(c, coll);
    let before = list.len();
    list.retain(|e| e.id != eid);
    if list.len() == before {
        return Err(ApiError::not_found());
    }
    c.updated_at = req.now;
    Ok(hal::no_content())
}

fn get_address(state: &State, req: &Req, cseg: &str) -> ApiResult {
    let c = customer(state, cseg)?;
    let a = c.address.as_ref().ok_or_else(ApiError::not_found)?;
    let mut o = address_json(a);
    o["_links"] = json!({ "self": href(req.url(&format!("/v2/customers/{}/address", c.id))) });
    Ok(hal::hal(&o))
}

fn address_body(req: &Req) -> ApiResult<Address> {
    let body = req.json()?;
    let mut o = Obj::new(&body, "body")?;
    let address = check_address(&body, "", &mut o);
    o.finish()?;
    address.ok_or_else(|| ApiError::new(400, "Validation error"))
}

fn create_address(state: &mut State, req: &Req, cseg: &str) -> ApiResult {
    if customer(state, cseg)?.address.is_some() {
        return Err(ApiError::invalid(
            "",
            "The customer already has an address; update it instead",
            Value::Null,
        ));
    }
    let address = address_body(req)?;
    let c = customer_mut(state, cseg)?;
    c.address = Some(address);
    c.updated_at = req.now;
    let cid = c.id;
    Ok(hal::created(req.url(&format!("/v2/customers/{cid}/address")), cid))
}

/// PUT replaces the whole address: fields left out are cleared.
fn update_address(state: &mut State, req: &Req, cseg: &str) -> ApiResult {
    if customer(state, cseg)?.address.is_none() {
        return Err(ApiError::not_found());
    }
    let address = address_body(req)?;
    let c = customer_mut(state, cseg)?;
    c.address = Some(address);
    c.updated_at = req.now;
    Ok(hal::no_content())
}

fn delete_address(state: &mut State, req: &Req, cseg: &str) -> ApiResult {
    let c = customer_mut(state, cseg)?;
    if c.address.take().is_none() {
        return Err(ApiError::not_found());
    }
    c.updated_at = req.now;
    Ok(hal::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_values_are_checked_per_collection() {
        let emails = by_segment("emails").unwrap();
        assert_eq!(check_value(emails, "nope"), Err("not a well-formed email address"));
        assert_eq!(check_value(emails, "a@b.io"), Ok(()));
        let websites = by_field("websites").unwrap();
        assert!(check_value(websites, "not a url").is_err());
        assert!(check_value(websites, "https://acme.test").is_ok());
        assert!(check_value(by_segment("phones").unwrap(), " ").is_err());
    }

    #[test]
    fn a_string_is_not_an_entry() {
        let body = json!({"emails": ["a@b.io"]});
        let mut o = Obj::new(&body, "body").unwrap();
        let emails = by_segment("emails").unwrap();
        assert!(check_entry(emails, &body["emails"][0], "emails[0]".into(), &mut o).is_none());
        assert!(o.has_errors());
    }
}
