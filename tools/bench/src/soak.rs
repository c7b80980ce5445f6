//! `soak`: many calls over Streamable HTTP; errors and memory over time.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::mcp::{self, HttpSession};
use crate::proc::{self, mib, Bins};
use crate::setup::{self, Errors};
use crate::stats::{ms, Summary};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Tool calls in total.
    #[arg(long, default_value_t = 1_000_000)]
    pub calls: usize,
    /// Concurrent sessions.
    #[arg(long, default_value_t = 16)]
    pub sessions: usize,
    /// Print a line every this many calls.
    #[arg(long, default_value_t = 10_000)]
    pub report_every: usize,
    /// Stop after this long even if calls remain.
    #[arg(long)]
    pub max_seconds: Option<u64>,
    /// Each worker ends its session and opens a new one after this many calls (0: never),
    /// so session set-up and teardown are soaked too.
    #[arg(long, default_value_t = 10_000)]
    pub session_calls: usize,
    /// Serve `helpscout-mcp --sandbox http` itself. Its built-in fake allows 400 Inbox
    /// requests a minute, so the run is budget-bound; by default the server runs against
    /// a separate fake (same seed data) with a budget that never binds.
    #[arg(long)]
    pub sandbox: bool,
}

const BUDGET: u32 = 1_000_000_000;

struct Shared {
    next: AtomicUsize,
    completed: AtomicU64,
    /// Set when every worker is done: the reporter prints its last line and stops.
    finished: AtomicBool,
    errors: Mutex<Errors>,
    latencies: Mutex<Vec<Duration>>,
}

pub async fn run(bins: &Bins, args: &Args) -> Result<()> {
    let (fake, server, mcp_url) = if args.sandbox {
        let (server, url) = setup::start_http_server(bins, &["--sandbox"], Vec::new())?;
        (None, server, url)
    } else {
        let (fake, base) = setup::start_fake(bins, BUDGET)?;
        let (server, url) = setup::start_http_server(bins, &[], setup::server_env(&base, BUDGET))?;
        (Some(fake), server, url)
    };
    let mix = if args.sandbox {
        setup::read_mix
    } else {
        setup::inbox_read_mix
    };
    let server_pid = server.pid();
    let fake_pid = fake.as_ref().map(|f| f.pid());
    let client = reqwest::Client::builder()
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(120))
        .build()?;
    let deadline = args.max_seconds.map(|s| Instant::now() + Duration::from_secs(s));
    println!(
        "== soak: {} calls over Streamable HTTP, {} sessions{}, {}",
        args.calls,
        args.sessions,
        match args.session_calls {
            0 => String::new(),
            n => format!(" renewed every {n} calls"),
        },
        if args.sandbox {
            "helpscout-mcp --sandbox http (budget-bound)"
        } else {
            "server and seeded fake as separate processes"
        }
    );
    let rss0 = proc::status_kib(server_pid, "VmRSS")?;
    println!("server RSS at start: {}", mib(rss0));

    let shared = Arc::new(Shared {
        next: AtomicUsize::new(0),
        completed: AtomicU64::new(0),
        finished: AtomicBool::new(false),
        errors: Mutex::new(Errors::default()),
        latencies: Mutex::new(Vec::new()),
    });
    let started = Instant::now();
    let workers: Vec<_> = (0..args.sessions.max(1))
        .map(|_| {
            let shared = Arc::clone(&shared);
            let (client, url) = (client.clone(), mcp_url.clone());
            let (calls, session_calls) = (args.calls, args.session_calls);
            tokio::spawn(async move {
                let mut session = HttpSession::open(&client, &url).await?;
                let mut on_session = 0;
                loop {
                    let i = shared.next.fetch_add(1, Ordering::Relaxed);
                    if i >= calls || deadline.is_some_and(|d| Instant::now() >= d) {
                        break;
                    }
                    if session_calls > 0 && on_session == session_calls {
                        session.close().await?;
                        session = HttpSession::open(&client, &url).await?;
                        on_session = 0;
                    }
                    on_session += 1;
                    let (tool, arguments) = mix(i);
                    let t = Instant::now();
                    let reply = session.call_tool(tool, &arguments).await;
                    let took = t.elapsed();
                    match reply {
                        Ok(r) if !r.is_error => {}
                        Ok(r) => {
                            lock(&shared.errors).record(format!("{tool}: {}", mcp::clip(&r.text)), r.is_rate_limited())
                        }
                        Err(e) => lock(&shared.errors).record(format!("{tool}: {e:#}"), false),
                    }
                    lock(&shared.latencies).push(took);
                    shared.completed.fetch_add(1, Ordering::Relaxed);
                }
                session.close().await?;
                anyhow::Ok(())
            })
        })
        .collect();

    let reporter = {
        let shared = Arc::clone(&shared);
        let every = args.report_every.max(1) as u64;
        tokio::spawn(async move {
            let mut next_report = every;
            let mut last = (Instant::now(), 0u64);
            let mut rss = Vec::new();
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let done = shared.completed.load(Ordering::Relaxed);
                let finished = shared.finished.load(Ordering::Relaxed);
                if done < next_report && !finished {
                    continue;
                }
                if finished && done == last.1 {
                    return rss;
                }
                while next_report <= done {
                    next_report += every;
                }
                let now = Instant::now();
                let rate = (done - last.1) as f64 / now.duration_since(last.0).as_secs_f64();
                last = (now, done);
                let interval = std::mem::take(&mut *lock(&shared.latencies));
                let server = proc::status_kib(server_pid, "VmRSS").unwrap_or(0);
                rss.push(server);
                let fake = fake_pid
                    .and_then(|p| proc::status_kib(p, "VmRSS").ok())
                    .map(|k| format!(" fake RSS {}", mib(k)))
                    .unwrap_or_default();
                let (p50, p99) =
                    Summary::of(&interval).map_or((String::new(), String::new()), |s| (ms(s.p50), ms(s.p99)));
                let errors = lock(&shared.errors).count;
                println!(
                    "{done:>9} calls {:>7.1} s {rate:>7.0}/s p50 {p50} p99 {p99} errors {errors} server RSS {}{fake}",
                    started.elapsed().as_secs_f64(),
                    mib(server)
                );
                if finished {
                    return rss;
                }
            }
        })
    };

    let mut failure = None;
    for worker in futures::future::join_all(workers).await {
        if let Err(e) = worker.context("worker panicked").and_then(|r| r) {
            failure.get_or_insert(e);
        }
    }
    shared.finished.store(true, Ordering::Relaxed);
    let rss = reporter.await.unwrap_or_default();
    let elapsed = started.elapsed();
    let done = shared.completed.load(Ordering::Relaxed);
    let errors = std::mem::take(&mut *lock(&shared.errors));
    println!(
        "done: {done} calls in {:.1} s ({:.0}/s), tool or transport errors: {} (rate-limited: {})",
        elapsed.as_secs_f64(),
        done as f64 / elapsed.as_secs_f64(),
        errors.count,
        errors.rate_limited
    );
    errors.print();
    if let (Some(min), Some(max)) = (rss.iter().min(), rss.iter().max()) {
        println!(
            "server RSS over the run: first report {}, last {}, min {}, max {}; peak (VmHWM) {}",
            mib(rss.first().copied().unwrap_or(0)),
            mib(rss.last().copied().unwrap_or(0)),
            mib(*min),
            mib(*max),
            mib(proc::status_kib(server_pid, "VmHWM").unwrap_or(0))
        );
    }
    drop(server);
    drop(fake);
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
