//! Customers, their entries (address, emails, phones, chat handles, social profiles,
//! websites) and custom properties (catalogue 3: `customers`, v3 `customers`,
//! `customer_address`, `customer_*`, `customer_properties`,
//! `customer_property_definitions`; quirks in 4.6, 4.8, 4.9).

mod customer;
mod entries;
mod properties;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::helpscout::Api;
use crate::output::compact::strip;
use crate::registry::{Access, ToolDef, ToolError, ToolSpec};
use crate::toolsets::conversations::looks_like_email;

pub fn tools() -> Vec<ToolDef> {
    let mut tools = customer::tools();
    tools.extend(entries::tools());
    tools.extend(properties::tools());
    tools
}

/// A spec of this toolset on the Inbox API.
fn spec(
    name: &'static str,
    title: &'static str,
    access: Access,
    idempotent: bool,
    method: Method,
    path: &'static str,
    description: &'static str,
) -> ToolSpec {
    ToolSpec {
        name,
        toolset: "customers",
        access,
        idempotent,
        title,
        description,
        api: Api::Inbox,
        method,
        path,
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerIdArgs {
    pub customer_id: u64,
}

// Entry types, per collection (catalogue 3; Help Scout rejects other values).

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EmailType {
    Home,
    Work,
    Other,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PhoneType {
    Home,
    Work,
    Mobile,
    Fax,
    Pager,
    Other,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChatType {
    Aim,
    Gtalk,
    Icq,
    Xmpp,
    Msn,
    Skype,
    Yahoo,
    Qq,
    Other,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SocialProfileType {
    Twitter,
    Facebook,
    Linkedin,
    Aboutme,
    Google,
    Googleplus,
    Tungleme,
    Quora,
    Foursquare,
    Youtube,
    Flickr,
    Other,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailEntry {
    #[serde(rename = "type")]
    pub kind: EmailType,
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneEntry {
    #[serde(rename = "type")]
    pub kind: PhoneType,
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatEntry {
    #[serde(rename = "type")]
    pub kind: ChatType,
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialProfileEntry {
    #[serde(rename = "type")]
    pub kind: SocialProfileType,
    /// URL or handle.
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebsiteEntry {
    pub value: String,
}

// The entry collections, with their names on the wire. (A plain comment: a doc
// comment would be sent as the schema's description.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Collection {
    Emails,
    Phones,
    Chats,
    SocialProfiles,
    Websites,
}

impl Collection {
    /// The JSON Patch path segment and Create Customer field (`socialProfiles`).
    fn field(self) -> &'static str {
        match self {
            Collection::Emails => "emails",
            Collection::Phones => "phones",
            Collection::Chats => "chats",
            Collection::SocialProfiles => "socialProfiles",
            Collection::Websites => "websites",
        }
    }
}

/// Checks an entry value and returns it trimmed. Help Scout validates emails and
/// URLs; catching them here names the argument instead of a body path.
fn entry_value(field: &str, collection: Collection, value: &str) -> Result<String, ToolError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ToolError::invalid(field, "must not be empty"));
    }
    match collection {
        Collection::Emails if !looks_like_email(value) => {
            Err(ToolError::invalid(field, format!("`{value}` is not an email address")))
        }
        Collection::Websites if value.contains(char::is_whitespace) || !value.contains('.') => Err(ToolError::invalid(
            field,
            format!("`{value}` is not a URL (e.g. https://example.com)"),
        )),
        _ => Ok(value.to_string()),
    }
}

/// `{type, value}` (or `{value}` for websites): entries are objects, never bare
/// strings (catalogue 4.8).
fn entry_object<T: Serialize>(kind: Option<T>, value: String) -> Value {
    let mut map = Map::new();
    if let Some(kind) = kind.and_then(|k| serde_json::to_value(k).ok()) {
        map.insert("type".into(), kind);
    }
    map.insert("value".into(), Value::String(value));
    Value::Object(map)
}

/// Entries to add, typed per collection; shared by create_customer and update_customer.
#[derive(Debug, Default)]
struct NewEntries<'a> {
    emails: &'a [EmailEntry],
    phones: &'a [PhoneEntry],
    chats: &'a [ChatEntry],
    social_profiles: &'a [SocialProfileEntry],
    websites: &'a [WebsiteEntry],
}

impl NewEntries<'_> {
    /// Each collection's entries as wire objects; `prefix` names the argument
    /// (`emails` or `add_emails`) in errors.
    fn objects(&self, prefix: &str) -> Result<Vec<(Collection, Vec<Value>)>, ToolError> {
        let check = |collection: Collection, arg: &str, i: usize, value: &str| {
            entry_value(&format!("{prefix}{arg}[{i}].value"), collection, value)
        };
        let mut out = Vec::new();
        let mut put = |collection: Collection, items: Vec<Value>| {
            if !items.is_empty() {
                out.push((collection, items));
            }
        };
        let mut items = Vec::new();
        for (i, e) in self.emails.iter().enumerate() {
            items.push(entry_object(
                Some(e.kind),
                check(Collection::Emails, "emails", i, &e.value)?,
            ));
        }
        put(Collection::Emails, std::mem::take(&mut items));
        for (i, e) in self.phones.iter().enumerate() {
            items.push(entry_object(
                Some(e.kind),
                check(Collection::Phones, "phones", i, &e.value)?,
            ));
        }
        put(Collection::Phones, std::mem::take(&mut items));
        for (i, e) in self.chats.iter().enumerate() {
            items.push(entry_object(
                Some(e.kind),
                check(Collection::Chats, "chats", i, &e.value)?,
            ));
        }
        put(Collection::Chats, std::mem::take(&mut items));
        for (i, e) in self.social_profiles.iter().enumerate() {
            let value = check(Collection::SocialProfiles, "social_profiles", i, &e.value)?;
            items.push(entry_object(Some(e.kind), value));
        }
        put(Collection::SocialProfiles, std::mem::take(&mut items));
        for (i, e) in self.websites.iter().enumerate() {
            let value = check(Collection::Websites, "websites", i, &e.value)?;
            items.push(entry_object(None::<()>, value));
        }
        put(Collection::Websites, items);
        Ok(out)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
    Unknown,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PhotoType {
    Unknown,
    Gravatar,
    Twitter,
    Facebook,
    Googleprofile,
    Googleplus,
    Linkedin,
    Instagram,
}

/// The customer entity's own fields as sent to Help Scout (create, overwrite,
/// update), each optional.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Profile<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    background: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    age: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<Gender>,
    #[serde(skip_serializing_if = "Option::is_none")]
    photo_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    photo_type: Option<PhotoType>,
}

impl Profile<'_> {
    /// Help Scout's limits (catalogue 3, overwrite_customer): names 1-40
    /// characters; job title, location and organization 60; notes and photo URL 200.
    fn check(&self) -> Result<(), ToolError> {
        let limits = [
            ("first_name", self.first_name, 40),
            ("last_name", self.last_name, 40),
            ("job_title", self.job_title, 60),
            ("organization", self.organization, 60),
            ("location", self.location, 60),
            ("background", self.background, 200),
            ("photo_url", self.photo_url, 200),
        ];
        for (field, value, max) in limits {
            let Some(value) = value else { continue };
            let len = value.trim().chars().count();
            if (field == "first_name" || field == "last_name") && len == 0 {
                return Err(ToolError::invalid(field, "must not be empty; leave it out instead"));
            }
            if len > max {
                return Err(ToolError::invalid(
                    field,
                    format!("is {len} characters; Help Scout allows at most {max}"),
                ));
            }
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.to_map().is_empty()
    }

    fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k, Value::String(s.trim().to_string())),
                    other => (k, other),
                })
                .collect(),
            _ => Map::new(),
        }
    }
}

// A postal address, every part optional. (A plain comment: a doc comment would be
// sent as the schema's description.)
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressFields {
    pub lines: Option<Vec<String>>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166 alpha-2, e.g. US.
    pub country: Option<String>,
}

impl AddressFields {
    /// The wire object; `field` prefixes argument names in errors.
    fn body(&self, field: &str) -> Result<Value, ToolError> {
        let name = |part: &str| {
            if field.is_empty() {
                part.to_string()
            } else {
                format!("{field}.{part}")
            }
        };
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let country = text(&self.country).map(|c| c.to_ascii_uppercase());
        if let Some(c) = &country {
            if c.len() != 2 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                return Err(ToolError::invalid(
                    name("country"),
                    format!("`{c}` is not a two-letter ISO country code (e.g. US, GB, DE)"),
                ));
            }
        }
        let lines: Vec<String> = self
            .lines
            .iter()
            .flatten()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let body = strip(json!({
            "lines": lines,
            "city": text(&self.city),
            "state": text(&self.state),
            "postalCode": text(&self.postal_code),
            "country": country,
        }));
        if body.as_object().is_none_or(Map::is_empty) {
            // The address tools take its parts as top-level fields: no `address` to name.
            let what = if field.is_empty() { "arguments" } else { field };
            return Err(ToolError::invalid(
                what,
                "give at least one of lines, city, state, postal_code, country",
            ));
        }
        Ok(body)
    }
}

/// A whole customer as the model reads it: profile, entries with ids and types,
/// address and property values; no links, photo URL or empty fields.
fn customer_full(value: Value) -> Value {
    let mut out = strip(value);
    if let Value::Object(map) = &mut out {
        // The embedded key is `social_profiles`, the link key `social-profiles`
        // (catalogue 4.8); the model sees the name it passes back.
        if let Some(profiles) = map.remove("social_profiles").or_else(|| map.remove("social-profiles")) {
            map.insert("socialProfiles".into(), profiles);
        }
        if map.get("gender").and_then(Value::as_str) == Some("unknown") {
            map.remove("gender");
        }
    }
    out
}

/// One customer in a list: enough to recognise and pick them.
fn customer_summary(value: &Value) -> Value {
    let values = |key: &str| -> Vec<Value> {
        value
            .pointer(&format!("/_embedded/{key}"))
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(|e| e.get("value").cloned()).collect())
            .unwrap_or_default()
    };
    strip(json!({
        "id": value.get("id"),
        "firstName": value.get("firstName"),
        "lastName": value.get("lastName"),
        "emails": values("emails"),
        "phones": values("phones"),
        "organization": value.get("organization"),
        "jobTitle": value.get("jobTitle"),
        "location": value.get("location"),
        "createdAt": value.get("createdAt"),
        "updatedAt": value.get("updatedAt"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_objects_and_values_are_checked() {
        let entries = NewEntries {
            emails: &[EmailEntry {
                kind: EmailType::Work,
                value: " jane@acme.test ".into(),
            }],
            websites: &[WebsiteEntry {
                value: "https://acme.test".into(),
            }],
            ..NewEntries::default()
        };
        let objects = entries.objects("").unwrap();
        assert_eq!(
            objects,
            vec![
                (
                    Collection::Emails,
                    vec![json!({"type": "work", "value": "jane@acme.test"})]
                ),
                (Collection::Websites, vec![json!({"value": "https://acme.test"})]),
            ]
        );
        let bad = NewEntries {
            emails: &[EmailEntry {
                kind: EmailType::Home,
                value: "jane".into(),
            }],
            ..NewEntries::default()
        };
        let err = bad.objects("add_").unwrap_err().to_string();
        assert!(err.contains("add_emails[0].value"), "{err}");
    }

    #[test]
    fn profile_limits_name_the_field() {
        let long = "x".repeat(61);
        let profile = Profile {
            job_title: Some(&long),
            ..Profile::default()
        };
        let err = profile.check().unwrap_err().to_string();
        assert!(err.contains("job_title") && err.contains("60"), "{err}");
        let blank = Profile {
            first_name: Some(" "),
            ..Profile::default()
        };
        assert!(blank.check().is_err());
        assert!(Profile::default().is_empty());
    }

    #[test]
    fn address_needs_a_part_and_a_country_code() {
        let err = AddressFields::default().body("").unwrap_err().to_string();
        assert!(err.contains("at least one"), "{err}");
        // Found by tests/suite/fuzz_arguments.rs: the field named must be one the schema has.
        assert!(err.contains("`arguments`"), "{err}");
        let bad = AddressFields {
            country: Some("United States".into()),
            ..AddressFields::default()
        };
        assert!(bad.body("address").unwrap_err().to_string().contains("address.country"));
        let ok = AddressFields {
            city: Some("Dallas".into()),
            country: Some("us".into()),
            lines: Some(vec!["1 Main St".into(), " ".into()]),
            ..AddressFields::default()
        };
        assert_eq!(
            ok.body("").unwrap(),
            json!({"lines": ["1 Main St"], "city": "Dallas", "country": "US"})
        );
    }

    #[test]
    fn full_customer_is_compact() {
        let shaped = customer_full(json!({
            "id": 1, "firstName": "Jane", "gender": "unknown", "photoUrl": "https://p", "jobTitle": "",
            "_embedded": {"emails": [{"id": 5, "type": "work", "value": "j@a.test", "_links": {"self": {}}}],
                          "social_profiles": [{"id": 6, "type": "twitter", "value": "@j"}], "phones": []},
            "_links": {"self": {}}
        }));
        assert_eq!(
            shaped,
            json!({"id": 1, "firstName": "Jane",
                   "emails": [{"id": 5, "type": "work", "value": "j@a.test"}],
                   "socialProfiles": [{"id": 6, "type": "twitter", "value": "@j"}]})
        );
    }
}
