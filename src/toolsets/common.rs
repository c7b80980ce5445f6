//! Helpers every toolset shares: ids of created resources, Help Scout's date format,
//! enum values on the wire, and the sort direction most list tools take.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::helpscout::ApiResponse;
use crate::output::ToolOutput;
use crate::registry::{ToolError, ToolResult};

/// The serde name of a unit enum value: the string Help Scout expects for it.
pub(crate) fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

/// `{"id": N}` for a 201 whose new id is in `Resource-ID`/`Location` (catalogue 4.5).
pub(crate) fn created_id(response: &ApiResponse, what: &str, list_tool: &str) -> ToolResult {
    match response.resource_id() {
        Some(id) => {
            let id = id.parse::<u64>().map(Value::from).unwrap_or(Value::String(id));
            Ok(ToolOutput::json(json!({ "id": id })))
        }
        None => Err(ToolError::Failed(format!(
            "Help Scout created the {what} but did not say its id; find it with {list_tool} instead of creating it again."
        ))),
    }
}

/// Parses a caller's date-time: RFC 3339 with any offset, or a bare `YYYY-MM-DD`
/// (midnight UTC). Naive times are refused: their zone would be a guess.
pub(crate) fn parse_time(field: &str, input: &str) -> Result<DateTime<Utc>, ToolError> {
    let input = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(input) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(t) = NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(t.and_utc());
    }
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .any(|format| NaiveDateTime::parse_from_str(input, format).is_ok());
    let problem = if naive { "has no zone" } else { "is not a date-time" };
    Err(ToolError::invalid(
        field,
        format!("`{input}` {problem}; expected RFC 3339 with a zone, e.g. 2024-01-15T10:30:00Z or 2024-01-15T11:30:00+01:00"),
    ))
}

/// Help Scout's wire format: UTC, no fractional seconds (catalogue 4.10 - milliseconds
/// are rejected).
pub(crate) fn api_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(headers: &[(&'static str, &'static str)]) -> ApiResponse {
        let mut map = http::HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, http::HeaderValue::from_static(value));
        }
        ApiResponse {
            status: http::StatusCode::CREATED,
            headers: map,
            body: bytes::Bytes::new(),
        }
    }

    #[test]
    fn created_id_reads_the_resource_id_header_as_a_number() {
        let out = created_id(&response(&[("resource-id", "42")]), "saved reply", "list_saved_replies");
        assert_eq!(out.map(|o| o.value).ok(), Some(json!({"id": 42})));
        let from_location = created_id(
            &response(&[("location", "https://api.helpscout.net/v2/mailboxes/1/saved-replies/7")]),
            "saved reply",
            "list_saved_replies",
        );
        assert_eq!(from_location.map(|o| o.value).ok(), Some(json!({"id": 7})));
    }

    #[test]
    fn created_without_an_id_says_not_to_create_again() {
        let Err(error) = created_id(&response(&[]), "saved reply", "list_saved_replies") else {
            panic!("expected an error");
        };
        assert!(error.to_string().contains("list_saved_replies"), "{error}");
    }

    #[test]
    fn times_need_a_zone_and_the_error_says_which_part_is_missing() {
        let utc = parse_time("since", "2026-01-15T11:30:00+01:00").map(api_time);
        assert_eq!(utc.ok().as_deref(), Some("2026-01-15T10:30:00Z"));
        let day = parse_time("since", "2026-01-15").map(api_time);
        assert_eq!(day.ok().as_deref(), Some("2026-01-15T00:00:00Z"));
        for (input, problem) in [
            ("2026-01-15T10:30:00", "has no zone"),
            ("2026-01-15 10:30:00", "has no zone"),
            ("yesterday", "is not a date-time"),
        ] {
            let Err(ToolError::InvalidArgument { field, message }) = parse_time("since", input) else {
                panic!("{input} accepted");
            };
            assert_eq!(field, "since");
            assert!(message.contains(problem), "{input}: {message}");
        }
    }
}
