//! Attachments: upload to a thread, download (images as MCP image content), delete.

use crate::output::compact::strip;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::Method;
use rmcp::model::{ContentBlock, ResourceContents};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{created_id, non_blank};
use crate::helpscout::Api;
use crate::output::shapes::truncate;
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "upload_attachment",
                toolset: "conversations",
                access: Access::Write,
                idempotent: false,
                title: "Upload attachment",
                description: "Attach a file (max 10 MB) to an existing thread; nothing is emailed. For a new reply or \
                              note use its `attachments` instead.",
                api: Api::Inbox,
                method: Method::POST,
                path: "/v2/conversations/{conversationId}/threads/{threadId}/attachments",
            },
            upload_attachment,
        ),
        declare(
            ToolSpec {
                name: "get_attachment",
                toolset: "conversations",
                access: Access::Read,
                idempotent: true,
                title: "Get attachment",
                description: "Download an attachment (max 5 MB; ids from get_conversation or list_threads): images as \
                              images, text as text, other files embedded.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/conversations/{conversationId}/attachments/{attachmentId}/data",
            },
            get_attachment,
        ),
        declare(
            ToolSpec {
                name: "delete_attachment",
                toolset: "conversations",
                access: Access::Destructive,
                idempotent: true,
                title: "Delete attachment",
                description: "Permanent.",
                api: Api::Inbox,
                method: Method::DELETE,
                path: "/v2/conversations/{conversationId}/attachments/{attachmentId}",
            },
            delete_attachment,
        ),
    ]
}

/// Help Scout's per-attachment limit (catalogue 4.7).
const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// What get_attachment hands to a model; larger files are refused, not cut.
const MAX_DOWNLOAD_BYTES: usize = 5 * 1024 * 1024;
/// A text attachment is shown up to this many characters.
const MAX_TEXT_CHARS: usize = 100_000;

// A file to attach, as sent with a new thread or uploaded on its own. (A plain comment:
// a doc comment would become the description of every `attachments` item.)
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAttachment {
    pub file_name: String,
    pub mime_type: String,
    /// Base64.
    pub data: String,
}

/// Checks one attachment and returns Help Scout's `{fileName, mimeType, data}` plus the
/// decoded size.
fn attachment_body(field: &str, file: &NewAttachment) -> Result<(Value, usize), ToolError> {
    non_blank(&format!("{field}.file_name"), &file.file_name)?;
    let mime = file.mime_type.trim();
    let valid_mime = mime
        .split_once('/')
        .is_some_and(|(kind, sub)| !kind.is_empty() && !sub.is_empty() && !mime.contains(char::is_whitespace));
    if !valid_mime {
        return Err(ToolError::invalid(
            format!("{field}.mime_type"),
            format!("`{mime}` is not a MIME type such as image/png"),
        ));
    }
    let (data, size) = decode_base64(&format!("{field}.data"), &file.data, MAX_UPLOAD_BYTES)?;
    Ok((
        json!({"fileName": file.file_name.trim(), "mimeType": mime, "data": data}),
        size,
    ))
}

/// The `attachments` array of a new thread.
pub(super) fn attachments_body(field: &str, files: &[NewAttachment]) -> Result<Value, ToolError> {
    let mut out = Vec::new();
    for (i, file) in files.iter().enumerate() {
        out.push(attachment_body(&format!("{field}[{i}]"), file)?.0);
    }
    Ok(Value::Array(out))
}

/// Validates base64 and returns it normalised (no whitespace, no `data:` prefix) with
/// its decoded size.
fn decode_base64(field: &str, data: &str, max_bytes: usize) -> Result<(String, usize), ToolError> {
    let data = match data.trim().split_once(";base64,") {
        Some((prefix, rest)) if prefix.starts_with("data:") => rest,
        _ => data,
    };
    let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    if cleaned.is_empty() {
        return Err(ToolError::invalid(field, "must not be empty"));
    }
    if cleaned.len() / 4 * 3 > max_bytes + 3 {
        return Err(ToolError::invalid(
            field,
            format!("the file is larger than {} MB", max_bytes / (1024 * 1024)),
        ));
    }
    let bytes = STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| ToolError::invalid(field, format!("is not valid base64 ({e})")))?;
    if bytes.len() > max_bytes {
        return Err(ToolError::invalid(
            field,
            format!("the file is larger than {} MB", max_bytes / (1024 * 1024)),
        ));
    }
    Ok((cleaned, bytes.len()))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadArgs {
    pub conversation_id: u64,
    pub thread_id: u64,
    pub file_name: String,
    pub mime_type: String,
    /// Base64.
    pub data: String,
}

async fn upload_attachment(ctx: ToolContext, args: UploadArgs) -> ToolResult {
    let file = NewAttachment {
        file_name: args.file_name,
        mime_type: args.mime_type,
        data: args.data,
    };
    // Field names as the caller wrote them: `data`, not `attachment.data`.
    let (body, size) = attachment_body("", &file).map_err(|e| match e {
        ToolError::InvalidArgument { field, message } => ToolError::InvalidArgument {
            field: field.trim_start_matches('.').to_string(),
            message,
        },
        other => other,
    })?;
    let request = ctx
        .endpoint(&[("conversationId", &args.conversation_id), ("threadId", &args.thread_id)])
        .json(body);
    let response = ctx.send(request).await?;
    Ok(ToolOutput::json(strip(json!({
        "id": created_id(&response),
        "conversationId": args.conversation_id,
        "threadId": args.thread_id,
        "fileName": file.file_name.trim(),
        "size": size,
    }))))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentArgs {
    pub conversation_id: u64,
    pub attachment_id: u64,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetAttachmentArgs {
    pub conversation_id: u64,
    pub attachment_id: u64,
    /// As listed with the thread; detected from the content if omitted.
    pub mime_type: Option<String>,
}

/// Images every MCP host can show.
const SHOWABLE_IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

async fn get_attachment(ctx: ToolContext, args: GetAttachmentArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[
            ("conversationId", &args.conversation_id),
            ("attachmentId", &args.attachment_id),
        ]))
        .await?;
    // The /data endpoint answers {"data": "<base64>"} (catalogue 3, attachments).
    let Some(data) = body.get("data").and_then(Value::as_str) else {
        return Err(ToolError::Failed(format!(
            "Help Scout returned no data for attachment {}.",
            args.attachment_id
        )));
    };
    let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    let approx = cleaned.len() / 4 * 3;
    if approx > MAX_DOWNLOAD_BYTES + 3 {
        return Err(ToolError::Failed(format!(
            "Attachment {} is about {:.1} MB; get_attachment returns files up to 5 MB. Open it in Help Scout instead.",
            args.attachment_id,
            approx as f64 / (1024.0 * 1024.0)
        )));
    }
    let bytes = STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|e| ToolError::Failed(format!("Help Scout returned attachment data that is not base64 ({e}).")))?;
    let mime = args
        .mime_type
        .as_deref()
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| m.contains('/'))
        .or_else(|| sniff(&bytes).map(str::to_string));
    let uri = format!(
        "helpscout://conversations/{}/attachments/{}",
        args.conversation_id, args.attachment_id
    );
    let mut summary = json!({
        "conversationId": args.conversation_id,
        "attachmentId": args.attachment_id,
        "size": bytes.len(),
    });
    if let Some(mime) = &mime {
        summary["mimeType"] = mime.clone().into();
    }
    let image = mime
        .as_deref()
        .filter(|m| SHOWABLE_IMAGES.contains(m))
        .or_else(|| sniff(&bytes).filter(|m| m.starts_with("image/")));
    if let Some(image_mime) = image {
        summary["content"] = "image".into();
        return Ok(ToolOutput::json(summary).with_content(ContentBlock::image(cleaned, image_mime)));
    }
    if let Some(text) = as_text(mime.as_deref(), &bytes) {
        summary["content"] = "text".into();
        let text = truncate(&text, MAX_TEXT_CHARS, "the rest of the file was left out");
        let resource = ResourceContents::text(text, uri).with_mime_type(mime.unwrap_or_else(|| "text/plain".into()));
        return Ok(ToolOutput::json(summary).with_content(ContentBlock::resource(resource)));
    }
    summary["content"] = "embedded file".into();
    let resource =
        ResourceContents::blob(cleaned, uri).with_mime_type(mime.unwrap_or_else(|| "application/octet-stream".into()));
    Ok(ToolOutput::json(summary).with_content(ContentBlock::resource(resource)))
}

/// The type of common files from their first bytes (the /data endpoint does not say).
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'%', b'P', b'D', b'F', ..] => Some("application/pdf"),
        [b'P', b'K', 3, 4, ..] => Some("application/zip"),
        _ => None,
    }
}

/// The content as text, when it is meant to be read as text: a text-like MIME type,
/// or no known type and valid UTF-8 without NULs.
fn as_text(mime: Option<&str>, bytes: &[u8]) -> Option<String> {
    let text_like = |m: &str| {
        m.starts_with("text/")
            || [
                "application/json",
                "application/xml",
                "application/csv",
                "message/rfc822",
            ]
            .contains(&m)
            || m.ends_with("+json")
            || m.ends_with("+xml")
    };
    match mime {
        Some(m) if text_like(m) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Some(_) => None,
        None => std::str::from_utf8(bytes)
            .ok()
            .filter(|s| !s.contains('\0'))
            .map(str::to_string),
    }
}

async fn delete_attachment(ctx: ToolContext, args: AttachmentArgs) -> ToolResult {
    ctx.send(ctx.endpoint(&[
        ("conversationId", &args.conversation_id),
        ("attachmentId", &args.attachment_id),
    ]))
    .await?;
    Ok(ToolOutput::json(json!({
        "conversationId": args.conversation_id,
        "attachmentId": args.attachment_id,
        "deleted": true,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_checked_and_normalised() {
        let (data, size) = decode_base64("data", "aGVs\nbG8=", 100).unwrap();
        assert_eq!((data.as_str(), size), ("aGVsbG8=", 5));
        let (data, _) = decode_base64("data", "data:text/plain;base64,aGVsbG8=", 100).unwrap();
        assert_eq!(data, "aGVsbG8=");
        let err = decode_base64("attachments[0].data", "not base64!", 100)
            .unwrap_err()
            .to_string();
        assert!(err.contains("attachments[0].data") && err.contains("base64"), "{err}");
        let big = STANDARD.encode(vec![0u8; 200]);
        assert!(decode_base64("data", &big, 100)
            .unwrap_err()
            .to_string()
            .contains("larger than"));
    }

    #[test]
    fn mime_type_must_look_like_one() {
        let file = NewAttachment {
            file_name: "a.txt".into(),
            mime_type: "text".into(),
            data: "aGk=".into(),
        };
        let err = attachment_body("attachments[0]", &file).unwrap_err().to_string();
        assert!(err.contains("attachments[0].mime_type"), "{err}");
    }

    #[test]
    fn sniffs_images_and_text() {
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A]), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(as_text(None, b"a,b\n1,2"), Some("a,b\n1,2".into()));
        assert_eq!(as_text(None, &[0, 159, 146, 150]), None);
        assert_eq!(as_text(Some("application/pdf"), b"%PDF"), None);
    }
}
