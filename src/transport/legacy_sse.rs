//! The legacy HTTP+SSE transport (MCP 2024-11-05), still used by some agent frameworks.
//!
//! `GET /sse` opens an event stream whose first event (`endpoint`) names the URL to
//! POST to: `/message?sessionId=<id>`. Each POSTed JSON-RPC message is answered
//! `202 Accepted`; the server's replies arrive on the event stream as `message`
//! events. rmcp dropped this transport, so each session is a pair of channels handed
//! to rmcp as a (Sink, Stream) transport. A session ends when its event stream closes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::channel::mpsc;
use futures::{SinkExt, Stream, StreamExt};
use http::StatusCode;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::ServiceExt;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use crate::server::{CallerPolicy, HelpScoutServer};
use crate::transport::http::too_many_sessions;

/// Messages buffered per direction before a POST (or the server) waits.
const CHANNEL_CAPACITY: usize = 64;

/// One open session: where its messages go, and the profile it was opened under (a
/// POST must come from the same profile).
#[derive(Clone)]
struct Session {
    sender: mpsc::Sender<ClientJsonRpcMessage>,
    profile: String,
}

/// Shared by the `/sse` and `/message` handlers.
#[derive(Clone)]
pub struct LegacySse {
    server: HelpScoutServer,
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    keep_alive: Duration,
    max_sessions: usize,
    shutdown: CancellationToken,
}

impl LegacySse {
    pub fn new(
        server: HelpScoutServer,
        keep_alive: Duration,
        max_sessions: usize,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            server,
            sessions: Arc::default(),
            keep_alive,
            max_sessions,
            shutdown,
        }
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        // The map stays consistent even if a holder panicked: every operation is one insert/remove/get.
        self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Number of open sessions (for tests and diagnostics).
    pub fn session_count(&self) -> usize {
        self.sessions().len()
    }
}

/// `GET /sse`. The session runs under the profile of the token that opened it.
pub async fn open_stream(State(sse): State<LegacySse>, caller: Option<Extension<CallerPolicy>>) -> Response {
    let server = match caller {
        Some(Extension(CallerPolicy(policy))) => sse.server.with_policy(policy),
        None => sse.server.clone(),
    };
    let profile = server.policy().name().to_string();
    // 128 random bits from a CSPRNG: the session id is the only thing tying a POST to a stream.
    let session_id = format!("{:032x}", rand::random::<u128>());
    let (to_server, from_client) = mpsc::channel::<ClientJsonRpcMessage>(CHANNEL_CAPACITY);
    let (to_client, from_server) = mpsc::channel::<ServerJsonRpcMessage>(CHANNEL_CAPACITY);
    {
        // Counted and inserted under one lock, so concurrent opens cannot overshoot.
        let mut sessions = sse.sessions();
        if sessions.len() >= sse.max_sessions {
            tracing::warn!(
                max = sse.max_sessions,
                "refused a new legacy SSE session: the limit is reached"
            );
            return too_many_sessions(sse.max_sessions);
        }
        sessions.insert(
            session_id.clone(),
            Session {
                sender: to_server,
                profile: profile.clone(),
            },
        );
    }
    tracing::info!(session = %session_id, %profile, "legacy SSE session opened");

    let session_ct = sse.shutdown.child_token();
    let service_ct = session_ct.clone();
    let task_session = session_id.clone();
    tokio::spawn(async move {
        match server.serve_with_ct((to_client, from_client), service_ct).await {
            Ok(running) => {
                let _ = running.waiting().await;
            }
            // The client closed the stream before finishing `initialize`, or sent something else first.
            Err(error) => {
                tracing::info!(session = %task_session, %error, "legacy SSE session ended before initialization")
            }
        }
    });

    let endpoint = Event::default()
        .event("endpoint")
        .data(format!("/message?sessionId={session_id}"));
    let messages = from_server.filter_map(|message| async move {
        match serde_json::to_string(&message) {
            Ok(json) => Some(Event::default().event("message").data(json)),
            Err(error) => {
                tracing::error!(%error, "cannot serialize a server message for the SSE stream");
                None
            }
        }
    });
    let events = futures::stream::once(async move { endpoint })
        .chain(messages)
        .take_until(session_ct.clone().cancelled_owned())
        .map(Ok::<_, Infallible>);
    let stream = SessionStream {
        inner: Box::pin(events),
        cleanup: Some(Cleanup {
            sse: sse.clone(),
            session_id,
            session_ct,
        }),
    };
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(sse.keep_alive))
        .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageQuery {
    // `session_id` is what the Python SDK's own SSE server uses; accept both spellings.
    #[serde(alias = "session_id")]
    session_id: Option<String>,
}

/// `POST /message?sessionId=<id>`
pub async fn post_message(
    State(sse): State<LegacySse>,
    caller: Option<Extension<CallerPolicy>>,
    Query(query): Query<MessageQuery>,
    body: Bytes,
) -> Response {
    let Some(session_id) = query.session_id.filter(|id| !id.is_empty()) else {
        return (
            StatusCode::BAD_REQUEST,
            "Bad Request: the sessionId query parameter is required",
        )
            .into_response();
    };
    let Some(Session { mut sender, profile }) = sse.sessions().get(&session_id).cloned() else {
        return (
            StatusCode::NOT_FOUND,
            "Not Found: no open SSE session with this sessionId",
        )
            .into_response();
    };
    let caller_profile = match &caller {
        Some(Extension(CallerPolicy(policy))) => policy.name().to_string(),
        None => sse.server.policy().name().to_string(),
    };
    // Knowing a session id must not let one profile speak in another's session.
    if caller_profile != profile {
        return (
            StatusCode::FORBIDDEN,
            "Forbidden: this session belongs to another profile",
        )
            .into_response();
    }
    let message: ClientJsonRpcMessage = match serde_json::from_slice(&body) {
        Ok(message) => message,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("Bad Request: the body is not a JSON-RPC message ({error})"),
            )
                .into_response();
        }
    };
    if sender.send(message).await.is_err() {
        return (StatusCode::NOT_FOUND, "Not Found: the SSE session has ended").into_response();
    }
    (StatusCode::ACCEPTED, "Accepted").into_response()
}

/// Removes the session and stops its rmcp service when the event stream is dropped,
/// which is how axum reports that the client went away.
struct Cleanup {
    sse: LegacySse,
    session_id: String,
    session_ct: CancellationToken,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.sse.sessions().remove(&self.session_id);
        self.session_ct.cancel();
        tracing::info!(session = %self.session_id, "legacy SSE session closed");
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>>;

struct SessionStream {
    inner: EventStream,
    cleanup: Option<Cleanup>,
}

impl Stream for SessionStream {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        if let Poll::Ready(None) = polled {
            // The service ended or the server is shutting down: forget the session now
            // rather than when the connection is finally torn down.
            self.cleanup.take();
        }
        polled
    }
}
