//! Attachments (catalogue 3 attachments, 4.7).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::hal::{self, ApiError, ApiResult};
use crate::routes::conversations::writable;
use crate::routes::{id, Req};
use crate::state::{Attachment, Conversation, State};
use crate::validate::{truncate_value, Obj};

/// Per-attachment cap (catalogue 4.7).
const MAX_ATTACHMENT: usize = 10 * 1024 * 1024;

pub(crate) fn route(state: &mut State, req: &Req, segs: &[&str]) -> Option<ApiResult> {
    let r = match (req.method.as_str(), segs) {
        ("POST", ["v2", "conversations", cid, "threads", tid, "attachments"]) => upload(state, req, cid, tid),
        ("GET", ["v2", "conversations", cid, "attachments", aid, "data"]) => data(state, cid, aid),
        ("GET", ["v2", "conversations", cid, "attachments", aid, "file"]) => file(state, cid, aid),
        ("DELETE", ["v2", "conversations", cid, "attachments", aid]) => delete(state, cid, aid),
        _ => return None,
    };
    Some(r)
}

/// Width and height from a PNG or GIF header; 0x0 for anything else.
pub(crate) fn image_size(data: &[u8]) -> (u32, u32) {
    if data.len() >= 24 && data.starts_with(b"\x89PNG\r\n\x1a\n") {
        let w = u32::from_be_bytes([data[16], data[17], data[18], data[19]]);
        let h = u32::from_be_bytes([data[20], data[21], data[22], data[23]]);
        return (w, h);
    }
    if data.len() >= 10 && data.starts_with(b"GIF8") {
        let w = u16::from_le_bytes([data[6], data[7]]);
        let h = u16::from_le_bytes([data[8], data[9]]);
        return (u32::from(w), u32::from(h));
    }
    (0, 0)
}

/// `{fileName, mimeType, data(base64)}` -> a stored attachment.
pub(crate) fn parse_attachment(state: &mut State, value: &Value, path: &str) -> ApiResult<Attachment> {
    let Some(mut o) = Obj::nested(value, path.to_string()) else {
        return Err(ApiError::invalid(path, "must be an object", truncate_value(value)));
    };
    let file_name = o.req_str("fileName");
    let mime_type = o.req_str("mimeType");
    let data = o.req_str("data");
    let decoded = data.as_deref().map(|d| {
        base64::engine::general_purpose::STANDARD
            .decode(d.trim())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(d.trim()))
    });
    let bytes = match decoded {
        Some(Ok(bytes)) => Some(bytes),
        Some(Err(_)) => {
            o.error("data", "must be base64 encoded", Value::String("...".into()));
            None
        }
        None => None,
    };
    o.finish()?;
    let (Some(filename), Some(mime_type), Some(data)) = (file_name, mime_type, bytes) else {
        return Err(ApiError::validation(Vec::new()));
    };
    if data.len() > MAX_ATTACHMENT {
        return Err(ApiError::new(413, "Attachments are limited to 10 MB"));
    }
    let (width, height) = image_size(&data);
    Ok(Attachment {
        id: state.new_attachment_id(),
        filename,
        mime_type,
        width,
        height,
        data,
        state: "valid".into(),
    })
}

fn find<'a>(conv: &'a Conversation, seg: &str) -> ApiResult<&'a Attachment> {
    let aid = id(seg)?;
    conv.threads
        .iter()
        .flat_map(|t| t.attachments.iter())
        .find(|a| a.id == aid)
        .ok_or_else(ApiError::not_found)
}

fn conversation<'a>(state: &'a State, seg: &str) -> ApiResult<&'a Conversation> {
    let cid = id(seg)?;
    state.conversations.get(&cid).ok_or_else(ApiError::not_found)
}

fn upload(state: &mut State, req: &Req, cseg: &str, tseg: &str) -> ApiResult {
    let tid = id(tseg)?;
    {
        let conv = writable(state, cseg)?;
        if !conv.threads.iter().any(|t| t.id == tid) {
            return Err(ApiError::not_found());
        }
    }
    let body = req.json()?;
    let attachment = parse_attachment(state, &body, "")?;
    let aid = attachment.id;
    let conv = writable(state, cseg)?;
    let cid = conv.id;
    if let Some(t) = conv.threads.iter_mut().find(|t| t.id == tid) {
        t.attachments.push(attachment);
    }
    conv.modified_at = req.now;
    Ok(hal::created(
        req.url(&format!("/v2/conversations/{cid}/attachments/{aid}")),
        aid,
    ))
}

fn data(state: &State, cseg: &str, aseg: &str) -> ApiResult {
    let conv = conversation(state, cseg)?;
    let a = find(conv, aseg)?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&a.data);
    Ok(hal::hal(&json!({ "data": encoded })))
}

fn file(state: &State, cseg: &str, aseg: &str) -> ApiResult {
    let conv = conversation(state, cseg)?;
    let a = find(conv, aseg)?;
    Ok(hal::response(
        200,
        Some(&a.mime_type),
        &[(
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", a.filename.replace('"', "")),
        )],
        a.data.clone(),
    ))
}

fn delete(state: &mut State, cseg: &str, aseg: &str) -> ApiResult {
    let aid = id(aseg)?;
    let conv = writable(state, cseg)?;
    let mut found = false;
    for t in conv.threads.iter_mut() {
        let before = t.attachments.len();
        t.attachments.retain(|a| a.id != aid);
        found |= t.attachments.len() != before;
    }
    if found {
        Ok(hal::no_content())
    } else {
        Err(ApiError::not_found())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&64u32.to_be_bytes());
        png.extend_from_slice(&40u32.to_be_bytes());
        assert_eq!(image_size(&png), (64, 40));
        assert_eq!(image_size(b"%PDF-1.4"), (0, 0));
    }
}
