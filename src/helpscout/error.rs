//! Typed failures of a Help Scout call. Rendered for the model by `output::errors`;
//! nothing here ever carries a credential or a raw upstream body.

use std::time::Duration;

/// One entry of Help Scout's `_embedded.errors` (catalogue 4.4).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// Help Scout answered with a non-success status.
    #[error("Help Scout returned HTTP {status}: {message}")]
    Status {
        status: u16,
        message: String,
        /// Help Scout's `logRef` (Inbox) or `Correlation-Id` (Docs): quote it to support.
        log_ref: Option<String>,
        field_errors: Vec<FieldError>,
        /// `Location` of a 301 (merged conversation) or similar.
        location: Option<String>,
        /// From `X-RateLimit-Retry-After` / `Retry-After` on a 429.
        retry_after: Option<Duration>,
    },
    /// No response within the request timeout. For a write, Help Scout may have applied it.
    #[error("Help Scout did not answer within {0:?}")]
    Timeout(Duration),
    /// The connection could not be opened: the request provably never left.
    #[error("could not connect to Help Scout: {0}")]
    Connect(String),
    /// The connection failed after the request was sent (reset, closed early).
    #[error("the connection to Help Scout failed: {0}")]
    Network(String),
    /// Help Scout answered, but not with the JSON we expected.
    #[error("unexpected response from Help Scout: {0}")]
    Decode(String),
    /// Getting an access token failed (bad app id/secret, user not active).
    #[error("Help Scout authentication failed: {0}")]
    Auth(String),
    /// The call needs credentials that were not configured.
    #[error("{0}")]
    NotConfigured(String),
    /// Our own limiter would have to wait longer than a call may: the per-minute budget,
    /// shared with every integration on the account, is used up. Nothing was sent.
    #[error("the Help Scout rate-limit budget (shared with every integration on the account) is used up; try again in {}s", .retry_after.as_secs())]
    BudgetExhausted { retry_after: Duration },
    /// The MCP request was cancelled before Help Scout answered.
    #[error("the request was cancelled")]
    Cancelled,
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn log_ref(&self) -> Option<&str> {
        match self {
            ApiError::Status { log_ref, .. } => log_ref.as_deref(),
            _ => None,
        }
    }
}
