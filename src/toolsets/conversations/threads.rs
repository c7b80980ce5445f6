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
                description: "All thread types, newest first, as plain text; full bodies (get_conversation cuts long ones).",
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
                description: "Like list_threads, but AI agents show as `system_user` and teams as `team`, not `user`.",
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
                description: "EMAILS the reply to the customer at once; cannot be unsent. Not retried on failure: check \
                              list_threads before repeating. For review use create_draft_reply; internal remarks: create_note.",
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
                description: "Nothing is emailed: a person reviews and sends it in Help Scout. To send now use send_reply.",
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
                description: "Team-only; never emailed to the customer.",
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
                description: "Record a message from the customer (e.g. received elsewhere). Nothing is emailed; cc/bcc are \
                              only recorded. Reopens the conversation unless imported.",
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
                description: "Record a chat transcript (or part). Nothing is sent.",
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
                description: "Record a call summary. Nothing is sent.",
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
                description: "Needs admin or thread-editing permission; the web app keeps showing the original. Nothing is \
                              re-sent.",
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
                description: "Published customer/reply threads only. Threads cannot be deleted; hiding takes one out of view.",
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
                description: "Raw RFC 822 email of an email thread: headers (Message-ID, Received), MIME parts. Very long \
                              sources are cut.",
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
                description: "EMAILS a draft reply to the customer at a future time; replaces any earlier schedule. Cancel: \
                              unschedule_thread; send now: publish_thread_schedule.",
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
                description: "EMAILS a scheduled thread to the customer now.",
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
                description: "The thread stays a draft; nothing is emailed.",
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
    pub conversation_id: u64,
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
    pub conversation_id: u64,
    /// HTML allowed.
    pub text: String,
    pub customer_id: Option<u64>,
    pub cc: Option<Vec<String>>,
    pub bcc: Option<Vec<String>>,
    /// Conversation status after.
    pub status: Option<AfterStatus>,
    /// Sender user id.
    pub user: Option<u64>,
    pub assign_to: Option<u64>,
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
    pub conversation_id: u64,
    /// HTML allowed.
    pub text: String,
    /// Author user id.
    pub user: Option<u64>,
    /// Conversation status after; default unchanged.
    pub status: Option<AfterStatus>,
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
    pub conversation_id: u64,
    /// HTML allowed.
    pub text: String,
    pub customer_id: Option<u64>,
    /// Instead of customer_id; an unknown one creates the customer.
    pub customer_email: Option<String>,
    /// Old message: no reopening, no notifications.
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
pub struct LoggedThreadArgs {
    pub conversation_id: u64,
    /// HTML allowed.
    pub text: String,
    pub customer_id: Option<u64>,
    /// Instead of customer_id; an unknown one creates the customer.
    pub customer_email: Option<String>,
    /// Old chat/call: no notifications.
    pub imported: Option<bool>,
    /// Only with imported.
    #[schemars(extend("format" = "date-time"))]
    pub created_at: Option<String>,
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
    pub conversation_id: u64,
    pub thread_id: u64,
    /// HTML allowed.
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
    pub conversation_id: u64,
    pub thread_id: u64,
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
    pub conversation_id: u64,
    /// A draft reply.
    pub thread_id: u64,
    #[schemars(extend("format" = "date-time"))]
    pub scheduled_for: String,
    /// Default true.
    pub unschedule_on_customer_reply: Option<bool>,
    /// Send as the thread's creator, not the API user.
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
