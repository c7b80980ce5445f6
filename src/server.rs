//! The MCP server: the registry filtered by policy, over the shared Help Scout client.
//! Transports construct one [`HelpScoutServer`] per session; clones share everything.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult, PaginatedRequestParams,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;

use crate::helpscout::HelpScoutClient;
use crate::output::errors;
use crate::policy::Policy;
use crate::registry::{Registry, ToolError};

pub const SERVER_NAME: &str = "helpscout-mcp";

const INSTRUCTIONS: &str =
    "Help Scout help desk tools. Conversations hold threads (customer messages, replies, notes). \
Start with list_mailboxes, then list_conversations (status defaults to active: pass status=all to include closed) and \
get_conversation for the threads. create_note and create_draft_reply never reach the customer; send_reply emails the \
customer. Ids are integers unless a tool says otherwise. List results say how to fetch the next page.";

/// Everything a session needs; built once per process.
pub struct ServerState {
    pub registry: Registry,
    pub policy: Policy,
    pub client: HelpScoutClient,
}

#[derive(Clone)]
pub struct HelpScoutServer {
    state: Arc<ServerState>,
}

impl HelpScoutServer {
    pub fn new(state: Arc<ServerState>) -> Self {
        Self { state }
    }

    pub fn state(&self) -> &ServerState {
        &self.state
    }

    /// The tools this server's policy exposes, sorted by name.
    pub fn visible_tools(&self) -> Vec<Tool> {
        self.state
            .registry
            .iter()
            .filter(|def| self.state.policy.allows(&def.spec))
            .map(|def| def.to_tool())
            .collect()
    }

    /// Runs one tool call under the policy. Never fails at the protocol level for a
    /// known tool: every failure is an `isError` result the model can read.
    pub async fn call(&self, name: &str, arguments: Value) -> Result<CallToolResult, McpError> {
        let Some(def) = self.state.registry.get(name) else {
            return Err(McpError::invalid_params(format!("unknown tool `{name}`"), None));
        };
        if let Err(hidden) = self.state.policy.decide(&def.spec) {
            tracing::info!(tool = name, "call refused by policy");
            return Ok(errors::call_result(
                name,
                &ToolError::Denied(format!("Tool not available: {}", hidden.reason)),
            ));
        }
        let started = std::time::Instant::now();
        let result = def.call(self.state.client.clone(), arguments).await;
        let elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(match result {
            Ok(output) => {
                tracing::info!(tool = name, elapsed_ms, "tool call succeeded");
                output.into_call_result()
            }
            Err(error) => {
                tracing::info!(
                    tool = name,
                    elapsed_ms,
                    status = error_status(&error),
                    "tool call failed"
                );
                errors::call_result(name, &error)
            }
        })
    }
}

fn error_status(error: &ToolError) -> Option<u16> {
    match error {
        ToolError::Api(api) => api.status(),
        _ => None,
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
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.visible_tools()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let def = self.state.registry.get(name)?;
        self.state.policy.allows(&def.spec).then(|| def.to_tool())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let arguments = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        // Dropping the call future on cancellation aborts any rate-limit wait and the
        // in-flight HTTP request with it.
        tokio::select! {
            result = self.call(&request.name, arguments) => result.map(Into::into),
            _ = context.ct.cancelled() => {
                tracing::info!(tool = %request.name, "tool call cancelled by the client");
                Err(McpError::internal_error("request cancelled", None))
            }
        }
    }
}
