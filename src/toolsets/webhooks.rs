//! Webhooks (catalogue 3: `webhooks`; events and secrets in 4.11).
//!
//! Help Scout returns each webhook's signing secret in clear on every read. It
//! never reaches tool output: anyone holding it can forge deliveries.

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::helpscout::pagination::hal_page;
use crate::helpscout::Api;
use crate::output::compact::{list_result, strip};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};
use crate::toolsets::common::created_id;

const TOOLSET: &str = "webhooks";

/// Longest secret Help Scout accepts (catalogue 4.11).
pub const MAX_SECRET_CHARS: usize = 40;

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_webhooks",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "List webhooks",
                description: "The account's webhooks: URL, state, events, inboxes; never the secret.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/webhooks",
            },
            list_webhooks,
        ),
        declare(
            ToolSpec {
                name: "get_webhook",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "Get webhook",
                description: "URL, state, events, inboxes and label; never the secret.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/webhooks/{webhookId}",
            },
            get_webhook,
        ),
        declare(
            ToolSpec {
                name: "create_webhook",
                toolset: TOOLSET,
                access: Access::Write,
                idempotent: false,
                title: "Create webhook",
                description: "POSTs account data for the chosen events to the https URL, signed with secret. \
                    Each call creates another webhook.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/webhooks",
            },
            create_webhook,
        ),
        declare(
            ToolSpec {
                name: "update_webhook",
                toolset: TOOLSET,
                access: Access::Write,
                idempotent: true,
                title: "Update webhook",
                description: "Replaces the whole webhook. The secret cannot be read back: pass the one the \
                    receiver should verify.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/webhooks/{webhookId}",
            },
            update_webhook,
        ),
        declare(
            ToolSpec {
                name: "delete_webhook",
                toolset: TOOLSET,
                access: Access::Destructive,
                idempotent: true,
                title: "Delete webhook",
                description: "Its receiver stops getting events.",
                api: Api::Inbox,
                method: Method::DELETE,
                path: "/v2/webhooks/{webhookId}",
            },
            delete_webhook,
        ),
    ]
}

// The official event names (catalogue 4.11). A plain comment: a doc comment would
// become the schema's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WebhookEvent {
    #[serde(rename = "convo.assigned")]
    ConvoAssigned,
    #[serde(rename = "convo.created")]
    ConvoCreated,
    #[serde(rename = "convo.deleted")]
    ConvoDeleted,
    #[serde(rename = "convo.merged")]
    ConvoMerged,
    #[serde(rename = "convo.moved")]
    ConvoMoved,
    #[serde(rename = "convo.status")]
    ConvoStatus,
    #[serde(rename = "convo.tags")]
    ConvoTags,
    #[serde(rename = "convo.custom-fields")]
    ConvoCustomFields,
    #[serde(rename = "convo.customer.reply.created")]
    ConvoCustomerReplyCreated,
    #[serde(rename = "convo.agent.reply.created")]
    ConvoAgentReplyCreated,
    #[serde(rename = "convo.note.created")]
    ConvoNoteCreated,
    #[serde(rename = "customer.created")]
    CustomerCreated,
    #[serde(rename = "customer.updated")]
    CustomerUpdated,
    #[serde(rename = "customer.deleted")]
    CustomerDeleted,
    #[serde(rename = "satisfaction.ratings")]
    SatisfactionRatings,
    #[serde(rename = "beacon.chat.created")]
    BeaconChatCreated,
    #[serde(rename = "beacon.chat.customer.replied")]
    BeaconChatCustomerReplied,
    #[serde(rename = "tag.created")]
    TagCreated,
    #[serde(rename = "tag.updated")]
    TagUpdated,
    #[serde(rename = "tag.deleted")]
    TagDeleted,
    #[serde(rename = "message.survey.response.received")]
    MessageSurveyResponseReceived,
}

// Only V2 payloads exist (catalogue 4.11).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub enum PayloadVersion {
    V2,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageArgs {
    pub page: Option<NonZeroU32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookIdArgs {
    pub webhook_id: u64,
}

/// A webhook without HAL noise and without its secret.
fn webhook(value: Value) -> Value {
    redact(strip(value))
}

/// Removes every `secret` member, at any depth.
fn redact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("secret"))
                .map(|(k, v)| (k, redact(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        other => other,
    }
}

async fn list_webhooks(ctx: ToolContext, args: PageArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[]).query_opt("page", args.page))
        .await?;
    let page = hal_page(&body, "webhooks");
    let items = page.items.iter().cloned().map(webhook).collect();
    Ok(ToolOutput::json(list_result("webhooks", items, &page, "list_webhooks")))
}

async fn get_webhook(ctx: ToolContext, args: WebhookIdArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("webhookId", &args.webhook_id)]))
        .await?;
    Ok(ToolOutput::json(webhook(body)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookArgs {
    pub url: String,
    #[schemars(length(min = 1))]
    pub events: Vec<WebhookEvent>,
    #[schemars(length(min = 1, max = 40))]
    pub secret: String,
    pub mailbox_ids: Option<Vec<u64>>,
    pub label: Option<String>,
    /// Send only the resource URL.
    pub notification: Option<bool>,
    pub payload_version: Option<PayloadVersion>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookArgs {
    pub webhook_id: u64,
    pub url: String,
    #[schemars(length(min = 1))]
    pub events: Vec<WebhookEvent>,
    #[schemars(length(min = 1, max = 40))]
    pub secret: String,
    pub mailbox_ids: Option<Vec<u64>>,
    pub label: Option<String>,
    /// Send only the resource URL.
    pub notification: Option<bool>,
    pub payload_version: Option<PayloadVersion>,
}

/// Help Scout's webhook body, the same for create and update (catalogue 3 webhooks).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct WebhookBody<'a> {
    url: &'a str,
    events: Vec<WebhookEvent>,
    secret: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    mailbox_ids: Option<&'a [u64]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notification: Option<bool>,
    payload_version: PayloadVersion,
}

#[allow(clippy::too_many_arguments)]
fn webhook_body<'a>(
    url: &'a str,
    events: &[WebhookEvent],
    secret: &'a str,
    mailbox_ids: Option<&'a [u64]>,
    label: Option<&'a str>,
    notification: Option<bool>,
    payload_version: Option<PayloadVersion>,
) -> Result<Value, ToolError> {
    let url = url.trim();
    let host = url.strip_prefix("https://").unwrap_or("");
    if host.is_empty() || host.starts_with('/') || url.contains(char::is_whitespace) || url::Url::parse(url).is_err() {
        return Err(ToolError::invalid(
            "url",
            "must be an https:// URL (deliveries carry account data, so plain http is refused)",
        ));
    }
    if events.is_empty() {
        return Err(ToolError::invalid("events", "must list at least one event"));
    }
    let mut unique: Vec<WebhookEvent> = Vec::new();
    for event in events {
        if !unique.contains(event) {
            unique.push(*event);
        }
    }
    // Never echo the secret back, not even in an error.
    let secret_len = secret.chars().count();
    if secret.trim().is_empty() || secret_len > MAX_SECRET_CHARS {
        return Err(ToolError::invalid(
            "secret",
            format!("must be 1 to {MAX_SECRET_CHARS} characters (got {secret_len})"),
        ));
    }
    let body = WebhookBody {
        url,
        events: unique,
        secret,
        mailbox_ids,
        label: label.map(str::trim).filter(|l| !l.is_empty()),
        notification,
        payload_version: payload_version.unwrap_or(PayloadVersion::V2),
    };
    serde_json::to_value(body).map_err(|_| ToolError::Failed("cannot encode the webhook".into()))
}

async fn create_webhook(ctx: ToolContext, args: CreateWebhookArgs) -> ToolResult {
    let body = webhook_body(
        &args.url,
        &args.events,
        &args.secret,
        args.mailbox_ids.as_deref(),
        args.label.as_deref(),
        args.notification,
        args.payload_version,
    )?;
    let response = ctx.send(ctx.endpoint(&[]).json(body)).await?;
    created_id(&response, "webhook", "list_webhooks")
}

async fn update_webhook(ctx: ToolContext, args: UpdateWebhookArgs) -> ToolResult {
    let body = webhook_body(
        &args.url,
        &args.events,
        &args.secret,
        args.mailbox_ids.as_deref(),
        args.label.as_deref(),
        args.notification,
        args.payload_version,
    )?;
    ctx.send(ctx.endpoint(&[("webhookId", &args.webhook_id)]).json(body))
        .await?;
    Ok(ToolOutput::json(
        json!({ "updated": true, "webhookId": args.webhook_id }),
    ))
}

async fn delete_webhook(ctx: ToolContext, args: WebhookIdArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("webhookId", &args.webhook_id)])).await?;
    Ok(ToolOutput::json(
        json!({ "deleted": true, "webhookId": args.webhook_id }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::schema::input_schema;

    #[test]
    fn event_enum_is_the_official_list() {
        let schema = Value::Object(input_schema::<CreateWebhookArgs>());
        let events = schema["properties"]["events"]["items"]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(events.len(), 21, "{events:?}");
        for name in [
            "convo.custom-fields",
            "beacon.chat.customer.replied",
            "message.survey.response.received",
        ] {
            assert!(events.contains(&json!(name)), "{name} missing");
        }
        assert_eq!(schema["properties"]["secret"]["maxLength"], json!(40));
    }

    #[test]
    fn secrets_are_removed_at_any_depth() {
        let shaped = webhook(json!({"id": 1, "secret": "s3", "url": "https://x.io",
                                    "_links": {"self": {"href": "x"}}, "nested": [{"Secret": "s4"}]}));
        assert_eq!(shaped, json!({"id": 1, "url": "https://x.io", "nested": [{}]}));
    }

    #[test]
    fn body_validation() {
        let events = [WebhookEvent::ConvoCreated, WebhookEvent::ConvoCreated];
        let body = webhook_body("https://x.io/h", &events, "abc", None, Some(" "), None, None).unwrap();
        assert_eq!(
            body,
            json!({"url": "https://x.io/h", "events": ["convo.created"], "secret": "abc", "payloadVersion": "V2"})
        );
        let err = webhook_body("http://x.io", &events, "abc", None, None, None, None).unwrap_err();
        assert!(err.to_string().contains("`url`"), "{err}");
        let long = "k".repeat(41);
        let err = webhook_body("https://x.io", &events, &long, None, None, None, None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`secret`") && err.contains("41") && !err.contains(&long),
            "{err}"
        );
        assert!(webhook_body("https://x.io", &[], "abc", None, None, None, None).is_err());
    }
}
