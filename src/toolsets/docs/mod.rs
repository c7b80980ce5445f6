//! Docs API v1: sites, collections, categories, articles, redirects, assets
//! (catalogue 3 docs_*, 4.12).
//!
//! The Docs API differs from the Inbox API in ways every tool here relies on:
//! ids are 24-hex strings (articles, categories and collections can also be
//! fetched by number), lists come in `{<key>: {page, pages, count, items}}`
//! envelopes, creates answer 201 with only a `Location` and updates 200 with an
//! empty body unless `reload=true` is passed as a query parameter (catalogue
//! 4.5, section 5), and article bodies are HTML.

mod articles;
mod assets;
mod categories;
mod collections;
mod redirects;
mod sites;

use std::borrow::Cow;
use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::DateTime;
use http::Method;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::helpscout::client::MultipartField;
use crate::helpscout::pagination::docs_page;
use crate::helpscout::{Api, ApiRequest};
use crate::output::compact::{list_result, strip};
use crate::output::ToolOutput;
use crate::registry::{Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};

pub fn tools() -> Vec<ToolDef> {
    let mut tools = sites::tools();
    tools.extend(collections::tools());
    tools.extend(categories::tools());
    tools.extend(articles::tools());
    tools.extend(redirects::tools());
    tools.extend(assets::tools());
    tools
}

/// The declaration of a Docs tool: everything else is per tool.
fn spec(
    name: &'static str,
    access: Access,
    idempotent: bool,
    title: &'static str,
    description: &'static str,
    method: Method,
    path: &'static str,
) -> ToolSpec {
    ToolSpec {
        name,
        toolset: "docs",
        access,
        idempotent,
        title,
        description,
        api: Api::Docs,
        method,
        path,
    }
}

// ------------------------------------------------------------------ ids

pub(crate) fn is_docs_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A Docs id: 24 lowercase hex characters (catalogue 4.10). Validated while the
/// arguments are decoded, so the error names the argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DocsId(String);

impl DocsId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DocsId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let id = raw.trim();
        if is_docs_id(id) {
            Ok(DocsId(id.to_string()))
        } else {
            Err(de::Error::custom(format!(
                "`{raw}` is not a Docs id: expected 24 lowercase hex characters such as 5214c77c45667acd25394b51"
            )))
        }
    }
}

impl JsonSchema for DocsId {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "DocsId".into()
    }

    // No `pattern`: the decoder checks the form and says what was expected, and a
    // model copies ids from earlier results; the regex cost ~11 tokens on each of
    // ~50 id fields.
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schema(json!({ "type": "string" }))
    }
}

fn schema(value: Value) -> Schema {
    match value {
        Value::Object(map) => Schema::from(map),
        _ => Schema::from(true),
    }
}

/// An article, category or collection named by its id or by its number; the
/// endpoint takes either in the same path segment (`{articleIdOrNumber}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdOrNumber {
    Id(DocsId),
    Number(u64),
}

impl fmt::Display for IdOrNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdOrNumber::Id(id) => id.fmt(f),
            IdOrNumber::Number(n) => n.fmt(f),
        }
    }
}

const ID_OR_NUMBER: &str = "a 24-hex Docs id such as 5214c77c45667acd25394b51, or a positive number such as 112";

impl<'de> Deserialize<'de> for IdOrNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IdOrNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(ID_OR_NUMBER)
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<IdOrNumber, E> {
                if n == 0 {
                    return Err(E::custom(format!("0 is not valid: expected {ID_OR_NUMBER}")));
                }
                Ok(IdOrNumber::Number(n))
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<IdOrNumber, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::custom(format!("{n} is not valid: expected {ID_OR_NUMBER}"))),
                }
            }

            fn visit_f64<E: de::Error>(self, n: f64) -> Result<IdOrNumber, E> {
                Err(E::custom(format!("{n} is not valid: expected {ID_OR_NUMBER}")))
            }

            fn visit_str<E: de::Error>(self, raw: &str) -> Result<IdOrNumber, E> {
                let s = raw.trim();
                if is_docs_id(s) {
                    return Ok(IdOrNumber::Id(DocsId(s.to_string())));
                }
                match s.parse::<u64>() {
                    Ok(n) if n > 0 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(IdOrNumber::Number(n)),
                    _ => Err(E::custom(format!(
                        "`{raw}` is not valid: expected {ID_OR_NUMBER} (a slug cannot be used)"
                    ))),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl JsonSchema for IdOrNumber {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "DocsIdOrNumber".into()
    }

    // One type, so that hosts limited to one type per schema (Gemini) take it; the
    // decoder accepts the number as a JSON number too.
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schema(json!({ "type": "string" }))
    }
}

// ------------------------------------------------------------------ enums

pub(crate) use crate::toolsets::common::{wire, SortOrder};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Private,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VisibilityFilter {
    All,
    Public,
    Private,
}

// ------------------------------------------------------------------ output

/// Timestamp fields; Create Category with `reload=true` answers them as Unix
/// seconds (catalogue 4.5), everything else as ISO-8601.
const TIME_FIELDS: &[&str] = &["createdAt", "updatedAt", "lastPublishedAt", "modifiedAt"];

/// One Docs object as the model reads it: no nulls or empties, timestamps as
/// ISO-8601 whatever Help Scout sent.
fn compact(value: &Value) -> Value {
    let mut value = strip(value.clone());
    if let Value::Object(map) = &mut value {
        for key in TIME_FIELDS {
            if let Some(secs) = map.get(*key).and_then(Value::as_i64) {
                // Milliseconds would be a date far in the future as seconds.
                let secs = if secs > 100_000_000_000 { secs / 1000 } else { secs };
                if let Some(t) = DateTime::from_timestamp(secs, 0) {
                    map.insert((*key).into(), json!(t.format("%Y-%m-%dT%H:%M:%SZ").to_string()));
                }
            }
        }
    }
    value
}

/// A Docs list envelope as `{<key>: [...], page, pages, total, next}`.
fn docs_list(body: &Value, key: &str, tool: &str, shape: fn(&Value) -> Value) -> ToolOutput {
    let page = docs_page(body, key);
    let items = page.items.iter().map(shape).collect();
    ToolOutput::json(list_result(key, items, &page, tool))
}

/// `{"deleted": true, <id_field>: id}` and the like: short confirmations for
/// writes that answer 200 with an empty body.
fn confirm(pairs: &[(&str, Value)]) -> ToolOutput {
    let map: Map<String, Value> = pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect();
    ToolOutput::json(Value::Object(map))
}

// ------------------------------------------------------------------ writes

/// Sends a create with `reload=true` and returns the created object; when
/// Help Scout sends no body (201 + Location only), returns `{"id": ...}`.
async fn create(ctx: &ToolContext, request: ApiRequest, key: &str, shape: fn(&Value) -> Value) -> ToolResult {
    let response = ctx.send(request.query("reload", "true")).await?;
    let body = response.json_value()?;
    if let Some(object) = body.get(key).filter(|v| v.is_object()) {
        return Ok(ToolOutput::json(shape(object)));
    }
    match response.resource_id() {
        Some(id) => Ok(ToolOutput::json(json!({ "id": id }))),
        None => Err(ToolError::Failed(format!(
            "Help Scout created the {key} but did not say its id; look it up before creating it again."
        ))),
    }
}

/// Sends an update with `reload=true` and returns the updated object, or a
/// confirmation when the body is empty.
async fn update(
    ctx: &ToolContext,
    request: ApiRequest,
    key: &str,
    shape: fn(&Value) -> Value,
    id: &DocsId,
) -> ToolResult {
    let body = ctx.client.send_json(request.query("reload", "true")).await?;
    match body.get(key).filter(|v| v.is_object()) {
        Some(object) => Ok(ToolOutput::json(shape(object))),
        None => Ok(confirm(&[("updated", json!(true)), ("id", json!(id.as_str()))])),
    }
}

/// A JSON body from a `Serialize` struct.
fn body<T: Serialize>(value: &T, what: &str) -> Result<Value, ToolError> {
    serde_json::to_value(value).map_err(|e| ToolError::Failed(format!("cannot encode the {what}: {e}")))
}

fn non_blank(field: &str, value: &str) -> Result<(), ToolError> {
    if value.trim().is_empty() {
        return Err(ToolError::invalid(field, "must not be empty"));
    }
    Ok(())
}

/// An absolute http(s) URL.
fn absolute_url(field: &str, value: &str) -> Result<(), ToolError> {
    let ok = url::Url::parse(value.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if !ok {
        return Err(ToolError::invalid(
            field,
            format!("`{value}` is not an absolute URL such as https://example.com/path"),
        ));
    }
    Ok(())
}

// ------------------------------------------------------------------ files

/// Largest file the upload tools accept (decoded).
const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// A multipart file part from the tool's `file_name`, `mime_type` and base64 `data`.
fn file_part(file_name: &str, mime_type: &str, data: &str) -> Result<MultipartField, ToolError> {
    non_blank("file_name", file_name)?;
    let mime = mime_type.trim();
    let valid_mime = mime
        .split_once('/')
        .is_some_and(|(kind, sub)| !kind.is_empty() && !sub.is_empty() && !mime.contains(char::is_whitespace));
    if !valid_mime {
        return Err(ToolError::invalid(
            "mime_type",
            format!("`{mime}` is not a MIME type such as image/png"),
        ));
    }
    let data = match data.trim().split_once(";base64,") {
        Some((prefix, rest)) if prefix.starts_with("data:") => rest,
        _ => data,
    };
    let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    if cleaned.is_empty() {
        return Err(ToolError::invalid("data", "must not be empty"));
    }
    let too_large = || ToolError::invalid("data", format!("the file is larger than {} MB", MAX_UPLOAD_BYTES >> 20));
    if cleaned.len() / 4 * 3 > MAX_UPLOAD_BYTES + 3 {
        return Err(too_large());
    }
    let bytes = STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| ToolError::invalid("data", format!("is not valid base64 ({e})")))?;
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(too_large());
    }
    Ok(MultipartField {
        name: "file".into(),
        data: bytes.into(),
        file_name: Some(file_name.trim().to_string()),
        mime_type: Some(mime.to_string()),
    })
}

/// A plain multipart text field.
fn text_field(name: &str, value: impl Into<String>) -> MultipartField {
    MultipartField {
        name: name.into(),
        data: value.into().into_bytes().into(),
        file_name: None,
        mime_type: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::decode_arguments;
    use crate::registry::schema::input_schema;

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct Args {
        article_id: DocsId,
        article_id_or_number: Option<IdOrNumber>,
    }

    #[test]
    fn ids_are_validated_and_the_field_is_named() {
        let ok: Result<Args, _> = decode_arguments(json!({"article_id": " 5214c77c45667acd25394b51 "}));
        assert_eq!(
            ok.map(|a| a.article_id.to_string()).ok().as_deref(),
            Some("5214c77c45667acd25394b51")
        );
        for bad in [json!("5214C77C45667ACD25394B51"), json!("my-article"), json!(42)] {
            let Err(ToolError::InvalidArgument { field, message }) =
                decode_arguments::<Args>(json!({ "article_id": bad }))
            else {
                panic!("{bad} accepted");
            };
            assert_eq!(field, "article_id");
            assert!(message.contains("24") || message.contains("string"), "{message}");
        }
    }

    #[test]
    fn id_or_number_takes_both_and_nothing_else() {
        let id = "5214c77c45667acd25394b51";
        let parse = |v: Value| {
            decode_arguments::<Args>(json!({"article_id": id, "article_id_or_number": v}))
                .map(|a| a.article_id_or_number)
        };
        assert_eq!(parse(json!(112)).ok().flatten(), Some(IdOrNumber::Number(112)));
        assert_eq!(parse(json!("112")).ok().flatten(), Some(IdOrNumber::Number(112)));
        assert_eq!(
            parse(json!(id)).ok().flatten(),
            Some(IdOrNumber::Id(DocsId(id.to_string())))
        );
        for bad in [
            json!(0),
            json!(-3),
            json!(1.5),
            json!("my-article"),
            json!("+5"),
            json!(""),
        ] {
            let Err(ToolError::InvalidArgument { field, .. }) = parse(bad.clone()) else {
                panic!("{bad} accepted");
            };
            assert_eq!(field, "article_id_or_number");
        }
    }

    #[test]
    fn id_schemas_are_plain_strings_checked_by_the_decoder() {
        let schema = Value::Object(input_schema::<Args>());
        assert_eq!(schema["properties"]["article_id"], json!({"type": "string"}));
        assert_eq!(schema["properties"]["article_id_or_number"], json!({"type": "string"}));
    }

    #[test]
    fn unix_timestamps_become_iso() {
        let v =
            compact(&json!({"id": "x", "createdAt": 1_700_000_000, "updatedAt": "2024-01-01T00:00:00Z", "n": null}));
        assert_eq!(
            v,
            json!({"id": "x", "createdAt": "2023-11-14T22:13:20Z", "updatedAt": "2024-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn files_are_checked() {
        assert!(file_part("a.png", "image/png", "iVBORw0KGgo=").is_ok());
        let field = |r: Result<MultipartField, ToolError>| match r {
            Err(ToolError::InvalidArgument { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(file_part("a.png", "image/png", "not base64!")), "data");
        assert_eq!(field(file_part("a.png", "png", "iVBORw0KGgo=")), "mime_type");
        assert_eq!(field(file_part(" ", "image/png", "iVBORw0KGgo=")), "file_name");
    }
}
