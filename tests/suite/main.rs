//! The integration suite as one test binary. Each module is one area (a toolset, a
//! transport, a safety property); `cargo test --test suite <module>::` runs one area.
//!
//! One binary instead of one per file: every test binary links the whole server and its
//! dependencies, so thirty of them cost thirty links and several gigabytes of disk.
//! Tests that install a process-global tracing subscriber (`tests/secrets.rs`,
//! `tests/client_logging.rs`) stay in binaries of their own.

#[path = "../common/mod.rs"]
mod common;
mod fuzz_support;

mod access_control;
mod chat;
mod cli;
mod client;
mod contract;
mod conversations;
mod customers;
mod docs;
mod faults;
mod fuzz_arguments;
mod fuzz_responses;
mod fuzz_stdio;
mod gateway;
mod mailboxes;
mod organizations;
mod pagination;
mod readme;
mod reports;
mod resources_prompts;
mod result_economy;
mod schema_snapshots;
mod scoping;
mod server;
mod tags;
mod tool_definitions;
mod transports;
mod users;
mod webhooks;
mod workflows;
