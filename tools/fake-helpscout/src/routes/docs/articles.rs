//! Docs articles: lists, search, related articles, revisions, drafts, view
//! counts and uploads (catalogue 3 docs_articles, 4.12).

use std::cmp::Ordering;

use serde_json::{json, Value};

use super::multipart::{self, Part};
use super::{
    body_object, created, descending, enum_param, envelope, id_or_number, is_docs_id, ok, ok_empty, page_param,
    page_size_param, slug, updated, Article, DocsError, DocsResult, Fields, IdOrNumber, Revision, PAGE_SIZE,
};
use crate::routes::Req;
use crate::state::{ts, State};
use crate::text::{escape, html_to_text, truncate_chars};

const STATUSES: &[&str] = &["published", "notpublished"];
const SORTS: &[&str] = &[
    "order",
    "number",
    "status",
    "name",
    "popularity",
    "createdAt",
    "updatedAt",
];
/// ArticleSearch `preview`: the first 160 characters of the text, tags stripped.
const PREVIEW_CHARS: usize = 160;

pub(super) fn route(state: &mut State, req: &Req, method: &str, segs: &[&str]) -> Option<DocsResult> {
    let r = match (method, segs) {
        ("GET", ["collections", cid, "articles"]) => list_in_collection(state, req, cid),
        ("GET", ["categories", cid, "articles"]) => list_in_category(state, req, cid),
        ("GET", ["search", "articles"]) => search(state, req),
        ("POST", ["articles"]) => create(state, req),
        ("POST", ["articles", "upload"]) => upload(state, req),
        ("GET", ["articles", id]) => get(state, req, id),
        ("PUT", ["articles", id]) => update(state, req, id),
        ("DELETE", ["articles", id]) => delete(state, id),
        ("GET", ["articles", id, "related"]) => related(state, req, id),
        ("GET", ["articles", id, "revisions"]) => revisions(state, req, id),
        ("PUT", ["articles", id, "views"]) => views(state, req, id),
        ("PUT", ["articles", id, "drafts"]) => save_draft(state, req, id),
        ("DELETE", ["articles", id, "drafts"]) => delete_draft(state, req, id),
        ("GET", ["revisions", id]) => get_revision(state, id),
        _ => return None,
    };
    Some(r)
}

// ------------------------------------------------------------------ shapes

fn public_url(state: &State, a: &Article) -> Value {
    state
        .docs
        .site_of_collection(&a.collection_id)
        .map(|s| json!(format!("{}/article/{}-{}", s.public_base(), a.number, a.slug)))
        .unwrap_or(Value::Null)
}

/// 1 to 5, based only on view counts (HSD objects/article-ref).
fn popularity(state: &State, a: &Article) -> f64 {
    let max = state.docs.articles.values().map(|a| a.view_count).max().unwrap_or(0);
    if max == 0 {
        return 1.0;
    }
    let score = 1.0 + 4.0 * ((a.view_count + 1) as f64).ln() / ((max + 1) as f64).ln();
    (score * 10.0).round() / 10.0
}

/// ArticleRef: an article without its text (lists).
fn article_ref(state: &State, a: &Article) -> Value {
    json!({
        "id": a.id,
        "number": a.number,
        "collectionId": a.collection_id,
        "slug": a.slug,
        "status": a.status,
        "hasDraft": a.draft.is_some(),
        "name": a.name,
        "publicUrl": public_url(state, a),
        "popularity": popularity(state, a),
        "viewCount": a.view_count,
        "createdBy": a.created_by,
        "updatedBy": a.updated_by,
        "createdAt": ts(a.created_at),
        "updatedAt": ts(a.updated_at),
        "lastPublishedAt": super::opt_ts(a.last_published_at),
    })
}

/// The full Article; `draft` returns the draft text when there is one.
fn article_json(state: &State, a: &Article, draft: bool) -> Value {
    let mut v = article_ref(state, a);
    let text = match (&a.draft, draft) {
        (Some(d), true) => d.clone(),
        _ => a.text.clone(),
    };
    if let Some(obj) = v.as_object_mut() {
        obj.insert("text".into(), json!(text));
        obj.insert("categories".into(), json!(a.categories));
        obj.insert("related".into(), json!(a.related));
        obj.insert("keywords".into(), json!(a.keywords));
    }
    v
}

fn person(state: &State, id: u64) -> Value {
    match state.users.get(&id) {
        Some(u) => json!({ "id": id, "firstName": u.first, "lastName": u.last }),
        None => json!({ "id": id }),
    }
}

fn find<'a>(state: &'a State, id: &str) -> DocsResult<&'a Article> {
    state
        .docs
        .articles
        .get(id)
        .ok_or_else(|| DocsError::not_found("Article"))
}

fn find_mut<'a>(state: &'a mut State, id: &str) -> DocsResult<&'a mut Article> {
    state
        .docs
        .articles
        .get_mut(id)
        .ok_or_else(|| DocsError::not_found("Article"))
}

// ------------------------------------------------------------------ reads

/// `status`, `sort`, `order`, `page`, `pageSize` of the article lists.
fn list_refs<'a>(state: &State, req: &Req, articles: impl Iterator<Item = &'a Article>) -> DocsResult<Value> {
    let page = page_param(req)?;
    let page_size = page_size_param(req)?;
    let status = enum_param(req, "status", &["all", "published", "notpublished"], "all")?;
    let sort = enum_param(req, "sort", SORTS, "order")?;
    let desc = descending(req, "desc")?;
    let mut items: Vec<&Article> = articles.filter(|a| status == "all" || a.status == status).collect();
    items.sort_by(|a, b| {
        let o = match sort {
            "status" => a.status.cmp(&b.status),
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            "popularity" => a.view_count.cmp(&b.view_count),
            "createdAt" => a.created_at.cmp(&b.created_at),
            "updatedAt" => a.updated_at.cmp(&b.updated_at),
            // `order` is the custom order, which the fake keeps as article-number order.
            _ => Ordering::Equal,
        }
        .then(a.number.cmp(&b.number));
        if desc {
            o.reverse()
        } else {
            o
        }
    });
    let items = items.into_iter().map(|a| article_ref(state, a)).collect();
    Ok(envelope("articles", items, page, page_size))
}

fn list_in_collection(state: &State, req: &Req, cid: &str) -> DocsResult {
    super::collections::find_by_id(state, cid)?;
    ok(&list_refs(
        state,
        req,
        state.docs.articles.values().filter(|a| a.collection_id == cid),
    )?)
}

fn list_in_category(state: &State, req: &Req, cid: &str) -> DocsResult {
    super::categories::find_by_id(state, cid)?;
    let cid = cid.to_string();
    ok(&list_refs(
        state,
        req,
        state.docs.articles.values().filter(|a| a.categories.contains(&cid)),
    )?)
}

fn related(state: &State, req: &Req, id: &str) -> DocsResult {
    let a = find(state, id)?;
    let related = a.related.iter().filter_map(|r| state.docs.articles.get(r));
    ok(&list_refs(state, req, related)?)
}

fn get(state: &State, req: &Req, seg: &str) -> DocsResult {
    // A slug cannot be used to fetch (HSD articles/get); only an id or number.
    let found = match id_or_number(seg) {
        Some(IdOrNumber::Id(id)) => state.docs.articles.get(id),
        Some(IdOrNumber::Number(n)) => state.docs.articles.values().find(|a| a.number == n),
        None => None,
    };
    let a = found.ok_or_else(|| DocsError::not_found("Article"))?;
    let draft = enum_param(req, "draft", &["true", "false"], "false")? == "true";
    // GET does not count as a view (catalogue 4.12).
    ok(&json!({ "article": article_json(state, a, draft) }))
}

fn search(state: &State, req: &Req) -> DocsResult {
    let query = req.q("query").map(str::trim).unwrap_or("");
    if query.is_empty() {
        return Err(DocsError::bad_request("query is required"));
    }
    let page = page_param(req)?;
    let status = enum_param(req, "status", &["all", "published", "notpublished"], "all")?;
    let visibility = enum_param(req, "visibility", &["all", "public", "private"], "all")?;
    let collection = req.q("collectionId").filter(|s| !s.is_empty());
    let site = req.q("siteId").filter(|s| !s.is_empty());
    for (name, value) in [("collectionId", collection), ("siteId", site)] {
        if let Some(v) = value.filter(|v| !is_docs_id(v)) {
            return Err(DocsError::bad_request(format!("Invalid {name} `{v}`")));
        }
    }
    let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut hits: Vec<(usize, &Article)> = state
        .docs
        .articles
        .values()
        .filter(|a| status == "all" || a.status == status)
        .filter(|a| collection.is_none_or(|c| a.collection_id == c))
        .filter_map(|a| {
            let c = state.docs.collections.get(&a.collection_id)?;
            let keep = site.is_none_or(|s| c.site_id == s) && (visibility == "all" || c.visibility == visibility);
            keep.then_some(a)
        })
        .filter_map(|a| {
            let name = a.name.to_lowercase();
            let haystack = format!(
                "{name} {} {}",
                html_to_text(&a.text).to_lowercase(),
                a.keywords.join(" ").to_lowercase()
            );
            if !terms.iter().all(|t| haystack.contains(t.as_str())) {
                return None;
            }
            // Matches in the title rank first.
            let in_name = terms.iter().filter(|t| name.contains(t.as_str())).count();
            Some((in_name, a))
        })
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        rb.cmp(ra)
            .then(b.view_count.cmp(&a.view_count))
            .then(a.number.cmp(&b.number))
    });
    let items = hits
        .into_iter()
        .map(|(_, a)| {
            let c = state.docs.collections.get(&a.collection_id);
            json!({
                "id": a.id,
                "collectionId": a.collection_id,
                "categoryIds": a.categories,
                "slug": a.slug,
                "name": a.name,
                "preview": truncate_chars(&html_to_text(&a.text), PREVIEW_CHARS),
                "url": public_url(state, a),
                "docsUrl": format!("/docs/{}/article/{}", a.collection_id, a.id),
                "number": a.number,
                "status": a.status,
                "visibility": c.map(|c| c.visibility.as_str()).unwrap_or("public"),
            })
        })
        .collect();
    ok(&envelope("articles", items, page, PAGE_SIZE))
}

fn revisions(state: &State, req: &Req, id: &str) -> DocsResult {
    find(state, id)?;
    let page = page_param(req)?;
    let mut revs: Vec<&Revision> = state.docs.revisions.values().filter(|r| r.article_id == id).collect();
    revs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let items = revs
        .into_iter()
        .map(|r| {
            json!({
                "id": r.id,
                "articleId": r.article_id,
                "createdBy": person(state, r.created_by),
                "createdAt": ts(r.created_at),
            })
        })
        .collect();
    ok(&envelope("revisions", items, page, PAGE_SIZE))
}

fn get_revision(state: &State, id: &str) -> DocsResult {
    let r = state
        .docs
        .revisions
        .get(id)
        .ok_or_else(|| DocsError::not_found("Revision"))?;
    ok(&json!({ "revision": {
        "id": r.id,
        "articleId": r.article_id,
        "text": r.text,
        "createdBy": person(state, r.created_by),
        "createdAt": ts(r.created_at),
    }}))
}

// ------------------------------------------------------------------ writes

fn add_revision(state: &mut State, req: &Req, article_id: &str, text: &str) {
    let id = state.docs.new_id(req.now);
    state.docs.revisions.insert(
        id.clone(),
        Revision {
            id,
            article_id: article_id.to_string(),
            text: text.to_string(),
            created_by: state.owner_id,
            created_at: req.now,
        },
    );
}

/// Article names are unique within their collection (HSD articles/create).
fn check_name(state: &State, collection_id: &str, name: &str, own_id: Option<&str>) -> DocsResult<()> {
    let taken = state.docs.articles.values().any(|a| {
        a.collection_id == collection_id && Some(a.id.as_str()) != own_id && a.name.eq_ignore_ascii_case(name)
    });
    if taken {
        return Err(DocsError::bad_request(format!(
            "An article named `{name}` already exists in this collection"
        )));
    }
    Ok(())
}

/// Categories must be categories of the article's collection.
fn check_categories(state: &State, collection_id: &str, categories: &[String]) -> DocsResult<()> {
    for c in categories {
        match state.docs.categories.get(c) {
            Some(cat) if cat.collection_id == collection_id => {}
            _ => {
                return Err(DocsError::bad_request(format!(
                    "Invalid categories: `{c}` is not a category of collection `{collection_id}`"
                )))
            }
        }
    }
    Ok(())
}

fn check_related(state: &State, related: &[String], own_id: Option<&str>) -> DocsResult<()> {
    for r in related {
        if !state.docs.articles.contains_key(r) || Some(r.as_str()) == own_id {
            return Err(DocsError::bad_request(format!(
                "Invalid related: no other article with id `{r}`"
            )));
        }
    }
    Ok(())
}

fn check_collection(state: &State, collection_id: &str) -> DocsResult<()> {
    if !state.docs.collections.contains_key(collection_id) {
        return Err(DocsError::bad_request(format!(
            "Invalid collectionId: no collection with id `{collection_id}`"
        )));
    }
    Ok(())
}

struct NewArticle {
    collection_id: String,
    name: String,
    text: String,
    status: String,
    slug: Option<String>,
    categories: Vec<String>,
    related: Vec<String>,
    keywords: Vec<String>,
}

fn insert(state: &mut State, req: &Req, new: NewArticle) -> DocsResult<String> {
    check_collection(state, &new.collection_id)?;
    check_name(state, &new.collection_id, &new.name, None)?;
    check_categories(state, &new.collection_id, &new.categories)?;
    check_related(state, &new.related, None)?;
    let id = state.docs.new_id(req.now);
    let published = new.status == "published";
    let article = Article {
        id: id.clone(),
        number: super::DocsState::next_number(state.docs.articles.values().map(|a| &a.number)),
        slug: new
            .slug
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| slug(&new.name)),
        collection_id: new.collection_id,
        status: new.status,
        name: new.name,
        text: new.text.clone(),
        draft: None,
        categories: new.categories,
        related: new.related,
        keywords: new.keywords,
        view_count: 0,
        created_by: state.owner_id,
        updated_by: state.owner_id,
        created_at: req.now,
        updated_at: req.now,
        // status=published is immediately public (HSD articles/create).
        last_published_at: published.then_some(req.now),
    };
    state.docs.articles.insert(id.clone(), article);
    add_revision(state, req, &id, &new.text);
    Ok(id)
}

fn create(state: &mut State, req: &Req) -> DocsResult {
    let body = body_object(req)?;
    let f = Fields(&body);
    let new = NewArticle {
        collection_id: f.req_str("collectionId")?,
        name: f.req_str("name")?.trim().to_string(),
        text: f.req_str("text")?,
        status: f.opt_enum("status", STATUSES)?.unwrap_or_else(|| "notpublished".into()),
        slug: f.opt_str("slug")?,
        categories: f.opt_str_list("categories")?.unwrap_or_default(),
        related: f.opt_str_list("related")?.unwrap_or_default(),
        keywords: f.opt_str_list("keywords")?.unwrap_or_default(),
    };
    let id = insert(state, req, new)?;
    let a = find(state, &id)?;
    created(
        req,
        format!("/v1/articles/{id}"),
        json!({ "article": article_json(state, a, false) }),
    )
}

fn update(state: &mut State, req: &Req, id: &str) -> DocsResult {
    let collection_id = find(state, id)?.collection_id.clone();
    let body = body_object(req)?;
    let f = Fields(&body);
    let name = match f.opt_str("name")? {
        Some(n) if n.trim().is_empty() => return Err(DocsError::bad_request("name must not be empty")),
        Some(n) => Some(n.trim().to_string()),
        None => None,
    };
    if let Some(n) = &name {
        check_name(state, &collection_id, n, Some(id))?;
    }
    let status = f.opt_enum("status", STATUSES)?;
    let text = f.opt_str("text")?;
    let new_slug = f.opt_str("slug")?.filter(|s| !s.trim().is_empty());
    // Absent arrays leave the current values alone (HSD articles/update).
    let categories = f.opt_str_list("categories")?;
    let related = f.opt_str_list("related")?;
    let keywords = f.opt_str_list("keywords")?;
    if let Some(c) = &categories {
        check_categories(state, &collection_id, c)?;
    }
    if let Some(r) = &related {
        check_related(state, r, Some(id))?;
    }
    let owner = state.owner_id;
    let a = find_mut(state, id)?;
    let was_published = a.status == "published";
    if let Some(n) = name {
        a.name = n;
    }
    if let Some(s) = new_slug {
        a.slug = s;
    }
    if let Some(c) = categories {
        a.categories = c;
    }
    if let Some(r) = related {
        a.related = r;
    }
    if let Some(k) = keywords {
        a.keywords = k;
    }
    if let Some(s) = status {
        a.status = s;
    }
    let text_changed = text.as_ref().is_some_and(|t| *t != a.text);
    if let Some(t) = &text {
        a.text = t.clone();
    }
    let published = a.status == "published";
    // Publishing, or editing the text of a published article, discards the
    // draft (catalogue 4.12).
    if published && (!was_published || text.is_some()) {
        a.draft = None;
        a.last_published_at = Some(req.now);
    }
    a.updated_by = owner;
    a.updated_at = req.now;
    if text_changed {
        if let Some(t) = text {
            add_revision(state, req, id, &t);
        }
    }
    let a = find(state, id)?;
    updated(req, json!({ "article": article_json(state, a, false) }))
}

/// `{count}` (default 1) is added, never set: the call is not idempotent
/// (catalogue 4.12).
fn views(state: &mut State, req: &Req, id: &str) -> DocsResult {
    find(state, id)?;
    let count = if req.body.iter().all(u8::is_ascii_whitespace) {
        1
    } else {
        let body = body_object(req)?;
        match Fields(&body).opt_int("count")? {
            None => 1,
            Some(n) if n >= 1 => n as u64,
            Some(n) => return Err(DocsError::bad_request(format!("Invalid count {n}: must be at least 1"))),
        }
    };
    let a = find_mut(state, id)?;
    a.view_count = a.view_count.saturating_add(count);
    ok_empty()
}

fn delete(state: &mut State, id: &str) -> DocsResult {
    find(state, id)?;
    remove(state, id);
    ok_empty()
}

/// Removes an article, its revisions and the references other articles hold to it.
pub(super) fn remove(state: &mut State, id: &str) {
    state.docs.articles.remove(id);
    state.docs.revisions.retain(|_, r| r.article_id != id);
    for a in state.docs.articles.values_mut() {
        a.related.retain(|r| r != id);
    }
}

fn save_draft(state: &mut State, req: &Req, id: &str) -> DocsResult {
    find(state, id)?;
    let body = body_object(req)?;
    let text = Fields(&body).req_str("text")?;
    let owner = state.owner_id;
    let a = find_mut(state, id)?;
    a.draft = Some(text);
    a.updated_by = owner;
    a.updated_at = req.now;
    ok_empty()
}

fn delete_draft(state: &mut State, req: &Req, id: &str) -> DocsResult {
    let a = find_mut(state, id)?;
    if a.draft.take().is_some() {
        a.updated_at = req.now;
    }
    ok_empty()
}

// ------------------------------------------------------------------ upload

/// Create an article from an HTML, text or Markdown file (multipart; the API
/// key also travels as the form field `key`, catalogue 4.12).
fn upload(state: &mut State, req: &Req) -> DocsResult {
    let parts = multipart::from_request(req)?;
    multipart::check_key(&parts)?;
    let field = |name: &str| multipart::text_field(&parts, name);
    let collection_id = field("collectionId").ok_or_else(|| DocsError::bad_request("collectionId is required"))?;
    let file: &Part = multipart::file(&parts)?;
    let file_name = file.file_name.clone().unwrap_or_default();
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    // Markdown is detected from the extension unless `type` says otherwise.
    let kind = match field("type").as_deref() {
        Some(t @ ("html" | "text" | "markdown")) => t.to_string(),
        Some(other) => {
            return Err(DocsError::bad_request(format!(
                "Invalid type `{other}`: expected html, text or markdown"
            )))
        }
        None => match extension.as_str() {
            "md" | "markdown" => "markdown".into(),
            "txt" => "text".into(),
            _ => "html".into(),
        },
    };
    let content = String::from_utf8_lossy(&file.data).into_owned();
    if content.trim().is_empty() {
        return Err(DocsError::bad_request("file is empty"));
    }
    let text = match kind.as_str() {
        "markdown" => markdown_to_html(&content),
        "text" => text_to_html(&content),
        _ => content,
    };
    let stem = file_name
        .rsplit_once('.')
        .map(|(s, _)| s.to_string())
        .unwrap_or(file_name.clone());
    let name = field("name").filter(|n| !n.trim().is_empty()).unwrap_or(stem);
    if name.trim().is_empty() {
        return Err(DocsError::bad_request("name is required when the file has no name"));
    }
    let categories: Vec<String> = field("categoryId").into_iter().filter(|c| !c.is_empty()).collect();
    let new = NewArticle {
        collection_id,
        name: name.trim().to_string(),
        text,
        status: "notpublished".into(),
        slug: field("slug"),
        categories,
        related: Vec::new(),
        keywords: Vec::new(),
    };
    let id = insert(state, req, new)?;
    let a = find(state, &id)?;
    created(
        req,
        format!("/v1/articles/{id}"),
        json!({ "article": article_json(state, a, false) }),
    )
}

fn text_to_html(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Enough Markdown for uploaded articles: headings, lists, paragraphs,
/// **bold**, `code` and [links](url).
fn markdown_to_html(md: &str) -> String {
    let mut out = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut list: Option<(&str, Vec<String>)> = None;
    let flush_paragraph = |out: &mut Vec<String>, paragraph: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.push(format!("<p>{}</p>", paragraph.join(" ")));
            paragraph.clear();
        }
    };
    let flush_list = |out: &mut Vec<String>, list: &mut Option<(&str, Vec<String>)>| {
        if let Some((tag, items)) = list.take() {
            let items: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
            out.push(format!("<{tag}>{items}</{tag}>"));
        }
    };
    for line in md.replace("\r\n", "\n").lines() {
        let trimmed = line.trim();
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        let ordered = trimmed
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            .map(|(_, rest)| rest);
        let bullet = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* "));
        if trimmed.is_empty() {
            flush_paragraph(&mut out, &mut paragraph);
            flush_list(&mut out, &mut list);
        } else if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
            flush_paragraph(&mut out, &mut paragraph);
            flush_list(&mut out, &mut list);
            out.push(format!(
                "<h{hashes}>{}</h{hashes}>",
                inline_markdown(trimmed[hashes..].trim())
            ));
        } else if let Some((tag, item)) = bullet.map(|b| ("ul", b)).or(ordered.map(|o| ("ol", o))) {
            flush_paragraph(&mut out, &mut paragraph);
            if list.as_ref().is_some_and(|(t, _)| *t != tag) {
                flush_list(&mut out, &mut list);
            }
            list.get_or_insert((tag, Vec::new())).1.push(inline_markdown(item));
        } else {
            flush_list(&mut out, &mut list);
            paragraph.push(inline_markdown(trimmed));
        }
    }
    flush_paragraph(&mut out, &mut paragraph);
    flush_list(&mut out, &mut list);
    out.join("\n")
}

fn inline_markdown(text: &str) -> String {
    let mut s = escape(text);
    // [text](url)
    while let Some(open) = s.find('[') {
        let Some(close) = s[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = s[close..].find(')').map(|i| close + i) else {
            break;
        };
        let link = format!("<a href=\"{}\">{}</a>", &s[close + 2..end], &s[open + 1..close]);
        s.replace_range(open..=end, &link);
    }
    for (marker, tag) in [("**", "strong"), ("`", "code")] {
        while let Some(start) = s.find(marker) {
            let Some(len) = s[start + marker.len()..].find(marker) else {
                break;
            };
            let inner = s[start + marker.len()..start + marker.len() + len].to_string();
            s.replace_range(
                start..start + 2 * marker.len() + len,
                &format!("<{tag}>{inner}</{tag}>"),
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        let html = markdown_to_html(
            "# Title\n\nSome **bold** text and a [link](https://x.test).\n\n- one\n- two\n\n1. first\n2. second",
        );
        assert_eq!(
            html,
            "<h1>Title</h1>\n<p>Some <strong>bold</strong> text and a <a href=\"https://x.test\">link</a>.</p>\n<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li><li>second</li></ol>"
        );
    }

    #[test]
    fn text_becomes_paragraphs() {
        assert_eq!(
            text_to_html("a <b>\nline\n\nnext"),
            "<p>a &lt;b&gt;<br>line</p>\n<p>next</p>"
        );
    }
}
