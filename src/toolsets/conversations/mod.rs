//! Conversations, threads and attachments (catalogue 3: `conversations`, `threads`,
//! `attachments`, and the v3 conversation/thread reads).
//!
//! Multiplexed endpoints are split into one tool per effect (catalogue 1, "Recommended
//! tool splits") so that each tool's annotations tell the truth: a PATCH that changes a
//! subject is a write, the same PATCH publishing a draft emails a customer.

mod attachments;
mod conversation;
mod threads;

use chrono::{Datelike, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::helpscout::{Api, ApiRequest, ApiResponse};
use crate::registry::{fill_path, ToolContext, ToolDef, ToolError};
pub(crate) use crate::toolsets::common::{api_time, parse_time};

pub fn tools() -> Vec<ToolDef> {
    let mut tools = conversation::tools();
    tools.extend(threads::tools());
    tools.extend(attachments::tools());
    tools
}

/// The conversation resource. Several tools read it before they write (tags, reply
/// customer), so its path is named once here.
const CONVERSATION_PATH: &str = "/v2/conversations/{conversationId}";

// Args of tools that take only ids. (Doc comments on the struct itself would become the
// schema's description, so this is a plain comment.)
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationIdArgs {
    pub conversation_id: u64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadIdArgs {
    pub conversation_id: u64,
    pub thread_id: u64,
}

/// Sends one JSON Patch operation. Conversation and thread PATCH bodies are a single
/// object, never an array (catalogue 4.6); Help Scout answers 204.
async fn patch(
    ctx: &ToolContext,
    params: &[(&str, &(dyn std::fmt::Display + Sync))],
    op: &str,
    path: &str,
    value: Option<Value>,
) -> Result<(), ToolError> {
    let body = match value {
        Some(value) => json!({"op": op, "path": path, "value": value}),
        None => json!({"op": op, "path": path}),
    };
    ctx.send(ctx.endpoint(params).json(body)).await?;
    Ok(())
}

/// GET of the conversation itself, for tools whose own endpoint is something else.
fn get_conversation_request(conversation_id: u64) -> ApiRequest {
    ApiRequest::get(
        Api::Inbox,
        fill_path(CONVERSATION_PATH, &[("conversationId", &conversation_id)]),
    )
}

/// The conversation's primary customer id: `POST /reply` requires `customer.id` even
/// though the conversation already has one (catalogue 4.7).
async fn primary_customer_id(ctx: &ToolContext, conversation_id: u64) -> Result<u64, ToolError> {
    let conversation = ctx.client.send_json(get_conversation_request(conversation_id)).await?;
    conversation
        .pointer("/primaryCustomer/id")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            ToolError::Failed(format!(
                "Conversation {conversation_id} has no primary customer; pass customer_id explicitly."
            ))
        })
}

/// The id from a 201's `Resource-ID` header (catalogue 4.5), as a number when it is one.
fn created_id(response: &ApiResponse) -> Value {
    match response.resource_id() {
        Some(id) => id.parse::<u64>().map(Value::from).unwrap_or(Value::String(id)),
        None => Value::Null,
    }
}

/// A snooze or schedule time: in the future and not after 2100 (catalogue 4.7).
fn future_time(field: &str, input: &str) -> Result<String, ToolError> {
    let t = parse_time(field, input)?;
    if t <= Utc::now() {
        return Err(ToolError::invalid(
            field,
            format!("{} is in the past; give a future date-time", api_time(t)),
        ));
    }
    if t.year() > 2100 {
        return Err(ToolError::invalid(field, "must not be after the year 2100"));
    }
    Ok(api_time(t))
}

fn non_blank(field: &str, value: &str) -> Result<(), ToolError> {
    if value.trim().is_empty() {
        return Err(ToolError::invalid(field, "must not be empty"));
    }
    Ok(())
}

fn check_emails(field: &str, emails: &[String]) -> Result<(), ToolError> {
    for (i, email) in emails.iter().enumerate() {
        if !looks_like_email(email) {
            return Err(ToolError::invalid(
                format!("{field}[{i}]"),
                format!("`{email}` is not an email address"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.trim().split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_lose_milliseconds_and_zone() {
        let t = parse_time("modified_since", "2024-01-15T11:30:00.123+01:00").unwrap();
        assert_eq!(api_time(t), "2024-01-15T10:30:00Z");
        assert_eq!(api_time(parse_time("f", "2024-01-15").unwrap()), "2024-01-15T00:00:00Z");
    }

    #[test]
    fn bad_times_name_the_field() {
        for input in ["yesterday", "2024-01-15T10:30:00", "15/01/2024"] {
            let err = parse_time("modified_since", input).unwrap_err().to_string();
            assert!(err.contains("modified_since") && err.contains("RFC 3339"), "{err}");
        }
        let past = future_time("snoozed_until", "2020-01-01T00:00:00Z")
            .unwrap_err()
            .to_string();
        assert!(past.contains("snoozed_until") && past.contains("past"), "{past}");
        let far = future_time("scheduled_for", "2101-01-01T00:00:00Z")
            .unwrap_err()
            .to_string();
        assert!(far.contains("2100"), "{far}");
        assert_eq!(
            future_time("x", "2099-06-01T08:00:00.5Z").unwrap(),
            "2099-06-01T08:00:00Z"
        );
    }

    #[test]
    fn email_check() {
        assert!(looks_like_email("a.b@c.io"));
        assert!(!looks_like_email("a@b"));
        assert!(!looks_like_email("jane doe@x.io"));
        let err = check_emails("cc", &["ok@x.io".into(), "nope".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("cc[1]"), "{err}");
    }
}
