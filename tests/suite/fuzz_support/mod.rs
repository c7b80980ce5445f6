#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]
//! Bounded property runs for the fuzz targets in `tests/suite/fuzz_*.rs`.
//!
//! cargo-fuzz needs a nightly toolchain, so the targets are proptest properties. A plain
//! `cargo test` runs a small batch of random cases per target (seconds); the CI fuzz step
//! (`.ci/fuzz.sh`) sets `FUZZ_SECONDS`, and the target keeps running fresh batches with
//! new random seeds until that time has passed. `PROPTEST_CASES` sets the batch size.
//! A failure panics with the shrunk input, which then becomes a regression test.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};
use serde_json::{Map, Number, Value};

/// Runs `test` on cases drawn from `strategy` within the budget described above and
/// prints how many cases ran (the figure the CI fuzz step reports).
pub fn run<S>(name: &str, default_cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let budget = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs);
    let batch = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default_cases);
    let config = Config {
        cases: batch,
        // Failures are reported in the panic message and pinned as regression tests;
        // no files are written next to the sources.
        failure_persistence: None,
        // Shrinking a slow target must not outlast the CI time bound.
        max_shrink_time: 20_000,
        ..Config::default()
    };
    let started = Instant::now();
    let mut cases = 0u64;
    loop {
        let mut runner = TestRunner::new(config.clone());
        match runner.run(&strategy, &test) {
            Ok(()) => {}
            Err(TestError::Fail(reason, input)) => {
                panic!("fuzz target `{name}` failed after {cases}+ cases: {reason}\nminimal input: {input:#?}")
            }
            Err(TestError::Abort(reason)) => panic!("fuzz target `{name}` aborted: {reason}"),
        }
        cases += u64::from(batch);
        match budget {
            Some(budget) if started.elapsed() < budget => {}
            _ => break,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {name}: {cases} cases in {secs:.1}s ({:.0} cases/s)",
        cases as f64 / secs.max(0.001)
    );
}

/// Strings that stress text handling: ASCII noise, markup, entities, Unicode (combining
/// marks, right-to-left, emoji, NUL, lone surrogates are impossible in `String`).
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[ -~]{0,40}",
        2 => r#"(<[a-z/!]{0,6}[^<>]{0,10}>|&[a-z#0-9]{0,6};?|[a-zA-Z0-9 @.+\-()]{0,8}|\n|\u{0}|é|\u{0301}|\u{202e}|😀){0,24}"#,
        1 => Just(String::new()),
    ]
}

/// Object keys: mostly names Help Scout and the tools use, so shapes get exercised.
pub fn key() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "id",
        "type",
        "name",
        "first",
        "last",
        "email",
        "body",
        "text",
        "status",
        "state",
        "subject",
        "threads",
        "_embedded",
        "_links",
        "next",
        "href",
        "page",
        "number",
        "totalPages",
        "totalElements",
        "size",
        "items",
        "pages",
        "count",
        "customer",
        "createdBy",
        "assignee",
        "mailbox",
        "mailboxId",
        "tags",
        "tag",
        "value",
        "message",
        "logRef",
        "errors",
        "path",
        "attachments",
        "createdAt",
        "action",
        "source",
        "cc",
        "bcc",
        "to",
        "customFields",
        "primaryCustomer",
        "conversations",
        "mailboxes",
        "users",
        "customers",
        "articles",
        "collections",
        "categories",
        "sites",
        "filename",
        "mimeType",
        "width",
        "height",
        "fields",
        "data",
        "conversation_id",
        "mailbox_id",
        "customer_id",
        "query",
        "emails",
        "phones",
        "properties",
        "slug",
    ];
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_string),
        1 => text(),
    ]
}

/// Numbers at the edges: zero, negatives, beyond i64/u64, fractions.
pub fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0u64..5_000_000).prop_map(Value::from),
        prop_oneof![Just(0i64), Just(-1), Just(1), Just(i64::MIN), Just(i64::MAX)].prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        Just(Value::Number(
            Number::from_f64(1e300).unwrap_or_else(|| Number::from(0))
        )),
    ]
}

/// Any JSON value, up to a few levels deep.
pub fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => number(),
        3 => text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}
