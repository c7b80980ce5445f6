//! Threads: list them, add replies (sent or draft), notes and customer/chat/phone
//! messages, edit or hide them, read the original email, schedule sends.

use crate::output::compact::strip;
use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::attachments::{attachments_body, NewAttachment};
use super::{
    api_time, check_emails, created_id, future_time, looks_like_email, non_blank, parse_time, patch,
    primary_customer_id, ThreadIdArgs,
};
use crate::helpscout::pagination::hal_page;
use crate::helpscout::Api;
use crate::output::compact::list_result;
use crate::output::shapes::{threads_within, truncate, LIST_PAGE_CHARS, LIST_THREAD_CHARS, TRUNCATED_IN_THREADS};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_threads",
                toolset: "conversations",
                access: Access::Read,
                idempotent: true,
                title: "List threads",
                description: "List a conversation's threads (messages, replies, notes, status changes), newest first, 50 per \
                              page, bodies as plain text. Has the full chat transcript that get_conversation may shorten.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/conversations/{conversationId}/threads",
            },
            list_threads,
        ),
        declare(
            ToolSpec {
                name: "list_threads_v3",
                toolset: "conversations",
                access: Access::Read,
                idempotent: true,
                title: "List threads (v3)",
                description: "Like list_threads, but authors and assignees keep their real type: `system_user` for AI \
                              agents, `team` for teams (v2 reports both as `user`).",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v3/conversations/{conversationId}/threads",
            },
            list_threads,
        ),
        declare(
            ToolSpec {
                name: "send_reply",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: false,
                title: "Send reply (emails customer)",
                description: "Reply to the customer: the reply is EMAILED at once and cannot be unsent. Not retried on \
                              failure: check list_threads before repeating. To prepare a reply for a person to review use \
                              create_draft_reply; for internal remarks use create_note.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations/{conversationId}/reply",
            },
            send_reply,
        ),
        declare(
            ToolSpec {
                name: "create_draft_reply",
                toolset: "conversations",
                access: Access::Write,
                idempotent: false,
                title: "Create draft reply",
                description: "Save a reply as a draft on the conversation. Nothing is emailed: a person reviews and sends it \
                              from Help Scout. To send immediately use send_reply.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations/{conversationId}/reply",
            },
            create_draft_reply,
        ),
        declare(
            ToolSpec {
                name: "create_note",
                toolset: "conversations",
                access: Access::Write,
                idempotent: false,
                title: "Add internal note",
                description: "Add an internal note to a conversation: visible to the team only, never emailed to the customer.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations/{conversationId}/notes",
            },
            create_note,
        ),
        declare(
            ToolSpec {
                name: "create_customer_thread",
                toolset: "conversations",
                access: Access::Write,
                idempotent: false,
                title: "Add customer message",
                description: "Record a message from the customer on a conversation (e.g. one received through another \
                              channel). Nothing is emailed. Re-opens the conversation unless imported: true.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations/{conversationId}/customer",
            },
            create_customer_thread,
        ),
        declare(
            ToolSpec {
                name: "create_chat_thread",
                toolset: "conversations",
                access: Access::Write,
                idempotent: false,
                title: "Add chat transcript",
                description: "Record a chat transcript (or part of one) on a conversation. Nothing is sent.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations/{conversationId}/chats",
            },
            create_chat_thread,
        ),
        declare(
            ToolSpec {
                name: "create_phone_thread",
                toolset: "conversations",
                access: Access::Write,
                idempotent: false,
                title: "Log phone call",
                description: "Record a phone call (its summary) on a conversation. Nothing is sent.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations/{conversationId}/phones",
            },
            create_phone_thread,
        ),
        declare(
            ToolSpec {
                name: "update_thread_text",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Edit thread text",
                description: "Replace a thread's text. Needs admin or thread-editing permission; Help Scout's web app keeps \
                              showing the original. Nothing is re-sent.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: "/v2/conversations/{conversationId}/threads/{threadId}",
            },
            update_thread_text,
        ),
        declare(
            ToolSpec {
                name: "set_thread_hidden",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Hide or unhide thread",
                description: "Hide (or unhide) a published customer or reply thread. Threads cannot be deleted through the \
                              API; hiding is the way to take one out of view.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: "/v2/conversations/{conversationId}/threads/{threadId}",
            },
            set_thread_hidden,
        ),
        declare(
            ToolSpec {
                name: "get_thread_original_source",
                toolset: "conversations",
                access: Access::Read,
                idempotent: true,
                title: "Get original email source",
                description: "The raw original email (RFC 822: headers, MIME parts) of an email thread. Use it for headers \
                              such as Message-ID or Received, or the untouched body; very long sources are cut with a marker.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/conversations/{conversationId}/threads/{threadId}/original-source",
            },
            get_thread_original_source,
        ),
        declare(
            ToolSpec {
                name: "schedule_thread",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: true,
                title: "Schedule send (emails later)",
                description: "Schedule a draft reply to be emailed to the customer at a future time ('Send later'); replaces \
                              any earlier schedule. Cancel with unschedule_thread, send now with publish_thread_schedule.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/conversations/{conversationId}/threads/{threadId}/schedule",
            },
            schedule_thread,
        ),
        declare(
            ToolSpec {
                name: "publish_thread_schedule",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: false,
                title: "Send scheduled thread now",
                description: "Send a scheduled thread now instead of at its scheduled time: it is emailed to the customer.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: "/v2/conversations/{conversationId}/threads/{threadId}/schedule",
            },
            publish_thread_schedule,
        ),
        declare(
            ToolSpec {
                name: "unschedule_thread",
                toolset: "conversations",
                access: Access::Write,
                idempotent: true,
                title: "Cancel scheduled send",
                description: "Cancel a thread's scheduled send; the thread stays a draft and nothing is emailed.",
                api: Api::Inbox,
                method: Method::DELETE,
                path: "/v2/conversations/{conversationId}/threads/{threadId}/schedule",
            },
            unschedule_thread,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListThreadsArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// Page number, starting at 1.
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// Serves list_threads and list_threads_v3 (the spec says which path).
async fn list_threads(ctx: ToolContext, args: ListThreadsArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("conversationId", &args.conversation_id)])
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "threads");
    let items = threads_within(&page.items, LIST_THREAD_CHARS, LIST_PAGE_CHARS, TRUNCATED_IN_THREADS);
    let mut result = list_result("threads", items, &page, ctx.spec.name);
    if let Value::Object(map) = &mut result {
        map.insert("conversationId".into(), args.conversation_id.into());
    }
    Ok(ToolOutput::json(result))
}

// ---------------------------------------------------------------------------------
// replies

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AfterStatus {
    Active,
    Pending,
    Closed,
}

fn status_str(status: AfterStatus) -> &'static str {
    match status {
        AfterStatus::Active => "active",
        AfterStatus::Pending => "pending",
        AfterStatus::Closed => "closed",
    }
}

// Shared by send_reply and create_draft_reply. There is deliberately no `draft`
// field: each tool pins it, so a draft tool cannot be talked into sending. (A plain
// comment: a doc comment here would become the schema's description.)
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// The reply; HTML allowed.
    pub text: String,
    /// Customer the reply is addressed to; defaults to the conversation's primary customer.
    pub customer_id: Option<u64>,
    /// Cc email addresses.
    pub cc: Option<Vec<String>>,
    /// Bcc email addresses.
    pub bcc: Option<Vec<String>>,
    /// Conversation status after the reply; Help Scout's default is active.
    pub status: Option<AfterStatus>,
    /// User id the reply is from; defaults to the user behind the credentials.
    pub user: Option<u64>,
    /// Assign the conversation to this user id when the reply is sent.
    pub assign_to: Option<u64>,
    /// Files to attach (base64), up to 10 MB each.
    pub attachments: Option<Vec<NewAttachment>>,
}

async fn reply(ctx: ToolContext, args: ReplyArgs, draft: bool) -> ToolResult {
    non_blank("text", &args.text)?;
    let mut body = Map::new();
    body.insert("text".into(), args.text.clone().into());
    body.insert("draft".into(), draft.into());
    for (key, list) in [("cc", &args.cc), ("bcc", &args.bcc)] {
        if let Some(list) = list {
            check_emails(key, list)?;
            body.insert(key.into(), json!(list.iter().map(|e| e.trim()).collect::<Vec<_>>()));
        }
    }
    if let Some(status) = args.status {
        body.insert("status".into(), status_str(status).into());
    }
    if let Some(user) = args.user {
        body.insert("user".into(), user.into());
    }
    if let Some(assignee) = args.assign_to {
        body.insert("assignTo".into(), assignee.into());
    }
    if let Some(files) = &args.attachments {
        body.insert("attachments".into(), attachments_body("attachments", files)?);
    }
    let customer_id = match args.customer_id {
        Some(id) => id,
        None => primary_customer_id(&ctx, args.conversation_id).await?,
    };
    body.insert("customer".into(), json!({"id": customer_id}));
    let response = ctx
        .send(
            ctx.endpoint(&[("conversationId", &args.conversation_id)])
                .json(Value::Object(body)),
        )
        .await?;
    let mut result = strip(json!({
        "id": created_id(&response),
        "conversationId": args.conversation_id,
        "customerId": customer_id,
        "draft": draft,
        "emailed": !draft,
    }));
    if draft {
        result["note"] = "Saved as a draft; nothing was sent. A person can review and send it in Help Scout.".into();
    }
    Ok(ToolOutput::json(result))
}

async fn send_reply(ctx: ToolContext, args: ReplyArgs) -> ToolResult {
    reply(ctx, args, false).await
}

async fn create_draft_reply(ctx: ToolContext, args: ReplyArgs) -> ToolResult {
    reply(ctx, args, true).await
}

// ---------------------------------------------------------------------------------
// notes and customer-side threads

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// The note; HTML allowed.
    pub text: String,
    /// User id the note is from; defaults to the user behind the credentials.
    pub user: Option<u64>,
    /// Conversation status after the note; by default it is unchanged.
    pub status: Option<AfterStatus>,
    /// Files to attach (base64), up to 10 MB each.
    pub attachments: Option<Vec<NewAttachment>>,
}

async fn create_note(ctx: ToolContext, args: NoteArgs) -> ToolResult {
    non_blank("text", &args.text)?;
    let mut body = Map::new();
    body.insert("text".into(), args.text.clone().into());
    if let Some(user) = args.user {
        body.insert("user".into(), user.into());
    }
    if let Some(status) = args.status {
        body.insert("status".into(), status_str(status).into());
    }
    if let Some(files) = &args.attachments {
        body.insert("attachments".into(), attachments_body("attachments", files)?);
    }
    let response = ctx
        .send(
            ctx.endpoint(&[("conversationId", &args.conversation_id)])
                .json(Value::Object(body)),
        )
        .await?;
    Ok(ToolOutput::json(strip(json!({
        "id": created_id(&response),
        "conversationId": args.conversation_id,
        "emailed": false,
    }))))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerThreadArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// The customer's message; HTML allowed.
    pub text: String,
    /// Customer who wrote it; defaults to the conversation's primary customer.
    pub customer_id: Option<u64>,
    /// Or the customer's email (an unknown address creates the customer).
    pub customer_email: Option<String>,
    /// true records an old message without re-opening the conversation or notifying anyone. Allows created_at.
    pub imported: Option<bool>,
    /// When it was originally written (RFC 3339); only with imported: true.
    pub created_at: Option<String>,
    /// Cc email addresses of the original message (recorded, not emailed).
    pub cc: Option<Vec<String>>,
    /// Bcc email addresses of the original message (recorded, not emailed).
    pub bcc: Option<Vec<String>>,
    /// Files to attach (base64), up to 10 MB each.
    pub attachments: Option<Vec<NewAttachment>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoggedThreadArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// The transcript or call summary; HTML allowed.
    pub text: String,
    /// Customer involved; defaults to the conversation's primary customer.
    pub customer_id: Option<u64>,
    /// Or the customer's email (an unknown address creates the customer).
    pub customer_email: Option<String>,
    /// true records an old chat/call without notifying anyone. Allows created_at.
    pub imported: Option<bool>,
    /// When it originally happened (RFC 3339); only with imported: true.
    pub created_at: Option<String>,
    /// Files to attach (base64), up to 10 MB each.
    pub attachments: Option<Vec<NewAttachment>>,
}

impl From<LoggedThreadArgs> for CustomerThreadArgs {
    fn from(a: LoggedThreadArgs) -> Self {
        CustomerThreadArgs {
            conversation_id: a.conversation_id,
            text: a.text,
            customer_id: a.customer_id,
            customer_email: a.customer_email,
            imported: a.imported,
            created_at: a.created_at,
            cc: None,
            bcc: None,
            attachments: a.attachments,
        }
    }
}

/// customer, chat and phone threads share one body shape (catalogue 3, threads).
async fn customer_side_thread(ctx: ToolContext, args: CustomerThreadArgs) -> ToolResult {
    non_blank("text", &args.text)?;
    let imported = args.imported.unwrap_or(false);
    let mut body = Map::new();
    body.insert("text".into(), args.text.clone().into());
    if args.imported.is_some() {
        body.insert("imported".into(), imported.into());
    }
    if let Some(created_at) = &args.created_at {
        if !imported {
            return Err(ToolError::invalid("created_at", "only allowed with imported: true"));
        }
        body.insert(
            "createdAt".into(),
            api_time(parse_time("created_at", created_at)?).into(),
        );
    }
    for (key, list) in [("cc", &args.cc), ("bcc", &args.bcc)] {
        if let Some(list) = list {
            check_emails(key, list)?;
            body.insert(key.into(), json!(list.iter().map(|e| e.trim()).collect::<Vec<_>>()));
        }
    }
    if let Some(files) = &args.attachments {
        body.insert("attachments".into(), attachments_body("attachments", files)?);
    }
    let customer = match (args.customer_id, args.customer_email.as_deref().map(str::trim)) {
        (Some(id), _) => json!({"id": id}),
        (None, Some(email)) => {
            if !looks_like_email(email) {
                return Err(ToolError::invalid(
                    "customer_email",
                    format!("`{email}` is not an email address"),
                ));
            }
            json!({"email": email})
        }
        (None, None) => json!({"id": primary_customer_id(&ctx, args.conversation_id).await?}),
    };
    body.insert("customer".into(), customer);
    let response = ctx
        .send(
            ctx.endpoint(&[("conversationId", &args.conversation_id)])
                .json(Value::Object(body)),
        )
        .await?;
    Ok(ToolOutput::json(strip(json!({
        "id": created_id(&response),
        "conversationId": args.conversation_id,
        "imported": imported,
        "emailed": false,
    }))))
}

async fn create_customer_thread(ctx: ToolContext, args: CustomerThreadArgs) -> ToolResult {
    customer_side_thread(ctx, args).await
}

async fn create_chat_thread(ctx: ToolContext, args: LoggedThreadArgs) -> ToolResult {
    customer_side_thread(ctx, args.into()).await
}

async fn create_phone_thread(ctx: ToolContext, args: LoggedThreadArgs) -> ToolResult {
    customer_side_thread(ctx, args.into()).await
}

// ---------------------------------------------------------------------------------
// editing, original source, scheduling

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadTextArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// Thread id, from get_conversation or list_threads.
    pub thread_id: u64,
    /// The new text; HTML allowed.
    pub text: String,
}

async fn update_thread_text(ctx: ToolContext, args: ThreadTextArgs) -> ToolResult {
    non_blank("text", &args.text)?;
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id), ("threadId", &args.thread_id)],
        "replace",
        "/text",
        Some(args.text.into()),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "threadId": args.thread_id, "updated": "text"}),
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadHiddenArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// Thread id, from get_conversation or list_threads.
    pub thread_id: u64,
    /// true hides the thread, false shows it again.
    pub hidden: bool,
}

async fn set_thread_hidden(ctx: ToolContext, args: ThreadHiddenArgs) -> ToolResult {
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id), ("threadId", &args.thread_id)],
        "replace",
        "/hidden",
        Some(args.hidden.into()),
    )
    .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "threadId": args.thread_id, "hidden": args.hidden}),
    ))
}

/// Raw sources carry base64 attachments and can run to megabytes.
const MAX_SOURCE_CHARS: usize = 100_000;

async fn get_thread_original_source(ctx: ToolContext, args: ThreadIdArgs) -> ToolResult {
    let request = ctx
        .endpoint(&[("conversationId", &args.conversation_id), ("threadId", &args.thread_id)])
        .accept("application/json");
    let response = ctx.send(request).await?;
    // Accept: application/json gives {"original": "<raw RFC822>"} (catalogue 4.7); a
    // raw message/rfc822 body is taken as it is.
    let original = match response.json_value() {
        Ok(Value::Object(map)) => map
            .get("original")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_default(),
        _ => String::from_utf8_lossy(&response.body).into_owned(),
    };
    let total = original.chars().count();
    let truncated = total > MAX_SOURCE_CHARS;
    let text = truncate(
        &original,
        MAX_SOURCE_CHARS,
        "the rest of the source (mostly encoded attachments) was left out",
    );
    Ok(ToolOutput::json(json!({
        "conversationId": args.conversation_id,
        "threadId": args.thread_id,
        "original": text,
        "totalChars": total,
        "truncated": truncated,
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleArgs {
    /// Conversation id (not the ticket number shown in Help Scout).
    pub conversation_id: u64,
    /// The draft reply thread to send later.
    pub thread_id: u64,
    /// When to send: a future RFC 3339 time (e.g. 2024-07-01T09:00:00Z), not after 2100.
    pub scheduled_for: String,
    /// Cancel the send if the customer replies first. Default true.
    pub unschedule_on_customer_reply: Option<bool>,
    /// Send as the thread's creator rather than the user behind the credentials. Default false.
    pub send_as_creator: Option<bool>,
}

async fn schedule_thread(ctx: ToolContext, args: ScheduleArgs) -> ToolResult {
    let at = future_time("scheduled_for", &args.scheduled_for)?;
    let on_reply = args.unschedule_on_customer_reply.unwrap_or(true);
    let mut body = json!({"scheduledFor": at, "unscheduleOnCustomerReply": on_reply});
    if let Some(as_creator) = args.send_as_creator {
        body["sendAsCreator"] = as_creator.into();
    }
    let request = ctx
        .endpoint(&[("conversationId", &args.conversation_id), ("threadId", &args.thread_id)])
        .json(body);
    ctx.send(request).await?;
    Ok(ToolOutput::json(json!({
        "conversationId": args.conversation_id,
        "threadId": args.thread_id,
        "scheduledFor": at,
        "unscheduleOnCustomerReply": on_reply,
        "emailed": false,
        "note": format!("The thread will be emailed to the customer at {at}."),
    })))
}

async fn publish_thread_schedule(ctx: ToolContext, args: ThreadIdArgs) -> ToolResult {
    patch(
        &ctx,
        &[("conversationId", &args.conversation_id), ("threadId", &args.thread_id)],
        "replace",
        "/state",
        Some("published".into()),
    )
    .await?;
    Ok(ToolOutput::json(json!({
        "conversationId": args.conversation_id,
        "threadId": args.thread_id,
        "state": "published",
        "emailed": true,
    })))
}

async fn unschedule_thread(ctx: ToolContext, args: ThreadIdArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[("conversationId", &args.conversation_id), ("threadId", &args.thread_id)]))
        .await?;
    Ok(ToolOutput::json(
        json!({"conversationId": args.conversation_id, "threadId": args.thread_id, "scheduled": false}),
    ))
}
