//! The MCP server: the registry filtered by the caller's policy, over the shared Help
//! Scout client. Transports construct one [`HelpScoutServer`] per session; clones
//! share everything.
//!
//! Every call goes through [`HelpScoutServer::call_as`]: policy decision, scope check
//! (mailboxes, Docs sites), the handler, redaction, and one audit line — in that order,
//! so nothing reaches Help Scout unless every check passed. Gateway tools, resources
//! and prompts are views over the same registry: they resolve to a registry tool and
//! run it through `call_as`, so one policy decides everything.

use std::sync::Arc;
use std::time::Instant;

use futures::FutureExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, GetPromptRequestParams, GetPromptResponse, Implementation,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::audit::{self, AuditLog, Decision, Entry, Outcome};
use crate::gateway::{self, ToolMode};
use crate::helpscout::HelpScoutClient;
use crate::output::{errors, redact};
use crate::paging::{Progress, ProgressSink};
use crate::policy::scope::ScopeResolver;
use crate::policy::Policy;
use crate::registry::schema::SchemaStyle;
use crate::registry::{Registry, ToolError};
use crate::{prompts, resources};

pub const SERVER_NAME: &str = "helpscout-mcp";

/// The tool-choice guide sent at `initialize`; hosts put it in the model's context,
/// so it stays short (about 150 words with the gateway part).
const INSTRUCTIONS: &str =
    "Help Scout help desk. Conversations hold threads: customer messages, replies, internal notes. \
Find work with list_conversations: it lists only active conversations unless you pass status (status=all for every \
status); filter by mailbox_id (from list_mailboxes), tag, assigned_to or query. Read one with get_conversation; \
list_threads has long bodies in full. Customers: list_customers finds them, get_customer has the \
profile. Docs: docs_search_articles, then docs_get_article. To answer, prefer create_draft_reply (a person reviews \
and sends it) or create_note (team only); send_reply emails the customer at once and cannot be undone. Lists are \
paged: pass page (or cursor) as the result says, or max_items (up to 500) to collect pages. Ids are integers unless a \
schema says otherwise.";

const GATEWAY_INSTRUCTIONS: &str = " Gateway mode: the tools above sit behind five tools. find_tools searches them \
by keyword or toolset, describe_tool shows one's arguments, and call_read_tool, call_write_tool or \
call_destructive_tool runs it with {tool, arguments}, matching its access class.";

/// How a call ended, for callers that are not `tools/call` (resource reads map it to
/// protocol error codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    Ok,
    /// The policy or a scope rule refused it; nothing reached Help Scout.
    Refused,
    /// The arguments did not decode.
    InvalidArguments,
    /// The tool or Help Scout failed (`status` is Help Scout's HTTP status, if any).
    Failed {
        status: Option<u16>,
    },
}

/// What the client can do to a call while it runs: cancel it, and hear how far it got.
#[derive(Debug, Clone, Default)]
pub struct CallControl {
    /// Fires when the client cancels; the handler is dropped, no further request is sent.
    pub cancel: Option<CancellationToken>,
    /// Set when the request carried `_meta.progressToken`: collecting list calls
    /// (`max_items`) report each page to it.
    pub progress: Option<ProgressSink>,
}

impl CallControl {
    pub fn cancellable(cancel: Option<CancellationToken>) -> Self {
        Self { cancel, progress: None }
    }

    /// The control of one `tools/call`: its cancellation, and a progress sink that
    /// sends `notifications/progress` to the client when the request asked for them.
    pub fn for_request(request: &CallToolRequestParams, context: &RequestContext<RoleServer>) -> Self {
        // rmcp moves the request's `_meta` into the context; the params keep it when the
        // request was built in process.
        let token = context
            .meta
            .get_progress_token()
            .or_else(|| request.meta.as_ref().and_then(|meta| meta.get_progress_token()));
        let progress = token.map(|token| {
            let peer = context.peer.clone();
            ProgressSink::new(move |progress: Progress| {
                let peer = peer.clone();
                let mut params = ProgressNotificationParam::new(token.clone(), progress.progress as f64)
                    .with_message(progress.message);
                if let Some(total) = progress.total {
                    params = params.with_total(total as f64);
                }
                async move {
                    // A client that went away is not the call's failure.
                    if let Err(error) = peer.notify_progress(params).await {
                        tracing::debug!(%error, "progress notification not sent");
                    }
                }
                .boxed()
            })
        });
        Self {
            cancel: Some(context.ct.clone()),
            progress,
        }
    }
}

/// The policy an HTTP request runs under, put into the request's extensions by the
/// transport's token check; rmcp hands the request parts to the handler.
#[derive(Debug, Clone)]
pub struct CallerPolicy(pub Arc<Policy>);

/// Everything the sessions share; built once per process.
pub struct ServerState {
    pub registry: Registry,
    /// The default profile: stdio, and HTTP callers without a profile of their own.
    pub policy: Arc<Policy>,
    pub client: HelpScoutClient,
    pub audit: Option<AuditLog>,
    pub scope: ScopeResolver,
    pub tool_mode: ToolMode,
    pub schema_style: SchemaStyle,
}

impl ServerState {
    pub fn new(registry: Registry, policy: Policy, client: HelpScoutClient) -> Self {
        let scope = ScopeResolver::new(client.clone());
        Self {
            registry,
            policy: Arc::new(policy),
            client,
            audit: None,
            scope,
            tool_mode: ToolMode::Tools,
            schema_style: SchemaStyle::Lean,
        }
    }

    pub fn with_schema_style(mut self, style: SchemaStyle) -> Self {
        self.schema_style = style;
        self
    }

    pub fn with_tool_mode(mut self, mode: ToolMode) -> Self {
        self.tool_mode = mode;
        self
    }

    pub fn with_audit(mut self, audit: AuditLog) -> Self {
        self.audit = Some(audit);
        self
    }
}

#[derive(Clone)]
pub struct HelpScoutServer {
    state: Arc<ServerState>,
    /// A session bound to one profile (legacy SSE binds at connect time).
    session_policy: Option<Arc<Policy>>,
}

impl HelpScoutServer {
    pub fn new(state: Arc<ServerState>) -> Self {
        Self {
            state,
            session_policy: None,
        }
    }

    /// The same server, with every call of this session under `policy`.
    pub fn with_policy(&self, policy: Arc<Policy>) -> Self {
        Self {
            state: self.state.clone(),
            session_policy: Some(policy),
        }
    }

    pub fn state(&self) -> &ServerState {
        &self.state
    }

    /// The policy of this session when no request says otherwise.
    pub fn policy(&self) -> Arc<Policy> {
        self.session_policy.clone().unwrap_or_else(|| self.state.policy.clone())
    }

    fn policy_for(&self, context: &RequestContext<RoleServer>) -> Arc<Policy> {
        context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CallerPolicy>())
            .map(|caller| caller.0.clone())
            .unwrap_or_else(|| self.policy())
    }

    /// The tools `policy` exposes, sorted by name.
    pub fn visible_tools_for(&self, policy: &Policy) -> Vec<Tool> {
        self.state
            .registry
            .iter()
            .filter(|def| policy.allows(&def.spec))
            .map(|def| def.to_tool())
            .collect()
    }

    pub fn visible_tools(&self) -> Vec<Tool> {
        self.visible_tools_for(&self.policy())
    }

    /// What `tools/list` shows `policy`: the catalogue, or the gateway tools.
    pub fn listed_tools_for(&self, policy: &Policy) -> Vec<Tool> {
        let mut tools = match self.state.tool_mode {
            ToolMode::Tools => self.visible_tools_for(policy),
            ToolMode::Gateway => gateway::visible_tools(&self.state.registry, policy),
        };
        if self.state.schema_style != SchemaStyle::Lean {
            for tool in &mut tools {
                tool.input_schema = std::sync::Arc::new(self.state.schema_style.apply(&tool.input_schema));
            }
        }
        tools
    }

    /// Runs one call under this session's policy, as `tools/call` would.
    pub async fn call(&self, name: &str, arguments: Value) -> Result<CallToolResult, McpError> {
        self.dispatch(&self.policy(), name, arguments, CallControl::default())
            .await
    }

    /// A `tools/call` in the server's tool mode: a catalogue tool, or a gateway tool.
    pub async fn dispatch(
        &self,
        policy: &Policy,
        name: &str,
        arguments: Value,
        control: CallControl,
    ) -> Result<CallToolResult, McpError> {
        match self.state.tool_mode {
            ToolMode::Tools => self.call_as(policy, name, arguments, control).await,
            ToolMode::Gateway => gateway::call(self, policy, name, arguments, control).await,
        }
    }

    /// Records a call refused before `call_as` (gateway checks) in the audit log.
    pub(crate) fn audit_refusal(&self, policy: &Policy, tool: &str, arguments: &Value, rule: &str) {
        if let Some(log) = &self.state.audit {
            log.record(&Entry {
                time: audit::now(),
                profile: policy.name(),
                tool,
                arguments: audit::sanitize(arguments),
                decision: Decision::Denied,
                rule: Some(rule),
                outcome: None,
            });
        }
    }

    /// Runs one tool call under `policy`. Never fails at the protocol level for a known
    /// tool: every failure is an `isError` result the model can read. When the
    /// control's `cancel` fires, the handler is dropped, which aborts any rate-limit
    /// wait and the in-flight HTTP request; its progress sink hears about each page of
    /// a collecting list call.
    pub async fn call_as(
        &self,
        policy: &Policy,
        name: &str,
        arguments: Value,
        control: CallControl,
    ) -> Result<CallToolResult, McpError> {
        self.call_as_detailed(policy, name, arguments, control)
            .await
            .map(|(result, _)| result)
    }

    /// [`Self::call_as`], also saying how the call ended.
    pub async fn call_as_detailed(
        &self,
        policy: &Policy,
        name: &str,
        arguments: Value,
        control: CallControl,
    ) -> Result<(CallToolResult, CallStatus), McpError> {
        let Some(def) = self.state.registry.get(name) else {
            return Err(McpError::invalid_params(format!("unknown tool `{name}`"), None));
        };
        let audit_arguments = self.state.audit.as_ref().map(|_| audit::sanitize(&arguments));
        let record = |decision: Decision, rule: Option<&str>, outcome: Option<Outcome>| {
            if let (Some(log), Some(arguments)) = (&self.state.audit, &audit_arguments) {
                log.record(&Entry {
                    time: audit::now(),
                    profile: policy.name(),
                    tool: name,
                    arguments: arguments.clone(),
                    decision,
                    rule,
                    outcome,
                });
            }
        };

        let decision = match policy.decide(&def.spec) {
            Ok(()) => self.state.scope.check(policy, &def.spec, arguments).await,
            Err(hidden) => Err(hidden),
        };
        let arguments = match decision {
            Ok(arguments) => arguments,
            Err(hidden) => {
                tracing::info!(
                    tool = name,
                    profile = policy.name(),
                    rule = hidden.rule,
                    "call refused by policy"
                );
                record(Decision::Denied, Some(hidden.rule), None);
                let message = format!("Tool call refused: {}", hidden.reason);
                return Ok((
                    errors::call_result(name, &ToolError::Denied(message)),
                    CallStatus::Refused,
                ));
            }
        };
        let scoped = policy.mailboxes.is_some() || policy.docs_sites.is_some();
        let written = (scoped && def.spec.access != crate::registry::Access::Read).then(|| arguments.clone());

        let started = Instant::now();
        let run = def.call_with_progress(self.state.client.clone(), arguments, control.progress);
        // Dropping `run` on cancellation also ends a collecting list call between pages.
        let result = match control.cancel {
            Some(token) => tokio::select! {
                result = run => Some(result),
                _ = token.cancelled() => None,
            },
            None => Some(run.await),
        };
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let Some(result) = result else {
            tracing::info!(tool = name, duration_ms, "tool call cancelled by the client");
            record(
                Decision::Allowed,
                None,
                Some(Outcome {
                    result: "cancelled",
                    duration_ms,
                    ..Outcome::default()
                }),
            );
            return Err(McpError::internal_error("request cancelled", None));
        };
        Ok(match result {
            Ok(mut output) => {
                tracing::info!(tool = name, duration_ms, "tool call succeeded");
                if let Some(arguments) = &written {
                    self.state.scope.invalidate(&def.spec, arguments);
                }
                self.state.scope.filter_output(policy, &def.spec, &mut output.value);
                record(
                    Decision::Allowed,
                    None,
                    Some(Outcome {
                        result: "ok",
                        duration_ms,
                        ..Outcome::default()
                    }),
                );
                redact::redact(&mut output.value, &policy.redact, def.spec.toolset == "customers");
                (output.into_call_result(), CallStatus::Ok)
            }
            Err(error) => {
                let call_status = match &error {
                    ToolError::InvalidArgument { .. } => CallStatus::InvalidArguments,
                    ToolError::Denied(_) => CallStatus::Refused,
                    ToolError::Api(api) => CallStatus::Failed { status: api.status() },
                    ToolError::Failed(_) => CallStatus::Failed { status: None },
                };
                let (status, log_ref) = match &error {
                    ToolError::Api(api) => (api.status(), api.log_ref().map(str::to_string)),
                    _ => (None, None),
                };
                tracing::info!(tool = name, duration_ms, status, "tool call failed");
                record(
                    Decision::Allowed,
                    None,
                    Some(Outcome {
                        result: "error",
                        status,
                        log_ref,
                        duration_ms,
                    }),
                );
                let mut result = errors::call_result(name, &error);
                for block in &mut result.content {
                    if let Some(text) = block.as_text().map(|t| t.text.clone()) {
                        if let Some(masked) = redact::mask_text(&text, &policy.redact) {
                            *block = rmcp::model::ContentBlock::text(masked);
                        }
                    }
                }
                (result, call_status)
            }
        })
    }
}

impl ServerHandler for HelpScoutServer {
    fn get_info(&self) -> ServerConfig {
        let instructions = match self.state.tool_mode {
            ToolMode::Tools => INSTRUCTIONS.to_string(),
            ToolMode::Gateway => format!("{INSTRUCTIONS}{GATEWAY_INSTRUCTIONS}"),
        };
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_prompts()
            .build();
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION")).with_title("Help Scout MCP server"),
            )
            .with_instructions(instructions)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            self.listed_tools_for(&self.policy_for(&context)),
        ))
    }

    /// Used by rmcp only to look up schemas for header validation; whether the caller
    /// may call the tool is decided per request in `call_tool`.
    fn get_tool(&self, name: &str) -> Option<Tool> {
        match self.state.tool_mode {
            ToolMode::Gateway => gateway::definition(name),
            ToolMode::Tools => self.state.registry.get(name).map(|def| def.to_tool()),
        }
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let policy = self.policy_for(&context);
        let control = CallControl::for_request(&request, &context);
        let arguments = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        self.dispatch(&policy, &request.name, arguments, control)
            .await
            .map(Into::into)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let policy = self.policy_for(&context);
        Ok(ListResourcesResult::with_all_items(resources::resources(self, &policy)))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let policy = self.policy_for(&context);
        Ok(ListResourceTemplatesResult::with_all_items(resources::templates(
            self, &policy,
        )))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let policy = self.policy_for(&context);
        resources::read(self, &policy, &request.uri, Some(context.ct.clone()))
            .await
            .map(Into::into)
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        let policy = self.policy_for(&context);
        Ok(ListPromptsResult::with_all_items(prompts::list(self, &policy)))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let policy = self.policy_for(&context);
        prompts::get(self, &policy, &request.name, request.arguments.as_ref()).map(Into::into)
    }
}
