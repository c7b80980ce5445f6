//! How MCP reaches the server: stdio for desktop hosts, HTTP for agent frameworks.

pub mod guard;
pub mod http;
pub mod legacy_sse;
pub mod stdio;
