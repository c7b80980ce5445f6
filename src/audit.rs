//! The audit log (`--audit-log PATH`, JSON Lines, append-only): one line per
//! `tools/call` with who called what, whether the policy allowed it and which rule
//! decided, and what Help Scout answered.
//!
//! Arguments are recorded for review, but message bodies and personal data never are:
//! only ids, numbers, booleans and a short list of known-harmless fields (statuses,
//! sort orders, types) keep their value; every other string becomes its length and a
//! SHA-256 prefix, so two calls with the same text can still be matched up.
//! No token or secret is ever written.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// Argument names whose string values are safe to record as they are.
const PLAIN_KEYS: &[&str] = &[
    "status",
    "state",
    "type",
    "types",
    "sort_field",
    "sort_order",
    "sort",
    "view_by",
    "mime_type",
    "assignment_method",
    "op",
    "events",
    "payload_version",
    "cursor",
    "embed",
    "folder",
    "modified_since",
    "created_since",
    "start",
    "end",
    "previous_start",
    "previous_end",
    "snoozed_until",
    "scheduled_for",
    "site_id",
    "collection_id",
    "category_id",
    "article_id",
    "article_id_or_number",
    "category_id_or_number",
    "collection_id_or_number",
    "revision_id",
    "redirect_id",
    "chat_id",
    "slug",
    "status_filter",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allowed,
    Denied,
}

/// What happened after the policy allowed a call.
#[derive(Debug, Clone, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// `ok`, `error` (Help Scout or the tool refused) or `cancelled`.
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_ref: Option<String>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry<'a> {
    pub time: String,
    pub profile: &'a str,
    pub tool: &'a str,
    pub arguments: Value,
    pub decision: Decision,
    /// The rule that decided a denial (`access`, `deny`, `mailbox`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

pub struct AuditLog {
    file: Mutex<File>,
}

impl AuditLog {
    pub fn open(path: &Path) -> Result<Self, String> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open the audit log {}: {e}", path.display()))?;
        Ok(Self { file: Mutex::new(file) })
    }

    /// Appends one line. A failing audit write is logged, never fatal to the call:
    /// the call has already happened by the time its outcome is known.
    pub fn record(&self, entry: &Entry<'_>) {
        let mut line = match serde_json::to_vec(entry) {
            Ok(line) => line,
            Err(e) => {
                tracing::error!(error = %e, "cannot serialise an audit entry");
                return;
            }
        };
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        // One write of the whole line: O_APPEND keeps concurrent lines whole.
        if let Err(e) = file.write_all(&line).and_then(|()| file.flush()) {
            tracing::error!(error = %e, "cannot write to the audit log");
        }
    }
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The arguments as recorded: ids and harmless values kept, text replaced.
pub fn sanitize(arguments: &Value) -> Value {
    sanitize_at(None, arguments)
}

fn sanitize_at(key: Option<&str>, value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), sanitize_at(Some(k), v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| sanitize_at(key, v)).collect()),
        Value::String(text) => {
            let plain = key.is_some_and(|k| PLAIN_KEYS.contains(&k) || k.ends_with("_id") || k.ends_with("_ids"));
            if plain && text.len() <= 64 {
                value.clone()
            } else {
                fingerprint(text)
            }
        }
        other => other.clone(),
    }
}

fn fingerprint(text: &str) -> Value {
    let digest = Sha256::digest(text.as_bytes());
    let prefix: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    json!({"length": text.chars().count(), "sha256": prefix})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ids_and_enums_and_hides_text_and_personal_data() {
        let args = json!({
            "conversation_id": 42,
            "status": "closed",
            "text": "Hi Maria, your refund is on its way.",
            "customer": {"email": "maria@example.com", "first_name": "Maria"},
            "tags": ["vip"],
            "draft": true
        });
        let recorded = sanitize(&args);
        assert_eq!(recorded["conversation_id"], 42);
        assert_eq!(recorded["status"], "closed");
        assert_eq!(recorded["draft"], true);
        assert_eq!(recorded["text"]["length"], 36);
        assert_eq!(recorded["text"]["sha256"].as_str().map(str::len), Some(12));
        let text = recorded.to_string();
        for secret in ["Maria", "maria@example.com", "refund", "vip"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }

    #[test]
    fn appends_one_json_line_per_entry() {
        let dir = std::env::temp_dir().join(format!("hs-audit-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        let log = AuditLog::open(&dir).unwrap();
        for tool in ["a", "b"] {
            log.record(&Entry {
                time: now(),
                profile: "p",
                tool,
                arguments: json!({}),
                decision: Decision::Denied,
                rule: Some("access"),
                outcome: None,
            });
        }
        let text = std::fs::read_to_string(&dir).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["tool"], "b");
        assert_eq!(lines[1]["decision"], "denied");
        let _ = std::fs::remove_file(&dir);
    }
}
