//! Renders tool failures for the model: what went wrong, Help Scout's status and
//! `logRef`, the fields it rejected, and what to do next. Never a raw upstream body.

use rmcp::model::{CallToolResult, ContentBlock};

use crate::helpscout::ApiError;
use crate::registry::ToolError;

pub fn render(tool: &str, error: &ToolError) -> String {
    match error {
        ToolError::InvalidArgument { field, message } => {
            format!("Invalid arguments for {tool}: `{field}`: {message}. Check the tool's input schema.")
        }
        ToolError::Api(api) => render_api(tool, api),
        ToolError::Denied(reason) => reason.clone(),
        ToolError::Failed(reason) => reason.clone(),
    }
}

fn render_api(tool: &str, error: &ApiError) -> String {
    match error {
        ApiError::Status { status, message, log_ref, field_errors, location, retry_after } => {
            let mut text = format!("Help Scout returned HTTP {status}: {message}");
            if let Some(log_ref) = log_ref {
                text.push_str(&format!(" (logRef {log_ref})"));
            }
            for field in field_errors {
                if field.path.is_empty() {
                    text.push_str(&format!("\n- {}", field.message));
                } else {
                    text.push_str(&format!("\n- {}: {}", field.path, field.message));
                }
            }
            if let Some(hint) = status_hint(tool, *status, location.as_deref(), *retry_after) {
                text.push('\n');
                text.push_str(&hint);
            }
            text
        }
        ApiError::Timeout(after) => format!(
            "Help Scout did not answer within {}s. If this was a write, check whether it was applied before repeating it.",
            after.as_secs()
        ),
        ApiError::Network(reason) => format!(
            "The connection to Help Scout failed ({reason}). If this was a write, check whether it was applied before repeating it."
        ),
        other => other.to_string(),
    }
}

fn status_hint(
    tool: &str,
    status: u16,
    location: Option<&str>,
    retry_after: Option<std::time::Duration>,
) -> Option<String> {
    match status {
        301 => Some(match location.and_then(|l| l.rsplit('/').next()) {
            Some(id) => format!("The conversation was merged into conversation {id}; use that id."),
            None => "The resource moved (merged conversation).".to_string(),
        }),
        401 => Some("The Help Scout credentials were rejected; check the app id/secret or token.".into()),
        403 => Some("The Help Scout user behind these credentials lacks permission for this.".into()),
        // Writes to a merged conversation answer 404 (catalogue 4.7).
        404 if tool.contains("conversation") || tool.contains("thread") || tool.contains("reply") => Some(
            "Not found. Check the id; if the conversation was merged, get_conversation on the old id names the new one."
                .into(),
        ),
        404 => Some("Not found. Check the id (the list tools show valid ids).".into()),
        412 => Some(
            "The conversation has reached Help Scout's 100-thread limit or is locked; start a new conversation.".into(),
        ),
        423 => Some("Help Scout locked this record (e.g. a customer with very many conversations).".into()),
        429 => Some(match retry_after {
            Some(d) => format!("Help Scout's rate limit was reached; try again in {}s.", d.as_secs()),
            None => "Help Scout's rate limit was reached; try again shortly.".into(),
        }),
        // A 5xx on a POST may come after Help Scout acted on it (the client does not repeat
        // such writes for that reason), so "try again" alone could send a second email.
        s if s >= 500 => Some(
            "Help Scout had a server error; try again later. If this was a write, check whether it was \
             applied before repeating it."
                .into(),
        ),
        _ => None,
    }
}

pub fn call_result(tool: &str, error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(render(tool, error))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> ToolError {
        ToolError::Api(ApiError::Status {
            status,
            message: "Service Unavailable".into(),
            log_ref: Some("abc-123".into()),
            field_errors: Vec::new(),
            location: None,
            retry_after: None,
        })
    }

    #[test]
    fn a_server_error_warns_that_a_write_may_have_been_applied() {
        let text = render("send_reply", &status(503));
        assert!(text.contains("HTTP 503") && text.contains("(logRef abc-123)"), "{text}");
        assert!(
            text.contains("check whether it was applied before repeating it"),
            "{text}"
        );
    }
}
