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
                "A Docs site's redirects: old path -> new URL.",
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
                "One Docs redirect.",
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
                "Where a path on a Docs site ends up, following redirect chains; redirectedUrl is null when none \
                 matches.",
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
                "Redirect a Docs site path (e.g. an old article URL) to a full URL; query strings in the path are \
                    ignored.",
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
                "Replaces the redirect's site, path and target.",
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
                "Its old path stops redirecting.",
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
    pub site_id: DocsId,
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
    /// e.g. /article/22-old-name.
    pub url: String,
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
    pub site_id: DocsId,
    /// e.g. /article/22-old-name.
    pub url_mapping: String,
    /// A full URL.
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
    pub redirect_id: DocsId,
    pub site_id: DocsId,
    /// e.g. /article/22-old-name.
    pub url_mapping: String,
    /// A full URL.
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
