//! Query parameters of the report endpoints, validated the way Help Scout does
//! (catalogue 4.10): `start`/`end` required, ISO 8601 UTC without
//! milliseconds; comma-separated id lists; `viewBy` limits; `rows` <= 50.

use chrono::{DateTime, Months, TimeDelta, Utc};
use serde_json::Value;

use crate::hal::{page_param, ApiError, ApiResult};
use crate::routes::Req;
use crate::state::Time;

/// A reporting range, both ends inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: Time,
    pub(crate) end: Time,
}

impl Window {
    pub(crate) fn contains(&self, t: Time) -> bool {
        self.start <= t && t <= self.end
    }

    pub(crate) fn days(&self) -> f64 {
        ((self.end - self.start).num_seconds() as f64 / 86_400.0).max(1.0 / 24.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ViewBy {
    Day,
    Week,
    Month,
}

/// The conversation filters every conversation report takes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filters {
    pub(crate) mailboxes: Vec<u64>,
    pub(crate) tags: Vec<u64>,
    pub(crate) folders: Vec<u64>,
    pub(crate) types: Vec<String>,
}

/// What a report request asked for.
#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub(crate) current: Window,
    pub(crate) previous: Option<Window>,
    pub(crate) filters: Filters,
}

fn invalid(name: &str, message: &str, raw: &str) -> ApiError {
    ApiError::invalid(name, message, Value::String(raw.to_string()))
}

/// `yyyy-MM-dd'T'HH:mm:ss'Z'`; fractional seconds are rejected (catalogue 4.10).
fn time(req: &Req, name: &str) -> ApiResult<Option<Time>> {
    let Some(raw) = req.q(name).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        invalid(
            name,
            "must be an ISO 8601 date-time in UTC formatted yyyy-MM-dd'T'HH:mm:ss'Z'",
            raw,
        )
    };
    if raw.contains('.') {
        return Err(bad());
    }
    DateTime::parse_from_rfc3339(raw)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| bad())
}

fn window(req: &Req, start: &str, end: &str) -> ApiResult<Option<Window>> {
    match (time(req, start)?, time(req, end)?) {
        (Some(s), Some(e)) if e > s => Ok(Some(Window { start: s, end: e })),
        (Some(_), Some(_)) => Err(invalid(
            end,
            &format!("must be after {start}"),
            req.q(end).unwrap_or(""),
        )),
        (None, None) => Ok(None),
        (None, Some(_)) => Err(ApiError::invalid(start, "may not be null", Value::Null)),
        (Some(_), None) => Err(ApiError::invalid(end, "may not be null", Value::Null)),
    }
}

/// A comma-separated list of ids (`mailboxes=1,2`).
fn id_list(req: &Req, name: &str) -> ApiResult<Vec<u64>> {
    let Some(raw) = req.q(name).filter(|v| !v.is_empty()) else {
        return Ok(Vec::new());
    };
    raw.split(',')
        .map(|part| {
            part.trim()
                .parse::<u64>()
                .map_err(|_| invalid(name, "must be a comma-separated list of ids", raw))
        })
        .collect()
}

/// One value out of `allowed`, or absent.
pub(crate) fn one_of<'a>(req: &'a Req, name: &str, allowed: &[&str]) -> ApiResult<Option<&'a str>> {
    match req.q(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v)),
        Some(v) => Err(invalid(name, &format!("must be one of {}", allowed.join(", ")), v)),
    }
}

pub(crate) fn number(req: &Req, name: &str) -> ApiResult<Option<u64>> {
    match req.q(name).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<u64>()
            .map(Some)
            .map_err(|_| invalid(name, "must be a positive integer", v)),
    }
}

pub(crate) fn required_number(req: &Req, name: &str) -> ApiResult<u64> {
    number(req, name)?.ok_or_else(|| ApiError::invalid(name, "may not be null", Value::Null))
}

/// `officeHours`: accepted and validated; the seeded account has no office hours,
/// so Help Scout's fallback applies (times are not adjusted).
pub(crate) fn office_hours(req: &Req) -> ApiResult<()> {
    one_of(req, "officeHours", &["true", "false", "1", "0"]).map(|_| ())
}

impl Params {
    pub(crate) fn parse(req: &Req) -> ApiResult<Params> {
        let current = window(req, "start", "end")?.ok_or_else(|| {
            let missing = if req.q("start").is_some_and(|v| !v.is_empty()) {
                "end"
            } else {
                "start"
            };
            ApiError::invalid(missing, "may not be null", Value::Null)
        })?;
        let previous = window(req, "previousStart", "previousEnd")?;
        let types: Vec<String> = match req.q("types").filter(|v| !v.is_empty()) {
            None => Vec::new(),
            Some(raw) => raw
                .split(',')
                .map(|t| match t.trim() {
                    t @ ("email" | "chat" | "phone") => Ok(t.to_string()),
                    _ => Err(invalid("types", "must be a list of email, chat, phone", raw)),
                })
                .collect::<ApiResult<_>>()?,
        };
        Ok(Params {
            current,
            previous,
            filters: Filters {
                mailboxes: id_list(req, "mailboxes")?,
                tags: id_list(req, "tags")?,
                folders: id_list(req, "folders")?,
                types,
            },
        })
    }

    /// `viewBy`, checked against the range (catalogue 4.10); absent = the finest allowed.
    pub(crate) fn view_by(&self, req: &Req) -> ApiResult<ViewBy> {
        let span = self.current.end - self.current.start;
        let within_year = self
            .current
            .start
            .checked_add_months(Months::new(12))
            .is_some_and(|limit| self.current.end <= limit);
        let raw = one_of(req, "viewBy", &["day", "week", "month"])?;
        let chosen = match raw {
            Some("day") => ViewBy::Day,
            Some("week") => ViewBy::Week,
            Some(_) => ViewBy::Month,
            None if span <= TimeDelta::days(120) => ViewBy::Day,
            None if within_year => ViewBy::Week,
            None => ViewBy::Month,
        };
        let rejected = match chosen {
            ViewBy::Day if span > TimeDelta::days(120) => Some("day is only allowed for ranges of up to 120 days"),
            ViewBy::Week if !within_year => Some("week is only allowed for ranges of up to 1 year"),
            ViewBy::Month if span < TimeDelta::days(61) => Some("month is only allowed for ranges of at least 61 days"),
            _ => None,
        };
        match rejected {
            Some(message) => Err(invalid("viewBy", message, raw.unwrap_or(""))),
            None => Ok(chosen),
        }
    }
}

/// `page` and `rows` of a drilldown (catalogue 4.3: rows at most 50).
pub(crate) fn page_rows(req: &Req, default_rows: usize) -> ApiResult<(usize, usize)> {
    let page = page_param(req)?;
    let rows = match number(req, "rows")? {
        None => default_rows,
        Some(n @ 1..=50) => n as usize,
        Some(n) => return Err(invalid("rows", "must be between 1 and 50", &n.to_string())),
    };
    Ok((page, rows))
}
