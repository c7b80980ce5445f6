//! `tokens`: o200k_base token counts of what the server sends: tools/list per policy,
//! and representative tool results next to the raw Help Scout JSON for the same data.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use fake_helpscout::{ids, FakeConfig, FakeHelpScout};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use tiktoken_rs::CoreBPE;

use crate::mcp::StdioSession;
use crate::proc::{Bins, Spawn};
use crate::setup;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many of the heaviest tools to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

const WAIT: Duration = Duration::from_secs(30);
const DOCS_KEY: &str = "bench-docs-key";

struct Tokenizer(CoreBPE);

impl Tokenizer {
    fn new() -> Result<Tokenizer> {
        // The BPE ranks are compiled into tiktoken-rs: nothing is downloaded.
        let bpe = tiktoken_rs::o200k_base().map_err(|e| anyhow!("cannot load o200k_base: {e}"))?;
        let tokenizer = Tokenizer(bpe);
        let probe = tokenizer.count("hello world");
        if probe != 2 {
            bail!("o200k_base counts {probe} tokens in \"hello world\"; expected 2");
        }
        Ok(tokenizer)
    }

    fn count(&self, text: &str) -> usize {
        self.0.encode_ordinary(text).len()
    }
}

#[derive(Deserialize)]
struct ListMessage<'a> {
    #[serde(borrow)]
    result: ListResult<'a>,
}

#[derive(Deserialize)]
struct ListResult<'a> {
    #[serde(borrow)]
    tools: Vec<&'a RawValue>,
}

struct ToolCost {
    name: String,
    tokens: usize,
    bytes: usize,
    description_tokens: usize,
}

fn stdio_session(bins: &Bins, args: &[&str], env: Vec<(String, String)>) -> Result<StdioSession> {
    let mut spawn = Spawn::new(&bins.server).args(args.iter().copied()).stdio();
    spawn.env = env;
    let mut session = StdioSession::new(spawn.start()?, WAIT);
    session.initialize()?;
    Ok(session)
}

fn tools_list(
    tok: &Tokenizer,
    bins: &Bins,
    label: &str,
    args: &[&str],
    env: Vec<(String, String)>,
    top: usize,
) -> Result<()> {
    let mut session = stdio_session(bins, args, env)?;
    let (_, line) = session.list_tools()?;
    session.close(WAIT)?;
    let line = line.trim();
    let message: ListMessage<'_> = serde_json::from_str(line).context("parsing tools/list")?;
    let mut costs = Vec::new();
    for raw in &message.result.tools {
        let tool: Value = serde_json::from_str(raw.get())?;
        costs.push(ToolCost {
            name: tool["name"].as_str().unwrap_or("?").to_string(),
            tokens: tok.count(raw.get()),
            bytes: raw.get().len(),
            description_tokens: tool["description"].as_str().map_or(0, |d| tok.count(d)),
        });
    }
    let total = tok.count(line);
    println!("{label}: {} tools", costs.len());
    println!("  whole tools/list response: {total} tokens, {} bytes", line.len());
    if costs.is_empty() {
        return Ok(());
    }
    let sum: usize = costs.iter().map(|c| c.tokens).sum();
    costs.sort_by(|a, b| b.tokens.cmp(&a.tokens).then_with(|| a.name.cmp(&b.name)));
    let mean = sum as f64 / costs.len() as f64;
    let median = costs[costs.len() / 2].tokens;
    println!(
        "  per tool: mean {mean:.0}, median {median}, max {} ({}), min {}",
        costs[0].tokens,
        costs[0].name,
        costs[costs.len() - 1].tokens
    );
    if top > 0 && costs.len() > top {
        println!("  heaviest {top} (tokens / of which description / bytes):");
        for c in costs.iter().take(top) {
            println!(
                "    {:<40} {:>5} / {:>4} / {:>6}",
                c.name, c.tokens, c.description_tokens, c.bytes
            );
        }
    }
    Ok(())
}

/// Authorization for a raw request to the fake: Basic with the Docs key for the Docs
/// API (`/v1`), Bearer for everything else.
fn raw_auth(path: &str, bearer: &str) -> String {
    if path.starts_with("/v1/") {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:X", fake_helpscout::DOCS_API_KEY));
        format!("Basic {basic}")
    } else {
        format!("Bearer {bearer}")
    }
}

async fn raw_get(client: &reqwest::Client, base: &str, path_and_query: &str, bearer: &str) -> Result<String> {
    let path = path_and_query.split('?').next().unwrap_or_default();
    let response = client
        .get(format!("{base}{path_and_query}"))
        .header("authorization", raw_auth(path, bearer))
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await?;
    if !status.is_success() {
        bail!("GET {path_and_query} answered HTTP {status}");
    }
    Ok(body)
}

/// The seeded conversation whose thread count is closest to `want`.
async fn conversation_with_threads(
    client: &reqwest::Client,
    base: &str,
    bearer: &str,
    want: usize,
) -> Result<(u64, usize)> {
    let mut best: Option<(u64, usize)> = None;
    for id in ids::FIRST_CONVERSATION_ID..ids::FIRST_CONVERSATION_ID + 60 {
        let body = raw_get(client, base, &format!("/v2/conversations/{id}?embed=threads"), bearer).await?;
        let value: Value = serde_json::from_str(&body)?;
        let threads = value["_embedded"]["threads"].as_array().map_or(0, Vec::len);
        if best.is_none_or(|(_, n)| threads.abs_diff(want) < n.abs_diff(want)) {
            best = Some((id, threads));
        }
    }
    best.ok_or_else(|| anyhow!("no seeded conversation"))
}

pub fn run(rt: &tokio::runtime::Runtime, bins: &Bins, args: &Args) -> Result<()> {
    let tok = Tokenizer::new()?;
    println!("== tokens: o200k_base (tiktoken-rs 0.12, BPE data embedded in the crate; no network)");
    println!("   counted on the exact JSON-RPC bytes the server wrote to stdout");
    println!();
    let docs_env = vec![("HELPSCOUT_DOCS_API_KEY".to_string(), DOCS_KEY.to_string())];
    tools_list(
        &tok,
        bins,
        "default policy, no Docs key (read; conversations, customers, mailboxes, users, tags)",
        &[],
        Vec::new(),
        0,
    )?;
    tools_list(
        &tok,
        bins,
        "default policy with a Docs key (read; adds docs)",
        &[],
        docs_env.clone(),
        0,
    )?;
    tools_list(
        &tok,
        bins,
        "--access full --toolsets all, with a Docs key (the whole catalogue)",
        &["--access", "full", "--toolsets", "all"],
        docs_env.clone(),
        args.top,
    )?;
    let help = std::process::Command::new(&bins.server).arg("--help").output()?;
    if String::from_utf8_lossy(&help.stdout).contains("--tool-mode") {
        tools_list(
            &tok,
            bins,
            "--tool-mode gateway --access full --toolsets all, with a Docs key",
            &["--tool-mode", "gateway", "--access", "full", "--toolsets", "all"],
            docs_env,
            0,
        )?;
    } else {
        println!("(this build has no --tool-mode gateway: not measured)");
    }

    println!();
    println!("results on the seeded sandbox data: tool text (content[0].text, what a text-only host shows the model)");
    println!("vs the raw Help Scout JSON of the requests the tool made (replayed to the fake with a token)");
    let fake = rt.block_on(FakeHelpScout::start(FakeConfig {
        rate_limit_per_minute: 1_000_000,
        ..FakeConfig::default()
    }))?;
    let base = fake.base_url();
    let client = reqwest::Client::builder().timeout(WAIT).build()?;
    let bearer = fake.issue_token();
    let (conversation, threads) = rt.block_on(conversation_with_threads(&client, &base, &bearer, 10))?;
    let calls: Vec<(String, &str, Value)> = vec![
        (
            format!("get_conversation ({threads} threads)"),
            "get_conversation",
            json!({"conversation_id": conversation}),
        ),
        (
            "list_conversations (page of 25)".into(),
            "list_conversations",
            json!({"status": "all"}),
        ),
        (
            "get_customer".into(),
            "get_customer",
            json!({"customer_id": ids::CUSTOMER_ID}),
        ),
        (
            "docs_search_articles".into(),
            "docs_search_articles",
            json!({"query": "project"}),
        ),
    ];
    let mut session = stdio_session(bins, &[], setup::server_env(&base, 1_000_000))?;
    println!(
        "  {:<36} {:>8} {:>9} {:>10} {:>7} {:>10}",
        "call", "requests", "raw JSON", "tool text", "ratio", "whole msg"
    );
    for (label, tool, arguments) in calls {
        fake.clear_requests();
        let reply = session.call_tool(tool, &arguments)?;
        if reply.is_error {
            bail!("{tool} failed: {}", reply.text);
        }
        let upstream: Vec<String> = fake
            .requests()
            .into_iter()
            .filter(|r| r.path != "/v2/oauth2/token")
            .map(|r| match r.query {
                Some(q) if !q.is_empty() => format!("{}?{q}", r.path),
                _ => r.path,
            })
            .collect();
        let mut raw_tokens = 0;
        for request in &upstream {
            let body = rt.block_on(raw_get(&client, &base, request, &bearer))?;
            raw_tokens += tok.count(&body);
        }
        let text_tokens = tok.count(&reply.text);
        println!(
            "  {:<36} {:>8} {:>9} {:>10} {:>6.0}% {:>10}",
            label,
            upstream.len(),
            raw_tokens,
            text_tokens,
            100.0 * text_tokens as f64 / raw_tokens.max(1) as f64,
            tok.count(reply.raw.trim())
        );
        // Lists and searches: say how many items the result holds.
        let result: Value = serde_json::from_str(&reply.text).unwrap_or(Value::Null);
        if let Some((field, n)) = result
            .as_object()
            .and_then(|o| o.iter().find_map(|(k, v)| v.as_array().map(|a| (k.clone(), a.len()))))
            .filter(|_| tool.starts_with("list_") || tool.contains("search"))
        {
            println!("  {:<36} ({n} {field})", "");
        }
    }
    session.close(WAIT)?;
    println!("  (token counts; ratio = tool text / raw JSON; whole msg = the JSON-RPC response, which carries");
    println!("   the result twice: as text and as structuredContent)");
    rt.block_on(fake.shutdown());
    Ok(())
}
