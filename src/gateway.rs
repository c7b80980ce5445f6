//! Gateway mode (`--tool-mode gateway`): instead of the whole catalogue (up to 189
//! schemas in the model's context), `tools/list` shows five small tools that find,
//! describe and run the catalogue's tools on demand.
//!
//! The runners are split by access class — `call_read_tool`, `call_write_tool`,
//! `call_destructive_tool` — so that their annotations stay true and a host still asks
//! the user before anything destructive. Every inner call goes through
//! [`HelpScoutServer::call_as`] with the caller's policy, exactly as in normal mode:
//! policy, scope, redaction and an audit line that names the inner tool.

use std::collections::BTreeMap;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::output::errors;
use crate::policy::{AccessLevel, Policy, Source, ALL_TOOLSETS};
use crate::registry::{decode_arguments, schema::input_schema, Access, Registry, ToolDef, ToolError};
use crate::server::{CallControl, HelpScoutServer};
use rmcp::ErrorData as McpError;

/// How the catalogue is exposed in `tools/list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ToolMode {
    /// Every tool the policy allows, each with its own schema.
    #[default]
    Tools,
    /// Five tools: find_tools, describe_tool and one runner per access class.
    Gateway,
}

pub const FIND_TOOLS: &str = "find_tools";
pub const DESCRIBE_TOOL: &str = "describe_tool";
pub const CALL_READ_TOOL: &str = "call_read_tool";
pub const CALL_WRITE_TOOL: &str = "call_write_tool";
pub const CALL_DESTRUCTIVE_TOOL: &str = "call_destructive_tool";

/// find_tools answers with at most this many tools unless told otherwise.
const DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Find,
    Describe,
    Run(Access),
}

const KINDS: [Kind; 5] = [
    Kind::Find,
    Kind::Describe,
    Kind::Run(Access::Read),
    Kind::Run(Access::Write),
    Kind::Run(Access::Destructive),
];

impl Kind {
    fn from_name(name: &str) -> Option<Self> {
        KINDS.into_iter().find(|kind| kind.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Find => FIND_TOOLS,
            Kind::Describe => DESCRIBE_TOOL,
            Kind::Run(access) => runner(access),
        }
    }

    fn tool(self) -> Tool {
        let (title, description, schema): (&str, &str, JsonObject) = match self {
            Kind::Find => (
                "Find tools",
                "Search the Help Scout tools you may use, by keywords and/or toolset.",
                input_schema::<FindToolsArgs>(),
            ),
            Kind::Describe => (
                "Describe tool",
                "A tool's inputSchema, annotations and which call_* tool runs it.",
                input_schema::<DescribeToolArgs>(),
            ),
            Kind::Run(Access::Read) => ("Run a read tool", "Run a read tool.", input_schema::<RunArgs>()),
            Kind::Run(Access::Write) => (
                "Run a write tool",
                "Run a write tool: creates or changes data, never emails a customer.",
                input_schema::<RunArgs>(),
            ),
            Kind::Run(Access::Destructive) => (
                "Run a destructive tool",
                "Run a destructive tool: deletes, overwrites or emails a customer.",
                input_schema::<RunArgs>(),
            ),
        };
        let annotations = match self {
            // They read this server's own catalogue, not Help Scout.
            Kind::Find | Kind::Describe => ToolAnnotations::new()
                .read_only(true)
                .destructive(false)
                .idempotent(true)
                .open_world(false),
            Kind::Run(access) => ToolAnnotations::new()
                .read_only(access == Access::Read)
                .destructive(access == Access::Destructive)
                // Several write and destructive tools are not idempotent (a reply, a note).
                .idempotent(access == Access::Read)
                .open_world(true),
        };
        let mut tool = Tool::new(self.name(), description, std::sync::Arc::new(schema));
        tool.title = Some(title.to_string());
        tool.annotations = Some(annotations);
        tool
    }

    /// A gateway tool is listed, and may be called, only when the policy allows at
    /// least one catalogue tool it could serve.
    fn visible(self, registry: &Registry, policy: &Policy) -> bool {
        registry.iter().any(|def| {
            policy.allows(&def.spec)
                && match self {
                    Kind::Find | Kind::Describe => true,
                    Kind::Run(access) => def.spec.access == access,
                }
        })
    }
}

/// The runner of an access class.
pub fn runner(access: Access) -> &'static str {
    match access {
        Access::Read => CALL_READ_TOOL,
        Access::Write => CALL_WRITE_TOOL,
        Access::Destructive => CALL_DESTRUCTIVE_TOOL,
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct FindToolsArgs {
    /// Keywords, e.g. "draft reply".
    query: Option<String>,
    /// e.g. conversations, customers, docs.
    toolset: Option<String>,
    /// Default 20.
    #[schemars(range(min = 1))]
    limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct DescribeToolArgs {
    /// From find_tools.
    tool: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RunArgs {
    /// From find_tools.
    tool: String,
    /// As its inputSchema (describe_tool) says.
    #[serde(default, deserialize_with = "object_or_json_string")]
    #[schemars(with = "Map<String, Value>")]
    arguments: Map<String, Value>,
}

/// The inner tool's arguments: an object, or that object as a JSON string. The string
/// is the `--schema-style strict` form (strict mode cannot declare an object with free
/// keys) and what models sometimes send anyway; `null` or an empty string means none.
fn object_or_json_string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Map<String, Value>, D::Error> {
    use serde::de::Error;
    let text = match Value::deserialize(deserializer)? {
        Value::Null => return Ok(Map::new()),
        Value::Object(map) => return Ok(map),
        Value::String(text) => text,
        _ => return Err(D::Error::custom("must be a JSON object of the tool's arguments")),
    };
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(D::Error::custom(
            "must be a JSON object of the tool's arguments, or a string holding one",
        )),
    }
}

/// All five gateway tool definitions, whatever the policy (snapshots, docs).
pub fn definitions() -> Vec<Tool> {
    KINDS.into_iter().map(Kind::tool).collect()
}

/// One gateway tool's definition, by name.
pub fn definition(name: &str) -> Option<Tool> {
    Kind::from_name(name).map(Kind::tool)
}

/// The gateway tools `policy` may see.
pub fn visible_tools(registry: &Registry, policy: &Policy) -> Vec<Tool> {
    KINDS
        .into_iter()
        .filter(|kind| kind.visible(registry, policy))
        .map(Kind::tool)
        .collect()
}

/// A `tools/call` in gateway mode.
pub async fn call(
    server: &HelpScoutServer,
    policy: &Policy,
    name: &str,
    arguments: Value,
    control: CallControl,
) -> Result<CallToolResult, McpError> {
    let registry = &server.state().registry;
    let Some(kind) = Kind::from_name(name) else {
        // A catalogue tool called directly: filtered in call as in list, but say how.
        return match registry.get(name) {
            Some(def) => Ok(refusal(format!(
                "`{name}` is not exposed directly in gateway mode: run it with {} {{\"tool\": \"{name}\", \
                 \"arguments\": {{...}}}}.",
                runner(def.spec.access)
            ))),
            None => Err(McpError::invalid_params(format!("unknown tool `{name}`"), None)),
        };
    };
    if !kind.visible(registry, policy) {
        // Name the inner tool only when it is one: the model may send any text here.
        let inner = arguments
            .get("tool")
            .and_then(Value::as_str)
            .and_then(|tool| registry.get(tool))
            .map_or(name, |def| def.spec.name);
        server.audit_refusal(policy, inner, inner_arguments(&arguments), "gateway-hidden");
        return Ok(refusal(format!(
            "`{name}` is not available: {}",
            why_hidden(kind, policy)
        )));
    }
    match kind {
        Kind::Find => Ok(match decode_arguments::<FindToolsArgs>(arguments) {
            Ok(args) => find_tools(registry, policy, args),
            Err(error) => errors::call_result(name, &error),
        }),
        Kind::Describe => Ok(match decode_arguments::<DescribeToolArgs>(arguments) {
            Ok(args) => describe_tool(registry, policy, &args.tool),
            Err(error) => errors::call_result(name, &error),
        }),
        Kind::Run(access) => {
            let args = match decode_arguments::<RunArgs>(arguments) {
                Ok(args) => args,
                Err(error) => return Ok(errors::call_result(name, &error)),
            };
            let inner_arguments = Value::Object(args.arguments);
            let Some(def) = registry.get(&args.tool) else {
                return Ok(unknown_tool(&args.tool));
            };
            // A hidden tool is refused (and audited) by call_as with the setting that
            // would enable it; the class check below applies to tools the caller may use.
            if policy.allows(&def.spec) && def.spec.access != access {
                server.audit_refusal(policy, def.spec.name, &inner_arguments, "gateway-class");
                return Ok(refusal(format!(
                    "{} is {}: use {} ({name} runs {} tools only).",
                    def.spec.name,
                    def.spec.access.as_str(),
                    runner(def.spec.access),
                    access.as_str()
                )));
            }
            // Cancellation and progress reach the inner tool as in normal mode.
            server.call_as(policy, def.spec.name, inner_arguments, control).await
        }
    }
}

fn inner_arguments(arguments: &Value) -> &Value {
    arguments.get("arguments").unwrap_or(&Value::Null)
}

fn refusal(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(format!("Tool call refused: {message}"))])
}

fn unknown_tool(name: &str) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(format!(
        "Unknown tool `{name}`: find_tools lists the tools you may use."
    ))])
}

fn why_hidden(kind: Kind, policy: &Policy) -> String {
    let Kind::Run(access) = kind else {
        return format!("the policy (profile `{}`) allows no tools.", policy.name());
    };
    let needed = AccessLevel::needed_for(access);
    match policy.source {
        Source::Flags if policy.access < needed => format!(
            "the access level `{}` allows no {} tools; start the server with --access {} (HELPSCOUT_ACCESS={}) to \
             enable them.",
            policy.access.as_str(),
            access.as_str(),
            needed.as_str(),
            needed.as_str()
        ),
        Source::Flags => format!(
            "no {} tool is enabled by --toolsets/--tools/--exclude-tools.",
            access.as_str()
        ),
        Source::Profile(_) => format!(
            "profile `{}` of the policy file allows no {} tools.",
            policy.name(),
            access.as_str()
        ),
    }
}

fn find_tools(registry: &Registry, policy: &Policy, args: FindToolsArgs) -> CallToolResult {
    let toolset = args.toolset.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if let Some(toolset) = toolset {
        if !ALL_TOOLSETS.contains(&toolset) {
            return errors::call_result(
                FIND_TOOLS,
                &ToolError::invalid(
                    "toolset",
                    format!("unknown toolset `{toolset}`; toolsets: {}", ALL_TOOLSETS.join(", ")),
                ),
            );
        }
    }
    let words = keywords(args.query.as_deref().unwrap_or_default());
    let allowed: Vec<&ToolDef> = registry.iter().filter(|def| policy.allows(&def.spec)).collect();
    let mut matches: Vec<(usize, usize, &ToolDef)> = allowed
        .iter()
        .filter(|def| toolset.is_none_or(|t| def.spec.toolset == t))
        .filter_map(|def| {
            if words.is_empty() {
                return Some((0, 0, *def));
            }
            let (matched, score) = relevance(def, &words);
            (matched > 0).then_some((matched, score, *def))
        })
        .collect();
    // Most query words matched first, then the strongest matches (name over text).
    matches.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)).then(a.2.spec.name.cmp(b.2.spec.name)));
    let total = matches.len();
    let limit = args.limit.map_or(DEFAULT_LIMIT, |l| l.max(1) as usize);
    let tools: Vec<Value> = matches
        .iter()
        .take(limit)
        .map(|(_, _, def)| {
            json!({
                "name": def.spec.name,
                "title": def.spec.title,
                "access": def.spec.access.as_str(),
                "description": one_line(def.spec.description),
            })
        })
        .collect();
    let mut result = Map::new();
    result.insert("tools".into(), tools.into());
    result.insert("total".into(), total.into());
    if total > limit {
        result.insert(
            "note".into(),
            format!("{limit} of {total} shown: add keywords or a toolset, or raise `limit`.").into(),
        );
    }
    // Without a filter, or with nothing found, say which toolsets there are to search.
    if (words.is_empty() && toolset.is_none()) || total == 0 {
        let mut toolsets: BTreeMap<&str, usize> = BTreeMap::new();
        for def in &allowed {
            *toolsets.entry(def.spec.toolset).or_default() += 1;
        }
        result.insert("toolsets".into(), json!(toolsets));
    }
    CallToolResult::structured(Value::Object(result))
}

/// Lowercase query words, with a plural `s` dropped so "tags" finds `list_tags` and
/// "replies" finds `send_reply`.
fn keywords(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() >= 2) {
                format!("{stem}y")
            } else if w.len() > 3 && w.ends_with('s') && !["ss", "us", "is"].iter().any(|end| w.ends_with(end)) {
                w[..w.len() - 1].to_string()
            } else {
                w
            }
        })
        .collect()
}

/// (query words found, weighted score) of one tool.
fn relevance(def: &ToolDef, words: &[String]) -> (usize, usize) {
    let name = def.spec.name.replace('_', " ");
    let title = def.spec.title.to_lowercase();
    let description = def.spec.description.to_lowercase();
    let mut matched = 0;
    let mut score = 0;
    for word in words {
        let weight = if name.split(' ').any(|part| part == word) {
            6
        } else if name.contains(word.as_str()) {
            4
        } else if title.contains(word.as_str()) || def.spec.toolset.contains(word.as_str()) {
            2
        } else if description.contains(word.as_str()) {
            1
        } else {
            0
        };
        if weight > 0 {
            matched += 1;
            score += weight;
        }
    }
    (matched, score)
}

/// The first sentence of a description, at most ~160 characters.
fn one_line(description: &str) -> String {
    let first = description
        .split_once(". ")
        .map_or(description, |(sentence, _)| sentence)
        .trim_end_matches('.');
    if first.chars().count() <= 160 {
        return format!("{first}.");
    }
    let cut: String = first.chars().take(157).collect();
    format!("{}...", cut.trim_end())
}

fn describe_tool(registry: &Registry, policy: &Policy, name: &str) -> CallToolResult {
    let Some(def) = registry.get(name) else {
        return unknown_tool(name);
    };
    if let Err(hidden) = policy.decide(&def.spec) {
        return refusal(hidden.reason);
    }
    let mut value = match serde_json::to_value(def.to_tool()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    value.insert("toolset".into(), def.spec.toolset.into());
    value.insert("access".into(), def.spec.access.as_str().into());
    value.insert("callWith".into(), runner(def.spec.access).into());
    CallToolResult::structured(Value::Object(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_drop_plurals_but_keep_short_words() {
        assert_eq!(keywords("Tags, replies & drafts"), ["tag", "reply", "draft"]);
        assert_eq!(keywords("status of address"), ["status", "of", "address"]);
        assert_eq!(keywords("  "), Vec::<String>::new());
    }

    #[test]
    fn one_line_keeps_the_first_sentence() {
        assert_eq!(one_line("Get one tag. Then more."), "Get one tag.");
        assert_eq!(one_line("No period"), "No period.");
        let long = "word ".repeat(60);
        let line = one_line(&long);
        assert!(line.ends_with("...") && line.chars().count() <= 160, "{line}");
    }

    #[test]
    fn each_runner_carries_the_annotations_of_its_class() {
        for (access, read_only, destructive) in [
            (Access::Read, true, false),
            (Access::Write, false, false),
            (Access::Destructive, false, true),
        ] {
            let tool = Kind::Run(access).tool();
            let annotations = tool.annotations.unwrap_or_default();
            assert_eq!(annotations.read_only_hint, Some(read_only), "{}", tool.name);
            assert_eq!(annotations.destructive_hint, Some(destructive), "{}", tool.name);
        }
    }
}
