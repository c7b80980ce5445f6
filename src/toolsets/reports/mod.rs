//! Reports and satisfaction ratings (catalogue 3: reports_company, reports_conversations,
//! reports_docs, reports_happiness, reports_productivity, reports_user, reports_channels,
//! ratings; 4.3 drilldown paging; 4.10 report dates and parameters).
//!
//! The 32 report endpoints share one shape, so they are declared from one table: each row
//! names the endpoint, says which parameter groups it takes ([`Param`]) and how its
//! answer is shaped ([`Shape`]).

mod params;

use std::sync::Arc;

use http::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::helpscout::pagination::Page;
use crate::helpscout::{Api, ApiError};
use crate::output::compact::{list_result, strip};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolError, ToolResult, ToolSpec};
use params::{schema_for, Param, ReportArgs};

const TOOLSET: &str = "reports";

/// How a report's answer is turned into tool output.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// Totals or time series: already compact, only the noise goes.
    Summary,
    /// A bare JSON array (busy times), put under this key: structured tool output is an object.
    Array(&'static str),
    /// `{conversations: {page, pages, count, results}}` (the drilldowns).
    Drilldown,
    /// `{results, page, pages, count}` of individual satisfaction ratings.
    Ratings,
    /// `{results, page, pages, count}` of a user's conversation history.
    History,
}

struct Report {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    path: &'static str,
    params: &'static [Param],
    shape: Shape,
}

use Param::*;

/// Overview reports over conversations: comparison range and conversation filters.
const OVERVIEW: &[Param] = &[Previous, Filters, Types];
const OVERVIEW_SERIES: &[Param] = &[Previous, Filters, Types, ViewBy];
const PRODUCTIVITY_SERIES: &[Param] = &[Previous, Filters, Types, OfficeHours, ViewBy];
const DRILLDOWN: &[Param] = &[Filters, Types, Drilldown];
/// The channel reports filter by inbox, tag and folder but not by type: the channel is the type.
const CHANNEL: &[Param] = &[Previous, Filters, OfficeHours];
const USER_SERIES: &[Param] = &[User, Previous, Filters, Types, ViewBy];

const REPORTS: &[Report] = &[
    Report {
        name: "get_company_report",
        title: "Company report",
        description: "Company-wide totals: customers helped, conversations closed, replies sent, \
            per-day and per-user averages, statistics per user.",
        path: "/v2/reports/company",
        params: OVERVIEW,
        shape: Shape::Summary,
    },
    Report {
        name: "get_company_customers_helped_report",
        title: "Company customers helped report",
        description: "Distinct customers helped over time.",
        path: "/v2/reports/company/customers-helped",
        params: OVERVIEW_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_company_drilldown_report",
        title: "Company drilldown report",
        description: "The conversations behind one company statistic (range), optionally one bucket \
            of it (range_id).",
        path: "/v2/reports/company/drilldown",
        params: &[Filters, Types, Drilldown, Range],
        shape: Shape::Drilldown,
    },
    Report {
        name: "get_conversations_report",
        title: "Conversations report",
        description: "Conversation volume: total, new, customers, busiest day and hours, top tags, \
            customers, saved replies and workflows.",
        path: "/v2/reports/conversations",
        params: OVERVIEW,
        shape: Shape::Summary,
    },
    Report {
        name: "get_conversations_volume_by_channel_report",
        title: "Volume by channel report",
        description: "New conversations over time, split into email, chat and phone.",
        path: "/v2/reports/conversations/volume-by-channel",
        params: OVERVIEW_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_conversations_busy_times_report",
        title: "Busy times report",
        description: "When conversations arrive: counts per weekday (1 = Monday) and hour.",
        path: "/v2/reports/conversations/busy-times",
        params: OVERVIEW,
        shape: Shape::Array("busyTimes"),
    },
    Report {
        name: "get_conversations_drilldown_report",
        title: "Conversations drilldown report",
        description: "The conversations behind get_conversations_report (active in the range).",
        path: "/v2/reports/conversations/drilldown",
        params: DRILLDOWN,
        shape: Shape::Drilldown,
    },
    Report {
        name: "get_conversations_field_drilldown_report",
        title: "Conversations by field drilldown report",
        description: "The conversations in the range that used one tag, saved reply or workflow, or \
            came from one customer.",
        path: "/v2/reports/conversations/fields-drilldown",
        params: &[Field, Filters, Types, Drilldown],
        shape: Shape::Drilldown,
    },
    Report {
        name: "get_new_conversations_report",
        title: "New conversations report",
        description: "New conversations over time.",
        path: "/v2/reports/conversations/new",
        params: OVERVIEW_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_new_conversations_drilldown_report",
        title: "New conversations drilldown report",
        description: "The conversations created in the range.",
        path: "/v2/reports/conversations/new-drilldown",
        params: DRILLDOWN,
        shape: Shape::Drilldown,
    },
    Report {
        name: "get_received_messages_report",
        title: "Received messages report",
        description: "Customer messages received over time (every customer thread, not only new \
            conversations).",
        path: "/v2/reports/conversations/received-messages",
        params: OVERVIEW_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_docs_report",
        title: "Docs report",
        description: "Docs usage: visitors, searches, failed searches, top articles and categories.",
        path: "/v2/reports/docs",
        params: &[Previous, Sites],
        shape: Shape::Summary,
    },
    Report {
        name: "get_happiness_report",
        title: "Happiness report",
        description: "Satisfaction ratings summary: great, okay and not-good counts and shares, \
            happiness score (great % minus not-good %).",
        path: "/v2/reports/happiness",
        params: OVERVIEW,
        shape: Shape::Summary,
    },
    Report {
        name: "get_happiness_ratings_report",
        title: "Happiness ratings report",
        description: "Individual satisfaction ratings with comment, customer, rated user and \
            conversation.",
        path: "/v2/reports/happiness/ratings",
        params: &[Previous, Filters, Types, Ratings],
        shape: Shape::Ratings,
    },
    Report {
        name: "get_productivity_report",
        title: "Productivity report",
        description: "Response, first-response, resolution and handle times (seconds), replies sent, \
            resolved, replies to resolve.",
        path: "/v2/reports/productivity",
        params: &[Previous, Filters, Types, OfficeHours],
        shape: Shape::Summary,
    },
    Report {
        name: "get_first_response_time_report",
        title: "First response time report",
        description: "Average first response time (seconds) over time.",
        path: "/v2/reports/productivity/first-response-time",
        params: PRODUCTIVITY_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_replies_sent_report",
        title: "Replies sent report",
        description: "Replies sent to customers over time.",
        path: "/v2/reports/productivity/replies-sent",
        params: PRODUCTIVITY_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_resolution_time_report",
        title: "Resolution time report",
        description: "Average time from creation to resolution (seconds) over time.",
        path: "/v2/reports/productivity/resolution-time",
        params: PRODUCTIVITY_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_resolved_report",
        title: "Resolved conversations report",
        description: "Conversations resolved (closed after at least one reply) over time.",
        path: "/v2/reports/productivity/resolved",
        params: PRODUCTIVITY_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_response_time_report",
        title: "Response time report",
        description: "Average response time to customer messages (seconds) over time.",
        path: "/v2/reports/productivity/response-time",
        params: PRODUCTIVITY_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_user_report",
        title: "User report",
        description: "One user's or team's activity: replies, conversations created and resolved, \
            customers helped, response and resolution times, happiness.",
        path: "/v2/reports/user",
        params: &[User, Previous, Filters, Types, OfficeHours],
        shape: Shape::Summary,
    },
    Report {
        name: "get_user_conversation_history_report",
        title: "User conversation history report",
        description: "Conversations a user replied to, with replies sent and response, resolve and \
            handle times (seconds).",
        path: "/v2/reports/user/conversation-history",
        params: &[User, Previous, Filters, Types, Status, OfficeHours, History],
        shape: Shape::History,
    },
    Report {
        name: "get_user_customers_helped_report",
        title: "User customers helped report",
        description: "Distinct customers a user or team helped over time.",
        path: "/v2/reports/user/customers-helped",
        params: USER_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_user_drilldown_report",
        title: "User drilldown report",
        description: "The conversations behind get_user_report.",
        path: "/v2/reports/user/drilldown",
        params: &[User, Filters, Types, Drilldown],
        shape: Shape::Drilldown,
    },
    Report {
        name: "get_user_happiness_report",
        title: "User happiness report",
        description: "Satisfaction ratings a user or team received: great, okay and not-good counts \
            and shares, happiness score.",
        path: "/v2/reports/user/happiness",
        params: &[User, Previous, Filters, Types],
        shape: Shape::Summary,
    },
    Report {
        name: "get_user_happiness_drilldown_report",
        title: "User ratings report",
        description: "Individual satisfaction ratings a user received, with comment, customer and \
            conversation.",
        path: "/v2/reports/user/ratings",
        params: &[User, Previous, Filters, Types, Ratings],
        shape: Shape::Ratings,
    },
    Report {
        name: "get_user_replies_report",
        title: "User replies report",
        description: "Replies a user or team sent over time.",
        path: "/v2/reports/user/replies",
        params: USER_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_user_resolutions_report",
        title: "User resolutions report",
        description: "Conversations a user or team resolved over time.",
        path: "/v2/reports/user/resolutions",
        params: USER_SERIES,
        shape: Shape::Summary,
    },
    Report {
        name: "get_user_chat_report",
        title: "User chat report",
        description: "A user's or team's chat statistics. Undocumented endpoint: if it fails, use \
            get_user_report with types [chat].",
        path: "/v2/reports/user/chat",
        params: &[User, Previous, Filters, OfficeHours],
        shape: Shape::Summary,
    },
    Report {
        name: "get_chat_report",
        title: "Chat report",
        description: "Chat channel: volume, wait and response times, durations and resolutions.",
        path: "/v2/reports/chat",
        params: CHANNEL,
        shape: Shape::Summary,
    },
    Report {
        name: "get_email_report",
        title: "Email report",
        description: "Email channel: conversations, messages, replies, resolutions and response \
            times.",
        path: "/v2/reports/email",
        params: CHANNEL,
        shape: Shape::Summary,
    },
    Report {
        name: "get_phone_report",
        title: "Phone report",
        description: "Phone channel: calls logged, new conversations and customers.",
        path: "/v2/reports/phone",
        params: CHANNEL,
        shape: Shape::Summary,
    },
];

pub fn tools() -> Vec<ToolDef> {
    let mut tools: Vec<ToolDef> = REPORTS.iter().map(report_tool).collect();
    tools.push(declare(
        ToolSpec {
            name: "get_rating",
            toolset: TOOLSET,
            access: Access::Read,
            idempotent: true,
            title: "Get satisfaction rating",
            description: "One satisfaction rating (id from satisfaction.ratings webhooks): great, \
                okay or not_good, comment, customer, rated user, conversation and thread.",
            api: Api::Inbox,
            method: Method::GET,
            path: "/v2/ratings/{ratingId}",
        },
        get_rating,
    ));
    tools
}

fn report_tool(report: &'static Report) -> ToolDef {
    let spec = ToolSpec {
        name: report.name,
        toolset: TOOLSET,
        access: Access::Read,
        idempotent: true,
        title: report.title,
        description: report.description,
        api: Api::Inbox,
        method: Method::GET,
        path: report.path,
    };
    let mut def = declare(spec, move |ctx: ToolContext, args: ReportArgs| {
        run_report(ctx, args, report)
    });
    // Every report decodes the same argument type; its schema offers only the
    // parameters this endpoint takes.
    def.input_schema = Arc::new(schema_for(report.params));
    def
}

async fn run_report(ctx: ToolContext, args: ReportArgs, report: &'static Report) -> ToolResult {
    let query = args.query(report.params)?;
    let request = query
        .into_iter()
        .fold(ctx.endpoint(&[]), |request, (key, value)| request.query(key, value));
    let body = ctx.client.send_json(request).await.map_err(plan_gate)?;
    Ok(ToolOutput::json(match report.shape {
        Shape::Summary => summary(body),
        Shape::Array(key) => json!({ key: strip(body) }),
        Shape::Drilldown => drilldown(body, report.name),
        Shape::Ratings => results(body, "ratings", rating_row, report.name),
        Shape::History => results(body, "conversations", strip, report.name),
    }))
}

/// Help Scout answers 403 when the plan has no reporting (Plus and Pro only; catalogue 3
/// reports notes) or the user lacks the reports permission. The generic 403 text would
/// send the agent after credentials.
fn plan_gate(error: ApiError) -> ToolError {
    match error {
        ApiError::Status {
            status: 403, log_ref, ..
        } => {
            let log_ref = log_ref.map(|r| format!(", logRef {r}")).unwrap_or_default();
            ToolError::Failed(format!(
                "Reports are not available on this Help Scout plan or to this user (HTTP 403{log_ref}): the \
                 reporting API needs a Plus or Pro plan and the \"View reports\" permission. Retrying will not help."
            ))
        }
        other => ToolError::Api(other),
    }
}

/// Totals and time series are already compact; `filterTags` (every tag of the account,
/// repeated in each answer) is noise.
fn summary(body: Value) -> Value {
    let mut body = strip(body);
    if let Value::Object(map) = &mut body {
        map.remove("filterTags");
    }
    body
}

/// `{conversations: {page, pages, count, results}}` as a paged list.
fn drilldown(body: Value, tool: &str) -> Value {
    let envelope = body.get("conversations").cloned().unwrap_or(Value::Null);
    results(envelope, "conversations", drilldown_row, tool)
}

/// A drilldown's abbreviated conversation, with the customer and assignee as objects
/// (so profile redaction recognises the customer's name) and tags by name.
fn drilldown_row(row: Value) -> Value {
    let row = strip(row);
    let get = |key: &str| row.get(key).cloned();
    let tags: Option<Vec<Value>> = row
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| tags.iter().filter_map(|t| t.get("name").cloned()).collect());
    // `assignedid` 0 means unassigned.
    let assignee_id = get("assignedid").filter(|id| id.as_u64() != Some(0));
    strip(json!({
        "id": get("id"),
        "number": get("number"),
        "type": get("type"),
        "mailboxId": get("mailboxid"),
        "subject": get("subject"),
        "status": get("status"),
        "threads": get("threadCount"),
        "attachments": get("attachments").filter(|a| a.as_bool() == Some(true)),
        "preview": get("preview"),
        "customer": {
            "id": row.pointer("/customerIds/0").cloned(),
            "name": get("customerName"),
            "email": get("customerEmail"),
        },
        "assignee": { "id": assignee_id, "name": get("assignedName") },
        "tags": tags,
        "modifiedAt": get("modifiedAt"),
    }))
}

/// `{results, page, pages, count}` as a paged list saying how to get the next page.
fn results(body: Value, key: &str, row: fn(Value) -> Value, tool: &str) -> Value {
    let num = |field: &str| body.get(field).and_then(Value::as_u64);
    let page = Page {
        items: Vec::new(),
        number: num("page"),
        total_pages: num("pages"),
        total_items: num("count"),
        next_href: None,
    };
    let items = match body.get("results") {
        Some(Value::Array(items)) => items.iter().cloned().map(row).collect(),
        _ => Vec::new(),
    };
    list_result(key, items, &page, tool)
}

/// A ratings-report row with readable names: Help Scout's `ratingId` is the rating value
/// (1 great, 2 okay, 3 not good), not an id, and `id`/`number` are the conversation's.
/// Customer and user become objects, as in get_rating (and for profile redaction).
fn rating_row(row: Value) -> Value {
    let rating = match row.get("ratingId").and_then(Value::as_u64) {
        Some(1) => Some("great"),
        Some(2) => Some("okay"),
        Some(3) => Some("not_good"),
        _ => None,
    };
    let get = |key: &str| row.get(key).cloned();
    strip(json!({
        "rating": rating,
        "comments": get("ratingComments"),
        "conversationId": get("id"),
        "conversationNumber": get("number"),
        "type": get("type"),
        "threadId": get("threadid"),
        "customer": { "id": get("ratingCustomerId"), "name": get("ratingCustomerName") },
        "user": { "id": get("ratingUserId"), "name": get("ratingUserName") },
        "createdAt": get("ratingCreatedAt"),
    }))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetRatingArgs {
    pub rating_id: u64,
}

async fn get_rating(ctx: ToolContext, args: GetRatingArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[("ratingId", &args.rating_id)]))
        .await?;
    Ok(ToolOutput::json(strip(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_is_declared_once_with_its_own_schema() {
        let tools = tools();
        assert_eq!(tools.len(), REPORTS.len() + 1);
        let mut names: Vec<&str> = tools.iter().map(|t| t.spec.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), tools.len());
        let user = tools.iter().find(|t| t.spec.name == "get_user_report");
        let required = user.and_then(|t| t.input_schema.get("required").cloned());
        assert_eq!(required, Some(json!(["start", "end", "user_id"])));
    }

    #[test]
    fn drilldowns_become_paged_lists() {
        let body = json!({"conversations": {"page": 1, "pages": 3, "count": 55,
            "results": [{"id": 5, "number": 1005, "customerEmail": "", "customerName": "Ann Lee",
                         "customerIds": [9], "assignedid": 0, "assignedName": "", "attachments": false,
                         "mailboxid": 301, "tags": [{"id": 1, "name": "vip", "color": "#fff"}], "_links": {}}]}});
        let out = drilldown(body, "get_user_drilldown_report");
        assert_eq!(
            out["conversations"],
            json!([{"id": 5, "number": 1005, "mailboxId": 301, "customer": {"id": 9, "name": "Ann Lee"},
                    "tags": ["vip"]}])
        );
        assert_eq!(
            (out["page"].clone(), out["pages"].clone(), out["total"].clone()),
            (json!(1), json!(3), json!(55))
        );
        assert_eq!(out["next"], "call get_user_drilldown_report again with page=2 for more");
    }

    #[test]
    fn rating_rows_name_the_rating_value() {
        let row = rating_row(json!({"number": 1010, "threadid": 77, "id": 2000010, "type": "email",
            "ratingId": 3, "ratingCustomerId": 9, "ratingComments": "", "ratingUserId": 1003}));
        assert_eq!(
            row,
            json!({"conversationId": 2000010, "conversationNumber": 1010, "type": "email", "threadId": 77,
                   "rating": "not_good", "customer": {"id": 9}, "user": {"id": 1003}})
        );
    }

    #[test]
    fn summaries_drop_the_tag_catalogue() {
        let out = summary(json!({"filterTags": [{"id": 1}], "current": {"closed": 0, "replies": null}}));
        assert_eq!(out, json!({"current": {"closed": 0}}));
    }

    #[test]
    fn a_403_explains_plan_gating() {
        let error = plan_gate(ApiError::Status {
            status: 403,
            message: "Forbidden".into(),
            log_ref: Some("abc#1".into()),
            field_errors: Vec::new(),
            location: None,
            retry_after: None,
        });
        let text = error.to_string();
        assert!(
            text.contains("Reports are not available on this Help Scout plan") && text.contains("abc#1"),
            "{text}"
        );
    }
}
