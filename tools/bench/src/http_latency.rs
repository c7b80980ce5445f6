//! `http-latency`: what the server adds to a cheap read over Streamable HTTP, compared
//! with the same Help Scout request sent to the fake directly.

use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fake_helpscout::ids;
use serde_json::{json, Value};

use crate::mcp::{self, HttpSession};
use crate::proc::{self, mib, Bins};
use crate::setup;
use crate::stats::{diff_ms, Summary};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Concurrent Streamable HTTP sessions (and concurrent direct requests).
    #[arg(long, default_value_t = 64)]
    pub sessions: usize,
    /// Calls per session per round under load.
    #[arg(long, default_value_t = 200)]
    pub calls_per_session: usize,
    /// Rounds under load (direct, then through the server, each round).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// One-at-a-time calls (no queueing), direct and through the server.
    #[arg(long, default_value_t = 2000)]
    pub sequential_calls: usize,
    /// Unmeasured calls per session before measuring.
    #[arg(long, default_value_t = 20)]
    pub warmup_calls: usize,
    /// Total calls per second of the paced phase: the same sessions, each calling at a
    /// steady pace instead of back to back, so the machine is not saturated (0: skip).
    #[arg(long, default_value_t = 1000)]
    pub paced_rate: u32,
    /// Calls per session in the paced phase.
    #[arg(long, default_value_t = 100)]
    pub paced_calls_per_session: usize,
    /// RUST_LOG for the server (default: unset, i.e. the product's default, info).
    #[arg(long)]
    pub server_log: Option<String>,
}

const TOOL: &str = "get_mailbox";
const BUDGET: u32 = 1_000_000;

fn arguments() -> Value {
    json!({"mailbox_id": ids::SUPPORT_MAILBOX_ID})
}

/// The request get_mailbox makes, sent to the fake directly.
#[derive(Clone)]
struct Direct {
    client: reqwest::Client,
    url: String,
    auth: String,
}

impl Direct {
    async fn call(&self) -> Result<()> {
        let response = self
            .client
            .get(&self.url)
            .header("authorization", &self.auth)
            .send()
            .await?;
        let status = response.status();
        response.bytes().await?;
        if !status.is_success() {
            bail!("direct GET answered HTTP {status}");
        }
        Ok(())
    }
}

struct Phase {
    latencies: Vec<Duration>,
    elapsed: Duration,
    errors: u64,
}

impl Phase {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// Back to back (`period` None), or one call per `period` per worker, the workers'
/// start times spread evenly over one period.
fn pacer(period: Option<Duration>, worker: usize, workers: usize) -> Option<tokio::time::Interval> {
    let period = period?;
    let offset = period.mul_f64(worker as f64 / workers.max(1) as f64);
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    Some(interval)
}

async fn direct_phase(direct: &Direct, workers: usize, calls: usize, period: Option<Duration>) -> Result<Phase> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let direct = direct.clone();
            let mut pace = pacer(period, w, workers);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(calls);
                for _ in 0..calls {
                    if let Some(pace) = pace.as_mut() {
                        pace.tick().await;
                    }
                    let t = Instant::now();
                    direct.call().await?;
                    latencies.push(t.elapsed());
                }
                anyhow::Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(workers * calls);
    for task in futures::future::join_all(tasks).await {
        latencies.extend(task??);
    }
    Ok(Phase {
        latencies,
        elapsed: started.elapsed(),
        errors: 0,
    })
}

async fn server_phase(
    sessions: Vec<HttpSession>,
    calls: usize,
    period: Option<Duration>,
) -> Result<(Vec<HttpSession>, Phase)> {
    let started = Instant::now();
    let workers = sessions.len();
    let tasks: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(w, mut session)| {
            let mut pace = pacer(period, w, workers);
            tokio::spawn(async move {
                let arguments = arguments();
                let mut latencies = Vec::with_capacity(calls);
                let mut errors = 0u64;
                for _ in 0..calls {
                    if let Some(pace) = pace.as_mut() {
                        pace.tick().await;
                    }
                    let t = Instant::now();
                    let reply = session.call_tool(TOOL, &arguments).await?;
                    latencies.push(t.elapsed());
                    if reply.is_error {
                        errors += 1;
                        if errors == 1 {
                            eprintln!("tool error: {}", mcp::clip(&reply.text));
                        }
                    }
                }
                anyhow::Ok((session, latencies, errors))
            })
        })
        .collect();
    let mut sessions = Vec::new();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in futures::future::join_all(tasks).await {
        let (session, l, e) = task??;
        sessions.push(session);
        latencies.extend(l);
        errors += e;
    }
    let phase = Phase {
        latencies,
        elapsed: started.elapsed(),
        errors,
    };
    Ok((sessions, phase))
}

fn report(label: &str, direct: &Phase, server: &Phase, server_cpu: Option<Duration>) {
    let (Some(d), Some(s)) = (Summary::of(&direct.latencies), Summary::of(&server.latencies)) else {
        return;
    };
    println!("{label}");
    println!(
        "  direct to the fake:   {}  ({:.0} req/s)",
        d.line(),
        direct.per_second()
    );
    println!(
        "  through the server:   {}  ({:.0} calls/s)",
        s.line(),
        server.per_second()
    );
    println!(
        "  added by the server:  p50 {:+.3} ms (target ≤ 0.5)  p99 {:+.3} ms (target ≤ 2)",
        diff_ms(s.p50, d.p50),
        diff_ms(s.p99, d.p99)
    );
    if let Some(cpu) = server_cpu {
        let per_call = cpu.as_secs_f64() * 1e6 / server.latencies.len() as f64;
        println!("  server CPU per call:  {per_call:.0} µs (user+system, /proc)");
    }
    if server.errors > 0 {
        println!("  tool errors: {}", server.errors);
    }
}

pub async fn run(bins: &Bins, args: &Args) -> Result<()> {
    let (_fake, base) = setup::start_fake(bins, BUDGET)?;
    let mut env = setup::server_env(&base, BUDGET);
    if let Some(filter) = &args.server_log {
        // The `listening on` line (info, in the http transport) must get through whatever the filter.
        env.push((
            "RUST_LOG".into(),
            format!("{filter},helpscout_mcp::transport::http=info"),
        ));
    }
    let (server, mcp_url) = setup::start_http_server(bins, &[], env)?;
    let pid = server.pid();
    let client = reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(4 * args.sessions)
        .timeout(Duration::from_secs(30))
        .build()?;
    let token = setup::fetch_token(&client, &base).await?;
    let direct = Direct {
        client: client.clone(),
        url: format!("{base}/v2/mailboxes/{}", ids::SUPPORT_MAILBOX_ID),
        auth: format!("Bearer {token}"),
    };
    direct.call().await.context("direct request")?;

    let rss_start = proc::status_kib(pid, "VmRSS")?;
    let opened = futures::future::join_all((0..args.sessions).map(|_| HttpSession::open(&client, &mcp_url))).await;
    let mut sessions = opened
        .into_iter()
        .collect::<Result<Vec<_>>>()
        .context("opening sessions")?;
    let rss_open = proc::status_kib(pid, "VmRSS")?;
    let first = sessions.first_mut().context("--sessions must be at least 1")?;
    let probe = first.call_tool(TOOL, &arguments()).await?;
    if probe.is_error {
        bail!("{TOOL} failed: {}", probe.text);
    }
    println!(
        "== http-latency: {TOOL} over Streamable HTTP vs GET /v2/mailboxes/{} sent to the fake directly",
        ids::SUPPORT_MAILBOX_ID
    );
    println!(
        "   release server and fake as separate processes on 127.0.0.1; server RUST_LOG {}",
        args.server_log.as_deref().unwrap_or("unset (info)")
    );

    // Warm-up: connection pools, allocator, the server's token cache.
    direct_phase(&direct, args.sessions, args.warmup_calls, None).await?;
    let (warm, _) = server_phase(sessions, args.warmup_calls, None).await?;
    sessions = warm;
    let rss_warm = proc::status_kib(pid, "VmRSS")?;

    // One at a time: the server's own latency, without queueing behind other calls.
    let seq_direct = direct_phase(&direct, 1, args.sequential_calls, None).await?;
    let mut one = sessions.split_off(1);
    std::mem::swap(&mut one, &mut sessions);
    let cpu0 = proc::cpu_time(pid)?;
    let (one, seq_server) = server_phase(one, args.sequential_calls, None).await?;
    let cpu1 = proc::cpu_time(pid)?;
    sessions.extend(one);
    report(
        &format!("sequential, 1 session, {} calls", args.sequential_calls),
        &seq_direct,
        &seq_server,
        Some(cpu1.saturating_sub(cpu0)),
    );

    if args.paced_rate > 0 {
        // Each session calls once per period: sessions / rate seconds.
        let period = Duration::from_secs_f64(args.sessions as f64 / f64::from(args.paced_rate));
        let d = direct_phase(&direct, args.sessions, args.paced_calls_per_session, Some(period)).await?;
        let cpu0 = proc::cpu_time(pid)?;
        let (back, s) = server_phase(sessions, args.paced_calls_per_session, Some(period)).await?;
        let cpu = proc::cpu_time(pid)?.saturating_sub(cpu0);
        sessions = back;
        report(
            &format!(
                "paced: {} sessions, {} calls/s in total, {} calls each",
                args.sessions, args.paced_rate, args.paced_calls_per_session
            ),
            &d,
            &s,
            Some(cpu),
        );
    }

    let mut all_direct = Vec::new();
    let mut all_server = Vec::new();
    let mut rss_after_rounds = Vec::new();
    let mut server_cpu = Duration::ZERO;
    let (mut direct_time, mut server_time) = (Duration::ZERO, Duration::ZERO);
    let mut errors = 0;
    for round in 1..=args.rounds {
        let d = direct_phase(&direct, args.sessions, args.calls_per_session, None).await?;
        let cpu0 = proc::cpu_time(pid)?;
        let (back, s) = server_phase(sessions, args.calls_per_session, None).await?;
        let cpu = proc::cpu_time(pid)?.saturating_sub(cpu0);
        sessions = back;
        let rss = proc::status_kib(pid, "VmRSS")?;
        report(
            &format!(
                "round {round}: {} concurrent sessions × {} calls",
                args.sessions, args.calls_per_session
            ),
            &d,
            &s,
            Some(cpu),
        );
        println!("  server RSS after the round: {}", mib(rss));
        rss_after_rounds.push(rss);
        server_cpu += cpu;
        direct_time += d.elapsed;
        server_time += s.elapsed;
        errors += s.errors;
        all_direct.extend(d.latencies);
        all_server.extend(s.latencies);
    }
    let pooled_direct = Phase {
        latencies: all_direct,
        elapsed: direct_time,
        errors: 0,
    };
    let pooled_server = Phase {
        latencies: all_server,
        elapsed: server_time,
        errors,
    };
    report(
        &format!(
            "all {} rounds pooled, {} concurrent sessions",
            args.rounds, args.sessions
        ),
        &pooled_direct,
        &pooled_server,
        Some(server_cpu),
    );
    for session in sessions {
        session.close().await?;
    }
    let rss_closed = proc::status_kib(pid, "VmRSS")?;
    let hwm = proc::status_kib(pid, "VmHWM")?;
    let rounds: Vec<String> = rss_after_rounds.iter().map(|k| mib(*k)).collect();
    println!(
        "server RSS: {} at start, {} with {} sessions open, {} after warm-up, after each round {}, {} after closing the sessions; peak {}",
        mib(rss_start),
        mib(rss_open),
        args.sessions,
        mib(rss_warm),
        rounds.join(", "),
        mib(rss_closed),
        mib(hwm)
    );
    Ok(())
}
