//! MCP resources: a conversation, a customer, the mailbox list and a Docs article,
//! addressable by URI so a host can attach them to the model's context.
//!
//! A resource is a view of one read tool: reading it resolves the URI to that tool and
//! its arguments and runs it through [`HelpScoutServer::call_as_detailed`], so the
//! policy, mailbox and site scoping, redaction and the audit log apply exactly as to
//! the tool. A resource whose tool the policy hides is neither listed nor readable.

use rmcp::model::{ReadResourceResult, Resource, ResourceContents, ResourceTemplate};
use rmcp::ErrorData as McpError;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::policy::Policy;
use crate::server::{CallControl, CallStatus, HelpScoutServer};

pub const SCHEME: &str = "helpscout://";
pub const MAILBOXES_URI: &str = "helpscout://mailboxes";

const MARKDOWN: &str = "text/markdown";
const JSON: &str = "application/json";

/// One kind of resource and the tool behind it.
struct Kind {
    uri: &'static str,
    name: &'static str,
    title: &'static str,
    description: &'static str,
    mime_type: &'static str,
    tool: &'static str,
    render: Render,
}

#[derive(Clone, Copy)]
enum Render {
    Json,
    Conversation,
    Article,
}

const CONVERSATION: Kind = Kind {
    uri: "helpscout://conversations/{conversation_id}",
    name: "conversation",
    title: "Help Scout conversation",
    description: "A conversation with its threads as plain text, newest first (what get_conversation returns).",
    mime_type: MARKDOWN,
    tool: "get_conversation",
    render: Render::Conversation,
};

const CUSTOMER: Kind = Kind {
    uri: "helpscout://customers/{customer_id}",
    name: "customer",
    title: "Help Scout customer",
    description: "A customer's profile: emails, phones, address, properties (what get_customer returns).",
    mime_type: JSON,
    tool: "get_customer",
    render: Render::Json,
};

const ARTICLE: Kind = Kind {
    uri: "helpscout://docs/articles/{article_id}",
    name: "docs_article",
    title: "Docs article",
    description: "A Help Scout Docs article as text, by id (24 hex characters) or number (what docs_get_article \
                  returns).",
    mime_type: MARKDOWN,
    tool: "docs_get_article",
    render: Render::Article,
};

const MAILBOXES: Kind = Kind {
    uri: MAILBOXES_URI,
    name: "mailboxes",
    title: "Help Scout mailboxes",
    description: "The mailboxes (inboxes) you can see, with their ids (first page of list_mailboxes).",
    mime_type: JSON,
    tool: "list_mailboxes",
    render: Render::Json,
};

const TEMPLATES: [&Kind; 3] = [&CONVERSATION, &CUSTOMER, &ARTICLE];

fn allowed(server: &HelpScoutServer, policy: &Policy, kind: &Kind) -> bool {
    server
        .state()
        .registry
        .get(kind.tool)
        .is_some_and(|def| policy.allows(&def.spec))
}

/// The static resources `policy` may read.
pub fn resources(server: &HelpScoutServer, policy: &Policy) -> Vec<Resource> {
    [&MAILBOXES]
        .into_iter()
        .filter(|kind| allowed(server, policy, kind))
        .map(|kind| {
            Resource::new(kind.uri, kind.name)
                .with_title(kind.title)
                .with_description(kind.description)
                .with_mime_type(kind.mime_type)
        })
        .collect()
}

/// The resource templates `policy` may read.
pub fn templates(server: &HelpScoutServer, policy: &Policy) -> Vec<ResourceTemplate> {
    TEMPLATES
        .into_iter()
        .filter(|kind| allowed(server, policy, kind))
        .map(|kind| {
            ResourceTemplate::new(kind.uri, kind.name)
                .with_title(kind.title)
                .with_description(kind.description)
                .with_mime_type(kind.mime_type)
        })
        .collect()
}

/// A URI resolved to its kind and the arguments of its tool.
fn resolve(uri: &str) -> Option<(&'static Kind, Value)> {
    let rest = uri.strip_prefix(SCHEME)?;
    if rest.contains(['?', '#']) {
        return None;
    }
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        ["mailboxes"] => Some((&MAILBOXES, json!({}))),
        ["conversations", id] => Some((&CONVERSATION, json!({"conversation_id": id.parse::<u64>().ok()?}))),
        ["customers", id] => Some((&CUSTOMER, json!({"customer_id": id.parse::<u64>().ok()?}))),
        ["docs", "articles", id] if !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Some((&ARTICLE, json!({"article_id_or_number": id})))
        }
        _ => None,
    }
}

/// `resources/read`: the tool's result, rendered for the resource's MIME type.
/// Failures are protocol errors (resources have no `isError`), with the same text the
/// tool would have returned.
pub async fn read(
    server: &HelpScoutServer,
    policy: &Policy,
    uri: &str,
    cancel: Option<CancellationToken>,
) -> Result<ReadResourceResult, McpError> {
    // SEP-2164: a not-found error carries the URI in its data.
    let not_found = |message: String| McpError::resource_not_found(message, Some(json!({"uri": uri})));
    let Some((kind, arguments)) = resolve(uri) else {
        return Err(not_found(format!(
            "unknown resource `{uri}`; this server serves {}, {}, {} and {}",
            CONVERSATION.uri, CUSTOMER.uri, MAILBOXES.uri, ARTICLE.uri
        )));
    };
    let (result, status) = server
        .call_as_detailed(policy, kind.tool, arguments, CallControl::cancellable(cancel))
        .await?;
    let text: String = result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|t| t.text.as_str()))
        .collect::<Vec<_>>()
        .join("\n");
    match status {
        CallStatus::Ok => {}
        CallStatus::Refused | CallStatus::Failed { status: Some(404) } => {
            return Err(not_found(format!("{uri}: {text}")))
        }
        CallStatus::InvalidArguments => return Err(McpError::invalid_params(format!("{uri}: {text}"), None)),
        CallStatus::Failed { .. } => return Err(McpError::internal_error(format!("{uri}: {text}"), None)),
    }
    let value = result.structured_content.unwrap_or(Value::Null);
    let body = match kind.render {
        Render::Conversation => conversation_markdown(&value),
        Render::Article => article_markdown(&value),
        Render::Json => {
            serde_json::to_string_pretty(&value).map_err(|e| McpError::internal_error(e.to_string(), None))?
        }
    };
    Ok(ReadResourceResult::new(vec![ResourceContents::TextResourceContents {
        uri: uri.to_string(),
        mime_type: Some(kind.mime_type.to_string()),
        text: body,
        meta: None,
    }]))
}

fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// "Name <email>", or whichever of the two there is.
fn person(value: &Value) -> Option<String> {
    let name = str_at(value, "name");
    let email = str_at(value, "email");
    match (name, email) {
        (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
        (None, None) => value.get("id").map(|id| format!("id {id}")),
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// get_conversation's compact JSON as Markdown: a header of facts, then each thread.
fn conversation_markdown(conversation: &Value) -> String {
    let mut out = format!("# {}\n\n", str_at(conversation, "subject").unwrap_or("(no subject)"));
    let mut facts = Vec::new();
    if let Some(id) = conversation.get("id") {
        let number = conversation
            .get("number")
            .map(|n| format!(" (#{n})"))
            .unwrap_or_default();
        facts.push(format!("Conversation {id}{number}"));
    }
    for (key, label) in [("status", "Status"), ("mailboxId", "Mailbox"), ("type", "Type")] {
        if let Some(value) = conversation.get(key) {
            facts.push(format!("{label}: {}", plain(value)));
        }
    }
    if let Some(customer) = conversation.get("customer").and_then(person) {
        let id = conversation["customer"]
            .get("id")
            .map(|id| format!(" (customer id {id})"));
        facts.push(format!("Customer: {customer}{}", id.unwrap_or_default()));
    }
    if let Some(assignee) = conversation.get("assignee").and_then(person) {
        facts.push(format!("Assignee: {assignee}"));
    }
    if let Some(tags) = conversation
        .get("tags")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty())
    {
        let tags: Vec<String> = tags.iter().map(plain).collect();
        facts.push(format!("Tags: {}", tags.join(", ")));
    }
    if let Some(fields) = conversation.get("customFields").and_then(Value::as_array) {
        for field in fields {
            if let (Some(name), Some(text)) = (str_at(field, "name"), field.get("text").or(field.get("value"))) {
                facts.push(format!("{name}: {}", plain(text)));
            }
        }
    }
    for (key, label) in [("createdAt", "Created"), ("updatedAt", "Updated")] {
        if let Some(at) = str_at(conversation, key) {
            facts.push(format!("{label}: {at}"));
        }
    }
    for fact in facts {
        out.push_str(&format!("- {fact}\n"));
    }
    if let Some(note) = str_at(conversation, "note") {
        out.push_str(&format!("\n> {note}\n"));
    }
    let threads = conversation.get("threads").and_then(Value::as_array);
    match threads {
        Some(threads) if !threads.is_empty() => {
            out.push_str(&format!("\n## Threads ({}, newest first)\n", threads.len()));
            for thread in threads {
                let kind = str_at(thread, "type").unwrap_or("thread");
                let mut heading = format!("\n### {kind}");
                if let Some(by) = thread.get("createdBy").and_then(person) {
                    heading.push_str(&format!(" from {by}"));
                }
                if let Some(at) = str_at(thread, "createdAt") {
                    heading.push_str(&format!(", {at}"));
                }
                if let Some(id) = thread.get("id") {
                    heading.push_str(&format!(" (thread {id})"));
                }
                out.push_str(&heading);
                out.push_str("\n\n");
                let text = str_at(thread, "text").unwrap_or("(no text)");
                out.push_str(text.trim_end());
                out.push('\n');
            }
        }
        _ => out.push_str("\n(no threads)\n"),
    }
    out
}

/// docs_get_article's JSON as Markdown: title, public URL, then the article text.
fn article_markdown(article: &Value) -> String {
    let mut out = format!("# {}\n\n", str_at(article, "name").unwrap_or("(untitled)"));
    if let Some(url) = str_at(article, "publicUrl") {
        out.push_str(&format!("{url}\n\n"));
    }
    if let Some(status) = str_at(article, "status") {
        let number = article
            .get("number")
            .map(|n| format!(", number {n}"))
            .unwrap_or_default();
        let id = article.get("id").map(plain).unwrap_or_default();
        out.push_str(&format!("Article {id}{number}, {status}.\n\n"));
    }
    out.push_str(str_at(article, "text").unwrap_or("(no text)").trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_resolve_to_their_tool() {
        let (kind, args) = resolve("helpscout://conversations/42").unwrap();
        assert_eq!((kind.tool, args), ("get_conversation", json!({"conversation_id": 42})));
        let (kind, args) = resolve("helpscout://customers/7/").unwrap();
        assert_eq!((kind.tool, args), ("get_customer", json!({"customer_id": 7})));
        assert_eq!(resolve(MAILBOXES_URI).unwrap().0.tool, "list_mailboxes");
        let (kind, args) = resolve("helpscout://docs/articles/671004c40000000000000001").unwrap();
        assert_eq!(kind.tool, "docs_get_article");
        assert_eq!(args["article_id_or_number"], "671004c40000000000000001");
        for bad in [
            "helpscout://conversations/abc",
            "helpscout://conversations/-1",
            "helpscout://conversations/1?x=2",
            "helpscout://docs/articles/../x",
            "helpscout://conversations",
            "https://conversations/1",
            "helpscout://users/1",
        ] {
            assert!(resolve(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn conversation_markdown_has_facts_and_every_thread() {
        let conversation = json!({
            "id": 5, "number": 1005, "subject": "Refund", "status": "active", "mailboxId": 301,
            "customer": {"id": 9, "name": "Ana", "email": "ana@example.com"},
            "tags": ["billing"],
            "threads": [
                {"id": 2, "type": "reply", "createdBy": {"name": "Sam"}, "createdAt": "2026-01-02T00:00:00Z", "text": "Done."},
                {"id": 1, "type": "customer", "createdBy": {"email": "ana@example.com"}, "text": "Please refund."}
            ]
        });
        let text = conversation_markdown(&conversation);
        for expected in [
            "# Refund",
            "Conversation 5 (#1005)",
            "Customer: Ana <ana@example.com> (customer id 9)",
            "Tags: billing",
            "## Threads (2, newest first)",
            "### reply from Sam, 2026-01-02T00:00:00Z (thread 2)\n\nDone.",
            "### customer from ana@example.com (thread 1)\n\nPlease refund.",
        ] {
            assert!(text.contains(expected), "`{expected}` missing from:\n{text}");
        }
    }
}
