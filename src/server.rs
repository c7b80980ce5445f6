//! The MCP server: the registry filtered by the caller's policy, over the shared Help
//! Scout client. Transports construct one [`HelpScoutServer`] per session; clones
//! share everything.
//!
//! Every call goes through [`HelpScoutServer::call_as`]: policy decision, scope check
//! (mailboxes, Docs sites), the handler, redaction, and one audit line — in that order,
//! so nothing reaches Help Scout unless every check passed.

use std::sync::Arc;
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult, PaginatedRequestParams,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::audit::{self, AuditLog, Decision, Entry, Outcome};
use crate::helpscout::HelpScoutClient;
use crate::output::{errors, redact};
use crate::policy::scope::ScopeResolver;
use crate::policy::Policy;
use crate::registry::{Registry, ToolError};

pub const SERVER_NAME: &str = "helpscout-mcp";

const INSTRUCTIONS: &str =
    "Help Scout help desk tools. Conversations hold threads (customer messages, replies, notes). \
Start with list_mailboxes, then list_conversations (status defaults to active: pass status=all to include closed) and \
get_conversation for the threads. create_note and create_draft_reply never reach the customer; send_reply emails the \
customer. Ids are integers unless a tool says otherwise. List results say how to fetch the next page.";

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
        }
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

    /// Runs one call under this session's policy.
    pub async fn call(&self, name: &str, arguments: Value) -> Result<CallToolResult, McpError> {
        self.call_as(&self.policy(), name, arguments, None).await
    }

    /// Runs one tool call under `policy`. Never fails at the protocol level for a known
    /// tool: every failure is an `isError` result the model can read. When `cancel`
    /// fires, the handler is dropped, which aborts any rate-limit wait and the
    /// in-flight HTTP request.
    pub async fn call_as(
        &self,
        policy: &Policy,
        name: &str,
        arguments: Value,
        cancel: Option<CancellationToken>,
    ) -> Result<CallToolResult, McpError> {
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
                return Ok(errors::call_result(name, &ToolError::Denied(message)));
            }
        };
        let scoped = policy.mailboxes.is_some() || policy.docs_sites.is_some();
        let written = (scoped && def.spec.access != crate::registry::Access::Read).then(|| arguments.clone());

        let started = Instant::now();
        let run = def.call(self.state.client.clone(), arguments);
        let result = match cancel {
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
                output.into_call_result()
            }
            Err(error) => {
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
                result
            }
        })
    }
}

impl ServerHandler for HelpScoutServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(
                Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION")).with_title("Help Scout MCP server"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            self.visible_tools_for(&self.policy_for(&context)),
        ))
    }

    /// Used by rmcp only to look up schemas for header validation; whether the caller
    /// may call the tool is decided per request in `call_tool`.
    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.state.registry.get(name).map(|def| def.to_tool())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let policy = self.policy_for(&context);
        let arguments = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        self.call_as(&policy, &request.name, arguments, Some(context.ct.clone()))
            .await
            .map(Into::into)
    }
}
