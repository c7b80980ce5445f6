//! Customer property values and definitions (catalogue 3: `customer_properties`,
//! `customer_property_definitions`; 4.6, 4.8).

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::customer::PropertyValue;
use super::spec;
use crate::helpscout::pagination::Page;
use crate::output::compact::{list_result, strip};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};

/// Slugs Help Scout keeps for built-in fields (catalogue 4.8).
const RESERVED_SLUGS: [&str; 4] = ["email", "name", "company", "jobTitle"];
const MAX_OPTIONS: usize = 100;

pub(super) fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "update_customer_properties",
                "Set customer properties",
                Access::Write,
                true,
                Method::PATCH,
                "/v2/customers/{customerId}/properties",
                "By slug (list_customer_property_definitions has slugs, types, options). Others are kept.",
            ),
            update_customer_properties,
        ),
        declare(
            spec(
                "list_customer_property_definitions",
                "List customer property definitions",
                Access::Read,
                true,
                Method::GET,
                "/v2/customer-properties",
                "Slugs, names, types and dropdown options with ids; all at once.",
            ),
            list_definitions,
        ),
        declare(
            spec(
                "create_customer_property_definition",
                "Create customer property definition",
                Access::Write,
                false,
                Method::POST,
                "/v2/customer-properties",
                "At most 50 per account. Set values with update_customer_properties.",
            ),
            create_definition,
        ),
        declare(
            spec(
                "delete_customer_property_definition",
                "Delete customer property definition",
                Access::Destructive,
                true,
                Method::DELETE,
                "/v2/customer-properties/{slug}",
                "Deletes every customer's value for it too.",
            ),
            delete_definition,
        ),
    ]
}

/// A property slug: 1 to 100 letters, digits, `_` or `-` (catalogue 3,
/// create_customer_property_definition). It becomes a JSON Patch path, so a `/`
/// would address something else.
pub(super) fn check_slug(field: &str, slug: &str) -> Result<String, ToolError> {
    let slug = slug.trim().trim_start_matches('/');
    let ok = (1..=100).contains(&slug.len()) && slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Err(ToolError::invalid(
            field,
            format!("`{slug}` is not a property slug (1 to 100 letters, digits, '_' or '-')"),
        ));
    }
    Ok(slug.to_string())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyChange {
    pub slug: String,
    /// Date: YYYY-MM-DD; dropdown: option id or label.
    pub value: PropertyValue,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePropertiesArgs {
    pub customer_id: u64,
    pub set: Option<Vec<PropertyChange>>,
    /// Slugs to clear.
    pub clear: Option<Vec<String>>,
}

/// `replace`/`remove` operations on `/<slug>`, sent as an array (catalogue 4.6).
fn property_operations(args: &UpdatePropertiesArgs) -> Result<Vec<Value>, ToolError> {
    let mut ops = Vec::new();
    let mut set = Vec::new();
    for (i, change) in args.set.iter().flatten().enumerate() {
        let slug = check_slug(&format!("set[{i}].slug"), &change.slug)?;
        if let PropertyValue::Text(text) = &change.value {
            if text.chars().count() > 255 {
                return Err(ToolError::invalid(
                    format!("set[{i}].value"),
                    "is longer than 255 characters",
                ));
            }
        }
        ops.push(json!({"op": "replace", "path": format!("/{slug}"), "value": change.value}));
        set.push(slug);
    }
    for (i, slug) in args.clear.iter().flatten().enumerate() {
        let slug = check_slug(&format!("clear[{i}]"), slug)?;
        if set.contains(&slug) {
            return Err(ToolError::invalid(
                format!("clear[{i}]"),
                format!("`{slug}` is both set and cleared; do one or the other"),
            ));
        }
        ops.push(json!({"op": "remove", "path": format!("/{slug}")}));
    }
    if ops.is_empty() {
        return Err(ToolError::invalid("set", "nothing to change: give `set` or `clear`"));
    }
    Ok(ops)
}

async fn update_customer_properties(ctx: ToolContext, args: UpdatePropertiesArgs) -> ToolResult {
    let ops = property_operations(&args)?;
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

async fn list_definitions(ctx: ToolContext, _args: NoArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[])).await?;
    // `_embedded` + `_links.self` only, no HAL paging (catalogue 4.3).
    let items: Vec<Value> = body
        .pointer("/_embedded/customer-properties")
        .and_then(Value::as_array)
        .map(|items| items.iter().cloned().map(strip).collect())
        .unwrap_or_default();
    let page = Page {
        total_items: Some(items.len() as u64),
        items: Vec::new(),
        number: None,
        total_pages: None,
        next_href: None,
    };
    Ok(ToolOutput::json(list_result(
        "definitions",
        items,
        &page,
        "list_customer_property_definitions",
    )))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PropertyType {
    Number,
    Text,
    Url,
    Date,
    Dropdown,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDefinitionArgs {
    #[serde(rename = "type")]
    pub kind: PropertyType,
    /// Letters, digits, _ or -; not email, name, company, jobTitle.
    pub slug: String,
    pub name: String,
    /// Dropdown only.
    pub options: Option<Vec<String>>,
}

fn definition_body(args: &CreateDefinitionArgs) -> Result<Value, ToolError> {
    let slug = check_slug("slug", &args.slug)?;
    if RESERVED_SLUGS.iter().any(|r| r.eq_ignore_ascii_case(&slug)) {
        return Err(ToolError::invalid(
            "slug",
            format!("`{slug}` is reserved ({})", RESERVED_SLUGS.join(", ")),
        ));
    }
    let name = args.name.trim();
    if name.is_empty() {
        return Err(ToolError::invalid("name", "must not be empty"));
    }
    let mut body = json!({"type": args.kind, "slug": slug, "name": name});
    match (args.kind, &args.options) {
        (PropertyType::Dropdown, Some(options)) if !options.is_empty() => {
            if options.len() > MAX_OPTIONS {
                return Err(ToolError::invalid("options", "at most 100 options"));
            }
            let mut labels: Vec<&str> = Vec::new();
            for (i, label) in options.iter().enumerate() {
                let label = label.trim();
                if label.is_empty() || label.chars().count() > 255 {
                    return Err(ToolError::invalid(
                        format!("options[{i}]"),
                        "must be 1 to 255 characters",
                    ));
                }
                if labels.iter().any(|l| l.eq_ignore_ascii_case(label)) {
                    return Err(ToolError::invalid(
                        format!("options[{i}]"),
                        format!("`{label}` is listed twice"),
                    ));
                }
                labels.push(label);
            }
            body["options"] = labels.iter().map(|l| json!({ "label": l })).collect();
        }
        (PropertyType::Dropdown, _) => {
            return Err(ToolError::invalid("options", "a dropdown needs at least one option"));
        }
        (_, Some(options)) if !options.is_empty() => {
            return Err(ToolError::invalid("options", "only dropdown properties have options"));
        }
        _ => {}
    }
    Ok(body)
}

async fn create_definition(ctx: ToolContext, args: CreateDefinitionArgs) -> ToolResult {
    let body = definition_body(&args)?;
    let slug = body["slug"].clone();
    ctx.send(ctx.endpoint(&[]).json(body)).await?;
    // Definitions are addressed by slug, which the caller chose.
    Ok(ToolOutput::json(json!({ "created": true, "slug": slug })))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefinitionSlugArgs {
    /// From list_customer_property_definitions.
    pub slug: String,
}

async fn delete_definition(ctx: ToolContext, args: DefinitionSlugArgs) -> ToolResult {
    let slug = check_slug("slug", &args.slug)?;
    ctx.send(ctx.endpoint(&[("slug", &slug)])).await?;
    Ok(ToolOutput::json(json!({ "deleted": true, "slug": slug })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(value: Value) -> Result<Vec<Value>, ToolError> {
        property_operations(&serde_json::from_value(value).unwrap())
    }

    #[test]
    fn property_updates_are_a_patch_array_by_slug() {
        let built = ops(
            json!({"customer_id": 1, "set": [{"slug": "seats", "value": 12}, {"slug": "plan", "value": "Pro"}],
                               "clear": ["/crm-url"]}),
        )
        .unwrap();
        assert_eq!(
            built,
            vec![
                json!({"op": "replace", "path": "/seats", "value": 12}),
                json!({"op": "replace", "path": "/plan", "value": "Pro"}),
                json!({"op": "remove", "path": "/crm-url"}),
            ]
        );
        assert!(ops(json!({"customer_id": 1})).is_err());
        assert!(ops(json!({"customer_id": 1, "set": [{"slug": "a/b", "value": 1}]})).is_err());
        assert!(ops(json!({"customer_id": 1, "set": [{"slug": "a", "value": 1}], "clear": ["a"]})).is_err());
    }

    #[test]
    fn definitions_are_checked_before_sending() {
        let def = |v: Value| definition_body(&serde_json::from_value(v).unwrap());
        assert!(def(json!({"type": "text", "slug": "jobTitle", "name": "J"}))
            .unwrap_err()
            .to_string()
            .contains("reserved"));
        assert!(def(json!({"type": "dropdown", "slug": "tier", "name": "Tier"})).is_err());
        assert!(def(json!({"type": "text", "slug": "t", "name": "T", "options": ["a"]})).is_err());
        assert!(def(json!({"type": "dropdown", "slug": "t", "name": "T", "options": ["a", "A"]})).is_err());
        assert_eq!(
            def(json!({"type": "dropdown", "slug": "tier", "name": " Tier ", "options": ["Gold", "Silver"]})).unwrap(),
            json!({"type": "dropdown", "slug": "tier", "name": "Tier", "options": [{"label": "Gold"}, {"label": "Silver"}]})
        );
    }
}
