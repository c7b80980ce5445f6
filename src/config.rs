//! Command line and environment, resolved once into validated settings.
//!
//! Secrets (app secret, tokens, Docs API key, MCP bearer token) are read from the
//! environment only, never from flags, so they do not show up in `ps` output.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use url::Url;

use crate::gateway::ToolMode;
use crate::helpscout::{ClientConfig, InboxAuth, Secret};
use crate::policy::{AccessLevel, Policy, Toolsets};
use crate::registry::schema::SchemaStyle;

#[derive(Debug, Parser)]
#[command(
    name = "helpscout-mcp",
    version,
    about = "MCP server for Help Scout: lets AI agents work a Help Scout account safely"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve MCP over stdin/stdout (the default).
    Stdio,
    /// Serve MCP over HTTP: Streamable HTTP at /mcp, legacy HTTP+SSE at /sse + /message.
    Http(HttpArgs),
    /// Print the tools the current policy exposes.
    Tools,
    /// Print the SHA-256 of a token read from stdin, for the `tokens` of a policy file.
    HashToken,
    /// Run one tool and print its result.
    Call {
        /// Tool name, e.g. list_conversations.
        tool: String,
        /// Arguments as a JSON object.
        #[arg(default_value = "{}")]
        arguments: String,
    },
}

#[derive(Debug, Args)]
pub struct HttpArgs {
    /// Address to listen on. A non-loopback address requires an auth token.
    #[arg(long, env = "HELPSCOUT_MCP_LISTEN", default_value = "127.0.0.1:8765")]
    pub listen: SocketAddr,
    /// Extra Host header values to accept (DNS-rebinding protection allows loopback names by default).
    #[arg(long, env = "HELPSCOUT_MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// Browser origins allowed to call the server (e.g. https://app.example.com).
    #[arg(long, env = "HELPSCOUT_MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// Bearer token clients must send (`Authorization: Bearer <token>`) on /mcp, /sse and /message.
    /// Prefer the HELPSCOUT_MCP_TOKEN environment variable: flags show up in `ps` output.
    #[arg(long, env = "HELPSCOUT_MCP_TOKEN", hide_env_values = true, value_parser = parse_auth_token)]
    pub auth_token: Option<Secret>,
    /// Most sessions open at once, per transport (Streamable HTTP sessions; legacy SSE
    /// streams). Past it, a new session gets 503; stateless requests are not counted.
    #[arg(long, env = "HELPSCOUT_MCP_MAX_SESSIONS", default_value_t = DEFAULT_MAX_SESSIONS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_sessions: u32,
}

/// Enough for a busy team's agents; a client that leaks sessions hits it long before
/// the process runs short of memory or file descriptors.
pub const DEFAULT_MAX_SESSIONS: u32 = 1000;

fn parse_auth_token(value: &str) -> Result<Secret, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("the token must not be empty (unset HELPSCOUT_MCP_TOKEN to run without one)".into());
    }
    Ok(Secret::new(value))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run against a built-in fake Help Scout with seeded data: no account needed.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// read: read tools only; write: adds write tools; full: adds destructive and customer-visible tools.
    /// Default read (full with --sandbox).
    #[arg(long, global = true, env = "HELPSCOUT_ACCESS", value_enum)]
    pub access: Option<AccessLevel>,
    /// Comma list of toolsets, or `all`.
    #[arg(
        long,
        global = true,
        env = "HELPSCOUT_TOOLSETS",
        default_value = "conversations,customers,mailboxes,users,tags,docs"
    )]
    pub toolsets: String,
    /// Extra tools to enable by name, comma separated (the access level still applies).
    #[arg(long, global = true, env = "HELPSCOUT_TOOLS", value_delimiter = ',')]
    pub tools: Vec<String>,
    /// Tools to hide by name, comma separated.
    #[arg(long, global = true, env = "HELPSCOUT_EXCLUDE_TOOLS", value_delimiter = ',')]
    pub exclude_tools: Vec<String>,
    /// Inbox API base URL (plain http only for loopback hosts).
    #[arg(long, global = true, env = "HELPSCOUT_API_BASE_URL", default_value = ClientConfig::DEFAULT_API_BASE_URL)]
    pub api_base_url: String,
    /// Docs API base URL (plain http only for loopback hosts).
    #[arg(long, global = true, env = "HELPSCOUT_DOCS_API_BASE_URL", default_value = ClientConfig::DEFAULT_DOCS_API_BASE_URL)]
    pub docs_api_base_url: String,
    /// Starting Inbox request budget per minute; re-synchronised from Help Scout's headers.
    #[arg(long, global = true, env = "HELPSCOUT_RATE_LIMIT_PER_MINUTE", default_value_t = 400)]
    pub rate_limit_per_minute: u32,
    /// Timeout for one HTTP request to Help Scout, in seconds.
    #[arg(long, global = true, env = "HELPSCOUT_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Policy file (TOML) with named profiles; replaces --access/--toolsets/--tools/--exclude-tools.
    #[arg(long, global = true, env = "HELPSCOUT_POLICY")]
    pub policy: Option<std::path::PathBuf>,
    /// Profile of the policy file for stdio, `tools` and `call` (default: the file's default_profile).
    #[arg(long, global = true, env = "HELPSCOUT_PROFILE")]
    pub profile: Option<String>,
    /// `tools`: list every tool the policy allows. `gateway`: list five tools that find,
    /// describe and run them (a small tools/list for hosts with many servers).
    #[arg(
        long,
        global = true,
        env = "HELPSCOUT_TOOL_MODE",
        value_enum,
        default_value = "tools"
    )]
    pub tool_mode: ToolMode,
    /// `lean`: optional arguments are simply not required (fewest tokens; Claude,
    /// Gemini, OpenAI non-strict). `strict`: the form OpenAI strict mode demands (every
    /// argument required, optional ones nullable); for hosts that pass schemas on with
    /// strict: true.
    #[arg(
        long,
        global = true,
        env = "HELPSCOUT_SCHEMA_STYLE",
        value_enum,
        default_value = "lean"
    )]
    pub schema_style: SchemaStyle,
    /// Append one JSON line per tool call to this file.
    #[arg(long, global = true, env = "HELPSCOUT_AUDIT_LOG")]
    pub audit_log: Option<std::path::PathBuf>,
    /// Log format on stderr.
    #[arg(
        long,
        global = true,
        env = "HELPSCOUT_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

/// Credentials and other secrets, from the environment.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub app_id: Option<String>,
    pub app_secret: Option<Secret>,
    pub access_token: Option<Secret>,
    pub docs_api_key: Option<Secret>,
    pub mcp_token: Option<Secret>,
}

impl Secrets {
    pub fn from_env() -> Self {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
        };
        Self {
            app_id: var(&["HELPSCOUT_APP_ID", "HELPSCOUT_CLIENT_ID"]),
            app_secret: var(&["HELPSCOUT_APP_SECRET", "HELPSCOUT_CLIENT_SECRET"]).map(Secret::new),
            access_token: var(&["HELPSCOUT_ACCESS_TOKEN"]).map(Secret::new),
            docs_api_key: var(&["HELPSCOUT_DOCS_API_KEY"]).map(Secret::new),
            mcp_token: var(&["HELPSCOUT_MCP_TOKEN"]).map(Secret::new),
        }
    }
}

/// Validated settings for one process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub client: ClientConfig,
    pub policy: Policy,
}

impl Settings {
    pub fn resolve(global: &GlobalArgs, secrets: &Secrets) -> Result<Self, String> {
        let api_base_url = parse_base_url("HELPSCOUT_API_BASE_URL", &global.api_base_url)?;
        let docs_api_base_url = parse_base_url("HELPSCOUT_DOCS_API_BASE_URL", &global.docs_api_base_url)?;
        let inbox_auth = match (&secrets.app_id, &secrets.app_secret, &secrets.access_token) {
            (Some(app_id), Some(app_secret), _) => Some(InboxAuth::ClientCredentials {
                app_id: app_id.clone(),
                app_secret: app_secret.clone(),
            }),
            (_, _, Some(token)) => Some(InboxAuth::StaticToken(token.clone())),
            (Some(_), None, None) => return Err("HELPSCOUT_APP_ID is set but HELPSCOUT_APP_SECRET is not".into()),
            (None, Some(_), None) => return Err("HELPSCOUT_APP_SECRET is set but HELPSCOUT_APP_ID is not".into()),
            (None, None, None) => None,
        };
        if global.rate_limit_per_minute == 0 {
            return Err("HELPSCOUT_RATE_LIMIT_PER_MINUTE must be at least 1".into());
        }
        if global.request_timeout_secs == 0 {
            return Err("HELPSCOUT_REQUEST_TIMEOUT_SECS must be at least 1".into());
        }
        let client = ClientConfig {
            api_base_url,
            docs_api_base_url,
            inbox_auth,
            docs_api_key: secrets.docs_api_key.clone(),
            rate_limit_per_minute: global.rate_limit_per_minute,
            request_timeout: Duration::from_secs(global.request_timeout_secs),
            max_retries: 3,
        };
        let access = global.access.unwrap_or(if global.sandbox {
            AccessLevel::Full
        } else {
            AccessLevel::Read
        });
        let policy = Policy {
            access,
            toolsets: Toolsets::parse(&global.toolsets).map_err(|e| format!("--toolsets: {e}"))?,
            extra_tools: names(&global.tools),
            excluded_tools: names(&global.exclude_tools),
            docs_available: client.docs_api_key.is_some(),
            ..Policy::default()
        };
        Ok(Self { client, policy })
    }
}

fn names(list: &[String]) -> BTreeSet<String> {
    list.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses a base URL; plain http is accepted only for loopback hosts, so that a typo
/// cannot send credentials in clear text across a network.
pub fn parse_base_url(name: &str, value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|e| format!("{name}: `{value}` is not a valid URL ({e})"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        "http" => Err(format!(
            "{name}: plain http is only allowed for loopback hosts; use https"
        )),
        other => Err(format!("{name}: unsupported scheme `{other}`; expected https")),
    }
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_only_for_loopback() {
        assert!(parse_base_url("X", "http://127.0.0.1:9000").is_ok());
        assert!(parse_base_url("X", "http://localhost:9000").is_ok());
        assert!(parse_base_url("X", "http://[::1]:9000").is_ok());
        assert!(parse_base_url("X", "https://api.helpscout.net").is_ok());
        let err = parse_base_url("HELPSCOUT_API_BASE_URL", "http://api.helpscout.net").unwrap_err();
        assert!(
            err.contains("HELPSCOUT_API_BASE_URL") && err.contains("loopback"),
            "{err}"
        );
        assert!(parse_base_url("X", "ftp://x").is_err());
    }

    #[test]
    fn sandbox_defaults_to_full_access_unless_told() {
        let cli = Cli::parse_from(["helpscout-mcp", "--sandbox"]);
        let settings = Settings::resolve(&cli.global, &Secrets::default()).unwrap();
        assert_eq!(settings.policy.access, AccessLevel::Full);
        let cli = Cli::parse_from(["helpscout-mcp", "--sandbox", "--access", "read"]);
        assert_eq!(
            Settings::resolve(&cli.global, &Secrets::default())
                .unwrap()
                .policy
                .access,
            AccessLevel::Read
        );
        let cli = Cli::parse_from(["helpscout-mcp"]);
        assert_eq!(
            Settings::resolve(&cli.global, &Secrets::default())
                .unwrap()
                .policy
                .access,
            AccessLevel::Read
        );
    }

    #[test]
    fn tool_mode_defaults_to_tools_and_takes_gateway() {
        assert_eq!(Cli::parse_from(["helpscout-mcp"]).global.tool_mode, ToolMode::Tools);
        let cli = Cli::parse_from(["helpscout-mcp", "http", "--tool-mode", "gateway"]);
        assert_eq!(cli.global.tool_mode, ToolMode::Gateway);
        assert!(Cli::try_parse_from(["helpscout-mcp", "--tool-mode", "all"]).is_err());
    }

    #[test]
    fn schema_style_defaults_to_lean_and_takes_strict() {
        assert_eq!(
            Cli::parse_from(["helpscout-mcp"]).global.schema_style,
            SchemaStyle::Lean
        );
        let cli = Cli::parse_from(["helpscout-mcp", "--schema-style", "strict", "stdio"]);
        assert_eq!(cli.global.schema_style, SchemaStyle::Strict);
        assert!(Cli::try_parse_from(["helpscout-mcp", "--schema-style", "loose"]).is_err());
    }

    #[test]
    fn half_configured_credentials_are_an_error() {
        let cli = Cli::parse_from(["helpscout-mcp"]);
        let secrets = Secrets {
            app_id: Some("id".into()),
            ..Secrets::default()
        };
        assert!(Settings::resolve(&cli.global, &secrets)
            .unwrap_err()
            .contains("HELPSCOUT_APP_SECRET"));
    }
}
