//! The arguments every report tool shares, which of them each report takes, and their
//! translation into Help Scout's query parameters (catalogue 3 reports_*, 4.3, 4.10).
//!
//! One argument struct serves all 32 report endpoints; the report table says which of
//! its parameter groups an endpoint accepts. The tool's input schema shows only those
//! ([`schema_for`]) and a call that sets any other is refused ([`ReportArgs::query`]),
//! so every tool offers exactly what its endpoint takes.

use std::num::NonZeroU32;

use chrono::{DateTime, Months, SubsecRound, TimeDelta, Utc};
use rmcp::model::JsonObject;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::registry::schema::input_schema;
use crate::registry::ToolError;
use crate::toolsets::common::{api_time, parse_time, wire};
use crate::toolsets::docs::is_docs_id;

/// A group of query parameters some reports take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// `user` (required): a user or team id.
    User,
    /// `previousStart` + `previousEnd`: an earlier range to compare with.
    Previous,
    /// `mailboxes`, `tags`, `folders`.
    Filters,
    /// `types` (email, chat, phone).
    Types,
    /// `sites` (Docs site ids).
    Sites,
    /// `officeHours`.
    OfficeHours,
    /// `viewBy` (day, week, month).
    ViewBy,
    /// `page` + `rows` of a drilldown (catalogue 4.3).
    Drilldown,
    /// `range` (required) + `rangeId` of the company drilldown.
    Range,
    /// `field` + `fieldid` (both required) of the field drilldown.
    Field,
    /// `status` of the conversation history.
    Status,
    /// `page`, `sortField` (number, modifiedAt, rating), `sortOrder`, `rating`.
    Ratings,
    /// `page`, `sortField` (number, repliesSent, responseTime, resolveTime), `sortOrder`.
    History,
}

impl Param {
    /// The argument names this group offers.
    fn args(self) -> &'static [&'static str] {
        match self {
            Param::User => &["user_id"],
            Param::Previous => &["previous_start", "previous_end"],
            Param::Filters => &["mailbox_ids", "tag_ids", "folder_ids"],
            Param::Types => &["types"],
            Param::Sites => &["site_ids"],
            Param::OfficeHours => &["office_hours"],
            Param::ViewBy => &["view_by"],
            Param::Drilldown => &["page", "rows"],
            Param::Range => &["range", "range_id"],
            Param::Field => &["field", "field_id"],
            Param::Status => &["status"],
            Param::Ratings => &["page", "sort_field", "sort_order", "rating"],
            Param::History => &["page", "sort_field", "sort_order"],
        }
    }

    /// The arguments of this group the report cannot do without.
    fn required(self) -> &'static [&'static str] {
        match self {
            Param::User => &["user_id"],
            Param::Range => &["range"],
            Param::Field => &["field", "field_id"],
            _ => &[],
        }
    }

    /// For the groups that take `sort_field`: the columns that endpoint sorts by.
    fn sort_fields(self) -> Option<&'static [SortField]> {
        match self {
            Param::Ratings => Some(&[SortField::Number, SortField::ModifiedAt, SortField::Rating]),
            Param::History => Some(&[
                SortField::Number,
                SortField::RepliesSent,
                SortField::ResponseTime,
                SortField::ResolveTime,
            ]),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConversationType {
    Email,
    Chat,
    Phone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ViewBy {
    Day,
    Week,
    Month,
}

// Which company statistic a drilldown lists (Help Scout's `range`). A plain comment:
// a doc comment would become the schema's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DrilldownRange {
    Replies,
    FirstReplyResolved,
    Resolved,
    ResponseTime,
    FirstResponseTime,
    HandleTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DrilldownField {
    Tagid,
    Replyid,
    Workflowid,
    Customerid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HistoryStatus {
    Active,
    Pending,
    Closed,
}

// Columns the ratings and conversation-history reports sort by (each takes a subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SortField {
    Number,
    ModifiedAt,
    Rating,
    RepliesSent,
    ResponseTime,
    ResolveTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RatingFilter {
    All,
    Great,
    Ok,
    NotGood,
}

/// Arguments of every report tool; each tool's schema shows only the ones its endpoint
/// takes.
// Field docs are kept to what the names do not say: every word here is repeated in up
// to 32 tool definitions.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportArgs {
    // A string, not a DateTime: `instant` also takes a bare date and gives a clear error.
    #[schemars(extend("format" = "date-time"))]
    pub start: String,
    #[schemars(extend("format" = "date-time"))]
    pub end: String,
    #[schemars(extend("format" = "date-time"))]
    pub previous_start: Option<String>,
    #[schemars(extend("format" = "date-time"))]
    pub previous_end: Option<String>,
    // Help Scout's `user`: a user or team id; the user reports' descriptions say so.
    pub user_id: Option<u64>,
    pub mailbox_ids: Option<Vec<u64>>,
    pub tag_ids: Option<Vec<u64>>,
    pub folder_ids: Option<Vec<u64>>,
    pub types: Option<Vec<ConversationType>>,
    pub site_ids: Option<Vec<String>>,
    pub office_hours: Option<bool>,
    /// day: range ≤120 days; week ≤1 year; month ≥61 days.
    pub view_by: Option<ViewBy>,
    pub page: Option<NonZeroU32>,
    #[schemars(range(min = 1, max = 50))]
    pub rows: Option<u32>,
    pub range: Option<DrilldownRange>,
    /// Bucket: replies 1-5 (5 = 5+); times 1-10 (<15 min to >2 days).
    pub range_id: Option<u64>,
    pub field: Option<DrilldownField>,
    pub field_id: Option<u64>,
    pub status: Option<HistoryStatus>,
    pub sort_field: Option<SortField>,
    pub sort_order: Option<SortOrder>,
    pub rating: Option<RatingFilter>,
}

/// A range as Help Scout takes it: UTC, seconds precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl ReportArgs {
    /// The arguments that were given, by name (start and end always are).
    fn given(&self) -> Vec<&'static str> {
        [
            ("previous_start", self.previous_start.is_some()),
            ("previous_end", self.previous_end.is_some()),
            ("user_id", self.user_id.is_some()),
            ("mailbox_ids", self.mailbox_ids.is_some()),
            ("tag_ids", self.tag_ids.is_some()),
            ("folder_ids", self.folder_ids.is_some()),
            ("types", self.types.is_some()),
            ("site_ids", self.site_ids.is_some()),
            ("office_hours", self.office_hours.is_some()),
            ("view_by", self.view_by.is_some()),
            ("page", self.page.is_some()),
            ("rows", self.rows.is_some()),
            ("range", self.range.is_some()),
            ("range_id", self.range_id.is_some()),
            ("field", self.field.is_some()),
            ("field_id", self.field_id.is_some()),
            ("status", self.status.is_some()),
            ("sort_field", self.sort_field.is_some()),
            ("sort_order", self.sort_order.is_some()),
            ("rating", self.rating.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }

    /// Checks the arguments against what the report takes and Help Scout's rules, and
    /// returns the query in Help Scout's parameter names.
    pub fn query(&self, params: &[Param]) -> Result<Vec<(&'static str, String)>, ToolError> {
        let allowed: Vec<&str> = params.iter().flat_map(|p| p.args()).copied().collect();
        if let Some(extra) = self.given().into_iter().find(|name| !allowed.contains(name)) {
            return Err(ToolError::invalid(extra, "this report does not take it"));
        }
        for name in params.iter().flat_map(|p| p.required()) {
            if !self.given().contains(name) {
                return Err(ToolError::invalid(*name, "required by this report"));
            }
        }

        let current = range("start", &self.start, "end", &self.end)?;
        let mut query = vec![("start", api_time(current.start)), ("end", api_time(current.end))];
        match (&self.previous_start, &self.previous_end) {
            (Some(start), Some(end)) => {
                let previous = range("previous_start", start, "previous_end", end)?;
                query.push(("previousStart", api_time(previous.start)));
                query.push(("previousEnd", api_time(previous.end)));
            }
            (Some(_), None) => {
                return Err(ToolError::invalid(
                    "previous_end",
                    "give it together with previous_start",
                ))
            }
            (None, Some(_)) => {
                return Err(ToolError::invalid(
                    "previous_start",
                    "give it together with previous_end",
                ))
            }
            (None, None) => {}
        }

        if let Some(user) = self.user_id {
            query.push(("user", user.to_string()));
        }
        push_list(&mut query, "mailboxes", self.mailbox_ids.as_deref());
        push_list(&mut query, "tags", self.tag_ids.as_deref());
        push_list(&mut query, "folders", self.folder_ids.as_deref());
        if let Some(types) = &self.types {
            let wires: Vec<String> = types.iter().map(wire).collect();
            push_list(&mut query, "types", Some(&wires));
        }
        if let Some(sites) = &self.site_ids {
            if let Some(bad) = sites.iter().find(|s| !is_docs_id(s)) {
                return Err(ToolError::invalid(
                    "site_ids",
                    format!("`{bad}` is not a Docs site id (24 hex characters)"),
                ));
            }
            push_list(&mut query, "sites", Some(sites));
        }
        if let Some(office_hours) = self.office_hours {
            query.push(("officeHours", office_hours.to_string()));
        }
        if let Some(view_by) = self.view_by {
            check_view_by(view_by, current)?;
            query.push(("viewBy", wire(&view_by)));
        }
        if let Some(status) = self.status {
            query.push(("status", wire(&status)));
        }
        if let Some(range) = self.range {
            query.push(("range", wire(&range)));
        }
        if let Some(range_id) = self.range_id {
            query.push(("rangeId", range_id.to_string()));
        }
        if let Some(field) = self.field {
            query.push(("field", wire(&field)));
        }
        if let Some(field_id) = self.field_id {
            query.push(("fieldid", field_id.to_string()));
        }
        if let Some(page) = self.page {
            query.push(("page", page.to_string()));
        }
        if let Some(rows) = self.rows {
            // Help Scout caps drilldown pages at 50 rows (catalogue 4.3).
            if !(1..=50).contains(&rows) {
                return Err(ToolError::invalid("rows", "must be between 1 and 50"));
            }
            query.push(("rows", rows.to_string()));
        }
        if let Some(sort_field) = self.sort_field {
            let columns = params.iter().find_map(|p| p.sort_fields()).unwrap_or(&[]);
            if !columns.contains(&sort_field) {
                let names: Vec<String> = columns.iter().map(wire).collect();
                return Err(ToolError::invalid(
                    "sort_field",
                    format!("this report sorts by {} only", names.join(", ")),
                ));
            }
            query.push(("sortField", wire(&sort_field)));
        }
        if let Some(sort_order) = self.sort_order {
            query.push(("sortOrder", wire(&sort_order)));
        }
        if let Some(rating) = self.rating {
            query.push(("rating", wire(&rating)));
        }
        Ok(query)
    }
}

/// The input schema of a report that takes `params`: the shared schema cut down to those
/// arguments, with the report's required ones marked and `sort_field` narrowed to the
/// columns that report sorts by.
pub fn schema_for(params: &[Param]) -> JsonObject {
    let mut schema = input_schema::<ReportArgs>();
    // The struct's doc comment speaks to maintainers, not to the model.
    schema.remove("description");
    let allowed: Vec<&str> = ["start", "end"]
        .into_iter()
        .chain(params.iter().flat_map(|p| p.args()).copied())
        .collect();
    let required: Vec<&str> = ["start", "end"]
        .into_iter()
        .chain(params.iter().flat_map(|p| p.required()).copied())
        .collect();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.retain(|name, _| allowed.contains(&name.as_str()));
        if let (Some(prop), Some(columns)) = (props.get_mut("sort_field"), params.iter().find_map(|p| p.sort_fields()))
        {
            let names: Vec<Value> = columns.iter().map(|c| Value::String(wire(c))).collect();
            narrow_enum(prop, &|v| v.is_null() || names.contains(v));
        }
        // Optional in the shared struct, required by this report: null is not a value.
        for name in &required {
            if let Some(prop) = props.get_mut(*name) {
                narrow_enum(prop, &|v| !v.is_null());
                if let Some(Value::Array(types)) = prop.get("type") {
                    let types: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                    let single = types.first().filter(|_| types.len() == 1).cloned();
                    prop["type"] = single.unwrap_or(Value::Array(types));
                }
            }
        }
    }
    let required = required
        .into_iter()
        .map(|name| Value::String(name.to_string()))
        .collect();
    schema.insert("required".into(), Value::Array(required));
    schema
}

/// Keeps the values `keep` accepts in every `enum` list inside `schema`.
fn narrow_enum(schema: &mut Value, keep: &dyn Fn(&Value) -> bool) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "enum" {
                    if let Value::Array(values) = value {
                        values.retain(keep);
                    }
                } else {
                    narrow_enum(value, keep);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| narrow_enum(v, keep)),
        _ => {}
    }
}

/// Parses a start/end pair; the end must come after the start.
fn range(start_field: &str, start: &str, end_field: &str, end: &str) -> Result<Range, ToolError> {
    let start = instant(start_field, start)?;
    let end = instant(end_field, end)?;
    if end <= start {
        return Err(ToolError::invalid(
            end_field,
            format!("must be after {start_field} ({})", api_time(start)),
        ));
    }
    Ok(Range { start, end })
}

/// The same date-time rule as every other tool (`common::parse_time`: an offset or a
/// bare date, never a naive time), cut to whole seconds: Help Scout rejects sub-second
/// digits (catalogue 4.10).
fn instant(field: &str, raw: &str) -> Result<DateTime<Utc>, ToolError> {
    Ok(parse_time(field, raw)?.trunc_subsecs(0))
}

/// Help Scout refuses a resolution that does not fit the range (catalogue 4.10).
fn check_view_by(view_by: ViewBy, range: Range) -> Result<(), ToolError> {
    let span = range.end - range.start;
    let problem = match view_by {
        ViewBy::Day if span > TimeDelta::days(120) => Some("day needs a range of at most 120 days"),
        ViewBy::Week
            if range
                .start
                .checked_add_months(Months::new(12))
                .is_some_and(|limit| range.end > limit) =>
        {
            Some("week needs a range of at most 1 year")
        }
        ViewBy::Month if span < TimeDelta::days(61) => Some("month needs a range of at least 61 days"),
        _ => None,
    };
    match problem {
        Some(message) => Err(ToolError::invalid("view_by", message)),
        None => Ok(()),
    }
}

/// Id filters travel as one comma-separated value (catalogue 4.10).
fn push_list<T: ToString>(query: &mut Vec<(&'static str, String)>, key: &'static str, items: Option<&[T]>) {
    if let Some(items) = items.filter(|items| !items.is_empty()) {
        let joined: Vec<String> = items.iter().map(ToString::to_string).collect();
        query.push((key, joined.join(",")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(start: &str, end: &str) -> ReportArgs {
        ReportArgs {
            start: start.into(),
            end: end.into(),
            ..ReportArgs::default()
        }
    }

    fn field_of(result: Result<Vec<(&'static str, String)>, ToolError>) -> String {
        match result {
            Err(ToolError::InvalidArgument { field, .. }) => field,
            other => format!("not an argument error: {other:?}"),
        }
    }

    #[test]
    fn dates_are_normalised_to_utc_seconds() {
        let query = args("2026-01-01T10:00:00.123+02:00", "2026-02-01").query(&[]);
        assert_eq!(
            query.ok(),
            Some(vec![
                ("start", "2026-01-01T08:00:00Z".to_string()),
                ("end", "2026-02-01T00:00:00Z".to_string()),
            ])
        );
        let fraction = args("2026-01-01T00:00:00Z", "2026-01-01T00:00:01.999Z").query(&[]);
        assert_eq!(
            fraction.ok().map(|q| q[1].1.clone()),
            Some("2026-01-01T00:00:01Z".to_string())
        );
    }

    #[test]
    fn bad_dates_name_their_field() {
        assert_eq!(field_of(args("last week", "2026-01-01").query(&[])), "start");
        // A time without an offset is refused as elsewhere: its zone would be a guess.
        assert_eq!(field_of(args("2026-01-01", "2026-01-02T00:00:00").query(&[])), "end");
        assert_eq!(field_of(args("2026-01-02", "2026-01-01").query(&[])), "end");
        assert_eq!(field_of(args("2026-01-01", "2026-01-01").query(&[])), "end");
        let mut half = args("2026-01-01", "2026-02-01");
        half.previous_start = Some("2025-12-01".into());
        assert_eq!(field_of(half.query(&[Param::Previous])), "previous_end");
    }

    #[test]
    fn view_by_limits_follow_help_scout() {
        let with = |start: &str, end: &str, view_by| ReportArgs {
            view_by: Some(view_by),
            ..args(start, end)
        };
        let ok = |a: ReportArgs| a.query(&[Param::ViewBy]).is_ok();
        assert!(ok(with("2026-01-01", "2026-05-01", ViewBy::Day)));
        assert!(!ok(with("2026-01-01", "2026-06-01", ViewBy::Day)));
        assert!(ok(with("2024-01-01", "2025-01-01", ViewBy::Week)));
        assert!(!ok(with("2024-01-01", "2025-01-02", ViewBy::Week)));
        assert!(!ok(with("2026-01-01", "2026-02-01", ViewBy::Month)));
        assert!(ok(with("2026-01-01", "2026-03-03", ViewBy::Month)));
    }

    #[test]
    fn lists_are_comma_joined_and_enums_use_help_scout_spelling() {
        let a = ReportArgs {
            mailbox_ids: Some(vec![1, 2]),
            types: Some(vec![ConversationType::Email, ConversationType::Chat]),
            sort_field: Some(SortField::ModifiedAt),
            sort_order: Some(SortOrder::Desc),
            rating: Some(RatingFilter::NotGood),
            ..args("2026-01-01", "2026-02-01")
        };
        let query = a
            .query(&[Param::Filters, Param::Types, Param::Ratings])
            .unwrap_or_default();
        for pair in [
            ("mailboxes", "1,2"),
            ("types", "email,chat"),
            ("sortField", "modifiedAt"),
            ("sortOrder", "DESC"),
            ("rating", "not-good"),
        ] {
            assert!(query.contains(&(pair.0, pair.1.to_string())), "{pair:?} in {query:?}");
        }
    }

    #[test]
    fn arguments_the_report_does_not_take_are_refused() {
        let a = ReportArgs {
            view_by: Some(ViewBy::Day),
            ..args("2026-01-01", "2026-02-01")
        };
        assert_eq!(field_of(a.query(&[Param::Previous])), "view_by");
        let history_sort = ReportArgs {
            sort_field: Some(SortField::RepliesSent),
            ..args("2026-01-01", "2026-02-01")
        };
        assert_eq!(field_of(history_sort.query(&[Param::Ratings])), "sort_field");
        assert_eq!(
            field_of(args("2026-01-01", "2026-02-01").query(&[Param::User])),
            "user_id"
        );
    }

    #[test]
    fn schema_shows_only_what_the_report_takes() {
        let schema = Value::Object(schema_for(&[Param::User, Param::Ratings]));
        let props = schema["properties"].as_object().cloned().unwrap_or_default();
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["end", "page", "rating", "sort_field", "sort_order", "start", "user_id"]
        );
        assert_eq!(schema["required"], serde_json::json!(["start", "end", "user_id"]));
        let sort = props["sort_field"].to_string();
        assert!(sort.contains("modifiedAt") && !sort.contains("repliesSent"), "{sort}");
        assert_eq!(props["user_id"]["type"], serde_json::json!("integer"));
        assert!(schema.get("description").is_none());
    }
}
