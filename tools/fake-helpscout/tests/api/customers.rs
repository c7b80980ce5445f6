#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fake's customer endpoints over real HTTP: create/overwrite/patch/delete,
//! entries, address, v3 cursor paging and customer properties.

use crate::common;

use common::{header, Api};
use fake_helpscout::ids::*;

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

impl Api {
    async fn customer(&self, id: u64) -> Value {
        self.get_json(&format!(
            "/v2/customers/{id}?embed=address,chats,emails,phones,social_profiles,websites"
        ))
        .await
    }

    /// POST that must answer 201 with an empty body; returns the Resource-ID.
    async fn create(&self, path: &str, body: Value) -> String {
        let resp = self.send(Method::POST, path, body).await;
        assert_eq!(resp.status(), StatusCode::CREATED, "POST {path}");
        let id = header(&resp, "resource-id").expect("Resource-ID");
        let location = header(&resp, "location").expect("Location");
        assert!(location.ends_with(&id) || location.ends_with("/address"), "{location}");
        assert!(resp.bytes().await.unwrap().is_empty(), "201 has an empty body");
        id
    }
}

/// A 400 with Help Scout's error body; returns `path: message` of each field error.
async fn validation_errors(resp: Response) -> Vec<String> {
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert!(body["logRef"].is_string(), "{body}");
    body["_embedded"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["path"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect()
}

fn values(customer: &Value, key: &str) -> Vec<String> {
    customer["_embedded"][key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn create_takes_entry_objects_and_answers_201() {
    let api = Api::new().await;
    let id = api
        .create(
            "/v2/customers",
            json!({
                "firstName": "Vernon", "lastName": "Bear", "jobTitle": "CEO", "gender": "Male",
                "emails": [{"type": "work", "value": "vernon@acme.test"}],
                "phones": [{"type": "mobile", "value": "+1 555 0100"}],
                "chats": [{"type": "skype", "value": "vbear"}],
                "socialProfiles": [{"type": "twitter", "value": "@vbear"}],
                "websites": [{"value": "https://acme.test"}],
                "address": {"city": "Dallas", "country": "us", "lines": ["1 Main St"]},
                "properties": [{"slug": "plan", "value": "Enterprise"}, {"slug": "seats", "value": 12}]
            }),
        )
        .await;
    let c = api.customer(id.parse().unwrap()).await;
    assert_eq!(
        (c["firstName"].clone(), c["gender"].clone()),
        (json!("Vernon"), json!("male"))
    );
    assert_eq!(values(&c, "emails"), ["vernon@acme.test"]);
    assert_eq!(c["_embedded"]["social_profiles"][0]["type"], "twitter");
    assert_eq!(c["_embedded"]["address"]["country"], "US");
    let props = &c["_embedded"]["properties"];
    assert_eq!(
        props[0],
        json!({"type": "dropdown", "slug": "plan", "name": "Plan", "value": "Enterprise"})
    );
    assert_eq!(props[1]["value"], "12");

    // Entries are objects: a bare string, a bad email and an unknown type are 400s.
    let bad = api
        .send(
            Method::POST,
            "/v2/customers",
            json!({"firstName": "X", "emails": ["x@acme.test"], "phones": [{"type": "car", "value": "1"}],
                   "websites": [{"value": "not a url"}], "properties": [{"slug": "nope", "value": 1}]}),
        )
        .await;
    let errors = validation_errors(bad).await;
    for path in ["emails[0]", "phones[0].type", "websites[0].value", "properties[0].slug"] {
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{path}:"))),
            "{path} in {errors:?}"
        );
    }
    let bad = api
        .send(
            Method::POST,
            "/v2/customers",
            json!({"emails": [{"type": "work", "value": "nope"}]}),
        )
        .await;
    assert_eq!(
        validation_errors(bad).await,
        ["emails[0].value: not a well-formed email address"]
    );
}

#[tokio::test]
async fn overwrite_nulls_omitted_fields_but_keeps_entries() {
    let api = Api::new().await;
    let before = api.customer(CUSTOMER_ID).await;
    assert!(!before["jobTitle"].as_str().unwrap().is_empty());
    let path = format!("/v2/customers/{CUSTOMER_ID}");
    let resp = api
        .send(Method::PUT, &path, json!({"firstName": "Mara", "lastName": "Gonzalez"}))
        .await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let after = api.customer(CUSTOMER_ID).await;
    assert_eq!(after["firstName"], "Mara");
    assert_eq!(after["jobTitle"], "", "omitted fields are cleared");
    assert_eq!(after["organization"], "");
    assert_eq!(values(&after, "emails"), values(&before, "emails"), "entries untouched");

    let resp = api.send(Method::PUT, &path, json!({"firstName": "x".repeat(41)})).await;
    assert_eq!(
        validation_errors(resp).await,
        ["firstName: size must be between 1 and 40"]
    );
    let resp = api
        .send(Method::PUT, "/v2/customers/1", json!({"firstName": "A"}))
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn patch_is_an_array_and_applies_all_or_nothing() {
    let api = Api::new().await;
    let path = format!("/v2/customers/{CUSTOMER_ID}");

    // A single object is a validation error (catalogue 4.6).
    let single = api
        .send(
            Method::PATCH,
            &path,
            json!({"op": "replace", "path": "/firstName", "value": "K"}),
        )
        .await;
    assert_eq!(single.status(), StatusCode::BAD_REQUEST);
    // A whole collection cannot be removed.
    let whole = api
        .send(Method::PATCH, &path, json!([{"op": "remove", "path": "/emails"}]))
        .await;
    assert_eq!(validation_errors(whole).await.len(), 1);

    // One bad operation rejects the whole patch.
    let mixed = api
        .send(
            Method::PATCH,
            &path,
            json!([{"op": "replace", "path": "/firstName", "value": "Karl"},
                   {"op": "add", "path": "/emails", "value": "plain@string.test"}]),
        )
        .await;
    assert_eq!(validation_errors(mixed).await.len(), 1);
    assert_eq!(api.customer(CUSTOMER_ID).await["firstName"], "Maria");

    let ok = api
        .send(
            Method::PATCH,
            &path,
            json!([
                {"op": "replace", "path": "/firstName", "value": "Karl"},
                {"op": "remove", "path": "/jobTitle"},
                {"op": "add", "path": "/emails", "value": {"type": "other", "value": "karl@acme.test"}},
                {"op": "remove", "path": format!("/emails/{CUSTOMER_HOME_EMAIL_ID}")},
                {"op": "replace", "path": format!("/chats/{CUSTOMER_CHAT_ID}/value"), "value": "karl.skype"}
            ]),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    let c = api.customer(CUSTOMER_ID).await;
    assert_eq!(
        (c["firstName"].clone(), c["jobTitle"].clone()),
        (json!("Karl"), json!(""))
    );
    assert_eq!(values(&c, "emails"), [CUSTOMER_EMAIL, "karl@acme.test"]);
    assert_eq!(values(&c, "chats"), ["karl.skype"]);
}

#[tokio::test]
async fn entry_collections_list_create_update_delete() {
    let api = Api::new().await;
    let base = format!("/v2/customers/{CUSTOMER_ID}");
    for (segment, new, bad) in [
        (
            "emails",
            json!({"type": "home", "value": "m@home.test"}),
            json!({"type": "home", "value": "m-at-home"}),
        ),
        (
            "phones",
            json!({"type": "fax", "value": "+1 555 0199"}),
            json!({"type": "car", "value": "1"}),
        ),
        (
            "chats",
            json!({"type": "icq", "value": "12345"}),
            json!({"value": "12345"}),
        ),
        (
            "social-profiles",
            json!({"type": "linkedin", "value": "https://linkedin.com/in/m"}),
            json!({"type": "myspace", "value": "m"}),
        ),
        (
            "websites",
            json!({"value": "https://m.test"}),
            json!({"value": "no url"}),
        ),
    ] {
        let list = api.get_json(&format!("{base}/{segment}")).await;
        let before = list["_embedded"][segment].as_array().unwrap().len();
        assert!(before >= 1, "{segment}: {list}");
        assert!(list.get("page").is_none() && list["_links"]["self"].is_object());

        let id = api.create(&format!("{base}/{segment}"), new.clone()).await;
        let list = api.get_json(&format!("{base}/{segment}")).await;
        let item = list["_embedded"][segment]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"].as_u64().map(|n| n.to_string()) == Some(id.clone()))
            .cloned()
            .unwrap();
        assert_eq!(item["value"], new["value"], "{segment}");

        let resp = api.send(Method::POST, &format!("{base}/{segment}"), bad).await;
        assert_eq!(validation_errors(resp).await.len(), 1, "{segment}");

        let one = format!("{base}/{segment}/{id}");
        let resp = api.send(Method::PUT, &one, new.clone()).await;
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{segment}");
        assert_eq!(api.delete(&one).await.status(), StatusCode::NO_CONTENT, "{segment}");
        assert_eq!(api.delete(&one).await.status(), StatusCode::NOT_FOUND, "{segment}");
        assert_eq!(api.send(Method::PUT, &one, new).await.status(), StatusCode::NOT_FOUND);
    }
    // A plain string is not an entry.
    let resp = api
        .send(Method::POST, &format!("{base}/emails"), json!("m@home.test"))
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_address_is_one_object() {
    let api = Api::new().await;
    let path = format!("/v2/customers/{CUSTOMER_ID}/address");
    let address = api.get_json(&path).await;
    assert!(address["city"].is_string() && address["lines"].is_array());

    let again = api.send(Method::POST, &path, json!({"city": "Dallas"})).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "one address per customer");
    let put = api
        .send(
            Method::PUT,
            &path,
            json!({"city": "Dallas", "state": "TX", "lines": ["1 Main"]}),
        )
        .await;
    assert_eq!(put.status(), StatusCode::NO_CONTENT);
    let address = api.get_json(&path).await;
    assert_eq!(
        (address["city"].clone(), address["country"].clone()),
        (json!("Dallas"), json!(""))
    );
    assert_eq!(api.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(api.get(&path).await.status(), StatusCode::NOT_FOUND);

    let bad = api.send(Method::POST, &path, json!({"country": "United States"})).await;
    assert_eq!(
        validation_errors(bad).await,
        ["country: must be an ISO 3166 alpha-2 country code"]
    );
    api.create(&path, json!({"city": "Austin", "country": "US"})).await;
    let none = format!("/v2/customers/{NO_ADDRESS_CUSTOMER_ID}/address");
    assert_eq!(api.get(&none).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn delete_is_a_gdpr_erasure() {
    let api = Api::new().await;
    let convs = api
        .get_json(&format!(
            "/v2/conversations?status=all&query=(email:\"{CUSTOMER_EMAIL}\")"
        ))
        .await;
    let first = convs["_embedded"]["conversations"][0]["id"].as_u64().unwrap();
    let resp = api.delete(&format!("/v2/customers/{CUSTOMER_ID}")).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        api.get(&format!("/v2/customers/{CUSTOMER_ID}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&format!("/v2/conversations/{first}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&format!("/v2/customers/{CUSTOMER_ID}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn v3_pages_by_cursor_newest_first() {
    let api = Api::new().await;
    for n in 0..6 {
        api.create(
            "/v2/customers",
            json!({"firstName": format!("New{n}"), "lastName": "Cursor"}),
        )
        .await;
    }
    let first = api.get_json("/v3/customers").await;
    let page1 = first["_embedded"]["customers"].as_array().unwrap().clone();
    assert_eq!(page1.len(), 50);
    assert!(first.get("page").is_none());
    let key = |c: &Value| (c["createdAt"].as_str().unwrap().to_string(), c["id"].as_u64().unwrap());
    assert!(
        page1.windows(2).all(|w| key(&w[0]) > key(&w[1])),
        "createdAt desc, id tiebreak"
    );
    assert_eq!(page1[0]["firstName"], "New5");

    let next = first["_links"]["next"]["href"].as_str().unwrap().to_string();
    assert!(next.contains("/v3/customers?cursor="), "{next}");
    let second = api.get_json(&next).await;
    let page2 = second["_embedded"]["customers"].as_array().unwrap();
    assert_eq!(page1.len() + page2.len(), CUSTOMER_COUNT as usize + 6);
    assert!(second["_links"].get("next").is_none());

    // Filters.
    let filtered = api.get_json("/v3/customers?lastName=Cursor").await;
    assert_eq!(filtered["_embedded"]["customers"].as_array().unwrap().len(), 6);
    let by_email = api.get_json(&format!("/v3/customers?email={CUSTOMER_EMAIL}")).await;
    assert_eq!(by_email["_embedded"]["customers"][0]["id"], CUSTOMER_ID);

    let bad = api.get("/v3/customers?cursor=garbage").await;
    assert_eq!(validation_errors(bad).await.len(), 1);
    let millis = api.get("/v3/customers?modifiedSince=2024-01-01T00:00:00.000Z").await;
    assert_eq!(validation_errors(millis).await.len(), 1);
}

#[tokio::test]
async fn property_definitions_and_values() {
    let api = Api::new().await;
    let list = api.get_json("/v2/customer-properties").await;
    let defs = list["_embedded"]["customer-properties"].as_array().unwrap();
    let slugs: Vec<&str> = defs.iter().map(|d| d["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, CUSTOMER_PROPERTY_SLUGS);
    assert!(list.get("page").is_none() && list["_links"]["self"].is_object() && list["_links"].get("next").is_none());
    assert_eq!(defs[0]["options"].as_array().unwrap().len(), 3);

    // Values: an array of replace/remove ops on /<slug>.
    let path = format!("/v2/customers/{CUSTOMER_ID}/properties");
    let single = api
        .send(Method::PATCH, &path, json!({"op": "remove", "path": "/plan"}))
        .await;
    assert_eq!(single.status(), StatusCode::BAD_REQUEST);
    let bad = api
        .send(
            Method::PATCH,
            &path,
            json!([{"op": "replace", "path": "/renewal-date", "value": "03/01/2027"},
                   {"op": "replace", "path": "/nope", "value": "x"},
                   {"op": "add", "path": "/seats", "value": 3}]),
        )
        .await;
    assert_eq!(validation_errors(bad).await.len(), 3);
    let ok = api
        .send(
            Method::PATCH,
            &path,
            json!([{"op": "replace", "path": "/plan", "value": PLAN_ENTERPRISE_OPTION_ID},
                   {"op": "replace", "path": "/seats", "value": "40"},
                   {"op": "remove", "path": "/account-manager"}]),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    let c = api.get_json(&format!("/v2/customers/{CUSTOMER_ID}")).await;
    let props = c["_embedded"]["properties"].as_array().unwrap();
    let value = |slug: &str| props.iter().find(|p| p["slug"] == slug).map(|p| p["value"].clone());
    assert_eq!(value("plan"), Some(json!("Enterprise")));
    assert_eq!(value("seats"), Some(json!("40")));
    assert_eq!(value("account-manager"), None);

    // Definitions: reserved and duplicate slugs, dropdown options, max 50.
    for (body, field) in [
        (json!({"type": "text", "slug": "email", "name": "E"}), "slug"),
        (json!({"type": "text", "slug": "plan", "name": "P"}), "slug"),
        (json!({"type": "color", "slug": "c", "name": "C"}), "type"),
        (json!({"type": "dropdown", "slug": "d", "name": "D"}), "options"),
        (json!({"type": "text", "slug": "bad slug", "name": "B"}), "slug"),
    ] {
        let resp = api.send(Method::POST, "/v2/customer-properties", body).await;
        let errors = validation_errors(resp).await;
        assert!(errors[0].starts_with(&format!("{field}:")), "{errors:?}");
    }
    let slug = api
        .create(
            "/v2/customer-properties",
            json!({"type": "dropdown", "slug": "tier", "name": "Tier", "options": [{"label": "Gold"}, {"label": "Silver"}]}),
        )
        .await;
    assert_eq!(slug, "tier");
    for n in 0..44 {
        api.create(
            "/v2/customer-properties",
            json!({"type": "text", "slug": format!("p{n}"), "name": format!("P{n}")}),
        )
        .await;
    }
    let full = api
        .send(
            Method::POST,
            "/v2/customer-properties",
            json!({"type": "text", "slug": "one-more", "name": "x"}),
        )
        .await;
    assert_eq!(full.status(), StatusCode::BAD_REQUEST);

    assert_eq!(
        api.delete("/v2/customer-properties/plan").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.delete("/v2/customer-properties/plan").await.status(),
        StatusCode::NOT_FOUND
    );
    let c = api.get_json(&format!("/v2/customers/{CUSTOMER_ID}")).await;
    assert!(!c["_embedded"]["properties"].to_string().contains("\"plan\""));
}
