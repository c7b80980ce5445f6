#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A small authenticated HTTP client for the fake, shared by its test files.
#![allow(dead_code)]

use fake_helpscout::{FakeConfig, FakeHelpScout, APP_ID, APP_SECRET};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;

pub struct Api {
    pub fake: FakeHelpScout,
    pub http: Client,
    pub token: String,
}

impl Api {
    pub async fn new() -> Api {
        Api::with(FakeConfig::default()).await
    }

    pub async fn with(config: FakeConfig) -> Api {
        let fake = FakeHelpScout::start(config).await.unwrap();
        // Redirects stay visible: a merged conversation's 301 is part of the contract.
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let token = fetch_token(&http, &fake).await;
        Api { fake, http, token }
    }

    /// A path below the fake's base, or an absolute URL (e.g. a `_links` href).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.fake.base_url())
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    /// A GET that must answer 200, as JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let resp = self.get(path).await;
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
        resp.json().await.unwrap()
    }

    pub async fn try_send(&self, method: Method, path: impl AsRef<str>, body: Value) -> reqwest::Result<Response> {
        self.http
            .request(method, self.url(path.as_ref()))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
    }

    pub async fn send(&self, method: Method, path: impl AsRef<str>, body: Value) -> Response {
        self.try_send(method, path, body).await.unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.http
            .delete(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }
}

pub async fn fetch_token(http: &Client, fake: &FakeHelpScout) -> String {
    let resp = http
        .post(fake.token_url())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", APP_ID),
            ("client_secret", APP_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

pub fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
