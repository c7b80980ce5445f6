//! The customer resource: list and search (v2 pages, v3 cursors), get, create,
//! overwrite (PUT), partial update (JSON Patch array), GDPR delete.

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{
    customer_full, customer_summary, spec, AddressFields, ChatEntry, Collection, CustomerIdArgs, EmailEntry, Gender,
    NewEntries, PhoneEntry, PhotoType, Profile, SocialProfileEntry, WebsiteEntry,
};
use crate::helpscout::pagination::{hal_page, query_param};
use crate::output::compact::list_result;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};
use crate::toolsets::common::created_id;
use crate::toolsets::common::{api_time, parse_time, wire, SortOrder};

const CUSTOMER_PATH: &str = "/v2/customers/{customerId}";

/// Every sub-entity Get Customer can embed (catalogue 3, get_customer).
const EMBED_ALL: &str = "address,chats,emails,phones,social_profiles,websites";

pub(super) fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "list_customers",
                "List customers",
                Access::Read,
                true,
                Method::GET,
                "/v2/customers",
                "Filters are ANDed; names match exactly. Returns summaries: get_customer has the full record.",
            ),
            list_customers,
        ),
        declare(
            spec(
                "list_customers_v3",
                "List customers (v3, cursor)",
                Access::Read,
                true,
                Method::GET,
                "/v3/customers",
                "Newest-created first, for walking the whole customer base: pass the result's `cursor` back for \
                 the next page. Filters are ANDed; query syntax as in list_customers.",
            ),
            list_customers_v3,
        ),
        declare(
            spec(
                "get_customer",
                "Get customer",
                Access::Read,
                true,
                Method::GET,
                CUSTOMER_PATH,
                "Profile, entries with their ids, address and property values.",
            ),
            get_customer,
        ),
        declare(
            spec(
                "create_customer",
                "Create customer",
                Access::Write,
                false,
                Method::POST,
                "/v2/customers",
                "Returns the new id. Calling it twice creates two customers: search list_customers first.",
            ),
            create_customer,
        ),
        declare(
            spec(
                "overwrite_customer",
                "Overwrite customer profile",
                Access::Destructive,
                true,
                Method::PUT,
                CUSTOMER_PATH,
                "Replaces every profile field: those left out are set to null. Entries are kept. For a partial \
                 change use update_customer.",
            ),
            overwrite_customer,
        ),
        declare(
            spec(
                "update_customer",
                "Update customer",
                Access::Write,
                false,
                Method::PATCH,
                CUSTOMER_PATH,
                "Set or clear profile fields, add entries, remove entries by id; the rest is kept. Property values: \
                 update_customer_properties.",
            ),
            update_customer,
        ),
        declare(
            spec(
                "delete_customer",
                "Delete customer (GDPR)",
                Access::Destructive,
                true,
                Method::DELETE,
                CUSTOMER_PATH,
                "GDPR erasure of the profile and all their conversations; no undo. Refused (403) over 100 \
                 conversations.",
            ),
            delete_customer,
        ),
    ]
}

/// A caller's date-time in Help Scout's format: UTC without milliseconds
/// (catalogue 4.10).
fn time_param(field: &str, raw: Option<&str>) -> Result<Option<String>, ToolError> {
    raw.map(|raw| parse_time(field, raw).map(api_time)).transpose()
}

fn non_blank<'a>(field: &str, value: Option<&'a str>) -> Result<Option<&'a str>, ToolError> {
    match value.map(str::trim) {
        Some("") => Err(ToolError::invalid(field, "must not be empty; leave it out instead")),
        other => Ok(other),
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub enum CustomerSortField {
    #[serde(rename = "score")]
    Score,
    #[serde(rename = "firstName")]
    FirstName,
    #[serde(rename = "lastName")]
    LastName,
    #[serde(rename = "modifiedAt")]
    ModifiedAt,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListCustomersArgs {
    /// Search syntax in parentheses, e.g. (firstName:"Jo" AND email:"jo@acme.com").
    pub query: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Only customers with conversations here.
    pub mailbox_id: Option<u64>,
    /// Not a creation filter.
    #[schemars(extend("format" = "date-time"))]
    pub modified_since: Option<String>,
    /// Default score (relevance).
    pub sort_field: Option<CustomerSortField>,
    pub sort_order: Option<SortOrder>,
    pub page: Option<NonZeroU32>,
}

async fn list_customers(ctx: ToolContext, args: ListCustomersArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[])
        .query_opt("query", non_blank("query", args.query.as_deref())?)
        .query_opt("firstName", non_blank("first_name", args.first_name.as_deref())?)
        .query_opt("lastName", non_blank("last_name", args.last_name.as_deref())?)
        .query_opt("mailbox", args.mailbox_id)
        .query_opt(
            "modifiedSince",
            time_param("modified_since", args.modified_since.as_deref())?,
        )
        .query_opt("sortField", args.sort_field.as_ref().map(wire))
        .query_opt("sortOrder", args.sort_order.as_ref().map(wire))
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "customers");
    let items = page.items.iter().map(customer_summary).collect();
    Ok(ToolOutput::json(list_result(
        "customers",
        items,
        &page,
        "list_customers",
    )))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListCustomersV3Args {
    pub query: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    #[schemars(extend("format" = "date-time"))]
    pub created_since: Option<String>,
    #[schemars(extend("format" = "date-time"))]
    pub modified_since: Option<String>,
    pub cursor: Option<String>,
}

async fn list_customers_v3(ctx: ToolContext, args: ListCustomersV3Args) -> ToolResult {
    let request = ctx
        .endpoint(&[])
        .query_opt("query", non_blank("query", args.query.as_deref())?)
        .query_opt("firstName", non_blank("first_name", args.first_name.as_deref())?)
        .query_opt("lastName", non_blank("last_name", args.last_name.as_deref())?)
        .query_opt("email", non_blank("email", args.email.as_deref())?)
        .query_opt(
            "createdSince",
            time_param("created_since", args.created_since.as_deref())?,
        )
        .query_opt(
            "modifiedSince",
            time_param("modified_since", args.modified_since.as_deref())?,
        )
        .query_opt("cursor", non_blank("cursor", args.cursor.as_deref())?);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "customers");
    let items: Vec<Value> = page.items.iter().map(customer_summary).collect();
    let mut out = Map::new();
    out.insert("customers".into(), Value::Array(items));
    // v3 pages by cursor, carried in `_links.next.href` (catalogue 4.3).
    if let Some(cursor) = page.next_href.as_deref().and_then(|href| query_param(href, "cursor")) {
        out.insert("cursor".into(), Value::String(cursor));
        out.insert(
            "next".into(),
            "more customers: call list_customers_v3 again with the same filters and this cursor".into(),
        );
    }
    Ok(ToolOutput::json(Value::Object(out)))
}

async fn get_customer(ctx: ToolContext, args: CustomerIdArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("customerId", &args.customer_id)])
        .query("embed", EMBED_ALL);
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(lean_properties(customer_full(body))))
}

/// Property values as `{slug, value}`: the slug is what update_customer_properties
/// takes, and the type and options are in list_customer_property_definitions. The
/// display name is kept only when the slug does not already spell it ("CRM record"
/// for `crm-url`, not "Plan" for `plan`).
fn lean_properties(mut customer: Value) -> Value {
    let letters = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    if let Some(properties) = customer.get_mut("properties").and_then(Value::as_array_mut) {
        for property in properties.iter_mut().filter_map(Value::as_object_mut) {
            property.remove("type");
            let spelt = match (property.get("name"), property.get("slug")) {
                (Some(Value::String(name)), Some(Value::String(slug))) => letters(name) == letters(slug),
                _ => false,
            };
            if spelt {
                property.remove("name");
            }
        }
    }
    customer
}

/// A property value: an integer for number properties, text otherwise.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PropertyValue {
    Number(i64),
    Text(String),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyArg {
    /// From list_customer_property_definitions.
    pub slug: String,
    /// Date: YYYY-MM-DD; dropdown: option id or label.
    pub value: PropertyValue,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomerArgs {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub job_title: Option<String>,
    /// Company name as text.
    pub organization: Option<String>,
    pub location: Option<String>,
    /// Notes, max 200 chars.
    pub background: Option<String>,
    pub age: Option<String>,
    pub gender: Option<Gender>,
    pub photo_url: Option<String>,
    pub photo_type: Option<PhotoType>,
    pub emails: Option<Vec<EmailEntry>>,
    pub phones: Option<Vec<PhoneEntry>>,
    pub chats: Option<Vec<ChatEntry>>,
    pub social_profiles: Option<Vec<SocialProfileEntry>>,
    pub websites: Option<Vec<WebsiteEntry>>,
    pub address: Option<AddressFields>,
    pub properties: Option<Vec<PropertyArg>>,
}

async fn create_customer(ctx: ToolContext, args: CreateCustomerArgs) -> ToolResult {
    let profile = Profile {
        first_name: args.first_name.as_deref(),
        last_name: args.last_name.as_deref(),
        job_title: args.job_title.as_deref(),
        organization: args.organization.as_deref(),
        location: args.location.as_deref(),
        background: args.background.as_deref(),
        age: args.age.as_deref(),
        gender: args.gender,
        photo_url: args.photo_url.as_deref(),
        photo_type: args.photo_type,
    };
    profile.check()?;
    let entries = NewEntries {
        emails: args.emails.as_deref().unwrap_or_default(),
        phones: args.phones.as_deref().unwrap_or_default(),
        chats: args.chats.as_deref().unwrap_or_default(),
        social_profiles: args.social_profiles.as_deref().unwrap_or_default(),
        websites: args.websites.as_deref().unwrap_or_default(),
    };
    let mut body = profile.to_map();
    for (collection, items) in entries.objects("")? {
        body.insert(collection.field().into(), Value::Array(items));
    }
    if body.get("firstName").is_none() && body.get("lastName").is_none() && body.get("emails").is_none() {
        return Err(ToolError::invalid(
            "first_name",
            "give at least a first name, a last name or an email so the customer can be found again",
        ));
    }
    if let Some(address) = &args.address {
        body.insert("address".into(), address.body("address")?);
    }
    if let Some(properties) = &args.properties {
        let mut items = Vec::new();
        for (i, p) in properties.iter().enumerate() {
            let slug = super::properties::check_slug(&format!("properties[{i}].slug"), &p.slug)?;
            items.push(json!({ "slug": slug, "value": p.value }));
        }
        body.insert("properties".into(), Value::Array(items));
    }
    let response = ctx.send(ctx.endpoint(&[]).json(Value::Object(body))).await?;
    created_id(&response, "customer", "list_customers")
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverwriteCustomerArgs {
    pub customer_id: u64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub job_title: Option<String>,
    /// Company name as text.
    pub organization: Option<String>,
    pub location: Option<String>,
    /// Notes, max 200 chars.
    pub background: Option<String>,
    pub age: Option<String>,
    pub gender: Option<Gender>,
    pub photo_url: Option<String>,
    pub photo_type: Option<PhotoType>,
}

async fn overwrite_customer(ctx: ToolContext, args: OverwriteCustomerArgs) -> ToolResult {
    let profile = Profile {
        first_name: args.first_name.as_deref(),
        last_name: args.last_name.as_deref(),
        job_title: args.job_title.as_deref(),
        organization: args.organization.as_deref(),
        location: args.location.as_deref(),
        background: args.background.as_deref(),
        age: args.age.as_deref(),
        gender: args.gender,
        photo_url: args.photo_url.as_deref(),
        photo_type: args.photo_type,
    };
    profile.check()?;
    // An empty PUT would null every profile field (catalogue 4.8): never what anyone means.
    if profile.is_empty() {
        return Err(ToolError::invalid(
            "first_name",
            "no fields given: this would clear the whole profile. Pass the full profile, or use update_customer",
        ));
    }
    let body = Value::Object(profile.to_map());
    let fields: Vec<Value> = body
        .as_object()
        .map(|m| m.keys().cloned().map(Value::String).collect())
        .unwrap_or_default();
    ctx.send(ctx.endpoint(&[("customerId", &args.customer_id)]).json(body))
        .await?;
    Ok(ToolOutput::json(json!({
        "overwritten": true,
        "customerId": args.customer_id,
        "fieldsSet": fields,
        "note": "Profile fields not listed in fieldsSet are now empty.",
    })))
}

// Profile fields update_customer can clear (names can only be replaced). A plain
// comment: a doc comment would be sent as the schema's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClearableField {
    JobTitle,
    Organization,
    Location,
    Background,
    Age,
    Gender,
    PhotoUrl,
}

impl ClearableField {
    fn path(self) -> &'static str {
        match self {
            ClearableField::JobTitle => "/jobTitle",
            ClearableField::Organization => "/organization",
            ClearableField::Location => "/location",
            ClearableField::Background => "/background",
            ClearableField::Age => "/age",
            ClearableField::Gender => "/gender",
            ClearableField::PhotoUrl => "/photoUrl",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRef {
    pub collection: Collection,
    /// Entry id, from get_customer.
    pub id: u64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomerArgs {
    pub customer_id: u64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub job_title: Option<String>,
    /// Company name as text.
    pub organization: Option<String>,
    pub location: Option<String>,
    /// Notes, max 200 chars.
    pub background: Option<String>,
    pub age: Option<String>,
    pub gender: Option<Gender>,
    pub clear: Option<Vec<ClearableField>>,
    pub add_emails: Option<Vec<EmailEntry>>,
    pub add_phones: Option<Vec<PhoneEntry>>,
    pub add_chats: Option<Vec<ChatEntry>>,
    pub add_social_profiles: Option<Vec<SocialProfileEntry>>,
    pub add_websites: Option<Vec<WebsiteEntry>>,
    pub remove_entries: Option<Vec<EntryRef>>,
}

/// The JSON Patch operations of an update, in order: replace, remove, add, remove
/// entries. Customer PATCH bodies are an array (catalogue 4.6).
fn update_operations(args: &UpdateCustomerArgs) -> Result<Vec<Value>, ToolError> {
    let profile = Profile {
        first_name: args.first_name.as_deref(),
        last_name: args.last_name.as_deref(),
        job_title: args.job_title.as_deref(),
        organization: args.organization.as_deref(),
        location: args.location.as_deref(),
        background: args.background.as_deref(),
        age: args.age.as_deref(),
        gender: args.gender,
        ..Profile::default()
    };
    profile.check()?;
    let mut ops = Vec::new();
    let replaced = profile.to_map();
    for (key, value) in &replaced {
        ops.push(json!({"op": "replace", "path": format!("/{key}"), "value": value}));
    }
    for field in args.clear.iter().flatten() {
        let key = &field.path()[1..];
        if replaced.contains_key(key) {
            return Err(ToolError::invalid(
                "clear",
                format!("`{key}` is both set and cleared; do one or the other"),
            ));
        }
        let op = json!({"op": "remove", "path": field.path()});
        if !ops.contains(&op) {
            ops.push(op);
        }
    }
    let entries = NewEntries {
        emails: args.add_emails.as_deref().unwrap_or_default(),
        phones: args.add_phones.as_deref().unwrap_or_default(),
        chats: args.add_chats.as_deref().unwrap_or_default(),
        social_profiles: args.add_social_profiles.as_deref().unwrap_or_default(),
        websites: args.add_websites.as_deref().unwrap_or_default(),
    };
    for (collection, items) in entries.objects("add_")? {
        for item in items {
            ops.push(json!({"op": "add", "path": format!("/{}", collection.field()), "value": item}));
        }
    }
    // Entries are removed one by one: removing a whole collection is rejected (catalogue 4.6).
    for entry in args.remove_entries.iter().flatten() {
        ops.push(json!({"op": "remove", "path": format!("/{}/{}", entry.collection.field(), entry.id)}));
    }
    if ops.is_empty() {
        return Err(ToolError::invalid(
            "customer_id",
            "nothing to change: give fields to set, `clear`, `add_*` entries or `remove_entries`",
        ));
    }
    Ok(ops)
}

async fn update_customer(ctx: ToolContext, args: UpdateCustomerArgs) -> ToolResult {
    let ops = update_operations(&args)?;
    let count = ops.len();
    ctx.send(
        ctx.endpoint(&[("customerId", &args.customer_id)])
            .json(Value::Array(ops)),
    )
    .await?;
    Ok(ToolOutput::json(json!({
        "updated": true,
        "customerId": args.customer_id,
        "operations": count,
    })))
}

async fn delete_customer(ctx: ToolContext, args: CustomerIdArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("customerId", &args.customer_id)])).await?;
    Ok(ToolOutput::json(
        json!({ "deleted": true, "customerId": args.customer_id }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(value: Value) -> Result<Vec<Value>, ToolError> {
        let args: UpdateCustomerArgs = serde_json::from_value(value).unwrap();
        update_operations(&args)
    }

    #[test]
    fn update_builds_a_patch_array() {
        let ops = update(json!({
            "customer_id": 1, "first_name": " Karl ", "clear": ["job_title", "job_title"],
            "add_emails": [{"type": "work", "value": "k@acme.test"}],
            "add_social_profiles": [{"type": "twitter", "value": "@k"}],
            "remove_entries": [{"collection": "social_profiles", "id": 9}]
        }))
        .unwrap();
        assert_eq!(
            ops,
            vec![
                json!({"op": "replace", "path": "/firstName", "value": "Karl"}),
                json!({"op": "remove", "path": "/jobTitle"}),
                json!({"op": "add", "path": "/emails", "value": {"type": "work", "value": "k@acme.test"}}),
                json!({"op": "add", "path": "/socialProfiles", "value": {"type": "twitter", "value": "@k"}}),
                json!({"op": "remove", "path": "/socialProfiles/9"}),
            ]
        );
    }

    #[test]
    fn update_refuses_nothing_and_contradictions() {
        assert!(update(json!({"customer_id": 1})).is_err());
        let err = update(json!({"customer_id": 1, "organization": "Acme", "clear": ["organization"]}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("clear"), "{err}");
    }

    #[test]
    fn entry_types_are_enums_in_the_schema() {
        let schema = Value::Object(crate::registry::schema::input_schema::<CreateCustomerArgs>());
        let email_type = &schema["properties"]["emails"]["items"]["properties"]["type"]["enum"];
        assert_eq!(email_type, &json!(["home", "work", "other"]));
    }
}
