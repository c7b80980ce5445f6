//! Docs sites and restricted Docs (catalogue 3 docs_sites).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{absolute_url, body, compact, confirm, create, docs_list, non_blank, spec, update, DocsId};
use crate::output::compact::strip;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            spec(
                "docs_list_sites",
                Access::Read,
                true,
                "List Docs sites",
                "Knowledge-base sites: id, subdomain, domain, title.",
                Method::GET,
                "/v1/sites",
            ),
            list_sites,
        ),
        declare(
            spec(
                "docs_get_site",
                Access::Read,
                true,
                "Get Docs site",
                "A site's settings: domains, branding, contact form.",
                Method::GET,
                "/v1/sites/{siteId}",
            ),
            get_site,
        ),
        declare(
            spec(
                "docs_create_site",
                Access::Write,
                false,
                "Create Docs site",
                "sub_domain must be unique across all Help Scout accounts.",
                Method::POST,
                "/v1/sites",
            ),
            create_site,
        ),
        declare(
            spec(
                "docs_update_site",
                Access::Write,
                true,
                "Update Docs site",
                "sub_domain is required even when unchanged; other fields left out stay.",
                Method::PUT,
                "/v1/sites/{siteId}",
            ),
            update_site,
        ),
        declare(
            spec(
                "docs_delete_site",
                Access::Destructive,
                true,
                "Delete Docs site",
                "Deletes the site for good with its collections, articles and redirects; its pages go offline.",
                Method::DELETE,
                "/v1/sites/{siteId}",
            ),
            delete_site,
        ),
        declare(
            spec(
                "docs_get_site_restrictions",
                Access::Read,
                true,
                "Get Docs site restrictions",
                "Whether readers must sign in, and the sign-in URL (the secret is not shown).",
                Method::GET,
                "/v1/sites/{siteId}/restricted",
            ),
            get_site_restrictions,
        ),
        declare(
            spec(
                "docs_update_site_restrictions",
                Access::Destructive,
                true,
                "Update Docs site restrictions",
                "enabled: only readers signed in via sign_in_url can read the site; false makes it public. Takes \
                    effect at once.",
                Method::PUT,
                "/v1/sites/{siteId}/restricted",
            ),
            update_site_restrictions,
        ),
    ]
}

/// A site as the model reads it (site objects carry no secrets).
fn site(value: &Value) -> Value {
    compact(value)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSitesArgs {
    pub page: Option<NonZeroU32>,
}

async fn list_sites(ctx: ToolContext, args: ListSitesArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[]).query_opt("page", args.page))
        .await?;
    Ok(docs_list(&body, "sites", "docs_list_sites", site))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteArgs {
    pub site_id: DocsId,
}

async fn get_site(ctx: ToolContext, args: SiteArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[("siteId", &args.site_id)])).await?;
    Ok(ToolOutput::json(site(body.get("site").unwrap_or(&Value::Null))))
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SiteStatus {
    Active,
    Inactive,
}

/// The optional Site settings shared by create and update (HSD sites/update).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SiteBody<'a> {
    sub_domain: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<SiteStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cname: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_public_site: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo_width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo_height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fav_icon_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    touch_icon_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    home_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    home_link_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bg_color: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_contact_form: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mailbox_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    style_sheet_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    header_code: Option<&'a str>,
}

/// Declares a site args struct: its own leading fields, then every optional
/// Site setting (create and update take the same ones; serde cannot combine
/// `flatten` with `deny_unknown_fields`, so the list is spelled out once here).
macro_rules! site_args {
    ($name:ident { $($(#[$fattr:meta])* $field:ident : $ty:ty,)* }) => {
        #[derive(Debug, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fattr])* pub $field: $ty,)*
            pub status: Option<SiteStatus>,
            pub cname: Option<String>,
            /// false takes the site offline.
            pub has_public_site: Option<bool>,
            pub company_name: Option<String>,
            pub logo_url: Option<String>,
            pub logo_width: Option<u32>,
            pub logo_height: Option<u32>,
            pub fav_icon_url: Option<String>,
            pub touch_icon_url: Option<String>,
            pub home_url: Option<String>,
            pub home_link_text: Option<String>,
            pub bg_color: Option<String>,
            pub description: Option<String>,
            pub has_contact_form: Option<bool>,
            pub mailbox_id: Option<u64>,
            pub contact_email: Option<String>,
            pub style_sheet_url: Option<String>,
            /// HTML for <head>.
            pub header_code: Option<String>,
        }

        impl $name {
            fn site_body<'a>(&'a self, sub_domain: &'a str, title: Option<&'a str>) -> SiteBody<'a> {
                SiteBody {
                    sub_domain,
                    title,
                    status: self.status,
                    cname: self.cname.as_deref(),
                    has_public_site: self.has_public_site,
                    company_name: self.company_name.as_deref(),
                    logo_url: self.logo_url.as_deref(),
                    logo_width: self.logo_width,
                    logo_height: self.logo_height,
                    fav_icon_url: self.fav_icon_url.as_deref(),
                    touch_icon_url: self.touch_icon_url.as_deref(),
                    home_url: self.home_url.as_deref(),
                    home_link_text: self.home_link_text.as_deref(),
                    bg_color: self.bg_color.as_deref(),
                    description: self.description.as_deref(),
                    has_contact_form: self.has_contact_form,
                    mailbox_id: self.mailbox_id,
                    contact_email: self.contact_email.as_deref(),
                    style_sheet_url: self.style_sheet_url.as_deref(),
                    header_code: self.header_code.as_deref(),
                }
            }
        }
    };
}

site_args!(CreateSiteArgs {
    /// Of helpscoutdocs.com: letters, digits, hyphens.
    sub_domain: String,
    title: String,
});

site_args!(UpdateSiteArgs {
    site_id: DocsId,
    sub_domain: String,
    title: Option<String>,
});

fn check_sub_domain(sub_domain: &str) -> Result<&str, ToolError> {
    let s = sub_domain.trim();
    let valid = !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if !valid {
        return Err(ToolError::invalid(
            "sub_domain",
            "use letters, digits and hyphens only, e.g. acme-help (not a full host name)",
        ));
    }
    Ok(s)
}

async fn create_site(ctx: ToolContext, args: CreateSiteArgs) -> ToolResult {
    let sub_domain = check_sub_domain(&args.sub_domain)?;
    non_blank("title", &args.title)?;
    let json = body(&args.site_body(sub_domain, Some(args.title.trim())), "site")?;
    create(&ctx, ctx.endpoint(&[]).json(json), "site", site).await
}

async fn update_site(ctx: ToolContext, args: UpdateSiteArgs) -> ToolResult {
    let sub_domain = check_sub_domain(&args.sub_domain)?;
    let json = body(&args.site_body(sub_domain, args.title.as_deref()), "site")?;
    let request = ctx.endpoint(&[("siteId", &args.site_id)]).json(json);
    update(&ctx, request, "site", site, &args.site_id).await
}

async fn delete_site(ctx: ToolContext, args: SiteArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("siteId", &args.site_id)])).await?;
    Ok(confirm(&[
        ("deleted", json!(true)),
        ("siteId", json!(args.site_id.as_str())),
    ]))
}

/// The restriction settings without the shared secret: it signs reader
/// sign-ins, and an agent has no use for it (catalogue 4.12).
fn restriction(site_id: &DocsId, value: &Value) -> Value {
    let config = value.get("callbackConfiguration");
    let secret_set = config
        .and_then(|c| c.get("sharedSecret"))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    strip(json!({
        "siteId": site_id.as_str(),
        "enabled": value.get("enabled"),
        "authentication": value.get("authentication"),
        "signInUrl": config.and_then(|c| c.get("signInUrl")),
        "sharedSecret": secret_set.then_some("[redacted]"),
    }))
}

async fn get_site_restrictions(ctx: ToolContext, args: SiteArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[("siteId", &args.site_id)])).await?;
    Ok(ToolOutput::json(restriction(&args.site_id, &body)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRestrictionsArgs {
    pub site_id: DocsId,
    pub enabled: bool,
    /// Your page that signs readers in; required when enabled.
    pub sign_in_url: Option<String>,
}

async fn update_site_restrictions(ctx: ToolContext, args: UpdateRestrictionsArgs) -> ToolResult {
    let mut json = json!({ "enabled": args.enabled });
    match args.sign_in_url.as_deref().map(str::trim) {
        Some(url) => {
            absolute_url("sign_in_url", url)?;
            // CALLBACK is the only authentication Help Scout offers (HSD sites/restrictions/update).
            json["authentication"] = json!("CALLBACK");
            json["callbackConfiguration"] = json!({ "signInUrl": url });
        }
        None if args.enabled => {
            return Err(ToolError::invalid("sign_in_url", "is required when enabled is true"));
        }
        None => {}
    }
    let request = ctx.endpoint(&[("siteId", &args.site_id)]).json(json);
    let body = ctx.client.send_json(request).await?;
    if body.is_object() {
        return Ok(ToolOutput::json(restriction(&args.site_id, &body)));
    }
    Ok(confirm(&[
        ("updated", json!(true)),
        ("siteId", json!(args.site_id.as_str())),
        ("enabled", json!(args.enabled)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_secret_never_leaves() {
        let id: DocsId = serde_json::from_value(json!("671001c40000000000000002")).unwrap_or_else(|e| panic!("{e}"));
        let shaped = restriction(
            &id,
            &json!({"enabled": true, "authentication": "CALLBACK",
                    "callbackConfiguration": {"signInUrl": "https://x.test/in", "sharedSecret": "s3cr3t"}}),
        );
        assert!(!shaped.to_string().contains("s3cr3t"), "{shaped}");
        assert_eq!(shaped["sharedSecret"], "[redacted]");
        assert_eq!(shaped["signInUrl"], "https://x.test/in");
    }
}
