//! MCP over HTTP: Streamable HTTP at `/mcp` (2025-11-25 sessions and 2026-07-28
//! stateless requests), legacy HTTP+SSE at `/sse` + `/message`, and `/healthz`.
//!
//! Every session of both transports clones one [`HelpScoutServer`], so they share the
//! Help Scout client, its token cache and its rate limiter.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::session::{SessionId, SessionManager};
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use crate::config::HttpArgs;
use crate::helpscout::Secret;
use crate::policy::Policy;
use crate::server::HelpScoutServer;
use crate::transport::guard::{self, Guard};
use crate::transport::legacy_sse::{self, LegacySse};

/// SSE comment interval: keeps proxies and idle timers from closing quiet streams.
const SSE_KEEP_ALIVE: Duration = Duration::from_secs(15);
/// A Streamable HTTP session nobody has used for this long is closed (its client may
/// have vanished without a DELETE); the client gets 404 and starts a new one.
const SESSION_IDLE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// How long open connections get to finish after Ctrl-C / SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// What `serve` needs besides the server: where to listen and who may call.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub listen: SocketAddr,
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    /// The token that selects the default profile (HELPSCOUT_MCP_TOKEN).
    pub token: Option<Secret>,
    /// Policy-file tokens (SHA-256) and the profiles they select.
    pub profile_tokens: Vec<([u8; 32], Arc<Policy>)>,
    /// Most open sessions per transport.
    pub max_sessions: usize,
}

impl HttpOptions {
    /// The token comes from `--auth-token` / HELPSCOUT_MCP_TOKEN (read by clap), or
    /// from the process secrets (kept across `--sandbox`).
    pub fn from_args(args: &HttpArgs, fallback_token: Option<Secret>) -> Self {
        Self {
            listen: args.listen,
            allowed_hosts: args.allowed_hosts.clone(),
            allowed_origins: args.allowed_origins.clone(),
            token: args.auth_token.clone().or(fallback_token),
            profile_tokens: Vec::new(),
            max_sessions: args.max_sessions as usize,
        }
    }
}

/// Checks the options, binds, serves until Ctrl-C / SIGTERM.
pub async fn serve(server: HelpScoutServer, options: HttpOptions) -> Result<(), String> {
    if !options.listen.ip().is_loopback() && options.token.is_none() && options.profile_tokens.is_empty() {
        return Err(format!(
            "refusing to listen on {} without an auth token: anyone who can reach this address could use \
             the Help Scout account. Set HELPSCOUT_MCP_TOKEN (or --auth-token), or listen on 127.0.0.1.",
            options.listen
        ));
    }
    let guard = Guard::new(
        options.listen,
        &options.allowed_hosts,
        &options.allowed_origins,
        options.token,
    )?
    .with_profile_tokens(&options.profile_tokens);
    let shutdown = CancellationToken::new();
    let app = router(server, guard, options.max_sessions, shutdown.clone());

    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    if !bound.ip().is_loopback() {
        tracing::warn!(
            "listening on a non-loopback address over plain HTTP: put a TLS-terminating proxy in front, \
             and list the names clients use in --allowed-hosts"
        );
    }
    // Tests and scripts read this line to find the port when listening on port 0.
    tracing::info!("listening on http://{bound} (Streamable HTTP at /mcp, legacy SSE at /sse)");

    tokio::spawn(cancel_on_signal(shutdown.clone()));
    // Without TCP_NODELAY, small keep-alive responses wait ~40 ms on Nagle + delayed ACK.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    let graceful = axum::serve(listener, app).with_graceful_shutdown(shutdown.clone().cancelled_owned());
    let grace_over = async {
        shutdown.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = graceful => result.map_err(|e| format!("http server failed: {e}"))?,
        () = grace_over => tracing::warn!("connections still open after {SHUTDOWN_GRACE:?}; stopping anyway"),
    }
    tracing::info!("http server stopped");
    Ok(())
}

/// The whole HTTP surface. Host/Origin checks wrap every route; the bearer token
/// wraps the MCP routes only, so `/healthz` works for load balancers without it.
pub fn router(server: HelpScoutServer, guard: Guard, max_sessions: usize, shutdown: CancellationToken) -> Router {
    let streamable_config = StreamableHttpServerConfig::default()
        // Sessions for clients that `initialize` (up to 2025-11-25); rmcp serves 2026-07-28
        // requests statelessly whatever this says, and answers them with plain JSON.
        .with_legacy_session_mode(true)
        .with_json_response(true)
        .with_sse_keep_alive(Some(SSE_KEEP_ALIVE))
        .with_cancellation_token(shutdown.child_token())
        .with_allowed_hosts(guard.rmcp_allowed_hosts())
        .with_allowed_origins(guard.rmcp_allowed_origins())
        .enforce_origin_validation();
    let factory_server = server.clone();
    let mut manager = LocalSessionManager::default();
    manager.session_config.keep_alive = Some(SESSION_IDLE_TIMEOUT);
    let manager = Arc::new(manager);
    let streamable = StreamableHttpService::new(move || Ok(factory_server.clone()), manager.clone(), streamable_config);
    let sessions = Sessions {
        manager,
        max: max_sessions,
    };
    let legacy = LegacySse::new(server, SSE_KEEP_ALIVE, max_sessions, shutdown);
    let guard = Arc::new(guard);

    let mcp = Router::new()
        .route_service("/mcp", streamable)
        .merge(
            Router::new()
                .route("/sse", get(legacy_sse::open_stream))
                .route("/message", post(legacy_sse::post_message))
                .with_state(legacy),
        )
        .route_layer(axum::middleware::from_fn_with_state(sessions, session_layer))
        .route_layer(axum::middleware::from_fn_with_state(guard.clone(), guard::token_layer));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(mcp)
        .layer(axum::middleware::from_fn_with_state(guard, guard::rebinding_layer))
}

/// The Streamable HTTP session manager, and how many sessions it may hold.
#[derive(Clone)]
struct Sessions {
    manager: Arc<LocalSessionManager>,
    max: usize,
}

const SESSION_HEADER: &str = "mcp-session-id";
/// Largest body buffered to look for `initialize` once the session limit is reached.
const PEEK_LIMIT: usize = 16 * 1024 * 1024;

/// Session bookkeeping rmcp leaves to the application: the session limit, and the
/// status codes of `DELETE /mcp`.
async fn session_layer(
    State(sessions): State<Sessions>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request.uri().path() != "/mcp" {
        return next.run(request).await;
    }
    let has_session = request.headers().contains_key(SESSION_HEADER);
    match *request.method() {
        http::Method::DELETE => session_delete(&sessions, request, next).await,
        http::Method::POST if !has_session => {
            // Counting takes a read lock; a body is only buffered once the limit is reached.
            if sessions.manager.sessions.read().await.len() < sessions.max {
                return next.run(request).await;
            }
            let (parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, PEEK_LIMIT).await else {
                return (http::StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large").into_response();
            };
            if opens_a_session(&bytes) {
                tracing::warn!(
                    max = sessions.max,
                    "refused a new Streamable HTTP session: the limit is reached"
                );
                return too_many_sessions(sessions.max);
            }
            next.run(axum::extract::Request::from_parts(parts, bytes.into())).await
        }
        _ => next.run(request).await,
    }
}

/// A session starts with `initialize`; any other request without a session id is a
/// stateless 2026-07-28 request, which holds nothing once it is answered.
fn opens_a_session(body: &[u8]) -> bool {
    let is_initialize =
        |message: &serde_json::Value| message.get("method").and_then(serde_json::Value::as_str) == Some("initialize");
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Array(batch)) => batch.iter().any(is_initialize),
        Ok(message) => is_initialize(&message),
        Err(_) => false,
    }
}

/// 503 with Retry-After: sessions end when their clients close them or go idle.
pub(crate) fn too_many_sessions(max: usize) -> Response {
    (
        http::StatusCode::SERVICE_UNAVAILABLE,
        [(http::header::RETRY_AFTER, "5")],
        format!("Service Unavailable: {max} sessions are open (the --max-sessions limit); close one or retry later"),
    )
        .into_response()
}

/// `DELETE /mcp` ends a session. rmcp answers 202 Accepted although the session is
/// already closed when it answers; 204 says that, and the official Python SDK
/// (mcp 2.3.0) logs "Session termination failed: 202" on every close for anything but
/// 200/204 (tests/clients/python_scenario.py checks). rmcp also answers 202 for a
/// session that no longer exists, where the spec wants 404 as for any other request
/// naming it: a client learns its session had already expired.
async fn session_delete(
    sessions: &Sessions,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let session_id = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(SessionId::from);
    if let Some(id) = session_id {
        // Only a definite "no such session" is answered here; rmcp handles the rest.
        if let Ok(false) = sessions.manager.has_session(&id).await {
            return (http::StatusCode::NOT_FOUND, "Not Found: Session not found").into_response();
        }
    }
    let mut response = next.run(request).await;
    if response.status() == http::StatusCode::ACCEPTED {
        *response.status_mut() = http::StatusCode::NO_CONTENT;
    }
    response
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
