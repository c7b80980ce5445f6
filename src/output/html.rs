//! HTML email bodies to plain text.
//!
//! Thread bodies come from mail clients: layout tables, hidden preheaders, tracking
//! pixels, quoted history, long redirect links. The model needs the words, the links
//! (text and target) and the line structure, nothing else. `html2text` does the parsing
//! and block layout; this module prunes what a reader never sees before layout and
//! writes links and images its own way afterwards.

use html2text::config::{self, ImageRenderMode};
use html2text::render::RichAnnotation;
use html2text::{Element, Handle};

/// Wide enough that html2text never wraps a paragraph: line breaks in the output are
/// the document's own, and the model reflows text itself.
const RENDER_WIDTH: usize = 10_000;

/// Email bodies are untrusted input. html2text recurses over the document and slows
/// down quadratically with nesting: 40,000 nested `<div>`s overflow a 2 MB worker
/// stack and abort the whole server. Deeper or larger documents than these get the
/// plain tag-stripping fallback instead; real mail stays far below both.
const MAX_NESTING: usize = 1_000;
const MAX_HTML_BYTES: usize = 2 * 1024 * 1024;

/// Converts an HTML body to plain text. Text without markup is returned tidied but
/// otherwise unchanged; HTML that cannot be parsed falls back to its stripped text.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return tidy(html);
    }
    if html.len() > MAX_HTML_BYTES || nesting_depth(html) > MAX_NESTING {
        return tidy(&strip_tags(html));
    }
    match render(html) {
        Some(text) => tidy(&text),
        None => tidy(&strip_tags(html)),
    }
}

/// Elements that never contain others, or that HTML closes implicitly: they do not
/// add nesting even when their end tag is missing.
const NON_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "td", "th", "tr", "option", "dt", "dd",
];

/// The deepest element nesting, judged from the tags alone (no parsing).
fn nesting_depth(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for tag in html.split('<').skip(1) {
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || NON_NESTING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !tag.split('>').next().unwrap_or("").ends_with('/') {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Text without tags: block-level tags become line breaks, common entities are decoded.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if [
            "br",
            "p",
            "div",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "blockquote",
            "table",
        ]
        .contains(&name.as_str())
        {
            out.push('\n');
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(out, |text, (entity, ch)| text.replace(entity, ch))
}

fn render(html: &str) -> Option<String> {
    // Raw mode lays table cells out one after another instead of as a grid: email
    // layouts are tables, and a grid of borders is noise to a model.
    let config = config::rich()
        .raw_mode(true)
        .no_link_wrapping()
        .allow_width_overflow()
        .empty_img_mode(ImageRenderMode::ShowAlways);
    let dom = config.parse_html(html.as_bytes()).ok()?;
    prune(&dom.document);
    let tree = config.dom_to_render_tree(&dom).ok()?;
    let lines = config.render_to_lines(tree, RENDER_WIDTH).ok()?;

    let mut out = String::new();
    for line in lines {
        let mut link: Option<(String, String)> = None; // (url, text shown so far)
        let mut last_image: Option<String> = None;
        for piece in line.tagged_strings() {
            let url = piece.tag.iter().find_map(|a| match a {
                RichAnnotation::Link(url) => Some(url.clone()),
                _ => None,
            });
            let image = piece.tag.iter().find_map(|a| match a {
                RichAnnotation::Image(src) => Some(src.clone()),
                _ => None,
            });
            if link.as_ref().map(|(u, _)| u) != url.as_ref() {
                close_link(&mut out, link.take());
                link = url.map(|u| (u, String::new()));
            }
            let text = match image {
                // An image's alt text can come in several pieces; one placeholder is enough.
                Some(src) if last_image.as_deref() == Some(src.as_str()) => continue,
                Some(src) => {
                    let placeholder = format!("[image: {}]", image_name(&piece.s, &src));
                    last_image = Some(src);
                    placeholder
                }
                None => {
                    last_image = None;
                    piece.s.clone()
                }
            };
            if let Some((_, shown)) = link.as_mut() {
                shown.push_str(&text);
            }
            out.push_str(&text);
        }
        close_link(&mut out, link);
        out.push('\n');
    }
    Some(out)
}

/// Appends ` (url)` after a link's text unless the text already is the target
/// (`https://x` shown as `https://x`, `mailto:a@b` shown as `a@b`) or the target is
/// useless outside the page (`#anchor`, `javascript:`).
fn close_link(out: &mut String, link: Option<(String, String)>) {
    let Some((url, shown)) = link else { return };
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.to_ascii_lowercase().starts_with("javascript:") {
        return;
    }
    if normalise_target(&shown) == normalise_target(url) {
        return;
    }
    if shown.trim().is_empty() {
        // A link around nothing visible (its image was a pruned pixel): keep the target.
        out.push_str(url);
        return;
    }
    out.push_str(" (");
    out.push_str(url);
    out.push(')');
}

fn normalise_target(s: &str) -> String {
    let s = s.trim().to_ascii_lowercase();
    let s = ["mailto:", "tel:", "https://", "http://"]
        .iter()
        .fold(s, |s, p| s.strip_prefix(p).map(str::to_string).unwrap_or(s));
    let s = s.strip_prefix("www.").map(str::to_string).unwrap_or(s);
    s.trim_end_matches('/').to_string()
}

/// The name of an inline image: its alt text, else the file name in its `src`.
fn image_name(alt: &str, src: &str) -> String {
    let alt = alt.trim();
    if !alt.is_empty() {
        return alt.to_string();
    }
    if src.starts_with("data:") {
        return "inline".to_string();
    }
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let name = path.trim_end_matches('/').rsplit(['/', ':']).next().unwrap_or("");
    if name.is_empty() {
        "inline".to_string()
    } else {
        name.to_string()
    }
}

/// Removes what a reader of the email never sees: tracking pixels (1x1 or 0x0 images)
/// and elements hidden with `display:none` (preheaders, mobile-only copies).
/// Also names images that have no alt text, since html2text skips an image with an
/// empty title and the model should still know a picture was there.
fn prune(node: &Handle) {
    node.children.borrow_mut().retain(|child| !is_invisible(child));
    for child in node.children.borrow().iter() {
        name_image(child);
        prune(child);
    }
}

fn name_image(node: &Handle) {
    let Element { name, attrs, .. } = &node.data else {
        return;
    };
    if &*name.local != "img" {
        return;
    }
    let mut attrs = attrs.borrow_mut();
    let has_alt = attrs
        .iter()
        .any(|a| &*a.name.local == "alt" && !a.value.trim().is_empty());
    let Some(src) = attrs.iter().find(|a| &*a.name.local == "src").cloned() else {
        return;
    };
    if has_alt {
        return;
    }
    let mut alt = src.clone();
    alt.name.local = html2text::local_name!("alt");
    alt.value = image_name("", &src.value).as_str().into();
    attrs.retain(|a| &*a.name.local != "alt");
    attrs.push(alt);
}

fn is_invisible(node: &Handle) -> bool {
    let Element { name, attrs, .. } = &node.data else {
        return false;
    };
    let attrs = attrs.borrow();
    let attr = |key: &str| {
        attrs
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string())
    };
    let style = attr("style")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .replace([' ', '\t', '\n'], "");
    if style.contains("display:none") || attr("hidden").is_some() {
        return true;
    }
    if &*name.local != "img" {
        return false;
    }
    let tiny = |key: &str| {
        let from_attr = attr(key).map(|v| {
            v.trim()
                .trim_end_matches("px")
                .trim()
                .parse::<u32>()
                .is_ok_and(|n| n <= 1)
        });
        let from_style = style.contains(&format!("{key}:1px")) || style.contains(&format!("{key}:0"));
        from_attr.unwrap_or(false) || from_style
    };
    tiny("width") && tiny("height")
}

/// Trims line ends, removes invisible characters and collapses runs of blank lines
/// (including quoted ones, `>`) to one.
fn tidy(text: &str) -> String {
    let text = text
        .replace("\r\n", "\n")
        .replace(['\u{a0}'], " ")
        .replace(['\u{200b}', '\u{200c}', '\u{feff}', '\u{34f}'], "");
    let mut out = String::with_capacity(text.len());
    let mut previous_blank = true; // also drops leading blank lines
    for line in text.lines() {
        let line = line.trim_end();
        let blank = line.trim_start_matches(['>', ' ']).is_empty();
        if blank && previous_blank {
            continue;
        }
        previous_blank = blank;
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY_EMAIL: &str = r#"<html><head><style>p { color: red; }</style></head><body>
<div style="display:none;max-height:0">Preheader you never see</div>
<div dir="ltr">Hi team,<br><br>The export still fails. Steps:<ol><li>Open <b>Reports</b></li><li>Click <a href="https://app.example.com/export?id=42">Export CSV</a></li></ol>
<p>Screenshot: <img src="https://secure.helpscout.net/file/123/abc/screen%20shot.png" alt="screen shot.png" width="600"></p>
<ul><li>Chrome 126</li><li>macOS</li></ul>



<p>See https://status.example.com and <a href="https://status.example.com/">https://status.example.com/</a>.</p>
<div class="gmail_signature">--<br>Jane Doe | Acme Inc.<br><a href="mailto:jane@acme.test">jane@acme.test</a><br>&nbsp;</div>
</div>
<div class="gmail_quote">On Mon, Jan 15, 2024 at 10:30 AM Support &lt;support@example.com&gt; wrote:<br>
<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">Thanks for reaching out.<br><br><br><br>Could you tell us which browser you use?</blockquote></div>
<img src="https://track.example.com/open.gif?u=1" width="1" height="1" alt="" style="border:0">
<img src="https://pixel.example.net/p.png" style="width:1px;height:1px">
</body></html>"#;

    #[test]
    fn renders_a_realistic_reply() {
        let text = html_to_text(REPLY_EMAIL);
        assert!(text.starts_with("Hi team,"), "{text}");
        assert!(!text.contains("Preheader"), "hidden preheader kept: {text}");
        assert!(!text.contains("color: red"), "style sheet leaked: {text}");
        assert!(text.contains("1. Open Reports"), "{text}");
        assert!(
            text.contains("2. Click Export CSV (https://app.example.com/export?id=42)"),
            "{text}"
        );
        assert!(text.contains("[image: screen shot.png]"), "{text}");
        assert!(text.contains("* Chrome 126"), "{text}");
        // A link whose text is its own target is not repeated.
        assert!(text.contains("and https://status.example.com/."), "{text}");
        assert!(!text.contains("(https://status.example.com/)"), "{text}");
        assert!(text.contains("jane@acme.test"), "{text}");
        assert!(!text.contains("(mailto:"), "{text}");
        assert!(text.contains("Support <support@example.com> wrote:"), "{text}");
        assert!(text.contains("> Thanks for reaching out."), "{text}");
        assert!(text.contains("> Could you tell us which browser you use?"), "{text}");
    }

    #[test]
    fn drops_tracking_pixels_and_collapses_blank_lines() {
        let text = html_to_text(REPLY_EMAIL);
        assert!(
            !text.contains("open.gif") && !text.contains("p.png") && !text.contains("track.example"),
            "{text}"
        );
        assert!(!text.contains("\n\n\n"), "more than one blank line in a row: {text:?}");
        assert!(
            !text.lines().any(|l| l != l.trim_end()),
            "trailing whitespace: {text:?}"
        );
        let quoted_blank_runs = text
            .lines()
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w[0] == ">" && w[1] == ">")
            .count();
        assert_eq!(quoted_blank_runs, 0, "{text}");
        assert!(!text.ends_with('\n'));
    }

    #[test]
    fn keeps_line_breaks_and_paragraphs() {
        let text = html_to_text("<p>First line<br>second line</p><p>Next paragraph</p>");
        assert_eq!(text, "First line\nsecond line\n\nNext paragraph");
    }

    #[test]
    fn inline_images_without_alt_are_named_by_file() {
        assert_eq!(
            html_to_text(r#"<p><img src="cid:image001.png@01DA"></p>"#),
            "[image: image001.png@01DA]"
        );
        assert_eq!(
            html_to_text(r#"<img src="https://x.test/a/logo.png?v=2">"#),
            "[image: logo.png]"
        );
        assert_eq!(
            html_to_text(r#"<img src="data:image/png;base64,AAAA">"#),
            "[image: inline]"
        );
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(html_to_text("Hello\r\n\r\n\r\nWorld  \n"), "Hello\n\nWorld");
        assert_eq!(html_to_text("Fish &amp; chips"), "Fish & chips");
        assert_eq!(html_to_text(""), "");
    }

    #[test]
    fn hostile_nesting_falls_back_to_stripped_text() {
        let deep = format!("{}Hello &amp; bye{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
        assert!(nesting_depth(&deep) > MAX_NESTING);
        // Runs on a small stack, like a tokio worker: the fallback must not recurse.
        let text = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || html_to_text(&deep))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(text, "Hello & bye");
        assert!(nesting_depth(REPLY_EMAIL) < 20, "{}", nesting_depth(REPLY_EMAIL));
        assert_eq!(nesting_depth("<p>a<p>b<br><img src=x><div>c</div>"), 1);
    }

    #[test]
    fn layout_tables_read_as_text() {
        let html = r#"<table width="100%"><tr><td><table><tr><td>Order #1001</td><td>Shipped</td></tr></table></td></tr></table>"#;
        let text = html_to_text(html);
        assert!(text.contains("Order #1001") && text.contains("Shipped"), "{text}");
        assert!(
            !text.contains('─') && !text.contains('|'),
            "table borders drawn: {text}"
        );
    }
}
