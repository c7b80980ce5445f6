//! The Help Scout HTTP client. Knows nothing about MCP: it takes [`ApiRequest`]s and
//! returns [`ApiResponse`]s or typed [`ApiError`]s. One instance (cheaply cloneable)
//! serves every tool and every session, so the token cache and the rate-limit budget
//! are shared.

pub mod auth;
pub mod client;
pub mod error;
pub mod limiter;
pub mod pagination;
pub mod retry;
pub mod secret;

pub use client::{Api, ApiRequest, ApiResponse, ClientConfig, HelpScoutClient, InboxAuth, RequestBody};
pub use error::{ApiError, FieldError};
pub use secret::Secret;
