//! Input schemas that every major host accepts and that cost the model as few tokens
//! as possible: an object at the root, no `$ref`/`$defs` (inlined), no top-level
//! combinators, no `$schema` noise, and none of the keywords schemars adds for Rust's
//! own benefit.
//!
//! An optional argument is simply absent from `required`; its type stays a single type
//! rather than `[T, "null"]`, which Gemini's schema subset refuses and which costs tokens
//! on every optional field. Hosts that use OpenAI strict mode need every property listed
//! as required with a nullable type, and `additionalProperties: false` on every object,
//! instead: [`strict`] produces that form (`--schema-style strict`), and the tool
//! decoders accept `null` for every optional argument, so both forms describe the same
//! calls.

use rmcp::model::JsonObject;
use schemars::JsonSchema;
use serde_json::{Map, Value};

/// Which form of the input schemas `tools/list` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SchemaStyle {
    /// Optional arguments left out of `required`: fewest tokens, accepted by Claude,
    /// Gemini and OpenAI's non-strict function calling.
    #[default]
    Lean,
    /// OpenAI strict mode: every argument required, optional ones nullable,
    /// `additionalProperties: false` on every object.
    Strict,
}

impl SchemaStyle {
    pub fn apply(self, schema: &JsonObject) -> JsonObject {
        match self {
            SchemaStyle::Lean => schema.clone(),
            SchemaStyle::Strict => strict(schema),
        }
    }
}

pub fn input_schema<A: JsonSchema>() -> JsonObject {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    let schema = settings.into_generator().into_root_schema_for::<A>();
    let mut value = schema.to_value();
    if let Value::Object(map) = &mut value {
        map.remove("$schema");
        map.remove("title");
        map.remove("$defs");
        map.remove("definitions");
        if !map.contains_key("properties") {
            map.insert("properties".into(), Value::Object(Map::new()));
        }
        map.insert("type".into(), Value::String("object".into()));
    }
    lean(&mut value);
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// String formats worth keeping: understood by OpenAI strict mode and harmless to
/// Gemini. schemars' integer formats (`uint64`, `int32`, …) describe Rust types, not
/// inputs, and strict mode refuses unknown formats.
const KEPT_FORMATS: &[&str] = &["date-time", "date", "email", "uuid"];

/// Rewrites a schemars schema into the lean, portable form, recursively.
fn lean(value: &mut Value) {
    let Value::Object(map) = value else { return };

    // `Option<T>`: `type: [T, "null"]` → `type: T`; `enum: [.., null]` loses the null.
    if let Some(Value::Array(types)) = map.get("type") {
        let non_null: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        if non_null.len() == 1 {
            map.insert("type".into(), non_null[0].clone());
        } else {
            // Several types (an id or a number): Gemini takes one type per schema, so
            // each becomes an `anyOf` branch.
            map.remove("type");
            let branches = non_null.into_iter().map(|t| serde_json::json!({ "type": t })).collect();
            map.insert("anyOf".into(), Value::Array(branches));
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    // `Option<Struct>` and friends: `anyOf: [S, {type: null}]` → S.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            let non_null: Vec<Value> = branches
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
                .cloned()
                .collect();
            if non_null.len() == 1 && non_null.len() < branches.len() {
                map.remove(key);
                if let Value::Object(inner) = &non_null[0] {
                    for (k, v) in inner {
                        map.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
    }
    // A documented unit enum comes out as `oneOf` of `const`s; strict mode has no
    // `oneOf` and Gemini no `const`, while a plain `enum` means the same. The
    // parameter's own description names the choices.
    if let Some(Value::Array(branches)) = map.get("oneOf") {
        let consts: Option<Vec<Value>> = branches.iter().map(|b| b.get("const").cloned()).collect();
        if let Some(consts) = consts.filter(|c| c.iter().all(Value::is_string)) {
            map.remove("oneOf");
            map.insert("type".into(), Value::String("string".into()));
            map.insert("enum".into(), Value::Array(consts));
        }
    }
    if map
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| !KEPT_FORMATS.contains(&f))
    {
        map.remove("format");
    }
    // Unknown arguments are refused by the decoders with an error naming them, so
    // `additionalProperties: false` tells a model nothing it needs, costs ~6 tokens per
    // object, and Gemini's function declarations refuse the keyword. The strict form
    // puts it back, since OpenAI strict mode requires it.
    map.remove("additionalProperties");
    // `minimum: 0` only restates an unsigned Rust type; ids are never negative anyway.
    if map.get("minimum").and_then(Value::as_f64) == Some(0.0) {
        map.remove("minimum");
    }

    for key in ["properties", "$defs"] {
        if let Some(Value::Object(children)) = map.get_mut(key) {
            children.values_mut().for_each(lean);
        }
    }
    if let Some(child) = map.get_mut("items") {
        lean(child);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            branches.iter_mut().for_each(lean);
        }
    }
}

/// The OpenAI strict-mode form of a lean schema: every object lists all its
/// properties as required, and the ones that were optional accept `null` (the tool
/// decoders treat `null` as absent).
pub fn strict(schema: &JsonObject) -> JsonObject {
    let mut value = Value::Object(schema.clone());
    make_strict(&mut value);
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn make_strict(value: &mut Value) {
    let Value::Object(map) = value else { return };
    // Strict mode supports no defaults; an absent (null) value means the default anyway.
    map.remove("default");
    if is_free_form_object(map) {
        // Strict mode needs every key of an object listed, so an object with free keys
        // travels as a JSON string; the decoders that take one accept both forms.
        let description = map.get("description").and_then(Value::as_str).unwrap_or_default();
        let description = format!("{description} A JSON object, as a string.")
            .trim_start()
            .to_string();
        *map = Map::from_iter([
            ("type".to_string(), Value::String("string".into())),
            ("description".to_string(), Value::String(description)),
        ]);
        return;
    }
    let required: Vec<String> = match map.get("required") {
        Some(Value::Array(names)) => names.iter().filter_map(|n| n.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            make_strict(property);
            if !required.contains(name) {
                make_nullable(property);
            }
        }
        let all: Vec<Value> = properties.keys().cloned().map(Value::String).collect();
        map.insert("required".into(), Value::Array(all));
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    if let Some(items) = map.get_mut("items") {
        make_strict(items);
    }
    if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
        branches.iter_mut().for_each(make_strict);
    }
}

/// An object schema that names none of its keys (`type: object`, no `properties`).
fn is_free_form_object(map: &Map<String, Value>) -> bool {
    let object = match map.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t.as_str() == Some("object")),
        _ => false,
    };
    object && !map.contains_key("properties")
}

fn make_nullable(property: &mut Value) {
    let Value::Object(map) = property else { return };
    if let Some(Value::Array(branches)) = map.get_mut("anyOf") {
        branches.push(serde_json::json!({"type": "null"}));
        return;
    }
    match map.get("type").cloned() {
        Some(Value::String(t)) => {
            map.insert("type".into(), serde_json::json!([t, "null"]));
        }
        Some(Value::Array(mut types)) if !types.iter().any(|t| t.as_str() == Some("null")) => {
            types.push(Value::String("null".into()));
            map.insert("type".into(), Value::Array(types));
        }
        _ => {}
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.push(Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Inner {
        /// An id.
        id: u64,
        note: Option<String>,
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        /// First.
        One,
        /// Second.
        Two,
    }

    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct Args {
        id: u64,
        page: Option<std::num::NonZeroU32>,
        kind: Option<Kind>,
        inner: Option<Inner>,
        items: Option<Vec<Inner>>,
    }

    #[test]
    fn optional_fields_are_single_typed_and_integer_formats_go() {
        let schema = Value::Object(input_schema::<Args>());
        assert_eq!(schema["properties"]["id"], json!({"type": "integer"}));
        assert_eq!(schema["properties"]["page"], json!({"type": "integer", "minimum": 1}));
        assert_eq!(schema["properties"]["kind"]["type"], "string");
        assert_eq!(schema["properties"]["kind"]["enum"], json!(["one", "two"]));
        assert!(schema["properties"]["kind"].get("oneOf").is_none());
        assert_eq!(schema["properties"]["inner"]["type"], "object");
        assert_eq!(
            schema["properties"]["items"]["items"]["properties"]["note"]["type"],
            "string"
        );
        assert_eq!(schema["required"], json!(["id"]));
        assert!(!schema.to_string().contains("null"), "{schema}");
    }

    #[test]
    fn strict_form_sends_a_free_form_object_as_a_json_string() {
        let lean = json!({
            "type": "object",
            "properties": {
                "tool": {"type": "string"},
                "arguments": {"type": "object", "description": "Its arguments.", "default": {}}
            },
            "required": ["tool"]
        });
        let Value::Object(lean) = lean else { unreachable!() };
        let strict = Value::Object(strict(&lean));
        assert_eq!(
            strict["properties"]["arguments"],
            json!({"type": ["string", "null"], "description": "Its arguments. A JSON object, as a string."})
        );
        assert_eq!(strict["required"], json!(["arguments", "tool"]));
    }

    #[test]
    fn strict_form_requires_everything_and_makes_optional_nullable() {
        let lean = input_schema::<Args>();
        let strict = Value::Object(strict(&lean));
        assert_eq!(strict["required"], json!(["id", "inner", "items", "kind", "page"]));
        assert_eq!(strict["properties"]["id"]["type"], "integer");
        assert_eq!(strict["properties"]["page"]["type"], json!(["integer", "null"]));
        assert_eq!(strict["properties"]["kind"]["enum"], json!(["one", "two", null]));
        let inner = &strict["properties"]["inner"];
        assert_eq!(inner["type"], json!(["object", "null"]));
        assert_eq!(inner["required"], json!(["id", "note"]));
        assert_eq!(inner["additionalProperties"], false);
        assert_eq!(inner["properties"]["note"]["type"], json!(["string", "null"]));
        let item = &strict["properties"]["items"]["items"];
        assert_eq!(item["required"], json!(["id", "note"]));
    }
}
