//! Docs collections (catalogue 3 docs_collections).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    body, compact, confirm, create, docs_list, non_blank, spec, update, wire, DocsId, IdOrNumber, SortOrder,
    Visibility, VisibilityFilter,
};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "docs_list_collections",
                Access::Read,
                true,
                "List Docs collections",
                "Top-level sections of Docs sites, with article counts.",
                Method::GET,
                "/v1/collections",
            ),
            list_collections,
        ),
        declare(
            spec(
                "docs_get_collection",
                Access::Read,
                true,
                "Get Docs collection",
                "A Docs collection by id or number.",
                Method::GET,
                "/v1/collections/{collectionIdOrNumber}",
            ),
            get_collection,
        ),
        declare(
            spec(
                "docs_create_collection",
                Access::Write,
                false,
                "Create Docs collection",
                "Names are unique per account.",
                Method::POST,
                "/v1/collections",
            ),
            create_collection,
        ),
        declare(
            spec(
                "docs_update_collection",
                Access::Write,
                true,
                "Update Docs collection",
                "name is required even when unchanged; other fields left out stay. site_id moves it to another site.",
                Method::PUT,
                "/v1/collections/{collectionId}",
            ),
            update_collection,
        ),
        declare(
            spec(
                "docs_delete_collection",
                Access::Destructive,
                true,
                "Delete Docs collection",
                "Deletes the collection for good, with its categories and articles.",
                Method::DELETE,
                "/v1/collections/{collectionId}",
            ),
            delete_collection,
        ),
    ]
}

/// Help Scout's limit on collection descriptions (HSD objects/collection).
const MAX_DESCRIPTION: usize = 45;

fn collection(value: &Value) -> Value {
    compact(value)
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CollectionSort {
    Order,
    Number,
    Visibility,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListCollectionsArgs {
    pub site_id: Option<DocsId>,
    pub visibility: Option<VisibilityFilter>,
    pub sort: Option<CollectionSort>,
    pub order: Option<SortOrder>,
    pub page: Option<NonZeroU32>,
}

async fn list_collections(ctx: ToolContext, args: ListCollectionsArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[])
        .query_opt("siteId", args.site_id)
        .query_opt("visibility", args.visibility.as_ref().map(wire))
        .query_opt("sort", args.sort.as_ref().map(wire))
        .query_opt("order", args.order.as_ref().map(wire))
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(docs_list(&body, "collections", "docs_list_collections", collection))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetCollectionArgs {
    pub collection_id_or_number: IdOrNumber,
}

async fn get_collection(ctx: ToolContext, args: GetCollectionArgs) -> ToolResult {
    let request = ctx.endpoint(&[("collectionIdOrNumber", &args.collection_id_or_number)]);
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(collection(
        body.get("collection").unwrap_or(&Value::Null),
    )))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CollectionBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    site_id: Option<&'a DocsId>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<Visibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

fn check(name: &str, description: Option<&str>) -> Result<(), ToolError> {
    non_blank("name", name)?;
    if description.is_some_and(|d| d.chars().count() > MAX_DESCRIPTION) {
        return Err(ToolError::invalid(
            "description",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCollectionArgs {
    /// Default: the first site.
    pub site_id: Option<DocsId>,
    pub name: String,
    pub visibility: Option<Visibility>,
    /// 1 = first.
    pub order: Option<i64>,
    /// Up to 45 characters.
    pub description: Option<String>,
}

async fn create_collection(ctx: ToolContext, args: CreateCollectionArgs) -> ToolResult {
    check(&args.name, args.description.as_deref())?;
    let json = body(
        &CollectionBody {
            site_id: args.site_id.as_ref(),
            name: args.name.trim(),
            visibility: args.visibility,
            order: args.order,
            description: args.description.as_deref(),
        },
        "collection",
    )?;
    create(&ctx, ctx.endpoint(&[]).json(json), "collection", collection).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCollectionArgs {
    pub collection_id: DocsId,
    pub name: String,
    pub visibility: Option<Visibility>,
    /// 1 = first.
    pub order: Option<i64>,
    /// Up to 45 characters.
    pub description: Option<String>,
    pub site_id: Option<DocsId>,
}

async fn update_collection(ctx: ToolContext, args: UpdateCollectionArgs) -> ToolResult {
    check(&args.name, args.description.as_deref())?;
    let json = body(
        &CollectionBody {
            site_id: args.site_id.as_ref(),
            name: args.name.trim(),
            visibility: args.visibility,
            order: args.order,
            description: args.description.as_deref(),
        },
        "collection",
    )?;
    let request = ctx.endpoint(&[("collectionId", &args.collection_id)]).json(json);
    update(&ctx, request, "collection", collection, &args.collection_id).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionArgs {
    pub collection_id: DocsId,
}

async fn delete_collection(ctx: ToolContext, args: CollectionArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("collectionId", &args.collection_id)])).await?;
    Ok(confirm(&[
        ("deleted", json!(true)),
        ("collectionId", json!(args.collection_id.as_str())),
    ]))
}
