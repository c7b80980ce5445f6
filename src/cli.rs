//! The `tools` and `call` subcommands: the policy and the tools, without an MCP host.

use serde_json::Value;

use crate::policy::file::{hash_token, hex, PolicyFile};
use crate::policy::{Policy, Source, Toolsets};
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

/// `hash-token`: reads a token from stdin (one line; surrounding whitespace ignored)
/// and prints the hex SHA-256 that a policy file's `tokens` entry stores.
pub fn hash_token_from_stdin() -> Result<(), String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the token from stdin: {e}"))?;
    let token = line.trim();
    if token.is_empty() {
        return Err("no token on stdin; e.g. `printf %s \"$TOKEN\" | helpscout-mcp hash-token`".into());
    }
    println!("{}", hex(&hash_token(token)));
    Ok(())
}

/// The profile that stdio, `tools` and `call` run under (and HTTP callers presenting
/// HELPSCOUT_MCP_TOKEN): `--profile`, else the file's `default_profile`. An HTTP
/// server may have neither; then only profile tokens get in.
pub fn select_profile(file: &PolicyFile, requested: Option<&str>, serving_http: bool) -> Result<Policy, String> {
    if let Some(name) = requested {
        return file.profiles.get(name).map(|p| (**p).clone()).ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            format!(
                "--profile {name}: no such profile in the policy file (profiles: {})",
                known.join(", ")
            )
        });
    }
    match &file.default_profile {
        Some(policy) => Ok((**policy).clone()),
        None if serving_http => {
            if file.tokens.is_empty() {
                return Err(
                    "the policy file has no default_profile and no [[tokens]]: nobody could use the server".into(),
                );
            }
            // Nothing is enabled for callers without a profile token.
            Ok(Policy {
                source: Source::Profile("none".into()),
                toolsets: Toolsets::Only(Default::default()),
                ..Policy::default()
            })
        }
        None => Err("the policy file has no default_profile; pass --profile NAME".into()),
    }
}
