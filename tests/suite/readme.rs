#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! README.md's tool reference is generated from the registry. When this fails, run
//! `UPDATE_README=1 cargo test --test suite readme::` and commit the README.

use helpscout_mcp::reference;
use helpscout_mcp::registry::Registry;

#[test]
fn readme_tool_reference_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let generated = reference::markdown(&Registry::builtin());
    let expected = reference::splice(&readme, &generated).expect("README.md has the tool-reference markers");
    if readme != expected {
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(path, expected).unwrap();
        } else {
            panic!("README.md's tool reference is stale: run `UPDATE_README=1 cargo test --test suite readme::`");
        }
    }
}

#[test]
fn reference_lists_every_tool_once() {
    let registry = Registry::builtin();
    let generated = reference::markdown(&registry);
    for def in registry.iter() {
        let row = format!("| `{}` |", def.spec.name);
        assert_eq!(generated.matches(&row).count(), 1, "{}", def.spec.name);
    }
}
