#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end: the `workflows` toolset against the fake Help Scout, including
//! run_workflow's batching and its report of a run that stops half way.

use crate::common;

use std::time::Duration;

use common::{assert_compact, items, last_get, param, single_write, Harness};
use fake_helpscout::ids::{
    AUTOMATIC_WORKFLOW_ID, BILLING_MAILBOX_ID, BILLING_WORKFLOW_ID, ESCALATE_WORKFLOW_ID, INACTIVE_WORKFLOW_ID,
    INVALID_WORKFLOW_ID, SUPPORT_MAILBOX_ID,
};
use fake_helpscout::{Fault, FaultKind, RecordedRequest};
use helpscout_mcp::policy::AccessLevel;
use serde_json::{json, Value};

/// Direct calls to the fake, for setting up and inspecting state.
struct Fake<'a> {
    h: &'a Harness,
    http: reqwest::Client,
    token: String,
}

impl<'a> Fake<'a> {
    fn new(h: &'a Harness) -> Self {
        Fake {
            h,
            http: reqwest::Client::new(),
            token: h.fake.issue_token(),
        }
    }

    async fn get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}{path}", self.h.fake.base_url()))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// `n` conversation ids of a mailbox, creating conversations when the seed has too few.
    async fn conversations_in(&self, mailbox: u64, n: usize) -> Vec<u64> {
        let mut ids = Vec::new();
        for page in 1.. {
            let body = self
                .get(&format!("/v2/conversations?mailbox={mailbox}&status=all&page={page}"))
                .await;
            let batch = body["_embedded"]["conversations"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            ids.extend(batch.iter().map(|c| c["id"].as_u64().unwrap()));
            if batch.is_empty() || body["_links"].get("next").is_none() {
                break;
            }
        }
        let mut k = 0;
        while ids.len() < n {
            k += 1;
            let resp = self
                .http
                .post(format!("{}/v2/conversations", self.h.fake.base_url()))
                .bearer_auth(&self.token)
                .json(&json!({
                    "subject": format!("Bulk question {k}"),
                    "customer": {"email": format!("bulk{k}@example.org")},
                    "mailboxId": mailbox,
                    "type": "email",
                    "status": "active",
                    "threads": [{"type": "customer", "customer": {"email": format!("bulk{k}@example.org")}, "text": "Hello?"}]
                }))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 201);
            let id = resp.headers()["resource-id"].to_str().unwrap().parse().unwrap();
            ids.push(id);
        }
        ids.truncate(n);
        self.h.fake.clear_requests();
        ids
    }

    /// Whether a workflow run left its line item on the conversation.
    async fn workflow_ran_on(&self, conversation: u64) -> bool {
        let body = self.get(&format!("/v2/conversations/{conversation}/threads")).await;
        body["_embedded"]["threads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["type"] == "lineitem" && t["action"]["text"].as_str().unwrap_or("").contains("was run"))
    }
}

fn runs(h: &Harness, workflow: u64) -> Vec<RecordedRequest> {
    h.writes()
        .into_iter()
        .filter(|w| w.path == format!("/v2/workflows/{workflow}/run"))
        .collect()
}

fn sent_ids(run: &RecordedRequest) -> Vec<u64> {
    assert!(
        run.content_type
            .as_deref()
            .unwrap_or("")
            .starts_with("application/json"),
        "{:?}",
        run.content_type
    );
    let body = run.body_json().unwrap();
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    body["conversationIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

/// The JSON array printed after `label` in an error text.
fn ids_after(text: &str, label: &str) -> Vec<u64> {
    let at = text.find(label).unwrap_or_else(|| panic!("no `{label}` in {text}"));
    let rest = &text[at..];
    let open = rest.find('[').unwrap();
    let close = rest.find(']').unwrap();
    serde_json::from_str(&rest[open..=close]).unwrap()
}

#[tokio::test]
async fn lists_workflows_by_mailbox_and_type() {
    let h = Harness::new(AccessLevel::Read).await;
    let all = h.ok("list_workflows", json!({})).await;
    assert_compact(&all);
    assert!(items(&all, "workflows").len() >= 6);

    let manual = h
        .ok(
            "list_workflows",
            json!({"mailbox_id": SUPPORT_MAILBOX_ID, "type": "manual", "page": 1}),
        )
        .await;
    let get = last_get(&h);
    assert_eq!(get.path, "/v2/workflows");
    assert_eq!(param(&get, "mailboxId"), Some(SUPPORT_MAILBOX_ID.to_string()));
    assert_eq!(param(&get, "type").as_deref(), Some("manual"));
    let list = items(&manual, "workflows");
    assert!(list
        .iter()
        .any(|w| w["id"] == ESCALATE_WORKFLOW_ID && w["name"] == "Escalate to Tier 2"));
    assert!(list
        .iter()
        .all(|w| w["type"] == "manual" && w["mailboxId"] == SUPPORT_MAILBOX_ID && w["status"].is_string()));

    let err = h.err("list_workflows", json!({"type": "scheduled"})).await;
    assert!(err.contains("`type`"), "{err}");
}

#[tokio::test]
async fn run_workflow_sends_batches_of_fifty_and_applies_them() {
    let h = Harness::new(AccessLevel::Full).await;
    let fake = Fake::new(&h);
    let mut ids = fake.conversations_in(SUPPORT_MAILBOX_ID, 75).await;
    // A repeated id is run once, not once per occurrence.
    ids.push(ids[3]);
    let out = h
        .ok(
            "run_workflow",
            json!({"workflow_id": ESCALATE_WORKFLOW_ID, "conversation_ids": ids}),
        )
        .await;
    assert_eq!(
        out,
        json!({"workflowId": ESCALATE_WORKFLOW_ID, "ran": true, "conversations": 75, "batches": 2})
    );
    let posts = runs(&h, ESCALATE_WORKFLOW_ID);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    assert!(posts.iter().all(|p| p.method == "POST" && p.status == 204));
    let (first, second) = (sent_ids(&posts[0]), sent_ids(&posts[1]));
    assert_eq!(first.len(), 50);
    assert_eq!(second.len(), 25);
    assert_eq!([first, second].concat(), ids[..75].to_vec());

    // The workflow's actions were applied: tag `escalated`, a line item.
    let conv = fake.get(&format!("/v2/conversations/{}", ids[60])).await;
    assert!(
        conv["tags"].as_array().unwrap().iter().any(|t| t["tag"] == "escalated"),
        "{conv}"
    );
    assert!(fake.workflow_ran_on(ids[0]).await && fake.workflow_ran_on(ids[74]).await);
}

#[tokio::test]
async fn a_rejected_batch_stops_the_run_and_names_what_ran() {
    let h = Harness::new(AccessLevel::Full).await;
    let fake = Fake::new(&h);
    let mut ids = fake.conversations_in(SUPPORT_MAILBOX_ID, 110).await;
    let billing = fake.conversations_in(BILLING_MAILBOX_ID, 1).await;
    // Batch 2 holds a conversation of another inbox: Help Scout rejects that batch (400).
    ids.insert(55, billing[0]);
    assert_eq!(ids.len(), 111);

    let err = h
        .err(
            "run_workflow",
            json!({"workflow_id": ESCALATE_WORKFLOW_ID, "conversation_ids": ids}),
        )
        .await;
    assert!(err.contains("batch 2 of 3") && err.contains("HTTP 400"), "{err}");
    assert!(err.contains("mailbox"), "Help Scout's field error is shown: {err}");
    let ran = ids_after(&err, "Ran on");
    let not_run = ids_after(&err, "Not run on");
    assert_eq!(ran, ids[..50].to_vec());
    assert_eq!(not_run, ids[50..].to_vec());

    // Exactly two requests: the batch that ran and the rejected one; nothing re-sent.
    let posts = runs(&h, ESCALATE_WORKFLOW_ID);
    assert_eq!(posts.iter().map(|p| p.status).collect::<Vec<_>>(), [204, 400]);
    assert!(fake.workflow_ran_on(ids[49]).await);
    assert!(!fake.workflow_ran_on(ids[50]).await && !fake.workflow_ran_on(ids[110]).await);
}

#[tokio::test]
async fn an_ambiguous_failure_is_reported_as_unknown_and_never_resent() {
    let h = Harness::new(AccessLevel::Full).await;
    let fake = Fake::new(&h);
    let ids = fake.conversations_in(SUPPORT_MAILBOX_ID, 120).await;
    // Batch 1 passes (a zero delay consumes the first matching fault); batch 2 is
    // applied but its response never arrives.
    h.fake.inject(Fault::new(FaultKind::Delay(Duration::ZERO)).path("/run"));
    h.fake.inject(Fault::new(FaultKind::DropAfterApply).path("/run"));
    let err = h
        .err(
            "run_workflow",
            json!({"workflow_id": ESCALATE_WORKFLOW_ID, "conversation_ids": ids}),
        )
        .await;
    assert_eq!(ids_after(&err, "Ran on"), ids[..50].to_vec(), "{err}");
    assert_eq!(ids_after(&err, "Unknown for"), ids[50..100].to_vec(), "{err}");
    assert_eq!(ids_after(&err, "Not run on"), ids[100..].to_vec(), "{err}");
    let posts = runs(&h, ESCALATE_WORKFLOW_ID);
    assert_eq!(
        posts.len(),
        2,
        "a POST that may have been applied is never re-sent: {posts:#?}"
    );
    assert!(!fake.workflow_ran_on(ids[100]).await);
}

#[tokio::test]
async fn only_active_manual_workflows_run() {
    let h = Harness::new(AccessLevel::Full).await;
    let fake = Fake::new(&h);
    let ids = fake.conversations_in(SUPPORT_MAILBOX_ID, 2).await;
    for workflow in [AUTOMATIC_WORKFLOW_ID, INACTIVE_WORKFLOW_ID] {
        let err = h
            .err(
                "run_workflow",
                json!({"workflow_id": workflow, "conversation_ids": ids}),
            )
            .await;
        assert!(err.contains("HTTP 400") && err.contains("Ran on: none"), "{err}");
        assert_eq!(ids_after(&err, "Not run on"), ids, "{err}");
    }
    let missing = h
        .err("run_workflow", json!({"workflow_id": 999_999, "conversation_ids": ids}))
        .await;
    assert!(missing.contains("HTTP 404"), "{missing}");
}

#[tokio::test]
async fn run_workflow_checks_the_id_list_before_sending() {
    let h = Harness::new(AccessLevel::Full).await;
    let err = h
        .err(
            "run_workflow",
            json!({"workflow_id": ESCALATE_WORKFLOW_ID, "conversation_ids": []}),
        )
        .await;
    assert!(err.contains("`conversation_ids`"), "{err}");
    let too_many: Vec<u64> = (1..=501).collect();
    let err = h
        .err(
            "run_workflow",
            json!({"workflow_id": ESCALATE_WORKFLOW_ID, "conversation_ids": too_many}),
        )
        .await;
    assert!(err.contains("`conversation_ids`") && err.contains("500"), "{err}");
    assert!(h.writes().is_empty());

    let write_only = Harness::new(AccessLevel::Write).await;
    let names: Vec<String> = write_only
        .tools()
        .await
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    assert!(names.contains(&"update_workflow_status".to_string()));
    assert!(
        !names.contains(&"run_workflow".to_string()),
        "run_workflow is destructive"
    );
}

#[tokio::test]
async fn a_replying_workflow_emails_the_customer() {
    let h = Harness::new(AccessLevel::Full).await;
    let fake = Fake::new(&h);
    let ids = fake.conversations_in(BILLING_MAILBOX_ID, 2).await;
    h.ok(
        "run_workflow",
        json!({"workflow_id": BILLING_WORKFLOW_ID, "conversation_ids": ids}),
    )
    .await;
    let sent: Vec<_> = h
        .fake
        .sent_emails()
        .into_iter()
        .filter(|e| e.via == "workflow")
        .collect();
    assert_eq!(sent.iter().map(|e| e.conversation_id).collect::<Vec<_>>(), ids);
    assert!(sent.iter().all(|e| !e.to.is_empty()));
}

#[tokio::test]
async fn update_workflow_status_sends_one_patch_object() {
    let h = Harness::new(AccessLevel::Write).await;
    let out = h
        .ok(
            "update_workflow_status",
            json!({"workflow_id": ESCALATE_WORKFLOW_ID, "status": "inactive"}),
        )
        .await;
    assert_eq!(
        out,
        json!({"updated": true, "workflowId": ESCALATE_WORKFLOW_ID, "status": "inactive"})
    );
    let patch = single_write(&h);
    assert_eq!(
        (patch.method.as_str(), patch.path.clone(), patch.status),
        ("PATCH", format!("/v2/workflows/{ESCALATE_WORKFLOW_ID}"), 204)
    );
    assert!(patch
        .content_type
        .as_deref()
        .unwrap_or("")
        .starts_with("application/json"));
    assert_eq!(
        patch.body_json(),
        Some(json!({"op": "replace", "path": "/status", "value": "inactive"}))
    );
    let list = h.ok("list_workflows", json!({"mailbox_id": SUPPORT_MAILBOX_ID})).await;
    let escalate = items(&list, "workflows")
        .iter()
        .find(|w| w["id"] == ESCALATE_WORKFLOW_ID)
        .unwrap();
    assert_eq!(escalate["status"], "inactive");

    let err = h
        .err(
            "update_workflow_status",
            json!({"workflow_id": INVALID_WORKFLOW_ID, "status": "active"}),
        )
        .await;
    assert!(err.contains("HTTP 400") && err.contains("invalid"), "{err}");
    let err = h
        .err(
            "update_workflow_status",
            json!({"workflow_id": ESCALATE_WORKFLOW_ID, "status": "paused"}),
        )
        .await;
    assert!(err.contains("`status`"), "{err}");
}
