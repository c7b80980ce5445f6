//! Benchmarks of helpscout-mcp. Each subcommand prints figures; none is a test.
//! See BENCHMARKS.md for the commands, what each measures, and the figures.
//!
//! `cargo run --release -p bench -- <cold-start|http-latency|rate-limit|soak|tokens>`
//!
//! Every server, fake and client runs on 127.0.0.1; every loop is bounded by a count
//! (and the soak and rate-limit runs by a time limit as well).

mod cold_start;
mod http_latency;
mod mcp;
mod proc;
mod rate_limit;
mod setup;
mod soak;
mod stats;
mod tokens;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "bench",
    about = "Benchmarks of helpscout-mcp (they print figures; see BENCHMARKS.md)"
)]
struct Cli {
    #[command(flatten)]
    bins: proc::BinArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// spawn → initialize → tools/list over stdio, and peak RSS after 1,000 calls.
    ColdStart(cold_start::Args),
    /// Latency the server adds over Streamable HTTP, with 64 concurrent sessions.
    HttpLatency(http_latency::Args),
    /// Budget use and 429s with more work than the per-minute budget allows.
    RateLimit(rate_limit::Args),
    /// Many calls over HTTP: errors and RSS over time (not for CI).
    Soak(soak::Args),
    /// o200k_base token counts of tools/list and of tool results vs raw Help Scout JSON.
    Tokens(tokens::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let bins = proc::prepare(&cli.bins)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match &cli.command {
        Command::ColdStart(args) => cold_start::run(&bins, args),
        Command::HttpLatency(args) => rt.block_on(http_latency::run(&bins, args)),
        Command::RateLimit(args) => rt.block_on(rate_limit::run(&bins, args)),
        Command::Soak(args) => rt.block_on(soak::run(&bins, args)),
        Command::Tokens(args) => tokens::run(&rt, &bins, args),
    }
}
