#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fuzz target: JSON-RPC framing on stdio.
//!
//! The built binary runs `--sandbox stdio` as a host would spawn it. Between valid
//! requests it is fed arbitrary lines: bytes that are not UTF-8, text, partial and
//! truncated JSON, JSON-RPC messages with wrong types and unknown methods, very long and
//! very deeply nested lines. The process must never exit, and must answer every valid
//! request (matched by id; whatever it answers to the garbage is ignored).

use crate::fuzz_support;

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};

use fuzz_support::{json, text};

const BIN: &str = env!("CARGO_BIN_EXE_helpscout-mcp");
/// Bound on waiting for one answer (the sandbox answers in milliseconds).
const ANSWER_BOUND: Duration = Duration::from_secs(20);

/// The spawned server: its stdin, its stdout as lines, its stderr in a file.
struct Server {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Vec<u8>>,
    stderr: tempfile::NamedTempFile,
    next_id: u64,
    last_tool_call: Option<Instant>,
}

impl Server {
    fn spawn() -> Server {
        let stderr = tempfile::NamedTempFile::new().unwrap();
        let mut command = Command::new(BIN);
        for (name, _) in std::env::vars() {
            if name.starts_with("HELPSCOUT_") {
                command.env_remove(name);
            }
        }
        let mut child = command
            .args(["--sandbox", "stdio"])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr.reopen().unwrap())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        // Drains stdout continuously, so the server never blocks writing answers to garbage.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).split(b'\n') {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            stdin,
            lines,
            stderr,
            next_id: 0,
            last_tool_call: None,
        };
        let init = server.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "0"}}),
        );
        assert!(init.is_ok(), "initialize: {init:?}");
        server
            .write(&line(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"})))
            .unwrap();
        server
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stdin.write_all(bytes)?;
        self.stdin.flush()
    }

    /// Sends a request with a fresh id and waits for the answer with that id.
    fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = format!("valid-{}", self.next_id);
        let request = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.write(&line(&request))
            .map_err(|e| format!("writing {method}: {e}"))?;
        self.answer(&id)
    }

    fn answer(&mut self, id: &str) -> Result<Value, String> {
        let deadline = Instant::now() + ANSWER_BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .map_err(|e| format!("no answer to {id} within {ANSWER_BOUND:?} ({e})"))?;
            let Ok(message) = serde_json::from_slice::<Value>(&line) else {
                return Err(format!(
                    "the server wrote a line that is not JSON: {:?}",
                    String::from_utf8_lossy(&line)
                ));
            };
            if message.get("id") == Some(&Value::String(id.into())) {
                return match message.get("result") {
                    Some(result) => Ok(result.clone()),
                    None => Err(format!("{id} answered with an error: {message}")),
                };
            }
        }
    }

    fn stderr_tail(&self) -> String {
        let mut text = String::new();
        let _ = self.stderr.reopen().and_then(|mut f| f.read_to_string(&mut text));
        let start = text.len().saturating_sub(2_000);
        text.get(start..).unwrap_or_default().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn line(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap();
    bytes.push(b'\n');
    bytes
}

/// The valid requests interleaved with the garbage. A tool call reaches the sandbox's
/// fake Help Scout, whose budget is 400 requests a minute like the real one's; past it a
/// call rightly waits for the next window. So tool calls go at most once a second, and
/// the other cases ping or list tools.
fn valid_request(server: &mut Server, which: u8) -> Result<(), String> {
    let call_tool = server
        .last_tool_call
        .is_none_or(|at| at.elapsed() >= Duration::from_secs(1));
    let (method, params) = match which % 2 {
        _ if call_tool => {
            server.last_tool_call = Some(Instant::now());
            ("tools/call", json!({"name": "list_mailboxes", "arguments": {}}))
        }
        0 => ("ping", json!({})),
        _ => ("tools/list", json!({})),
    };
    let result = server.request(method, params)?;
    match method {
        "tools/list" if result["tools"].as_array().is_none_or(Vec::is_empty) => Err(format!("no tools: {result}")),
        "tools/call" if result["isError"] == json!(true) => Err(format!("list_mailboxes failed: {result}")),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------
// garbage

#[derive(Debug, Clone)]
enum Garbage {
    Bytes(Vec<u8>),
    Text(String),
    Json(Value),
    Rpc(Value),
    /// A valid request cut off at this byte.
    Truncated(usize),
    /// A line of this many repetitions of a short pattern.
    Long(String, usize),
    /// This many opening brackets (past serde_json's recursion limit).
    Nested(usize),
}

impl Garbage {
    fn bytes(&self) -> Vec<u8> {
        let mut bytes = match self {
            Garbage::Bytes(b) => b.clone(),
            Garbage::Text(t) => t.clone().into_bytes(),
            Garbage::Json(v) | Garbage::Rpc(v) => serde_json::to_vec(v).unwrap(),
            Garbage::Truncated(at) => {
                let full = serde_json::to_vec(&json!({
                    "jsonrpc": "2.0", "id": 7, "method": "tools/call",
                    "params": {"name": "get_conversation", "arguments": {"conversation_id": 2000001}}
                }))
                .unwrap();
                full[..(*at).min(full.len().saturating_sub(1))].to_vec()
            }
            Garbage::Long(pattern, n) => pattern.repeat(*n).into_bytes(),
            Garbage::Nested(n) => "[".repeat(*n).into_bytes(),
        };
        // Every piece of garbage ends its line, so it cannot swallow the next request.
        bytes.push(b'\n');
        bytes
    }
}

fn rpc() -> impl Strategy<Value = Value> {
    let method = prop_oneof![
        proptest::sample::select(vec![
            "initialize",
            "ping",
            "tools/list",
            "tools/call",
            "resources/list",
            "prompts/list",
            "logging/setLevel",
            "completion/complete",
            "notifications/initialized",
            "notifications/cancelled",
            "notifications/progress",
            "notifications/roots/list_changed",
            "tasks/get",
        ])
        .prop_map(|m| Value::String(m.into())),
        text().prop_map(Value::String),
        json(),
    ];
    let id = prop_oneof![
        (0i64..1000).prop_map(Value::from),
        text().prop_map(Value::String),
        Just(Value::Null),
        json(),
    ];
    let params = prop_oneof![
        json(),
        (
            // Tools whose arguments here never validate (or that do not exist), so the
            // garbage does not spend the sandbox's rate-limit budget.
            proptest::sample::select(vec!["no_such_tool", "delete_webhook", "docs_get_article"]),
            json()
        )
            .prop_map(|(name, arguments)| json!({"name": name, "arguments": arguments})),
    ];
    let version = prop_oneof![
        Just(json!("2.0")),
        Just(json!("1.0")),
        Just(json!(2)),
        Just(Value::Null)
    ];
    (version, id, method, params, proptest::collection::vec(any::<bool>(), 4)).prop_map(
        |(version, id, method, params, keep)| {
            let mut message = serde_json::Map::new();
            for ((key, value), keep) in [("jsonrpc", version), ("id", id), ("method", method), ("params", params)]
                .into_iter()
                .zip(keep)
            {
                if keep {
                    message.insert(key.into(), value);
                }
            }
            Value::Object(message)
        },
    )
}

fn garbage() -> impl Strategy<Value = Garbage> {
    prop_oneof![
        3 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(Garbage::Bytes),
        2 => text().prop_map(Garbage::Text),
        2 => json().prop_map(Garbage::Json),
        4 => rpc().prop_map(Garbage::Rpc),
        2 => (0usize..160).prop_map(Garbage::Truncated),
        1 => ("[ -~]{1,8}", 1usize..40_000).prop_map(|(p, n)| Garbage::Long(p, n)),
        1 => (129usize..50_000).prop_map(Garbage::Nested),
    ]
}

#[test]
fn fuzz_stdio_framing() {
    let server = RefCell::new(Server::spawn());
    fuzz_support::run(
        "stdio_framing",
        64,
        (proptest::collection::vec(garbage(), 1..6), any::<u8>()),
        |(pieces, which)| {
            let mut server = server.borrow_mut();
            // A case that killed the process fails; the next one (and shrinking) gets a new one.
            if !server.alive() {
                *server = Server::spawn();
            }
            let bytes: Vec<u8> = pieces.iter().flat_map(Garbage::bytes).collect();
            let written = server.write(&bytes);
            let answered = written
                .map_err(|e| format!("writing garbage: {e}"))
                .and_then(|()| valid_request(&mut server, which));
            if let Err(problem) = answered {
                return Err(TestCaseError::fail(format!(
                    "{problem}; process alive: {}; stderr:\n{}",
                    server.alive(),
                    server.stderr_tail()
                )));
            }
            prop_assert!(server.alive(), "the process exited; stderr:\n{}", server.stderr_tail());
            Ok(())
        },
    );
}

/// Fixed inputs that break naive line readers, each followed by a valid request.
#[test]
fn hostile_lines_never_stop_the_server() {
    let mut server = Server::spawn();
    let valid_ping = |id: &str| format!(r#"{{"jsonrpc":"2.0","id":"{id}","method":"ping"}}"#);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // rmcp drops lines over 16 MiB and keeps the connection: one just past it.
        ("a line past the 16 MiB limit", {
            let mut b = vec![b'x'; 16 * 1024 * 1024 + 10];
            b.push(b'\n');
            b
        }),
        ("a 2 MiB JSON string", {
            let mut b = format!(r#"{{"jsonrpc":"2.0","id":"big","method":"ping","params":{{"x":"{}"}}}}"#, "y".repeat(2 << 20)).into_bytes();
            b.push(b'\n');
            b
        }),
        ("invalid UTF-8 inside JSON", b"{\"jsonrpc\":\"2.0\",\"id\":\"\xff\xfe\",\"method\":\"ping\"}\n".to_vec()),
        ("lone continuation bytes", b"\x80\x80\x80\xc0\xaf\n".to_vec()),
        ("NUL bytes", b"\0\0\0{\0}\n".to_vec()),
        ("100k nested arrays", {
            let mut b = "[".repeat(100_000).into_bytes();
            b.push(b'\n');
            b
        }),
        ("a batch", b"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]\n".to_vec()),
        ("a response the server never asked for", b"{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}\n".to_vec()),
        ("a cancellation of nothing", b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"nope\"}}\n".to_vec()),
        ("a second initialize", b"{\"jsonrpc\":\"2.0\",\"id\":\"again\",\"method\":\"initialize\",\"params\":{}}\n".to_vec()),
        ("huge numbers", b"{\"jsonrpc\":\"2.0\",\"id\":1e999999,\"method\":\"tools/call\",\"params\":{\"name\":\"get_conversation\",\"arguments\":{\"conversation_id\":1e400}}}\n".to_vec()),
        ("only whitespace", b"   \t  \r\n\n\n".to_vec()),
        ("a partial line finished later", {
            let mut b = br#"{"jsonrpc":"2.0","#.to_vec();
            b.extend_from_slice(b"garbage\n");
            b
        }),
    ];
    for (what, bytes) in cases {
        server
            .write(&bytes)
            .unwrap_or_else(|e| panic!("{what}: {e}\n{}", server.stderr_tail()));
        let answered = server.request("ping", json!({}));
        assert!(
            answered.is_ok() && server.alive(),
            "after {what}: {answered:?}\nstderr:\n{}",
            server.stderr_tail()
        );
    }
    // Framing variants of a valid request are still answered.
    for (what, bytes) in [
        ("CRLF", format!("{}\r\n", valid_ping("crlf"))),
        ("a byte-order mark", format!("\u{feff}{}\n", valid_ping("bom"))),
        ("leading blank lines", format!("\n\n{}\n", valid_ping("blank"))),
    ] {
        server.write(bytes.as_bytes()).unwrap();
        let id = bytes
            .split("\"id\":\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap();
        assert!(
            server.answer(id).is_ok(),
            "{what} was not answered\n{}",
            server.stderr_tail()
        );
    }
    // A tool call still works at the end.
    server.last_tool_call = None;
    valid_request(&mut server, 0).unwrap();
}
