//! The fake's HTTP API tests as one binary (one link of the fake instead of one per
//! file); each module covers one part of catalogue.md.

#[path = "../common/mod.rs"]
mod common;

mod customers;
mod docs_api;
mod fake_api;
mod orgs_workflows_webhooks_chat;
mod reports;
