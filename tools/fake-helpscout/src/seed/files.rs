//! Seed attachment contents: a real (tiny) PNG, a text log and a minimal PDF.

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xedb8_8320 & mask);
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc_input);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
}

/// An RGB PNG with uncompressed (stored) deflate blocks.
pub(crate) fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A 64x40 "screenshot": a title bar, a sidebar and a red error banner.
pub(crate) fn screenshot_png() -> Vec<u8> {
    png(64, 40, |x, y| {
        if y < 4 {
            [60, 72, 88]
        } else if x < 12 {
            [236, 239, 243]
        } else if (16..24).contains(&y) && (16..60).contains(&x) {
            [214, 69, 65]
        } else {
            [255, 255, 255]
        }
    })
}

pub(crate) fn export_log() -> Vec<u8> {
    "2026-10-14T09:12:03Z INFO  export started project=launch-2027 rows=4182\n\
     2026-10-14T09:12:41Z INFO  rendered 4182 rows, 17 columns\n\
     2026-10-14T09:12:42Z WARN  field \"Notes\" contains CRLF in 12 rows\n\
     2026-10-14T09:12:42Z ERROR pdf writer: page overflow at row 4180 (page 84)\n\
     2026-10-14T09:12:42Z INFO  export finished status=partial pages=84\n"
        .as_bytes()
        .to_vec()
}

/// A minimal one-page PDF with an invoice line.
pub(crate) fn invoice_pdf() -> Vec<u8> {
    let text = "BT /F1 14 Tf 72 720 Td (Fernwood invoice INV-2026-4471  $240.00) Tj ET";
    format!(
        "%PDF-1.4\n\
         1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
         2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
         3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n\
         4 0 obj << /Length {} >> stream\n{text}\nendstream endobj\n\
         5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n\
         trailer << /Root 1 0 R >>\n%%EOF\n",
        text.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn png_header() {
        let p = screenshot_png();
        assert!(p.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(crate::routes::attachments::image_size(&p), (64, 40));
        assert!(p.ends_with(&[0xae, 0x42, 0x60, 0x82]));
    }
}
