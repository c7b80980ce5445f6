//! `rate-limit`: more work than the per-minute budget allows, from several sessions;
//! how much of the budget the server uses and whether any 429 reaches the client.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fake_helpscout::{ids, FakeConfig, FakeHelpScout};
use serde_json::{json, Value};

use crate::mcp::{self, HttpSession};
use crate::proc::Bins;
use crate::setup::{self, Errors};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Requests per minute allowed by the fake and configured in the server (writes cost 2).
    #[arg(long, default_value_t = 120)]
    pub budget: u32,
    /// Tool calls to make (default: 3 × budget).
    #[arg(long)]
    pub calls: Option<usize>,
    /// Concurrent Streamable HTTP sessions sharing the work.
    #[arg(long, default_value_t = 6)]
    pub sessions: usize,
    /// Every Nth call is a write (create_note or update_conversation_status).
    #[arg(long, default_value_t = 3)]
    pub write_every: usize,
    /// Give up after this long.
    #[arg(long, default_value_t = 900)]
    pub max_seconds: u64,
}

/// Help Scout's (and the fake's) window; it cannot be shortened.
const WINDOW: Duration = Duration::from_secs(60);

/// Call `i`: a write every `write_every` calls, reads otherwise; returns its cost in
/// budget units (one request each: reads cost 1, writes 2).
fn call(i: usize, write_every: usize) -> (&'static str, Value, u32) {
    let conversation = ids::FIRST_CONVERSATION_ID + (i as u64 % 60);
    if write_every > 0 && i % write_every == write_every - 1 {
        if (i / write_every).is_multiple_of(2) {
            let text = format!("Rate-limit benchmark note {i}");
            ("create_note", json!({"conversation_id": conversation, "text": text}), 2)
        } else {
            let status = if (i / write_every) % 4 == 1 {
                "pending"
            } else {
                "active"
            };
            (
                "update_conversation_status",
                json!({"conversation_id": conversation, "status": status}),
                2,
            )
        }
    } else {
        match i % 3 {
            0 => ("get_conversation", json!({"conversation_id": conversation}), 1),
            1 => ("list_conversations", json!({"status": "all"}), 1),
            _ => ("get_mailbox", json!({"mailbox_id": ids::SUPPORT_MAILBOX_ID}), 1),
        }
    }
}

struct Done {
    at: Duration,
    cost: u32,
    ok: bool,
}

pub async fn run(bins: &Bins, args: &Args) -> Result<()> {
    let budget = args.budget.max(1);
    let total = args.calls.unwrap_or(3 * budget as usize);
    let fake = FakeHelpScout::start(FakeConfig {
        rate_limit_per_minute: budget,
        ..FakeConfig::default()
    })
    .await?;
    let (_server, mcp_url) = setup::start_http_server(
        bins,
        &["--access", "write"],
        setup::server_env(&fake.base_url(), budget),
    )?;
    let client = reqwest::Client::builder()
        .tcp_nodelay(true)
        // A call may wait for budget up to a whole window (the server's own cap is 60 s).
        .timeout(Duration::from_secs(180))
        .build()?;
    let opened =
        futures::future::join_all((0..args.sessions.max(1)).map(|_| HttpSession::open(&client, &mcp_url))).await;
    let sessions = opened
        .into_iter()
        .collect::<Result<Vec<_>>>()
        .context("opening sessions")?;
    let planned: u32 = (0..total).map(|i| call(i, args.write_every).2).sum();
    println!(
        "== rate-limit: budget {budget}/min in the fake and the server; {total} calls ({} units: reads 1, writes 2) from {} sessions",
        planned,
        sessions.len()
    );
    println!(
        "   the window is Help Scout's fixed minute, so this takes about {} min",
        planned.div_ceil(budget).saturating_sub(1)
    );

    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let errors = Arc::new(Mutex::new(Errors::default()));
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let started = Instant::now();
    let tasks: Vec<_> = sessions
        .into_iter()
        .map(|mut session| {
            let (next, done, errors) = (Arc::clone(&next), Arc::clone(&done), Arc::clone(&errors));
            let write_every = args.write_every;
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total || Instant::now() >= deadline {
                        break;
                    }
                    let (tool, arguments, cost) = call(i, write_every);
                    let reply = session.call_tool(tool, &arguments).await;
                    let at = started.elapsed();
                    let ok = match reply {
                        Ok(r) if !r.is_error => true,
                        Ok(r) => {
                            let what = format!("{tool}: {}", mcp::clip(&r.text));
                            lock(&errors).record(what, r.is_rate_limited());
                            false
                        }
                        Err(e) => {
                            lock(&errors).record(format!("{tool}: {e:#}"), false);
                            false
                        }
                    };
                    lock(&done).push(Done { at, cost, ok });
                }
                let _ = session.close().await;
            })
        })
        .collect();
    for task in futures::future::join_all(tasks).await {
        task?;
    }
    let elapsed = started.elapsed();
    let done = std::mem::take(&mut *lock(&done));
    let errors = std::mem::take(&mut *lock(&errors));
    if done.len() < total {
        println!("stopped at --max-seconds: {} of {total} calls done", done.len());
    }

    // Units completed per window of the client's clock, from the first call.
    let windows = (elapsed.as_secs_f64() / WINDOW.as_secs_f64()).ceil().max(1.0) as usize;
    let mut units = vec![0u32; windows];
    for d in done.iter().filter(|d| d.ok) {
        let w = ((d.at.as_secs_f64() / WINDOW.as_secs_f64()) as usize).min(windows - 1);
        units[w] += d.cost;
    }
    let used: u32 = units.iter().sum();
    println!(
        "elapsed {:.1} s; units completed per minute window: {:?}",
        elapsed.as_secs_f64(),
        units
    );
    // Every window but the last had more work waiting than the budget allowed: there
    // the server should use (nearly) the whole budget. The last one runs out of work.
    let full = &units[..windows - 1];
    if full.is_empty() {
        println!("all work fit in one window: raise --calls to measure the achieved rate");
    } else {
        let rate = full.iter().sum::<u32>() as f64 / full.len() as f64;
        println!(
            "achieved rate in the {} saturated windows: {rate:.1} units/min of {budget} allowed = {:.1}% (target ≥ 97%)",
            full.len(),
            100.0 * rate / budget as f64
        );
    }
    let ideal = planned.div_ceil(budget).saturating_sub(1) as f64 * WINDOW.as_secs_f64();
    println!(
        "total: {used} units in {:.1} s (a client that never wastes budget needs just over {ideal:.0} s)",
        elapsed.as_secs_f64()
    );

    let requests = fake.requests();
    let upstream_429 = requests.iter().filter(|r| r.status == 429).count();
    let charged: u32 = requests
        .iter()
        .filter(|r| r.status != 429 && r.status != 0 && r.path != "/v2/oauth2/token" && !r.path.starts_with("/v1/"))
        .map(|r| if r.method == "GET" { 1 } else { 2 })
        .sum();
    println!(
        "requests the fake received: {} ({charged} units charged); 429s the fake sent: {upstream_429}",
        requests.len()
    );
    println!(
        "429s / rate-limit errors that reached the client: {} (target 0); other tool errors: {}",
        errors.rate_limited,
        errors.count - errors.rate_limited
    );
    errors.print();
    fake.shutdown().await;
    if done.is_empty() {
        bail!("no call completed");
    }
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
