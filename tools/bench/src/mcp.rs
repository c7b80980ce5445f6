//! Minimal MCP clients: newline-delimited JSON-RPC over a child's stdio, and Streamable
//! HTTP sessions with raw reqwest. Raw on purpose: the benchmarks time the server, so
//! the client does as little as possible, and the token benchmark needs the exact bytes
//! the server sent.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};

use crate::proc::Proc;

pub const PROTOCOL_VERSION: &str = "2025-11-25";
const ACCEPT: &str = "application/json, text/event-stream";

fn initialize_params() -> Value {
    json!({
        "protocolVersion": PROTOCOL_VERSION,
        "capabilities": {},
        "clientInfo": {"name": "helpscout-mcp-bench", "version": "0"}
    })
}

/// One tools/call answer.
#[derive(Debug, Clone)]
pub struct ToolReply {
    /// The whole JSON-RPC response as the server sent it.
    pub raw: String,
    pub is_error: bool,
    /// The text content blocks, joined: what a text-only host shows the model.
    pub text: String,
}

impl ToolReply {
    fn parse(raw: String) -> Result<ToolReply> {
        let message: Value = serde_json::from_str(raw.trim()).context("the answer is not JSON")?;
        if let Some(error) = message.get("error") {
            bail!("JSON-RPC error: {error}");
        }
        let result = message
            .get("result")
            .ok_or_else(|| anyhow!("the answer has no result: {}", clip(&raw)))?;
        let is_error = result.get("isError").and_then(Value::as_bool).unwrap_or(false);
        let text = result
            .get("content")
            .and_then(Value::as_array)
            .map(|blocks| {
                blocks
                    .iter()
                    .filter_map(|b| b.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        Ok(ToolReply { raw, is_error, text })
    }

    /// The answer was a rate-limit refusal (Help Scout's 429, or the server's own
    /// "budget exhausted" when the wait would be too long).
    pub fn is_rate_limited(&self) -> bool {
        self.is_error && (self.text.contains("429") || self.text.to_lowercase().contains("rate limit"))
    }
}

pub fn clip(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// An MCP session over a child's stdin/stdout.
pub struct StdioSession {
    pub proc: Proc,
    next_id: u64,
    timeout: Duration,
}

impl StdioSession {
    pub fn new(proc: Proc, timeout: Duration) -> Self {
        StdioSession {
            proc,
            next_id: 1,
            timeout,
        }
    }

    /// Sends a request and returns its response line and when it was read. Lines that
    /// are not this response (notifications, log messages) are skipped.
    pub fn request(&mut self, method: &str, params: Value) -> Result<(Instant, String)> {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.proc.send_line(&message.to_string())?;
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (at, line) = self
                .proc
                .recv_line(left)
                .with_context(|| format!("waiting for the answer to {method}"))?;
            let answer: Value = match serde_json::from_str(line.trim()) {
                Ok(v) => v,
                Err(_) => bail!("not JSON on stdout: {}", clip(&line)),
            };
            if answer.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = answer.get("error") {
                    bail!("{method} failed: {error}");
                }
                return Ok((at, line));
            }
        }
    }

    pub fn notify(&mut self, method: &str) -> Result<()> {
        self.proc
            .send_line(&json!({"jsonrpc": "2.0", "method": method}).to_string())
    }

    /// initialize + notifications/initialized; returns when the initialize answer was read.
    pub fn initialize(&mut self) -> Result<Instant> {
        let (at, _) = self.request("initialize", initialize_params())?;
        self.notify("notifications/initialized")?;
        Ok(at)
    }

    pub fn list_tools(&mut self) -> Result<(Instant, String)> {
        self.request("tools/list", json!({}))
    }

    pub fn call_tool(&mut self, name: &str, arguments: &Value) -> Result<ToolReply> {
        let (_, line) = self.request("tools/call", json!({"name": name, "arguments": arguments}))?;
        ToolReply::parse(line)
    }

    pub fn close(self, timeout: Duration) -> Result<()> {
        self.proc.close_and_wait(timeout)
    }
}

/// A Streamable HTTP session (2025-11-25: `initialize` creates it, `Mcp-Session-Id`
/// names it).
pub struct HttpSession {
    client: reqwest::Client,
    url: String,
    session: String,
    next_id: u64,
}

impl HttpSession {
    /// `url` is the server's `/mcp` endpoint.
    pub async fn open(client: &reqwest::Client, url: &str) -> Result<HttpSession> {
        let response = client
            .post(url)
            .header("accept", ACCEPT)
            .json(&json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": initialize_params()}))
            .send()
            .await
            .context("initialize")?;
        if !response.status().is_success() {
            bail!("initialize answered HTTP {}", response.status());
        }
        let session = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| anyhow!("initialize answered without Mcp-Session-Id"))?
            .to_string();
        let _ = jsonrpc_body(response).await?;
        let this = HttpSession {
            client: client.clone(),
            url: url.to_string(),
            session,
            next_id: 1,
        };
        let response = this
            .post(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await?;
        if response.status().as_u16() != 202 {
            bail!("notifications/initialized answered HTTP {}", response.status());
        }
        Ok(this)
    }

    fn post(&self, body: &Value) -> impl std::future::Future<Output = Result<reqwest::Response>> + '_ {
        let request = self
            .client
            .post(&self.url)
            .header("accept", ACCEPT)
            .header("mcp-session-id", &self.session)
            .header("mcp-protocol-version", PROTOCOL_VERSION)
            .json(body);
        async move { request.send().await.context("POST /mcp") }
    }

    pub async fn call_tool(&mut self, name: &str, arguments: &Value) -> Result<ToolReply> {
        let id = self.next_id;
        self.next_id += 1;
        let response = self
            .post(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                           "params": {"name": name, "arguments": arguments}}))
            .await?;
        if !response.status().is_success() {
            bail!("tools/call answered HTTP {}", response.status());
        }
        ToolReply::parse(jsonrpc_body(response).await?)
    }

    /// Ends the session (DELETE), so the server can free it.
    pub async fn close(self) -> Result<()> {
        self.client
            .delete(&self.url)
            .header("mcp-session-id", &self.session)
            .header("mcp-protocol-version", PROTOCOL_VERSION)
            .send()
            .await
            .context("DELETE /mcp")?;
        Ok(())
    }
}

/// The JSON-RPC answer in a response: a JSON body, or the first SSE `data:` event that
/// carries a result or an error.
async fn jsonrpc_body(response: reqwest::Response) -> Result<String> {
    let is_sse = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let body = response.text().await.context("reading the answer")?;
    if !is_sse {
        return Ok(body);
    }
    body.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(str::trim)
        .find(|data| {
            serde_json::from_str::<Value>(data).is_ok_and(|v| v.get("result").is_some() || v.get("error").is_some())
        })
        .map(str::to_string)
        .ok_or_else(|| anyhow!("the event stream carried no answer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tool_replies() {
        let ok = ToolReply::parse(
            r#"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"{\"id\":1}"}],"structuredContent":{"id":1}}}"#
                .into(),
        )
        .unwrap();
        assert!(!ok.is_error);
        assert_eq!(ok.text, r#"{"id":1}"#);
        let limited = ToolReply::parse(
            r#"{"jsonrpc":"2.0","id":4,"result":{"isError":true,"content":[{"type":"text","text":"Help Scout returned HTTP 429: Too Many Requests"}]}}"#
                .into(),
        )
        .unwrap();
        assert!(limited.is_rate_limited());
        assert!(ToolReply::parse(r#"{"jsonrpc":"2.0","id":5,"error":{"code":-32602}}"#.into()).is_err());
    }
}
