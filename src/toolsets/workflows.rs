//! Workflows (catalogue 3: `workflows`; PATCH shape in 4.6).

use std::num::NonZeroU32;

use http::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::helpscout::pagination::hal_page;
use crate::helpscout::{Api, ApiError};
use crate::output::compact::{list_result, strip};
use crate::output::errors;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};

const TOOLSET: &str = "workflows";

/// Help Scout runs a workflow on at most 50 conversations per call (catalogue 3 run_workflow).
pub const RUN_BATCH_SIZE: usize = 50;
/// Most conversation ids one run_workflow call accepts (split into batches).
pub const MAX_RUN_CONVERSATIONS: usize = 500;

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_workflows",
                toolset: TOOLSET,
                access: Access::Read,
                idempotent: true,
                title: "List workflows",
                description: "Workflows (automations) with inbox, type and status. Only active manual ones \
                    can be run with run_workflow.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/workflows",
            },
            list_workflows,
        ),
        declare(
            ToolSpec {
                name: "run_workflow",
                toolset: TOOLSET,
                access: Access::Destructive,
                idempotent: false,
                title: "Run workflow",
                description: "Run an active MANUAL workflow on conversations in its own inbox. Its actions \
                    apply at once and may email customers, change status, reassign or move. On a failure it \
                    stops and lists which conversations it ran on: never re-run those.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/workflows/{workflowId}/run",
            },
            run_workflow,
        ),
        declare(
            ToolSpec {
                name: "update_workflow_status",
                toolset: TOOLSET,
                access: Access::Write,
                idempotent: true,
                title: "Activate or deactivate workflow",
                description: "An active automatic workflow acts on matching conversations by itself.",
                api: Api::Inbox,
                method: Method::PATCH,
                path: "/v2/workflows/{workflowId}",
            },
            update_workflow_status,
        ),
    ]
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowType {
    Manual,
    Automatic,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListWorkflowsArgs {
    pub mailbox_id: Option<u64>,
    #[serde(rename = "type")]
    pub kind: Option<WorkflowType>,
    pub page: Option<NonZeroU32>,
}

async fn list_workflows(ctx: ToolContext, args: ListWorkflowsArgs) -> ToolResult {
    let kind = args.kind.map(|k| match k {
        WorkflowType::Manual => "manual",
        WorkflowType::Automatic => "automatic",
    });
    let request = ctx
        .endpoint(&[])
        .query_opt("mailboxId", args.mailbox_id)
        .query_opt("type", kind)
        .query_opt("page", args.page);
    let body = ctx.client.send_json(request).await?;
    let page = hal_page(&body, "workflows");
    let items = page.items.iter().cloned().map(strip).collect();
    Ok(ToolOutput::json(list_result(
        "workflows",
        items,
        &page,
        "list_workflows",
    )))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunWorkflowArgs {
    pub workflow_id: u64,
    #[schemars(length(min = 1, max = 500))]
    pub conversation_ids: Vec<u64>,
}

/// How a failed batch leaves its conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BatchOutcome {
    /// Help Scout refused the request (4xx) or it was never sent: nothing ran.
    NotRun,
    /// The request may have been applied (timeout, dropped connection, 5xx).
    Unknown,
}

fn outcome(error: &ApiError) -> BatchOutcome {
    match error {
        ApiError::Status { status, .. } if *status < 500 => BatchOutcome::NotRun,
        ApiError::Connect(_) | ApiError::Auth(_) | ApiError::NotConfigured(_) | ApiError::BudgetExhausted { .. } => {
            BatchOutcome::NotRun
        }
        _ => BatchOutcome::Unknown,
    }
}

async fn run_workflow(ctx: ToolContext, args: RunWorkflowArgs) -> ToolResult {
    if args.conversation_ids.is_empty() {
        return Err(ToolError::invalid(
            "conversation_ids",
            "must list at least one conversation",
        ));
    }
    if args.conversation_ids.len() > MAX_RUN_CONVERSATIONS {
        return Err(ToolError::invalid(
            "conversation_ids",
            format!(
                "at most {MAX_RUN_CONVERSATIONS} per call (got {}); split the list",
                args.conversation_ids.len()
            ),
        ));
    }
    // A duplicate in a later batch would run the workflow twice on one conversation.
    let mut ids: Vec<u64> = Vec::with_capacity(args.conversation_ids.len());
    for id in &args.conversation_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    let batches: Vec<&[u64]> = ids.chunks(RUN_BATCH_SIZE).collect();
    let mut ran: Vec<u64> = Vec::new();
    for (index, batch) in batches.iter().enumerate() {
        let request = ctx
            .endpoint(&[("workflowId", &args.workflow_id)])
            .json(json!({ "conversationIds": batch }));
        // Never retried here: the client already refuses to repeat a non-idempotent
        // POST that may have reached Help Scout, and so does this loop.
        if let Err(error) = ctx.send(request).await {
            let rest: Vec<u64> = batches[index + 1..].iter().flat_map(|b| b.iter().copied()).collect();
            return Err(ToolError::Failed(partial_failure(
                args.workflow_id,
                index,
                batches.len(),
                &ran,
                batch,
                &rest,
                &error,
            )));
        }
        ran.extend_from_slice(batch);
    }
    Ok(ToolOutput::json(json!({
        "workflowId": args.workflow_id,
        "ran": true,
        "conversations": ran.len(),
        "batches": batches.len(),
    })))
}

/// The error text of a run that stopped at batch `index`: Help Scout's error,
/// then exactly which conversations ran, which did not, and which may have.
fn partial_failure(
    workflow_id: u64,
    index: usize,
    batch_count: usize,
    ran: &[u64],
    failed: &[u64],
    rest: &[u64],
    error: &ApiError,
) -> String {
    let upstream = errors::render("run_workflow", &ToolError::Api(error.clone()));
    let list = |ids: &[u64]| Value::from(ids.to_vec()).to_string();
    let mut text = format!(
        "run_workflow stopped at batch {} of {batch_count} (workflow {workflow_id}): {upstream}\n",
        index + 1
    );
    if ran.is_empty() {
        text.push_str("Ran on: none.\n");
    } else {
        text.push_str(&format!(
            "Ran on {} conversations (done; do NOT run them again): {}\n",
            ran.len(),
            list(ran)
        ));
    }
    match outcome(error) {
        BatchOutcome::NotRun => {
            let not_run: Vec<u64> = failed.iter().chain(rest).copied().collect();
            text.push_str(&format!(
                "Not run on {} conversations: {}",
                not_run.len(),
                list(&not_run)
            ));
        }
        BatchOutcome::Unknown => {
            text.push_str(&format!(
                "Unknown for {} conversations (the batch may have run; check them, e.g. with \
                 get_conversation, before running again): {}\n",
                failed.len(),
                list(failed)
            ));
            text.push_str(&format!("Not run on {} conversations: {}", rest.len(), list(rest)));
        }
    }
    text
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    Active,
    Inactive,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkflowStatusArgs {
    pub workflow_id: u64,
    pub status: WorkflowStatus,
}

async fn update_workflow_status(ctx: ToolContext, args: UpdateWorkflowStatusArgs) -> ToolResult {
    // A single JSON Patch object, not an array (catalogue 4.6).
    let body = json!({ "op": "replace", "path": "/status", "value": args.status });
    ctx.send(ctx.endpoint(&[("workflowId", &args.workflow_id)]).json(body))
        .await?;
    Ok(ToolOutput::json(json!({
        "updated": true,
        "workflowId": args.workflow_id,
        "status": args.status,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn status(code: u16) -> ApiError {
        ApiError::Status {
            status: code,
            message: "Validation error".into(),
            log_ref: None,
            field_errors: Vec::new(),
            location: None,
            retry_after: None,
        }
    }

    #[test]
    fn rejected_batches_did_not_run_ambiguous_ones_may_have() {
        assert_eq!(outcome(&status(400)), BatchOutcome::NotRun);
        assert_eq!(outcome(&ApiError::Connect("refused".into())), BatchOutcome::NotRun);
        assert_eq!(outcome(&status(500)), BatchOutcome::Unknown);
        assert_eq!(
            outcome(&ApiError::Timeout(Duration::from_secs(5))),
            BatchOutcome::Unknown
        );
        assert_eq!(outcome(&ApiError::Network("reset".into())), BatchOutcome::Unknown);
    }

    #[test]
    fn failure_text_names_every_id() {
        let text = partial_failure(7, 1, 3, &[1, 2], &[3, 4], &[5], &status(400));
        assert!(text.contains("batch 2 of 3"), "{text}");
        assert!(text.contains("[1,2]") && text.contains("[3,4,5]"), "{text}");
        let text = partial_failure(7, 1, 3, &[1, 2], &[3, 4], &[5], &ApiError::Network("reset".into()));
        assert!(
            text.contains("Unknown for 2 conversations") && text.contains("[3,4]"),
            "{text}"
        );
        assert!(text.contains("Not run on 1 conversations: [5]"), "{text}");
    }
}
