#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The tool contract: every registered tool is a row of tools.tsv with the same
//! toolset, access class, idempotency, method and path, and annotations derived from
//! them; every row of a toolset we ship is registered; every input schema is portable.

use std::collections::{BTreeMap, BTreeSet};

use helpscout_mcp::helpscout::Api;
use helpscout_mcp::registry::{Access, Registry};
use serde_json::Value;

const CONTRACT: &str = include_str!("../../tools/helpscout-api/tools.tsv");

struct Row {
    toolset: String,
    access: Access,
    idempotent: bool,
    api: String,
    method: String,
    path: String,
}

fn contract() -> BTreeMap<String, Row> {
    let mut lines = CONTRACT.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (tool, toolset, access, idem, api, method, path) = (
        col("tool"),
        col("toolset"),
        col("access"),
        col("idempotent"),
        col("api"),
        col("method"),
        col("path"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let row = Row {
                toolset: f[toolset].to_string(),
                access: Access::parse(f[access]).unwrap_or_else(|| panic!("bad access in {line}")),
                idempotent: match f[idem] {
                    "yes" => true,
                    "no" => false,
                    other => panic!("bad idempotent {other}"),
                },
                api: f[api].to_string(),
                method: f[method].to_string(),
                path: f[path].to_string(),
            };
            (f[tool].to_string(), row)
        })
        .collect()
}

#[test]
fn every_registered_tool_matches_its_contract_row() {
    let contract = contract();
    let registry = Registry::builtin();
    assert!(!registry.is_empty());
    for def in registry.iter() {
        let spec = &def.spec;
        let row = contract
            .get(spec.name)
            .unwrap_or_else(|| panic!("{} is not in tools.tsv", spec.name));
        assert_eq!(spec.toolset, row.toolset, "{}: toolset", spec.name);
        assert_eq!(spec.access, row.access, "{}: access", spec.name);
        assert_eq!(spec.idempotent, row.idempotent, "{}: idempotent", spec.name);
        assert_eq!(spec.method.as_str(), row.method, "{}: method", spec.name);
        assert_eq!(spec.path, row.path, "{}: path", spec.name);
        let expected_api = if row.api == "docs-v1" { Api::Docs } else { Api::Inbox };
        assert_eq!(spec.api, expected_api, "{}: api", spec.name);

        let tool = serde_json::to_value(def.to_tool()).unwrap();
        let a = &tool["annotations"];
        assert_eq!(
            a["readOnlyHint"],
            Value::Bool(row.access == Access::Read),
            "{}: readOnlyHint",
            spec.name
        );
        assert_eq!(
            a["destructiveHint"],
            Value::Bool(row.access == Access::Destructive),
            "{}: destructiveHint",
            spec.name
        );
        assert_eq!(
            a["idempotentHint"],
            Value::Bool(row.idempotent),
            "{}: idempotentHint",
            spec.name
        );
        assert_eq!(a["openWorldHint"], Value::Bool(true), "{}: openWorldHint", spec.name);
        let title = tool["title"].as_str().unwrap_or_default();
        // The title travels once, as the tool's own title.
        assert!(!title.is_empty() && a.get("title").is_none(), "{}: title", spec.name);
        assert!(!spec.description.is_empty(), "{}: description", spec.name);
    }
}

#[test]
fn full_access_with_all_toolsets_registers_exactly_the_contract() {
    let contract = contract();
    let registry = Registry::builtin();
    let registered: BTreeSet<&str> = registry.iter().map(|d| d.spec.name).collect();
    let rows: BTreeSet<&str> = contract.keys().map(String::as_str).collect();
    let missing: Vec<&&str> = rows.difference(&registered).collect();
    let extra: Vec<&&str> = registered.difference(&rows).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:?}\nnot in tools.tsv: {extra:?}"
    );

    // And the policy that `--access full --toolsets all` builds shows every one of them.
    let policy = helpscout_mcp::policy::Policy {
        access: helpscout_mcp::policy::AccessLevel::Full,
        toolsets: helpscout_mcp::policy::Toolsets::All,
        docs_available: true,
        ..Default::default()
    };
    let hidden: Vec<&str> = registry
        .iter()
        .filter(|d| !policy.allows(&d.spec))
        .map(|d| d.spec.name)
        .collect();
    assert!(hidden.is_empty(), "hidden under full access: {hidden:?}");
    assert_eq!(registered.len(), 189);
}

/// Rules shared by Claude, OpenAI (strict mode) and Gemini function declarations.
fn check_portable(tool: &str, schema: &Value, at_root: bool, problems: &mut Vec<String>) {
    let Value::Object(map) = schema else { return };
    for key in ["$ref", "$defs", "definitions", "$schema"] {
        if map.contains_key(key) {
            problems.push(format!("{tool}: `{key}` in schema"));
        }
    }
    if at_root {
        if map.get("type") != Some(&Value::String("object".into())) {
            problems.push(format!("{tool}: root is not an object"));
        }
        for key in ["anyOf", "oneOf", "allOf", "not"] {
            if map.contains_key(key) {
                problems.push(format!("{tool}: top-level `{key}`"));
            }
        }
    }
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, prop) in props {
            let is_id = name.ends_with("_id") || name == "id";
            if is_id && !tool.starts_with("docs_") && !tool.contains("beacon_chat") {
                let ty = prop.get("type");
                let integer = ty == Some(&Value::String("integer".into()))
                    || ty
                        .and_then(Value::as_array)
                        .is_some_and(|t| t.contains(&Value::String("integer".into())));
                if !integer {
                    problems.push(format!("{tool}: id `{name}` is not typed as an integer"));
                }
            }
            check_portable(tool, prop, false, problems);
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = map.get(key) {
            check_portable(tool, inner, false, problems);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(variants)) = map.get(key) {
            for v in variants {
                check_portable(tool, v, false, problems);
            }
        }
    }
}

#[test]
fn input_schemas_are_portable_across_hosts() {
    let mut problems = Vec::new();
    for def in Registry::builtin().iter() {
        let schema = Value::Object((*def.input_schema).clone());
        check_portable(def.spec.name, &schema, true, &mut problems);
    }
    assert!(problems.is_empty(), "schema problems:\n{}", problems.join("\n"));
}

/// Every tool is named in at least one end-to-end test file (beyond the generic
/// sweeps that call every tool with made-up arguments), so none ships untested.
#[test]
fn every_tool_has_an_end_to_end_test() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/suite");
    let generic = [
        "contract.rs",
        "access_control.rs",
        "scoping.rs",
        "schema_snapshots.rs",
        "readme.rs",
    ];
    let mut sources = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.extension().is_some_and(|e| e == "rs") && !generic.contains(&name.as_str()) {
            sources.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let untested: Vec<&str> = Registry::builtin()
        .iter()
        .map(|d| d.spec.name)
        .filter(|name| !sources.contains(&format!("\"{name}\"")))
        .collect();
    assert!(untested.is_empty(), "tools no end-to-end test names: {untested:?}");
}
