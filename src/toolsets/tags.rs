//! Tags (catalogue 3, `tags`).

use http::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::helpscout::pagination::hal_page;
use crate::helpscout::Api;
use crate::output::compact::{list_result, strip};
use crate::output::ToolOutput;
use crate::registry::{declare, Access, ToolContext, ToolDef, ToolResult, ToolSpec};

pub fn tools() -> Vec<ToolDef> {
    vec![
        declare(
            ToolSpec {
                name: "list_tags",
                toolset: "tags",
                access: Access::Read,
                idempotent: true,
                title: "List tags",
                description: "With colour and how many conversations use each.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/tags",
            },
            list_tags,
        ),
        declare(
            ToolSpec {
                name: "get_tag",
                toolset: "tags",
                access: Access::Read,
                idempotent: true,
                title: "Get tag",
                description: "Name, colour and how many conversations use it.",
                api: Api::Inbox,
                method: Method::GET,
                path: "/v2/tags/{tagId}",
            },
            get_tag,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageArgs {
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

async fn list_tags(ctx: ToolContext, args: PageArgs) -> ToolResult {
    let body = ctx
        .client
        .send_json(ctx.endpoint(&[]).query_opt("page", args.page))
        .await?;
    let page = hal_page(&body, "tags");
    let items = page.items.iter().cloned().map(tag).collect();
    Ok(ToolOutput::json(list_result("tags", items, &page, "list_tags")))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetTagArgs {
    pub tag_id: u64,
}

async fn get_tag(ctx: ToolContext, args: GetTagArgs) -> ToolResult {
    let body = ctx.client.send_json(ctx.endpoint(&[("tagId", &args.tag_id)])).await?;
    Ok(ToolOutput::json(tag(body)))
}

/// The fields an agent needs; absent ones are dropped rather than sent as null.
fn tag(value: Value) -> Value {
    let v = strip(value);
    strip(json!({
        "id": v.get("id"),
        "name": v.get("name").or_else(|| v.get("tag")),
        "color": v.get("color"),
        "conversations": v.get("ticketCount"),
        "updatedAt": v.get("updatedAt"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_are_left_out_not_null() {
        let shaped = tag(json!({"id": 7, "tag": "vip", "slug": "vip", "color": null, "_links": {"self": {}}}));
        assert_eq!(shaped, json!({"id": 7, "name": "vip"}));
    }

    #[test]
    fn ticket_count_becomes_conversations() {
        let shaped = tag(json!({"id": 7, "name": "vip", "color": "#fff", "ticketCount": 3, "createdAt": "x"}));
        assert_eq!(
            shaped,
            json!({"id": 7, "name": "vip", "color": "#fff", "conversations": 3})
        );
    }
}
