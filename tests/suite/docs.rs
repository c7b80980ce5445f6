#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `docs` toolset (Docs API v1: sites, collections, categories,
//! articles, redirects, assets) against the fake Help Scout's `/v1`.

use crate::common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::Harness;
use fake_helpscout::ids::*;
use fake_helpscout::RecordedRequest;
use helpscout_mcp::policy::{AccessLevel, Policy, Toolsets};
use serde_json::{json, Value};

/// Fails if the model would see nulls, HAL noise or HTML tags anywhere in `value`.
fn assert_compact(value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                assert!(
                    !["_links", "_embedded"].contains(&key.as_str()),
                    "noise {key} in {value}"
                );
                assert!(!v.is_null(), "null {key} in {value}");
                assert_compact(v);
            }
        }
        Value::Array(items) => items.iter().for_each(assert_compact),
        _ => {}
    }
}

fn items<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` array in {value}"))
}

fn is_docs_id(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The last request the fake received with this method and path.
fn last(h: &Harness, method: &str, path: &str) -> RecordedRequest {
    h.fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| panic!("no {method} {path} reached the fake"))
}

fn docs_requests(h: &Harness) -> usize {
    h.fake.requests().iter().filter(|r| r.path.starts_with("/v1")).count()
}

fn json_write(r: &RecordedRequest) -> Value {
    assert!(
        r.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json")),
        "{} {}: content type {:?}",
        r.method,
        r.path,
        r.content_type
    );
    r.body_json()
        .unwrap_or_else(|| panic!("{} {} body is not JSON: {}", r.method, r.path, r.body))
}

/// Writes that return the object ask for it with `reload=true` in the query (catalogue 4.5).
fn assert_reload(r: &RecordedRequest) {
    assert_eq!(r.query.as_deref(), Some("reload=true"), "{} {}", r.method, r.path);
}

/// A 16x8 PNG header: enough for Help Scout (and the fake) to read its size.
fn png() -> String {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend_from_slice(&[0, 0, 0, 16, 0, 0, 0, 8, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
    STANDARD.encode(bytes)
}

// ------------------------------------------------------------------ sites

#[tokio::test]
async fn lists_and_gets_sites() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("docs_list_sites", json!({})).await;
    assert_compact(&list);
    let sites = items(&list, "sites");
    assert_eq!(sites.len(), 2);
    assert_eq!((list["page"].clone(), list["pages"].clone()), (json!(1), json!(1)));
    assert!(list.get("next").is_none());
    assert!(sites
        .iter()
        .any(|s| s["id"] == DOCS_SITE_ID && s["cname"] == "help.fernwood.io"));

    let site = h.ok("docs_get_site", json!({"site_id": DOCS_SITE_ID})).await;
    assert_compact(&site);
    assert_eq!(site["subDomain"], "fernwood");
    assert_eq!(site["title"], "Fernwood Help Center");
    let r = last(&h, "GET", &format!("/v1/sites/{DOCS_SITE_ID}"));
    // Docs calls authenticate with HTTP Basic (the API key), never the Inbox bearer token.
    assert!(
        r.authorization.as_deref().is_some_and(|a| a.starts_with("Basic ")),
        "{r:?}"
    );
}

#[tokio::test]
async fn creates_updates_and_deletes_a_site() {
    let h = Harness::new(AccessLevel::Full).await;
    let created = h
        .ok(
            "docs_create_site",
            json!({"sub_domain": "fernwood-labs", "title": "Fernwood Labs", "has_contact_form": true, "mailbox_id": 301}),
        )
        .await;
    assert_compact(&created);
    assert!(is_docs_id(&created["id"]), "{created}");
    assert_eq!(created["subDomain"], "fernwood-labs");
    let r = last(&h, "POST", "/v1/sites");
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"subDomain": "fernwood-labs", "title": "Fernwood Labs", "hasContactForm": true, "mailboxId": 301})
    );
    let id = created["id"].as_str().unwrap().to_string();

    let updated = h
        .ok(
            "docs_update_site",
            json!({"site_id": id, "sub_domain": "fernwood-labs", "bg_color": "#003366", "has_public_site": false}),
        )
        .await;
    assert_eq!(updated["bgColor"], "#003366");
    assert_eq!(updated["hasPublicSite"], false);
    assert_eq!(updated["title"], "Fernwood Labs", "fields left out keep their value");
    let r = last(&h, "PUT", &format!("/v1/sites/{id}"));
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"subDomain": "fernwood-labs", "bgColor": "#003366", "hasPublicSite": false})
    );

    let deleted = h.ok("docs_delete_site", json!({"site_id": id})).await;
    assert_eq!(deleted, json!({"deleted": true, "siteId": id}));
    assert_eq!(last(&h, "DELETE", &format!("/v1/sites/{id}")).status, 200);
    let error = h.err("docs_get_site", json!({"site_id": id})).await;
    assert!(error.contains("HTTP 404"), "{error}");
}

#[tokio::test]
async fn site_arguments_are_checked_before_calling_help_scout() {
    let h = Harness::new(AccessLevel::Full).await;
    let before = docs_requests(&h);
    let error = h.err("docs_get_site", json!({"site_id": "23478"})).await;
    assert!(error.contains("`site_id`") && error.contains("24"), "{error}");
    let error = h
        .err("docs_get_site", json!({"site_id": DOCS_SITE_ID.to_uppercase()}))
        .await;
    assert!(error.contains("`site_id`"), "{error}");
    let error = h
        .err(
            "docs_create_site",
            json!({"sub_domain": "help.example.com", "title": "X"}),
        )
        .await;
    assert!(error.contains("`sub_domain`"), "{error}");
    let error = h
        .err(
            "docs_update_site_restrictions",
            json!({"site_id": DOCS_SITE_ID, "enabled": true}),
        )
        .await;
    assert!(error.contains("`sign_in_url`"), "{error}");
    assert_eq!(docs_requests(&h), before, "invalid calls reached Help Scout");
}

#[tokio::test]
async fn duplicate_subdomain_is_helpscouts_400() {
    let h = Harness::new(AccessLevel::Full).await;
    let error = h
        .err("docs_create_site", json!({"sub_domain": "fernwood", "title": "Again"}))
        .await;
    assert!(
        error.contains("HTTP 400") && error.contains("already in use"),
        "{error}"
    );
}

#[tokio::test]
async fn site_restrictions_never_show_the_shared_secret() {
    let h = Harness::new(AccessLevel::Full).await;
    let mut outputs = Vec::new();
    let restricted = h
        .ok("docs_get_site_restrictions", json!({"site_id": DOCS_PARTNER_SITE_ID}))
        .await;
    assert_compact(&restricted);
    assert_eq!(restricted["enabled"], true);
    assert_eq!(restricted["authentication"], "CALLBACK");
    assert_eq!(restricted["signInUrl"], "https://partners.fernwood.io/docs-login");
    assert_eq!(restricted["sharedSecret"], "[redacted]");
    outputs.push(restricted);
    // Everything else an agent can read about the partner site.
    outputs.push(h.ok("docs_get_site", json!({"site_id": DOCS_PARTNER_SITE_ID})).await);
    outputs.push(h.ok("docs_list_sites", json!({})).await);
    let disabled = h
        .ok(
            "docs_update_site_restrictions",
            json!({"site_id": DOCS_PARTNER_SITE_ID, "enabled": false}),
        )
        .await;
    assert_eq!(disabled["enabled"], false);
    outputs.push(disabled);
    let r = last(&h, "PUT", &format!("/v1/sites/{DOCS_PARTNER_SITE_ID}/restricted"));
    assert_eq!(json_write(&r), json!({"enabled": false}));
    // The secret did travel over the wire (Help Scout returns it): only the output hides it.
    assert!(h.fake.requests().iter().any(|r| r.path.ends_with("/restricted")));
    for output in &outputs {
        assert!(
            !output.to_string().contains(DOCS_SHARED_SECRET),
            "secret leaked: {output}"
        );
    }
}

#[tokio::test]
async fn enabling_restrictions_is_a_destructive_put_that_hides_the_new_secret() {
    let h = Harness::new(AccessLevel::Full).await;
    let tools = h.tools().await;
    let tool = tools
        .iter()
        .find(|t| t.name == "docs_update_site_restrictions")
        .unwrap();
    assert_eq!(tool.annotations.as_ref().and_then(|a| a.destructive_hint), Some(true));

    let out = h
        .ok(
            "docs_update_site_restrictions",
            json!({"site_id": DOCS_SITE_ID, "enabled": true, "sign_in_url": "https://fernwood.io/docs-sso"}),
        )
        .await;
    assert_eq!(out["enabled"], true);
    assert_eq!(out["sharedSecret"], "[redacted]");
    let r = last(&h, "PUT", &format!("/v1/sites/{DOCS_SITE_ID}/restricted"));
    assert_eq!(
        json_write(&r),
        json!({"enabled": true, "authentication": "CALLBACK",
               "callbackConfiguration": {"signInUrl": "https://fernwood.io/docs-sso"}})
    );
    // Read the generated secret straight from the fake and make sure the tool hid it.
    let raw: Value = reqwest::Client::new()
        .get(format!("{}/v1/sites/{DOCS_SITE_ID}/restricted", h.fake.docs_base_url()))
        .basic_auth(fake_helpscout::DOCS_API_KEY, Some("X"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = raw["callbackConfiguration"]["sharedSecret"].as_str().unwrap();
    assert!(secret.len() > 20);
    assert!(!out.to_string().contains(secret), "{out}");
    let again = h
        .ok("docs_get_site_restrictions", json!({"site_id": DOCS_SITE_ID}))
        .await;
    assert!(!again.to_string().contains(secret), "{again}");
}

// ------------------------------------------------------------------ collections

#[tokio::test]
async fn lists_and_gets_collections() {
    let h = Harness::new(AccessLevel::Read).await;
    let all = h.ok("docs_list_collections", json!({})).await;
    assert_compact(&all);
    assert_eq!(items(&all, "collections").len(), 4);
    let public = h
        .ok(
            "docs_list_collections",
            json!({"site_id": DOCS_SITE_ID, "visibility": "public", "sort": "name", "order": "desc"}),
        )
        .await;
    let names: Vec<&str> = items(&public, "collections")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Integrations & API", "Getting Started", "Account & Billing"]);
    let r = last(&h, "GET", "/v1/collections");
    assert_eq!(
        r.query.as_deref(),
        Some(format!("siteId={DOCS_SITE_ID}&visibility=public&sort=name&order=desc").as_str())
    );

    let by_id = h
        .ok(
            "docs_get_collection",
            json!({"collection_id_or_number": DOCS_COLLECTION_ID}),
        )
        .await;
    assert_eq!(by_id["name"], "Getting Started");
    assert!(by_id["articleCount"].as_u64().unwrap() > by_id["publishedArticleCount"].as_u64().unwrap());
    let by_number = h.ok("docs_get_collection", json!({"collection_id_or_number": 1})).await;
    assert_eq!(by_number["id"], DOCS_COLLECTION_ID);
    last(&h, "GET", "/v1/collections/1");
}

#[tokio::test]
async fn creates_updates_and_deletes_a_collection() {
    let h = Harness::new(AccessLevel::Full).await;
    let error = h
        .err(
            "docs_create_collection",
            json!({"name": "Release notes", "description": "x".repeat(46)}),
        )
        .await;
    assert!(error.contains("`description`") && error.contains("45"), "{error}");

    let created = h
        .ok(
            "docs_create_collection",
            json!({"site_id": DOCS_SITE_ID, "name": "Release notes", "visibility": "private", "description": "What changed"}),
        )
        .await;
    assert_compact(&created);
    assert!(is_docs_id(&created["id"]));
    assert_eq!(created["visibility"], "private");
    let r = last(&h, "POST", "/v1/collections");
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"siteId": DOCS_SITE_ID, "name": "Release notes", "visibility": "private", "description": "What changed"})
    );
    let id = created["id"].as_str().unwrap().to_string();

    let updated = h
        .ok(
            "docs_update_collection",
            json!({"collection_id": id, "name": "Changelog", "visibility": "public", "order": 9}),
        )
        .await;
    assert_eq!(
        (updated["name"].clone(), updated["order"].clone()),
        (json!("Changelog"), json!(9))
    );
    let r = last(&h, "PUT", &format!("/v1/collections/{id}"));
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"name": "Changelog", "visibility": "public", "order": 9})
    );

    let deleted = h.ok("docs_delete_collection", json!({"collection_id": id})).await;
    assert_eq!(deleted["deleted"], true);
    assert_eq!(last(&h, "DELETE", &format!("/v1/collections/{id}")).status, 200);
}

// ------------------------------------------------------------------ categories

#[tokio::test]
async fn lists_and_gets_categories() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h
        .ok("docs_list_categories", json!({"collection_id": DOCS_COLLECTION_ID}))
        .await;
    assert_compact(&list);
    let names: Vec<&str> = items(&list, "categories")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Basics", "Projects & Views", "Importing"]);

    let by_number = h
        .ok(
            "docs_get_category",
            json!({"category_id_or_number": DOCS_CATEGORY_NUMBER}),
        )
        .await;
    assert_eq!(by_number["id"], DOCS_CATEGORY_ID);
    assert_eq!(by_number["name"], "Basics");
    last(&h, "GET", &format!("/v1/categories/{DOCS_CATEGORY_NUMBER}"));
    let by_id = h
        .ok("docs_get_category", json!({"category_id_or_number": DOCS_CATEGORY_ID}))
        .await;
    assert_eq!(by_id["number"], DOCS_CATEGORY_NUMBER);
    let error = h
        .err("docs_get_category", json!({"category_id_or_number": "basics"}))
        .await;
    assert!(error.contains("`category_id_or_number`"), "{error}");
}

#[tokio::test]
async fn creates_updates_reorders_and_deletes_categories() {
    let h = Harness::new(AccessLevel::Full).await;
    let created = h
        .ok(
            "docs_create_category",
            json!({"collection_id": DOCS_COLLECTION_ID, "name": "Automations", "default_sort": "updatedAt", "order": 4}),
        )
        .await;
    assert_compact(&created);
    // Create Category with reload answers Unix timestamps (catalogue 4.5); the tool says ISO.
    let created_at = created["createdAt"].as_str().unwrap_or_else(|| panic!("{created}"));
    assert!(created_at.ends_with('Z') && created_at.contains('T'), "{created}");
    assert_eq!(created["defaultSort"], "updatedAt");
    let r = last(&h, "POST", "/v1/categories");
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"collectionId": DOCS_COLLECTION_ID, "name": "Automations", "order": 4, "defaultSort": "updatedAt"})
    );
    let id = created["id"].as_str().unwrap().to_string();

    let updated = h
        .ok(
            "docs_update_category",
            json!({"category_id": id, "name": "Automation rules", "visibility": "private"}),
        )
        .await;
    assert_eq!(updated["name"], "Automation rules");
    assert_eq!(updated["visibility"], "private");
    let r = last(&h, "PUT", &format!("/v1/categories/{id}"));
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"name": "Automation rules", "visibility": "private"})
    );

    let order = json!([{"id": id, "order": 1}, {"id": DOCS_CATEGORY_ID, "order": 2}]);
    let out = h
        .ok(
            "docs_update_category_order",
            json!({"collection_id": DOCS_COLLECTION_ID, "categories": order}),
        )
        .await;
    assert_eq!(out["updated"], true);
    let r = last(&h, "PUT", &format!("/v1/collections/{DOCS_COLLECTION_ID}/categories"));
    assert_eq!(json_write(&r), json!({"categories": order}));
    let list = h
        .ok("docs_list_categories", json!({"collection_id": DOCS_COLLECTION_ID}))
        .await;
    assert_eq!(items(&list, "categories")[0]["id"], id.as_str());
    let error = h
        .err(
            "docs_update_category_order",
            json!({"collection_id": DOCS_COLLECTION_ID, "categories": [{"id": id, "order": 1}, {"id": id, "order": 2}]}),
        )
        .await;
    assert!(error.contains("`categories`") && error.contains("twice"), "{error}");

    let deleted = h.ok("docs_delete_category", json!({"category_id": id})).await;
    assert_eq!(deleted, json!({"deleted": true, "categoryId": id}));
    assert_eq!(last(&h, "DELETE", &format!("/v1/categories/{id}")).status, 200);
}

// ------------------------------------------------------------------ articles

#[tokio::test]
async fn lists_articles_with_paging_hints() {
    let h = Harness::new(AccessLevel::Read).await;
    let first = h
        .ok(
            "docs_list_articles_in_collection",
            json!({"collection_id": DOCS_COLLECTION_ID, "page_size": 3, "sort": "number", "order": "asc"}),
        )
        .await;
    assert_compact(&first);
    let articles = items(&first, "articles");
    assert_eq!(articles.len(), 3);
    assert!(articles.iter().all(|a| a.get("text").is_none()), "lists carry no text");
    assert_eq!(articles[0]["number"], 12);
    assert_eq!(first["total"], 8);
    assert_eq!(first["pages"], 3);
    assert_eq!(
        first["next"],
        "call docs_list_articles_in_collection again with page=2 and page_size=3 for more"
    );
    let r = last(&h, "GET", &format!("/v1/collections/{DOCS_COLLECTION_ID}/articles"));
    assert_eq!(r.query.as_deref(), Some("sort=number&order=asc&pageSize=3"));
    let last_page = h
        .ok(
            "docs_list_articles_in_collection",
            json!({"collection_id": DOCS_COLLECTION_ID, "page_size": 3, "page": 3}),
        )
        .await;
    assert_eq!(items(&last_page, "articles").len(), 2);
    assert!(last_page.get("next").is_none());

    let unpublished = h
        .ok(
            "docs_list_articles_in_collection",
            json!({"collection_id": DOCS_COLLECTION_ID, "status": "notpublished"}),
        )
        .await;
    let unpublished = items(&unpublished, "articles");
    assert_eq!(unpublished.len(), 1);
    assert_eq!(unpublished[0]["id"], DOCS_UNPUBLISHED_ARTICLE_ID);

    let in_category = h
        .ok(
            "docs_list_articles_in_category",
            json!({"category_id": DOCS_CATEGORY_ID}),
        )
        .await;
    assert_compact(&in_category);
    let names: Vec<&str> = items(&in_category, "articles")
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Creating your first project"), "{names:?}");
    last(&h, "GET", &format!("/v1/categories/{DOCS_CATEGORY_ID}/articles"));
}

#[tokio::test]
async fn page_size_is_limited_to_100() {
    let h = Harness::new(AccessLevel::Read).await;
    let before = docs_requests(&h);
    let error = h
        .err(
            "docs_list_articles_in_collection",
            json!({"collection_id": DOCS_COLLECTION_ID, "page_size": 101}),
        )
        .await;
    assert!(error.contains("`page_size`") && error.contains("100"), "{error}");
    let error = h
        .err(
            "docs_list_articles_in_category",
            json!({"category_id": DOCS_CATEGORY_ID, "page_size": 0}),
        )
        .await;
    assert!(error.contains("`page_size`"), "{error}");
    assert_eq!(docs_requests(&h), before);
    let max = h
        .ok(
            "docs_list_articles_in_collection",
            json!({"collection_id": DOCS_BILLING_COLLECTION_ID, "page_size": 100}),
        )
        .await;
    assert_eq!(items(&max, "articles").len(), 7);
}

#[tokio::test]
async fn gets_an_article_by_id_or_number_as_plain_text() {
    let h = Harness::new(AccessLevel::Read).await;
    let by_id = h
        .ok("docs_get_article", json!({"article_id_or_number": DOCS_ARTICLE_ID}))
        .await;
    assert_compact(&by_id);
    assert_eq!(by_id["number"], DOCS_ARTICLE_NUMBER);
    let text = by_id["text"].as_str().unwrap();
    assert!(text.contains("Two-factor authentication (2FA)"), "{text}");
    assert!(text.contains("1. Sign in at app.fernwood.io"), "{text}");
    assert!(!text.contains('<'), "HTML reached the model: {text}");
    assert_eq!(by_id["related"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        by_id["publicUrl"],
        "https://help.fernwood.io/article/112-two-factor-authentication"
    );

    for number in [json!(DOCS_ARTICLE_NUMBER), json!(DOCS_ARTICLE_NUMBER.to_string())] {
        let by_number = h.ok("docs_get_article", json!({"article_id_or_number": number})).await;
        assert_eq!(by_number["id"], DOCS_ARTICLE_ID);
    }
    last(&h, "GET", &format!("/v1/articles/{DOCS_ARTICLE_NUMBER}"));

    let before = docs_requests(&h);
    for bad in [json!("two-factor-authentication"), json!(0), json!(-112), json!(1.5)] {
        let error = h.err("docs_get_article", json!({"article_id_or_number": bad})).await;
        assert!(error.contains("`article_id_or_number`"), "{bad}: {error}");
    }
    assert_eq!(docs_requests(&h), before);
    let error = h.err("docs_get_article", json!({"article_id_or_number": 99_999})).await;
    assert!(error.contains("HTTP 404"), "{error}");
    // Docs errors carry a Correlation-Id, shown like Inbox logRefs.
    assert!(error.contains("logRef"), "{error}");
}

#[tokio::test]
async fn draft_text_on_request() {
    let h = Harness::new(AccessLevel::Read).await;
    let published = h
        .ok(
            "docs_get_article",
            json!({"article_id_or_number": DOCS_DRAFT_ARTICLE_ID}),
        )
        .await;
    assert_eq!(published["hasDraft"], true);
    assert!(!published["text"].as_str().unwrap().contains("New:"));
    let draft = h
        .ok(
            "docs_get_article",
            json!({"article_id_or_number": DOCS_DRAFT_ARTICLE_ID, "draft": true}),
        )
        .await;
    assert!(
        draft["text"].as_str().unwrap().contains("New: collapse a column"),
        "{draft}"
    );
    assert_eq!(
        last(&h, "GET", &format!("/v1/articles/{DOCS_DRAFT_ARTICLE_ID}"))
            .query
            .as_deref(),
        Some("draft=true")
    );
}

#[tokio::test]
async fn searches_articles() {
    let h = Harness::new(AccessLevel::Read).await;
    let hits = h
        .ok(
            "docs_search_articles",
            json!({"query": "backup codes", "status": "published"}),
        )
        .await;
    assert_compact(&hits);
    let hits_list = items(&hits, "articles");
    assert_eq!(hits_list[0]["id"], DOCS_ARTICLE_ID, "{hits}");
    assert!(hits_list[0]["preview"].as_str().unwrap().starts_with("Two-factor"));
    assert!(hits_list[0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://help.fernwood.io/article/112"));
    let r = last(&h, "GET", "/v1/search/articles");
    assert_eq!(r.query.as_deref(), Some("query=backup+codes&status=published"));

    let scoped = h
        .ok(
            "docs_search_articles",
            json!({"query": "onboarding", "site_id": DOCS_SITE_ID, "visibility": "public"}),
        )
        .await;
    // Public is the default visibility, so a search hit only ever says `private`.
    let hits = items(&scoped, "articles");
    assert!(
        !hits.is_empty() && hits.iter().all(|a| a.get("visibility").is_none()),
        "{scoped}"
    );
    let private = h
        .ok(
            "docs_search_articles",
            json!({"query": "onboarding", "visibility": "private"}),
        )
        .await;
    assert!(
        !items(&private, "articles").is_empty()
            && items(&private, "articles").iter().all(|a| a["visibility"] == "private"),
        "{private}"
    );
    let none = h.ok("docs_search_articles", json!({"query": "zebra crossing"})).await;
    assert_eq!(items(&none, "articles").len(), 0);
    let error = h.err("docs_search_articles", json!({"query": "  "})).await;
    assert!(error.contains("`query`"), "{error}");
}

#[tokio::test]
async fn related_articles_and_revisions() {
    let h = Harness::new(AccessLevel::Read).await;
    let related = h
        .ok("docs_list_related_articles", json!({"article_id": DOCS_ARTICLE_ID}))
        .await;
    assert_compact(&related);
    let mut names: Vec<&str> = items(&related, "articles")
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Roles and permissions", "Single sign-on (SSO) with SAML"]);
    last(&h, "GET", &format!("/v1/articles/{DOCS_ARTICLE_ID}/related"));

    let revisions = h
        .ok("docs_list_article_revisions", json!({"article_id": DOCS_ARTICLE_ID}))
        .await;
    assert_compact(&revisions);
    let revs = items(&revisions, "revisions");
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[1]["id"], DOCS_REVISION_ID, "newest first");
    assert!(revs[0]["createdBy"]["name"].is_string(), "{revisions}");

    let revision = h
        .ok("docs_get_article_revision", json!({"revision_id": DOCS_REVISION_ID}))
        .await;
    assert_compact(&revision);
    assert_eq!(revision["articleId"], DOCS_ARTICLE_ID);
    let text = revision["text"].as_str().unwrap();
    assert!(text.contains("Keep your backup codes") && !text.contains('<'), "{text}");
    last(&h, "GET", &format!("/v1/revisions/{DOCS_REVISION_ID}"));
}

#[tokio::test]
async fn article_lifecycle_create_update_views_draft_delete() {
    let h = Harness::new(AccessLevel::Full).await;
    let html = "<h2>Recurring tasks</h2><p>Open a task and choose <strong>Repeat</strong>.</p>";
    let created = h
        .ok(
            "docs_create_article",
            json!({"collection_id": DOCS_COLLECTION_ID, "name": "Recurring tasks", "text": html,
                   "categories": [DOCS_CATEGORY_ID], "keywords": ["repeat"]}),
        )
        .await;
    assert_compact(&created);
    assert!(is_docs_id(&created["id"]), "{created}");
    assert_eq!(created["status"], "notpublished");
    assert_eq!(created["text"], "## Recurring tasks\n\nOpen a task and choose Repeat.");
    let r = last(&h, "POST", "/v1/articles");
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"collectionId": DOCS_COLLECTION_ID, "name": "Recurring tasks", "text": html,
               "categories": [DOCS_CATEGORY_ID], "keywords": ["repeat"]})
    );
    let id = created["id"].as_str().unwrap().to_string();

    let published = h
        .ok(
            "docs_update_article",
            json!({"article_id": id, "status": "published", "related": [DOCS_ARTICLE_ID]}),
        )
        .await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["related"], json!([DOCS_ARTICLE_ID]));
    assert_eq!(
        published["categories"],
        json!([DOCS_CATEGORY_ID]),
        "absent lists are unchanged"
    );
    let r = last(&h, "PUT", &format!("/v1/articles/{id}"));
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"status": "published", "related": [DOCS_ARTICLE_ID]})
    );
    let error = h.err("docs_update_article", json!({"article_id": id})).await;
    assert!(error.contains("at least one field"), "{error}");

    let views = h
        .ok("docs_update_article_view_count", json!({"article_id": id, "count": 3}))
        .await;
    assert_eq!(views, json!({"articleId": id, "viewsAdded": 3}));
    let r = last(&h, "PUT", &format!("/v1/articles/{id}/views"));
    assert_eq!(json_write(&r), json!({"count": 3}));
    assert_eq!(r.status, 200);
    h.ok("docs_update_article_view_count", json!({"article_id": id})).await;
    let read = h.ok("docs_get_article", json!({"article_id_or_number": id})).await;
    assert_eq!(read["viewCount"], 4, "views add up; reading is not a view");

    let saved = h
        .ok(
            "docs_save_article_draft",
            json!({"article_id": id, "text": "<p>Draft: repeat every weekday.</p>"}),
        )
        .await;
    assert_eq!(saved, json!({"draftSaved": true, "articleId": id}));
    let r = last(&h, "PUT", &format!("/v1/articles/{id}/drafts"));
    assert_eq!(json_write(&r), json!({"text": "<p>Draft: repeat every weekday.</p>"}));
    let draft = h
        .ok("docs_get_article", json!({"article_id_or_number": id, "draft": true}))
        .await;
    assert_eq!(draft["text"], "Draft: repeat every weekday.");
    assert_eq!(draft["hasDraft"], true);

    let discarded = h.ok("docs_delete_article_draft", json!({"article_id": id})).await;
    assert_eq!(discarded, json!({"draftDeleted": true, "articleId": id}));
    assert_eq!(last(&h, "DELETE", &format!("/v1/articles/{id}/drafts")).status, 200);
    let read = h.ok("docs_get_article", json!({"article_id_or_number": id})).await;
    assert!(read.get("hasDraft").is_none(), "{read}");

    // Editing a published article's text discards its draft (catalogue 4.12).
    h.ok(
        "docs_save_article_draft",
        json!({"article_id": id, "text": "<p>later</p>"}),
    )
    .await;
    let edited = h
        .ok(
            "docs_update_article",
            json!({"article_id": id, "text": "<p>Repeat daily or weekly.</p>"}),
        )
        .await;
    assert!(edited.get("hasDraft").is_none(), "{edited}");
    let revisions = h.ok("docs_list_article_revisions", json!({"article_id": id})).await;
    assert_eq!(items(&revisions, "revisions").len(), 2);

    let deleted = h.ok("docs_delete_article", json!({"article_id": id})).await;
    assert_eq!(deleted, json!({"deleted": true, "articleId": id}));
    assert_eq!(last(&h, "DELETE", &format!("/v1/articles/{id}")).status, 200);
    let error = h.err("docs_get_article", json!({"article_id_or_number": id})).await;
    assert!(error.contains("HTTP 404"), "{error}");
}

#[tokio::test]
async fn create_article_errors_come_back_readable() {
    let h = Harness::new(AccessLevel::Full).await;
    let error = h
        .err(
            "docs_create_article",
            json!({"collection_id": DOCS_COLLECTION_ID, "name": "Using the Board view", "text": "<p>x</p>"}),
        )
        .await;
    assert!(
        error.contains("HTTP 400") && error.contains("already exists"),
        "{error}"
    );
    let error = h
        .err(
            "docs_create_article",
            json!({"collection_id": DOCS_COLLECTION_ID, "name": "X", "text": "<p>x</p>", "categories": ["nope"]}),
        )
        .await;
    assert!(error.contains("`categories[0]`"), "{error}");
    let error = h
        .err(
            "docs_update_article_view_count",
            json!({"article_id": DOCS_ARTICLE_ID, "count": 0}),
        )
        .await;
    assert!(error.contains("`count`"), "{error}");
}

#[tokio::test]
async fn uploads_a_markdown_article_as_multipart() {
    let h = Harness::new(AccessLevel::Full).await;
    let markdown = "# Keyboard shortcuts\n\n- **N** new task\n- **/** search\n";
    let created = h
        .ok(
            "docs_upload_article",
            json!({"collection_id": DOCS_COLLECTION_ID, "file_name": "keyboard-shortcuts.md",
                   "data": STANDARD.encode(markdown), "category_id": DOCS_CATEGORY_ID}),
        )
        .await;
    assert_compact(&created);
    assert_eq!(created["name"], "keyboard-shortcuts");
    assert_eq!(created["status"], "notpublished");
    assert_eq!(created["categories"], json!([DOCS_CATEGORY_ID]));
    let text = created["text"].as_str().unwrap();
    assert!(
        text.contains("Keyboard shortcuts") && text.contains("N new task"),
        "{text}"
    );

    let r = last(&h, "POST", "/v1/articles/upload");
    assert_reload(&r);
    assert!(
        r.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("multipart/form-data; boundary=")),
        "{:?}",
        r.content_type
    );
    for part in [
        "name=\"collectionId\"\r\n\r\n671002c40000000000000001\r\n".to_string(),
        format!("name=\"categoryId\"\r\n\r\n{DOCS_CATEGORY_ID}\r\n"),
        "name=\"file\"; filename=\"keyboard-shortcuts.md\"\r\nContent-Type: text/markdown".to_string(),
        // The client adds the API key as a form field (catalogue 4.12).
        format!("name=\"key\"\r\n\r\n{}\r\n", fake_helpscout::DOCS_API_KEY),
    ] {
        assert!(r.body.contains(&part), "missing {part:?} in {}", r.body);
    }
    assert!(r.body.contains(markdown), "file content");

    let before = docs_requests(&h);
    let error = h
        .err(
            "docs_upload_article",
            json!({"collection_id": DOCS_COLLECTION_ID, "file_name": "a.md", "data": "### not base64 ###"}),
        )
        .await;
    assert!(error.contains("`data`") && error.contains("base64"), "{error}");
    assert_eq!(docs_requests(&h), before);
}

// ------------------------------------------------------------------ assets

#[tokio::test]
async fn uploads_article_and_settings_assets() {
    let h = Harness::new(AccessLevel::Full).await;
    let image = h
        .ok(
            "docs_create_article_asset",
            json!({"article_id": DOCS_ARTICLE_ID, "asset_type": "image", "file_name": "qr step.png",
                   "mime_type": "image/png", "data": png()}),
        )
        .await;
    assert_compact(&image);
    assert!(image["filelink"].as_str().unwrap().starts_with("https://"), "{image}");
    assert_eq!(image["filename"], "qr step.png");
    assert_eq!((image["width"].clone(), image["height"].clone()), (json!(16), json!(8)));
    let r = last(&h, "POST", "/v1/assets/article");
    assert_eq!(r.status, 201);
    assert!(r
        .content_type
        .as_deref()
        .is_some_and(|c| c.starts_with("multipart/form-data")));
    for part in [
        format!("name=\"articleId\"\r\n\r\n{DOCS_ARTICLE_ID}\r\n"),
        "name=\"assetType\"\r\n\r\nimage\r\n".to_string(),
        "name=\"file\"; filename=\"qr step.png\"\r\nContent-Type: image/png".to_string(),
        format!("name=\"key\"\r\n\r\n{}\r\n", fake_helpscout::DOCS_API_KEY),
    ] {
        assert!(r.body.contains(&part), "missing {part:?} in {}", r.body);
    }

    let pdf = h
        .ok(
            "docs_create_article_asset",
            json!({"article_id": DOCS_ARTICLE_ID, "asset_type": "attachment", "file_name": "checklist.pdf",
                   "mime_type": "application/pdf", "data": STANDARD.encode("%PDF-1.7 test")}),
        )
        .await;
    assert!(pdf.get("width").is_none(), "{pdf}");
    let error = h
        .err(
            "docs_create_article_asset",
            json!({"article_id": DOCS_ARTICLE_ID, "asset_type": "image", "file_name": "checklist.pdf",
                   "mime_type": "application/pdf", "data": STANDARD.encode("%PDF-1.7 test")}),
        )
        .await;
    assert!(error.contains("`asset_type`"), "{error}");

    let logo = h
        .ok(
            "docs_create_settings_asset",
            json!({"asset_type": "logo", "site_id": DOCS_SITE_ID, "file_name": "logo.png",
                   "mime_type": "image/png", "data": png()}),
        )
        .await;
    assert_compact(&logo);
    assert_eq!(logo["width"], 16);
    let r = last(&h, "POST", "/v1/assets/settings");
    assert_eq!(r.status, 201);
    assert!(r.body.contains("name=\"assetType\"\r\n\r\nlogo\r\n"), "{}", r.body);
    assert!(r.body.contains(&format!("name=\"siteId\"\r\n\r\n{DOCS_SITE_ID}\r\n")));
    let error = h
        .err(
            "docs_create_settings_asset",
            json!({"asset_type": "favicon", "file_name": "f.txt", "mime_type": "text/plain", "data": png()}),
        )
        .await;
    assert!(error.contains("`mime_type`"), "{error}");
}

// ------------------------------------------------------------------ redirects

#[tokio::test]
async fn lists_gets_and_finds_redirects() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("docs_list_redirects", json!({"site_id": DOCS_SITE_ID})).await;
    assert_compact(&list);
    let redirects = items(&list, "redirects");
    assert_eq!(redirects.len(), 5);
    last(&h, "GET", &format!("/v1/redirects/site/{DOCS_SITE_ID}"));

    let one = h
        .ok("docs_get_redirect", json!({"redirect_id": DOCS_REDIRECT_ID}))
        .await;
    assert_compact(&one);
    assert_eq!(one["urlMapping"], "/article/11-first-project");
    assert_eq!(one["type"], "article");

    // A two-hop chain resolves to its final destination.
    let found = h
        .ok(
            "docs_find_redirect",
            json!({"url": DOCS_CHAIN_REDIRECT_URL, "site_id": DOCS_SITE_ID}),
        )
        .await;
    assert_eq!(found["redirectedUrl"]["number"], 23, "{found}");
    assert_eq!(found["redirectedUrl"]["anchor"], "before-you-start");
    assert_eq!(found["redirectedUrl"]["type"], "article");
    let r = last(&h, "GET", "/v1/redirects");
    assert_eq!(
        r.query.as_deref(),
        Some(format!("url=%2Fold%2Ftrello-import&siteId={DOCS_SITE_ID}").as_str())
    );

    // A full URL is reduced to its path.
    let from_url = h
        .ok(
            "docs_find_redirect",
            json!({"url": "https://help.fernwood.io/article/11-first-project", "site_id": DOCS_SITE_ID}),
        )
        .await;
    assert_eq!(from_url["redirectedUrl"]["number"], 12);

    let nothing = h
        .ok(
            "docs_find_redirect",
            json!({"url": "/never/existed", "site_id": DOCS_SITE_ID}),
        )
        .await;
    assert_eq!(nothing["redirectedUrl"], Value::Null);
    let error = h.err("docs_find_redirect", json!({"url": "/x"})).await;
    assert!(error.contains("`site_id`"), "{error}");
}

#[tokio::test]
async fn creates_updates_and_deletes_redirects() {
    let h = Harness::new(AccessLevel::Full).await;
    let created = h
        .ok(
            "docs_create_redirect",
            json!({"site_id": DOCS_SITE_ID, "url_mapping": "/article/99-old-sso",
                   "redirect": "https://help.fernwood.io/article/113-single-sign-on"}),
        )
        .await;
    assert_compact(&created);
    assert!(is_docs_id(&created["id"]));
    assert_eq!(created["type"], "article");
    let r = last(&h, "POST", "/v1/redirects");
    assert_reload(&r);
    assert_eq!(
        json_write(&r),
        json!({"siteId": DOCS_SITE_ID, "urlMapping": "/article/99-old-sso",
               "redirect": "https://help.fernwood.io/article/113-single-sign-on"})
    );
    let id = created["id"].as_str().unwrap().to_string();

    let updated = h
        .ok(
            "docs_update_redirect",
            json!({"redirect_id": id, "site_id": DOCS_SITE_ID, "url_mapping": "/article/99-old-sso",
                   "redirect": "https://fernwood.io/security"}),
        )
        .await;
    assert_eq!(updated["type"], "custom");
    let r = last(&h, "PUT", &format!("/v1/redirects/{id}"));
    assert_reload(&r);
    assert_eq!(json_write(&r)["redirect"], "https://fernwood.io/security");

    let deleted = h.ok("docs_delete_redirect", json!({"redirect_id": id})).await;
    assert_eq!(deleted, json!({"deleted": true, "redirectId": id}));
    assert_eq!(last(&h, "DELETE", &format!("/v1/redirects/{id}")).status, 200);

    let before = docs_requests(&h);
    let error = h
        .err(
            "docs_create_redirect",
            json!({"site_id": DOCS_SITE_ID, "url_mapping": "/a", "redirect": "/article/12"}),
        )
        .await;
    assert!(error.contains("`redirect`"), "{error}");
    let error = h
        .err(
            "docs_create_redirect",
            json!({"site_id": DOCS_SITE_ID, "url_mapping": "old-page", "redirect": "https://x.test"}),
        )
        .await;
    assert!(error.contains("`url_mapping`"), "{error}");
    assert_eq!(docs_requests(&h), before);
}

// ------------------------------------------------------------------ policy

#[tokio::test]
async fn without_a_docs_api_key_the_toolset_is_hidden_and_refused() {
    let policy = Policy {
        access: AccessLevel::Full,
        toolsets: Toolsets::All,
        docs_available: false,
        ..Policy::default()
    };
    let h = Harness::with_policy(policy).await;
    let tools = h.tools().await;
    assert!(!tools.is_empty());
    assert!(
        tools.iter().all(|t| !t.name.starts_with("docs_")),
        "docs tools listed without a key"
    );
    let error = h.err("docs_list_sites", json!({})).await;
    assert!(error.contains("HELPSCOUT_DOCS_API_KEY"), "{error}");
    assert_eq!(docs_requests(&h), 0);
}

#[tokio::test]
async fn read_access_lists_only_read_docs_tools() {
    let h = Harness::new(AccessLevel::Read).await;
    let docs: Vec<String> = h
        .tools()
        .await
        .into_iter()
        .map(|t| t.name.to_string())
        .filter(|n| n.starts_with("docs_"))
        .collect();
    assert_eq!(docs.len(), 17, "{docs:?}");
    let error = h
        .err("docs_delete_article", json!({"article_id": DOCS_ARTICLE_ID}))
        .await;
    assert!(error.contains("--access"), "{error}");
    assert!(h.writes().is_empty());
}

#[tokio::test]
async fn the_docs_budget_is_followed_from_its_own_headers() {
    let h = Harness::new(AccessLevel::Read).await;
    h.fake.set_docs_rate_limit(2);
    h.ok("docs_list_sites", json!({})).await;
    h.ok("docs_list_collections", json!({})).await;
    // X-RateLimit-Remaining is now 0 with a reset minutes away: the client refuses
    // rather than hang the call or collect a 429 (catalogue 4.2).
    let before = docs_requests(&h);
    let error = h.err("docs_get_site", json!({"site_id": DOCS_SITE_ID})).await;
    assert!(
        error.contains("rate-limit budget") && error.contains("try again in"),
        "{error}"
    );
    assert_eq!(docs_requests(&h), before, "the call was sent anyway");
    // The Inbox budget is separate.
    h.ok("list_mailboxes", json!({})).await;
}
