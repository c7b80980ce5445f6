//! A stateful, in-memory fake of the Help Scout APIs.
//!
//! Used by the integration tests of `helpscout-mcp` and by its `--sandbox`
//! mode. The fake serves the Inbox API (`/v2`, `/v3`), the OAuth token
//! endpoint, Chat (`/chat/v1`) and Docs (`/v1`) from one loopback
//! HTTP/1.1 server. Its behaviour follows `shared/helpscout-api/catalogue.md`;
//! comments cite the section a quirk comes from (e.g. "catalogue 4.6").
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fake_helpscout::{FakeConfig, FakeHelpScout, Fault, FaultKind};
//! let fake = FakeHelpScout::start(FakeConfig::default()).await?;
//! fake.inject(Fault::new(FaultKind::Status(500)).path("/v2/conversations").times(1));
//! println!("{}", fake.base_url());
//! fake.shutdown().await;
//! # Ok(()) }
//! ```

mod faults;
mod hal;
pub mod ids;
mod query;
mod ratelimit;
mod render;
mod routes;
mod seed;
mod server;
mod state;
mod text;
mod validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use faults::{Fault, FaultKind};

/// OAuth client id accepted by the token endpoint (client-credentials grant).
pub const APP_ID: &str = "sandbox-app-id";
/// OAuth client secret accepted by the token endpoint.
pub const APP_SECRET: &str = "sandbox-app-secret";
/// Docs API key (HTTP Basic username, password `X`; catalogue 4.12).
pub const DOCS_API_KEY: &str = "sandbox-docs-api-key";

/// Settings of one fake server.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Requests per minute for the whole account; writes cost 2 (catalogue 4.2).
    pub rate_limit_per_minute: u32,
    /// Lifetime of issued access tokens (`expires_in`, 172800 s by default; catalogue 4.1).
    pub token_ttl: Duration,
    /// Load the deterministic seed data (see [`ids`]); `false` starts with an
    /// account that has only its users, teams and mailboxes.
    pub seed: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            rate_limit_per_minute: 400,
            token_ttl: Duration::from_secs(172_800),
            seed: true,
        }
    }
}

/// One request as the fake received it.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub content_type: Option<String>,
    pub authorization: Option<String>,
    pub body: String,
    /// Status sent; 0 when the connection was dropped without a response.
    pub status: u16,
}

impl RecordedRequest {
    /// The request body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }
}

/// An email the fake would have sent to a customer (a published reply, a
/// published draft, a sent schedule, an auto-reply).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentEmail {
    pub conversation_id: u64,
    /// The thread that was sent; 0 for an auto-reply.
    pub thread_id: u64,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    /// What caused the send: `reply`, `conversation_created`,
    /// `draft_published`, `schedule_published` or `auto_reply`.
    pub via: String,
}

/// Lock a mutex, recovering the data if a previous holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Handle on a running fake. Dropping it (or [`FakeHelpScout::shutdown`])
/// stops the server.
pub struct FakeHelpScout {
    shared: Arc<server::Shared>,
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl FakeHelpScout {
    /// Start on an ephemeral loopback port.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeHelpScout> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Start on the given address.
    pub async fn start_on(addr: SocketAddr, config: FakeConfig) -> std::io::Result<FakeHelpScout> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(server::Shared::new(config));
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(server::accept_loop(listener, Arc::clone(&shared), shutdown.clone()));
        tracing::debug!(%addr, "fake Help Scout listening");
        Ok(FakeHelpScout {
            shared,
            addr,
            shutdown,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: Inbox `/v2` and `/v3`, Chat `/chat/v1`, token at `/v2/oauth2/token`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Base URL of the Docs API (same host; Docs lives under `/v1`).
    pub fn docs_base_url(&self) -> String {
        self.base_url()
    }

    /// The socket address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token endpoint URL.
    pub fn token_url(&self) -> String {
        format!("{}/v2/oauth2/token", self.base_url())
    }

    /// Queue a fault. Faults match in order of injection.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.control).faults.push(fault);
    }

    /// Remove every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.control).faults.clear();
    }

    /// Every request received so far, in order (token requests and faulted ones included).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.control).requests.clone()
    }

    /// Forget the request log.
    pub fn clear_requests(&self) {
        let mut control = lock(&self.shared.control);
        // In-flight requests keep their absolute index, so their status still lands
        // on their own entry (or nowhere), never on a newer one.
        control.requests_dropped += control.requests.len();
        control.requests.clear();
    }

    /// Invalidate every issued token: API calls answer 401 until a new token is fetched.
    pub fn expire_tokens(&self) {
        lock(&self.shared.control).tokens.clear();
    }

    /// Change the per-minute budget (the current window's usage is kept).
    pub fn set_rate_limit(&self, per_minute: u32) {
        lock(&self.shared.control).rate.limit = per_minute;
    }

    /// Change the Docs API budget per 10-minute window (by default it follows
    /// the number of Docs sites: 2000, 3000 or 4000; catalogue 4.2).
    pub fn set_docs_rate_limit(&self, per_window: u32) {
        lock(&self.shared.data).docs.budget.limit_override = Some(per_window);
    }

    /// Mint a valid token for the account owner without going through
    /// `/v2/oauth2/token` (not recorded as a request).
    pub fn issue_token(&self) -> String {
        self.shared.issue_token()
    }

    /// Emails the fake would have sent to customers, in order.
    pub fn sent_emails(&self) -> Vec<SentEmail> {
        lock(&self.shared.data).sent_emails.clone()
    }

    /// Forget the sent-email log.
    pub fn clear_sent_emails(&self) {
        lock(&self.shared.data).sent_emails.clear();
    }

    /// Switch reporting on or off. Off is a plan without reports (Help Scout
    /// offers them on Plus and Pro only): every `/v2/reports/*` call answers 403.
    pub fn set_reports_enabled(&self, enabled: bool) {
        lock(&self.shared.data).reports.disabled = !enabled;
    }

    /// Stop the server and wait for the accept loop to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeHelpScout {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
