#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Shared harness for end-to-end tests: a fresh fake Help Scout, the real server
//! (registry + policy + client) and rmcp's client talking to it over an in-process
//! duplex pipe, exactly as a host would over stdio.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use fake_helpscout::{FakeConfig, FakeHelpScout, RecordedRequest};
use helpscout_mcp::helpscout::{ClientConfig, HelpScoutClient, InboxAuth, Secret};
use helpscout_mcp::policy::{AccessLevel, Policy, Toolsets};
use helpscout_mcp::registry::Registry;
use helpscout_mcp::server::{HelpScoutServer, ServerState};
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;

pub struct Harness {
    pub fake: FakeHelpScout,
    pub client: RunningService<RoleClient, ()>,
}

pub fn client_config(fake: &FakeHelpScout) -> ClientConfig {
    ClientConfig {
        api_base_url: url::Url::parse(&fake.base_url()).expect("fake base url"),
        docs_api_base_url: url::Url::parse(&fake.docs_base_url()).expect("fake docs url"),
        inbox_auth: Some(InboxAuth::ClientCredentials {
            app_id: fake_helpscout::APP_ID.to_string(),
            app_secret: Secret::new(fake_helpscout::APP_SECRET),
        }),
        docs_api_key: Some(Secret::new(fake_helpscout::DOCS_API_KEY)),
        rate_limit_per_minute: 400,
        request_timeout: Duration::from_secs(10),
        max_retries: 3,
    }
}

pub fn policy(access: AccessLevel) -> Policy {
    Policy {
        access,
        toolsets: Toolsets::All,
        docs_available: true,
        ..Policy::default()
    }
}

impl Harness {
    /// A harness with every toolset and the given access level.
    pub async fn new(access: AccessLevel) -> Harness {
        Self::with_policy(policy(access)).await
    }

    pub async fn with_policy(policy: Policy) -> Harness {
        let fake = FakeHelpScout::start(FakeConfig::default())
            .await
            .expect("start fake Help Scout");
        Self::with_fake(fake, policy).await
    }

    pub async fn with_fake(fake: FakeHelpScout, policy: Policy) -> Harness {
        let client = HelpScoutClient::new(client_config(&fake)).expect("client");
        Self::with_client(fake, policy, client).await
    }

    /// A harness over a client built by the test (short timeouts, fast backoff).
    pub async fn with_client(fake: FakeHelpScout, policy: Policy, client: HelpScoutClient) -> Harness {
        Self::with_state(fake, ServerState::new(Registry::builtin(), policy, client)).await
    }

    /// A harness over server state built by the test (tool mode, audit log).
    pub async fn with_state(fake: FakeHelpScout, state: ServerState) -> Harness {
        let server = HelpScoutServer::new(Arc::new(state));
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = server.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let client = ().serve(client_io).await.expect("MCP client connects");
        Harness { fake, client }
    }

    pub async fn tools(&self) -> Vec<Tool> {
        self.client.list_all_tools().await.expect("tools/list")
    }

    /// Calls a tool; protocol-level failures panic (tests only), tool errors come back
    /// as `is_error` results.
    pub async fn call(&self, tool: &str, arguments: Value) -> CallToolResult {
        let mut params = CallToolRequestParams::new(tool.to_string());
        params.arguments = arguments.as_object().cloned();
        self.client
            .call_tool(params)
            .await
            .unwrap_or_else(|e| panic!("tools/call {tool} failed at protocol level: {e}"))
    }

    /// Calls a tool that must succeed and returns its structured content.
    pub async fn ok(&self, tool: &str, arguments: Value) -> Value {
        let result = self.call(tool, arguments).await;
        assert_ne!(result.is_error, Some(true), "{tool} failed: {}", text(&result));
        result
            .structured_content
            .clone()
            .unwrap_or_else(|| panic!("{tool} returned no structured content"))
    }

    /// Calls a tool that must fail and returns its error text.
    pub async fn err(&self, tool: &str, arguments: Value) -> String {
        let result = self.call(tool, arguments).await;
        assert_eq!(
            result.is_error,
            Some(true),
            "{tool} should have failed but returned {}",
            text(&result)
        );
        text(&result)
    }

    /// Requests the fake received that were not token requests or reads (what changed state).
    pub fn writes(&self) -> Vec<fake_helpscout::RecordedRequest> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET" && !r.path.ends_with("/oauth2/token"))
            .collect()
    }
}

pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails if the model would see HAL links, photo URLs or nulls anywhere in `value`.
pub fn assert_compact(value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                assert!(
                    !["_links", "_embedded", "photoUrl"].contains(&key.as_str()),
                    "noise key {key} in {value}"
                );
                assert!(!v.is_null(), "null {key} in {value}");
                assert_compact(v);
            }
        }
        Value::Array(items) => items.iter().for_each(assert_compact),
        _ => {}
    }
}

/// The array under `key`, or a failure that shows the value.
pub fn items<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` array in {value}"))
}

/// The decoded query parameters of a recorded request.
pub fn query(r: &RecordedRequest) -> Vec<(String, String)> {
    url::form_urlencoded::parse(r.query.as_deref().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

pub fn param(r: &RecordedRequest, key: &str) -> Option<String> {
    query(r).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The only write the fake received since the last `clear_requests`.
pub fn single_write(h: &Harness) -> RecordedRequest {
    let writes = h.writes();
    assert_eq!(writes.len(), 1, "expected exactly one write, got {writes:#?}");
    writes.into_iter().next().unwrap()
}

/// The most recent GET the fake received.
pub fn last_get(h: &Harness) -> RecordedRequest {
    h.fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "GET")
        .expect("a GET reached the fake")
}

/// A `Write` target that collects log output for assertions.
#[derive(Clone, Default)]
pub struct LogBuffer(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl LogBuffer {
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Arguments that satisfy a tool's input schema: every required property, with
/// `overrides` (by property name, at any depth) taking precedence over made-up values.
pub fn example_arguments(schema: &serde_json::Map<String, Value>, overrides: &serde_json::Map<String, Value>) -> Value {
    example_object(schema, overrides)
}

fn example_object(schema: &serde_json::Map<String, Value>, overrides: &serde_json::Map<String, Value>) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = serde_json::Map::new();
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            if let Some(value) = overrides.get(name) {
                out.insert(name.clone(), value.clone());
            } else if required.contains(&name.as_str()) {
                out.insert(name.clone(), example_value(prop, overrides));
            }
        }
    }
    Value::Object(out)
}

fn example_value(schema: &Value, overrides: &serde_json::Map<String, Value>) -> Value {
    let Some(map) = schema.as_object() else {
        return Value::Null;
    };
    if let Some(Value::Array(values)) = map.get("enum") {
        return values.first().cloned().unwrap_or(Value::Null);
    }
    if let Some(value) = map.get("const") {
        return value.clone();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(variants)) = map.get(key) {
            if let Some(first) = variants
                .iter()
                .find(|v| v.get("type") != Some(&Value::String("null".into())))
            {
                return example_value(first, overrides);
            }
        }
    }
    let ty = match map.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ => "object".to_string(),
    };
    match ty.as_str() {
        "integer" | "number" => map
            .get("minimum")
            .cloned()
            .filter(|m| m.as_f64().is_some_and(|m| m > 0.0))
            .unwrap_or(Value::from(1)),
        "boolean" => Value::Bool(false),
        "array" => {
            let item = map
                .get("items")
                .map(|i| example_value(i, overrides))
                .unwrap_or(Value::Null);
            Value::Array(vec![item])
        }
        "object" => example_object(map, overrides),
        _ => Value::String(match map.get("format").and_then(Value::as_str) {
            Some("date-time") => "2030-01-15T10:00:00Z".into(),
            Some("date") => "2030-01-15".into(),
            Some("email") => "someone@example.com".into(),
            Some("uri") => "https://example.com/".into(),
            Some("uuid") => "00000000-0000-4000-8000-000000000000".into(),
            _ => match map.get("pattern").and_then(Value::as_str) {
                Some(p) if p.contains("{24}") => "0123456789abcdef01234567".into(),
                _ => "example".into(),
            },
        }),
    }
}
