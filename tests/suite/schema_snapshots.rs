#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! One insta snapshot per tool (tests/snapshots/tools/<tool>.snap) with its full
//! definition as sent in tools/list, so a schema change is a one-file diff in review.
//! Review changes with `cargo insta review` (or INSTA_UPDATE=always, then git diff).

use std::panic::{catch_unwind, AssertUnwindSafe};

use helpscout_mcp::registry::Registry;

#[test]
fn every_tool_definition_matches_its_snapshot() {
    let mut failures = Vec::new();
    for def in Registry::builtin().iter() {
        let tool = serde_json::to_value(def.to_tool()).unwrap();
        let name = def.spec.name;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => "../snapshots/tools",
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_json_snapshot!(name, tool);
            });
        }));
        if outcome.is_err() {
            failures.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "tool definitions differ from their snapshots: {failures:?}"
    );
}
