#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The transports end to end: each test spawns the built binary with `--sandbox` (an
//! in-process fake Help Scout) and talks to it the way a real host would: stdio,
//! Streamable HTTP (sessions and 2026-07-28 stateless requests), legacy HTTP+SSE, plus
//! the bearer token, Host/Origin checks, the non-loopback refusal and /healthz.
//! Every child is killed on drop and every wait is bounded.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{CallToolRequestParams, ProtocolVersion};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

const BIN: &str = env!("CARGO_BIN_EXE_helpscout-mcp");
const WAIT: Duration = Duration::from_secs(30);
const TOKEN: &str = "test-bearer-token-9f3a";

/// A command with a clean environment: no credentials or settings leak in from the
/// developer's shell, and logs at info.
fn command() -> Command {
    let mut cmd = Command::new(BIN);
    for (name, _) in std::env::vars() {
        if name.starts_with("HELPSCOUT_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("RUST_LOG", "info").kill_on_drop(true);
    cmd
}

/// Collects a child's stderr lines in the background (so its pipe never fills).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn follow(
        stderr: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    ) -> (Log, tokio::sync::mpsc::UnboundedReceiver<String>) {
        let log = Log::default();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let lines = log.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                lines.0.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        (log, rx)
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }
}

/// The binary serving HTTP on an ephemeral loopback port.
struct HttpServer {
    child: Child,
    base: String,
    log: Log,
}

impl HttpServer {
    async fn start(args: &[&str], env: &[(&str, &str)]) -> HttpServer {
        let mut cmd = command();
        cmd.args(["--sandbox", "http"]).args(args);
        if !args.contains(&"--listen") {
            cmd.args(["--listen", "127.0.0.1:0"]);
        }
        for (name, value) in env {
            cmd.env(name, value);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (log, mut lines) = Log::follow(child.stderr.take().unwrap());
        let addr = timeout(WAIT, async {
            while let Some(line) = lines.recv().await {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    return rest.split_whitespace().next().unwrap().to_string();
                }
            }
            panic!("the server exited before listening");
        })
        .await
        .unwrap_or_else(|_| panic!("no `listening on` line within {WAIT:?}"));
        HttpServer {
            child,
            base: format!("http://{addr}"),
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(WAIT).build().unwrap()
}

fn initialize_request(id: u64, version: &str) -> Value {
    json!({
        "jsonrpc": "2.0", "id": id, "method": "initialize",
        "params": {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "transport-test", "version": "0"}}
    })
}

/// The `_meta` a 2026-07-28 stateless request carries instead of a session.
fn stateless_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "transport-test", "version": "0"}
    })
}

/// A 2026-07-28 stateless `tools/list`: one self-contained POST, no session.
fn stateless_tools_list(http: &reqwest::Client, mcp: &str) -> reqwest::RequestBuilder {
    http.post(mcp)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/list")
        .json(&json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {"_meta": stateless_meta()}}))
}

fn tool_names(tools_result: &Value) -> Vec<String> {
    tools_result["tools"]
        .as_array()
        .expect("tools array")
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

/// Reads `text/event-stream` events (event name, data) from a streaming response.
struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

impl SseReader {
    fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event that carries data (keep-alive comments are skipped).
    async fn next_event(&mut self) -> (String, String) {
        timeout(WAIT, async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let raw: String = self.buffer.drain(..end + 2).collect();
                    let mut event = String::from("message");
                    let mut data = Vec::new();
                    for line in raw.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            event = v.trim().to_string();
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
                        }
                    }
                    if !data.is_empty() {
                        return (event, data.join("\n"));
                    }
                    continue;
                }
                let chunk = self.response.chunk().await.unwrap().expect("event stream ended");
                self.buffer
                    .push_str(&String::from_utf8_lossy(&chunk).replace("\r\n", "\n"));
            }
        })
        .await
        .expect("no SSE event in time")
    }

    /// The next `message` event answering JSON-RPC request `id`.
    async fn response_to(&mut self, id: u64) -> Value {
        loop {
            let (event, data) = self.next_event().await;
            if event != "message" {
                continue;
            }
            let value: Value = serde_json::from_str(&data).unwrap();
            if value["id"] == json!(id) {
                return value;
            }
        }
    }
}

/// The JSON-RPC message in a Streamable HTTP POST answer, JSON or SSE.
async fn jsonrpc_body(response: reqwest::Response) -> Value {
    let is_json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/json"));
    if is_json {
        response.json().await.unwrap()
    } else {
        let mut reader = SseReader::new(response);
        loop {
            let (_, data) = reader.next_event().await;
            if let Ok(value) = serde_json::from_str::<Value>(&data) {
                if value.get("result").is_some() || value.get("error").is_some() {
                    return value;
                }
            }
        }
    }
}

#[tokio::test]
async fn stdio_serves_the_protocol_on_stdout_and_logs_on_stderr() {
    let mut cmd = command();
    cmd.arg("--sandbox");
    let (transport, stderr) = TokioChildProcess::builder(cmd).stderr(Stdio::piped()).spawn().unwrap();
    let (log, _lines) = Log::follow(stderr.unwrap());
    // Any non-protocol byte on stdout would make the client's handshake fail here.
    let client = timeout(WAIT, ().serve(transport))
        .await
        .expect("initialize in time")
        .expect("MCP handshake over stdio");
    let info = client.peer_info().expect("server info");
    assert_eq!(info.server_info.as_ref().expect("serverInfo").name, "helpscout-mcp");

    let tools = timeout(WAIT, client.list_all_tools()).await.unwrap().unwrap();
    assert!(
        tools.iter().any(|t| t.name == "list_mailboxes"),
        "tools: {:?}",
        tools.iter().map(|t| &t.name).collect::<Vec<_>>()
    );
    let result = timeout(WAIT, client.call_tool(CallToolRequestParams::new("list_mailboxes")))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let mailboxes = result.structured_content.expect("structured content");
    assert!(
        !mailboxes["mailboxes"].as_array().expect("mailboxes list").is_empty(),
        "{mailboxes}"
    );

    timeout(WAIT, client.cancel()).await.unwrap().unwrap();
    // The tool call was logged, and logs went to stderr (stdout carried only protocol).
    timeout(WAIT, async {
        while !log.text().contains("tool call succeeded") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no tool-call log line on stderr:\n{}", log.text()));
}

#[tokio::test]
async fn streamable_http_serves_sessions_and_stateless_requests() {
    let server = HttpServer::start(&[], &[]).await;
    assert!(
        server.log.text().contains("listening on http://127.0.0.1:"),
        "{}",
        server.log.text()
    );

    // 2025-11-25 style: initialize creates a session (Mcp-Session-Id).
    let transport = StreamableHttpClientTransport::from_uri(server.url("/mcp"));
    let client = timeout(WAIT, ().serve(transport))
        .await
        .unwrap()
        .expect("session handshake");
    assert_eq!(
        client.peer_info().unwrap().protocol_version,
        ProtocolVersion::V_2025_11_25
    );
    let tools = timeout(WAIT, client.list_all_tools()).await.unwrap().unwrap();
    assert!(tools.iter().any(|t| t.name == "list_conversations"));
    let result = timeout(WAIT, client.call_tool(CallToolRequestParams::new("list_mailboxes")))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    assert!(result.structured_content.unwrap()["mailboxes"].is_array());
    timeout(WAIT, client.cancel()).await.unwrap().unwrap();

    // 2026-07-28: no handshake, no session; every request carries its own metadata.
    let transport = StreamableHttpClientTransport::from_uri(server.url("/mcp"));
    let lifecycle = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    let client = timeout(WAIT, ().serve_with_lifecycle(transport, lifecycle))
        .await
        .unwrap()
        .expect("discover");
    assert_eq!(
        client.peer_info().unwrap().protocol_version,
        ProtocolVersion::V_2026_07_28
    );
    let tools = timeout(WAIT, client.list_all_tools()).await.unwrap().unwrap();
    assert!(tools.iter().any(|t| t.name == "list_mailboxes"));
    let result = timeout(WAIT, client.call_tool(CallToolRequestParams::new("list_mailboxes")))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    timeout(WAIT, client.cancel()).await.unwrap().unwrap();
    // Only the first client made rmcp create a session (its log line, rmcp ~3.11).
    let sessions = server.log.text().matches("create new session").count();
    assert_eq!(sessions, 1, "{}", server.log.text());
}

#[tokio::test]
async fn streamable_http_raw_requests_session_and_stateless() {
    let server = HttpServer::start(&[], &[]).await;
    let http = http();
    let mcp = server.url("/mcp");
    let accept = "application/json, text/event-stream";

    // Session mode: initialize answers with a session id, later requests carry it.
    let response = http
        .post(&mcp)
        .header("accept", accept)
        .json(&initialize_request(1, "2025-11-25"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let session = response
        .headers()
        .get("mcp-session-id")
        .expect("Mcp-Session-Id header")
        .to_str()
        .unwrap()
        .to_string();
    let init = jsonrpc_body(response).await;
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25", "{init}");
    assert_eq!(init["result"]["serverInfo"]["name"], "helpscout-mcp");
    let response = http
        .post(&mcp)
        .header("accept", accept)
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-11-25")
        .json(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let response = http
        .post(&mcp)
        .header("accept", accept)
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-11-25")
        .json(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(tool_names(&jsonrpc_body(response).await["result"]).contains(&"list_mailboxes".to_string()));

    // Closing the session: 204, then the id is unknown to every method, DELETE included.
    let close = || {
        http.delete(&mcp)
            .header("mcp-session-id", &session)
            .header("mcp-protocol-version", "2025-11-25")
            .send()
    };
    assert_eq!(close().await.unwrap().status(), 204);
    assert_eq!(
        close().await.unwrap().status(),
        404,
        "a closed session cannot be closed again"
    );
    let response = http
        .post(&mcp)
        .header("accept", accept)
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-11-25")
        .json(&json!({"jsonrpc": "2.0", "id": 5, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);

    // 2026-07-28 stateless: one self-contained POST, answered without a session.
    let meta = stateless_meta();
    let response = stateless_tools_list(&http, &mcp).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers().get("mcp-session-id").is_none(),
        "stateless requests get no session"
    );
    let body = jsonrpc_body(response).await;
    assert!(
        tool_names(&body["result"]).contains(&"list_mailboxes".to_string()),
        "{body}"
    );

    let response = http
        .post(&mcp)
        .header("accept", accept)
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", "list_mailboxes")
        .json(&json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call",
                      "params": {"name": "list_mailboxes", "arguments": {}, "_meta": meta}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = jsonrpc_body(response).await;
    assert_ne!(body["result"]["isError"], json!(true), "{body}");
    assert!(body["result"]["structuredContent"]["mailboxes"].is_array(), "{body}");
}

#[tokio::test]
async fn legacy_sse_answers_on_the_event_stream() {
    let server = HttpServer::start(&[], &[]).await;
    let http = http();
    let response = http
        .get(server.url("/sse"))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut events = SseReader::new(response);
    let (event, endpoint) = events.next_event().await;
    assert_eq!(event, "endpoint");
    let session_id = endpoint
        .strip_prefix("/message?sessionId=")
        .expect("endpoint names /message?sessionId=");
    assert!(session_id.len() >= 32, "session ids are long and random: {session_id}");
    let message_url = server.url(&endpoint);

    let post = |body: Value| http.post(&message_url).json(&body).send();
    assert_eq!(post(initialize_request(1, "2024-11-05")).await.unwrap().status(), 202);
    let init = events.response_to(1).await;
    assert_eq!(init["result"]["serverInfo"]["name"], "helpscout-mcp", "{init}");
    assert_eq!(
        post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await
            .unwrap()
            .status(),
        202
    );
    assert_eq!(
        post(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}))
            .await
            .unwrap()
            .status(),
        202
    );
    let tools = events.response_to(2).await;
    assert!(
        tool_names(&tools["result"]).contains(&"list_mailboxes".to_string()),
        "{tools}"
    );
    let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "list_mailboxes", "arguments": {}}});
    assert_eq!(post(call).await.unwrap().status(), 202);
    let result = events.response_to(3).await;
    assert!(
        result["result"]["structuredContent"]["mailboxes"].is_array(),
        "{result}"
    );

    // Malformed JSON, a missing or unknown session.
    let malformed = http
        .post(&message_url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let missing = http
        .post(server.url("/message"))
        .json(&json!({"jsonrpc": "2.0", "method": "ping", "id": 9}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    let unknown = http
        .post(server.url("/message?sessionId=0123456789abcdef0123456789abcdef"))
        .json(&json!({"jsonrpc": "2.0", "method": "ping", "id": 9}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    // Closing the event stream ends the session.
    drop(events);
    let gone = timeout(WAIT, async {
        loop {
            let status = http
                .post(&message_url)
                .json(&json!({"jsonrpc": "2.0", "id": 10, "method": "ping"}))
                .send()
                .await
                .unwrap()
                .status();
            if status == 404 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(gone.is_ok(), "the session outlived its event stream");
}

#[tokio::test]
async fn bearer_token_guards_every_mcp_route() {
    let server = HttpServer::start(&[], &[("HELPSCOUT_MCP_TOKEN", TOKEN)]).await;
    let http = http();
    let init = initialize_request(1, "2025-11-25");
    let accept = "application/json, text/event-stream";

    for auth in [None, Some("Bearer wrong-token"), Some("Basic dGVzdA==")] {
        let with = |rb: reqwest::RequestBuilder| match auth {
            Some(value) => rb.header("authorization", value),
            None => rb,
        };
        let responses = [
            with(http.post(server.url("/mcp")).header("accept", accept).json(&init))
                .send()
                .await
                .unwrap(),
            with(http.get(server.url("/sse")).header("accept", "text/event-stream"))
                .send()
                .await
                .unwrap(),
            with(http.post(server.url("/message?sessionId=abc")).json(&init))
                .send()
                .await
                .unwrap(),
        ];
        for response in responses {
            assert_eq!(response.status(), 401, "{} with {auth:?}", response.url());
            let challenge = response.headers()["www-authenticate"].to_str().unwrap();
            assert!(challenge.starts_with("Bearer"), "{challenge}");
        }
    }
    // /healthz stays open for load balancers.
    assert_eq!(http.get(server.url("/healthz")).send().await.unwrap().status(), 200);

    // The right token works on all three routes.
    let config = StreamableHttpClientTransportConfig::with_uri(server.url("/mcp")).auth_header(TOKEN);
    let client = timeout(WAIT, ().serve(StreamableHttpClientTransport::from_config(config)))
        .await
        .unwrap()
        .expect("authorized session");
    assert!(!timeout(WAIT, client.list_all_tools())
        .await
        .unwrap()
        .unwrap()
        .is_empty());
    timeout(WAIT, client.cancel()).await.unwrap().unwrap();

    let bearer = format!("Bearer {TOKEN}");
    let response = http
        .get(server.url("/sse"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut events = SseReader::new(response);
    let (_, endpoint) = events.next_event().await;
    let response = http
        .post(server.url(&endpoint))
        .header("authorization", &bearer)
        .json(&init)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(
        events.response_to(1).await["result"]["serverInfo"]["name"],
        "helpscout-mcp"
    );
    let response = http.post(server.url(&endpoint)).json(&init).send().await.unwrap();
    assert_eq!(response.status(), 401, "the session id alone is not a credential");

    assert!(
        !server.log.text().contains(TOKEN),
        "the token reached the logs:\n{}",
        server.log.text()
    );
}

#[tokio::test]
async fn foreign_host_and_origin_are_forbidden_on_every_route() {
    let server = HttpServer::start(&["--allowed-hosts", "mcp.example.com"], &[]).await;
    let http = http();
    let routes = [
        http.post(server.url("/mcp"))
            .header("accept", "application/json, text/event-stream")
            .json(&initialize_request(1, "2025-11-25")),
        http.get(server.url("/sse")).header("accept", "text/event-stream"),
        http.post(server.url("/message?sessionId=abc")).json(&json!({})),
        http.get(server.url("/healthz")),
    ];
    for route in &routes {
        let host = route
            .try_clone()
            .unwrap()
            .header("host", "evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(host.status(), 403, "Host evil.example on {}", host.url());
        let origin = route
            .try_clone()
            .unwrap()
            .header("origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(origin.status(), 403, "Origin evil.example on {}", origin.url());
    }
    // Loopback origins, and hosts named in --allowed-hosts, are fine.
    let ok = http
        .get(server.url("/healthz"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let ok = http
        .get(server.url("/healthz"))
        .header("host", "mcp.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "ok");
}

/// A browser page from an origin in --allowed-origins can call the server: preflights
/// are answered without the token, responses (401s included) carry CORS headers and
/// expose the session id. Origins not listed get no CORS headers.
#[tokio::test]
async fn browser_pages_from_allowed_origins_get_cors() {
    const APP: &str = "https://app.example.com";
    let server = HttpServer::start(&["--allowed-origins", APP], &[("HELPSCOUT_MCP_TOKEN", TOKEN)]).await;
    let http = http();
    let mcp = server.url("/mcp");
    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, &mcp)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, mcp-protocol-version",
            )
            .send()
    };
    let response = preflight(APP).await.unwrap();
    assert_eq!(response.status(), 204, "a preflight needs no token");
    let header = |r: &reqwest::Response, name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(APP));
    assert!(header(&response, "access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert!(header(&response, "access-control-allow-headers")
        .unwrap()
        .contains("authorization"));

    // Loopback origins pass the Origin check but are not CORS-enabled unless listed.
    let response = preflight("http://localhost:3000").await.unwrap();
    assert_eq!(header(&response, "access-control-allow-origin"), None);
    assert_eq!(preflight("https://evil.example").await.unwrap().status(), 403);

    let accept = "application/json, text/event-stream";
    let unauthorized = http
        .post(&mcp)
        .header("origin", APP)
        .header("accept", accept)
        .json(&initialize_request(1, "2025-11-25"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(
        header(&unauthorized, "access-control-allow-origin").as_deref(),
        Some(APP)
    );
    let response = http
        .post(&mcp)
        .header("origin", APP)
        .header("accept", accept)
        .header("authorization", format!("Bearer {TOKEN}"))
        .json(&initialize_request(1, "2025-11-25"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "access-control-allow-origin").as_deref(), Some(APP));
    assert!(header(&response, "access-control-expose-headers")
        .unwrap()
        .contains("mcp-session-id"));
    assert!(header(&response, "mcp-session-id").is_some());
}

/// --max-sessions bounds open sessions per transport: a new session past it gets 503
/// with Retry-After, stateless requests and existing sessions keep working, and a
/// closed session frees its place.
#[tokio::test]
async fn sessions_past_the_limit_get_503_until_one_closes() {
    let server = HttpServer::start(&["--max-sessions", "2"], &[]).await;
    let http = http();
    let mcp = server.url("/mcp");
    let accept = "application/json, text/event-stream";
    let initialize = || {
        http.post(&mcp)
            .header("accept", accept)
            .json(&initialize_request(1, "2025-11-25"))
            .send()
    };
    let mut open = Vec::new();
    for _ in 0..2 {
        let response = initialize().await.unwrap();
        assert_eq!(response.status(), 200);
        open.push(response.headers()["mcp-session-id"].to_str().unwrap().to_string());
    }
    let refused = initialize().await.unwrap();
    assert_eq!(refused.status(), 503);
    assert_eq!(refused.headers()["retry-after"], "5");
    assert!(refused.text().await.unwrap().contains("--max-sessions"));

    // Stateless requests hold no session and are not counted.
    let stateless = stateless_tools_list(&http, &mcp).send().await.unwrap();
    assert_eq!(stateless.status(), 200);

    let closed = http
        .delete(&mcp)
        .header("mcp-session-id", &open[0])
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), 204);
    assert_eq!(
        initialize().await.unwrap().status(),
        200,
        "a closed session frees its place"
    );

    // Legacy SSE streams have a limit of their own.
    let mut streams = Vec::new();
    for _ in 0..2 {
        let response = http.get(server.url("/sse")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        streams.push(SseReader::new(response));
    }
    assert_eq!(http.get(server.url("/sse")).send().await.unwrap().status(), 503);
    drop(streams.pop());
    // The server notices the closed stream when it next writes to it or polls it.
    let reopened = timeout(WAIT, async {
        loop {
            let response = http.get(server.url("/sse")).send().await.unwrap();
            if response.status() == 200 {
                return response;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(reopened.is_ok(), "a closed SSE stream never freed its place");
}

#[tokio::test]
async fn non_loopback_bind_needs_a_token() {
    let mut cmd = command();
    cmd.args(["--sandbox", "http", "--listen", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let output = timeout(WAIT, cmd.output()).await.expect("exits promptly").unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0 without an auth token"),
        "{stderr}"
    );
    assert!(stderr.contains("HELPSCOUT_MCP_TOKEN"), "{stderr}");

    // With a token (here the flag form) it starts, and loopback clients still get in.
    let server = HttpServer::start(&["--listen", "0.0.0.0:0", "--auth-token", TOKEN], &[]).await;
    let port = server.base.rsplit(':').next().unwrap().to_string();
    let health = http()
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn healthz_answers_ok() {
    let server = HttpServer::start(&[], &[]).await;
    let response = http().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[cfg(unix)]
#[tokio::test]
async fn sigterm_stops_the_server_even_with_an_open_event_stream() {
    let mut server = HttpServer::start(&[], &[]).await;
    let response = http().get(server.url("/sse")).send().await.unwrap();
    let mut events = SseReader::new(response);
    assert_eq!(events.next_event().await.0, "endpoint");
    let pid = server.child.id().unwrap().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().await.unwrap();
    assert!(killed.success());
    let status = timeout(WAIT, server.child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}\n{}", server.log.text());
}
