//! Masks customer personal data in tool output for profiles with `redact = [...]`.
//!
//! Structured fields are masked by name, and free text (thread bodies, notes, email
//! sources) is scanned for email addresses and phone numbers, because customers write
//! them into messages and signatures. Names are masked where the data says it is a
//! customer; names inside free text cannot be found reliably and are left alone.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use crate::policy::Redact;

pub const EMAIL_MASK: &str = "[email redacted]";
pub const PHONE_MASK: &str = "[phone redacted]";
pub const NAME_MASK: &str = "[name redacted]";

static EMAIL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").ok());
/// Candidate phone numbers; `looks_like_phone` filters out dates and plain ids.
static PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\+?\(?\d[\d\s().\-]{5,}\d").ok());
static DATE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}").ok());

const NAME_KEYS: &[&str] = &[
    "first",
    "last",
    "firstName",
    "lastName",
    "fullName",
    "name",
    "first_name",
    "last_name",
];

/// Masks in place. `customer_root` says the value itself is a customer (customer tools).
pub fn redact(value: &mut Value, what: &BTreeSet<Redact>, customer_root: bool) {
    if what.is_empty() {
        return;
    }
    walk(value, what, customer_root);
}

fn walk(value: &mut Value, what: &BTreeSet<Redact>, customer: bool) {
    match value {
        Value::Object(map) => {
            let is_customer = customer || map.get("type").and_then(Value::as_str) == Some("customer");
            for (key, child) in map.iter_mut() {
                if is_customer && what.contains(&Redact::Name) && NAME_KEYS.contains(&key.as_str()) && child.is_string()
                {
                    *child = Value::String(NAME_MASK.into());
                    continue;
                }
                let child_is_customer = key.to_ascii_lowercase().contains("customer");
                walk(
                    child,
                    what,
                    child_is_customer || (is_customer && is_nested_person_data(key)),
                );
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, what, customer)),
        Value::String(text) => {
            if let Some(masked) = mask_text(text, what) {
                *text = masked;
            }
        }
        _ => {}
    }
}

/// Sub-objects of a customer that still describe the customer (not e.g. its mailbox).
fn is_nested_person_data(key: &str) -> bool {
    !matches!(
        key,
        "mailbox" | "assignee" | "createdBy" | "closedBy" | "user" | "tags" | "organization"
    )
}

/// The text with emails and phone numbers masked, or `None` when nothing matched.
pub fn mask_text(text: &str, what: &BTreeSet<Redact>) -> Option<String> {
    let mut out = std::borrow::Cow::Borrowed(text);
    if what.contains(&Redact::Email) {
        if let Some(re) = EMAIL.as_ref() {
            if re.is_match(&out) {
                out = std::borrow::Cow::Owned(re.replace_all(&out, EMAIL_MASK).into_owned());
            }
        }
    }
    if what.contains(&Redact::Phone) {
        if let Some(re) = PHONE.as_ref() {
            let replaced = re.replace_all(&out, |c: &regex::Captures<'_>| mask_phones_in(re, &c[0]));
            if replaced != out {
                out = std::borrow::Cow::Owned(replaced.into_owned());
            }
        }
    }
    match out {
        std::borrow::Cow::Owned(s) => Some(s),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

/// The most space-separated groups one phone number is looked for in.
const MAX_PHONE_WORDS: usize = 6;

/// One candidate run of digits and separators, with the phone numbers in it masked.
/// The run can be longer than one number: a date, an id or a second number may sit
/// next to it, separated only by spaces ("2024-01-15 212-555-0142"), and judging the run
/// as a whole would let the phone through. So when the whole run is not a phone, the
/// spans between its spaces are tried, longest first from each start.
fn mask_phones_in(re: &Regex, candidate: &str) -> String {
    if looks_like_phone(candidate) {
        return PHONE_MASK.to_string();
    }
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in candidate.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, candidate.len()));
    }
    let is_phone =
        |span: &str| re.find(span).is_some_and(|m| m.start() == 0 && m.end() == span.len()) && looks_like_phone(span);
    let mut out = String::with_capacity(candidate.len());
    let (mut copied, mut first) = (0, 0);
    while first < words.len() {
        // A phone has at most a handful of space-separated groups ("+1 (212) 555 01 42");
        // the cap keeps a long run of numbers in a hostile body linear, not cubic.
        let longest = (first..words.len().min(first + MAX_PHONE_WORDS))
            .rev()
            .find(|&last| is_phone(&candidate[words[first].0..words[last].1]));
        match longest {
            Some(last) => {
                out.push_str(&candidate[copied..words[first].0]);
                out.push_str(PHONE_MASK);
                copied = words[last].1;
                first = last + 1;
            }
            None => first += 1,
        }
    }
    out.push_str(&candidate[copied..]);
    out
}

fn looks_like_phone(candidate: &str) -> bool {
    let digits = candidate.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    if DATE
        .as_ref()
        .is_some_and(|re| re.is_match(candidate.trim_start_matches(['(', '+'])))
    {
        return false;
    }
    // A bare run of digits is far more often an id or an order number than a phone.
    let separated = candidate.chars().any(|c| matches!(c, ' ' | '-' | '.' | '(' | ')'));
    candidate.starts_with('+') || (separated && candidate.chars().filter(|c| !c.is_ascii_digit()).count() >= 2)
}

/// Applies redaction to a whole map (helper for callers holding a `Map`).
pub fn redact_map(map: &mut Map<String, Value>, what: &BTreeSet<Redact>, customer_root: bool) {
    for (key, value) in map.iter_mut() {
        let customer = customer_root || key.to_ascii_lowercase().contains("customer");
        redact(value, what, customer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn all() -> BTreeSet<Redact> {
        [Redact::Email, Redact::Phone, Redact::Name].into_iter().collect()
    }

    #[test]
    fn masks_emails_and_phones_in_free_text_but_not_dates_or_ids() {
        let text = "Call me on +1 212-555-0142 or (020) 7946 0321, mail maria.g@brightpath-logistics.com. \
                    Order 12345678 shipped 2026-11-20T10:00:00Z, ticket 2000005.";
        let masked = mask_text(text, &all()).unwrap();
        assert!(
            !masked.contains("555-0142") && !masked.contains("7946") && !masked.contains("brightpath"),
            "{masked}"
        );
        assert!(masked.contains("12345678") && masked.contains("2026-11-20T10:00:00Z") && masked.contains("2000005"));
    }

    #[test]
    fn masks_customer_names_but_not_mailbox_or_agent_names() {
        let mut value = json!({
            "mailbox": {"id": 301, "name": "Support"},
            "primaryCustomer": {"id": 1, "first": "Maria", "last": "Gonzalez", "email": "maria@example.com"},
            "assignee": {"id": 1001, "type": "user", "name": "Alex Morgan"},
            "threads": [{"createdBy": {"type": "customer", "name": "Maria Gonzalez"}, "text": "Hi, maria@example.com here"}]
        });
        redact(&mut value, &all(), false);
        assert_eq!(value["mailbox"]["name"], "Support");
        assert_eq!(value["assignee"]["name"], "Alex Morgan");
        assert_eq!(value["primaryCustomer"]["first"], NAME_MASK);
        assert_eq!(value["primaryCustomer"]["email"], EMAIL_MASK);
        assert_eq!(value["threads"][0]["createdBy"]["name"], NAME_MASK);
        assert_eq!(value["threads"][0]["text"], format!("Hi, {EMAIL_MASK} here"));
    }

    #[test]
    fn a_phone_next_to_a_date_an_id_or_another_phone_is_still_masked() {
        // Found by tests/suite/fuzz_responses.rs: these runs were judged whole and let the phone through.
        for (text, kept) in [
            ("Called 2024-01-15 212-555-0142 today", "2024-01-15"),
            ("Order 123456789 212-555-0142", "123456789"),
            ("Phones: 212-555-0142 212-555-0199", "Phones:"),
            ("ticket 2000005\n+44 20 7946 0321", "2000005"),
        ] {
            let masked = mask_text(text, &all()).unwrap_or_default();
            assert!(
                !masked.contains("555-01") && !masked.contains("7946") && masked.contains(kept),
                "{text:?} -> {masked:?}"
            );
        }
        assert_eq!(
            mask_text("Phones: 212-555-0142 212-555-0199", &all()).as_deref(),
            Some("Phones: [phone redacted] [phone redacted]")
        );
        // Dates and ids alone are still left alone.
        assert_eq!(mask_text("2024-01-15 123456789 2000005", &all()), None);
        // A long run of numbers (a hostile body) stays fast.
        let run = "12 ".repeat(200_000);
        let started = std::time::Instant::now();
        let _ = mask_text(&run, &all());
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn nothing_configured_changes_nothing() {
        let mut value = json!({"email": "a@b.co"});
        redact(&mut value, &BTreeSet::new(), true);
        assert_eq!(value["email"], "a@b.co");
    }
}
