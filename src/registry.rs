//! Tool declarations and the registry that turns them into MCP tools.
//!
//! Every Help Scout operation is declared once, as a [`ToolSpec`] (name, toolset,
//! access class, idempotency, title, description, endpoint) plus a typed argument
//! struct and a handler. Annotations are derived from the spec, never written by hand,
//! so the access class that the policy filters on and the hints a host shows the user
//! cannot disagree.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::FutureExt;
use http::Method;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::helpscout::{Api, ApiError, ApiRequest, ApiResponse, HelpScoutClient};
use crate::output::ToolOutput;
use crate::paging::{self, ProgressSink};

/// What the worst case of a call can do (catalogue section 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// No state change.
    Read,
    /// Creates data or makes targeted, reversible, non-customer-visible changes.
    Write,
    /// Deletes, overwrites a whole record, is irreversible, or is seen by a customer.
    Destructive,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Destructive => "destructive",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            "destructive" => Some(Access::Destructive),
            _ => None,
        }
    }
}

/// The declaration of one tool: everything but the argument type and the handler.
#[derive(Debug, Clone)]
pub struct ToolSpec {
    pub name: &'static str,
    pub toolset: &'static str,
    pub access: Access,
    pub idempotent: bool,
    pub title: &'static str,
    pub description: &'static str,
    pub api: Api,
    pub method: Method,
    /// Path template as in tools.tsv, e.g. `/v2/conversations/{conversationId}`.
    pub path: &'static str,
}

impl ToolSpec {
    /// MCP annotations, derived from the access class (DESIGN.md "the annotation is the policy").
    pub fn annotations(&self) -> ToolAnnotations {
        // The title travels once, as the tool's own `title` (MCP 2025-06-18 and later);
        // repeating it in the annotations costs every tool a few tokens for nothing.
        ToolAnnotations::new()
            .read_only(self.access == Access::Read)
            .destructive(self.access == Access::Destructive)
            .idempotent(self.idempotent)
            .open_world(true)
    }
}

/// A failure of a tool call, rendered to the model as an `isError` result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments do not fit the tool's schema or a documented rule.
    #[error("invalid argument `{field}`: {message}")]
    InvalidArgument { field: String, message: String },
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The call is outside what this server's policy allows.
    #[error("{0}")]
    Denied(String),
    /// Something the tool cannot do, explained.
    #[error("{0}")]
    Failed(String),
}

impl ToolError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ToolError::InvalidArgument {
            field: field.into(),
            message: message.into(),
        }
    }
}

pub type ToolResult = Result<ToolOutput, ToolError>;

/// What a handler gets besides its arguments: the shared client and its own spec, so
/// that the endpoint is built from the declaration and never typed twice.
#[derive(Clone)]
pub struct ToolContext {
    pub client: HelpScoutClient,
    pub spec: Arc<ToolSpec>,
    /// Where a long call reports progress, when the client asked for it.
    pub progress: Option<ProgressSink>,
}

impl ToolContext {
    /// A request to this tool's own endpoint with its path parameters filled in.
    /// Method, API and idempotency come from the spec.
    pub fn endpoint(&self, params: &[(&str, &(dyn std::fmt::Display + Sync))]) -> ApiRequest {
        let path = fill_path(self.spec.path, params);
        ApiRequest::new(self.spec.api, self.spec.method.clone(), path).idempotent(self.spec.idempotent)
    }

    pub async fn send(&self, request: ApiRequest) -> Result<ApiResponse, ApiError> {
        self.client.send(request).await
    }
}

/// Fills `{name}` placeholders. Values are percent-encoded as one path segment.
pub fn fill_path(template: &str, params: &[(&str, &(dyn std::fmt::Display + Sync))]) -> String {
    let mut path = template.to_string();
    for (name, value) in params {
        let encoded: String = url::form_urlencoded::byte_serialize(value.to_string().as_bytes()).collect();
        // form encoding turns spaces into '+', which is wrong in a path segment.
        let encoded = encoded.replace('+', "%20");
        path = path.replace(&format!("{{{name}}}"), &encoded);
    }
    path
}

pub(crate) type Handler = Arc<dyn Fn(ToolContext, Value) -> BoxFuture<'static, ToolResult> + Send + Sync>;

/// A declared tool: its spec, its input schema and its type-erased handler.
#[derive(Clone)]
pub struct ToolDef {
    pub spec: Arc<ToolSpec>,
    pub input_schema: Arc<JsonObject>,
    handler: Handler,
    pageable: bool,
}

impl ToolDef {
    /// The MCP tool definition sent in `tools/list`.
    pub fn to_tool(&self) -> Tool {
        let mut tool = Tool::new(self.spec.name, self.spec.description, self.input_schema.clone());
        tool.title = Some(self.spec.title.to_string());
        tool.annotations = Some(self.spec.annotations());
        tool
    }

    pub fn call(&self, client: HelpScoutClient, arguments: Value) -> BoxFuture<'static, ToolResult> {
        self.call_with_progress(client, arguments, None)
    }

    /// [`Self::call`], reporting progress to `progress` (a collecting list call reports
    /// each page).
    pub fn call_with_progress(
        &self,
        client: HelpScoutClient,
        arguments: Value,
        progress: Option<ProgressSink>,
    ) -> BoxFuture<'static, ToolResult> {
        let ctx = ToolContext {
            client,
            spec: self.spec.clone(),
            progress,
        };
        (self.handler)(ctx, arguments)
    }

    /// Whether the tool takes `max_items` (see [`crate::paging`]).
    pub fn is_pageable(&self) -> bool {
        self.pageable
    }

    /// A paged read tool (one whose schema has `page`) gains `max_items` and the
    /// collecting loop. Decided here rather than in [`declare`] because the schema is
    /// final only here: a toolset may replace a declared tool's schema (the reports
    /// share one argument type, and each offers only its own parameters).
    fn with_paging(mut self) -> Self {
        if !self.pageable && paging::is_pageable(&self.spec, &self.input_schema) {
            paging::add_max_items(Arc::make_mut(&mut self.input_schema));
            self.handler = paging::wrap(self.handler);
            self.pageable = true;
        }
        self
    }
}

/// Declares a tool from its spec, its argument type and its handler.
///
/// A read tool that takes a `page` also takes `max_items` once it is in a [`Registry`]
/// ([`crate::paging`]); its argument type never sees `max_items`.
pub fn declare<A, F, Fut>(spec: ToolSpec, handler: F) -> ToolDef
where
    A: DeserializeOwned + JsonSchema + Send + 'static,
    F: Fn(ToolContext, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ToolResult> + Send + 'static,
{
    let input_schema = Arc::new(crate::registry::schema::input_schema::<A>());
    let handler = Arc::new(handler);
    let erased: Handler = Arc::new(move |ctx: ToolContext, arguments: Value| {
        let handler = handler.clone();
        async move {
            let args: A = decode_arguments(arguments)?;
            handler(ctx, args).await
        }
        .boxed()
    });
    ToolDef {
        spec: Arc::new(spec),
        input_schema,
        handler: erased,
        pageable: false,
    }
}

/// Decodes arguments, naming the offending field in the error (serde alone says only
/// "invalid type" without saying where).
pub fn decode_arguments<A: DeserializeOwned>(arguments: Value) -> Result<A, ToolError> {
    let arguments = match arguments {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => arguments,
        // serde fills a struct from a sequence positionally, so `[42]` would silently
        // become the first declared field; arguments are always named.
        other => {
            let kind = match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                _ => "a boolean",
            };
            return Err(ToolError::invalid(
                "arguments",
                format!("must be a JSON object with named fields, not {kind}"),
            ));
        }
    };
    serde_path_to_error::deserialize(arguments).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde reports a missing field at the parent path; pull the name out of the message.
        let field = if path == "." {
            inner
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string)
                .unwrap_or_else(|| "arguments".to_string())
        } else {
            path
        };
        ToolError::InvalidArgument { field, message: inner }
    })
}

/// All declared tools, by name.
pub struct Registry {
    tools: BTreeMap<&'static str, ToolDef>,
}

impl Registry {
    pub fn new(tools: Vec<ToolDef>) -> Self {
        let tools = tools
            .into_iter()
            .map(ToolDef::with_paging)
            .map(|t| (t.spec.name, t))
            .collect();
        Self { tools }
    }

    /// Every tool this build declares.
    pub fn builtin() -> Self {
        Self::new(crate::toolsets::all())
    }

    pub fn get(&self, name: &str) -> Option<&ToolDef> {
        self.tools.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &ToolDef> {
        self.tools.values()
    }

    pub fn len(&self) -> usize {
        self.tools.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }
}

pub mod schema;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Args {
        conversation_id: u64,
        text: Option<String>,
    }

    #[test]
    fn positional_arguments_are_refused_not_mapped_to_fields() {
        // Found by tests/suite/fuzz_arguments.rs: serde accepted `[42]` as {conversation_id: 42}.
        for arguments in [json!([42]), json!([[]]), json!("42"), json!(42), json!(true)] {
            match decode_arguments::<Args>(arguments.clone()) {
                Err(ToolError::InvalidArgument { field, message }) => {
                    assert_eq!(field, "arguments", "{arguments}: {message}");
                    assert!(message.contains("JSON object"), "{message}");
                }
                other => panic!("{arguments} decoded as {other:?}"),
            }
        }
        assert!(decode_arguments::<Args>(json!({"conversation_id": 42})).is_ok());
    }

    #[test]
    fn errors_name_the_field() {
        let field = |arguments: Value| match decode_arguments::<Args>(arguments) {
            Err(ToolError::InvalidArgument { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(Value::Null), "conversation_id");
        assert_eq!(field(json!({"conversation_id": "x"})), "conversation_id");
        assert_eq!(field(json!({"conversation_id": 1, "text": 5})), "text");
    }
}
