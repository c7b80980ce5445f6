//! The `tools` and `call` subcommands: the policy and the tools, without an MCP host.

use serde_json::Value;

use crate::server::HelpScoutServer;

/// Prints name, toolset and access class of every tool the policy exposes, then what
/// is hidden and why, grouped by reason.
pub fn print_tools(server: &HelpScoutServer) {
    let state = server.state();
    let mut shown = 0;
    for def in state.registry.iter() {
        if state.policy.allows(&def.spec) {
            println!(
                "{:<40} {:<14} {}",
                def.spec.name,
                def.spec.toolset,
                def.spec.access.as_str()
            );
            shown += 1;
        }
    }
    let hidden: Vec<String> = state
        .registry
        .iter()
        .filter_map(|def| state.policy.decide(&def.spec).err().map(|h| h.reason))
        .collect();
    eprintln!("{shown} tools enabled, {} hidden by the current policy.", hidden.len());
    if !state.policy.docs_available {
        eprintln!("The docs toolset is hidden: set HELPSCOUT_DOCS_API_KEY to enable it.");
    }
}

/// Runs one tool and prints its result: structured JSON on success (exit 0), the
/// error text on failure (non-zero exit).
pub async fn call(server: &HelpScoutServer, tool: &str, arguments: &str) -> Result<(), String> {
    let arguments: Value =
        serde_json::from_str(arguments).map_err(|e| format!("arguments must be a JSON object: {e}"))?;
    if !arguments.is_object() {
        return Err("arguments must be a JSON object, e.g. '{\"page\": 1}'".into());
    }
    let result = server.call(tool, arguments).await.map_err(|e| e.message.to_string())?;
    if result.is_error == Some(true) {
        let text: Vec<String> = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect();
        return Err(text.join("\n"));
    }
    let value = result.structured_content.unwrap_or(Value::Null);
    let pretty = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    println!("{pretty}");
    Ok(())
}
