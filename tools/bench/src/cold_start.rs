//! `cold-start`: spawn → initialize → tools/list over stdio, and peak memory after a
//! long stdio session.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::mcp::StdioSession;
use crate::proc::{self, mib, Bins, Spawn};
use crate::setup::{self, Errors};
use crate::stats::{ms, Summary};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Measured start-ups per configuration.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Unmeasured start-ups first (page cache, CPU frequency).
    #[arg(long, default_value_t = 2)]
    pub warmup: usize,
    /// tools/call requests in the memory session.
    #[arg(long, default_value_t = 1000)]
    pub calls: usize,
}

const WAIT: Duration = Duration::from_secs(30);

struct Start {
    to_initialize: Duration,
    to_tools_list: Duration,
    tools: usize,
    hwm_kib: u64,
}

fn one_start(bins: &Bins, args: &[&str], env: &[(&str, &str)]) -> Result<Start> {
    let mut spawn = Spawn::new(&bins.server).args(args.iter().copied()).stdio();
    for (k, v) in env {
        spawn = spawn.env(k, *v);
    }
    let started = Instant::now();
    let mut session = StdioSession::new(spawn.start()?, WAIT);
    let initialized = session.initialize()?;
    let (listed, line) = session.list_tools()?;
    let hwm_kib = proc::status_kib(session.proc.pid(), "VmHWM")?;
    let tools = serde_json::from_str::<Value>(&line)?["result"]["tools"]
        .as_array()
        .map_or(0, Vec::len);
    session.close(WAIT)?;
    Ok(Start {
        to_initialize: initialized - started,
        to_tools_list: listed - started,
        tools,
        hwm_kib,
    })
}

fn start_times(bins: &Bins, args: &Args, label: &str, server_args: &[&str], env: &[(&str, &str)]) -> Result<()> {
    for _ in 0..args.warmup {
        one_start(bins, server_args, env).with_context(|| format!("{label}: warm-up start"))?;
    }
    let mut to_init = Vec::new();
    let mut to_list = Vec::new();
    let mut hwm = Vec::new();
    let mut tools = 0;
    for _ in 0..args.runs {
        let s = one_start(bins, server_args, env).with_context(|| format!("{label}: start"))?;
        to_init.push(s.to_initialize);
        to_list.push(s.to_tools_list);
        hwm.push(s.hwm_kib);
        tools = s.tools;
    }
    hwm.sort_unstable();
    println!("{label} ({tools} tools listed)");
    if let (Some(init), Some(list)) = (Summary::of(&to_init), Summary::of(&to_list)) {
        println!(
            "  spawn → initialize answered: median {} p90 {} min {}",
            ms(init.p50),
            ms(init.p90),
            ms(init.min)
        );
        println!(
            "  spawn → tools/list answered: median {} p90 {} min {}   (target ≤ 10 ms)",
            ms(list.p50),
            ms(list.p90),
            ms(list.min)
        );
    }
    if let Some(median) = hwm.get(hwm.len() / 2) {
        println!("  peak RSS after tools/list (VmHWM, median): {}", mib(*median));
    }
    Ok(())
}

/// One stdio session: initialize, tools/list, then `calls` reads; prints VmHWM.
fn memory_session(label: &str, spawn: Spawn<'_>, calls: usize) -> Result<()> {
    let mut session = StdioSession::new(spawn.stdio().start()?, WAIT);
    session.initialize()?;
    session.list_tools()?;
    let pid = session.proc.pid();
    let before = proc::status_kib(pid, "VmHWM")?;
    let mut errors = Errors::default();
    let mut latencies = Vec::with_capacity(calls);
    let started = Instant::now();
    for i in 0..calls {
        let (tool, arguments) = setup::read_mix(i);
        let t = Instant::now();
        let reply = session
            .call_tool(tool, &arguments)
            .with_context(|| format!("{label}: {tool}"))?;
        latencies.push(t.elapsed());
        if reply.is_error {
            errors.record(
                format!("{tool}: {}", crate::mcp::clip(&reply.text)),
                reply.is_rate_limited(),
            );
        }
    }
    let elapsed = started.elapsed();
    let hwm = proc::status_kib(pid, "VmHWM")?;
    let rss = proc::status_kib(pid, "VmRSS")?;
    session.close(WAIT)?;
    println!(
        "{label}: {calls} tools/call in one stdio session in {:.1} s",
        elapsed.as_secs_f64()
    );
    println!(
        "  peak RSS (VmHWM): {} after tools/list, {} after the calls (target ≤ 20 MiB); VmRSS at the end {}",
        mib(before),
        mib(hwm),
        mib(rss)
    );
    if let Some(s) = Summary::of(&latencies) {
        println!("  per call: {}", s.line());
    }
    println!("  tool errors: {}", errors.count);
    errors.print();
    Ok(())
}

pub fn run(bins: &Bins, args: &Args) -> Result<()> {
    println!(
        "== cold start: spawn → initialize → tools/list over stdio ({} runs, {} warm-up)",
        args.runs, args.warmup
    );
    start_times(
        bins,
        args,
        "--sandbox (in-process fake, full access)",
        &["--sandbox"],
        &[],
    )?;
    start_times(
        bins,
        args,
        "no sandbox, no credentials, defaults (read access)",
        &[],
        &[],
    )?;
    start_times(
        bins,
        args,
        "no sandbox, --access full --toolsets all + a Docs key (whole catalogue)",
        &["--access", "full", "--toolsets", "all"],
        &[("HELPSCOUT_DOCS_API_KEY", "bench-docs-key")],
    )?;

    println!();
    println!(
        "== memory: {} tools/call requests in one stdio session (3 in 10 Inbox, 7 in 10 Docs reads)",
        args.calls
    );
    memory_session(
        "--sandbox (RSS includes the in-process fake and its seed data)",
        Spawn::new(&bins.server).args(["--sandbox"]),
        args.calls,
    )?;
    let (_fake, base) = setup::start_fake(bins, 1_000_000)?;
    let mut spawn = Spawn::new(&bins.server);
    spawn.env = setup::server_env(&base, 1_000_000);
    memory_session(
        "no sandbox, against a separate fake process (server alone)",
        spawn,
        args.calls,
    )?;
    Ok(())
}
