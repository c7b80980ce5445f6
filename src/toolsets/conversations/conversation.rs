//! The conversation resource: list, read, create, the split PATCH tools, tags, custom
//! fields, snooze, delete.

use crate::output::compact::strip;
use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::attachments::{attachments_body, NewAttachment};
use super::{
    api_time, check_emails, created_id, future_time, get_conversation_request, looks_like_email, non_blank, parse_time,
    patch, ConversationIdArgs, CONVERSATION_PATH,
};
use crate::helpscout::pagination::hal_page;
use crate::helpscout::{Api, ApiError};
use crate::output::compact::list_result;
use crate::output::shapes::{conversation_full, conversation_summary};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};
use crate::toolsets::common::{wire, SortOrder};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_conversations",
                toolset: "conversations",
                access: Access::Read,
                idempotent: true,
                title: "List conversations",
                description: "Search conversations (summaries), newest first; filters are ANDed. Default status active hides \
                              pending, closed and spam; status=all includes them.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/conversations",
            },
            list_conversations,
        ),
        declare(
            ToolSpec {
                name: "get_conversation",
                toolset: "conversations",
                access: Access::Read,
                idempotent: true,
                title: "Get conversation",
                description: "Threads as plain text, newest first; long bodies cut (list_threads has them whole). Follows \
                              merges (`mergedInto`). AI agents show as `user`; see get_conversation_v3.",
                api: Api::Inbox,
                method: Method::GET,
                path: CONVERSATION_PATH,
            },
            get_conversation,
        ),
        declare(
            ToolSpec {
                name: "get_conversation_v3",
                toolset: "conversations",
                access: Access::Read,
                idempotent: true,
                title: "Get conversation (v3)",
                description: "Like get_conversation, but AI agents show as `system_user` and teams as `team`, not `user`.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v3/conversations/{conversationId}",
            },
            get_conversation,
        ),
        declare(
            ToolSpec {
                name: "create_conversation",
                toolset: "conversations",
                access: Access::Write,
                idempotent: false,
                title: "Create conversation (no email)",
                description: "Emails no one. A reply thread needs draft: true (a draft conversation for review) or \
                              imported: true. To email the customer use send_new_conversation.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations",
            },
            create_conversation,
        ),
        declare(
            ToolSpec {
                name: "send_new_conversation",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: false,
                title: "Start conversation and email customer",
                description: "New conversation whose reply thread is EMAILED to the customer at once. Not retried on \
                              failure: check list_conversations before repeating. To send nothing use create_conversation.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations",
            },
            send_new_conversation,
        ),
        declare(
            ToolSpec {
                name: "update_conversation_status",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Set conversation status",
                description: "Nothing is emailed.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: CONVERSATION_PATH,
            },
            update_conversation_status,
        ),
        declare(
            ToolSpec {
                name: "assign_conversation",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Assign conversation",
                description: "User id from list_users. To clear, use unassign_conversation.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: CONVERSATION_PATH,
            },
            assign_conversation,
        ),
        declare(
            ToolSpec {
                name: "unassign_conversation",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Unassign conversation",
                description: "Back to Unassigned.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: CONVERSATION_PATH,
            },
            unassign_conversation,
        ),
        declare(
            ToolSpec {
                name: "move_conversation",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Move conversation to mailbox",
                description: "mailbox_id is the destination.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: CONVERSATION_PATH,
            },
            move_conversation,
        ),
        declare(
            ToolSpec {
                name: "update_conversation_subject",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Change conversation subject",
                description: "Nothing is emailed.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: CONVERSATION_PATH,
            },
            update_conversation_subject,
        ),
        declare(
            ToolSpec {
                name: "change_conversation_customer",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Change conversation customer",
                description: "Make another existing customer the primary one; future replies go to them.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: CONVERSATION_PATH,
            },
            change_conversation_customer,
        ),
        declare(
            ToolSpec {
                name: "publish_draft_conversation",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: false,
                title: "Publish draft conversation (sends email)",
                description: "EMAILS the draft reply of a draft conversation (e.g. from create_conversation) to the customer.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: CONVERSATION_PATH,
            },
            publish_draft_conversation,
        ),
        declare(
            ToolSpec {
                name: "delete_conversation",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: true,
                title: "Delete conversation",
                description: "To just get it out of the way, close it instead (update_conversation_status).",
                api: Api::Inbox,
                method: Method::DELETE,
                path: CONVERSATION_PATH,
            },
            delete_conversation,
        ),
        declare(
            ToolSpec {
                name: "set_conversation_tags",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: true,
                title: "Replace all conversation tags",
                description: "Replaces the whole list: unlisted tags are REMOVED ([] clears all). For a few, use \
                              add_conversation_tags / remove_conversation_tags. Unknown names are created.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/conversations/{conversationId}/tags",
            },
            set_conversation_tags,
        ),
        declare(
            ToolSpec {
                name: "add_conversation_tags",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Add conversation tags",
                description: "Keeps existing tags. Unknown names are created.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/conversations/{conversationId}/tags",
            },
            add_conversation_tags,
        ),
        declare(
            ToolSpec {
                name: "remove_conversation_tags",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Remove conversation tags",
                description: "Keeps the others.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/conversations/{conversationId}/tags",
            },
            remove_conversation_tags,
        ),
        declare(
            ToolSpec {
                name: "update_conversation_custom_fields",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Set conversation custom fields",
                description: "Ids and dropdown option ids from list_mailbox_fields. Fields left out may be cleared: include \
                              current values (get_conversation) of fields to keep.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/conversations/{conversationId}/fields",
            },
            update_conversation_custom_fields,
        ),
        declare(
            ToolSpec {
                name: "snooze_conversation",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Snooze conversation",
                description: "Replaces any earlier snooze. By default a customer reply ends it early.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/conversations/{conversationId}/snooze",
            },
            snooze_conversation,
        ),
        declare(
            ToolSpec {
                name: "unsnooze_conversation",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Unsnooze conversation",
                description: "Ends the snooze now; reactivates the conversation if needed.",
                api: Api::Inbox,
                method: Method::DELETE,
                path: "/v2/conversations/{conversationId}/snooze",
            },
            unsnooze_conversation,
        ),
    ]
}

// ---------------------------------------------------------------------------------
// list / get

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ListStatus {
    Active,
    Pending,
    Closed,
    Spam,
    Open,
    All,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
pub enum SortField {
    #[serde(rename = "createdAt")]
    CreatedAt,
    #[serde(rename = "modifiedAt")]
    ModifiedAt,
    #[serde(rename = "number")]
    Number,
    #[serde(rename = "status")]
    Status,
    #[serde(rename = "subject")]
    Subject,
    #[serde(rename = "score")]
    Score,
    #[serde(rename = "customerName")]
    CustomerName,
    #[serde(rename = "customerEmail")]
    CustomerEmail,
    #[serde(rename = "mailboxid")]
    MailboxId,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldFilter {
    pub id: u64,
    /// For a dropdown, the option id.
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListConversationsArgs {
    pub mailbox_id: Option<u64>,
    /// From list_mailbox_folders.
    pub folder_id: Option<u64>,
    pub status: Option<ListStatus>,
    /// Comma-separated for several.
    pub tag: Option<String>,
    pub assigned_to: Option<u64>,
    /// Modified at or after; not a creation filter.
    #[schemars(extend("format" = "date-time"))]
    pub modified_since: Option<String>,
    /// Ticket number shown in Help Scout (not the id).
    pub number: Option<u64>,
    /// score (relevance) needs query.
    pub sort_field: Option<SortField>,
    pub sort_order: Option<SortOrder>,
    /// Help Scout search syntax in parentheses, e.g. `(subject:"refund" AND tag:"vip")`.
    pub query: Option<String>,
    /// Field ids from list_mailbox_fields; all must match.
    pub custom_fields_by_ids: Option<Vec<FieldFilter>>,
    pub embed_threads: Option<bool>,
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

async fn list_conversations(ctx: ToolContext, args: ListConversationsArgs) -> ToolResult {
    let modified_since = match &args.modified_since {
        Some(raw) => Some(api_time(parse_time("modified_since", raw)?)),
        None => None,
    };
    let custom_fields = match &args.custom_fields_by_ids {
        Some(filters) => {
            let mut parts = Vec::new();
            for (i, f) in filters.iter().enumerate() {
                // The parameter is `id:value,id:value`; a comma or colon in a value would split it.
                if f.value.contains([',', ':']) || f.value.trim().is_empty() {
                    return Err(ToolError::invalid(
                        format!("custom_fields_by_ids[{i}].value"),
                        "must be non-empty and contain no comma or colon",
                    ));
                }
                parts.push(format!("{}:{}", f.id, f.value.trim()));
            }
            (!parts.is_empty()).then(|| parts.join(","))
        }
        None => None,
    };
    if let Some(query) = &args.query {
        non_blank("query", query)?;
    }
    let embed = args.embed_threads.unwrap_or(false);
    let request = ctx
        .endpoint(&[])
        .query_opt("mailbox", args.mailbox_id)
        .query_opt("folder", args.folder_id)
        .query_opt("status", args.status.as_ref().map(wire))
        .query_opt("tag", args.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()))
        .query_opt("assigned_to", args.assigned_to)
        .query_opt("modifiedSince", modified_since)
        .query_opt("number", args.number)
        .query_opt("sortField", args.sort_field.as_ref().map(wire))
        .query_opt("sortOrder", args.sort_order.as_ref().map(wire))
        .query_opt("query", args.query.as_deref())
        .query_opt("customFieldsByIds", custom_fields)
        .query_opt("embed", embed.then_some("threads"))
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "conversations");
    let items = page.items.iter().map(conversation_summary).collect();
    let mut result = list_result("conversations", items, &page, "list_conversations");
    if args.status.is_none() {
        if let Value::Object(map) = &mut result {
            map.insert(
                "note".into(),
                "Only active conversations are listed (Help Scout's default); pass status=all to include pending and closed ones.".into(),
            );
        }
    }
    Ok(ToolOutput::json(result))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetConversationArgs {
    /// Not the ticket number (list_conversations `number` finds the id).
    pub conversation_id: u64,
    pub include_threads: Option<bool>,
}

/// Serves get_conversation and get_conversation_v3 (the spec says which path).
async fn get_conversation(ctx: ToolContext, args: GetConversationArgs) -> ToolResult {
    let with_threads = args.include_threads.unwrap_or(true);
    let request = |id: u64| {
        ctx.endpoint(&[("conversationId", &id)])
            .query_opt("embed", with_threads.then_some("threads"))
    };
    let (body, merged_into) = match ctx.client.send_json(request(args.conversation_id)).await {
        Ok(body) => (body, None),
        // A merged conversation answers 301 with the surviving one in `Location`
        // (catalogue 4.7). Follow it once; a second redirect is reported as an error.
        Err(ApiError::Status {
            status: 301,
            location: Some(location),
            ..
        }) => {
            let Some(target) = merged_target(&location).filter(|id| *id != args.conversation_id) else {
                return Err(ToolError::Failed(format!(
                    "Conversation {} was merged, but Help Scout did not say into which one.",
                    args.conversation_id
                )));
            };
            (ctx.client.send_json(request(target)).await?, Some(target))
        }
        Err(e) => return Err(e.into()),
    };
    let mut result = conversation_full(&body);
    if let (Some(target), Value::Object(map)) = (merged_into, &mut result) {
        map.insert("mergedInto".into(), target.into());
        map.insert(
            "note".into(),
            format!(
                "Conversation {} was merged into {target}; this is {target}. Use {target} from now on.",
                args.conversation_id
            )
            .into(),
        );
    }
    Ok(ToolOutput::json(result))
}

/// The conversation id at the end of a `Location` such as `.../v2/conversations/123`.
fn merged_target(location: &str) -> Option<u64> {
    let path = location.split(['?', '#']).next()?;
    path.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

// ---------------------------------------------------------------------------------
// create

// Who a conversation or thread is with: an existing customer by id, or by email
// (an unknown email creates the customer). The fields' meaning is told once, on the
// `customer` argument: doc comments here would repeat in every nested copy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerRef {
    pub id: Option<u64>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

fn customer_body(field: &str, customer: &CustomerRef) -> Result<Value, ToolError> {
    if let Some(id) = customer.id {
        return Ok(json!({"id": id}));
    }
    let Some(email) = customer.email.as_deref().map(str::trim) else {
        return Err(ToolError::invalid(field, "give the customer's `id` or `email`"));
    };
    if !looks_like_email(email) {
        return Err(ToolError::invalid(
            format!("{field}.email"),
            format!("`{email}` is not an email address"),
        ));
    }
    let mut body = Map::new();
    body.insert("email".into(), email.into());
    if let Some(first) = customer.first_name.as_deref().filter(|s| !s.trim().is_empty()) {
        body.insert("firstName".into(), first.trim().into());
    }
    if let Some(last) = customer.last_name.as_deref().filter(|s| !s.trim().is_empty()) {
        body.insert("lastName".into(), last.trim().into());
    }
    Ok(Value::Object(body))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ThreadType {
    Customer,
    Note,
    Phone,
    Chat,
    Reply,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConversationType {
    Email,
    Chat,
    Phone,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NewStatus {
    Active,
    Pending,
    Closed,
}

// One thread of a new conversation. (A plain comment: a doc comment would become the
// description of every `threads` item.)
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewThread {
    #[serde(rename = "type")]
    pub kind: ThreadType,
    /// HTML allowed.
    pub text: String,
    /// Author of a customer/phone/chat thread.
    pub customer: Option<CustomerRef>,
    /// Author of a reply/note.
    pub user: Option<u64>,
    /// Reply only; not sent.
    pub draft: Option<bool>,
    /// Old message; nothing sent.
    pub imported: Option<bool>,
    /// Only with imported.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: Option<String>,
    pub cc: Option<Vec<String>>,
    pub bcc: Option<Vec<String>>,
    pub attachments: Option<Vec<NewAttachment>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldValue {
    pub id: u64,
    /// Dropdown option id, number, YYYY-MM-DD or text.
    pub value: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConversationArgs {
    pub subject: String,
    pub mailbox_id: u64,
    /// id, or email (an unknown one creates the customer).
    pub customer: CustomerRef,
    /// Oldest first.
    #[schemars(length(min = 1, max = 100))]
    pub threads: Vec<NewThread>,
    #[serde(rename = "type")]
    pub kind: Option<ConversationType>,
    pub status: Option<NewStatus>,
    pub assign_to: Option<u64>,
    /// Acting user id.
    pub user: Option<u64>,
    pub tags: Option<Vec<String>>,
    /// Field ids from list_mailbox_fields.
    pub fields: Option<Vec<FieldValue>>,
    /// Old history; nothing sent.
    pub imported: Option<bool>,
    /// Only with imported.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendNewConversationArgs {
    pub subject: String,
    pub mailbox_id: u64,
    /// Recipient: id, or email (an unknown one creates the customer).
    pub customer: CustomerRef,
    /// Oldest first.
    #[schemars(length(min = 1, max = 100))]
    pub threads: Vec<NewThread>,
    #[serde(rename = "type")]
    pub kind: Option<ConversationType>,
    pub status: Option<NewStatus>,
    pub assign_to: Option<u64>,
    /// Sender user id.
    pub user: Option<u64>,
    pub tags: Option<Vec<String>>,
    /// Field ids from list_mailbox_fields.
    pub fields: Option<Vec<FieldValue>>,
    /// Also send the mailbox auto-reply.
    pub auto_reply: Option<bool>,
}

/// What both create tools send, once their own rules are checked.
struct NewConversation {
    subject: String,
    mailbox_id: u64,
    customer: CustomerRef,
    threads: Vec<NewThread>,
    kind: Option<ConversationType>,
    status: Option<NewStatus>,
    assign_to: Option<u64>,
    user: Option<u64>,
    tags: Option<Vec<String>>,
    fields: Option<Vec<FieldValue>>,
    imported: bool,
    created_at: Option<String>,
    auto_reply: bool,
}

/// What a new conversation will do once created.
struct Effects {
    draft: bool,
    emailed: bool,
}

fn new_conversation_body(c: &NewConversation) -> Result<(Value, Effects), ToolError> {
    non_blank("subject", &c.subject)?;
    if c.threads.is_empty() {
        return Err(ToolError::invalid("threads", "give at least one thread"));
    }
    if c.threads.len() > 100 {
        // Help Scout refuses more with 412 (catalogue 4.7); say so before sending.
        return Err(ToolError::invalid(
            "threads",
            "a conversation holds at most 100 threads",
        ));
    }
    let customer = customer_body("customer", &c.customer)?;
    let mut effects = Effects {
        draft: false,
        emailed: c.auto_reply && !c.imported,
    };
    let mut threads = Vec::new();
    for (i, t) in c.threads.iter().enumerate() {
        let field = |name: &str| format!("threads[{i}].{name}");
        non_blank(&field("text"), &t.text)?;
        let imported = c.imported || t.imported.unwrap_or(false);
        let draft = t.draft.unwrap_or(false);
        if t.draft.is_some() && t.kind != ThreadType::Reply {
            return Err(ToolError::invalid(field("draft"), "only reply threads can be drafts"));
        }
        if t.created_at.is_some() && !imported {
            return Err(ToolError::invalid(
                field("created_at"),
                "only allowed with imported: true",
            ));
        }
        let mut thread = Map::new();
        thread.insert("type".into(), wire(&t.kind).into());
        thread.insert("text".into(), t.text.clone().into());
        match (&t.customer, t.kind) {
            (Some(who), _) => {
                thread.insert("customer".into(), customer_body(&field("customer"), who)?);
            }
            (None, ThreadType::Customer | ThreadType::Phone | ThreadType::Chat | ThreadType::Reply) => {
                thread.insert("customer".into(), customer.clone());
            }
            (None, ThreadType::Note) => {}
        }
        if let Some(user) = t.user {
            thread.insert("user".into(), user.into());
        }
        if t.kind == ThreadType::Reply {
            thread.insert("draft".into(), draft.into());
            if draft {
                effects.draft = true;
            } else if !imported {
                effects.emailed = true;
            }
        }
        if let Some(imported) = t.imported {
            thread.insert("imported".into(), imported.into());
        }
        if let Some(created_at) = &t.created_at {
            thread.insert(
                "createdAt".into(),
                api_time(parse_time(&field("created_at"), created_at)?).into(),
            );
        }
        for (key, list) in [("cc", &t.cc), ("bcc", &t.bcc)] {
            if let Some(list) = list {
                check_emails(&field(key), list)?;
                thread.insert(key.into(), json!(list.iter().map(|e| e.trim()).collect::<Vec<_>>()));
            }
        }
        if let Some(files) = &t.attachments {
            thread.insert("attachments".into(), attachments_body(&field("attachments"), files)?);
        }
        threads.push(Value::Object(thread));
    }
    let mut body = Map::new();
    body.insert("subject".into(), c.subject.trim().into());
    body.insert("mailboxId".into(), c.mailbox_id.into());
    body.insert("customer".into(), customer);
    body.insert("type".into(), wire(&c.kind.unwrap_or(ConversationType::Email)).into());
    body.insert("status".into(), wire(&c.status.unwrap_or(NewStatus::Active)).into());
    body.insert("threads".into(), Value::Array(threads));
    if let Some(assignee) = c.assign_to {
        body.insert("assignTo".into(), assignee.into());
    }
    if let Some(user) = c.user {
        body.insert("user".into(), user.into());
    }
    if let Some(tags) = &c.tags {
        body.insert("tags".into(), json!(clean_tags("tags", tags)?));
    }
    if let Some(fields) = &c.fields {
        body.insert("fields".into(), fields_body("fields", fields)?);
    }
    if c.imported {
        body.insert("imported".into(), true.into());
    }
    if let Some(created_at) = &c.created_at {
        if !c.imported {
            return Err(ToolError::invalid("created_at", "only allowed with imported: true"));
        }
        body.insert(
            "createdAt".into(),
            api_time(parse_time("created_at", created_at)?).into(),
        );
    }
    if c.auto_reply {
        body.insert("autoReply".into(), true.into());
    }
    Ok((Value::Object(body), effects))
}

async fn create_conversation(ctx: ToolContext, args: CreateConversationArgs) -> ToolResult {
    let imported = args.imported.unwrap_or(false);
    // This tool is `write`: it must not be able to email anyone (catalogue 3, create_conversation).
    for (i, t) in args.threads.iter().enumerate() {
        let quiet = t.draft == Some(true) || imported || t.imported == Some(true);
        if t.kind == ThreadType::Reply && !quiet {
            return Err(ToolError::invalid(
                format!("threads[{i}]"),
                "this reply thread would be emailed to the customer; create_conversation never sends email. \
                 Set draft: true (a draft for a person to review) or imported: true (past history), \
                 or use send_new_conversation to email the customer",
            ));
        }
    }
    let conversation = NewConversation {
        subject: args.subject,
        mailbox_id: args.mailbox_id,
        customer: args.customer,
        threads: args.threads,
        kind: args.kind,
        status: args.status,
        assign_to: args.assign_to,
        user: args.user,
        tags: args.tags,
        fields: args.fields,
        imported,
        created_at: args.created_at,
        auto_reply: false,
    };
    create(ctx, conversation).await
}

async fn send_new_conversation(ctx: ToolContext, args: SendNewConversationArgs) -> ToolResult {
    let conversation = NewConversation {
        subject: args.subject,
        mailbox_id: args.mailbox_id,
        customer: args.customer,
        threads: args.threads,
        kind: args.kind,
        status: args.status,
        assign_to: args.assign_to,
        user: args.user,
        tags: args.tags,
        fields: args.fields,
        imported: false,
        created_at: None,
        auto_reply: args.auto_reply.unwrap_or(false),
    };
    create(ctx, conversation).await
}

async fn create(ctx: ToolContext, conversation: NewConversation) -> ToolResult {
    let (body, effects) = new_conversation_body(&conversation)?;
    let response = ctx.send(ctx.endpoint(&[]).json(body)).await?;
    Ok(ToolOutput::json(strip(json!({
        "id": created_id(&response),
        "mailboxId": conversation.mailbox_id,
        "draft": effects.draft,
        "emailed": effects.emailed,
    }))))
}

// ---------------------------------------------------------------------------------
// PATCH tools: one operation each (catalogue 4.6)

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Pending,
    Closed,
    Spam,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    pub conversation_id: u64,
    pub status: Status,
}

async fn update_conversation_status(ctx: ToolContext, args: StatusArgs) -> ToolResult {
    let status = wire(&args.status);
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id)],
        "replace",
        "/status",
        Some(status.clone().into()),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "status": status}),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignArgs {
    pub conversation_id: u64,
    pub user_id: u64,
}

async fn assign_conversation(ctx: ToolContext, args: AssignArgs) -> ToolResult {
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id)],
        "replace",
        "/assignTo",
        Some(args.user_id.into()),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "assignedTo": args.user_id}),
    ))
}

async fn unassign_conversation(ctx: ToolContext, args: ConversationIdArgs) -> ToolResult {
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id)],
        "remove",
        "/assignTo",
        None,
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "unassigned": true}),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveArgs {
    pub conversation_id: u64,
    pub mailbox_id: u64,
}

async fn move_conversation(ctx: ToolContext, args: MoveArgs) -> ToolResult {
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id)],
        "move",
        "/mailboxId",
        Some(args.mailbox_id.into()),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "mailboxId": args.mailbox_id}),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectArgs {
    pub conversation_id: u64,
    pub subject: String,
}

async fn update_conversation_subject(ctx: ToolContext, args: SubjectArgs) -> ToolResult {
    non_blank("subject", &args.subject)?;
    let subject = args.subject.trim().to_string();
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id)],
        "replace",
        "/subject",
        Some(subject.clone().into()),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "subject": subject}),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerArgs {
    pub conversation_id: u64,
    pub customer_id: u64,
}

async fn change_conversation_customer(ctx: ToolContext, args: CustomerArgs) -> ToolResult {
    let id = Some(args.customer_id.into());
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id)],
        "replace",
        "/primaryCustomer.id",
        id,
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "customerId": args.customer_id}),
    ))
}

async fn publish_draft_conversation(ctx: ToolContext, args: ConversationIdArgs) -> ToolResult {
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id)],
        "replace",
        "/draft",
        Some(false.into()),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "published": true, "emailed": true}),
    ))
}

async fn delete_conversation(ctx: ToolContext, args: ConversationIdArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("conversationId", &args.conversation_id)]))
        .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "deleted": true}),
    ))
}

// ---------------------------------------------------------------------------------
// tags, custom fields, snooze

/// Trimmed, non-blank, without case-insensitive duplicates, in the given order.
fn clean_tags(field: &str, tags: &[String]) -> Result<Vec<String>, ToolError> {
    let mut out: Vec<String> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let tag = tag.trim();
        if tag.is_empty() {
            return Err(ToolError::invalid(
                format!("{field}[{i}]"),
                "tag names must not be empty",
            ));
        }
        if !contains_tag(&out, tag) {
            out.push(tag.to_string());
        }
    }
    Ok(out)
}

fn contains_tag(tags: &[String], tag: &str) -> bool {
    tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetTagsArgs {
    pub conversation_id: u64,
    pub tags: Vec<String>,
}

async fn set_conversation_tags(ctx: ToolContext, args: SetTagsArgs) -> ToolResult {
    let tags = clean_tags("tags", &args.tags)?;
    put_tags(&ctx, args.conversation_id, &tags).await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "tags": tags}),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeTagsArgs {
    pub conversation_id: u64,
    #[schemars(length(min = 1))]
    pub tags: Vec<String>,
}

/// Help Scout only offers "replace the whole list" (catalogue 3, update_conversation_tags),
/// so adding and removing read the current tags first.
async fn current_tags(ctx: &ToolContext, conversation_id: u64) -> Result<Vec<String>, ToolError> {
    let conversation = ctx.client.send_json(get_conversation_request(conversation_id)).await?;
    Ok(conversation
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| {
                    t.get("tag")
                        .or_else(|| t.get("name"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default())
}

async fn put_tags(ctx: &ToolContext, conversation_id: u64, tags: &[String]) -> Result<(), ToolError> {
    ctx.send(
        ctx.endpoint(&[("conversationId", &conversation_id)])
            .json(json!({"tags": tags})),
    )
    .await?;
    Ok(())
}

async fn add_conversation_tags(ctx: ToolContext, args: ChangeTagsArgs) -> ToolResult {
    let wanted = clean_tags("tags", &args.tags)?;
    if wanted.is_empty() {
        return Err(ToolError::invalid("tags", "give at least one tag name"));
    }
    let mut tags = current_tags(&ctx, args.conversation_id).await?;
    let added: Vec<String> = wanted.into_iter().filter(|t| !contains_tag(&tags, t)).collect();
    if added.is_empty() {
        return Ok(ToolOutput::json(
            json!({"conversationId": args.conversation_id, "tags": tags, "added": [], "unchanged": true}),
        ));
    }
    tags.extend(added.iter().cloned());
    put_tags(&ctx, args.conversation_id, &tags).await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "tags": tags, "added": added}),
    ))
}

async fn remove_conversation_tags(ctx: ToolContext, args: ChangeTagsArgs) -> ToolResult {
    let unwanted = clean_tags("tags", &args.tags)?;
    if unwanted.is_empty() {
        return Err(ToolError::invalid("tags", "give at least one tag name"));
    }
    let current = current_tags(&ctx, args.conversation_id).await?;
    let (removed, kept): (Vec<String>, Vec<String>) = current.into_iter().partition(|t| contains_tag(&unwanted, t));
    if removed.is_empty() {
        return Ok(ToolOutput::json(
            json!({"conversationId": args.conversation_id, "tags": kept, "removed": [], "unchanged": true}),
        ));
    }
    put_tags(&ctx, args.conversation_id, &kept).await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "tags": kept, "removed": removed}),
    ))
}

fn fields_body(field: &str, fields: &[FieldValue]) -> Result<Value, ToolError> {
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if f.value.trim().is_empty() {
            return Err(ToolError::invalid(format!("{field}[{i}].value"), "must not be empty"));
        }
        out.push(json!({"id": f.id, "value": f.value.trim()}));
    }
    Ok(Value::Array(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldsArgs {
    pub conversation_id: u64,
    #[schemars(length(min = 1))]
    pub fields: Vec<FieldValue>,
}

async fn update_conversation_custom_fields(ctx: ToolContext, args: CustomFieldsArgs) -> ToolResult {
    if args.fields.is_empty() {
        return Err(ToolError::invalid("fields", "give at least one field"));
    }
    let fields = fields_body("fields", &args.fields)?;
    ctx.send(
        ctx.endpoint(&[("conversationId", &args.conversation_id)])
            .json(json!({"fields": fields})),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "fields": fields}),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeArgs {
    pub conversation_id: u64,
    #[schemars(extend("format" = "date-time"))]
    pub snoozed_until: String,
    pub unsnooze_on_customer_reply: Option<bool>,
}

async fn snooze_conversation(ctx: ToolContext, args: SnoozeArgs) -> ToolResult {
    let until = future_time("snoozed_until", &args.snoozed_until)?;
    let on_reply = args.unsnooze_on_customer_reply.unwrap_or(true);
    let body = json!({"snoozedUntil": until, "unsnoozeOnCustomerReply": on_reply});
    ctx.send(ctx.endpoint(&[("conversationId", &args.conversation_id)]).json(body))
        .await?;
    Ok(ToolOutput::json(json!({
        "conversationId": args.conversation_id,
        "snoozedUntil": until,
        "unsnoozeOnCustomerReply": on_reply,
    })))
}

async fn unsnooze_conversation(ctx: ToolContext, args: ConversationIdArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("conversationId", &args.conversation_id)]))
        .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "snoozed": false}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread(kind: ThreadType) -> NewThread {
        NewThread {
            kind,
            text: "Hello".into(),
            customer: None,
            user: None,
            draft: None,
            imported: None,
            created_at: None,
            cc: None,
            bcc: None,
            attachments: None,
        }
    }

    fn conversation(threads: Vec<NewThread>) -> NewConversation {
        NewConversation {
            subject: "Hi".into(),
            mailbox_id: 1,
            customer: CustomerRef {
                id: None,
                email: Some("jane@acme.test".into()),
                first_name: Some("Jane".into()),
                last_name: None,
            },
            threads,
            kind: None,
            status: None,
            assign_to: None,
            user: None,
            tags: Some(vec!["vip".into(), " VIP ".into(), "billing".into()]),
            fields: None,
            imported: false,
            created_at: None,
            auto_reply: false,
        }
    }

    #[test]
    fn body_has_help_scout_field_names() {
        let (body, effects) = new_conversation_body(&conversation(vec![thread(ThreadType::Customer)])).unwrap();
        assert_eq!(
            body["customer"],
            json!({"email": "jane@acme.test", "firstName": "Jane"})
        );
        assert_eq!(body["threads"][0]["customer"], body["customer"]);
        assert_eq!(
            (body["type"].as_str(), body["status"].as_str()),
            (Some("email"), Some("active"))
        );
        assert_eq!(body["tags"], json!(["vip", "billing"]));
        assert!(!effects.emailed && !effects.draft);
    }

    #[test]
    fn a_published_reply_is_an_email_and_a_draft_is_not() {
        let (_, published) = new_conversation_body(&conversation(vec![thread(ThreadType::Reply)])).unwrap();
        assert!(published.emailed);
        let mut draft = thread(ThreadType::Reply);
        draft.draft = Some(true);
        let (body, effects) = new_conversation_body(&conversation(vec![draft])).unwrap();
        assert!(effects.draft && !effects.emailed);
        assert_eq!(body["threads"][0]["draft"], true);
    }

    #[test]
    fn created_at_needs_imported() {
        let mut t = thread(ThreadType::Customer);
        t.created_at = Some("2024-01-01T00:00:00Z".into());
        let err = new_conversation_body(&conversation(vec![t])).err().unwrap().to_string();
        assert!(err.contains("threads[0].created_at"), "{err}");
    }

    #[test]
    fn merged_location_names_the_survivor() {
        assert_eq!(
            merged_target("https://api.helpscout.net/v2/conversations/456"),
            Some(456)
        );
        assert_eq!(merged_target("/v2/conversations/456?embed=threads"), Some(456));
        assert_eq!(merged_target("https://api.helpscout.net/v2/conversations/"), None);
    }
}
