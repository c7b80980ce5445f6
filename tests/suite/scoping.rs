#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every tool has a declared scope, and the argument a scope rule reads is one the
//! tool really takes; Docs-site allowlists hold like mailbox allowlists.

use crate::common;

use common::{example_arguments, Harness};
use fake_helpscout::ids;
use helpscout_mcp::policy::scope::{rule_for, Rule};
use helpscout_mcp::policy::{AccessLevel, Policy, Toolsets};
use helpscout_mcp::registry::{Access, Registry};
use serde_json::{json, Map, Value};

#[test]
fn every_tool_has_a_scope_rule_that_names_its_own_arguments() {
    let mut problems = Vec::new();
    for def in Registry::builtin().iter() {
        let rule = rule_for(&def.spec);
        let props = def
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let arg = match rule {
            Rule::Unlisted => {
                problems.push(format!("{}: no scope rule", def.spec.name));
                continue;
            }
            Rule::Conversation => Some("conversation_id"),
            Rule::Workflow { conversations } => {
                if let Some(c) = conversations {
                    if !props.contains_key(c) {
                        problems.push(format!("{}: rule reads `{c}`", def.spec.name));
                    }
                }
                Some("workflow_id")
            }
            Rule::ConversationTo(a) => {
                if !props.contains_key("conversation_id") {
                    problems.push(format!("{}: rule reads `conversation_id`", def.spec.name));
                }
                Some(a)
            }
            Rule::Mailbox(a)
            | Rule::MailboxFilter(a)
            | Rule::MailboxList(a)
            | Rule::Site(a)
            | Rule::SiteFilter(a)
            | Rule::SiteList(a)
            | Rule::Collection(a)
            | Rule::Category(a)
            | Rule::Article(a)
            | Rule::Revision(a)
            | Rule::Redirect(a) => Some(a),
            Rule::Account
            | Rule::FilterMailboxes
            | Rule::TagCounts
            | Rule::AllMailboxes
            | Rule::FilterSites
            | Rule::AllSites => None,
        };
        if let Some(arg) = arg {
            if !props.contains_key(arg) {
                problems.push(format!(
                    "{}: rule {rule:?} reads `{arg}`, which the tool does not take",
                    def.spec.name
                ));
            }
        }
        if def.spec.toolset == "docs" && rule.is_mailbox_rule() {
            problems.push(format!("{}: a Docs tool with a mailbox rule", def.spec.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn site_profile() -> Policy {
    Policy {
        access: AccessLevel::Full,
        toolsets: Toolsets::All,
        docs_available: true,
        docs_sites: Some([ids::DOCS_PARTNER_SITE_ID.to_string()].into()),
        source: helpscout_mcp::policy::Source::Profile("partner-docs".into()),
        ..Policy::default()
    }
}

#[tokio::test]
async fn wrong_site_profile_sends_no_docs_write() {
    let h = Harness::with_policy(site_profile()).await;
    let mut overrides = Map::new();
    for (k, v) in [
        ("site_id", json!(ids::DOCS_SITE_ID)),
        ("site_ids", json!([ids::DOCS_SITE_ID])),
        ("collection_id", json!(ids::DOCS_COLLECTION_ID)),
        ("collection_id_or_number", json!(ids::DOCS_COLLECTION_ID)),
        ("category_id", json!(ids::DOCS_CATEGORY_ID)),
        ("category_id_or_number", json!(ids::DOCS_CATEGORY_ID)),
    ] {
        overrides.insert(k.into(), v);
    }
    // An article and a redirect of the main site, found by reading as the main site.
    let main = Harness::new(AccessLevel::Read).await;
    let articles = main
        .ok(
            "docs_list_articles_in_collection",
            json!({"collection_id": ids::DOCS_COLLECTION_ID}),
        )
        .await;
    let article = articles["articles"][0]["id"].as_str().unwrap().to_string();
    let redirects = main
        .ok("docs_list_redirects", json!({"site_id": ids::DOCS_SITE_ID}))
        .await;
    let redirect = redirects["redirects"][0]["id"].as_str().unwrap().to_string();
    overrides.insert("article_id".into(), json!(article));
    overrides.insert("article_id_or_number".into(), json!(article));
    overrides.insert("redirect_id".into(), json!(redirect));

    let mut tried = 0;
    for def in Registry::builtin()
        .iter()
        .filter(|d| d.spec.toolset == "docs" && d.spec.access != Access::Read)
    {
        let error = h
            .err(def.spec.name, example_arguments(&def.input_schema, &overrides))
            .await;
        assert!(error.contains("partner-docs"), "{}: {error}", def.spec.name);
        tried += 1;
    }
    assert!(tried >= 20, "{tried}");
    assert!(h.writes().is_empty(), "{:#?}", h.writes());

    // Reads: the other site's objects are refused, lists are confined.
    let error = h
        .err("docs_get_article", json!({"article_id_or_number": article}))
        .await;
    assert!(error.contains(ids::DOCS_SITE_ID), "{error}");
    let sites = h.ok("docs_list_sites", json!({})).await;
    let listed: Vec<&str> = sites["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(listed, [ids::DOCS_PARTNER_SITE_ID]);
    h.ok("docs_list_collections", json!({})).await;
    let request = h
        .fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path == "/v1/collections")
        .unwrap();
    assert!(request.query.unwrap_or_default().contains(ids::DOCS_PARTNER_SITE_ID));
}
