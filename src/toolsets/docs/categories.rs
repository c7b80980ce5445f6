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
                "List the categories of a Docs collection with their order and article counts. 50 per page.",
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
                "Get one Docs category by id or number.",
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
                "Create a category in a Docs collection. Names are unique within the collection. Returns the category.",
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
                "Rename a category or change its slug, visibility, order or default article sort. name is required \
                 even when unchanged; other fields you leave out are not sent.",
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
                "Set the display order of several categories of one collection at once; categories not listed keep \
                 their order.",
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
                "Delete a category for good. Its articles are not deleted; they lose this category.",
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

/// How a category sorts its articles on the site.
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
    /// Collection id (24 hex characters), from docs_list_collections.
    pub collection_id: DocsId,
    /// Default order (the order shown on the site).
    pub sort: Option<CategorySort>,
    /// Default asc.
    pub order: Option<SortOrder>,
    /// Page number, starting at 1.
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
    /// Category id (24 hex characters) or category number.
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
    /// Collection id (24 hex characters) the category belongs to.
    pub collection_id: DocsId,
    /// Unique within the collection.
    pub name: String,
    /// URL slug (default: made from the name).
    pub slug: Option<String>,
    /// Default public.
    pub visibility: Option<Visibility>,
    /// Position among the collection's categories (default 1).
    pub order: Option<i64>,
    /// Default popularity.
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
    /// Category id (24 hex characters).
    pub category_id: DocsId,
    /// Required even when unchanged; unique within the collection.
    pub name: String,
    pub slug: Option<String>,
    pub visibility: Option<Visibility>,
    /// Position among the collection's categories.
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
    /// Category id (24 hex characters).
    pub id: DocsId,
    /// New position (1 = first).
    pub order: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryOrderArgs {
    /// Collection id (24 hex characters) the categories belong to.
    pub collection_id: DocsId,
    /// The categories to move, each with its new position.
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
    /// Category id (24 hex characters).
    pub category_id: DocsId,
}

async fn delete_category(ctx: ToolContext, args: CategoryArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("categoryId", &args.category_id)])).await?;
    Ok(confirm(&[
        ("deleted", json!(true)),
        ("categoryId", json!(args.category_id.as_str())),
    ]))
}
