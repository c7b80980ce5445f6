#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `tools` and `call` subcommands, run as a user would run them.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_helpscout-mcp"))
        .args(args)
        // A developer's own credentials must not leak into these runs.
        .env_remove("HELPSCOUT_APP_ID")
        .env_remove("HELPSCOUT_APP_SECRET")
        .env_remove("HELPSCOUT_ACCESS_TOKEN")
        .env_remove("HELPSCOUT_ACCESS")
        .env_remove("HELPSCOUT_TOOLSETS")
        .env_remove("HELPSCOUT_DOCS_API_KEY")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run helpscout-mcp")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn tools_lists_what_the_policy_exposes() {
    let full = run(&["--sandbox", "tools"]);
    assert!(full.status.success(), "{}", stderr(&full));
    let listing = stdout(&full);
    let send_reply = listing
        .lines()
        .find(|l| l.starts_with("send_reply "))
        .expect("send_reply listed with --sandbox");
    assert!(
        send_reply.contains("conversations") && send_reply.contains("destructive"),
        "{send_reply}"
    );

    let read = run(&["--sandbox", "--access", "read", "tools"]);
    let listing = stdout(&read);
    assert!(listing.contains("list_conversations"));
    assert!(!listing.contains("send_reply"), "{listing}");
    assert!(!listing.contains("create_note"), "{listing}");

    let tags_only = run(&["tools", "--toolsets", "tags"]);
    assert!(tags_only.status.success(), "{}", stderr(&tags_only));
    let listing = stdout(&tags_only);
    let names: Vec<&str> = listing.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(names, ["get_tag", "list_tags"]);
}

#[test]
fn tools_says_why_docs_are_hidden_without_a_key() {
    let out = run(&["tools", "--toolsets", "docs,tags"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("docs_"), "{}", stdout(&out));
    assert!(stderr(&out).contains("HELPSCOUT_DOCS_API_KEY"), "{}", stderr(&out));
}

#[test]
fn tools_rejects_an_unknown_toolset_clearly() {
    let out = run(&["tools", "--toolsets", "conversations,nope"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown toolset `nope`"), "{}", stderr(&out));
}

#[test]
fn call_prints_the_structured_result() {
    let out = run(&["--sandbox", "call", "list_tags", "{}"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert!(value["tags"].as_array().is_some_and(|t| !t.is_empty()), "{value}");
}

#[test]
fn call_reports_bad_arguments_and_fails() {
    let out = run(&["--sandbox", "call", "get_tag", r#"{"tag_id": "seven"}"#]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("`tag_id`"), "{}", stderr(&out));
    let out = run(&["--sandbox", "call", "get_tag", "not json"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("JSON object"), "{}", stderr(&out));
}

#[test]
fn call_without_credentials_says_what_to_set() {
    let out = run(&["call", "list_tags", "{}"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("HELPSCOUT_APP_ID") || err.contains("credentials"), "{err}");
}

#[test]
fn hash_token_prints_the_sha256_of_stdin() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_helpscout-mcp"))
        .arg("hash-token")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"test\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // sha256("test"): the newline is not part of the token.
    assert_eq!(
        stdout(&out).trim(),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    );
}

#[test]
fn tools_follow_the_policy_file_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(
        &path,
        "default_profile = \"triage\"\n\n[profiles.triage]\naccess = \"read\"\ntoolsets = { conversations = \"read\", tags = \"off\" }\n\n[profiles.admin]\naccess = \"full\"\n",
    )
    .unwrap();
    let policy = path.to_str().unwrap();
    let triage = stdout(&run(&["--sandbox", "--policy", policy, "tools"]));
    assert!(triage.contains("list_conversations") && !triage.contains("list_tags") && !triage.contains("create_note"));
    let admin = stdout(&run(&["--sandbox", "--policy", policy, "--profile", "admin", "tools"]));
    assert!(admin.contains("send_reply") && admin.contains("list_tags"));
    let out = run(&["--sandbox", "--policy", policy, "--profile", "nobody", "tools"]);
    assert!(
        !out.status.success() && stderr(&out).contains("--profile nobody"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&path, "[profiles.p]\ndeny = [\"no_such_tool\"]\n").unwrap();
    let out = run(&["--sandbox", "--policy", policy, "tools"]);
    assert!(
        !out.status.success() && stderr(&out).contains("unknown tool `no_such_tool`"),
        "{}",
        stderr(&out)
    );
}
