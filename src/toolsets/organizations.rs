//! Organizations and organization properties (catalogue 3: `organizations`,
//! `organization_properties`; quirks in 4.8).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::helpscout::pagination::{hal_page, Page};
use crate::helpscout::Api;
use crate::output::compact::{list_result, strip};
use crate::output::shapes::conversation_summary;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};
use crate::toolsets::common::{created_id, SortOrder};

const TOOLSET: &str = "organizations";

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_organizations",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "List organizations",
                description: "Companies customers belong to: id, name, website, domains.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/organizations",
            },
            list_organizations,
        ),
        declare(
            ToolSpec {
                name: "get_organization",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "Get organization",
                description: "Includes customer and conversation counts and property values unless turned off.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/organizations/{organizationId}",
            },
            get_organization,
        ),
        declare(
            ToolSpec {
                name: "create_organization",
                toolset: TOOLSET,
                access: Access::Write,
                idempotent: false,
                title: "Create organization",
                description: "Returns the new id. Calling it twice creates two: check list_organizations first.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/organizations",
            },
            create_organization,
        ),
        declare(
            ToolSpec {
                name: "update_organization",
                toolset: TOOLSET,
                access: Access::Destructive,
                idempotent: true,
                title: "Overwrite organization",
                description: "Replaces ALL fields: any left out are cleared. Send back every value to keep \
                    (get_organization). Property values are kept.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/organizations/{organizationId}",
            },
            update_organization,
        ),
        declare(
            ToolSpec {
                name: "delete_organization",
                toolset: TOOLSET,
                access: Access::Destructive,
                idempotent: true,
                title: "Delete organization",
                description: "Also deletes its property values; its customers and conversations are kept.",
                api: Api::Inbox,
                method: Method::DELETE,
                path: "/v2/organizations/{organizationId}",
            },
            delete_organization,
        ),
        declare(
            ToolSpec {
                name: "list_organization_customers",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "List organization customers",
                description: "Id, name, emails, phones.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/organizations/{organizationId}/customers",
            },
            list_organization_customers,
        ),
        declare(
            ToolSpec {
                name: "list_organization_conversations",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "List organization conversations",
                description: "Summaries for all its customers, newest first; get_conversation has the threads.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/organizations/{organizationId}/conversations",
            },
            list_organization_conversations,
        ),
        declare(
            ToolSpec {
                name: "list_organization_property_definitions",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "List organization properties",
                description: "Custom fields of organizations: slug, name, type, dropdown options; all at once.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/organizations/properties",
            },
            list_property_definitions,
        ),
        declare(
            ToolSpec {
                name: "get_organization_property_definition",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "Get organization property",
                description: "Name, type and dropdown options.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/organizations/properties/{slug}",
            },
            get_property_definition,
        ),
        declare(
            ToolSpec {
                name: "create_organization_property_definition",
                toolset: TOOLSET,
                access: Access::Write,
                idempotent: false,
                title: "Create organization property",
                description: "A custom field on every organization; type and slug are permanent. At most 50.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/organizations/properties",
            },
            create_property_definition,
        ),
        declare(
            ToolSpec {
                name: "update_organization_property_definition",
                toolset: TOOLSET,
                access: Access::Destructive,
                idempotent: true,
                title: "Update organization property",
                description: "Rename it; `options` REPLACES a dropdown's list: options left out are deleted with \
                    every value using them.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/organizations/properties/{slug}",
            },
            update_property_definition,
        ),
        declare(
            ToolSpec {
                name: "set_organization_property_value",
                toolset: TOOLSET,
                access: Access::Write,
                idempotent: true,
                title: "Set organization property value",
                description: "Sets one value by slug; sent to Help Scout as a string.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/organizations/{organizationId}/properties/{slug}",
            },
            set_property_value,
        ),
    ]
}

// ------------------------------------------------------------------ organizations

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationSort {
    Name,
    CustomerCount,
    ConversationCount,
    LastInteractionAt,
}

impl OrganizationSort {
    fn api_name(self) -> &'static str {
        match self {
            OrganizationSort::Name => "name",
            OrganizationSort::CustomerCount => "customerCount",
            OrganizationSort::ConversationCount => "conversationCount",
            OrganizationSort::LastInteractionAt => "lastInteractionAt",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListOrganizationsArgs {
    pub page: Option<NonZeroU32>,
    /// Default last_interaction_at.
    pub sort_field: Option<OrganizationSort>,
    pub sort_order: Option<SortOrder>,
}

/// Organizations sort with one `sort=field,dir` parameter, unlike customers and
/// conversations (`sortField`/`sortOrder`, which this endpoint ignores; catalogue 4.8).
fn sort_param(field: Option<OrganizationSort>, order: Option<SortOrder>) -> Option<String> {
    if field.is_none() && order.is_none() {
        return None;
    }
    let field = field.unwrap_or(OrganizationSort::LastInteractionAt).api_name();
    let dir = match order.unwrap_or(SortOrder::Desc) {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "desc",
    };
    Some(format!("{field},{dir}"))
}

async fn list_organizations(ctx: ToolContext, args: ListOrganizationsArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[])
        .query_opt("sort", sort_param(args.sort_field, args.sort_order))
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "organizations");
    let items = page.items.iter().cloned().map(organization).collect();
    Ok(ToolOutput::json(list_result(
        "organizations",
        items,
        &page,
        "list_organizations",
    )))
}

/// An organization without HAL noise or its logo URL (an image link, like photo URLs).
fn organization(value: Value) -> Value {
    let mut v = strip(value);
    if let Some(map) = v.as_object_mut() {
        map.remove("logoUrl");
    }
    v
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationIdArgs {
    pub organization_id: u64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetOrganizationArgs {
    pub organization_id: u64,
    pub include_counts: Option<bool>,
    pub include_properties: Option<bool>,
}

async fn get_organization(ctx: ToolContext, args: GetOrganizationArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("organizationId", &args.organization_id)])
        .query("includeCounts", args.include_counts.unwrap_or(true))
        .query("includeProperties", args.include_properties.unwrap_or(true));
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(organization(body)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganizationArgs {
    pub name: String,
    /// Full URL.
    pub website: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub note: Option<String>,
    /// Email domains, e.g. acme.com: their customers join it.
    pub domains: Option<Vec<String>>,
    pub phones: Option<Vec<String>>,
    /// Hex, e.g. #1D4ED8.
    pub brand_color: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganizationArgs {
    pub organization_id: u64,
    pub name: String,
    /// Full URL.
    pub website: Option<String>,
    pub description: Option<String>,
    pub location: Option<String>,
    pub note: Option<String>,
    /// Email domains, e.g. acme.com.
    pub domains: Option<Vec<String>>,
    pub phones: Option<Vec<String>>,
    /// Hex, e.g. #1D4ED8.
    pub brand_color: Option<String>,
}

/// Help Scout's organization body (catalogue 3 create_organization / update_organization).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationBody<'a> {
    name: &'a str,
    website: Option<&'a str>,
    description: Option<&'a str>,
    location: Option<&'a str>,
    note: Option<&'a str>,
    domains: Option<&'a [String]>,
    phones: Option<&'a [String]>,
    brand_color: Option<&'a str>,
}

impl OrganizationBody<'_> {
    fn validate(&self) -> Result<(), ToolError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(ToolError::invalid("name", "must not be empty"));
        }
        if name.chars().count() > 100 {
            return Err(ToolError::invalid("name", "must be at most 100 characters"));
        }
        if let Some(website) = self.website {
            if !(website.starts_with("https://") || website.starts_with("http://")) || website.contains(' ') {
                return Err(ToolError::invalid(
                    "website",
                    format!("`{website}` is not a URL; give the full address, e.g. https://acme.com"),
                ));
            }
        }
        for (i, domain) in self.domains.unwrap_or_default().iter().enumerate() {
            if !domain.contains('.') || domain.contains(['/', ' ', '@']) {
                return Err(ToolError::invalid(
                    format!("domains[{i}]"),
                    format!("`{domain}` is not a domain name; give e.g. acme.com (no scheme, no path)"),
                ));
            }
        }
        if let Some(color) = self.brand_color {
            let hex = color.strip_prefix('#').unwrap_or("");
            if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(ToolError::invalid(
                    "brand_color",
                    format!("`{color}` is not a hex colour like #1D4ED8"),
                ));
            }
        }
        Ok(())
    }
}

fn encode(body: &impl Serialize, what: &str) -> Result<Value, ToolError> {
    serde_json::to_value(body).map_err(|e| ToolError::Failed(format!("cannot encode the {what}: {e}")))
}

/// Drops absent fields: a create sends only what the caller gave.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect::<Map<_, _>>()),
        other => other,
    }
}

async fn create_organization(ctx: ToolContext, args: CreateOrganizationArgs) -> ToolResult {
    let body = OrganizationBody {
        name: &args.name,
        website: args.website.as_deref(),
        description: args.description.as_deref(),
        location: args.location.as_deref(),
        note: args.note.as_deref(),
        domains: args.domains.as_deref(),
        phones: args.phones.as_deref(),
        brand_color: args.brand_color.as_deref(),
    };
    body.validate()?;
    let request = ctx.endpoint(&[]).json(without_nulls(encode(&body, "organization")?));
    let response = ctx.send(request).await?;
    created_id(&response, "organization", "list_organizations")
}

async fn update_organization(ctx: ToolContext, args: UpdateOrganizationArgs) -> ToolResult {
    let empty: &[String] = &[];
    // Every field is sent, absent ones as null or [], so the request says exactly
    // what Help Scout will store: the update is complete (catalogue 4.8).
    let body = OrganizationBody {
        name: &args.name,
        website: args.website.as_deref(),
        description: args.description.as_deref(),
        location: args.location.as_deref(),
        note: args.note.as_deref(),
        domains: Some(args.domains.as_deref().unwrap_or(empty)),
        phones: Some(args.phones.as_deref().unwrap_or(empty)),
        brand_color: args.brand_color.as_deref(),
    };
    body.validate()?;
    let cleared: Vec<&str> = [
        ("website", args.website.is_none()),
        ("description", args.description.is_none()),
        ("location", args.location.is_none()),
        ("note", args.note.is_none()),
        ("domains", args.domains.as_ref().is_none_or(Vec::is_empty)),
        ("phones", args.phones.as_ref().is_none_or(Vec::is_empty)),
        ("brand_color", args.brand_color.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, gone)| gone.then_some(name))
    .collect();
    let request = ctx
        .endpoint(&[("organizationId", &args.organization_id)])
        .json(encode(&body, "organization")?);
    ctx.send(request).await?;
    Ok(ToolOutput::json(json!({
        "updated": true,
        "organizationId": args.organization_id,
        "cleared": cleared,
    })))
}

async fn delete_organization(ctx: ToolContext, args: OrganizationIdArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("organizationId", &args.organization_id)]))
        .await?;
    Ok(ToolOutput::json(
        json!({ "deleted": true, "organizationId": args.organization_id }),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationPageArgs {
    pub organization_id: u64,
    pub page: Option<NonZeroU32>,
}

async fn list_organization_customers(ctx: ToolContext, args: OrganizationPageArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("organizationId", &args.organization_id)])
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "customers");
    let items = page.items.iter().map(customer_summary).collect();
    Ok(ToolOutput::json(list_result(
        "customers",
        items,
        &page,
        "list_organization_customers",
    )))
}

/// A customer as a list row: name, contact values, job; the entries' ids and
/// types are one get_customer away.
fn customer_summary(value: &Value) -> Value {
    let name = [value.get("firstName"), value.get("lastName")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let values = |key: &str| -> Vec<Value> {
        value
            .pointer(&format!("/_embedded/{key}"))
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(|e| e.get("value").cloned()).collect())
            .unwrap_or_default()
    };
    strip(json!({
        "id": value.get("id"),
        "name": name,
        "emails": values("emails"),
        "phones": values("phones"),
        "jobTitle": value.get("jobTitle"),
        "location": value.get("location"),
    }))
}

async fn list_organization_conversations(ctx: ToolContext, args: OrganizationPageArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("organizationId", &args.organization_id)])
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "conversations");
    let items = page.items.iter().map(conversation_summary).collect();
    Ok(ToolOutput::json(list_result(
        "conversations",
        items,
        &page,
        "list_organization_conversations",
    )))
}

// ------------------------------------------------------------------ properties

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

async fn list_property_definitions(ctx: ToolContext, _args: NoArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[])).await?;
    // `_embedded` + `_links.self` only, never paged (catalogue 4.3).
    let items: Vec<Value> = hal_page(&body, "organization-properties")
        .items
        .into_iter()
        .map(strip)
        .collect();
    let page = Page {
        total_items: Some(items.len() as u64),
        items: Vec::new(),
        number: None,
        total_pages: None,
        next_href: None,
    };
    Ok(ToolOutput::json(list_result(
        "properties",
        items,
        &page,
        "list_organization_property_definitions",
    )))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertySlugArgs {
    /// From list_organization_property_definitions.
    pub slug: String,
}

fn check_slug(slug: &str) -> Result<(), ToolError> {
    if slug.trim().is_empty() {
        return Err(ToolError::invalid("slug", "must not be empty"));
    }
    Ok(())
}

async fn get_property_definition(ctx: ToolContext, args: PropertySlugArgs) -> ToolResult {
    check_slug(&args.slug)?;
    let body = ctx.client.send_json(ctx.endpoint(&[("slug", &args.slug)])).await?;
    Ok(ToolOutput::json(strip(body)))
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PropertyType {
    Text,
    Number,
    Url,
    Date,
    Dropdown,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePropertyArgs {
    #[serde(rename = "type")]
    pub kind: PropertyType,
    /// Lowercase letters, digits, - and _, e.g. contract-tier.
    #[schemars(length(min = 1, max = 120))]
    pub slug: String,
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// Dropdown only, and required for it.
    pub options: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
struct OptionBody<'a> {
    label: &'a str,
}

fn check_name(name: &str) -> Result<(), ToolError> {
    if name.trim().is_empty() {
        return Err(ToolError::invalid("name", "must not be empty"));
    }
    if name.chars().count() > 100 {
        return Err(ToolError::invalid("name", "must be at most 100 characters"));
    }
    Ok(())
}

/// `[{label}]`, each label 1..=100 characters, unique, at most 100 of them.
fn option_bodies(options: &[String]) -> Result<Vec<OptionBody<'_>>, ToolError> {
    if options.len() > 100 {
        return Err(ToolError::invalid("options", "at most 100 options"));
    }
    let mut out: Vec<OptionBody<'_>> = Vec::new();
    for (i, label) in options.iter().enumerate() {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 {
            return Err(ToolError::invalid(
                format!("options[{i}]"),
                "must be 1 to 100 characters",
            ));
        }
        if out.iter().any(|o| o.label == label) {
            return Err(ToolError::invalid(
                format!("options[{i}]"),
                format!("`{label}` is listed twice"),
            ));
        }
        out.push(OptionBody { label });
    }
    Ok(out)
}

async fn create_property_definition(ctx: ToolContext, args: CreatePropertyArgs) -> ToolResult {
    let slug = args.slug.trim();
    let slug_ok = !slug.is_empty()
        && slug.chars().count() <= 120
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !slug_ok {
        return Err(ToolError::invalid(
            "slug",
            "must be 1 to 120 lowercase letters, digits, - or _ (e.g. contract-tier)",
        ));
    }
    check_name(&args.name)?;
    let options = match (args.kind, args.options.as_deref()) {
        (PropertyType::Dropdown, None | Some([])) => {
            return Err(ToolError::invalid("options", "a dropdown needs at least one option"))
        }
        (PropertyType::Dropdown, Some(options)) => Some(option_bodies(options)?),
        (_, None | Some([])) => None,
        (_, Some(_)) => return Err(ToolError::invalid("options", "only dropdown properties have options")),
    };
    let mut body = json!({ "type": args.kind, "slug": slug, "name": args.name.trim() });
    if let Some(options) = options {
        body["options"] = encode(&options, "options")?;
    }
    let response = ctx.send(ctx.endpoint(&[]).json(body)).await?;
    let created = created_id(
        &response,
        "organization property",
        "list_organization_property_definitions",
    )?;
    let mut value = created.value;
    value["slug"] = json!(slug);
    Ok(ToolOutput::json(value))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePropertyArgs {
    /// From list_organization_property_definitions.
    pub slug: String,
    /// Required even if unchanged.
    pub name: String,
    /// The complete new list.
    pub options: Option<Vec<String>>,
}

async fn update_property_definition(ctx: ToolContext, args: UpdatePropertyArgs) -> ToolResult {
    check_slug(&args.slug)?;
    check_name(&args.name)?;
    let mut body = json!({ "name": args.name.trim() });
    if let Some(options) = &args.options {
        if options.is_empty() {
            return Err(ToolError::invalid(
                "options",
                "must not be empty; leave it out to keep the current options",
            ));
        }
        body["options"] = encode(&option_bodies(options)?, "options")?;
    }
    ctx.send(ctx.endpoint(&[("slug", &args.slug)]).json(body)).await?;
    Ok(ToolOutput::json(json!({
        "updated": true,
        "slug": args.slug,
        "optionsReplaced": args.options.is_some(),
    })))
}

/// What a caller may pass as a property value; Help Scout takes only strings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PropertyValue {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

impl PropertyValue {
    /// Values are always sent as JSON strings, whatever the type (catalogue 4.8).
    fn to_api_string(&self) -> String {
        match self {
            PropertyValue::Text(s) => s.trim().to_string(),
            PropertyValue::Number(n) => n.to_string(),
            PropertyValue::Bool(b) => b.to_string(),
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPropertyValueArgs {
    pub organization_id: u64,
    /// From list_organization_property_definitions.
    pub slug: String,
    /// Date: YYYY-MM-DD; dropdown: option label.
    pub value: PropertyValue,
}

async fn set_property_value(ctx: ToolContext, args: SetPropertyValueArgs) -> ToolResult {
    check_slug(&args.slug)?;
    let value = args.value.to_api_string();
    if value.is_empty() {
        return Err(ToolError::invalid("value", "must not be empty"));
    }
    let request = ctx
        .endpoint(&[("organizationId", &args.organization_id), ("slug", &args.slug)])
        .json(json!({ "value": value }));
    ctx.send(request).await?;
    Ok(ToolOutput::json(json!({
        "updated": true,
        "organizationId": args.organization_id,
        "slug": args.slug,
        "value": value,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::schema::input_schema;

    #[test]
    fn sort_is_one_composed_parameter() {
        assert_eq!(sort_param(None, None), None);
        assert_eq!(
            sort_param(Some(OrganizationSort::CustomerCount), Some(SortOrder::Asc)).as_deref(),
            Some("customerCount,asc")
        );
        assert_eq!(
            sort_param(Some(OrganizationSort::Name), None).as_deref(),
            Some("name,desc")
        );
        assert_eq!(
            sort_param(None, Some(SortOrder::Asc)).as_deref(),
            Some("lastInteractionAt,asc")
        );
    }

    #[test]
    fn property_values_become_strings() {
        let parse = |v: Value| serde_json::from_value::<PropertyValue>(v).unwrap().to_api_string();
        assert_eq!(parse(json!(100)), "100");
        assert_eq!(parse(json!(2.5)), "2.5");
        assert_eq!(parse(json!(true)), "true");
        assert_eq!(parse(json!(" Pro ")), "Pro");
        assert!(serde_json::from_value::<PropertyValue>(json!(["x"])).is_err());
    }

    #[test]
    fn value_schema_offers_string_number_and_boolean() {
        let schema = Value::Object(input_schema::<SetPropertyValueArgs>());
        let text = schema["properties"]["value"].to_string();
        for ty in ["string", "number", "boolean"] {
            assert!(text.contains(&format!("\"{ty}\"")), "{text}");
        }
    }

    #[test]
    fn logo_and_links_are_dropped() {
        let org = organization(json!({"id": 1, "name": "Acme", "logoUrl": "https://x/logo.png",
                                      "domains": [], "note": null, "_links": {"self": {"href": "x"}}}));
        assert_eq!(org, json!({"id": 1, "name": "Acme"}));
    }
}
