//! HAL+JSON helpers: responses, paging envelopes and Help Scout error bodies.

use axum::body::Body;
use http::header::{CONTENT_TYPE, LOCATION};
use http::{HeaderName, HeaderValue, Response, StatusCode};
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::routes::Req;

pub(crate) type Resp = Response<Body>;
pub(crate) type ApiResult<T = Resp> = Result<T, ApiError>;

pub(crate) const HAL_JSON: &str = "application/hal+json;charset=UTF-8";
pub(crate) const JSON: &str = "application/json;charset=UTF-8";
const ERRORS_ABOUT: &str = "https://developer.helpscout.com/mailbox-api/overview/errors";

/// Page size of every paged list except List Conversations (catalogue 4.3).
pub(crate) const PAGE_SIZE: usize = 50;
/// List Conversations pages by 25 (catalogue 4.3).
pub(crate) const CONVERSATION_PAGE_SIZE: usize = 25;

/// Build a response; header values that cannot be encoded are skipped.
pub(crate) fn response(
    status: u16,
    content_type: Option<&str>,
    headers: &[(&str, String)],
    body: impl Into<Body>,
) -> Resp {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(Ok(ct)) = content_type.map(HeaderValue::from_str) {
        resp.headers_mut().insert(CONTENT_TYPE, ct);
    }
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            resp.headers_mut().append(name, value);
        }
    }
    resp
}

/// 200 with a HAL+JSON body.
pub(crate) fn hal(value: &Value) -> Resp {
    response(200, Some(HAL_JSON), &[], value.to_string())
}

/// A plain JSON body with the given status.
pub(crate) fn json_resp(status: u16, value: &Value) -> Resp {
    response(status, Some(JSON), &[], value.to_string())
}

/// 201 Created: empty body, `Resource-ID` and absolute `Location` (catalogue 4.5).
pub(crate) fn created(location: String, id: u64) -> Resp {
    response(
        201,
        None,
        &[("Resource-ID", id.to_string()), (LOCATION.as_str(), location)],
        Body::empty(),
    )
}

/// 204 No Content, the answer to every PUT/PATCH/DELETE (catalogue 4.5).
pub(crate) fn no_content() -> Resp {
    response(204, None, &[], Body::empty())
}

/// `{"href": url}`.
pub(crate) fn href(url: impl Into<String>) -> Value {
    json!({ "href": url.into() })
}

/// A Help Scout style `logRef` (`<uuid>#<n>`).
pub(crate) fn log_ref() -> String {
    let mut rng = rand::rng();
    let a: u32 = rng.random();
    let b: u16 = rng.random();
    let c: u16 = rng.random();
    let d: u16 = rng.random();
    let e: u64 = rng.random::<u64>() & 0xffff_ffff_ffff;
    let n: u8 = rng.random_range(1..40);
    format!("{a:08x}-{b:04x}-{c:04x}-{d:04x}-{e:012x}#{n}")
}

/// One entry of `_embedded.errors` (catalogue 4.4).
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) rejected: Value,
}

/// An error answer carrying Help Scout's error body.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) message: String,
    pub(crate) errors: Vec<FieldError>,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub(crate) fn new(status: u16, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// 404 for an unknown resource (or a write on a merged conversation).
    pub(crate) fn not_found() -> Self {
        ApiError::new(404, "Resource not found")
    }

    /// 400 "Validation error" with one field error.
    pub(crate) fn invalid(path: &str, message: &str, rejected: Value) -> Self {
        ApiError::validation(vec![FieldError {
            path: path.to_string(),
            message: message.to_string(),
            rejected,
        }])
    }

    /// 400 "Validation error" with the given field errors.
    pub(crate) fn validation(errors: Vec<FieldError>) -> Self {
        ApiError {
            status: 400,
            message: "Validation error".to_string(),
            errors,
            headers: Vec::new(),
        }
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    pub(crate) fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("logRef".into(), Value::String(log_ref()));
        body.insert("message".into(), Value::String(self.message.clone()));
        if !self.errors.is_empty() {
            let errors: Vec<Value> = self
                .errors
                .iter()
                .map(|e| {
                    json!({
                        "path": e.path,
                        "message": e.message,
                        "rejectedValue": e.rejected,
                        "source": "JSON",
                        "_links": { "about": href(format!("{ERRORS_ABOUT}#{}", about_anchor(&e.message))) },
                    })
                })
                .collect();
            body.insert("_embedded".into(), json!({ "errors": errors }));
        }
        body.insert("_links".into(), json!({ "about": href(ERRORS_ABOUT) }));
        Value::Object(body)
    }

    pub(crate) fn into_response(self) -> Resp {
        let headers: Vec<(&str, String)> = self.headers.iter().map(|(n, v)| (*n, v.clone())).collect();
        response(self.status, Some(HAL_JSON), &headers, self.body().to_string())
    }
}

/// A rough constraint name for the `about` anchor, like the real links carry.
fn about_anchor(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("empty") || m.contains("null") || m.contains("required") {
        "NotNull"
    } else if m.contains("future") {
        "Future"
    } else if m.contains("size") || m.contains("between") || m.contains("at most") {
        "Size"
    } else {
        "Invalid"
    }
}

/// The `page` query parameter (1-based; catalogue 4.3).
pub(crate) fn page_param(req: &Req) -> ApiResult<usize> {
    match req.q("page") {
        None | Some("") => Ok(1),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(ApiError::invalid(
                "page",
                "must be a positive integer",
                Value::String(raw.to_string()),
            )),
        },
    }
}

/// The request's query string with `page` replaced; every other parameter is
/// kept byte for byte (links keep the original query, catalogue 4.3).
fn query_with_page(raw: Option<&str>, page: Option<usize>) -> String {
    let mut parts: Vec<String> = raw
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| p.split('=').next() != Some("page"))
        .map(str::to_string)
        .collect();
    if let Some(page) = page {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A HAL page of `items` under `_embedded.<key>` with `page{}` and `_links{}`.
pub(crate) fn paged(req: &Req, key: &str, items: Vec<Value>, page_size: usize) -> ApiResult {
    let number = page_param(req)?;
    let total = items.len();
    let total_pages = total.div_ceil(page_size);
    let page_items: Vec<Value> = items
        .into_iter()
        .skip((number - 1).saturating_mul(page_size))
        .take(page_size)
        .collect();
    let base = format!("{}{}", req.base, req.path);
    let raw = req.raw_query.as_deref();
    let link = |page: usize| href(format!("{base}{}", query_with_page(raw, Some(page))));
    let mut links = Map::new();
    let self_query = raw.map(|q| format!("?{q}")).unwrap_or_default();
    links.insert("self".into(), href(format!("{base}{self_query}")));
    links.insert("first".into(), link(1));
    links.insert("last".into(), link(total_pages.max(1)));
    let others = query_with_page(raw, None);
    let template = if others.is_empty() {
        format!("{base}{{?page}}")
    } else {
        format!("{base}{others}{{&page}}")
    };
    links.insert("page".into(), json!({ "href": template, "templated": true }));
    if number < total_pages {
        links.insert("next".into(), link(number + 1));
    }
    if number > 1 && total_pages > 0 {
        links.insert("previous".into(), link((number - 1).min(total_pages)));
    }
    let mut embedded = Map::new();
    embedded.insert(key.to_string(), Value::Array(page_items));
    Ok(hal(&json!({
        "_embedded": embedded,
        "page": {
            "size": page_size,
            "totalElements": total,
            "totalPages": total_pages,
            "number": number,
        },
        "_links": links,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_is_replaced_and_others_kept() {
        assert_eq!(
            query_with_page(Some("status=all&page=2&tag=a%20b"), Some(3)),
            "?status=all&tag=a%20b&page=3"
        );
        assert_eq!(query_with_page(None, Some(1)), "?page=1");
        assert_eq!(query_with_page(Some("page=4"), None), "");
    }

    #[test]
    fn error_body_shape() {
        let body = ApiError::invalid("customer", "may not be null", Value::Null).body();
        assert_eq!(body["message"], "Validation error");
        assert_eq!(body["_embedded"]["errors"][0]["path"], "customer");
        assert_eq!(body["_embedded"]["errors"][0]["source"], "JSON");
        assert!(body["logRef"].as_str().is_some_and(|s| s.contains('#')));
    }
}
