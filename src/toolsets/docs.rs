//! Docs API v1: sites, collections, categories, articles, redirects, assets.

use crate::registry::ToolDef;

pub fn tools() -> Vec<ToolDef> {
    Vec::new()
}
