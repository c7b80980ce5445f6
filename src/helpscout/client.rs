//! The shared Help Scout client: request/response types and the send path.
//!
//! `send` is the only place that speaks HTTP to Help Scout. Per attempt it takes a
//! credential (`auth.rs`), waits for rate-limit budget (`limiter.rs`), sends, reads the
//! whole body and maps failures to [`ApiError`]; between attempts it asks the decision
//! table (`retry.rs`) whether the request may be sent again.
//!
//! Logging: one debug line per attempt with method, path, status, attempt and elapsed
//! time. Never headers, tokens, keys, query strings or bodies.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use url::Url;

use super::auth::{AuthFailure, BearerToken, TokenProvider};
use super::error::ApiError;
use super::limiter::{RateLimiter, Snapshot};
use super::retry::{self, BackoffPolicy, Decision, Outcome};
use super::secret::Secret;

/// Which Help Scout host a request goes to. Inbox v2/v3 and Chat share a host and the
/// OAuth token; the Docs API has its own host, key and rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {
    Inbox,
    Docs,
}

/// How the client authenticates to the Inbox (and Chat) API.
#[derive(Debug, Clone)]
pub enum InboxAuth {
    /// OAuth2 client credentials: the token is fetched and refreshed by the client.
    ClientCredentials { app_id: String, app_secret: Secret },
    /// A token obtained elsewhere; used as is and never refreshed.
    StaticToken(Secret),
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Inbox/Chat base, e.g. `https://api.helpscout.net` (paths carry `/v2`, `/v3`, `/chat/v1`).
    pub api_base_url: Url,
    /// Docs base, e.g. `https://docsapi.helpscout.net` (paths carry `/v1`).
    pub docs_api_base_url: Url,
    pub inbox_auth: Option<InboxAuth>,
    pub docs_api_key: Option<Secret>,
    /// Starting Inbox budget per minute; re-synchronised from response headers.
    pub rate_limit_per_minute: u32,
    pub request_timeout: Duration,
    /// Upper bound on retries of one call (the decision table decides whether at all).
    pub max_retries: u32,
}

impl ClientConfig {
    pub const DEFAULT_API_BASE_URL: &'static str = "https://api.helpscout.net";
    pub const DEFAULT_DOCS_API_BASE_URL: &'static str = "https://docsapi.helpscout.net";
}

#[derive(Debug, Clone, Default)]
pub enum RequestBody {
    #[default]
    None,
    Json(Value),
    /// multipart/form-data fields (Docs uploads): (name, value, optional file name + mime).
    Multipart(Vec<MultipartField>),
}

#[derive(Debug, Clone)]
pub struct MultipartField {
    pub name: String,
    pub data: Bytes,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
}

/// One call to Help Scout. Built by a tool from its declaration (method, path, and
/// idempotency come from the tool's spec), sent by [`HelpScoutClient::send`].
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub api: Api,
    pub method: Method,
    /// Path below the API base, starting with `/`, already filled in.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: RequestBody,
    pub accept: Option<&'static str>,
    /// Whether repeating the identical request leaves the same end state. Drives retries:
    /// a non-idempotent call is never repeated once it may have reached Help Scout.
    pub idempotent: bool,
}

impl ApiRequest {
    pub fn new(api: Api, method: Method, path: impl Into<String>) -> Self {
        let idempotent = matches!(method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE);
        Self {
            api,
            method,
            path: path.into(),
            query: Vec::new(),
            body: RequestBody::None,
            accept: None,
            idempotent,
        }
    }

    pub fn get(api: Api, path: impl Into<String>) -> Self {
        Self::new(api, Method::GET, path)
    }

    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn query_opt<V: ToString>(self, key: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = RequestBody::Json(body);
        self
    }

    pub fn multipart(mut self, fields: Vec<MultipartField>) -> Self {
        self.body = RequestBody::Multipart(fields);
        self
    }

    pub fn accept(mut self, accept: &'static str) -> Self {
        self.accept = Some(accept);
        self
    }

    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }
}

#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl ApiResponse {
    /// The body as JSON; an empty body (201/204) is `Value::Null`.
    pub fn json_value(&self) -> Result<Value, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| ApiError::Decode(format!("invalid JSON body: {e}")))
    }

    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|e| ApiError::Decode(format!("unexpected JSON shape: {e}")))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The id of a created resource: Inbox creates answer 201 with an empty body and a
    /// `Resource-ID` header (catalogue 4.5); fall back to the last segment of `Location`.
    pub fn resource_id(&self) -> Option<String> {
        // HeaderMap lookups are case-insensitive, so `Resource-Id` matches too.
        if let Some(id) = self.header("resource-id") {
            return Some(id.trim().to_string());
        }
        let location = self.header("location")?;
        let path = location.split(['?', '#']).next()?;
        path.trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

/// Tuning that is not part of the user's configuration. Tests shorten the backoff.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    pub backoff: BackoffPolicy,
}

/// The one Help Scout client. Clone it freely: clones share the connection pool, the
/// token cache and the rate-limit budgets.
#[derive(Clone)]
pub struct HelpScoutClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    options: ClientOptions,
    /// Built on first use: a stdio host spawns the server often, and most spawns only
    /// list tools, so TLS set-up (root certificates) stays off the start-up path.
    http: OnceLock<Result<reqwest::Client, String>>,
    tokens: Option<TokenProvider>,
    /// One Inbox budget for every tool and session: Help Scout counts per account.
    inbox_budget: RateLimiter,
    docs_budget: RateLimiter,
}

impl std::fmt::Debug for HelpScoutClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelpScoutClient")
            .field("api_base_url", &self.inner.config.api_base_url.as_str())
            .finish()
    }
}

/// How one attempt authenticates.
enum Credential<'a> {
    Bearer(BearerToken),
    DocsKey(&'a Secret),
}

impl HelpScoutClient {
    /// Cheap: no I/O, no TLS set-up, no token request.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        Self::with_options(config, ClientOptions::default())
    }

    pub fn with_options(config: ClientConfig, options: ClientOptions) -> Result<Self, ApiError> {
        let tokens = config
            .inbox_auth
            .as_ref()
            .map(|auth| TokenProvider::new(auth, &config.api_base_url))
            .transpose()?;
        let inner = Inner {
            inbox_budget: RateLimiter::inbox(config.rate_limit_per_minute),
            docs_budget: RateLimiter::docs(),
            config,
            options,
            http: OnceLock::new(),
            tokens,
        };
        Ok(Self { inner: Arc::new(inner) })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    pub fn has_docs_api(&self) -> bool {
        self.inner.config.docs_api_key.is_some()
    }

    /// The current rate-limit budget of one API, as this client sees it.
    pub fn rate_limit(&self, api: Api) -> Snapshot {
        self.budget(api).snapshot()
    }

    fn budget(&self, api: Api) -> &RateLimiter {
        match api {
            Api::Inbox => &self.inner.inbox_budget,
            Api::Docs => &self.inner.docs_budget,
        }
    }

    fn http(&self) -> Result<&reqwest::Client, ApiError> {
        self.inner
            .http
            .get_or_init(|| build_http(&self.inner.config))
            .as_ref()
            .map_err(|e| ApiError::NotConfigured(e.clone()))
    }

    /// Sends one request: waits for rate-limit budget, authenticates, retries where the
    /// decision table allows, and maps failures to [`ApiError`].
    pub async fn send(&self, request: ApiRequest) -> Result<ApiResponse, ApiError> {
        let config = &self.inner.config;
        let base = match request.api {
            Api::Inbox => &config.api_base_url,
            Api::Docs => &config.docs_api_base_url,
        };
        let url = join_url(base, &request.path)?;
        // Fail on missing credentials before touching the network.
        match request.api {
            Api::Inbox if self.inner.tokens.is_none() => {
                return Err(ApiError::NotConfigured(INBOX_NOT_CONFIGURED.into()))
            }
            Api::Docs if config.docs_api_key.is_none() => {
                return Err(ApiError::NotConfigured("HELPSCOUT_DOCS_API_KEY is not set".into()))
            }
            _ => {}
        }
        let http = self.http()?;
        let mut delays = self.inner.options.backoff.delays();
        let mut attempt = 0u32;
        let mut retries = 0u32;
        let mut waited = Duration::ZERO;
        let mut token_replaced = false;
        loop {
            attempt += 1;
            let (error, outcome) = match self.credential(request.api, http).await {
                // The token endpoint was unreachable: the API request never left.
                Err(failure) if failure.retryable => (ApiError::from(failure), Some(Outcome::Connect)),
                Err(failure) => return Err(failure.into()),
                Ok(credential) => match self.attempt(http, &url, &request, &credential, attempt).await {
                    Ok(response) => return Ok(response),
                    Err(error) => {
                        let mut replace_failed = None;
                        // The token expired or was revoked early: replace it once and repeat
                        // the call once. Help Scout rejects a 401 request before acting on
                        // it, so this is safe for any method (catalogue 4.1, 4.4).
                        if let (Some(401), Credential::Bearer(rejected), Some(tokens)) =
                            (error.status(), &credential, &self.inner.tokens)
                        {
                            if tokens.can_refresh() && !token_replaced {
                                token_replaced = true;
                                tracing::debug!(path = %request.path, "access token rejected; fetching a new one");
                                match tokens.replace(rejected, http, config.request_timeout).await {
                                    Ok(_) => continue,
                                    // The token endpoint had a transient failure: the rejected
                                    // request was not acted on, so it is retried like one that
                                    // never left (the next attempt fetches a token again).
                                    Err(failure) if failure.retryable => {
                                        replace_failed = Some((ApiError::from(failure), Some(Outcome::Connect)))
                                    }
                                    Err(failure) => return Err(failure.into()),
                                }
                            }
                        }
                        replace_failed.unwrap_or_else(|| {
                            let outcome = Outcome::of(&error);
                            (error, outcome)
                        })
                    }
                },
            };
            let Some(outcome) = outcome else { return Err(error) };
            if let Outcome::Status {
                status: 429,
                retry_after: Some(wait),
            } = outcome
            {
                // Every other call waits too, instead of collecting its own 429.
                self.budget(request.api).pause_for(wait);
            }
            let decision = retry::decide(&retry::Attempt {
                method: &request.method,
                idempotent: request.idempotent,
                outcome,
                retries,
                max_retries: config.max_retries,
                waited,
            });
            let at_least = match decision {
                Decision::Retry { at_least } => at_least,
                Decision::GiveUp(reason) => {
                    tracing::debug!(method = %request.method, path = %request.path, attempt, ?reason, "not retrying");
                    return Err(error);
                }
            };
            let wait = at_least.max(delays.next().unwrap_or(self.inner.options.backoff.max_delay));
            if waited + wait > retry::MAX_TOTAL_WAIT {
                tracing::debug!(method = %request.method, path = %request.path, attempt, "not retrying: waited long enough");
                return Err(error);
            }
            tracing::debug!(
                method = %request.method,
                path = %request.path,
                attempt,
                wait_ms = wait.as_millis() as u64,
                ?outcome,
                "retrying"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
            retries += 1;
        }
    }

    async fn credential(&self, api: Api, http: &reqwest::Client) -> Result<Credential<'_>, AuthFailure> {
        let config = &self.inner.config;
        match (api, &self.inner.tokens, &config.docs_api_key) {
            (Api::Inbox, Some(tokens), _) => Ok(Credential::Bearer(tokens.token(http, config.request_timeout).await?)),
            (Api::Docs, _, Some(key)) => Ok(Credential::DocsKey(key)),
            // `send` checked both before the first attempt.
            _ => Err(AuthFailure {
                message: "credentials are not configured".into(),
                retryable: false,
            }),
        }
    }

    /// One HTTP exchange: budget, request, full body, typed error for non-2xx.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        url: &Url,
        request: &ApiRequest,
        credential: &Credential<'_>,
        attempt: u32,
    ) -> Result<ApiResponse, ApiError> {
        let timeout = self.inner.config.request_timeout;
        let permit = self.budget(request.api).acquire(&request.method).await?;
        let mut builder = http.request(request.method.clone(), url.clone());
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        // reqwest marks both header values sensitive (kept out of Debug output and HPACK tables).
        builder = match credential {
            Credential::Bearer(token) => builder.bearer_auth(token.secret.expose()),
            Credential::DocsKey(key) => builder.basic_auth(key.expose(), Some("X")),
        };
        if let Some(accept) = request.accept {
            builder = builder.header(http::header::ACCEPT, accept);
        }
        builder = match &request.body {
            RequestBody::None => builder,
            RequestBody::Json(body) => builder.json(body),
            RequestBody::Multipart(fields) => builder.multipart(multipart_form(request.api, fields, credential)?),
        };
        let started = Instant::now();
        let log = |status: u16| {
            tracing::debug!(
                method = %request.method,
                path = %request.path,
                status,
                attempt,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "Help Scout request"
            );
        };
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) => {
                drop(permit);
                log(0);
                return Err(transport_error(error, timeout));
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        permit.complete(&headers);
        let body = response.bytes().await;
        log(status.as_u16());
        let response = ApiResponse {
            status,
            headers,
            body: body.map_err(|e| transport_error(e, timeout))?,
        };
        if status.is_success() {
            Ok(response)
        } else {
            Err(error_from_response(&response))
        }
    }

    /// Sends and decodes the JSON body (`Null` when empty).
    pub async fn send_json(&self, request: ApiRequest) -> Result<Value, ApiError> {
        self.send(request).await?.json_value()
    }
}

fn build_http(config: &ClientConfig) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        // A 301 for a merged conversation must reach the tool, not be followed (catalogue 4.7).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.request_timeout)
        // A connect timeout is a connect error (the request never left), which the decision
        // table may retry even for a non-idempotent write.
        .connect_timeout(config.request_timeout.min(CONNECT_TIMEOUT))
        .user_agent(concat!("helpscout-mcp/", env!("CARGO_PKG_VERSION")))
        // Never `connection_verbose(true)`: it logs raw bytes, Authorization headers included.
        .connection_verbose(false)
        // reqwest's own retry layer keeps its default: it re-sends only on HTTP/2 protocol
        // NACKs (REFUSED_STREAM, GOAWAY), which guarantee the server did not process the
        // request. Everything else goes through the decision table in `retry.rs`.
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

const INBOX_NOT_CONFIGURED: &str = "Inbox API credentials are not configured: \
    set HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET, or HELPSCOUT_ACCESS_TOKEN";

/// Builds the multipart body anew for every attempt (a `Form` is consumed by sending).
/// Docs uploads also want the API key as a `key` form field (catalogue 4.12); it is added
/// here so that tools never handle the key.
fn multipart_form(
    api: Api,
    fields: &[MultipartField],
    credential: &Credential<'_>,
) -> Result<reqwest::multipart::Form, ApiError> {
    let mut form = reqwest::multipart::Form::new();
    for field in fields {
        let mut part = reqwest::multipart::Part::bytes(field.data.to_vec());
        if let Some(file_name) = &field.file_name {
            part = part.file_name(file_name.clone());
        }
        if let Some(mime) = &field.mime_type {
            part = part.mime_str(mime).map_err(|_| {
                ApiError::NotConfigured(format!(
                    "invalid MIME type `{mime}` for multipart field `{}`",
                    field.name
                ))
            })?;
        }
        form = form.part(field.name.clone(), part);
    }
    if let (Api::Docs, Credential::DocsKey(key)) = (api, credential) {
        if !fields.iter().any(|f| f.name == "key") {
            form = form.text("key", key.expose().to_string());
        }
    }
    Ok(form)
}

/// Classifies a reqwest failure by whether the request may have reached Help Scout.
/// The URL is dropped from the message: query strings can carry search terms and ids
/// that do not belong in logs or tool output.
pub(crate) fn transport_error(error: reqwest::Error, timeout: Duration) -> ApiError {
    let error = error.without_url();
    if error.is_connect() {
        ApiError::Connect(error_chain(&error))
    } else if error.is_timeout() {
        ApiError::Timeout(timeout)
    } else if error.is_builder() {
        ApiError::NotConfigured(format!("cannot build the request: {}", error_chain(&error)))
    } else {
        ApiError::Network(error_chain(&error))
    }
}

/// "error sending request: client error (Connect): tcp connect error: Connection refused".
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Joins a path (with a leading `/`) to a base URL that may itself carry a path prefix.
pub(crate) fn join_url(base: &Url, path: &str) -> Result<Url, ApiError> {
    let joined = format!("{}{}", base.as_str().trim_end_matches('/'), path);
    Url::parse(&joined).map_err(|e| ApiError::NotConfigured(format!("invalid request URL: {e}")))
}

/// Builds the typed error for a non-success response from Help Scout's error body
/// (`{logRef, message, _embedded.errors[]}`, or Docs' `{status|code, message|error}`).
pub fn error_from_response(response: &ApiResponse) -> ApiError {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let message = body
        .get("message")
        .or_else(|| body.get("error"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| response.status.canonical_reason().unwrap_or("error").to_string());
    let log_ref = body
        .get("logRef")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| response.header("correlation-id").map(str::to_string));
    let field_errors = body
        .pointer("/_embedded/errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|e| super::error::FieldError {
                    path: e.get("path").and_then(Value::as_str).unwrap_or_default().to_string(),
                    message: e.get("message").and_then(Value::as_str).unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let retry_after = response
        .header("x-ratelimit-retry-after")
        .or_else(|| response.header("retry-after"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    ApiError::Status {
        status: response.status.as_u16(),
        message,
        log_ref,
        field_errors,
        location: response.location().map(str::to_string),
        retry_after,
    }
}
