//! Docs articles: lists, search, revisions, writes, drafts, view counts and
//! uploads (catalogue 3 docs_articles, 4.12).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{
    body, compact, confirm, create, docs_list, file_part, non_blank, spec, text_field, update, wire, DocsId,
    IdOrNumber, SortOrder, VisibilityFilter,
};
use crate::output::compact::strip;
use crate::output::html::html_to_text;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "docs_list_articles_in_collection",
                Access::Read,
                true,
                "List articles in collection",
                "Names and status, no text.",
                Method::GET,
                "/v1/collections/{collectionId}/articles",
            ),
            list_in_collection,
        ),
        declare(
            spec(
                "docs_list_articles_in_category",
                Access::Read,
                true,
                "List articles in category",
                "Names and status, no text.",
                Method::GET,
                "/v1/categories/{categoryId}/articles",
            ),
            list_in_category,
        ),
        declare(
            spec(
                "docs_search_articles",
                Access::Read,
                true,
                "Search Docs articles",
                "Each hit has a preview and its public URL, e.g. to link in a reply.",
                Method::GET,
                "/v1/search/articles",
            ),
            search_articles,
        ),
        declare(
            spec(
                "docs_list_related_articles",
                Access::Read,
                true,
                "List related articles",
                "Articles linked as related to article_id.",
                Method::GET,
                "/v1/articles/{articleId}/related",
            ),
            list_related,
        ),
        declare(
            spec(
                "docs_list_article_revisions",
                Access::Read,
                true,
                "List article revisions",
                "Newest first: who and when, no text.",
                Method::GET,
                "/v1/articles/{articleId}/revisions",
            ),
            list_revisions,
        ),
        declare(
            spec(
                "docs_get_article",
                Access::Read,
                true,
                "Get Docs article",
                "A Docs article with its HTML body as plain text. Reading does not count as a view.",
                Method::GET,
                "/v1/articles/{articleIdOrNumber}",
            ),
            get_article,
        ),
        declare(
            spec(
                "docs_get_article_revision",
                Access::Read,
                true,
                "Get article revision",
                "With its text as plain text.",
                Method::GET,
                "/v1/revisions/{revisionId}",
            ),
            get_revision,
        ),
        declare(
            spec(
                "docs_create_article",
                Access::Write,
                false,
                "Create Docs article",
                "Unpublished unless status is published, which makes it public at once.",
                Method::POST,
                "/v1/articles",
            ),
            create_article,
        ),
        declare(
            spec(
                "docs_update_article",
                Access::Write,
                true,
                "Update Docs article",
                "Fields left out stay. text is the whole body as HTML (docs_get_article gives plain text). \
                    Publishing, or editing a published article's text, discards its draft; docs_save_article_draft \
                    stages edits.",
                Method::PUT,
                "/v1/articles/{articleId}",
            ),
            update_article,
        ),
        declare(
            spec(
                "docs_upload_article",
                Access::Write,
                false,
                "Upload Docs article",
                "Create an unpublished article from an HTML, plain-text or Markdown file.",
                Method::POST,
                "/v1/articles/upload",
            ),
            upload_article,
        ),
        declare(
            spec(
                "docs_update_article_view_count",
                Access::Write,
                false,
                "Add article views",
                "Adds count views (default 1) to an article. Every call adds: never repeat one.",
                Method::PUT,
                "/v1/articles/{articleId}/views",
            ),
            update_view_count,
        ),
        declare(
            spec(
                "docs_delete_article",
                Access::Destructive,
                true,
                "Delete Docs article",
                "Deletes the article and its revisions for good.",
                Method::DELETE,
                "/v1/articles/{articleId}",
            ),
            delete_article,
        ),
        declare(
            spec(
                "docs_save_article_draft",
                Access::Write,
                true,
                "Save article draft",
                "Replaces the article's unpublished draft; the published text stays until it is published.",
                Method::PUT,
                "/v1/articles/{articleId}/drafts",
            ),
            save_draft,
        ),
        declare(
            spec(
                "docs_delete_article_draft",
                Access::Destructive,
                true,
                "Discard article draft",
                "Deletes the unpublished draft for good; the published text stays.",
                Method::DELETE,
                "/v1/articles/{articleId}/drafts",
            ),
            delete_draft,
        ),
    ]
}

// ------------------------------------------------------------------ shapes

/// A list entry (ArticleRef): what an agent needs to pick one.
fn article_ref(v: &Value) -> Value {
    strip(json!({
        "id": v.get("id"),
        "number": v.get("number"),
        "name": v.get("name"),
        "status": v.get("status"),
        "hasDraft": v.get("hasDraft").filter(|d| d.as_bool() == Some(true)),
        "collectionId": v.get("collectionId"),
        "viewCount": v.get("viewCount"),
        "publicUrl": v.get("publicUrl"),
        "updatedAt": v.get("updatedAt"),
    }))
}

/// A whole article, its HTML body as plain text.
fn article(v: &Value) -> Value {
    let mut out = compact(v);
    if let (Some(map), Some(text)) = (out.as_object_mut(), v.get("text").and_then(Value::as_str)) {
        map.insert("text".into(), json!(html_to_text(text)));
        if map.get("hasDraft").and_then(Value::as_bool) == Some(false) {
            map.remove("hasDraft");
        }
    }
    out
}

/// A search result: enough to pick an article and link to it. Only the exceptions
/// to a published, public article are spelt out, and the category ids are left to
/// docs_get_article (24-hex ids cost a dozen tokens each, and picking needs none).
fn search_hit(v: &Value) -> Value {
    strip(json!({
        "id": v.get("id"),
        "number": v.get("number"),
        "name": v.get("name"),
        "status": v.get("status").filter(|s| *s != "published"),
        "visibility": v.get("visibility").filter(|s| *s != "public"),
        "collectionId": v.get("collectionId"),
        "preview": v.get("preview"),
        "url": v.get("url"),
    }))
}

/// `{id, firstName, lastName}` -> `{id, name}`.
fn author(v: Option<&Value>) -> Value {
    let Some(v) = v.filter(|v| v.is_object()) else {
        return v.cloned().unwrap_or(Value::Null);
    };
    let name = ["firstName", "lastName"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    strip(json!({ "id": v.get("id"), "name": name }))
}

fn revision_ref(v: &Value) -> Value {
    strip(json!({
        "id": v.get("id"),
        "articleId": v.get("articleId"),
        "createdBy": author(v.get("createdBy")),
        "createdAt": v.get("createdAt"),
    }))
}

fn revision(v: &Value) -> Value {
    let mut out = revision_ref(v);
    if let (Some(map), Some(text)) = (out.as_object_mut(), v.get("text").and_then(Value::as_str)) {
        map.insert("text".into(), json!(html_to_text(text)));
    }
    out
}

// ------------------------------------------------------------------ reads

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    All,
    Published,
    Notpublished,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    Published,
    Notpublished,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ArticleSort {
    Order,
    Number,
    Status,
    Name,
    Popularity,
    CreatedAt,
    UpdatedAt,
}

/// The list filters shared by the article lists.
struct ListQuery {
    status: Option<StatusFilter>,
    sort: Option<ArticleSort>,
    order: Option<SortOrder>,
    page: Option<NonZeroU32>,
    page_size: Option<NonZeroU32>,
}

/// Article lists take `pageSize` up to 100 (catalogue 4.3).
const MAX_PAGE_SIZE: u32 = 100;

async fn list_articles(
    ctx: &ToolContext,
    params: &[(&str, &(dyn std::fmt::Display + Sync))],
    q: ListQuery,
) -> ToolResult {
    if let Some(size) = q.page_size.filter(|s| s.get() > MAX_PAGE_SIZE) {
        return Err(ToolError::invalid(
            "page_size",
            format!("{size} is too large: at most {MAX_PAGE_SIZE}"),
        ));
    }
    let request = ctx
        .endpoint(params)
        .query_opt("status", q.status.as_ref().map(wire))
        .query_opt("sort", q.sort.as_ref().map(wire))
        .query_opt("order", q.order.as_ref().map(wire))
        .query_opt("page", q.page)
        .query_opt("pageSize", q.page_size);
    let body = ctx.client.send_json(request).await?;
    let mut output = docs_list(&body, "articles", ctx.spec.name, article_ref);
    // The next page only lines up when it is asked for with the same page size.
    if let (Some(size), Some(Value::String(next))) = (q.page_size, output.value.get_mut("next")) {
        *next = next.replace(" for more", &format!(" and page_size={size} for more"));
    }
    Ok(output)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInCollectionArgs {
    pub collection_id: DocsId,
    pub status: Option<StatusFilter>,
    pub sort: Option<ArticleSort>,
    pub order: Option<SortOrder>,
    pub page: Option<NonZeroU32>,
    #[schemars(range(min = 1, max = 100))]
    pub page_size: Option<NonZeroU32>,
}

async fn list_in_collection(ctx: ToolContext, args: ListInCollectionArgs) -> ToolResult {
    let q = ListQuery {
        status: args.status,
        sort: args.sort,
        order: args.order,
        page: args.page,
        page_size: args.page_size,
    };
    list_articles(&ctx, &[("collectionId", &args.collection_id)], q).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInCategoryArgs {
    pub category_id: DocsId,
    pub status: Option<StatusFilter>,
    pub sort: Option<ArticleSort>,
    pub order: Option<SortOrder>,
    pub page: Option<NonZeroU32>,
    #[schemars(range(min = 1, max = 100))]
    pub page_size: Option<NonZeroU32>,
}

async fn list_in_category(ctx: ToolContext, args: ListInCategoryArgs) -> ToolResult {
    let q = ListQuery {
        status: args.status,
        sort: args.sort,
        order: args.order,
        page: args.page,
        page_size: args.page_size,
    };
    list_articles(&ctx, &[("categoryId", &args.category_id)], q).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelatedArgs {
    pub article_id: DocsId,
    pub status: Option<StatusFilter>,
    pub sort: Option<ArticleSort>,
    pub order: Option<SortOrder>,
    pub page: Option<NonZeroU32>,
}

async fn list_related(ctx: ToolContext, args: RelatedArgs) -> ToolResult {
    let q = ListQuery {
        status: args.status,
        sort: args.sort,
        order: args.order,
        page: args.page,
        page_size: None,
    };
    list_articles(&ctx, &[("articleId", &args.article_id)], q).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    pub query: String,
    pub collection_id: Option<DocsId>,
    pub site_id: Option<DocsId>,
    pub status: Option<StatusFilter>,
    /// Of the article's collection.
    pub visibility: Option<VisibilityFilter>,
    pub page: Option<NonZeroU32>,
}

async fn search_articles(ctx: ToolContext, args: SearchArgs) -> ToolResult {
    non_blank("query", &args.query)?;
    let request = ctx
        .endpoint(&[])
        .query("query", args.query.trim())
        .query_opt("collectionId", args.collection_id)
        .query_opt("siteId", args.site_id)
        .query_opt("status", args.status.as_ref().map(wire))
        .query_opt("visibility", args.visibility.as_ref().map(wire))
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(docs_list(&body, "articles", "docs_search_articles", search_hit))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionsArgs {
    pub article_id: DocsId,
    pub page: Option<NonZeroU32>,
}

async fn list_revisions(ctx: ToolContext, args: RevisionsArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("articleId", &args.article_id)])
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(docs_list(
        &body,
        "revisions",
        "docs_list_article_revisions",
        revision_ref,
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetArticleArgs {
    /// Id or number (112 in /article/112-setup); not a slug.
    pub article_id_or_number: IdOrNumber,
    /// The draft's text instead, if any.
    pub draft: Option<bool>,
}

async fn get_article(ctx: ToolContext, args: GetArticleArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("articleIdOrNumber", &args.article_id_or_number)])
        .query_opt("draft", args.draft);
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(article(body.get("article").unwrap_or(&Value::Null))))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionArgs {
    pub revision_id: DocsId,
}

async fn get_revision(ctx: ToolContext, args: RevisionArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("revisionId", &args.revision_id)]))
        .await?;
    Ok(ToolOutput::json(revision(body.get("revision").unwrap_or(&Value::Null))))
}

// ------------------------------------------------------------------ writes

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArticleBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    collection_id: Option<&'a DocsId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<ArticleStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<&'a str>,
    // Absent lists leave the article's current ones alone (catalogue 3, update_article).
    #[serde(skip_serializing_if = "Option::is_none")]
    categories: Option<&'a [DocsId]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<&'a [DocsId]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<&'a [String]>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArticleArgs {
    pub collection_id: DocsId,
    /// Title; unique within the collection.
    pub name: String,
    /// HTML.
    pub text: String,
    pub status: Option<ArticleStatus>,
    pub slug: Option<String>,
    /// Ids from the same collection.
    pub categories: Option<Vec<DocsId>>,
    pub related: Option<Vec<DocsId>>,
    pub keywords: Option<Vec<String>>,
}

async fn create_article(ctx: ToolContext, args: CreateArticleArgs) -> ToolResult {
    non_blank("name", &args.name)?;
    non_blank("text", &args.text)?;
    let json = body(
        &ArticleBody {
            collection_id: Some(&args.collection_id),
            name: Some(args.name.trim()),
            text: Some(&args.text),
            status: args.status,
            slug: args.slug.as_deref(),
            categories: args.categories.as_deref(),
            related: args.related.as_deref(),
            keywords: args.keywords.as_deref(),
        },
        "article",
    )?;
    create(&ctx, ctx.endpoint(&[]).json(json), "article", article).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArticleArgs {
    pub article_id: DocsId,
    /// Title; unique within the collection.
    pub name: Option<String>,
    pub text: Option<String>,
    pub status: Option<ArticleStatus>,
    pub slug: Option<String>,
    /// Replaces the list; ids from the same collection.
    pub categories: Option<Vec<DocsId>>,
    /// Replaces the list.
    pub related: Option<Vec<DocsId>>,
    /// Replaces the list.
    pub keywords: Option<Vec<String>>,
}

async fn update_article(ctx: ToolContext, args: UpdateArticleArgs) -> ToolResult {
    if let Some(name) = &args.name {
        non_blank("name", name)?;
    }
    if let Some(text) = &args.text {
        non_blank("text", text)?;
    }
    let article_body = ArticleBody {
        collection_id: None,
        name: args.name.as_deref().map(str::trim),
        text: args.text.as_deref(),
        status: args.status,
        slug: args.slug.as_deref(),
        categories: args.categories.as_deref(),
        related: args.related.as_deref(),
        keywords: args.keywords.as_deref(),
    };
    let json = body(&article_body, "article")?;
    if json.as_object().is_some_and(|m| m.is_empty()) {
        return Err(ToolError::invalid(
            "arguments",
            "pass at least one field to change (name, text, status, slug, categories, related or keywords)",
        ));
    }
    let request = ctx.endpoint(&[("articleId", &args.article_id)]).json(json);
    update(&ctx, request, "article", article, &args.article_id).await
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum UploadType {
    Html,
    Text,
    Markdown,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadArticleArgs {
    pub collection_id: DocsId,
    /// e.g. guide.md; the extension sets the default type.
    pub file_name: String,
    pub mime_type: Option<String>,
    /// Base64.
    pub data: String,
    /// Default: the file name.
    pub name: Option<String>,
    pub slug: Option<String>,
    pub category_id: Option<DocsId>,
    #[serde(rename = "type")]
    pub kind: Option<UploadType>,
}

fn mime_for(file_name: &str) -> &'static str {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        "text/markdown"
    } else if lower.ends_with(".txt") {
        "text/plain"
    } else {
        "text/html"
    }
}

async fn upload_article(ctx: ToolContext, args: UploadArticleArgs) -> ToolResult {
    let mime = args.mime_type.as_deref().unwrap_or_else(|| mime_for(&args.file_name));
    let mut fields = vec![text_field("collectionId", args.collection_id.as_str())];
    for (name, value) in [("name", &args.name), ("slug", &args.slug)] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            fields.push(text_field(name, v));
        }
    }
    if let Some(category) = &args.category_id {
        fields.push(text_field("categoryId", category.as_str()));
    }
    if let Some(kind) = &args.kind {
        fields.push(text_field("type", wire(kind)));
    }
    // The client adds the API key as the form field `key` (catalogue 4.12).
    fields.push(file_part(&args.file_name, mime, &args.data)?);
    create(&ctx, ctx.endpoint(&[]).multipart(fields), "article", article).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewCountArgs {
    pub article_id: DocsId,
    #[schemars(range(min = 1))]
    pub count: Option<NonZeroU32>,
}

async fn update_view_count(ctx: ToolContext, args: ViewCountArgs) -> ToolResult {
    let count = args.count.map_or(1, NonZeroU32::get);
    let request = ctx
        .endpoint(&[("articleId", &args.article_id)])
        .json(json!({ "count": count }));
    ctx.send(request).await?;
    Ok(confirm(&[
        ("articleId", json!(args.article_id.as_str())),
        ("viewsAdded", json!(count)),
    ]))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleArgs {
    pub article_id: DocsId,
}

async fn delete_article(ctx: ToolContext, args: ArticleArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("articleId", &args.article_id)])).await?;
    Ok(confirm(&[
        ("deleted", json!(true)),
        ("articleId", json!(args.article_id.as_str())),
    ]))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveDraftArgs {
    pub article_id: DocsId,
    /// The whole body as HTML, not a diff.
    pub text: String,
}

async fn save_draft(ctx: ToolContext, args: SaveDraftArgs) -> ToolResult {
    non_blank("text", &args.text)?;
    let request = ctx
        .endpoint(&[("articleId", &args.article_id)])
        .json(json!({ "text": args.text }));
    ctx.send(request).await?;
    Ok(confirm(&[
        ("draftSaved", json!(true)),
        ("articleId", json!(args.article_id.as_str())),
    ]))
}

async fn delete_draft(ctx: ToolContext, args: ArticleArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("articleId", &args.article_id)])).await?;
    Ok(confirm(&[
        ("draftDeleted", json!(true)),
        ("articleId", json!(args.article_id.as_str())),
    ]))
}
