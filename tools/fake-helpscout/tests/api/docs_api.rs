#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fake Docs API (`/v1`) over real HTTP: auth, its own 10-minute budget and
//! headers, Docs statuses and error bodies, envelopes, redirects and uploads.

use fake_helpscout::ids::*;
use fake_helpscout::{FakeConfig, FakeHelpScout, Fault, FaultKind, DOCS_API_KEY};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

/// One multipart part: field name, optional (file name, content type), bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

struct Docs {
    fake: FakeHelpScout,
    http: Client,
}

impl Docs {
    async fn new() -> Docs {
        let fake = FakeHelpScout::start(FakeConfig::default()).await.unwrap();
        Docs {
            fake,
            http: Client::new(),
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.fake.docs_base_url()))
            .basic_auth(DOCS_API_KEY, Some("X"))
    }

    async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    async fn get_json(&self, path: &str) -> Value {
        let resp = self.get(path).await;
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
        resp.json().await.unwrap()
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> Response {
        self.request(method, path).json(&body).send().await.unwrap()
    }

    async fn multipart(&self, path: &str, parts: &[Part<'_>]) -> Response {
        let boundary = "fake-docs-boundary-7d1";
        let mut body = Vec::new();
        for (name, file, data) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some((file_name, mime)) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {mime}\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.request(Method::POST, path)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn number(resp: &Response, name: &str) -> u64 {
    header(resp, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no numeric {name} header"))
}

/// `{status, message}` (catalogue 4.4) with a Correlation-Id.
async fn docs_error(resp: Response, status: u16) -> String {
    assert_eq!(resp.status().as_u16(), status);
    let id = header(&resp, "correlation-id").expect("Correlation-Id on errors");
    assert_eq!(id.len(), 36, "{id}");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], status, "{body}");
    body["message"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn basic_auth_with_the_api_key_only() {
    let docs = Docs::new().await;
    let url = format!("{}/v1/sites", docs.fake.docs_base_url());
    let wrong = docs
        .http
        .get(&url)
        .basic_auth("not-the-key", Some("X"))
        .send()
        .await
        .unwrap();
    assert!(header(&wrong, "www-authenticate").is_some_and(|v| v.starts_with("Basic")));
    assert!(docs_error(wrong, 401).await.contains("API key"));
    let bearer = docs
        .http
        .get(&url)
        .bearer_auth(docs.fake.issue_token())
        .send()
        .await
        .unwrap();
    docs_error(bearer, 401).await;
    let ok = docs.get("/v1/sites").await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn own_budget_and_headers_on_every_response() {
    let docs = Docs::new().await;
    let first = docs.get("/v1/sites").await;
    // Two Docs sites: 3000 requests per 10 minutes (catalogue 4.2).
    assert_eq!(number(&first, "x-ratelimit-limit"), 3000);
    let remaining = number(&first, "x-ratelimit-remaining");
    assert!((1..=600).contains(&number(&first, "x-ratelimit-reset")));
    assert!(
        header(&first, "x-ratelimit-limit-minute").is_none(),
        "Inbox headers on a Docs answer"
    );
    assert!(header(&first, "correlation-id").is_some());
    // Writes cost 1 like reads, and errors count too.
    let write = docs
        .send(Method::PUT, &format!("/v1/articles/{DOCS_ARTICLE_ID}/views"), json!({}))
        .await;
    assert_eq!(write.status(), StatusCode::OK);
    assert_eq!(number(&write, "x-ratelimit-remaining"), remaining - 1);
    let missing = docs.get("/v1/articles/99999").await;
    assert_eq!(number(&missing, "x-ratelimit-remaining"), remaining - 2);

    docs.fake.set_docs_rate_limit(4);
    let last = docs.get("/v1/sites").await;
    assert_eq!(number(&last, "x-ratelimit-remaining"), 0);
    let refused = docs.get("/v1/sites").await;
    assert_eq!(number(&refused, "x-ratelimit-limit"), 4);
    assert_eq!(number(&refused, "x-ratelimit-remaining"), 0);
    assert!(number(&refused, "x-ratelimit-reset") >= 1);
    docs_error(refused, 429).await;

    // The Inbox budget is separate.
    let inbox = docs
        .http
        .get(format!("{}/v2/mailboxes", docs.fake.base_url()))
        .bearer_auth(docs.fake.issue_token())
        .send()
        .await
        .unwrap();
    assert_eq!(inbox.status(), StatusCode::OK);
}

#[tokio::test]
async fn injected_429_on_docs_looks_like_the_docs_api() {
    let docs = Docs::new().await;
    docs.fake
        .inject(Fault::new(FaultKind::RateLimited { retry_after_secs: 42 }).path("/v1/"));
    let resp = docs.get("/v1/collections").await;
    assert_eq!(number(&resp, "x-ratelimit-reset"), 42);
    assert_eq!(number(&resp, "x-ratelimit-remaining"), 0);
    docs_error(resp, 429).await;
}

#[tokio::test]
async fn creates_answer_201_with_location_and_a_body_only_on_reload() {
    let docs = Docs::new().await;
    let body = json!({"collectionId": DOCS_COLLECTION_ID, "name": "Labels", "text": "<p>Colour-code tasks.</p>"});
    let plain = docs.send(Method::POST, "/v1/articles", body.clone()).await;
    assert_eq!(plain.status(), StatusCode::CREATED);
    let location = header(&plain, "location").unwrap();
    assert!(location.starts_with(&docs.fake.docs_base_url()), "{location}");
    let id = location.rsplit('/').next().unwrap().to_string();
    assert_eq!(id.len(), 24);
    assert!(header(&plain, "resource-id").is_none(), "Docs uses Location only");
    assert!(plain.bytes().await.unwrap().is_empty());

    let mut second = body.clone();
    second["name"] = json!("Labels, again");
    let reloaded = docs.send(Method::POST, "/v1/articles?reload=true", second).await;
    assert_eq!(reloaded.status(), StatusCode::CREATED);
    let created: Value = reloaded.json().await.unwrap();
    assert_eq!(created["article"]["name"], "Labels, again");
    assert_eq!(created["article"]["status"], "notpublished");

    // `reload` in the body is not the documented place and changes nothing (section 5).
    let update = docs
        .send(
            Method::PUT,
            &format!("/v1/articles/{id}"),
            json!({"name": "Labels 101", "reload": true}),
        )
        .await;
    assert_eq!(update.status(), StatusCode::OK);
    assert!(update.bytes().await.unwrap().is_empty());
    let update = docs
        .send(
            Method::PUT,
            &format!("/v1/articles/{id}?reload=true"),
            json!({"status": "published"}),
        )
        .await;
    let updated: Value = update.json().await.unwrap();
    assert_eq!(updated["article"]["name"], "Labels 101");
    assert!(updated["article"]["lastPublishedAt"].is_string());

    let delete = docs
        .request(Method::DELETE, &format!("/v1/articles/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::OK, "Docs deletes answer 200, not 204");
    docs_error(docs.get(&format!("/v1/articles/{id}")).await, 404).await;
}

#[tokio::test]
async fn category_reload_uses_unix_timestamps() {
    let docs = Docs::new().await;
    let resp = docs
        .send(
            Method::POST,
            "/v1/categories?reload=true",
            json!({"collectionId": DOCS_COLLECTION_ID, "name": "Automations"}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    assert!(body["category"]["createdAt"].is_i64(), "{body}");
    assert_eq!(body["category"]["defaultSort"], "popularity");
    let id = body["category"]["id"].as_str().unwrap();
    let again = docs.get_json(&format!("/v1/categories/{id}")).await;
    assert!(again["category"]["createdAt"].is_string());
}

#[tokio::test]
async fn validation_errors_are_400_with_a_message() {
    let docs = Docs::new().await;
    let missing = docs
        .send(
            Method::POST,
            "/v1/articles",
            json!({"collectionId": DOCS_COLLECTION_ID, "text": "x"}),
        )
        .await;
    assert!(docs_error(missing, 400).await.contains("name"));
    let long = docs
        .send(
            Method::POST,
            "/v1/collections",
            json!({"name": "New", "description": "x".repeat(46)}),
        )
        .await;
    assert!(docs_error(long, 400).await.contains("45"));
    let order = docs
        .send(
            Method::PUT,
            &format!("/v1/collections/{DOCS_COLLECTION_ID}/categories"),
            json!({"categories": [{"id": seeded_category_of_billing(), "order": 1}]}),
        )
        .await;
    assert!(docs_error(order, 400).await.contains("does not belong"));
    let restricted = docs
        .send(
            Method::PUT,
            &format!("/v1/sites/{DOCS_SITE_ID}/restricted"),
            json!({"enabled": true}),
        )
        .await;
    assert!(docs_error(restricted, 400).await.contains("authentication"));
}

/// "Security", a category of the billing collection.
fn seeded_category_of_billing() -> &'static str {
    "671003c40000000000000004"
}

#[tokio::test]
async fn article_lists_page_with_page_size() {
    let docs = Docs::new().await;
    let page = docs
        .get_json(&format!(
            "/v1/collections/{DOCS_COLLECTION_ID}/articles?pageSize=3&page=2&sort=number&order=asc"
        ))
        .await;
    let env = &page["articles"];
    assert_eq!(
        (env["page"].clone(), env["pages"].clone(), env["count"].clone()),
        (json!(2), json!(3), json!(8))
    );
    assert_eq!(env["items"].as_array().unwrap().len(), 3);
    assert!(env["items"][0].get("text").is_none(), "ArticleRefs carry no text");
    let too_big = docs
        .get(&format!("/v1/collections/{DOCS_COLLECTION_ID}/articles?pageSize=101"))
        .await;
    assert!(docs_error(too_big, 400).await.contains("pageSize"));
}

#[tokio::test]
async fn articles_by_number_views_and_drafts() {
    let docs = Docs::new().await;
    let by_number = docs.get_json(&format!("/v1/articles/{DOCS_ARTICLE_NUMBER}")).await;
    assert_eq!(by_number["article"]["id"], DOCS_ARTICLE_ID);
    let views = by_number["article"]["viewCount"].as_u64().unwrap();
    // A slug cannot be used to GET.
    docs_error(docs.get("/v1/articles/two-factor-authentication").await, 404).await;
    let again = docs.get_json(&format!("/v1/articles/{DOCS_ARTICLE_ID}")).await;
    assert_eq!(again["article"]["viewCount"], views, "GET is not a view");
    let add = docs
        .send(
            Method::PUT,
            &format!("/v1/articles/{DOCS_ARTICLE_ID}/views"),
            json!({"count": 5}),
        )
        .await;
    assert_eq!(add.status(), StatusCode::OK);
    let after = docs.get_json(&format!("/v1/articles/{DOCS_ARTICLE_ID}")).await;
    assert_eq!(after["article"]["viewCount"], views + 5);

    let draft = docs
        .get_json(&format!("/v1/articles/{DOCS_DRAFT_ARTICLE_ID}?draft=true"))
        .await;
    assert!(draft["article"]["text"].as_str().unwrap().contains("New:"));
    assert_eq!(draft["article"]["hasDraft"], true);
    // Publishing text on a published article discards the draft (catalogue 4.12).
    let edit = docs
        .send(
            Method::PUT,
            &format!("/v1/articles/{DOCS_DRAFT_ARTICLE_ID}"),
            json!({"text": "<p>Board</p>"}),
        )
        .await;
    assert_eq!(edit.status(), StatusCode::OK);
    let now = docs.get_json(&format!("/v1/articles/{DOCS_DRAFT_ARTICLE_ID}")).await;
    assert_eq!(now["article"]["hasDraft"], false);
    let revisions = docs
        .get_json(&format!("/v1/articles/{DOCS_DRAFT_ARTICLE_ID}/revisions"))
        .await;
    assert_eq!(revisions["revisions"]["count"], 2);
}

#[tokio::test]
async fn find_redirect_follows_chains_and_survives_loops() {
    let docs = Docs::new().await;
    let found = docs
        .get_json(&format!(
            "/v1/redirects?url=/old/trello-import?utm=x&siteId={DOCS_SITE_ID}"
        ))
        .await;
    assert_eq!(found["redirectedUrl"]["number"], 23, "{found}");
    assert_eq!(found["redirectedUrl"]["slug"], "import-from-trello");
    let none = docs
        .get_json(&format!("/v1/redirects?url=/nothing&siteId={DOCS_SITE_ID}"))
        .await;
    assert_eq!(none, json!({"redirectedUrl": null}));
    docs_error(docs.get("/v1/redirects?url=/nothing").await, 400).await;

    for (from, to) in [("/loop-a", "/loop-b"), ("/loop-b", "/loop-a")] {
        let resp = docs
            .send(
                Method::POST,
                "/v1/redirects",
                json!({"siteId": DOCS_SITE_ID, "urlMapping": from, "redirect": format!("https://help.fernwood.io{to}")}),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::CREATED);
    }
    let looped = docs
        .get_json(&format!("/v1/redirects?url=/loop-a&siteId={DOCS_SITE_ID}"))
        .await;
    assert_eq!(looped["redirectedUrl"]["type"], "custom");
    let duplicate = docs
        .send(
            Method::POST,
            "/v1/redirects",
            json!({"siteId": DOCS_SITE_ID, "urlMapping": "/loop-a?x=1", "redirect": "https://x.test"}),
        )
        .await;
    assert!(docs_error(duplicate, 400).await.contains("already exists"));
}

#[tokio::test]
async fn uploads_need_multipart_and_the_key_field() {
    let docs = Docs::new().await;
    let md: &[u8] = b"# Shortcuts\n\n- **N** new task\n";
    let file = ("file", Some(("shortcuts.md", "text/markdown")), md);
    let collection = ("collectionId", None, DOCS_COLLECTION_ID.as_bytes());
    let without_key = docs.multipart("/v1/articles/upload", &[collection, file]).await;
    assert!(docs_error(without_key, 401).await.contains("key"));
    let key = ("key", None, DOCS_API_KEY.as_bytes());
    let created = docs
        .multipart("/v1/articles/upload?reload=true", &[key, collection, file])
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert!(header(&created, "location").is_some());
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["article"]["name"], "shortcuts");
    assert_eq!(
        body["article"]["text"],
        "<h1>Shortcuts</h1>\n<ul><li><strong>N</strong> new task</li></ul>"
    );

    let json_upload = docs.send(Method::POST, "/v1/articles/upload", json!({})).await;
    docs_error(json_upload, 415).await;

    let gif: &[u8] = b"GIF89a\x20\x00\x10\x00\x80\x00\x00";
    let asset = docs
        .multipart(
            "/v1/assets/article",
            &[
                key,
                ("articleId", None, DOCS_ARTICLE_ID.as_bytes()),
                ("assetType", None, b"image"),
                ("file", Some(("step.gif", "image/gif")), gif),
            ],
        )
        .await;
    assert_eq!(asset.status(), StatusCode::CREATED);
    let asset: Value = asset.json().await.unwrap();
    assert_eq!(
        (asset["width"].clone(), asset["height"].clone()),
        (json!(32), json!(16))
    );
    assert_eq!(asset["filename"], "step.gif");
    assert!(asset["filelink"].as_str().unwrap().ends_with("/step.gif"));

    let not_an_icon = docs
        .multipart(
            "/v1/assets/settings",
            &[
                key,
                ("assetType", None, b"favicon"),
                ("file", Some(("f.txt", "text/plain")), b"hello"),
            ],
        )
        .await;
    assert!(docs_error(not_an_icon, 400).await.contains("image"));
}

#[tokio::test]
async fn deleting_a_collection_takes_its_articles() {
    let docs = Docs::new().await;
    let before = docs.get_json("/v1/search/articles?query=gantt").await;
    assert!(before["articles"]["count"].as_u64().unwrap() >= 1);
    let resp = docs
        .request(Method::DELETE, &format!("/v1/collections/{DOCS_COLLECTION_ID}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let after = docs.get_json("/v1/search/articles?query=gantt").await;
    assert_eq!(after["articles"]["count"], 0);
    docs_error(docs.get(&format!("/v1/categories/{DOCS_CATEGORY_ID}")).await, 404).await;
}
