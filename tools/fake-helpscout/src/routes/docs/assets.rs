//! Asset uploads (catalogue 3 docs_assets): inline images and attachments for
//! articles, and site logos/icons. Multipart; the answer is 201 with
//! `{filelink, filename, width, height}` and no envelope (dimensions only for
//! images).

use serde_json::{json, Map, Value};

use super::multipart::{self, Part};
use super::{is_docs_id, DocsError, DocsResult};
use crate::hal;
use crate::routes::Req;
use crate::state::State;

pub(super) fn route(state: &mut State, req: &Req, method: &str, segs: &[&str]) -> Option<DocsResult> {
    let r = match (method, segs) {
        ("POST", ["assets", "article"]) => article_asset(state, req),
        ("POST", ["assets", "settings"]) => settings_asset(state, req),
        _ => return None,
    };
    Some(r)
}

fn article_asset(state: &mut State, req: &Req) -> DocsResult {
    let parts = multipart::from_request(req)?;
    multipart::check_key(&parts)?;
    let article_id =
        multipart::text_field(&parts, "articleId").ok_or_else(|| DocsError::bad_request("articleId is required"))?;
    let Some(article) = state.docs.articles.get(&article_id).filter(|_| is_docs_id(&article_id)) else {
        return Err(DocsError::bad_request(format!(
            "Invalid articleId: no article with id `{article_id}`"
        )));
    };
    let site_id = state
        .docs
        .site_of_collection(&article.collection_id)
        .map(|s| s.id.clone())
        .unwrap_or_default();
    let asset_type = asset_type(&parts, &["image", "attachment"])?;
    let file = multipart::file(&parts)?;
    let dimensions = image_size(&file.data);
    if asset_type == "image" && dimensions.is_none() {
        return Err(DocsError::bad_request(
            "file is not an image (PNG, GIF, JPEG or ICO); upload it as assetType attachment",
        ));
    }
    let folder = if asset_type == "image" { "images" } else { "attachments" };
    store(state, req, &parts, file, &format!("{site_id}/{folder}"), dimensions)
}

fn settings_asset(state: &mut State, req: &Req) -> DocsResult {
    let parts = multipart::from_request(req)?;
    multipart::check_key(&parts)?;
    let asset_type = asset_type(&parts, &["logo", "favicon", "touchicon"])?;
    let site = match multipart::text_field(&parts, "siteId").filter(|s| !s.is_empty()) {
        Some(id) => {
            super::sites::require_site(state, &id, "siteId")?;
            id
        }
        None => "settings".to_string(),
    };
    let file = multipart::file(&parts)?;
    let Some(dimensions) = image_size(&file.data) else {
        return Err(DocsError::bad_request(format!(
            "file is not an image (PNG, GIF, JPEG or ICO), which a {asset_type} must be"
        )));
    };
    store(
        state,
        req,
        &parts,
        file,
        &format!("{site}/{asset_type}"),
        Some(dimensions),
    )
}

fn asset_type(parts: &[Part], allowed: &[&str]) -> DocsResult<String> {
    match multipart::text_field(parts, "assetType") {
        Some(t) if allowed.contains(&t.as_str()) => Ok(t),
        Some(t) => Err(DocsError::bad_request(format!(
            "Invalid assetType `{t}`: expected one of {}",
            allowed.join(", ")
        ))),
        None => Err(DocsError::bad_request("assetType is required")),
    }
}

fn store(
    state: &mut State,
    req: &Req,
    parts: &[Part],
    file: &Part,
    folder: &str,
    dimensions: Option<(u32, u32)>,
) -> DocsResult {
    // `fileName` overrides the uploaded file's own name (HSD assets/create-article).
    let filename = multipart::text_field(parts, "fileName")
        .filter(|n| !n.is_empty())
        .or_else(|| file.file_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "file".to_string());
    let oid = state.docs.new_id(req.now);
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let filelink = format!("https://helpscout-docs.s3.amazonaws.com/docs/assets/{folder}/{oid}/{safe}");
    let mut body = Map::new();
    body.insert("filelink".into(), json!(filelink));
    body.insert("filename".into(), json!(filename));
    if let Some((w, h)) = dimensions {
        body.insert("width".into(), json!(w));
        body.insert("height".into(), json!(h));
    }
    Ok(hal::response(
        201,
        Some(hal::JSON),
        &[],
        Value::Object(body).to_string(),
    ))
}

/// Width and height of a PNG, GIF, JPEG or ICO image.
pub(crate) fn image_size(data: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| Some(u32::from(u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?])));
    if data.starts_with(b"\x89PNG\r\n\x1a\n") && data.get(12..16) == Some(b"IHDR") {
        let w = u32::from_be_bytes(data.get(16..20)?.try_into().ok()?);
        let h = u32::from_be_bytes(data.get(20..24)?.try_into().ok()?);
        return Some((w, h));
    }
    if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        let w = u16::from_le_bytes([*data.get(6)?, *data.get(7)?]);
        let h = u16::from_le_bytes([*data.get(8)?, *data.get(9)?]);
        return Some((u32::from(w), u32::from(h)));
    }
    if data.starts_with(&[0, 0, 1, 0]) && data.len() >= 22 {
        let side = |b: u8| if b == 0 { 256 } else { u32::from(b) };
        return Some((side(data[6]), side(data[7])));
    }
    if data.starts_with(&[0xff, 0xd8]) {
        let mut i = 2;
        while i + 9 < data.len() {
            if data[i] != 0xff {
                return None;
            }
            let marker = data[i + 1];
            let len = be16(i + 2)? as usize;
            let is_sof = (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker);
            if is_sof {
                return Some((be16(i + 7)?, be16(i + 5)?));
            }
            i += 2 + len;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_image_sizes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&[0, 0, 0, 64, 0, 0, 0, 40]);
        assert_eq!(image_size(&png), Some((64, 40)));
        assert_eq!(image_size(b"GIF89a\x10\x00\x20\x00rest"), Some((16, 32)));
        let jpeg = [
            0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 30, 0, 50, 3, 0, 0,
        ];
        assert_eq!(image_size(&jpeg), Some((50, 30)));
        assert_eq!(image_size(b"%PDF-1.7"), None);
    }
}
