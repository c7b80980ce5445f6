//! Just enough `multipart/form-data` for the Docs upload endpoints
//! (`/articles/upload`, `/assets/*`).

use super::{DocsError, DocsResult};
use crate::routes::Req;
use crate::DOCS_API_KEY;

#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) name: String,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) data: Vec<u8>,
}

/// The parts of a multipart request; anything else is a 400.
pub(crate) fn from_request(req: &Req) -> DocsResult<Vec<Part>> {
    let content_type = req.header("content-type").unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(DocsError::new(
            415,
            format!("Content-Type must be multipart/form-data, not `{content_type}`"),
        ));
    }
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or_else(|| DocsError::bad_request("multipart boundary is missing"))?;
    parse(boundary, &req.body).map_err(DocsError::bad_request)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

pub(crate) fn parse(boundary: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut pos = find(body, &delimiter, 0).ok_or("multipart body has no boundary")? + delimiter.len();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        let headers_start = pos + if body[pos..].starts_with(b"\r\n") { 2 } else { 0 };
        let headers_end = find(body, b"\r\n\r\n", headers_start).ok_or("multipart part without headers")?;
        let headers = String::from_utf8_lossy(&body[headers_start..headers_end]).into_owned();
        let data_start = headers_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let data_end = find(body, &closing, data_start).ok_or("multipart body is not terminated")?;
        let mut part = Part {
            name: String::new(),
            file_name: None,
            content_type: None,
            data: body[data_start..data_end].to_vec(),
        };
        for line in headers.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for param in value.split(';').map(str::trim) {
                        if let Some(v) = param.strip_prefix("name=") {
                            part.name = v.trim_matches('"').to_string();
                        } else if let Some(v) = param.strip_prefix("filename=") {
                            part.file_name = Some(v.trim_matches('"').to_string());
                        }
                    }
                }
                "content-type" => part.content_type = Some(value.trim().to_string()),
                _ => {}
            }
        }
        parts.push(part);
        pos = data_end + closing.len();
    }
}

/// A non-file field as text.
pub(crate) fn text_field(parts: &[Part], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|p| p.name == name && p.file_name.is_none())
        .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
}

/// The `file` part (required).
pub(crate) fn file(parts: &[Part]) -> DocsResult<&Part> {
    match parts.iter().find(|p| p.name == "file") {
        Some(p) if !p.data.is_empty() => Ok(p),
        Some(_) => Err(DocsError::bad_request("file is empty")),
        None => Err(DocsError::bad_request("file is required")),
    }
}

/// Uploads carry the API key as the form field `key` too (catalogue 4.12).
pub(crate) fn check_key(parts: &[Part]) -> DocsResult<()> {
    match text_field(parts, "key") {
        Some(k) if k == DOCS_API_KEY => Ok(()),
        Some(_) => Err(DocsError::new(401, "Invalid API key")),
        None => Err(DocsError::new(401, "The form field `key` (your API key) is required")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_and_files() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nabc\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"file\"; filename=\"a.md\"\r\nContent-Type: text/markdown\r\n\r\n# Hi\r\n\r\n--XyZ--\r\n";
        let parts = parse("XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(text_field(&parts, "key").as_deref(), Some("abc"));
        let f = file(&parts).unwrap();
        assert_eq!(f.file_name.as_deref(), Some("a.md"));
        assert_eq!(f.content_type.as_deref(), Some("text/markdown"));
        assert_eq!(f.data, b"# Hi\r\n");
    }
}
