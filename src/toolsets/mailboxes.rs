//! Mailboxes (inboxes), their custom fields, folders, saved replies and routing
//! (catalogue 3: `mailboxes`, `saved_replies`, `routing`).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::helpscout::pagination::Page;
use crate::helpscout::{Api, ApiError};
use crate::output::compact::{hal_list, list_result, strip};
use crate::output::html::html_to_text;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};
use crate::toolsets::common::created_id;

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_mailboxes",
                toolset: "mailboxes",
                access: Access::Read,
                idempotent: true,
                title: "List mailboxes",
                description: "Inboxes the user can see: id, name, email.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/mailboxes",
            },
            list_mailboxes,
        ),
        declare(
            ToolSpec {
                name: "get_mailbox",
                toolset: "mailboxes",
                access: Access::Read,
                idempotent: true,
                title: "Get mailbox",
                description: "Name, slug, email, dates.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/mailboxes/{mailboxId}",
            },
            get_mailbox,
        ),
        declare(
            ToolSpec {
                name: "list_mailbox_fields",
                toolset: "mailboxes",
                access: Access::Read,
                idempotent: true,
                title: "List mailbox custom fields",
                description: "Conversation custom fields with dropdown options; dropdown values are set by option \
                    id.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/mailboxes/{mailboxId}/fields",
            },
            list_mailbox_fields,
        ),
        declare(
            ToolSpec {
                name: "list_mailbox_folders",
                toolset: "mailboxes",
                access: Access::Read,
                idempotent: true,
                title: "List mailbox folders",
                description: "With conversation counts; list_conversations takes folder_id.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/mailboxes/{mailboxId}/folders",
            },
            list_mailbox_folders,
        ),
        declare(
            ToolSpec {
                name: "list_saved_replies",
                toolset: "mailboxes",
                access: Access::Read,
                idempotent: true,
                title: "List saved replies",
                description: "Canned responses, all at once: id, name, preview (get_saved_reply has the text).",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/mailboxes/{mailboxId}/saved-replies",
            },
            list_saved_replies,
        ),
        declare(
            ToolSpec {
                name: "get_saved_reply",
                toolset: "mailboxes",
                access: Access::Read,
                idempotent: true,
                title: "Get saved reply",
                description: "Its text as plain text, and its chat variant.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/mailboxes/{mailboxId}/saved-replies/{savedReplyId}",
            },
            get_saved_reply,
        ),
        declare(
            ToolSpec {
                name: "create_saved_reply",
                toolset: "mailboxes",
                access: Access::Write,
                idempotent: false,
                title: "Create saved reply",
                description: "Add a canned response to an inbox. Returns its id.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/mailboxes/{mailboxId}/saved-replies",
            },
            create_saved_reply,
        ),
        declare(
            ToolSpec {
                name: "update_saved_reply",
                toolset: "mailboxes",
                access: Access::Write,
                idempotent: true,
                title: "Update saved reply",
                description:
                    "Replaces name, text and chat text: a field left out may be cleared. get_saved_reply returns plain \
                    text; re-send formatting as HTML.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/mailboxes/{mailboxId}/saved-replies/{savedReplyId}",
            },
            update_saved_reply,
        ),
        declare(
            ToolSpec {
                name: "delete_saved_reply",
                toolset: "mailboxes",
                access: Access::Destructive,
                idempotent: true,
                title: "Delete saved reply",
                description: "It disappears for every user of the inbox.",
                api: Api::Inbox,
                method: Method::DELETE,
                path: "/v2/mailboxes/{mailboxId}/saved-replies/{savedReplyId}",
            },
            delete_saved_reply,
        ),
        declare(
            ToolSpec {
                name: "get_mailbox_routing",
                toolset: "mailboxes",
                access: Access::Read,
                idempotent: true,
                title: "Get mailbox routing",
                description: "Auto-assignment: state, method, per-user limit, users in rotation and why any is \
                    skipped.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/mailboxes/{mailboxId}/routing",
            },
            get_mailbox_routing,
        ),
        declare(
            ToolSpec {
                name: "update_mailbox_routing",
                toolset: "mailboxes",
                access: Access::Write,
                idempotent: true,
                title: "Update mailbox routing",
                description: "Replaces every auto-assignment setting: send back what you keep from \
                    get_mailbox_routing.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/mailboxes/{mailboxId}/routing",
            },
            update_mailbox_routing,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMailboxesArgs {
    pub page: Option<NonZeroU32>,
}

async fn list_mailboxes(ctx: ToolContext, args: ListMailboxesArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[]).query_opt("page", args.page))
        .await?;
    Ok(ToolOutput::json(hal_list(&body, "mailboxes", "list_mailboxes")))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxArgs {
    pub mailbox_id: u64,
}

async fn get_mailbox(ctx: ToolContext, args: MailboxArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("mailboxId", &args.mailbox_id)]))
        .await?;
    Ok(ToolOutput::json(strip(body)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailboxPageArgs {
    pub mailbox_id: u64,
    pub page: Option<NonZeroU32>,
}

async fn list_mailbox_fields(ctx: ToolContext, args: MailboxPageArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("mailboxId", &args.mailbox_id)])
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(hal_list(&body, "fields", "list_mailbox_fields")))
}

async fn list_mailbox_folders(ctx: ToolContext, args: MailboxPageArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("mailboxId", &args.mailbox_id)])
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(hal_list(&body, "folders", "list_mailbox_folders")))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSavedRepliesArgs {
    pub mailbox_id: u64,
    /// Default: email replies only.
    pub include_chat_replies: Option<bool>,
}

async fn list_saved_replies(ctx: ToolContext, args: ListSavedRepliesArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("mailboxId", &args.mailbox_id)])
        .query_opt("includeChatReplies", args.include_chat_replies);
    let body = ctx.client.send_json(request).await?;
    // Unlike every other Inbox list this is a bare JSON array without HAL paging (catalogue 4.3).
    let Value::Array(items) = body else {
        return Err(ApiError::Decode("expected a JSON array of saved replies".into()).into());
    };
    let page = Page {
        total_items: Some(items.len() as u64),
        items: Vec::new(),
        number: None,
        total_pages: None,
        next_href: None,
    };
    let items = items.into_iter().map(strip).collect();
    Ok(ToolOutput::json(list_result(
        "savedReplies",
        items,
        &page,
        "list_saved_replies",
    )))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedReplyArgs {
    pub mailbox_id: u64,
    pub saved_reply_id: u64,
}

async fn get_saved_reply(ctx: ToolContext, args: SavedReplyArgs) -> ToolResult {
    let request = ctx.endpoint(&[("mailboxId", &args.mailbox_id), ("savedReplyId", &args.saved_reply_id)]);
    let body = strip(ctx.client.send_json(request).await?);
    // The email text is stored as HTML; the model reads plain text (DESIGN.md "minimal output types").
    let text = body.get("text").and_then(Value::as_str).map(html_to_text);
    Ok(ToolOutput::json(strip(json!({
        "id": body.get("id"),
        "name": body.get("name"),
        "text": text,
        "chatText": body.get("chatText"),
    }))))
}

/// The body of a saved reply create or update (catalogue 3, `saved_replies`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SavedReplyBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    chat_text: Option<&'a str>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSavedReplyArgs {
    pub mailbox_id: u64,
    pub name: String,
    /// HTML; line breaks need <br> or <p>.
    pub text: Option<String>,
    pub chat_text: Option<String>,
}

async fn create_saved_reply(ctx: ToolContext, args: CreateSavedReplyArgs) -> ToolResult {
    let body = saved_reply_body(&args.name, args.text.as_deref(), args.chat_text.as_deref())?;
    let request = ctx.endpoint(&[("mailboxId", &args.mailbox_id)]).json(body);
    let response = ctx.send(request).await?;
    created_id(&response, "saved reply", "list_saved_replies")
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSavedReplyArgs {
    pub mailbox_id: u64,
    pub saved_reply_id: u64,
    pub name: String,
    /// HTML; line breaks need <br> or <p>.
    pub text: Option<String>,
    pub chat_text: Option<String>,
}

async fn update_saved_reply(ctx: ToolContext, args: UpdateSavedReplyArgs) -> ToolResult {
    let body = saved_reply_body(&args.name, args.text.as_deref(), args.chat_text.as_deref())?;
    let request = ctx
        .endpoint(&[("mailboxId", &args.mailbox_id), ("savedReplyId", &args.saved_reply_id)])
        .json(body);
    ctx.send(request).await?;
    Ok(ToolOutput::json(json!({
        "updated": true,
        "mailboxId": args.mailbox_id,
        "savedReplyId": args.saved_reply_id,
    })))
}

fn saved_reply_body(name: &str, text: Option<&str>, chat_text: Option<&str>) -> Result<Value, ToolError> {
    if name.trim().is_empty() {
        return Err(ToolError::invalid("name", "must not be empty"));
    }
    serde_json::to_value(SavedReplyBody { name, text, chat_text })
        .map_err(|e| ToolError::Failed(format!("cannot encode the saved reply: {e}")))
}

async fn delete_saved_reply(ctx: ToolContext, args: SavedReplyArgs) -> ToolResult {
    let request = ctx.endpoint(&[("mailboxId", &args.mailbox_id), ("savedReplyId", &args.saved_reply_id)]);
    ctx.send(request).await?;
    Ok(ToolOutput::json(json!({
        "deleted": true,
        "mailboxId": args.mailbox_id,
        "savedReplyId": args.saved_reply_id,
    })))
}

async fn get_mailbox_routing(ctx: ToolContext, args: MailboxArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("mailboxId", &args.mailbox_id)]))
        .await?;
    Ok(ToolOutput::json(strip(body)))
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoutingState {
    Enabled,
    Disabled,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentMethod {
    RoundRobin,
    Balanced,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoutingArgs {
    pub mailbox_id: u64,
    pub state: RoutingState,
    /// balanced: to whoever has the fewest open.
    pub assignment_method: AssignmentMethod,
    /// Max open auto-assigned conversations per user.
    #[schemars(range(min = 1, max = 100))]
    pub assignment_limit: u32,
    /// Replaces the rotation; not empty when enabled.
    pub user_ids: Vec<u64>,
}

/// Help Scout's wire shape for the routing PUT (catalogue 3, `routing`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RoutingBody<'a> {
    state: RoutingState,
    assignment_limit: u32,
    assignment_method: AssignmentMethod,
    user_ids: &'a [u64],
}

async fn update_mailbox_routing(ctx: ToolContext, args: UpdateRoutingArgs) -> ToolResult {
    if !(1..=100).contains(&args.assignment_limit) {
        return Err(ToolError::invalid("assignment_limit", "must be between 1 and 100"));
    }
    if matches!(args.state, RoutingState::Enabled) && args.user_ids.is_empty() {
        return Err(ToolError::invalid(
            "user_ids",
            "must list at least one user when state is enabled",
        ));
    }
    let body = serde_json::to_value(RoutingBody {
        state: args.state,
        assignment_limit: args.assignment_limit,
        assignment_method: args.assignment_method,
        user_ids: &args.user_ids,
    })
    .map_err(|e| ToolError::Failed(format!("cannot encode the routing configuration: {e}")))?;
    let request = ctx.endpoint(&[("mailboxId", &args.mailbox_id)]).json(body.clone());
    ctx.send(request).await?;
    Ok(ToolOutput::json(
        json!({ "updated": true, "mailboxId": args.mailbox_id, "routing": body }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::schema::input_schema;

    #[test]
    fn routing_schema_lists_the_enum_values_and_limit_range() {
        let schema = Value::Object(input_schema::<UpdateRoutingArgs>());
        let props = &schema["properties"];
        assert_eq!(props["state"]["enum"], json!(["enabled", "disabled"]));
        assert_eq!(props["assignment_method"]["enum"], json!(["round_robin", "balanced"]));
        assert_eq!(
            (
                props["assignment_limit"]["minimum"].clone(),
                props["assignment_limit"]["maximum"].clone()
            ),
            (json!(1), json!(100))
        );
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        for field in [
            "mailbox_id",
            "state",
            "assignment_method",
            "assignment_limit",
            "user_ids",
        ] {
            assert!(required.contains(&json!(field)), "{field} should be required");
        }
    }

    #[test]
    fn page_schema_starts_at_one() {
        let schema = Value::Object(input_schema::<MailboxPageArgs>());
        assert_eq!(schema["properties"]["page"]["minimum"], json!(1));
    }
}
