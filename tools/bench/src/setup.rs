//! Starting the fake and the server the way the benchmarks need them, and the call
//! mixes they send.

use anyhow::{anyhow, bail, Context, Result};
use fake_helpscout::ids;
use serde_json::{json, Value};

use crate::proc::{Bins, Proc, Spawn};

/// The release fake on an ephemeral loopback port with the given per-minute budget.
pub fn start_fake(bins: &Bins, rate_limit: u32) -> Result<(Proc, String)> {
    let mut fake = Spawn::new(&bins.fake)
        .args(["--listen", "127.0.0.1:0", "--rate-limit", &rate_limit.to_string()])
        .env("RUST_LOG", "warn")
        .stderr()
        .start()?;
    let base = fake.wait_listening().context("starting fake-helpscout")?;
    Ok((fake, base))
}

/// Environment that points a non-sandbox server at a fake, with its credentials.
pub fn server_env(base: &str, rate_limit: u32) -> Vec<(String, String)> {
    [
        ("HELPSCOUT_API_BASE_URL", base.to_string()),
        ("HELPSCOUT_DOCS_API_BASE_URL", base.to_string()),
        ("HELPSCOUT_APP_ID", fake_helpscout::APP_ID.to_string()),
        ("HELPSCOUT_APP_SECRET", fake_helpscout::APP_SECRET.to_string()),
        ("HELPSCOUT_DOCS_API_KEY", fake_helpscout::DOCS_API_KEY.to_string()),
        ("HELPSCOUT_RATE_LIMIT_PER_MINUTE", rate_limit.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The release server in HTTP mode on an ephemeral port; returns it and its `/mcp` URL.
pub fn start_http_server(bins: &Bins, args: &[&str], env: Vec<(String, String)>) -> Result<(Proc, String)> {
    let mut spawn = Spawn::new(&bins.server)
        .args(args.iter().copied())
        .args(["http", "--listen", "127.0.0.1:0"])
        .stderr();
    spawn.env = env;
    let mut server = spawn.start()?;
    let base = server.wait_listening().context("starting helpscout-mcp http")?;
    Ok((server, format!("{base}/mcp")))
}

/// An access token from the fake's OAuth endpoint (client-credentials grant).
pub async fn fetch_token(client: &reqwest::Client, base: &str) -> Result<String> {
    let body = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        fake_helpscout::APP_ID,
        fake_helpscout::APP_SECRET
    );
    let response = client
        .post(format!("{base}/v2/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .context("token request")?;
    if !response.status().is_success() {
        bail!("the token endpoint answered HTTP {}", response.status());
    }
    let token: Value = response.json().await?;
    token["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("no access_token in the token answer"))
}

/// Call `i` of a read-only mix over conversations, customers, mailboxes, tags and Docs.
/// Three in ten calls use the Inbox budget, the rest the separate Docs budget, so 1,000
/// calls fit the sandbox's default budgets (400 Inbox requests a minute, 2,000+ Docs
/// requests per 10 minutes) without waiting.
pub fn read_mix(i: usize) -> (&'static str, Value) {
    let conversation = ids::FIRST_CONVERSATION_ID + (i as u64 % 60);
    let customer = ids::CUSTOMER_ID + (i as u64 % ids::CUSTOMER_COUNT);
    match i % 10 {
        0 => ("get_conversation", json!({"conversation_id": conversation})),
        1 => ("list_conversations", json!({"status": "all"})),
        2 => ("get_customer", json!({"customer_id": customer})),
        3 => ("docs_search_articles", json!({"query": "project"})),
        4 => (
            "docs_get_article",
            json!({"article_id_or_number": ids::DOCS_ARTICLE_ID}),
        ),
        5 => ("docs_list_collections", json!({})),
        6 => (
            "docs_list_articles_in_collection",
            json!({"collection_id": ids::DOCS_COLLECTION_ID}),
        ),
        7 => ("docs_get_site", json!({"site_id": ids::DOCS_SITE_ID})),
        8 => (
            "docs_list_categories",
            json!({"collection_id": ids::DOCS_COLLECTION_ID}),
        ),
        _ => (
            "docs_get_collection",
            json!({"collection_id_or_number": ids::DOCS_COLLECTION_ID}),
        ),
    }
}

/// Inbox-only reads, for runs against a fake with a large budget (the soak).
pub fn inbox_read_mix(i: usize) -> (&'static str, Value) {
    let conversation = ids::FIRST_CONVERSATION_ID + (i as u64 % 60);
    let customer = ids::CUSTOMER_ID + (i as u64 % ids::CUSTOMER_COUNT);
    let mailbox = ids::MAILBOX_IDS[i % ids::MAILBOX_IDS.len()];
    match i % 8 {
        0 => ("get_conversation", json!({"conversation_id": conversation})),
        1 => ("list_conversations", json!({"status": "all"})),
        2 => ("get_customer", json!({"customer_id": customer})),
        3 => ("get_mailbox", json!({"mailbox_id": mailbox})),
        4 => ("list_tags", json!({})),
        5 => ("list_users", json!({})),
        6 => ("list_threads", json!({"conversation_id": conversation})),
        _ => ("list_customers", json!({})),
    }
}

/// Tally of tool errors by first line, for reporting a few examples.
#[derive(Default)]
pub struct Errors {
    pub count: u64,
    pub rate_limited: u64,
    pub examples: Vec<String>,
}

impl Errors {
    pub fn record(&mut self, what: String, rate_limited: bool) {
        self.count += 1;
        if rate_limited {
            self.rate_limited += 1;
        }
        if self.examples.len() < 5 && !self.examples.contains(&what) {
            self.examples.push(what);
        }
    }

    pub fn print(&self) {
        for e in &self.examples {
            println!("    e.g. {e}");
        }
    }
}
