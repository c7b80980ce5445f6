//! Help Scout's list envelopes: HAL pages (`_embedded.<key>`, `page{}`, `_links.next`,
//! catalogue 4.3), bare arrays (saved replies), and Docs envelopes
//! (`{<key>: {page, pages, count, items}}`).

use serde_json::Value;

/// One page of a list, whatever envelope it came in.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<Value>,
    /// 1-based page number, when the envelope says.
    pub number: Option<u64>,
    pub total_pages: Option<u64>,
    pub total_items: Option<u64>,
    /// `_links.next.href` as Help Scout gave it (absolute URL), if there is a next page.
    pub next_href: Option<String>,
}

impl Page {
    pub fn has_more(&self) -> bool {
        self.next_href.is_some() || matches!((self.number, self.total_pages), (Some(n), Some(t)) if n < t)
    }
}

/// Reads a HAL list: `_embedded.<key>` (missing means empty), `page{}` and `_links.next`.
pub fn hal_page(body: &Value, key: &str) -> Page {
    let items = body
        .pointer(&format!("/_embedded/{key}"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let page = body.get("page");
    let num = |field: &str| page.and_then(|p| p.get(field)).and_then(Value::as_u64);
    Page {
        items,
        number: num("number"),
        total_pages: num("totalPages"),
        total_items: num("totalElements"),
        next_href: body
            .pointer("/_links/next/href")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

/// Reads a Docs API envelope `{<key>: {page, pages, count, items}}`.
pub fn docs_page(body: &Value, key: &str) -> Page {
    let envelope = body.get(key);
    let num = |field: &str| envelope.and_then(|e| e.get(field)).and_then(Value::as_u64);
    Page {
        items: envelope
            .and_then(|e| e.get("items"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        number: num("page"),
        total_pages: num("pages"),
        total_items: num("count"),
        next_href: None,
    }
}

/// The value of one query parameter of an absolute or relative href (e.g. the v3
/// customers `cursor` carried by `_links.next`).
pub fn query_param(href: &str, name: &str) -> Option<String> {
    let query = href.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_hal_page_with_next() {
        let body = json!({
            "_embedded": {"tags": [{"id": 1}, {"id": 2}]},
            "page": {"size": 50, "totalElements": 52, "totalPages": 2, "number": 1},
            "_links": {"next": {"href": "https://api.helpscout.net/v2/tags?page=2"}}
        });
        let page = hal_page(&body, "tags");
        assert_eq!(page.items.len(), 2);
        assert_eq!(
            (page.number, page.total_pages, page.total_items),
            (Some(1), Some(2), Some(52))
        );
        assert!(page.has_more());
        assert_eq!(
            query_param(page.next_href.as_deref().unwrap_or(""), "page").as_deref(),
            Some("2")
        );
    }

    #[test]
    fn missing_embedded_is_an_empty_last_page() {
        let page = hal_page(
            &json!({"page": {"number": 1, "totalPages": 1, "totalElements": 0}}),
            "tags",
        );
        assert!(page.items.is_empty());
        assert!(!page.has_more());
    }

    #[test]
    fn reads_a_docs_envelope() {
        let body = json!({"articles": {"page": 1, "pages": 3, "count": 120, "items": [{"id": "a"}]}});
        let page = docs_page(&body, "articles");
        assert_eq!(page.items.len(), 1);
        assert!(page.has_more());
    }
}
