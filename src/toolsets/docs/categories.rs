//! Docs categories (catalogue 3 docs_categories).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    body, compact, confirm, create, docs_list, non_blank, spec, update, wire, DocsId, IdOrNumber, SortOrder, Visibility,
};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "docs_list_categories",
                Access::Read,
                true,
                "List Docs categories",
                "With their order and article counts.",
                Method::GET,
                "/v1/collections/{collectionId}/categories",
            ),
            list_categories,
        ),
        declare(
            spec(
                "docs_get_category",
                Access::Read,
                true,
                "Get Docs category",
                "A Docs category by id or number.",
                Method::GET,
                "/v1/categories/{categoryIdOrNumber}",
            ),
            get_category,
        ),
        declare(
            spec(
                "docs_create_category",
                Access::Write,
                false,
                "Create Docs category",
                "Names are unique within the collection.",
                Method::POST,
                "/v1/categories",
            ),
            create_category,
        ),
        declare(
            spec(
                "docs_update_category",
                Access::Write,
                true,
                "Update Docs category",
                "name is required even when unchanged; other fields left out stay.",
                Method::PUT,
                "/v1/categories/{categoryId}",
            ),
            update_category,
        ),
        declare(
            spec(
                "docs_update_category_order",
                Access::Write,
                true,
                "Reorder Docs categories",
                "Set the positions of several categories of one collection; unlisted ones keep theirs.",
                Method::PUT,
                "/v1/collections/{collectionId}/categories",
            ),
            update_category_order,
        ),
        declare(
            spec(
                "docs_delete_category",
                Access::Destructive,
                true,
                "Delete Docs category",
                "Deletes the category for good; its articles stay but lose it.",
                Method::DELETE,
                "/v1/categories/{categoryId}",
            ),
            delete_category,
        ),
    ]
}

fn category(value: &Value) -> Value {
    compact(value)
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CategorySort {
    Order,
    Number,
    Name,
    ArticleCount,
    CreatedAt,
    UpdatedAt,
}

/// How the site sorts the category's articles.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DefaultSort {
    Popularity,
    Name,
    UpdatedAt,
    Custom,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListCategoriesArgs {
    pub collection_id: DocsId,
    pub sort: Option<CategorySort>,
    pub order: Option<SortOrder>,
    pub page: Option<NonZeroU32>,
}

async fn list_categories(ctx: ToolContext, args: ListCategoriesArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("collectionId", &args.collection_id)])
        .query_opt("sort", args.sort.as_ref().map(wire))
        .query_opt("order", args.order.as_ref().map(wire))
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(docs_list(&body, "categories", "docs_list_categories", category))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetCategoryArgs {
    pub category_id_or_number: IdOrNumber,
}

async fn get_category(ctx: ToolContext, args: GetCategoryArgs) -> ToolResult {
    let request = ctx.endpoint(&[("categoryIdOrNumber", &args.category_id_or_number)]);
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(category(body.get("category").unwrap_or(&Value::Null))))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CategoryBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    collection_id: Option<&'a DocsId>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<Visibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_sort: Option<DefaultSort>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategoryArgs {
    pub collection_id: DocsId,
    pub name: String,
    pub slug: Option<String>,
    pub visibility: Option<Visibility>,
    /// 1 = first (default).
    pub order: Option<i64>,
    pub default_sort: Option<DefaultSort>,
}

async fn create_category(ctx: ToolContext, args: CreateCategoryArgs) -> ToolResult {
    non_blank("name", &args.name)?;
    let json = body(
        &CategoryBody {
            collection_id: Some(&args.collection_id),
            name: args.name.trim(),
            slug: args.slug.as_deref(),
            visibility: args.visibility,
            order: args.order,
            default_sort: args.default_sort,
        },
        "category",
    )?;
    create(&ctx, ctx.endpoint(&[]).json(json), "category", category).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryArgs {
    pub category_id: DocsId,
    pub name: String,
    pub slug: Option<String>,
    pub visibility: Option<Visibility>,
    /// 1 = first.
    pub order: Option<i64>,
    pub default_sort: Option<DefaultSort>,
}

async fn update_category(ctx: ToolContext, args: UpdateCategoryArgs) -> ToolResult {
    non_blank("name", &args.name)?;
    let json = body(
        &CategoryBody {
            collection_id: None,
            name: args.name.trim(),
            slug: args.slug.as_deref(),
            visibility: args.visibility,
            order: args.order,
            default_sort: args.default_sort,
        },
        "category",
    )?;
    let request = ctx.endpoint(&[("categoryId", &args.category_id)]).json(json);
    update(&ctx, request, "category", category, &args.category_id).await
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryOrder {
    pub id: DocsId,
    /// 1 = first.
    pub order: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryOrderArgs {
    pub collection_id: DocsId,
    pub categories: Vec<CategoryOrder>,
}

async fn update_category_order(ctx: ToolContext, args: UpdateCategoryOrderArgs) -> ToolResult {
    if args.categories.is_empty() {
        return Err(ToolError::invalid("categories", "list at least one category"));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = args.categories.iter().find(|c| !seen.insert(c.id.as_str())) {
        return Err(ToolError::invalid(
            "categories",
            format!("category {} is listed twice", twice.id),
        ));
    }
    let json = json!({ "categories": args.categories });
    ctx.send(ctx.endpoint(&[("collectionId", &args.collection_id)]).json(json))
        .await?;
    Ok(confirm(&[
        ("updated", json!(true)),
        ("collectionId", json!(args.collection_id.as_str())),
        ("categories", json!(args.categories)),
    ]))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryArgs {
    pub category_id: DocsId,
}

async fn delete_category(ctx: ToolContext, args: CategoryArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("categoryId", &args.category_id)])).await?;
    Ok(confirm(&[
        ("deleted", json!(true)),
        ("categoryId", json!(args.category_id.as_str())),
    ]))
}
