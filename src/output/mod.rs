//! What the model reads. Tools return compact JSON (no `_links`, no HAL paging noise,
//! HTML as plain text); this module holds the shared shaping helpers and renders
//! failures as short, actionable text.

pub mod compact;
pub mod errors;
pub mod html;
pub mod redact;
pub mod shapes;

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::Value;

/// A successful tool result: structured JSON (sent as `structuredContent` and, for
/// hosts that only read text, as its compact serialisation), plus optional extra
/// content blocks such as images.
#[derive(Debug, Clone)]
pub struct ToolOutput {
    pub value: Value,
    pub extra: Vec<ContentBlock>,
}

impl ToolOutput {
    pub fn json(value: Value) -> Self {
        Self {
            value,
            extra: Vec::new(),
        }
    }

    pub fn with_content(mut self, block: ContentBlock) -> Self {
        self.extra.push(block);
        self
    }

    pub fn into_call_result(self) -> CallToolResult {
        // MCP asks servers that return structured content to also return it as text.
        let mut result = CallToolResult::structured(self.value);
        result.content.extend(self.extra);
        result
    }
}
