//! Users, their availability, system users (AI agents) and teams
//! (catalogue 3: `users`, `system_users`, `teams`).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::helpscout::Api;
use crate::output::compact::{hal_list, strip};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_users",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "List users",
                description: "Users (agents), including pending invites: id, name, email, role. AI agents are in \
                    list_system_users.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/users",
            },
            list_users,
        ),
        declare(
            ToolSpec {
                name: "get_user",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "Get user",
                description: "Name, email, role, timezone, job title.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/users/{userId}",
            },
            get_user,
        ),
        declare(
            ToolSpec {
                name: "get_current_user",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "Get current user",
                description: "The user these credentials act as: replies and notes appear under their name.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/users/me",
            },
            get_current_user,
        ),
        declare(
            ToolSpec {
                name: "list_user_statuses",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "List user statuses",
                description: "Every user's email status (active/away) and chat status per inbox.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/users/status",
            },
            list_user_statuses,
        ),
        declare(
            ToolSpec {
                name: "get_user_status",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "Get user status",
                description: "Email status, who set it and when, chat status.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/users/{userId}/status",
            },
            get_user_status,
        ),
        declare(
            ToolSpec {
                name: "set_user_status",
                toolset: "users",
                access: Access::Write,
                idempotent: true,
                title: "Set user status",
                description: "Away users get no auto-assigned conversations. Setting another user's needs admin or \
                    owner.",
                api: Api::Inbox,
                method: Method::PUT,
                path: "/v2/users/{userId}/status",
            },
            set_user_status,
        ),
        declare(
            ToolSpec {
                name: "list_system_users",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "List system users",
                description: "Help Scout AI agents (not in list_users); they can be assignees and thread authors.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v3/system-users",
            },
            list_system_users,
        ),
        declare(
            ToolSpec {
                name: "get_system_user",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "Get system user",
                description: "One Help Scout AI agent.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v3/system-users/{systemUserId}",
            },
            get_system_user,
        ),
        declare(
            ToolSpec {
                name: "list_teams",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "List teams",
                description: "Id, name, mention handle; a team can be a conversation assignee.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/teams",
            },
            list_teams,
        ),
        declare(
            ToolSpec {
                name: "list_team_members",
                toolset: "users",
                access: Access::Read,
                idempotent: true,
                title: "List team members",
                description: "The users in a team.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/teams/{teamId}/members",
            },
            list_team_members,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListUsersArgs {
    /// Exact match.
    pub email: Option<String>,
    pub mailbox_id: Option<u64>,
    pub page: Option<NonZeroU32>,
}

async fn list_users(ctx: ToolContext, args: ListUsersArgs) -> ToolResult {
    let email = match args.email.as_deref().map(str::trim) {
        Some("") => {
            return Err(ToolError::invalid(
                "email",
                "must not be empty; leave it out to list every user",
            ))
        }
        Some(email) if !email.contains('@') => {
            return Err(ToolError::invalid(
                "email",
                "expected a full email address (the match is exact)",
            ))
        }
        other => other,
    };
    let request = ctx
        .endpoint(&[])
        .query_opt("email", email)
        .query_opt("mailbox", args.mailbox_id)
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    Ok(ToolOutput::json(hal_list(&body, "users", "list_users")))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserArgs {
    pub user_id: u64,
}

async fn get_user(ctx: ToolContext, args: UserArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[("userId", &args.user_id)])).await?;
    Ok(ToolOutput::json(strip(body)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

async fn get_current_user(ctx: ToolContext, _args: NoArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[])).await?;
    Ok(ToolOutput::json(strip(body)))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageArgs {
    pub page: Option<NonZeroU32>,
}

async fn list_user_statuses(ctx: ToolContext, args: PageArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[]).query_opt("page", args.page))
        .await?;
    Ok(ToolOutput::json(hal_list(&body, "userStatuses", "list_user_statuses")))
}

async fn get_user_status(ctx: ToolContext, args: UserArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[("userId", &args.user_id)])).await?;
    Ok(ToolOutput::json(strip(body)))
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    Active,
    Away,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomStatus {
    pub text: String,
    pub emoji: Option<String>,
    /// e.g. palm_tree.
    pub emoji_name: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetUserStatusArgs {
    pub user_id: u64,
    pub status: EmailStatus,
    pub custom_status: Option<CustomStatus>,
}

/// Help Scout's wire shape (catalogue 3, `users`: `{status, customStatus{text, emoji, emojiName}}`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody<'a> {
    status: EmailStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_status: Option<CustomStatusBody<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomStatusBody<'a> {
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    emoji: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    emoji_name: Option<&'a str>,
}

async fn set_user_status(ctx: ToolContext, args: SetUserStatusArgs) -> ToolResult {
    let custom_status = match &args.custom_status {
        Some(custom) if custom.text.trim().is_empty() => {
            return Err(ToolError::invalid(
                "custom_status.text",
                "must not be empty; leave custom_status out instead",
            ))
        }
        Some(custom) => Some(CustomStatusBody {
            text: &custom.text,
            emoji: custom.emoji.as_deref(),
            emoji_name: custom.emoji_name.as_deref(),
        }),
        None => None,
    };
    let body = serde_json::to_value(StatusBody {
        status: args.status,
        custom_status,
    })
    .map_err(|e| ToolError::Failed(format!("cannot encode the status: {e}")))?;
    ctx.send(ctx.endpoint(&[("userId", &args.user_id)]).json(body.clone()))
        .await?;
    Ok(ToolOutput::json(
        json!({ "updated": true, "userId": args.user_id, "status": body }),
    ))
}

async fn list_system_users(ctx: ToolContext, args: PageArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[]).query_opt("page", args.page))
        .await?;
    Ok(ToolOutput::json(hal_list(&body, "system_users", "list_system_users")))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemUserArgs {
    pub system_user_id: u64,
}

async fn get_system_user(ctx: ToolContext, args: SystemUserArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("systemUserId", &args.system_user_id)]))
        .await?;
    Ok(ToolOutput::json(strip(body)))
}

async fn list_teams(ctx: ToolContext, args: PageArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[]).query_opt("page", args.page))
        .await?;
    Ok(ToolOutput::json(hal_list(&body, "teams", "list_teams")))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMembersArgs {
    pub team_id: u64,
    pub page: Option<NonZeroU32>,
}

async fn list_team_members(ctx: ToolContext, args: TeamMembersArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("teamId", &args.team_id)]).query_opt("page", args.page))
        .await?;
    Ok(ToolOutput::json(hal_list(&body, "users", "list_team_members")))
}
