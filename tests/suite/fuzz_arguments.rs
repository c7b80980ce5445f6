#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fuzz target: tool-argument decoding over the whole catalogue.
//!
//! Every registered tool gets arbitrary JSON and schema-shaped arguments with mutations
//! (a node replaced by any value, a key removed, an unknown key added). Through the real
//! handler (decode, then the handler's own checks) and through the whole server path
//! (policy, mailbox/Docs-site scope, audit, redaction, error rendering), a call must never
//! panic or hang, and a rejected argument must be an `InvalidArgument` naming a field the
//! schema has. The client has no credentials, so a call that passes every check stops at
//! its first request with "not configured" and nothing leaves the machine.

use crate::fuzz_support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use helpscout_mcp::audit::AuditLog;
use helpscout_mcp::helpscout::{ApiError, ClientConfig, HelpScoutClient};
use helpscout_mcp::policy::{AccessLevel, Policy, Redact, Toolsets};
use helpscout_mcp::registry::{Registry, ToolDef, ToolError};
use helpscout_mcp::server::{CallControl, HelpScoutServer, ServerState};
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

use fuzz_support::{json, number, text};

/// One call must finish well within this; handlers never sleep without a request.
const CALL_BOUND: Duration = Duration::from_secs(10);

fn offline_client() -> HelpScoutClient {
    HelpScoutClient::new(ClientConfig {
        // Never contacted: no credentials are configured.
        api_base_url: url::Url::parse("http://127.0.0.1:9/").unwrap(),
        docs_api_base_url: url::Url::parse("http://127.0.0.1:9/").unwrap(),
        inbox_auth: None,
        docs_api_key: None,
        rate_limit_per_minute: 400,
        request_timeout: Duration::from_secs(1),
        max_retries: 0,
    })
    .unwrap()
}

fn full_policy(scoped: bool) -> Policy {
    Policy {
        access: AccessLevel::Full,
        toolsets: Toolsets::All,
        docs_available: true,
        redact: [Redact::Email, Redact::Phone, Redact::Name].into_iter().collect(),
        mailboxes: scoped.then(|| BTreeSet::from([301])),
        docs_sites: scoped.then(|| BTreeSet::from(["671001c40000000000000001".to_string()])),
        ..Policy::default()
    }
}

struct Target {
    registry: Registry,
    server: HelpScoutServer,
    client: HelpScoutClient,
    runtime: tokio::runtime::Runtime,
    _audit: tempfile::TempDir,
}

impl Target {
    fn new() -> Target {
        let audit = tempfile::tempdir().unwrap();
        let client = offline_client();
        let state = ServerState::new(Registry::builtin(), full_policy(false), client.clone())
            .with_audit(AuditLog::open(&audit.path().join("audit.jsonl")).unwrap());
        Target {
            registry: Registry::builtin(),
            server: HelpScoutServer::new(Arc::new(state)),
            client,
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            _audit: audit,
        }
    }

    fn tool(&self, name: &str) -> &ToolDef {
        self.registry.get(name).unwrap()
    }

    /// Calls the tool twice (handler alone, whole server path) and checks both outcomes.
    fn check(&self, name: &str, arguments: &Value, scoped: bool) -> Result<(), TestCaseError> {
        let def = self.tool(name);
        let result = self
            .runtime
            .block_on(async {
                tokio::time::timeout(CALL_BOUND, def.call(self.client.clone(), arguments.clone())).await
            })
            .map_err(|_| TestCaseError::fail(format!("{name} hung on {arguments}")))?;
        check_outcome(def, arguments, &result)?;

        let policy = full_policy(scoped);
        let served = self
            .runtime
            .block_on(async {
                tokio::time::timeout(
                    CALL_BOUND,
                    self.server
                        .call_as(&policy, name, arguments.clone(), CallControl::default()),
                )
                .await
            })
            .map_err(|_| TestCaseError::fail(format!("{name} hung in the server on {arguments}")))?;
        let served = served.map_err(|e| TestCaseError::fail(format!("{name}: protocol error {e:?} on {arguments}")))?;
        let text: String = served
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect();
        prop_assert!(!text.trim().is_empty(), "{name}: empty result text");
        if let Err(ToolError::InvalidArgument { .. }) = &result {
            // The decoder is the same on both paths: the server must report it too
            // (unless the scope check refused the call before decoding).
            prop_assert!(
                served.is_error == Some(true)
                    && (text.starts_with(&format!("Invalid arguments for {name}")) || text.contains("refused")),
                "{name}: server answered {text:?} where the handler said {result:?}"
            );
        }
        Ok(())
    }
}

/// Ok, or a failure that names what is wrong. An `InvalidArgument` names (by its first
/// path segment) a property of the schema or a key the agent sent, or `arguments` for
/// the object as a whole.
fn check_outcome(
    def: &ToolDef,
    arguments: &Value,
    result: &Result<impl std::fmt::Debug, ToolError>,
) -> Result<(), TestCaseError> {
    let name = def.spec.name;
    match result {
        Ok(_) => Ok(()),
        Err(ToolError::InvalidArgument { field, message }) => {
            prop_assert!(!message.trim().is_empty(), "{name}: empty message for `{field}`");
            let head = field.split(['.', '[']).next().unwrap_or_default();
            let properties = def.input_schema.get("properties").and_then(Value::as_object);
            // A key the agent sent that the tool does not take is named by itself.
            let sent = arguments.as_object().is_some_and(|m| {
                m.keys()
                    .any(|k| field == k || field.starts_with(&format!("{k}.")) || field.starts_with(&format!("{k}[")))
            });
            prop_assert!(
                head == "arguments" || sent || properties.is_some_and(|p| p.contains_key(head)),
                "{name}: InvalidArgument names `{field}`, which is not in the schema ({message}); arguments: {arguments}"
            );
            Ok(())
        }
        Err(ToolError::Api(ApiError::NotConfigured(_))) => Ok(()),
        Err(ToolError::Api(other)) => Err(TestCaseError::fail(format!(
            "{name}: unexpected API error {other:?} without credentials; arguments: {arguments}"
        ))),
        Err(ToolError::Failed(reason) | ToolError::Denied(reason)) => {
            prop_assert!(!reason.trim().is_empty(), "{name}: empty failure text");
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------
// schema-shaped values

/// Values that fit `schema` most of the time, with the edges of each type.
fn for_schema(schema: &Value, depth: u32) -> BoxedStrategy<Value> {
    let Some(map) = schema.as_object() else {
        return json().boxed();
    };
    if depth > 6 {
        return Just(Value::Null).boxed();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return proptest::sample::select(values.clone()).boxed();
    }
    if let Some(value) = map.get("const") {
        return Just(value.clone()).boxed();
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(variants)) = map.get(key) {
            if !variants.is_empty() {
                return Union::new(variants.iter().map(|v| for_schema(v, depth + 1))).boxed();
            }
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect(),
        _ if map.contains_key("properties") => vec!["object"],
        _ => return json().boxed(),
    };
    Union::new(types.into_iter().map(|t| for_type(map, t, depth))).boxed()
}

fn for_type(map: &Map<String, Value>, ty: &str, depth: u32) -> BoxedStrategy<Value> {
    match ty {
        "null" => Just(Value::Null).boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        "integer" => {
            let min = map.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let max = map.get("maximum").and_then(Value::as_i64).unwrap_or(5_000_000).max(min);
            prop_oneof![4 => (min..=max).prop_map(Value::from), 1 => number()].boxed()
        }
        "number" => number().boxed(),
        "string" => string_for(map),
        "array" => {
            let items = map
                .get("items")
                .map_or_else(|| json().boxed(), |i| for_schema(i, depth + 1));
            let max = map.get("maxItems").and_then(Value::as_u64).unwrap_or(4) as usize;
            prop_oneof![
                8 => proptest::collection::vec(items.clone(), 0..=max.min(4)),
                // Past the documented maximum (e.g. 100 conversation ids): the limit checks.
                1 => proptest::collection::vec(items, 0..=(max + 2).min(130)),
            ]
            .prop_map(Value::Array)
            .boxed()
        }
        _ => object_for(map, depth),
    }
}

fn string_for(map: &Map<String, Value>) -> BoxedStrategy<Value> {
    let fitting: BoxedStrategy<String> = match (
        map.get("format").and_then(Value::as_str),
        map.get("pattern").and_then(Value::as_str),
    ) {
        (_, Some(pattern)) => {
            let pattern = pattern.trim_start_matches('^').trim_end_matches('$');
            match proptest::string::string_regex(pattern) {
                Ok(strategy) => strategy.boxed(),
                Err(_) => text().boxed(),
            }
        }
        (Some("date-time"), _) => prop_oneof![
            Just("2030-01-15T10:00:00Z".to_string()),
            Just("2024-02-30T25:61:00Z".to_string()),
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?",
        ]
        .boxed(),
        (Some("date"), _) => "[0-9]{4}-[0-9]{2}-[0-9]{2}".boxed(),
        (Some("email"), _) => "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}".boxed(),
        (Some("uuid"), _) => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".boxed(),
        _ => prop_oneof![
            3 => text(),
            1 => "[a-z]{1,10}@[a-z]{1,10}\\.(com|io)",
            1 => "[0-9]{1,12}",
            1 => "[0-9a-f]{24}",
            1 => Just(" ".repeat(3)),
            // Long inputs (bodies, queries).
            1 => "[a-z ]{0,50}".prop_map(|s| s.repeat(200)),
        ]
        .boxed(),
    };
    fitting.prop_map(Value::String).boxed()
}

fn object_for(map: &Map<String, Value>, depth: u32) -> BoxedStrategy<Value> {
    let required: BTreeSet<String> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let properties: Vec<(String, Value)> = map
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
        .into_iter()
        .map(|(name, schema)| {
            let value = for_schema(&schema, depth + 1);
            let weight_present = if required.contains(&name) { 9 } else { 1 };
            let named = name.clone();
            prop_oneof![
                weight_present => value.prop_map(move |v| Some((named.clone(), v))),
                1 => Just(None),
            ]
            .boxed()
        })
        .collect();
    // `additionalProperties: {schema}` is a map (e.g. custom fields by slug).
    let extra = match map.get("additionalProperties") {
        Some(schema @ Value::Object(_)) => {
            proptest::collection::vec((fuzz_support::key(), for_schema(schema, depth + 1)), 0..3).boxed()
        }
        _ => Just(Vec::new()).boxed(),
    };
    (fields, extra)
        .prop_map(|(fields, extra)| {
            let mut out: Map<String, Value> = fields.into_iter().flatten().collect();
            out.extend(extra);
            Value::Object(out)
        })
        .boxed()
}

// ---------------------------------------------------------------------------------
// mutations

#[derive(Debug, Clone)]
enum Mutation {
    None,
    /// Replace the node at this (wrapped) index of a pre-order walk.
    Replace(usize, Value),
    /// Remove the member or element at this index.
    Remove(usize),
    /// Add a key the schema does not have to the object at this index.
    AddKey(usize, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::None),
        3 => (any::<usize>(), json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<usize>().prop_map(Mutation::Remove),
        1 => (any::<usize>(), fuzz_support::key(), json()).prop_map(|(i, k, v)| Mutation::AddKey(i, k, v)),
    ]
}

/// JSON pointers of every node, root first.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(mut value: Value, mutation: &Mutation) -> Value {
    let mut all = Vec::new();
    pointers(&value, String::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match mutation {
        Mutation::None => {}
        Mutation::Replace(i, with) => {
            if let Some(node) = value.pointer_mut(&pick(*i)) {
                *node = with.clone();
            }
        }
        Mutation::Remove(i) => {
            let at = pick(*i);
            if let Some((parent, last)) = at.rsplit_once('/') {
                let last = last.replace("~1", "/").replace("~0", "~");
                match value.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&last);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(index) = last.parse::<usize>() {
                            if index < items.len() {
                                items.remove(index);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::AddKey(i, key, with) => {
            if let Some(Value::Object(map)) = value.pointer_mut(&pick(*i)) {
                map.insert(key.clone(), with.clone());
            }
        }
    }
    value
}

/// (tool, arguments, scoped policy?) over the whole catalogue.
fn cases(registry: &Registry) -> impl Strategy<Value = (String, Value, bool)> {
    let per_tool: Vec<BoxedStrategy<(String, Value)>> = registry
        .iter()
        .map(|def| {
            let name = def.spec.name.to_string();
            let schema = Value::Object((*def.input_schema).clone());
            let shaped = (for_schema(&schema, 0), mutation()).prop_map(|(v, m)| apply(v, &m));
            let arguments = prop_oneof![4 => shaped, 1 => json()];
            (Just(name), arguments).boxed()
        })
        .collect();
    (Union::new(per_tool), any::<bool>()).prop_map(|((name, arguments), scoped)| (name, arguments, scoped))
}

#[test]
fn fuzz_tool_arguments() {
    let target = Target::new();
    fuzz_support::run(
        "tool_arguments",
        256,
        cases(&target.registry),
        |(name, arguments, scoped)| target.check(&name, &arguments, scoped),
    );
}

/// The same checks over every tool with fixed hostile inputs, so that each run covers the
/// whole catalogue whatever the random draw.
#[test]
fn every_tool_rejects_hostile_arguments_cleanly() {
    let target = Target::new();
    let mut checked = 0;
    for def in target.registry.iter() {
        let name = def.spec.name;
        let properties = def
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut inputs = vec![
            Value::Null,
            json!([]),
            json!("arguments"),
            json!(42),
            json!({}),
            json!({"unexpected_key": true}),
        ];
        for (key, _) in &properties {
            for wrong in [
                json!(null),
                json!(-1),
                json!(1e300),
                json!(u64::MAX),
                json!(""),
                json!("0x1f"),
                json!([[]]),
                json!({"a": {"b": []}}),
            ] {
                inputs.push(json!({ key: wrong }));
            }
        }
        for input in inputs {
            target
                .check(name, &input, false)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            checked += 1;
        }
    }
    assert!(checked > target.registry.len() * 6, "{checked}");
}

/// Found by `fuzz_tool_arguments`: under a one-mailbox profile, a mailbox filter that was
/// given but is not an id (`""`, `"302"`) was silently replaced by the allowed mailbox, so
/// the agent got another mailbox's list than the one it asked for. It is refused now.
#[test]
fn a_scoped_filter_that_is_not_an_id_is_refused_not_replaced() {
    let target = Target::new();
    let policy = full_policy(true);
    for (tool, arguments) in [
        ("list_workflows", json!({"mailbox_id": ""})),
        ("list_conversations", json!({"mailbox_id": "302"})),
        (
            "get_conversations_report",
            json!({"start": "2030-01-01T00:00:00Z", "end": "2030-01-31T00:00:00Z", "mailbox_ids": "302"}),
        ),
        (
            "docs_list_collections",
            json!({"site_id": ["671001c40000000000000001"]}),
        ),
    ] {
        let result = target
            .runtime
            .block_on(
                target
                    .server
                    .call_as(&policy, tool, arguments.clone(), CallControl::default()),
            )
            .unwrap();
        let text: String = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect();
        assert_eq!(result.is_error, Some(true), "{tool} {arguments}: {text}");
        assert!(
            text.contains("refused") && text.contains("invalid argument"),
            "{tool} {arguments}: {text}"
        );
    }
    // Absent (or null) filters are still forced to the one allowed mailbox / site.
    for (tool, arguments) in [
        ("list_workflows", json!({})),
        ("list_workflows", json!({"mailbox_id": null})),
        ("docs_list_collections", json!({})),
    ] {
        let result = target
            .runtime
            .block_on(
                target
                    .server
                    .call_as(&policy, tool, arguments.clone(), CallControl::default()),
            )
            .unwrap();
        let text: String = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect();
        assert!(
            text.contains("not configured") || text.contains("not set"),
            "{tool} {arguments}: {text}"
        );
    }
}
