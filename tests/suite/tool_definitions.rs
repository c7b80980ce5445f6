#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What the tool list costs and where it is accepted: the token budget of every tool
//! definition (o200k_base, counted on the JSON the server sends), and the schema
//! rules of OpenAI strict mode and Gemini's function-declaration subset, checked over
//! the whole catalogue.

use crate::common;

use helpscout_mcp::registry::{schema, Registry};
use serde_json::{Map, Value};

/// Mean and ceiling per tool over the full catalogue, with annotations and titles.
/// The aim was a mean of 110, but the catalogue without a single description already
/// costs ~122 per tool (names, titles, the four annotations, typed parameters and
/// enums); BENCHMARKS.md has the figures. These budgets hold what was reached.
const MEAN_BUDGET: f64 = 150.0;
const MAX_BUDGET: usize = 300;
/// Tools over the ceiling, each with its own budget: one tool per Help Scout operation
/// (the contract), and these operations take nested bodies (threads with customers
/// and attachments; customer entry lists with their type enums) or many filters.
const HEAVY: &[(&str, usize)] = &[
    ("create_conversation", 620),
    ("send_new_conversation", 610),
    ("create_customer", 610),
    ("update_customer", 560),
    ("list_conversations", 400),
];

#[test]
fn every_tool_definition_fits_the_token_budget() {
    let bpe = tiktoken_rs::o200k_base().unwrap();
    let mut counts: Vec<(usize, String)> = Registry::builtin()
        .iter()
        .map(|def| {
            let json = serde_json::to_string(&def.to_tool()).unwrap();
            (bpe.encode_ordinary(&json).len(), def.spec.name.to_string())
        })
        .collect();
    counts.sort();
    // The same definitions with every description removed: what the names, titles,
    // annotations and schema structure cost on their own.
    let bare: usize = Registry::builtin()
        .iter()
        .map(|def| {
            let mut tool = serde_json::to_value(def.to_tool()).unwrap();
            strip_descriptions(&mut tool);
            bpe.encode_ordinary(&tool.to_string()).len()
        })
        .sum();
    println!(
        "without any description: mean {:.1} per tool",
        bare as f64 / counts.len() as f64
    );
    let total: usize = counts.iter().map(|(n, _)| n).sum();
    let mean = total as f64 / counts.len() as f64;
    let heaviest: Vec<String> = counts
        .iter()
        .rev()
        .take(10)
        .map(|(n, name)| format!("{name} {n}"))
        .collect();
    println!(
        "{} tools, {total} tokens, mean {mean:.1}, heaviest: {}",
        counts.len(),
        heaviest.join(", ")
    );
    // TOOL_TOKENS=1 lists every tool and the mean per toolset, for editing descriptions.
    if std::env::var_os("TOOL_TOKENS").is_some() {
        let registry = Registry::builtin();
        let mut toolsets: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
        for (n, name) in &counts {
            let toolset = registry.get(name).map_or("?", |d| d.spec.toolset);
            let entry = toolsets.entry(toolset).or_default();
            entry.0 += n;
            entry.1 += 1;
            println!("{n:5} {toolset:14} {name}");
        }
        for (toolset, (sum, n)) in toolsets {
            println!("toolset {toolset:14} {n:3} tools, mean {:.1}", sum as f64 / n as f64);
        }
    }
    assert!(
        mean <= MEAN_BUDGET,
        "mean {mean:.1} tokens per tool (budget {MEAN_BUDGET})"
    );
    let budget = |name: &str| {
        HEAVY
            .iter()
            .find(|(heavy, _)| *heavy == name)
            .map_or(MAX_BUDGET, |(_, b)| *b)
    };
    let over: Vec<_> = counts.iter().filter(|(n, name)| *n > budget(name)).collect();
    assert!(
        over.is_empty(),
        "over budget ({MAX_BUDGET} unless listed in HEAVY): {over:?}"
    );
}

fn strip_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if !map.contains_key("type") || map.get("description").is_some_and(Value::is_string) {
                map.remove("description");
            }
            map.values_mut().for_each(strip_descriptions);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_descriptions),
        _ => {}
    }
}

/// Keywords a schema may use at all: the intersection of what OpenAI strict mode
/// and Gemini accept.
const KEYWORDS: &[&str] = &[
    "type",
    "description",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "anyOf",
    "format",
    "minimum",
    "maximum",
    "pattern",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
];
const TYPES: &[&str] = &["object", "array", "string", "integer", "number", "boolean"];
const FORMATS: &[&str] = &["date-time", "date", "email", "uuid"];

fn check(schema: &Value, path: &str, strict: bool, problems: &mut Vec<String>) {
    let Some(map) = schema.as_object() else {
        problems.push(format!("{path}: not an object"));
        return;
    };
    for key in map.keys() {
        if !KEYWORDS.contains(&key.as_str()) {
            problems.push(format!("{path}: keyword `{key}`"));
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) if strict => ts.iter().filter_map(Value::as_str).collect(),
        Some(other) => {
            problems.push(format!("{path}: type {other} (one type expected)"));
            return;
        }
        None if map.contains_key("anyOf") => Vec::new(),
        None => {
            problems.push(format!("{path}: no type"));
            Vec::new()
        }
    };
    for t in &types {
        if !TYPES.contains(t) && (!strict || *t != "null") {
            problems.push(format!("{path}: type {t}"));
        }
    }
    if let Some(format) = map.get("format").and_then(Value::as_str) {
        if !FORMATS.contains(&format) || !types.contains(&"string") {
            problems.push(format!("{path}: format {format}"));
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        if !values.iter().all(|v| v.is_string() || (strict && v.is_null())) {
            problems.push(format!("{path}: enum values must be strings"));
        }
    }
    if types.contains(&"object") {
        // Strict mode requires `additionalProperties: false`; Gemini refuses the keyword.
        match (strict, map.get("additionalProperties")) {
            (true, Some(Value::Bool(false))) | (false, None) => {}
            (true, _) => problems.push(format!("{path}: object without additionalProperties: false")),
            (false, Some(_)) => problems.push(format!("{path}: additionalProperties (Gemini refuses it)")),
        }
        let properties = map.get("properties").and_then(Value::as_object);
        if properties.is_none() {
            problems.push(format!("{path}: object without properties"));
        }
        if strict {
            let names: Vec<&String> = properties.map(|p| p.keys().collect()).unwrap_or_default();
            let required: Vec<&str> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if names.len() != required.len() || names.iter().any(|n| !required.contains(&n.as_str())) {
                problems.push(format!("{path}: strict mode needs every property required"));
            }
        }
        for (name, child) in properties.into_iter().flatten() {
            check(child, &format!("{path}.{name}"), strict, problems);
        }
    }
    if let Some(items) = map.get("items") {
        check(items, &format!("{path}[]"), strict, problems);
    } else if types.contains(&"array") {
        problems.push(format!("{path}: array without items"));
    }
    if let Some(Value::Array(branches)) = map.get("anyOf") {
        for (i, branch) in branches.iter().enumerate() {
            check(branch, &format!("{path}.anyOf[{i}]"), strict, problems);
        }
    }
}

fn depth(schema: &Value) -> usize {
    let children = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_object)
            .map(|m| m.values().map(depth).max().unwrap_or(0))
            .unwrap_or(0)
    };
    let items = schema.get("items").map(depth).unwrap_or(0);
    1 + children("properties").max(items)
}

fn root_problems(name: &str, schema: &Map<String, Value>) -> Vec<String> {
    let mut problems = Vec::new();
    if schema.get("type") != Some(&Value::String("object".into())) {
        problems.push(format!("{name}: root is not an object"));
    }
    for combinator in ["anyOf", "oneOf", "allOf", "not", "$ref", "$defs", "definitions"] {
        if schema.contains_key(combinator) {
            problems.push(format!("{name}: `{combinator}` at the root"));
        }
    }
    // OpenAI strict mode: at most 10 levels of nesting.
    if depth(&Value::Object(schema.clone())) > 10 {
        problems.push(format!("{name}: nested deeper than 10 levels"));
    }
    problems
}

/// Gemini's function declarations take an OpenAPI-style subset: one type per schema,
/// no `$ref`, no `oneOf`/`const`, string enums, object root. This is the form the
/// server sends by default.
#[test]
fn every_input_schema_fits_gemini_and_the_strict_keyword_subset() {
    let mut problems = Vec::new();
    for def in Registry::builtin().iter() {
        let name = def.spec.name;
        problems.extend(root_problems(name, &def.input_schema));
        check(&Value::Object((*def.input_schema).clone()), name, false, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// OpenAI strict mode additionally wants every property required, optional ones
/// nullable: the `--schema-style strict` form.
#[test]
fn every_input_schema_in_strict_form_meets_openai_strict_mode() {
    let mut problems = Vec::new();
    for def in Registry::builtin().iter() {
        let name = def.spec.name;
        let strict = schema::strict(&def.input_schema);
        problems.extend(root_problems(name, &strict));
        check(&Value::Object(strict), name, true, &mut problems);
    }
    // The gateway's runners too: their free-form `arguments` object becomes a string.
    for tool in helpscout_mcp::gateway::definitions() {
        let strict = schema::strict(&tool.input_schema);
        problems.extend(root_problems(&tool.name, &strict));
        check(&Value::Object(strict), &tool.name, true, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// What a strict-mode model sends: every property present, `null` for the ones it
/// leaves out, at every depth.
fn strict_instance(schema: &Map<String, Value>) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let value = if !required.contains(&name.as_str()) {
            Value::Null
        } else if property.get("properties").is_some() {
            strict_instance(property.as_object().unwrap())
        } else if let Some(item) = property.get("items").filter(|i| i.get("properties").is_some()) {
            Value::Array(vec![strict_instance(item.as_object().unwrap())])
        } else {
            let wrapper = serde_json::json!({"properties": {"x": property}, "required": ["x"]});
            common::example_arguments(wrapper.as_object().unwrap(), &Map::new())["x"].clone()
        };
        out.insert(name.clone(), value);
    }
    Value::Object(out)
}

/// The strict form only holds if the decoders take `null` wherever the lean schema
/// leaves a property optional: call every tool with such arguments and check that no
/// argument error is about a null.
#[tokio::test]
async fn every_tool_takes_null_for_each_optional_argument() {
    let h = common::Harness::new(helpscout_mcp::policy::AccessLevel::Full).await;
    let (mut problems, mut succeeded) = (Vec::new(), 0);
    for def in Registry::builtin().iter() {
        let arguments = strict_instance(&def.input_schema);
        let result = h.call(def.spec.name, arguments.clone()).await;
        succeeded += usize::from(result.is_error != Some(true));
        let text = common::text(&result);
        if text.contains("invalid type: null") || text.contains("unknown field") {
            problems.push(format!("{}: {arguments} → {text}", def.spec.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Made-up ids make many calls fail with 404; the list tools must still succeed,
    // or the calls never reached a decoder.
    assert!(succeeded >= 20, "only {succeeded} calls succeeded");
}

/// `--schema-style strict` sends that form in tools/list, and the server still runs
/// the calls a strict-mode model makes with it (every optional argument `null`).
#[tokio::test]
async fn strict_schema_style_lists_strict_schemas_and_takes_their_calls() {
    use helpscout_mcp::registry::schema::SchemaStyle;
    use helpscout_mcp::server::ServerState;
    let fake = fake_helpscout::FakeHelpScout::start(fake_helpscout::FakeConfig::default())
        .await
        .unwrap();
    let client = helpscout_mcp::helpscout::HelpScoutClient::new(common::client_config(&fake)).unwrap();
    let policy = common::policy(helpscout_mcp::policy::AccessLevel::Full);
    let state = ServerState::new(Registry::builtin(), policy, client).with_schema_style(SchemaStyle::Strict);
    let h = common::Harness::with_state(fake, state).await;
    let tools = h.tools().await;
    assert_eq!(tools.len(), 189);
    let mut problems = Vec::new();
    for tool in &tools {
        problems.extend(root_problems(&tool.name, &tool.input_schema));
        check(
            &Value::Object((*tool.input_schema).clone()),
            &tool.name,
            true,
            &mut problems,
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Which arguments a strict-mode model fills with null: the optional ones of the lean form.
    let registry = Registry::builtin();
    let arguments = strict_instance(&registry.get("list_conversations").unwrap().input_schema);
    assert!(
        arguments["status"].is_null() && arguments["max_items"].is_null(),
        "{arguments}"
    );
    let result = h.ok("list_conversations", arguments).await;
    assert!(!common::items(&result, "conversations").is_empty(), "{result}");
}
