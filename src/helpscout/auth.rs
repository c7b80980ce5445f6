//! Inbox API credentials: the OAuth2 client-credentials token, cached and refreshed.
//!
//! The token request goes through the `oauth2` crate over our one reqwest client (a small
//! [`AsyncHttpClient`] adapter; oauth2's own reqwest feature would pull in a second
//! reqwest). Help Scout wants the app id and secret form-encoded in the body
//! (catalogue 4.1), which is oauth2's `AuthType::RequestBody`.
//!
//! One token serves every tool and session. It is fetched on first use (never at start-up),
//! single-flight: concurrent callers queue on one async lock and the first one fetches;
//! the rest find the fresh token when they get the lock. It is refreshed ahead of expiry,
//! and after a 401 it is replaced once (see [`TokenProvider::replace`]).
//!
//! The Docs API uses HTTP Basic with the key as user name and `X` as password
//! (catalogue 4.12); that needs no state and is applied in `client.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use oauth2::basic::BasicClient;
use oauth2::{AsyncHttpClient, AuthType, ClientId, ClientSecret, HttpRequest, HttpResponse, RequestTokenError};
use oauth2::{TokenResponse, TokenUrl};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::client::{join_url, transport_error, InboxAuth};
use super::error::ApiError;
use super::secret::Secret;

/// Help Scout's token endpoint, below the Inbox base URL (catalogue 3, `oauth2`).
pub const TOKEN_PATH: &str = "/v2/oauth2/token";

/// Refresh at most this long before expiry. Help Scout tokens live 48 h (catalogue 4.1), so
/// this leaves ample room for clock skew and slow calls without refreshing needlessly.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// Lifetime assumed when a token response carries no `expires_in`. Short on purpose: an
/// unknown lifetime is better refreshed early than discovered through a 401.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

/// When a token with this lifetime, fetched at `fetched_at`, should be replaced: 5 minutes
/// or 10 % of its lifetime before it expires, whichever is shorter, so that a short-lived
/// token is not refreshed on every call.
pub fn refresh_at(fetched_at: Instant, lifetime: Duration) -> Instant {
    let margin = MAX_REFRESH_MARGIN.min(lifetime / 10);
    fetched_at + lifetime.saturating_sub(margin)
}

/// A bearer token and the fetch it came from, so that a 401 invalidates only the token
/// that was actually rejected.
#[derive(Debug, Clone)]
pub struct BearerToken {
    pub secret: Secret,
    generation: u64,
}

/// Why no token could be had. `retryable` failures (the token endpoint unreachable, 5xx,
/// 429) leave the API request unsent, so the caller may try again like a connect error.
#[derive(Debug, Clone)]
pub struct AuthFailure {
    pub message: String,
    pub retryable: bool,
}

impl From<AuthFailure> for ApiError {
    fn from(failure: AuthFailure) -> Self {
        ApiError::Auth(failure.message)
    }
}

/// Bearer tokens for the Inbox and Chat APIs.
#[derive(Debug)]
pub struct TokenProvider {
    source: Source,
}

#[derive(Debug)]
enum Source {
    Static(BearerToken),
    ClientCredentials {
        app_id: String,
        app_secret: Secret,
        token_url: Url,
        cache: Mutex<Cache>,
    },
}

#[derive(Debug, Default)]
struct Cache {
    token: Option<CachedToken>,
    fetches: u64,
}

#[derive(Debug)]
struct CachedToken {
    token: BearerToken,
    refresh_at: Instant,
}

impl TokenProvider {
    pub fn new(auth: &InboxAuth, api_base_url: &Url) -> Result<Self, ApiError> {
        let source = match auth {
            InboxAuth::StaticToken(secret) => Source::Static(BearerToken {
                secret: secret.clone(),
                generation: 0,
            }),
            InboxAuth::ClientCredentials { app_id, app_secret } => Source::ClientCredentials {
                app_id: app_id.clone(),
                app_secret: app_secret.clone(),
                token_url: join_url(api_base_url, TOKEN_PATH)?,
                cache: Mutex::new(Cache::default()),
            },
        };
        Ok(Self { source })
    }

    /// Whether a rejected token can be replaced (a static token cannot).
    pub fn can_refresh(&self) -> bool {
        matches!(self.source, Source::ClientCredentials { .. })
    }

    /// A token that is not about to expire, fetching one if needed.
    pub async fn token(&self, http: &reqwest::Client, timeout: Duration) -> Result<BearerToken, AuthFailure> {
        self.get(http, timeout, None).await
    }

    /// Help Scout rejected `rejected` with a 401: return a different token, fetching a new
    /// one unless a concurrent call already has.
    pub async fn replace(
        &self,
        rejected: &BearerToken,
        http: &reqwest::Client,
        timeout: Duration,
    ) -> Result<BearerToken, AuthFailure> {
        self.get(http, timeout, Some(rejected.generation)).await
    }

    async fn get(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        rejected: Option<u64>,
    ) -> Result<BearerToken, AuthFailure> {
        let (app_id, app_secret, token_url, cache) = match &self.source {
            Source::Static(token) => return Ok(token.clone()),
            Source::ClientCredentials {
                app_id,
                app_secret,
                token_url,
                cache,
            } => (app_id, app_secret, token_url, cache),
        };
        // Held across the fetch on purpose: this is what makes the fetch single-flight. If
        // the fetching call is cancelled, the guard drops and the next waiter fetches.
        let mut cache = cache.lock().await;
        let now = Instant::now();
        if let Some(cached) = &cache.token {
            if now < cached.refresh_at && rejected != Some(cached.token.generation) {
                return Ok(cached.token.clone());
            }
        }
        cache.token = None;
        let (secret, lifetime) = fetch(http, timeout, app_id, app_secret, token_url).await?;
        cache.fetches += 1;
        let token = BearerToken {
            secret,
            generation: cache.fetches,
        };
        cache.token = Some(CachedToken {
            token: token.clone(),
            refresh_at: refresh_at(now, lifetime),
        });
        Ok(token)
    }
}

/// One client-credentials token request. Returns the token and its lifetime.
async fn fetch(
    http: &reqwest::Client,
    timeout: Duration,
    app_id: &str,
    app_secret: &Secret,
    token_url: &Url,
) -> Result<(Secret, Duration), AuthFailure> {
    let client = BasicClient::new(ClientId::new(app_id.to_string()))
        .set_client_secret(ClientSecret::new(app_secret.expose().to_string()))
        .set_token_uri(TokenUrl::from_url(token_url.clone()))
        .set_auth_type(AuthType::RequestBody);
    let adapter = OAuthHttp {
        http,
        timeout,
        status: AtomicU16::new(0),
    };
    let started = Instant::now();
    let result = client.exchange_client_credentials().request_async(&adapter).await;
    let status = adapter.status.load(Ordering::Relaxed);
    tracing::debug!(
        path = TOKEN_PATH,
        status,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "token request"
    );
    match result {
        Ok(response) => {
            let lifetime = response.expires_in().unwrap_or(ASSUMED_LIFETIME);
            Ok((Secret::new(response.access_token().secret().as_str()), lifetime))
        }
        Err(error) => Err(describe_failure(error, status, app_secret)),
    }
}

type TokenError = RequestTokenError<TransportError, oauth2::basic::BasicErrorResponse>;

/// Turns a failed token request into a message for the operator. Never includes a
/// response body (a 200 body holds the token) and scrubs the secret from anything the
/// server sent back.
fn describe_failure(error: TokenError, status: u16, app_secret: &Secret) -> AuthFailure {
    let transient_status = status == 429 || status >= 500;
    let (message, retryable) = match error {
        RequestTokenError::Request(TransportError(api)) => {
            (format!("cannot reach the Help Scout token endpoint: {api}"), true)
        }
        RequestTokenError::ServerResponse(response) => {
            let mut message = format!(
                "Help Scout rejected the token request (HTTP {status}: {}",
                response.error()
            );
            if let Some(description) = response.error_description() {
                message.push_str(&format!(", {description}"));
            }
            message.push(')');
            (with_hint(message, status), transient_status)
        }
        RequestTokenError::Parse(..) if (200..300).contains(&status) => (
            "the Help Scout token endpoint returned a response without a usable access token".to_string(),
            false,
        ),
        RequestTokenError::Parse(..) => (
            with_hint(format!("the Help Scout token endpoint answered HTTP {status}"), status),
            transient_status,
        ),
        RequestTokenError::Other(reason) => (
            format!("unexpected answer from the Help Scout token endpoint (HTTP {status}): {reason}"),
            transient_status,
        ),
    };
    let secret = app_secret.expose();
    let message = if secret.is_empty() {
        message
    } else {
        message.replace(secret, "***")
    };
    AuthFailure { message, retryable }
}

fn with_hint(message: String, status: u16) -> String {
    if matches!(status, 400 | 401 | 403) {
        format!(
            "{message}; check HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET, and that the app's user is active (catalogue 4.1)"
        )
    } else {
        message
    }
}

/// A transport failure of the token request, classified like any API call's.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(ApiError);

/// oauth2's HTTP client interface over our reqwest client. Records the response status so
/// that failures can say what the endpoint answered without quoting its body.
struct OAuthHttp<'a> {
    http: &'a reqwest::Client,
    timeout: Duration,
    status: AtomicU16,
}

impl<'c> AsyncHttpClient<'c> for OAuthHttp<'_> {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let fail = |e: reqwest::Error| TransportError(transport_error(e, self.timeout));
            let request = reqwest::Request::try_from(request).map_err(fail)?;
            let response = self.http.execute(request).await.map_err(fail)?;
            let status = response.status();
            self.status.store(status.as_u16(), Ordering::Relaxed);
            let mut builder = http::Response::builder().status(status);
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(fail)?;
            builder
                .body(body.to_vec())
                .map_err(|e| TransportError(ApiError::Decode(format!("invalid token response: {e}"))))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2::basic::{BasicErrorResponse, BasicErrorResponseType};

    #[test]
    fn refreshes_five_minutes_early_or_a_tenth_of_a_short_lifetime() {
        let t0 = Instant::now();
        let two_days = Duration::from_secs(172_800);
        assert_eq!(refresh_at(t0, two_days), t0 + two_days - Duration::from_secs(300));
        assert_eq!(refresh_at(t0, Duration::from_secs(60)), t0 + Duration::from_secs(54));
        assert_eq!(refresh_at(t0, Duration::ZERO), t0);
    }

    #[test]
    fn failure_messages_never_carry_the_secret() {
        let secret = Secret::new("s3cr3t-value");
        let echoed = BasicErrorResponse::new(
            BasicErrorResponseType::InvalidClient,
            Some("client_secret s3cr3t-value is not valid".into()),
            None,
        );
        let failure = describe_failure(RequestTokenError::ServerResponse(echoed), 401, &secret);
        assert!(!failure.message.contains("s3cr3t-value"), "{}", failure.message);
        assert!(failure.message.contains("HTTP 401") && failure.message.contains("HELPSCOUT_APP_SECRET"));
        assert!(!failure.retryable);

        let body = br#"{"access_token":"tok-123","token_type":"bearer"#.to_vec();
        let parse =
            serde_path_to_error::deserialize::<_, BasicErrorResponse>(&mut serde_json::Deserializer::from_slice(&body))
                .unwrap_err();
        let failure = describe_failure(RequestTokenError::Parse(parse, body), 200, &secret);
        assert!(!failure.message.contains("tok-123"), "{}", failure.message);

        let unavailable = describe_failure(
            RequestTokenError::Other("server returned empty error response".into()),
            503,
            &secret,
        );
        assert!(unavailable.retryable);
    }
}
