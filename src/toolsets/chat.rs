//! Chat API v1: Beacon chats (catalogue 3: `chats`; 4.13). Chat ids are UUID
//! strings, not the integer ids of the Inbox API (catalogue 4.10).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::helpscout::pagination::hal_page;
use crate::helpscout::Api;
use crate::output::compact::{list_result, strip};
use crate::output::html::html_to_text;
use crate::output::shapes::person;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};

const TOOLSET: &str = "chat";
/// Events per page of `/events`, and most events embedded in a chat (catalogue 3 chats).
const EVENTS_PER_PAGE: usize = 50;

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "get_beacon_chat",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "Get Beacon chat",
                description: "Beacon live chat by UUID: customer, assignee, pages viewed, messages. Inbox chat \
                    conversations (integer ids): get_conversation.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/chat/v1/{chatId}",
            },
            get_beacon_chat,
        ),
        declare(
            ToolSpec {
                name: "list_beacon_chat_events",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "List Beacon chat events",
                description: "Messages and line items, oldest first; for when get_beacon_chat says there are more.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/chat/v1/{chatId}/events",
            },
            list_beacon_chat_events,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatArgs {
    // `format: uuid` alone: a pattern would cost ~35 tokens per tool and chat_id()
    // checks the shape anyway.
    #[schemars(extend("format" = "uuid"))]
    pub chat_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatEventsArgs {
    #[schemars(extend("format" = "uuid"))]
    pub chat_id: String,
    pub page: Option<NonZeroU32>,
}

/// The id, lower-cased, if it is a UUID (8-4-4-4-12 hex digits).
fn chat_id(raw: &str) -> Result<String, ToolError> {
    let id = raw.trim();
    let groups: Vec<&str> = id.split('-').collect();
    let shape_ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()));
    if !shape_ok {
        return Err(ToolError::invalid(
            "chat_id",
            format!(
                "`{raw}` is not a Beacon chat id; expected a UUID like 5a0da3c3-4882-3352-8db9-8fc47e14111f \
                 (an integer id is an Inbox conversation: use get_conversation)"
            ),
        ));
    }
    Ok(id.to_ascii_lowercase())
}

async fn get_beacon_chat(ctx: ToolContext, args: ChatArgs) -> ToolResult {
    let id = chat_id(&args.chat_id)?;
    let body = ctx.client.send_json(ctx.endpoint(&[("chatId", &id)])).await?;
    let events: Vec<Value> = body
        .pointer("/_embedded/events")
        .and_then(Value::as_array)
        .map(|items| items.iter().map(event).collect())
        .unwrap_or_default();
    let more = (events.len() >= EVENTS_PER_PAGE).then(|| {
        format!("only the first {EVENTS_PER_PAGE} events are shown; list_beacon_chat_events with page=2 has more")
    });
    let tags: Vec<Value> = body
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("slug").or_else(|| t.get("name")).cloned())
                .collect()
        })
        .unwrap_or_default();
    Ok(ToolOutput::json(strip(json!({
        "id": body.get("id"),
        "mailboxId": body.get("mailboxId"),
        "beaconId": body.get("beaconId"),
        "createdAt": body.get("createdAt"),
        "customer": body.get("customer").map(person),
        "assignee": body.get("assignee").map(person),
        "preview": body.get("preview"),
        "tags": tags,
        "customFields": body.get("customFields"),
        "timeline": body.get("timeline"),
        "events": events,
        "more": more,
    }))))
}

/// One event: who, what, when, and the message text (HTML, if any, as plain text).
fn event(value: &Value) -> Value {
    strip(json!({
        "id": value.get("id"),
        "type": value.get("type"),
        "action": value.get("action"),
        "author": value.get("author").map(person),
        "createdAt": value.get("createdAt"),
        "text": value.get("body").and_then(Value::as_str).map(html_to_text),
    }))
}

async fn list_beacon_chat_events(ctx: ToolContext, args: ChatEventsArgs) -> ToolResult {
    let id = chat_id(&args.chat_id)?;
    let request = ctx.endpoint(&[("chatId", &id)]).query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "events");
    let items = page.items.iter().map(event).collect();
    Ok(ToolOutput::json(list_result(
        "events",
        items,
        &page,
        "list_beacon_chat_events",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::schema::input_schema;

    #[test]
    fn chat_ids_must_be_uuids() {
        assert_eq!(
            chat_id(" 5A0DA3C3-4882-3352-8DB9-8FC47E14111F ").unwrap(),
            "5a0da3c3-4882-3352-8db9-8fc47e14111f"
        );
        for bad in [
            "2000065",
            "5a0da3c3-4882-3352-8db9",
            "5a0da3c3-4882-3352-8db9-8fc47e14111g",
            "",
        ] {
            let err = chat_id(bad).unwrap_err().to_string();
            assert!(err.contains("`chat_id`") && err.contains("UUID"), "{err}");
        }
    }

    #[test]
    fn schema_says_uuid() {
        let schema = Value::Object(input_schema::<ChatEventsArgs>());
        let id = &schema["properties"]["chat_id"];
        assert_eq!(id["format"], "uuid");
        assert!(
            id.get("pattern").is_none(),
            "format uuid says it; a pattern only costs tokens"
        );
        assert_eq!(schema["properties"]["page"]["minimum"], json!(1));
    }
}
