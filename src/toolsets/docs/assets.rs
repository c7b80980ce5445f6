//! Docs asset uploads (catalogue 3 docs_assets): article images/attachments and
//! site logos/icons, sent as multipart with the API key as the `key` form field
//! (added by the client; catalogue 4.12).

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{compact, file_part, spec, text_field, wire, DocsId};
use crate::helpscout::client::MultipartField;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "docs_create_article_asset",
                Access::Write,
                false,
                "Upload article asset",
                "Returns a URL (filelink) for the article's HTML; it is not inserted for you.",
                Method::POST,
                "/v1/assets/article",
            ),
            create_article_asset,
        ),
        declare(
            spec(
                "docs_create_settings_asset",
                Access::Write,
                false,
                "Upload site logo or icon",
                "Returns the image's URL; set it with docs_update_site (logo_url, fav_icon_url, touch_icon_url).",
                Method::POST,
                "/v1/assets/settings",
            ),
            create_settings_asset,
        ),
    ]
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ArticleAssetType {
    Image,
    Attachment,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleAssetArgs {
    pub article_id: DocsId,
    pub asset_type: ArticleAssetType,
    pub file_name: String,
    pub mime_type: String,
    /// Base64, up to 10 MB.
    pub data: String,
}

async fn create_article_asset(ctx: ToolContext, args: ArticleAssetArgs) -> ToolResult {
    let file = file_part(&args.file_name, &args.mime_type, &args.data)?;
    if matches!(args.asset_type, ArticleAssetType::Image) && !args.mime_type.trim().starts_with("image/") {
        return Err(ToolError::invalid(
            "asset_type",
            format!(
                "image needs an image file, not {}; use attachment for other files",
                args.mime_type.trim()
            ),
        ));
    }
    let fields = vec![
        text_field("articleId", args.article_id.as_str()),
        text_field("assetType", wire(&args.asset_type)),
        file,
    ];
    upload(&ctx, fields).await
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SettingsAssetType {
    Logo,
    Favicon,
    Touchicon,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsAssetArgs {
    pub asset_type: SettingsAssetType,
    pub site_id: Option<DocsId>,
    pub file_name: String,
    pub mime_type: String,
    /// Base64.
    pub data: String,
}

async fn create_settings_asset(ctx: ToolContext, args: SettingsAssetArgs) -> ToolResult {
    let file = file_part(&args.file_name, &args.mime_type, &args.data)?;
    if !args.mime_type.trim().starts_with("image/") {
        return Err(ToolError::invalid(
            "mime_type",
            format!(
                "a {} must be an image, not {}",
                wire(&args.asset_type),
                args.mime_type.trim()
            ),
        ));
    }
    let mut fields = vec![text_field("assetType", wire(&args.asset_type))];
    if let Some(site) = &args.site_id {
        fields.push(text_field("siteId", site.as_str()));
    }
    fields.push(file);
    upload(&ctx, fields).await
}

/// Assets answer 201 with `{filelink, filename, width, height}` and no envelope.
async fn upload(ctx: &ToolContext, fields: Vec<MultipartField>) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[]).multipart(fields)).await?;
    if body.get("filelink").and_then(Value::as_str).is_none() {
        return Err(ToolError::Failed(
            "Help Scout stored the file but did not return its link; do not upload it again, \
             the file may already be in Docs."
                .into(),
        ));
    }
    Ok(ToolOutput::json(compact(&body)))
}
