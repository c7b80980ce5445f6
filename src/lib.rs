//! helpscout-mcp: a Model Context Protocol server for Help Scout.
//!
//! Data flows one way: `transport` → `server` (policy applied to list and call) →
//! `toolsets` (one declaration per Help Scout operation) → `helpscout` (the only
//! place that speaks HTTP: auth, rate limiting, retries, pagination) → Help Scout.
//! `output` turns Help Scout's HAL JSON into the compact shapes an agent reads.

pub mod audit;
pub mod cli;
pub mod config;
pub mod gateway;
pub mod helpscout;
pub mod output;
pub mod paging;
pub mod policy;
pub mod prompts;
pub mod reference;
pub mod registry;
pub mod resources;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod server;
pub mod toolsets;
pub mod transport;
