//! Shared shaping helpers: strip HAL noise, keep what an agent needs.

use serde_json::{Map, Value};

use crate::helpscout::pagination::{hal_page, query_param, Page};

/// Keys that only matter to a browser or a HAL client, never to an agent.
const NOISE_KEYS: &[&str] = &["_links", "photoUrl", "photoType", "avatarUrl"];

/// Removes HAL links, photo URLs, nulls, empty strings/arrays/objects, recursively,
/// and lifts `_embedded` members into the object itself.
pub fn strip(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                if NOISE_KEYS.contains(&key.as_str()) {
                    continue;
                }
                if key == "_embedded" {
                    if let Value::Object(embedded) = v {
                        for (ek, ev) in embedded {
                            let ev = strip(ev);
                            if !is_empty(&ev) {
                                out.insert(ek, ev);
                            }
                        }
                    }
                    continue;
                }
                let v = strip(v);
                if !is_empty(&v) {
                    out.insert(key, v);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(strip).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A list result: `{<key>: [...], page, pages, total, next}` where `next` tells the
/// model exactly how to get the following page (or is absent on the last one).
pub fn list_result(key: &str, items: Vec<Value>, page: &Page, tool: &str) -> Value {
    let mut out = Map::new();
    out.insert(key.to_string(), Value::Array(items));
    if let Some(n) = page.number {
        out.insert("page".into(), n.into());
    }
    if let Some(p) = page.total_pages {
        out.insert("pages".into(), p.into());
    }
    if let Some(t) = page.total_items {
        out.insert("total".into(), t.into());
    }
    if page.has_more() {
        // The page Help Scout's `_links.next` names; the following number when the
        // envelope has no link (Docs) or the link no page.
        let next = page
            .next_href
            .as_deref()
            .and_then(|href| query_param(href, "page"))
            .and_then(|p| p.parse::<u64>().ok())
            .or_else(|| page.number.map(|n| n + 1))
            .unwrap_or(2);
        out.insert(
            "next".into(),
            Value::String(format!("call {tool} again with page={next} for more")),
        );
    }
    Value::Object(out)
}

/// A HAL list page under its own list key, every item stripped of links, photo URLs and
/// empty values.
pub fn hal_list(body: &Value, key: &str, tool: &str) -> Value {
    let page = hal_page(body, key);
    let items = page.items.iter().cloned().map(strip).collect();
    list_result(key, items, &page, tool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn next_names_the_page_of_help_scouts_next_link() {
        let page = |number: Option<u64>, href: Option<&str>| Page {
            items: Vec::new(),
            number,
            total_pages: Some(9),
            total_items: None,
            next_href: href.map(str::to_string),
        };
        let next = |p: &Page| list_result("tags", Vec::new(), p, "list_tags")["next"].clone();
        let linked = page(Some(2), Some("https://api.helpscout.net/v2/tags?page=5&x=1"));
        assert_eq!(next(&linked), "call list_tags again with page=5 for more");
        assert_eq!(next(&page(Some(2), None)), "call list_tags again with page=3 for more");
        let no_page_in_link = page(Some(4), Some("https://api.helpscout.net/v2/tags?x=1"));
        assert_eq!(next(&no_page_in_link), "call list_tags again with page=5 for more");
    }

    #[test]
    fn strips_noise_and_lifts_embedded() {
        let v = json!({"id": 1, "photoUrl": "x", "_links": {"self": {}}, "note": null, "tags": [],
                       "_embedded": {"threads": [{"id": 2, "_links": {}}]}});
        assert_eq!(strip(v), json!({"id": 1, "threads": [{"id": 2}]}));
    }

    #[test]
    fn list_result_says_how_to_get_more() {
        let page = Page {
            items: vec![],
            number: Some(1),
            total_pages: Some(3),
            total_items: Some(120),
            next_href: None,
        };
        let v = list_result("tags", vec![json!({"id": 1})], &page, "list_tags");
        assert_eq!(v["next"], "call list_tags again with page=2 for more");
        let last = Page {
            number: Some(3),
            ..page
        };
        assert!(list_result("tags", vec![], &last, "list_tags").get("next").is_none());
    }
}
