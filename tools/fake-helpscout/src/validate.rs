//! Request-body validation that collects Help Scout style field errors
//! (`_embedded.errors[{path,message,rejectedValue,source}]`, catalogue 4.4).

use chrono::{DateTime, Datelike, Utc};
use serde_json::{Map, Value};

use crate::hal::{ApiError, ApiResult, FieldError};
use crate::state::Time;

/// A JSON object under validation.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
    errors: Vec<FieldError>,
}

impl<'a> Obj<'a> {
    /// `value` must be a JSON object; anything else is a 400 naming `what`.
    pub(crate) fn new(value: &'a Value, what: &str) -> ApiResult<Obj<'a>> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                prefix: String::new(),
                errors: Vec::new(),
            }),
            other => Err(ApiError::invalid(what, "must be a JSON object", truncate_value(other))),
        }
    }

    /// A nested object validated with paths prefixed by `prefix`.
    pub(crate) fn nested(value: &'a Value, prefix: String) -> Option<Obj<'a>> {
        value.as_object().map(|map| Obj {
            map,
            prefix,
            errors: Vec::new(),
        })
    }

    pub(crate) fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    /// The value, treating JSON null as absent.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Present, even if null.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    pub(crate) fn error(&mut self, key: &str, message: &str, rejected: Value) {
        let path = self.path(key);
        self.errors.push(FieldError {
            path,
            message: message.to_string(),
            rejected,
        });
    }

    pub(crate) fn absorb(&mut self, other: Obj<'_>) {
        self.errors.extend(other.errors);
    }

    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// A required, non-blank string.
    pub(crate) fn req_str(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            None => {
                self.error(key, "may not be empty", Value::Null);
                None
            }
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(other) => {
                self.error(key, "may not be empty", other.clone());
                None
            }
        }
    }

    pub(crate) fn opt_str(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.error(key, "must be a string", other.clone());
                None
            }
        }
    }

    pub(crate) fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.error(key, "must be a boolean", other.clone());
                None
            }
        }
    }

    pub(crate) fn req_bool(&mut self, key: &str) -> Option<bool> {
        if self.get(key).is_none() {
            self.error(key, "may not be null", Value::Null);
            return None;
        }
        self.opt_bool(key)
    }

    pub(crate) fn opt_u64(&mut self, key: &str) -> Option<u64> {
        match self.get(key) {
            None => None,
            Some(v) => match v.as_u64() {
                Some(n) => Some(n),
                None => {
                    self.error(key, "must be a positive integer", v.clone());
                    None
                }
            },
        }
    }

    pub(crate) fn req_u64(&mut self, key: &str) -> Option<u64> {
        if self.get(key).is_none() {
            self.error(key, "may not be null", Value::Null);
            return None;
        }
        self.opt_u64(key)
    }

    /// An optional array of strings (cc, bcc, tags).
    pub(crate) fn opt_str_list(&mut self, key: &str) -> Vec<String> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => out.push(s.to_string()),
                        None => self.error(key, "must be an array of strings", item.clone()),
                    }
                }
                out
            }
            Some(other) => {
                self.error(key, "must be an array", other.clone());
                Vec::new()
            }
        }
    }

    /// An optional list of email addresses.
    pub(crate) fn opt_email_list(&mut self, key: &str) -> Vec<String> {
        let list = self.opt_str_list(key);
        for email in &list {
            if !looks_like_email(email) {
                self.error(key, "not a well-formed email address", Value::String(email.clone()));
            }
        }
        list
    }

    /// An optional ISO-8601 timestamp.
    pub(crate) fn opt_time(&mut self, key: &str) -> Option<Time> {
        let raw = self.opt_str(key)?;
        match parse_time(&raw) {
            Some(t) => Some(t),
            None => {
                self.error(key, "must be an ISO 8601 date-time", Value::String(raw));
                None
            }
        }
    }

    /// A required timestamp in the future and not after year 2100
    /// (snooze and schedule; catalogue 4.7).
    pub(crate) fn req_future_time(&mut self, key: &str, now: Time) -> Option<Time> {
        if self.get(key).is_none() {
            self.error(key, "may not be null", Value::Null);
            return None;
        }
        let t = self.opt_time(key)?;
        let raw = Value::String(crate::state::ts(t));
        if t <= now {
            self.error(key, "must be in the future", raw);
            None
        } else if t.year() > 2100 {
            self.error(key, "must not be after year 2100", raw);
            None
        } else {
            Some(t)
        }
    }

    /// Unknown keys are ignored, as Help Scout does.
    pub(crate) fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.errors))
        }
    }
}

pub(crate) fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !s.contains(' ')
        }
        _ => false,
    }
}

/// RFC 3339 / ISO-8601 with an offset, normalised to UTC.
pub(crate) fn parse_time(s: &str) -> Option<Time> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Keep rejected values small in error bodies.
pub(crate) fn truncate_value(v: &Value) -> Value {
    match v {
        Value::Array(_) => Value::String("[...]".into()),
        Value::Object(_) => Value::String("{...}".into()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_errors() {
        let body = json!({"text": " ", "draft": "yes", "cc": ["a@b.co", "nope"]});
        let mut o = Obj::new(&body, "body").unwrap();
        assert!(o.req_str("text").is_none());
        assert!(o.opt_bool("draft").is_none());
        assert_eq!(o.opt_email_list("cc").len(), 2);
        assert_eq!(o.errors.len(), 3);
    }

    #[test]
    fn emails() {
        assert!(looks_like_email("a.b@c.io"));
        assert!(!looks_like_email("a@b"));
        assert!(!looks_like_email("ab.io"));
    }
}
