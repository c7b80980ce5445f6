//! Bounded auto-pagination: `max_items` on every paged read tool.
//!
//! Central rather than per tool: [`crate::registry::Registry::new`] makes every read tool
//! whose input schema has a `page` property pageable. Its schema gains one optional
//! `max_items`, and its handler is wrapped by [`wrap`], which takes `max_items` out of
//! the arguments (the argument structs deny unknown fields), runs the tool for the
//! requested page and, while the result says more remain and fewer than `max_items`
//! items were collected, runs it again for the next page. Without `max_items` the tool
//! runs exactly once, as before.
//!
//! The wrapper reads what [`crate::output::compact::list_result`] produces —
//! `{<key>: [..], page, pages, total, next}` — and never the HTTP response, so it works
//! the same for HAL lists, Docs envelopes and report drilldowns. The merged result is
//! the same shape with the items of every page, `pages`/`total` of the last page, and
//! an explicit `more` (with `next` saying where to continue when it is true).
//!
//! Bounds: `max_items` is clamped to [`MAX_ITEMS_CAP`], and one call fetches at most
//! [`MAX_PAGES_PER_CALL`] pages, however long Help Scout keeps saying "next".
//! Cancellation needs nothing here: the server drops the call's future when the client
//! cancels, so no further page is requested.

use std::fmt;
use std::sync::{Arc, LazyLock};

use futures::future::BoxFuture;
use futures::FutureExt;
use regex::Regex;
use rmcp::model::JsonObject;
use serde_json::{json, Map, Value};

use crate::output::{errors, ToolOutput};
use crate::registry::{Access, Handler, ToolContext, ToolError, ToolResult, ToolSpec};

/// The argument that turns auto-pagination on.
pub const MAX_ITEMS: &str = "max_items";
/// The most items one call collects, whatever `max_items` asks for.
pub const MAX_ITEMS_CAP: u64 = 500;
/// The most pages one call fetches (500 items are 20 pages of 25, Help Scout's smallest
/// page size), so a list that never stops saying "next" cannot loop forever.
pub const MAX_PAGES_PER_CALL: usize = 20;

/// One progress report: items collected so far, out of how many (when known).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub progress: u64,
    pub total: Option<u64>,
    pub message: String,
}

/// Where a long call reports progress: the server turns it into MCP
/// `notifications/progress` when the client's request carried a progress token.
#[derive(Clone)]
pub struct ProgressSink(Arc<dyn Fn(Progress) -> BoxFuture<'static, ()> + Send + Sync>);

impl ProgressSink {
    pub fn new<F>(report: F) -> Self
    where
        F: Fn(Progress) -> BoxFuture<'static, ()> + Send + Sync + 'static,
    {
        Self(Arc::new(report))
    }

    pub async fn report(&self, progress: Progress) {
        (self.0)(progress).await;
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// Whether a tool gets `max_items`: reads only (a write is never repeated), and only
/// when it takes a `page`.
pub(crate) fn is_pageable(spec: &ToolSpec, schema: &JsonObject) -> bool {
    let properties = schema.get("properties").and_then(Value::as_object);
    spec.access == Access::Read && properties.is_some_and(|p| p.contains_key("page") && !p.contains_key(MAX_ITEMS))
}

/// Adds the optional `max_items` property to a pageable tool's schema.
pub(crate) fn add_max_items(schema: &mut JsonObject) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.insert(
            MAX_ITEMS.into(),
            // No per-tool description: ~25 tokens on each of ~40 tools. The server
            // instructions explain `max_items` once, and the result says `more`.
            json!({"type": "integer", "minimum": 1}),
        );
    }
}

/// Wraps a pageable tool's handler with the collecting loop.
pub(crate) fn wrap(inner: Handler) -> Handler {
    Arc::new(move |ctx: ToolContext, arguments: Value| collect(inner.clone(), ctx, arguments).boxed())
}

async fn collect(inner: Handler, ctx: ToolContext, arguments: Value) -> ToolResult {
    let Value::Object(mut arguments) = arguments else {
        // Not an object: the tool's own decoding says what is wrong.
        return inner(ctx, arguments).await;
    };
    let requested = match arguments.remove(MAX_ITEMS) {
        // `null` is "absent", as for every optional argument (strict-mode hosts send it).
        None | Some(Value::Null) => return inner(ctx, Value::Object(arguments)).await,
        Some(raw) => raw.as_u64().filter(|n| *n >= 1).ok_or_else(|| {
            ToolError::invalid(
                MAX_ITEMS,
                format!("must be a whole number of at least 1 (at most {MAX_ITEMS_CAP} are collected), not {raw}"),
            )
        })?,
    };
    let limit = usize::try_from(requested.min(MAX_ITEMS_CAP)).unwrap_or(usize::MAX);
    let tool = ctx.spec.name;

    let mut collected: Vec<Value> = Vec::new();
    let mut extra = Vec::new();
    let mut fetched = 0;
    // The page being asked for; Help Scout's default is the first.
    let mut page = arguments.get("page").and_then(Value::as_u64).unwrap_or(1);
    // The last page that came back: its list key and everything but the items.
    let mut last: Option<(String, Map<String, Value>)> = None;
    // The last `next` hint seen: the wording the tool uses to say how to continue.
    let mut hint: Option<String> = None;

    let end = loop {
        let output = match inner(ctx.clone(), Value::Object(arguments.clone())).await {
            Ok(output) => output,
            // The first page fails as the tool does, unchanged.
            Err(error) if fetched == 0 => return Err(error),
            // A later one keeps what was collected and says which page failed, so nothing
            // is dropped silently and the pages already fetched are not wasted.
            Err(error) => {
                tracing::info!(tool, page, "a later page of a collecting call failed");
                break End::Failed(format!("page {page} failed: {}", errors::render(tool, &error)));
            }
        };
        fetched += 1;
        let ListPage { key, items, rest } = match split_list(output.value) {
            Ok(list) => list,
            // Not a paged list after all: nothing to collect.
            Err(value) if fetched == 1 => {
                return Ok(ToolOutput {
                    value,
                    extra: output.extra,
                })
            }
            Err(_) => break End::Failed(format!("page {page} did not come back as a list")),
        };
        extra.extend(output.extra);
        let number = rest.get("page").and_then(Value::as_u64).unwrap_or(page);
        let more_pages = rest.contains_key("next");
        if let Some(next) = rest.get("next").and_then(Value::as_str) {
            hint = Some(next.to_string());
        }
        let total = rest.get("total").and_then(Value::as_u64);
        let pages = rest.get("pages").and_then(Value::as_u64);

        let room = limit.saturating_sub(collected.len());
        let on_page = items.len();
        collected.extend(items.into_iter().take(room));
        let taken = on_page.min(room);
        last = Some((key, rest));

        if let Some(sink) = &ctx.progress {
            let message = match pages {
                Some(pages) => format!("page {number} of {pages}"),
                None => format!("page {number}"),
            };
            sink.report(Progress {
                progress: collected.len() as u64,
                total: total.map(|t| t.min(limit as u64)),
                message,
            })
            .await;
        }

        if taken < on_page {
            // The page held more than there was room for: continue from this page.
            break End::More {
                page: number,
                already: taken,
            };
        }
        if !more_pages {
            break End::Done;
        }
        // list_result puts the page of Help Scout's `_links.next` into the `next` hint,
        // which is all a handler's result keeps of the link. Follow that page, and only
        // forwards.
        let next = hint.as_deref().and_then(hint_page).unwrap_or(number + 1);
        if collected.len() >= limit {
            break End::More { page: next, already: 0 };
        }
        if next <= number {
            break End::Stuck { page: next };
        }
        if fetched >= MAX_PAGES_PER_CALL {
            break End::Ceiling { page: next };
        }
        page = next;
        arguments.insert("page".into(), Value::from(next));
    };

    let Some((key, mut rest)) = last else {
        // Unreachable: a failure before any page returned above.
        return Err(ToolError::Failed(format!("{tool} returned no page")));
    };
    let mut incomplete: Option<String> = None;
    let resume = match end {
        End::Done => None,
        End::More { page, already } => Some((page, already)),
        End::Ceiling { page } => {
            incomplete = Some(format!(
                "stopped after {MAX_PAGES_PER_CALL} pages, the most one call fetches"
            ));
            Some((page, 0))
        }
        End::Stuck { page } => {
            incomplete = Some("Help Scout's next page did not advance; stopped here".into());
            Some((page, 0))
        }
        End::Failed(reason) => {
            incomplete = Some(reason);
            // The page that failed is the one to ask for again.
            Some((page, 0))
        }
    };
    if resume.is_some() && incomplete.is_none() && collected.len() >= limit && requested > MAX_ITEMS_CAP {
        incomplete = Some(format!("max_items is capped at {MAX_ITEMS_CAP}"));
    }
    rest.insert(key, Value::Array(collected));
    rest.insert("more".into(), Value::Bool(resume.is_some()));
    match resume {
        Some((page, already)) => {
            let mut next = continue_hint(hint.as_deref(), tool, page);
            if already > 0 {
                let items = if already == 1 { "item is" } else { "items are" };
                next.push_str(&format!(" (its first {already} {items} already in this result)"));
            }
            rest.insert("next".into(), Value::String(next));
        }
        None => {
            rest.remove("next");
        }
    }
    if let Some(reason) = incomplete {
        rest.insert("incomplete".into(), Value::String(reason));
    }
    Ok(ToolOutput {
        value: Value::Object(rest),
        extra,
    })
}

/// Why the collecting loop stopped.
enum End {
    /// The last page was reached and fit.
    Done,
    /// `max_items` reached; more remain from `page`, whose first `already` items are in.
    More { page: u64, already: usize },
    /// [`MAX_PAGES_PER_CALL`] pages fetched.
    Ceiling { page: u64 },
    /// The next page was not after the current one.
    Stuck { page: u64 },
    /// A page after the first failed; the reason, rendered for the model.
    Failed(String),
}

/// One page of a `list_result`: its list key, its items and everything else.
struct ListPage {
    key: String,
    items: Vec<Value>,
    rest: Map<String, Value>,
}

/// A `list_result` split into its parts; any other shape comes back unchanged. The
/// list is the one top-level array.
fn split_list(value: Value) -> Result<ListPage, Value> {
    let Value::Object(mut map) = value else {
        return Err(value);
    };
    let mut arrays = map.iter().filter(|(_, v)| v.is_array()).map(|(k, _)| k.clone());
    let (Some(key), None) = (arrays.next(), arrays.next()) else {
        return Err(Value::Object(map));
    };
    match map.remove(&key) {
        Some(Value::Array(items)) => Ok(ListPage { key, items, rest: map }),
        Some(other) => {
            map.insert(key, other);
            Err(Value::Object(map))
        }
        None => Err(Value::Object(map)),
    }
}

static PAGE_IN_HINT: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\bpage=(\d+)").ok());

/// The page number a `next` hint names ("call list_tags again with page=3 for more").
fn hint_page(hint: &str) -> Option<u64> {
    PAGE_IN_HINT.as_ref()?.captures(hint)?.get(1)?.as_str().parse().ok()
}

/// The tool's own `next` wording (it may name other arguments, e.g. page_size) with the
/// page to continue from; the plain wording when the tool gave none.
fn continue_hint(hint: Option<&str>, tool: &str, page: u64) -> String {
    match (hint, PAGE_IN_HINT.as_ref()) {
        (Some(hint), Some(re)) if re.is_match(hint) => re.replace(hint, format!("page={page}")).into_owned(),
        _ => format!("call {tool} again with page={page} for more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_their_page_and_keep_their_wording() {
        let hint = "call docs_list_articles_in_collection again with page=2 and page_size=3 for more";
        assert_eq!(hint_page(hint), Some(2));
        assert_eq!(hint_page("no page here"), None);
        assert_eq!(
            continue_hint(Some(hint), "x", 7),
            "call docs_list_articles_in_collection again with page=7 and page_size=3 for more"
        );
        assert_eq!(
            continue_hint(None, "list_tags", 3),
            "call list_tags again with page=3 for more"
        );
    }

    #[test]
    fn only_a_single_top_level_array_is_a_list() {
        let Ok(list) = split_list(json!({"tags": [1, 2], "page": 1, "next": "x"})) else {
            panic!("a list_result is a list");
        };
        assert_eq!((list.key.as_str(), list.items.len()), ("tags", 2));
        assert_eq!(list.rest.get("page"), Some(&json!(1)));
        assert!(split_list(json!({"a": [], "b": []})).is_err());
        assert!(split_list(json!({"id": 1})).is_err());
        assert!(split_list(json!([1])).is_err());
    }
}
