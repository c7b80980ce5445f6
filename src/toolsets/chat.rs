//! Chat API v1 (Beacon chats).

use crate::registry::ToolDef;

pub fn tools() -> Vec<ToolDef> {
    Vec::new()
}
