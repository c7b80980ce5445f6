use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use helpscout_mcp::audit::AuditLog;
use helpscout_mcp::config::{Cli, Command, LogFormat, Secrets, Settings};
use helpscout_mcp::helpscout::HelpScoutClient;
use helpscout_mcp::policy::file::PolicyFile;
use helpscout_mcp::registry::Registry;
use helpscout_mcp::server::{HelpScoutServer, ServerState};
use helpscout_mcp::transport;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.log_format);
    // HTTP serves many sessions at once and gets a worker per core. Everything else
    // (stdio, `tools`, `call`) serves one client: one thread answers it just as fast,
    // starts sooner and keeps one malloc arena instead of one per worker.
    let mut builder = if matches!(cli.command, Some(Command::Http(_))) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("helpscout-mcp: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("helpscout-mcp: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let mut secrets = Secrets::from_env();
    let mut global = cli.global;
    // Keep the fake alive for the whole run: dropping it stops it.
    #[cfg(feature = "sandbox")]
    let _sandbox = if global.sandbox {
        Some(helpscout_mcp::sandbox::start(&mut global, &mut secrets).await?)
    } else {
        None
    };
    #[cfg(not(feature = "sandbox"))]
    if global.sandbox {
        return Err("this build has no sandbox (built without the `sandbox` feature)".into());
    }
    let command = cli.command.unwrap_or(Command::Stdio);
    if let Command::HashToken = command {
        return helpscout_mcp::cli::hash_token_from_stdin();
    }
    let settings = Settings::resolve(&global, &secrets)?;
    let client = HelpScoutClient::new(settings.client.clone()).map_err(|e| e.to_string())?;
    let registry = Registry::builtin();
    let (policy, profile_tokens) = match &global.policy {
        None => (settings.policy.clone(), Vec::new()),
        Some(path) => {
            let file = PolicyFile::load(path, &registry, settings.policy.docs_available)?;
            let serving_http = matches!(command, Command::Http(_));
            let default = helpscout_mcp::cli::select_profile(&file, global.profile.as_deref(), serving_http)?;
            (default, file.tokens)
        }
    };
    let mut state = ServerState::new(registry, policy, client)
        .with_tool_mode(global.tool_mode)
        .with_schema_style(global.schema_style);
    if let Some(path) = &global.audit_log {
        state = state.with_audit(AuditLog::open(path)?);
    }
    let server = HelpScoutServer::new(Arc::new(state));
    match command {
        Command::Stdio => transport::stdio::serve(server).await,
        Command::HashToken => helpscout_mcp::cli::hash_token_from_stdin(),
        Command::Http(args) => {
            let mut options = transport::http::HttpOptions::from_args(&args, secrets.mcp_token.clone());
            options.profile_tokens = profile_tokens;
            transport::http::serve(server, options).await
        }
        Command::Tools => {
            helpscout_mcp::cli::print_tools(&server);
            Ok(())
        }
        Command::Call { tool, arguments } => helpscout_mcp::cli::call(&server, &tool, &arguments).await,
    }
}
