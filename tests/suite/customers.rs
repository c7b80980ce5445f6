#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `customers` toolset (customers, entries, address, properties and
//! property definitions) against the fake Help Scout.

use crate::common;

use common::{assert_compact, items, last_get, param, single_write, Harness};
use fake_helpscout::ids;
use fake_helpscout::RecordedRequest;
use helpscout_mcp::policy::AccessLevel;
use serde_json::{json, Value};

/// The write's method, path and JSON content type, and its body.
fn write_of(h: &Harness, method: &str, path: &str) -> Value {
    let w: RecordedRequest = single_write(h);
    assert_eq!((w.method.as_str(), w.path.as_str()), (method, path));
    if method == "DELETE" {
        assert!(w.body.is_empty(), "DELETE sends no body: {}", w.body);
        return Value::Null;
    }
    assert!(
        w.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json")),
        "{:?}",
        w.content_type
    );
    w.body_json().expect("a JSON body")
}

fn customer_path(id: u64) -> String {
    format!("/v2/customers/{id}")
}

#[tokio::test]
async fn lists_and_searches_customers() {
    let h = Harness::new(AccessLevel::Read).await;
    let list = h.ok("list_customers", json!({})).await;
    assert_compact(&list);
    let customers = items(&list, "customers");
    assert_eq!(customers.len(), 45);
    assert_eq!((list["page"].clone(), list["total"].clone()), (json!(1), json!(45)));
    assert!(customers.iter().all(|c| c["id"].is_u64() && c["emails"].is_array()));

    let found = h
        .ok(
            "list_customers",
            json!({"query": format!("(email:\"{}\")", ids::CUSTOMER_EMAIL), "sort_field": "modifiedAt",
                   "sort_order": "asc", "modified_since": "2020-01-01T10:00:00.250+02:00", "page": 1}),
        )
        .await;
    let hit = &items(&found, "customers")[0];
    assert_eq!(hit["id"], ids::CUSTOMER_ID);
    assert_eq!(hit["emails"][0], ids::CUSTOMER_EMAIL);
    let get = last_get(&h);
    assert_eq!(get.path, "/v2/customers");
    assert_eq!(
        param(&get, "query").unwrap(),
        format!("(email:\"{}\")", ids::CUSTOMER_EMAIL)
    );
    // Milliseconds are dropped and the time sent in UTC (catalogue 4.10).
    assert_eq!(param(&get, "modifiedSince").unwrap(), "2020-01-01T08:00:00Z");
    assert_eq!(param(&get, "sortField").unwrap(), "modifiedAt");
    assert_eq!(param(&get, "sortOrder").unwrap(), "asc");

    let by_name = h
        .ok(
            "list_customers",
            json!({"first_name": "Maria", "last_name": "Gonzalez"}),
        )
        .await;
    assert_eq!(items(&by_name, "customers")[0]["id"], ids::CUSTOMER_ID);

    let text = h.err("list_customers", json!({"sort_field": "createdAt"})).await;
    assert!(text.contains("`sort_field`"), "{text}");
    let text = h.err("list_customers", json!({"modified_since": "yesterday"})).await;
    assert!(text.contains("`modified_since`"), "{text}");
    let text = h.err("list_customers", json!({"query": "(email:"})).await;
    assert!(text.contains("HTTP 400") && text.contains("query"), "{text}");
}

#[tokio::test]
async fn v3_list_hands_back_a_cursor() {
    let h = Harness::new(AccessLevel::Write).await;
    // 45 seeded + 6 new = 51: one more than a page.
    for n in 0..6 {
        h.ok(
            "create_customer",
            json!({"first_name": format!("Cursor{n}"), "last_name": "Walker"}),
        )
        .await;
    }
    let first = h.ok("list_customers_v3", json!({})).await;
    assert_compact(&first);
    let page1 = items(&first, "customers").clone();
    assert_eq!(page1.len(), 50);
    assert_eq!(page1[0]["firstName"], "Cursor5", "newest first");
    let cursor = first["cursor"].as_str().expect("a cursor").to_string();
    assert!(first["next"].as_str().unwrap().contains("cursor"));

    let second = h.ok("list_customers_v3", json!({"cursor": cursor})).await;
    let page2 = items(&second, "customers");
    assert_eq!(page2.len(), 1);
    assert!(second.get("cursor").is_none() && second.get("next").is_none());
    let get = last_get(&h);
    assert_eq!(
        (get.path.as_str(), param(&get, "cursor")),
        ("/v3/customers", Some(cursor))
    );
    let mut ids: Vec<u64> = page1.iter().chain(page2).map(|c| c["id"].as_u64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 51, "no customer twice, none missing");

    let filtered = h
        .ok(
            "list_customers_v3",
            json!({"last_name": "Walker", "created_since": "2020-01-01", "email": null}),
        )
        .await;
    assert_eq!(items(&filtered, "customers").len(), 6);
    assert_eq!(param(&last_get(&h), "createdSince").unwrap(), "2020-01-01T00:00:00Z");
    let by_email = h.ok("list_customers_v3", json!({"email": ids::CUSTOMER_EMAIL})).await;
    assert_eq!(items(&by_email, "customers")[0]["id"], ids::CUSTOMER_ID);

    let text = h.err("list_customers_v3", json!({"cursor": "not-a-cursor"})).await;
    assert!(text.contains("HTTP 400") && text.contains("cursor"), "{text}");
}

#[tokio::test]
async fn gets_a_customer_with_everything_on_file() {
    let h = Harness::new(AccessLevel::Read).await;
    let c = h.ok("get_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    assert_compact(&c);
    assert_eq!(
        (c["firstName"].clone(), c["lastName"].clone()),
        (json!("Maria"), json!("Gonzalez"))
    );
    assert_eq!(
        c["emails"][0],
        json!({"id": ids::CUSTOMER_WORK_EMAIL_ID, "type": "work", "value": ids::CUSTOMER_EMAIL})
    );
    assert_eq!(c["chats"][0]["id"], ids::CUSTOMER_CHAT_ID);
    assert_eq!(c["socialProfiles"][0]["type"], "twitter");
    assert_eq!(c["websites"][0]["id"], ids::CUSTOMER_WEBSITE_ID);
    assert!(c["address"]["city"].is_string());
    let plan = c["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "plan")
        .unwrap();
    assert_eq!(plan["value"], "Pro");
    let get = last_get(&h);
    assert_eq!(get.path, customer_path(ids::CUSTOMER_ID));
    assert_eq!(
        param(&get, "embed").unwrap(),
        "address,chats,emails,phones,social_profiles,websites"
    );

    let text = h.err("get_customer", json!({"customer_id": 42})).await;
    assert!(text.contains("HTTP 404"), "{text}");
}

#[tokio::test]
async fn creates_a_customer_with_entry_objects() {
    let h = Harness::new(AccessLevel::Write).await;
    h.fake.clear_requests();
    let created = h
        .ok(
            "create_customer",
            json!({
                "first_name": "Vernon", "last_name": "Bear", "job_title": "CEO", "gender": "male",
                "emails": [{"type": "work", "value": "vernon@acme.test"}],
                "phones": [{"type": "mobile", "value": "+1 555 0100"}],
                "chats": [{"type": "skype", "value": "vbear"}],
                "social_profiles": [{"type": "linkedin", "value": "https://linkedin.com/in/vbear"}],
                "websites": [{"value": "https://acme.test"}],
                "address": {"lines": ["1 Main St"], "city": "Dallas", "state": "TX", "postal_code": "75001", "country": "us"},
                "properties": [{"slug": "plan", "value": "Enterprise"}, {"slug": "seats", "value": 12}]
            }),
        )
        .await;
    let id = created["id"].as_u64().expect("the new id");
    let body = write_of(&h, "POST", "/v2/customers");
    assert_eq!(
        body,
        json!({
            "firstName": "Vernon", "lastName": "Bear", "jobTitle": "CEO", "gender": "male",
            "emails": [{"type": "work", "value": "vernon@acme.test"}],
            "phones": [{"type": "mobile", "value": "+1 555 0100"}],
            "chats": [{"type": "skype", "value": "vbear"}],
            "socialProfiles": [{"type": "linkedin", "value": "https://linkedin.com/in/vbear"}],
            "websites": [{"value": "https://acme.test"}],
            "address": {"lines": ["1 Main St"], "city": "Dallas", "state": "TX", "postalCode": "75001", "country": "US"},
            "properties": [{"slug": "plan", "value": "Enterprise"}, {"slug": "seats", "value": 12}]
        })
    );
    let c = h.ok("get_customer", json!({"customer_id": id})).await;
    assert_eq!(c["emails"][0]["value"], "vernon@acme.test");
    assert_eq!(c["address"]["postalCode"], "75001");
    assert_eq!(c["properties"][0]["value"], "Enterprise");

    // Bad input is refused before anything reaches Help Scout.
    h.fake.clear_requests();
    for (args, field) in [
        (
            json!({"first_name": "X", "emails": [{"type": "work", "value": "not-an-email"}]}),
            "emails[0].value",
        ),
        (json!({"first_name": "X", "emails": ["x@acme.test"]}), "emails[0]"),
        (
            json!({"first_name": "X", "phones": [{"type": "car", "value": "1"}]}),
            "phones[0].type",
        ),
        (json!({"first_name": "X".repeat(41)}), "first_name"),
        (json!({"job_title": "CEO"}), "first_name"),
        (
            json!({"first_name": "X", "address": {"country": "Texas"}}),
            "address.country",
        ),
        (
            json!({"first_name": "X", "properties": [{"slug": "no/slash", "value": 1}]}),
            "properties[0].slug",
        ),
    ] {
        let text = h.err("create_customer", args).await;
        assert!(text.contains(&format!("`{field}`")), "{field}: {text}");
    }
    assert!(h.writes().is_empty());

    // What only Help Scout knows comes back as its field error.
    let text = h
        .err(
            "create_customer",
            json!({"first_name": "X", "properties": [{"slug": "plan", "value": "Platinum"}]}),
        )
        .await;
    assert!(
        text.contains("HTTP 400") && text.contains("properties[0].value"),
        "{text}"
    );
}

#[tokio::test]
async fn overwrite_nulls_what_is_left_out() {
    let h = Harness::new(AccessLevel::Full).await;
    let tool = h
        .tools()
        .await
        .into_iter()
        .find(|t| t.name == "overwrite_customer")
        .unwrap();
    assert!(tool.description.unwrap().contains("set to null"));

    h.fake.clear_requests();
    let out = h
        .ok(
            "overwrite_customer",
            json!({"customer_id": ids::CUSTOMER_ID, "first_name": "Maria", "last_name": "Gonzalez-Ruiz",
                   "organization": "BrightPath"}),
        )
        .await;
    assert_eq!(out["overwritten"], true);
    let body = write_of(&h, "PUT", &customer_path(ids::CUSTOMER_ID));
    assert_eq!(
        body,
        json!({"firstName": "Maria", "lastName": "Gonzalez-Ruiz", "organization": "BrightPath"})
    );
    let c = h.ok("get_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    assert_eq!(c["lastName"], "Gonzalez-Ruiz");
    assert!(
        c.get("jobTitle").is_none(),
        "the job title was not sent, so it is gone: {c}"
    );
    assert_eq!(c["emails"][0]["value"], ids::CUSTOMER_EMAIL, "entries are kept");

    h.fake.clear_requests();
    let text = h
        .err("overwrite_customer", json!({"customer_id": ids::CUSTOMER_ID}))
        .await;
    assert!(text.contains("update_customer"), "{text}");
    assert!(h.writes().is_empty());

    // Destructive: not offered below full access.
    let writer = Harness::new(AccessLevel::Write).await;
    assert!(writer.tools().await.iter().all(|t| t.name != "overwrite_customer"));
}

#[tokio::test]
async fn update_sends_a_patch_array() {
    let h = Harness::new(AccessLevel::Write).await;
    h.fake.clear_requests();
    let out = h
        .ok(
            "update_customer",
            json!({
                "customer_id": ids::CUSTOMER_ID,
                "job_title": "COO",
                "clear": ["background", "location"],
                "add_emails": [{"type": "other", "value": "maria@personal.test"}],
                "add_websites": [{"value": "https://maria.test"}],
                "remove_entries": [{"collection": "emails", "id": ids::CUSTOMER_HOME_EMAIL_ID},
                                   {"collection": "social_profiles", "id": ids::CUSTOMER_SOCIAL_PROFILE_ID}]
            }),
        )
        .await;
    assert_eq!(out["operations"], 7);
    let body = write_of(&h, "PATCH", &customer_path(ids::CUSTOMER_ID));
    assert_eq!(
        body,
        json!([
            {"op": "replace", "path": "/jobTitle", "value": "COO"},
            {"op": "remove", "path": "/background"},
            {"op": "remove", "path": "/location"},
            {"op": "add", "path": "/emails", "value": {"type": "other", "value": "maria@personal.test"}},
            {"op": "add", "path": "/websites", "value": {"value": "https://maria.test"}},
            {"op": "remove", "path": format!("/emails/{}", ids::CUSTOMER_HOME_EMAIL_ID)},
            {"op": "remove", "path": format!("/socialProfiles/{}", ids::CUSTOMER_SOCIAL_PROFILE_ID)}
        ])
    );
    let c = h.ok("get_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    assert_eq!(c["jobTitle"], "COO");
    assert!(c.get("location").is_none() && c.get("socialProfiles").is_none(), "{c}");
    let emails: Vec<&str> = c["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["value"].as_str().unwrap())
        .collect();
    assert_eq!(emails, [ids::CUSTOMER_EMAIL, "maria@personal.test"]);
    assert_eq!(c["firstName"], "Maria", "fields not named are kept");

    // Nothing to do, and a stale entry id, are both clear errors.
    let text = h.err("update_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    assert!(text.contains("nothing to change"), "{text}");
    let text = h
        .err(
            "update_customer",
            json!({"customer_id": ids::CUSTOMER_ID, "remove_entries": [{"collection": "phones", "id": 1}]}),
        )
        .await;
    assert!(text.contains("HTTP 400") && text.contains("[0].path"), "{text}");
}

#[tokio::test]
async fn delete_is_a_permanent_gdpr_erasure() {
    let h = Harness::new(AccessLevel::Full).await;
    let tool = h
        .tools()
        .await
        .into_iter()
        .find(|t| t.name == "delete_customer")
        .unwrap();
    let description = tool.description.unwrap();
    assert!(
        description.contains("GDPR") && description.contains("conversations"),
        "{description}"
    );

    h.fake.clear_requests();
    let out = h.ok("delete_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    assert_eq!(out, json!({"deleted": true, "customerId": ids::CUSTOMER_ID}));
    write_of(&h, "DELETE", &customer_path(ids::CUSTOMER_ID));
    let text = h.err("get_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    assert!(text.contains("HTTP 404"), "{text}");
    let text = h.err("delete_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    assert!(text.contains("HTTP 404"), "{text}");
}

#[tokio::test]
async fn address_lifecycle() {
    let h = Harness::new(AccessLevel::Full).await;
    let path = format!("/v2/customers/{}/address", ids::NO_ADDRESS_CUSTOMER_ID);
    let customer = json!({"customer_id": ids::NO_ADDRESS_CUSTOMER_ID});
    let text = h.err("get_customer_address", customer.clone()).await;
    assert!(
        text.contains("no address") && text.contains("create_customer_address"),
        "{text}"
    );

    h.fake.clear_requests();
    let out = h
        .ok(
            "create_customer_address",
            json!({"customer_id": ids::NO_ADDRESS_CUSTOMER_ID, "lines": ["12 Harbour Rd"], "city": "Leith",
                   "postal_code": "EH6 6JJ", "country": "gb"}),
        )
        .await;
    assert_eq!(out["created"], true);
    assert_eq!(
        write_of(&h, "POST", &path),
        json!({"lines": ["12 Harbour Rd"], "city": "Leith", "postalCode": "EH6 6JJ", "country": "GB"})
    );
    let address = h.ok("get_customer_address", customer.clone()).await;
    assert_compact(&address);
    assert_eq!(
        address,
        json!({"lines": ["12 Harbour Rd"], "city": "Leith", "postalCode": "EH6 6JJ", "country": "GB"})
    );
    let text = h
        .err(
            "create_customer_address",
            json!({"customer_id": ids::NO_ADDRESS_CUSTOMER_ID, "city": "Leith"}),
        )
        .await;
    assert!(text.contains("HTTP 400"), "{text}");

    h.fake.clear_requests();
    h.ok(
        "update_customer_address",
        json!({"customer_id": ids::NO_ADDRESS_CUSTOMER_ID, "city": "Edinburgh", "country": "GB"}),
    )
    .await;
    assert_eq!(
        write_of(&h, "PUT", &path),
        json!({"city": "Edinburgh", "country": "GB"})
    );
    let address = h.ok("get_customer_address", customer.clone()).await;
    assert_eq!(
        address,
        json!({"city": "Edinburgh", "country": "GB"}),
        "PUT replaces the whole address"
    );

    h.fake.clear_requests();
    h.ok("delete_customer_address", customer.clone()).await;
    write_of(&h, "DELETE", &path);
    assert!(h.err("get_customer_address", customer).await.contains("no address"));

    let text = h
        .err("create_customer_address", json!({"customer_id": ids::CUSTOMER_ID}))
        .await;
    assert!(text.contains("at least one"), "{text}");
}

/// The tools `entry_lifecycle` drives, spelled out so that tests/suite/contract.rs's
/// coverage check can see them; `entry_tool` refuses any name not listed here.
const ENTRY_TOOLS: &[&str] = &[
    "list_customer_emails",
    "create_customer_email",
    "update_customer_email",
    "delete_customer_email",
    "list_customer_phones",
    "create_customer_phone",
    "update_customer_phone",
    "delete_customer_phone",
    "list_customer_chats",
    "create_customer_chat",
    "update_customer_chat",
    "delete_customer_chat",
    "list_customer_social_profiles",
    "create_customer_social_profile",
    "update_customer_social_profile",
    "delete_customer_social_profile",
    "list_customer_websites",
    "create_customer_website",
    "update_customer_website",
    "delete_customer_website",
];

fn entry_tool(name: String) -> String {
    assert!(
        ENTRY_TOOLS.contains(&name.as_str()),
        "{name} is missing from ENTRY_TOOLS"
    );
    name
}

/// One entry collection end to end: list, add, replace, delete.
async fn entry_lifecycle(h: &Harness, collection: &str, segment: &str, id_field: &str, new: Value, changed: Value) {
    let customer = json!({"customer_id": ids::CUSTOMER_ID});
    let list_key = if collection == "social_profile" {
        "socialProfiles".to_string()
    } else {
        format!("{collection}s")
    };
    let list = h
        .ok(&entry_tool(format!("list_customer_{collection}s")), customer.clone())
        .await;
    assert_compact(&list);
    let before = items(&list, &list_key).len();
    assert!(before >= 1, "{collection}: {list}");
    assert_eq!(list["total"], before);

    let base = format!("/v2/customers/{}/{segment}", ids::CUSTOMER_ID);
    h.fake.clear_requests();
    let mut args = new.clone();
    args["customer_id"] = json!(ids::CUSTOMER_ID);
    let created = h.ok(&entry_tool(format!("create_customer_{collection}")), args).await;
    let id = created["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("{collection}: {created}"));
    assert_eq!(write_of(h, "POST", &base), new, "{collection}");
    let list = h
        .ok(&entry_tool(format!("list_customer_{collection}s")), customer.clone())
        .await;
    let entry = items(&list, &list_key).iter().find(|e| e["id"] == id).cloned().unwrap();
    assert_eq!(entry["value"], new["value"]);

    h.fake.clear_requests();
    let mut args = changed.clone();
    args["customer_id"] = json!(ids::CUSTOMER_ID);
    args[id_field] = json!(id);
    let out = h.ok(&entry_tool(format!("update_customer_{collection}")), args).await;
    assert_eq!(out["updated"], true);
    assert_eq!(write_of(h, "PUT", &format!("{base}/{id}")), changed, "{collection}");
    let list = h
        .ok(&entry_tool(format!("list_customer_{collection}s")), customer.clone())
        .await;
    let entry = items(&list, &list_key).iter().find(|e| e["id"] == id).cloned().unwrap();
    assert_eq!(entry["value"], changed["value"]);

    h.fake.clear_requests();
    let delete = json!({"customer_id": ids::CUSTOMER_ID, id_field: id});
    h.ok(&entry_tool(format!("delete_customer_{collection}")), delete.clone())
        .await;
    write_of(h, "DELETE", &format!("{base}/{id}"));
    let list = h
        .ok(&entry_tool(format!("list_customer_{collection}s")), customer)
        .await;
    assert_eq!(items(&list, &list_key).len(), before);
    let text = h
        .err(&entry_tool(format!("delete_customer_{collection}")), delete)
        .await;
    assert!(text.contains("HTTP 404"), "{text}");
}

#[tokio::test]
async fn entry_collections_lifecycle() {
    let h = Harness::new(AccessLevel::Full).await;
    entry_lifecycle(
        &h,
        "email",
        "emails",
        "email_id",
        json!({"type": "home", "value": "maria@home.test"}),
        json!({"type": "other", "value": "maria@other.test"}),
    )
    .await;
    entry_lifecycle(
        &h,
        "phone",
        "phones",
        "phone_id",
        json!({"type": "mobile", "value": "+1 512 555 0199"}),
        json!({"type": "fax", "value": "+1 512 555 0198"}),
    )
    .await;
    entry_lifecycle(
        &h,
        "chat",
        "chats",
        "chat_id",
        json!({"type": "xmpp", "value": "maria@jabber.test"}),
        json!({"type": "qq", "value": "123456"}),
    )
    .await;
    entry_lifecycle(
        &h,
        "social_profile",
        "social-profiles",
        "social_profile_id",
        json!({"type": "linkedin", "value": "https://linkedin.com/in/maria"}),
        json!({"type": "youtube", "value": "https://youtube.com/@maria"}),
    )
    .await;
    entry_lifecycle(
        &h,
        "website",
        "websites",
        "website_id",
        json!({"value": "https://maria.test"}),
        json!({"value": "https://maria.example"}),
    )
    .await;

    // Values and types are checked before sending.
    h.fake.clear_requests();
    let text = h
        .err(
            "create_customer_email",
            json!({"customer_id": ids::CUSTOMER_ID, "type": "work", "value": "maria at home"}),
        )
        .await;
    assert!(text.contains("`value`"), "{text}");
    let text = h
        .err(
            "create_customer_chat",
            json!({"customer_id": ids::CUSTOMER_ID, "type": "whatsapp", "value": "m"}),
        )
        .await;
    assert!(text.contains("`type`"), "{text}");
    let text = h
        .err(
            "create_customer_website",
            json!({"customer_id": ids::CUSTOMER_ID, "value": "not a url"}),
        )
        .await;
    assert!(text.contains("`value`"), "{text}");
    assert!(h.writes().is_empty());
    let text = h
        .err(
            "update_customer_phone",
            json!({"customer_id": ids::CUSTOMER_ID, "phone_id": 1, "type": "work", "value": "1"}),
        )
        .await;
    assert!(text.contains("HTTP 404"), "{text}");
}

#[tokio::test]
async fn sets_and_clears_property_values() {
    let h = Harness::new(AccessLevel::Write).await;
    h.fake.clear_requests();
    let out = h
        .ok(
            "update_customer_properties",
            json!({"customer_id": ids::CUSTOMER_ID,
                   "set": [{"slug": "plan", "value": ids::PLAN_ENTERPRISE_OPTION_ID}, {"slug": "seats", "value": 40},
                           {"slug": "renewal-date", "value": "2027-06-30"}],
                   "clear": ["account-manager"]}),
        )
        .await;
    assert_eq!(out["operations"], 4);
    let body = write_of(&h, "PATCH", &format!("/v2/customers/{}/properties", ids::CUSTOMER_ID));
    assert_eq!(
        body,
        json!([
            {"op": "replace", "path": "/plan", "value": ids::PLAN_ENTERPRISE_OPTION_ID},
            {"op": "replace", "path": "/seats", "value": 40},
            {"op": "replace", "path": "/renewal-date", "value": "2027-06-30"},
            {"op": "remove", "path": "/account-manager"}
        ])
    );
    let c = h.ok("get_customer", json!({"customer_id": ids::CUSTOMER_ID})).await;
    let props = c["properties"].as_array().unwrap();
    let value = |slug: &str| props.iter().find(|p| p["slug"] == slug).map(|p| p["value"].clone());
    assert_eq!(value("plan"), Some(json!("Enterprise")));
    assert_eq!(value("seats"), Some(json!("40")));
    assert_eq!(value("account-manager"), None);

    let text = h
        .err(
            "update_customer_properties",
            json!({"customer_id": ids::CUSTOMER_ID, "set": [{"slug": "renewal-date", "value": "30/06/2027"}]}),
        )
        .await;
    assert!(text.contains("HTTP 400") && text.contains("YYYY-MM-DD"), "{text}");
    let text = h
        .err("update_customer_properties", json!({"customer_id": ids::CUSTOMER_ID}))
        .await;
    assert!(text.contains("nothing to change"), "{text}");
}

#[tokio::test]
async fn property_definitions_lifecycle() {
    let h = Harness::new(AccessLevel::Full).await;
    let list = h.ok("list_customer_property_definitions", json!({})).await;
    assert_compact(&list);
    let defs = items(&list, "definitions");
    let slugs: Vec<&str> = defs.iter().map(|d| d["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ids::CUSTOMER_PROPERTY_SLUGS);
    assert_eq!(list["total"], 5);
    assert!(list.get("next").is_none());
    assert_eq!(
        defs[0]["options"][2],
        json!({"id": ids::PLAN_ENTERPRISE_OPTION_ID, "label": "Enterprise"})
    );

    h.fake.clear_requests();
    let out = h
        .ok(
            "create_customer_property_definition",
            json!({"type": "dropdown", "slug": "tier", "name": "Tier", "options": ["Gold", "Silver"]}),
        )
        .await;
    assert_eq!(out, json!({"created": true, "slug": "tier"}));
    assert_eq!(
        write_of(&h, "POST", "/v2/customer-properties"),
        json!({"type": "dropdown", "slug": "tier", "name": "Tier", "options": [{"label": "Gold"}, {"label": "Silver"}]})
    );
    let list = h.ok("list_customer_property_definitions", json!({})).await;
    let tier = items(&list, "definitions")
        .iter()
        .find(|d| d["slug"] == "tier")
        .cloned()
        .unwrap();
    assert_eq!(tier["options"].as_array().unwrap().len(), 2);

    let text = h
        .err(
            "create_customer_property_definition",
            json!({"type": "text", "slug": "company", "name": "Company"}),
        )
        .await;
    assert!(text.contains("reserved"), "{text}");
    let text = h
        .err(
            "create_customer_property_definition",
            json!({"type": "text", "slug": "tier", "name": "Again"}),
        )
        .await;
    assert!(text.contains("HTTP 400") && text.contains("unique"), "{text}");

    h.fake.clear_requests();
    let out = h
        .ok("delete_customer_property_definition", json!({"slug": "tier"}))
        .await;
    assert_eq!(out, json!({"deleted": true, "slug": "tier"}));
    write_of(&h, "DELETE", "/v2/customer-properties/tier");
    let text = h
        .err("delete_customer_property_definition", json!({"slug": "tier"}))
        .await;
    assert!(text.contains("HTTP 404"), "{text}");
}

#[tokio::test]
async fn read_access_sees_only_the_read_tools() {
    let h = Harness::new(AccessLevel::Read).await;
    let names: Vec<String> = h
        .tools()
        .await
        .into_iter()
        .map(|t| t.name.to_string())
        .filter(|n| n.contains("customer"))
        .collect();
    for read in [
        "list_customers",
        "list_customers_v3",
        "get_customer",
        "get_customer_address",
        "list_customer_emails",
        "list_customer_property_definitions",
    ] {
        assert!(names.iter().any(|n| n == read), "{read} missing");
    }
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with("create_") && !n.starts_with("delete_")),
        "{names:?}"
    );
    let text = h.err("create_customer", json!({"first_name": "X"})).await;
    assert!(text.contains("write"), "{text}");
    assert!(h.writes().is_empty());
}
