#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `organizations` toolset (organizations and organization
//! properties) against the fake Help Scout.

use crate::common;

use common::{assert_compact, items, last_get, param, single_write, Harness};
use fake_helpscout::ids::{CUSTOMER_EMAIL, CUSTOMER_ID, EMPTY_ORGANIZATION_ID, FIRST_ORGANIZATION_ID};
use fake_helpscout::RecordedRequest;
use helpscout_mcp::policy::AccessLevel;
use serde_json::{json, Value};

fn assert_json_write(w: &RecordedRequest, method: &str, path: &str, status: u16) {
    assert_eq!(
        (w.method.as_str(), w.path.as_str(), w.status),
        (method, path, status),
        "{w:#?}"
    );
    assert!(
        w.content_type.as_deref().unwrap_or("").starts_with("application/json"),
        "{:?}",
        w.content_type
    );
}

fn property<'a>(org: &'a Value, slug: &str) -> Option<&'a Value> {
    org["properties"]
        .as_array()
        .and_then(|props| props.iter().find(|p| p["slug"] == slug))
}

#[tokio::test]
async fn lists_organizations_with_the_composed_sort_parameter() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_organizations", json!({})).await;
    assert_compact(&list);
    let orgs = items(&list, "organizations");
    assert!(orgs.len() >= 3, "{list}");
    assert!(orgs
        .iter()
        .all(|o| o["id"].is_u64() && o["name"].is_string() && o.get("logoUrl").is_none()));
    assert_eq!(last_get(&h).query, None, "no sort unless asked");

    let sorted = h
        .ok(
            "list_organizations",
            json!({"sort_field": "name", "sort_order": "asc", "page": 1}),
        )
        .await;
    let get = last_get(&h);
    assert_eq!(get.path, "/v2/organizations");
    // One `sort=field,dir` parameter; sortField/sortOrder would be ignored (catalogue 4.8).
    assert_eq!(param(&get, "sort").as_deref(), Some("name,asc"));
    assert_eq!(param(&get, "sortField"), None);
    let names: Vec<String> = items(&sorted, "organizations")
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(names, expected);

    h.ok("list_organizations", json!({"sort_field": "customer_count"}))
        .await;
    assert_eq!(param(&last_get(&h), "sort").as_deref(), Some("customerCount,desc"));
    let err = h.err("list_organizations", json!({"sort_field": "size"})).await;
    assert!(err.contains("sort_field"), "{err}");
}

#[tokio::test]
async fn gets_an_organization_with_counts_and_properties() {
    let h = Harness::new(AccessLevel::Read).await;
    let org = h
        .ok("get_organization", json!({"organization_id": FIRST_ORGANIZATION_ID}))
        .await;
    assert_compact(&org);
    let get = last_get(&h);
    assert_eq!(get.path, format!("/v2/organizations/{FIRST_ORGANIZATION_ID}"));
    assert_eq!(param(&get, "includeCounts").as_deref(), Some("true"));
    assert_eq!(param(&get, "includeProperties").as_deref(), Some("true"));
    assert_eq!(org["name"], "BrightPath Logistics");
    assert!(org["customerCount"].as_u64().unwrap() >= 1, "{org}");
    assert!(org["conversationCount"].is_u64(), "{org}");
    assert_eq!(property(&org, "plan").unwrap()["value"], "Enterprise");
    assert_eq!(property(&org, "seats").unwrap()["value"], "120");
    assert!(org.get("logoUrl").is_none(), "{org}");

    let bare = h
        .ok(
            "get_organization",
            json!({"organization_id": FIRST_ORGANIZATION_ID, "include_counts": false, "include_properties": false}),
        )
        .await;
    assert!(
        bare.get("customerCount").is_none() && bare.get("properties").is_none(),
        "{bare}"
    );

    let missing = h.err("get_organization", json!({"organization_id": 999_999})).await;
    assert!(missing.contains("HTTP 404"), "{missing}");
}

#[tokio::test]
async fn lists_an_organizations_customers_and_conversations() {
    let h = Harness::new(AccessLevel::Read).await;
    let customers = h
        .ok(
            "list_organization_customers",
            json!({"organization_id": FIRST_ORGANIZATION_ID}),
        )
        .await;
    assert_compact(&customers);
    assert_eq!(
        last_get(&h).path,
        format!("/v2/organizations/{FIRST_ORGANIZATION_ID}/customers")
    );
    let maria = items(&customers, "customers")
        .iter()
        .find(|c| c["id"] == CUSTOMER_ID)
        .unwrap_or_else(|| panic!("customer {CUSTOMER_ID} missing: {customers}"));
    assert!(
        maria["emails"].as_array().unwrap().contains(&json!(CUSTOMER_EMAIL)),
        "{maria}"
    );
    assert!(maria["name"].as_str().unwrap().contains(' '), "{maria}");

    let convs = h
        .ok(
            "list_organization_conversations",
            json!({"organization_id": FIRST_ORGANIZATION_ID, "page": 1}),
        )
        .await;
    assert_compact(&convs);
    let get = last_get(&h);
    assert_eq!(
        (get.path.as_str(), param(&get, "page").as_deref()),
        (
            format!("/v2/organizations/{FIRST_ORGANIZATION_ID}/conversations").as_str(),
            Some("1")
        )
    );
    let list = items(&convs, "conversations");
    assert!(!list.is_empty());
    assert!(list
        .iter()
        .all(|c| c["id"].is_u64() && c["subject"].is_string() && c["customer"].is_object()));

    let empty = h
        .ok(
            "list_organization_conversations",
            json!({"organization_id": EMPTY_ORGANIZATION_ID}),
        )
        .await;
    assert!(
        items(&empty, "conversations").is_empty() && empty.get("next").is_none(),
        "{empty}"
    );
}

#[tokio::test]
async fn create_organization_posts_only_given_fields_and_returns_the_id() {
    let h = Harness::new(AccessLevel::Write).await;
    let created = h
        .ok(
            "create_organization",
            json!({"name": "Acme Rockets", "website": "https://acme-rockets.example",
                   "domains": ["acme-rockets.example"], "brand_color": "#FF5500"}),
        )
        .await;
    let id = created["id"].as_u64().expect("numeric id");
    assert_eq!(created, json!({"id": id}));
    let post = single_write(&h);
    assert_json_write(&post, "POST", "/v2/organizations", 201);
    assert_eq!(
        post.body_json(),
        Some(
            json!({"name": "Acme Rockets", "website": "https://acme-rockets.example",
                    "domains": ["acme-rockets.example"], "brandColor": "#FF5500"})
        )
    );
    let org = h.ok("get_organization", json!({"organization_id": id})).await;
    assert_eq!(org["name"], "Acme Rockets");
    assert_eq!(org["customerCount"], 0);
}

#[tokio::test]
async fn organization_writes_validate_before_sending() {
    let h = Harness::new(AccessLevel::Full).await;
    for (args, field) in [
        (json!({"name": "  "}), "`name`"),
        (json!({"name": "X", "brand_color": "orange"}), "`brand_color`"),
        (json!({"name": "X", "website": "acme.com"}), "`website`"),
        (json!({"name": "X", "domains": ["https://acme.com"]}), "`domains[0]`"),
    ] {
        let err = h.err("create_organization", args.clone()).await;
        assert!(err.contains(field), "{args}: {err}");
    }
    let err = h
        .err(
            "update_organization",
            json!({"organization_id": FIRST_ORGANIZATION_ID, "name": "X", "brand_color": "#12"}),
        )
        .await;
    assert!(err.contains("`brand_color`"), "{err}");
    assert!(h.writes().is_empty());
}

#[tokio::test]
async fn update_organization_overwrites_and_clears_what_is_left_out() {
    let h = Harness::new(AccessLevel::Full).await;
    let before = h
        .ok("get_organization", json!({"organization_id": FIRST_ORGANIZATION_ID}))
        .await;
    assert!(before["website"].is_string() && before["note"].is_string(), "{before}");
    let out = h
        .ok(
            "update_organization",
            json!({"organization_id": FIRST_ORGANIZATION_ID, "name": "BrightPath Logistics Inc.",
                   "domains": ["brightpath-logistics.com"], "location": "Austin, TX"}),
        )
        .await;
    assert_eq!(out["updated"], true);
    let cleared: Vec<&str> = out["cleared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(cleared.contains(&"website") && cleared.contains(&"note") && !cleared.contains(&"location"));

    let put = single_write(&h);
    assert_json_write(&put, "PUT", &format!("/v2/organizations/{FIRST_ORGANIZATION_ID}"), 204);
    // The whole record is sent, absent fields as null / [] (a complete update).
    assert_eq!(
        put.body_json(),
        Some(
            json!({"name": "BrightPath Logistics Inc.", "website": null, "description": null,
                    "location": "Austin, TX", "note": null, "domains": ["brightpath-logistics.com"],
                    "phones": [], "brandColor": null})
        )
    );
    let after = h
        .ok("get_organization", json!({"organization_id": FIRST_ORGANIZATION_ID}))
        .await;
    assert_eq!(after["name"], "BrightPath Logistics Inc.");
    assert_eq!(after["location"], "Austin, TX");
    assert!(after.get("website").is_none() && after.get("note").is_none(), "{after}");
    // Property values survive an overwrite.
    assert_eq!(property(&after, "plan").unwrap()["value"], "Enterprise");
}

#[tokio::test]
async fn delete_organization_removes_it() {
    let h = Harness::new(AccessLevel::Full).await;
    let out = h
        .ok("delete_organization", json!({"organization_id": EMPTY_ORGANIZATION_ID}))
        .await;
    assert_eq!(out, json!({"deleted": true, "organizationId": EMPTY_ORGANIZATION_ID}));
    let delete = single_write(&h);
    assert_eq!(
        (delete.method.as_str(), delete.path.clone(), delete.status),
        ("DELETE", format!("/v2/organizations/{EMPTY_ORGANIZATION_ID}"), 204)
    );
    let gone = h
        .err("get_organization", json!({"organization_id": EMPTY_ORGANIZATION_ID}))
        .await;
    assert!(gone.contains("HTTP 404"), "{gone}");

    let write_only = Harness::new(AccessLevel::Write).await;
    let denied = write_only
        .err("delete_organization", json!({"organization_id": EMPTY_ORGANIZATION_ID}))
        .await;
    assert!(denied.contains("destructive"), "{denied}");
    assert!(write_only.writes().is_empty());
}

#[tokio::test]
async fn lists_and_gets_property_definitions() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_organization_property_definitions", json!({})).await;
    assert_compact(&list);
    assert_eq!(last_get(&h).path, "/v2/organizations/properties");
    let props = items(&list, "properties");
    assert_eq!(list["total"], props.len());
    assert!(list.get("next").is_none());
    let plan = props.iter().find(|p| p["slug"] == "plan").unwrap();
    assert_eq!(plan["type"], "dropdown");
    let labels: Vec<&str> = plan["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Starter", "Pro", "Enterprise"]);

    let seats = h
        .ok("get_organization_property_definition", json!({"slug": "seats"}))
        .await;
    assert_compact(&seats);
    assert_eq!(last_get(&h).path, "/v2/organizations/properties/seats");
    assert_eq!(
        (seats["type"].as_str(), seats["name"].as_str()),
        (Some("number"), Some("Seats"))
    );
    let missing = h
        .err("get_organization_property_definition", json!({"slug": "nope"}))
        .await;
    assert!(missing.contains("HTTP 404"), "{missing}");
}

#[tokio::test]
async fn create_property_definition_posts_labels_and_returns_id_and_slug() {
    let h = Harness::new(AccessLevel::Write).await;
    let created = h
        .ok(
            "create_organization_property_definition",
            json!({"type": "dropdown", "slug": "region", "name": "Region", "options": ["EMEA", "AMER", "APAC"]}),
        )
        .await;
    assert!(created["id"].is_u64(), "{created}");
    assert_eq!(created["slug"], "region");
    let post = single_write(&h);
    assert_json_write(&post, "POST", "/v2/organizations/properties", 201);
    assert_eq!(
        post.body_json(),
        Some(json!({"type": "dropdown", "slug": "region", "name": "Region",
                    "options": [{"label": "EMEA"}, {"label": "AMER"}, {"label": "APAC"}]}))
    );
    let region = h
        .ok("get_organization_property_definition", json!({"slug": "region"}))
        .await;
    assert_eq!(region["options"].as_array().unwrap().len(), 3);

    h.fake.clear_requests();
    for (args, field) in [
        (json!({"type": "dropdown", "slug": "tier", "name": "Tier"}), "`options`"),
        (
            json!({"type": "text", "slug": "tier", "name": "Tier", "options": ["a"]}),
            "`options`",
        ),
        (json!({"type": "text", "slug": "Has Spaces", "name": "Tier"}), "`slug`"),
        (
            json!({"type": "dropdown", "slug": "tier", "name": "Tier", "options": ["a", "a"]}),
            "`options[1]`",
        ),
        (json!({"type": "color", "slug": "tier", "name": "Tier"}), "`type`"),
    ] {
        let err = h.err("create_organization_property_definition", args.clone()).await;
        assert!(err.contains(field), "{args}: {err}");
    }
    assert!(h.writes().is_empty());
    // Help Scout's own check: slugs are unique.
    let dup = h
        .err(
            "create_organization_property_definition",
            json!({"type": "text", "slug": "seats", "name": "Seats again"}),
        )
        .await;
    assert!(dup.contains("HTTP 400") && dup.contains("slug"), "{dup}");
}

#[tokio::test]
async fn replacing_dropdown_options_wipes_values_of_removed_options() {
    let h = Harness::new(AccessLevel::Full).await;
    let out = h
        .ok(
            "update_organization_property_definition",
            json!({"slug": "plan", "name": "Plan tier", "options": ["Starter", "Pro", "Business"]}),
        )
        .await;
    assert_eq!(out, json!({"updated": true, "slug": "plan", "optionsReplaced": true}));
    let put = single_write(&h);
    assert_json_write(&put, "PUT", "/v2/organizations/properties/plan", 204);
    assert_eq!(
        put.body_json(),
        Some(json!({"name": "Plan tier", "options": [{"label": "Starter"}, {"label": "Pro"}, {"label": "Business"}]}))
    );
    // 50001 was on Enterprise (removed), 50002 on Pro (kept).
    let first = h
        .ok("get_organization", json!({"organization_id": FIRST_ORGANIZATION_ID}))
        .await;
    let plan = property(&first, "plan").unwrap();
    assert_eq!(plan["name"], "Plan tier");
    assert!(plan.get("value").is_none(), "{plan}");
    let second = h
        .ok(
            "get_organization",
            json!({"organization_id": FIRST_ORGANIZATION_ID + 1}),
        )
        .await;
    assert_eq!(property(&second, "plan").unwrap()["value"], "Pro");

    // Renaming alone sends no options and keeps them.
    h.fake.clear_requests();
    h.ok(
        "update_organization_property_definition",
        json!({"slug": "seats", "name": "Licensed seats"}),
    )
    .await;
    assert_eq!(single_write(&h).body_json(), Some(json!({"name": "Licensed seats"})));
    let err = h
        .err(
            "update_organization_property_definition",
            json!({"slug": "plan", "name": "Plan", "options": []}),
        )
        .await;
    assert!(err.contains("`options`"), "{err}");
}

#[tokio::test]
async fn property_values_are_always_sent_as_strings() {
    let h = Harness::new(AccessLevel::Write).await;
    let org = FIRST_ORGANIZATION_ID + 2;
    for (slug, value, sent) in [
        ("seats", json!(250), "250"),
        ("renewal-date", json!("2027-06-30"), "2027-06-30"),
        ("plan", json!("Pro"), "Pro"),
        ("account-manager", json!(true), "true"),
        (
            "crm-record",
            json!("https://crm.example/accounts/77"),
            "https://crm.example/accounts/77",
        ),
    ] {
        h.fake.clear_requests();
        let out = h
            .ok(
                "set_organization_property_value",
                json!({"organization_id": org, "slug": slug, "value": value}),
            )
            .await;
        assert_eq!(out["value"], sent);
        let put = single_write(&h);
        assert_json_write(&put, "PUT", &format!("/v2/organizations/{org}/properties/{slug}"), 204);
        assert_eq!(put.body_json(), Some(json!({"value": sent})));
    }
    let after = h.ok("get_organization", json!({"organization_id": org})).await;
    assert_eq!(property(&after, "seats").unwrap()["value"], "250");
    assert_eq!(property(&after, "plan").unwrap()["value"], "Pro");

    // Help Scout checks the value against the property's type.
    let err = h
        .err(
            "set_organization_property_value",
            json!({"organization_id": org, "slug": "plan", "value": "Platinum"}),
        )
        .await;
    assert!(err.contains("HTTP 400") && err.contains("Enterprise"), "{err}");
    let err = h
        .err(
            "set_organization_property_value",
            json!({"organization_id": org, "slug": "renewal-date", "value": "30/06/2027"}),
        )
        .await;
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = h
        .err(
            "set_organization_property_value",
            json!({"organization_id": org, "slug": "seats", "value": ["1"]}),
        )
        .await;
    assert!(err.contains("`value`"), "{err}");
}
