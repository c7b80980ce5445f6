//! Docs redirects (catalogue 3 docs_redirects; section 5: Find Redirect is
//! `GET /v1/redirects?url=&siteId=`, both required).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{absolute_url, body, compact, confirm, create, docs_list, spec, update, DocsId};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "docs_list_redirects",
                Access::Read,
                true,
                "List Docs redirects",
                "List a Docs site's redirects (old path -> new URL). 50 per page.",
                Method::GET,
                "/v1/redirects/site/{siteId}",
            ),
            list_redirects,
        ),
        declare(
            spec(
                "docs_get_redirect",
                Access::Read,
                true,
                "Get Docs redirect",
                "Get one Docs redirect by id.",
                Method::GET,
                "/v1/redirects/{redirectId}",
            ),
            get_redirect,
        ),
        declare(
            spec(
                "docs_find_redirect",
                Access::Read,
                true,
                "Find Docs redirect",
                "Where a path on a Docs site ends up: follows chains of redirects to the final URL. \
                 redirectedUrl is null when no redirect matches.",
                Method::GET,
                "/v1/redirects",
            ),
            find_redirect,
        ),
        declare(
            spec(
                "docs_create_redirect",
                Access::Write,
                false,
                "Create Docs redirect",
                "Redirect a path on a Docs site (e.g. an old article URL) to a full URL. Query strings in the path \
                 are ignored. Returns the redirect.",
                Method::POST,
                "/v1/redirects",
            ),
            create_redirect,
        ),
        declare(
            spec(
                "docs_update_redirect",
                Access::Write,
                true,
                "Update Docs redirect",
                "Replace a redirect's site, path and target (all three are required).",
                Method::PUT,
                "/v1/redirects/{redirectId}",
            ),
            update_redirect,
        ),
        declare(
            spec(
                "docs_delete_redirect",
                Access::Destructive,
                true,
                "Delete Docs redirect",
                "Delete a Docs redirect; its old path stops redirecting.",
                Method::DELETE,
                "/v1/redirects/{redirectId}",
            ),
            delete_redirect,
        ),
    ]
}

fn redirect(value: &Value) -> Value {
    compact(value)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRedirectsArgs {
    /// Docs site id (24 hex characters), from docs_list_sites.
    pub site_id: DocsId,
    /// Page number, starting at 1.
    pub page: Option<NonZeroU32>,
}

async fn list_redirects(ctx: ToolContext, args: ListRedirectsArgs) -> ToolResult {
    let request = ctx.endpoint(&[("siteId", &args.site_id)]).query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(docs_list(&body, "redirects", "docs_list_redirects", redirect))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedirectArgs {
    /// Redirect id (24 hex characters), from docs_list_redirects.
    pub redirect_id: DocsId,
}

async fn get_redirect(ctx: ToolContext, args: RedirectArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("redirectId", &args.redirect_id)]))
        .await?;
    Ok(ToolOutput::json(redirect(body.get("redirect").unwrap_or(&Value::Null))))
}

/// A path on the site: `/old/article/1234`; a full URL is reduced to its path.
fn url_path(field: &str, raw: &str) -> Result<String, ToolError> {
    let raw = raw.trim();
    if raw.starts_with('/') {
        return Ok(raw.to_string());
    }
    match url::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        }),
        _ => Err(ToolError::invalid(
            field,
            format!("`{raw}` is not a path such as /article/22-old-name"),
        )),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindRedirectArgs {
    /// The path to resolve, e.g. /article/22-old-name.
    pub url: String,
    /// Docs site id (24 hex characters) the path belongs to.
    pub site_id: DocsId,
}

async fn find_redirect(ctx: ToolContext, args: FindRedirectArgs) -> ToolResult {
    let path = url_path("url", &args.url)?;
    let request = ctx.endpoint(&[]).query("url", &path).query("siteId", &args.site_id);
    let body = ctx.client.send_json(request).await?;
    let found = body.get("redirectedUrl").filter(|v| v.is_object()).map(compact);
    Ok(ToolOutput::json(json!({
        "url": path,
        "siteId": args.site_id.as_str(),
        "redirectedUrl": found,
    })))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RedirectBody<'a> {
    site_id: &'a DocsId,
    url_mapping: &'a str,
    redirect: &'a str,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRedirectArgs {
    /// Docs site id (24 hex characters).
    pub site_id: DocsId,
    /// The path to redirect from, e.g. /article/22-old-name.
    pub url_mapping: String,
    /// The full URL to redirect to, e.g. https://docs.example.com/article/23-new-name.
    pub redirect: String,
}

async fn create_redirect(ctx: ToolContext, args: CreateRedirectArgs) -> ToolResult {
    let path = url_path("url_mapping", &args.url_mapping)?;
    absolute_url("redirect", &args.redirect)?;
    let json = body(
        &RedirectBody {
            site_id: &args.site_id,
            url_mapping: &path,
            redirect: args.redirect.trim(),
        },
        "redirect",
    )?;
    create(&ctx, ctx.endpoint(&[]).json(json), "redirect", redirect).await
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRedirectArgs {
    /// Redirect id (24 hex characters).
    pub redirect_id: DocsId,
    /// Docs site id (24 hex characters).
    pub site_id: DocsId,
    /// The path to redirect from, e.g. /article/22-old-name.
    pub url_mapping: String,
    /// The full URL to redirect to.
    pub redirect: String,
}

async fn update_redirect(ctx: ToolContext, args: UpdateRedirectArgs) -> ToolResult {
    let path = url_path("url_mapping", &args.url_mapping)?;
    absolute_url("redirect", &args.redirect)?;
    let json = body(
        &RedirectBody {
            site_id: &args.site_id,
            url_mapping: &path,
            redirect: args.redirect.trim(),
        },
        "redirect",
    )?;
    let request = ctx.endpoint(&[("redirectId", &args.redirect_id)]).json(json);
    update(&ctx, request, "redirect", redirect, &args.redirect_id).await
}

async fn delete_redirect(ctx: ToolContext, args: RedirectArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("redirectId", &args.redirect_id)])).await?;
    Ok(confirm(&[
        ("deleted", json!(true)),
        ("redirectId", json!(args.redirect_id.as_str())),
    ]))
}
