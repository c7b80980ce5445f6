//! Reports and ratings.

use crate::registry::ToolDef;

pub fn tools() -> Vec<ToolDef> {
    Vec::new()
}
