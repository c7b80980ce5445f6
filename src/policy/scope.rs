//! Mailbox and Docs-site scoping: a profile with `mailboxes = [...]` or
//! `docs_sites = [...]` may touch only those, whatever ids an agent sends.
//!
//! Every tool has a [`Rule`] saying how its arguments (or, for a few lists, its
//! results) relate to a mailbox or a Docs site. Ids that do not carry their mailbox or
//! site (a conversation id, a Docs article id) are resolved with a read, cached for a
//! few minutes. A call is refused before anything is sent when the target lies outside
//! the allowlist; list tools get the filter forced rather than leaking other mailboxes'
//! items or counts. `tests/suite/scoping.rs` proves it at the fake's request log.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::{Hidden, Policy};
use crate::helpscout::{Api, ApiError, ApiRequest, HelpScoutClient};
use crate::registry::ToolSpec;

/// How one tool relates to mailboxes and Docs sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Account-wide data not tied to a mailbox or site (users, tags, customers, ...).
    Account,
    /// The `conversation_id` argument names a conversation whose mailbox must be allowed.
    Conversation,
    /// A required mailbox id argument.
    Mailbox(&'static str),
    /// An optional mailbox filter of a list: forced to the allowlist when absent.
    MailboxFilter(&'static str),
    /// A conversation, moved to the mailbox named by the argument.
    ConversationTo(&'static str),
    /// A list of mailbox ids (e.g. report filters): must be allowed; forced when absent.
    MailboxList(&'static str),
    /// The list of mailboxes itself: items outside the allowlist are dropped.
    FilterMailboxes,
    /// Tags: account-wide, but their conversation counts span every mailbox.
    TagCounts,
    /// A workflow (its mailbox), optionally run on the conversations of an argument.
    Workflow { conversations: Option<&'static str> },
    /// Cannot be confined to mailboxes: refused under a mailbox allowlist.
    AllMailboxes,
    /// A required Docs site id argument.
    Site(&'static str),
    /// An optional Docs site filter of a list: forced when absent.
    SiteFilter(&'static str),
    /// The list of Docs sites: items outside the allowlist are dropped.
    FilterSites,
    /// A list of Docs site ids (the Docs report filter): must be allowed; forced when absent.
    SiteList(&'static str),
    /// A Docs collection (id or number) argument.
    Collection(&'static str),
    /// A Docs category (id or number) argument.
    Category(&'static str),
    /// A Docs article (id or number) argument.
    Article(&'static str),
    /// A Docs article revision argument.
    Revision(&'static str),
    /// A Docs redirect argument.
    Redirect(&'static str),
    /// Cannot be confined to Docs sites: refused under a site allowlist.
    AllSites,
    /// No rule was declared: refused under any allowlist.
    Unlisted,
}

impl Rule {
    pub fn is_mailbox_rule(self) -> bool {
        matches!(
            self,
            Rule::Conversation
                | Rule::Mailbox(_)
                | Rule::MailboxFilter(_)
                | Rule::ConversationTo(_)
                | Rule::MailboxList(_)
                | Rule::FilterMailboxes
                | Rule::TagCounts
                | Rule::Workflow { .. }
                | Rule::AllMailboxes
                | Rule::Unlisted
        )
    }

    pub fn is_site_rule(self) -> bool {
        matches!(
            self,
            Rule::Site(_)
                | Rule::SiteFilter(_)
                | Rule::SiteList(_)
                | Rule::FilterSites
                | Rule::Collection(_)
                | Rule::Category(_)
                | Rule::Article(_)
                | Rule::Revision(_)
                | Rule::Redirect(_)
                | Rule::AllSites
                | Rule::Unlisted
        )
    }
}

/// How long a resolved mailbox or site is trusted; conversations move.
const CACHE_TTL: Duration = Duration::from_secs(300);
const CACHE_CAP: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Conversation(u64),
    Workflow(u64),
    Collection(String),
    Category(String),
    Article(String),
    Revision(String),
    Redirect(String),
}

#[derive(Debug, Clone)]
enum Owner {
    Mailbox(u64),
    Site(String),
}

pub struct ScopeResolver {
    client: HelpScoutClient,
    cache: Mutex<HashMap<Key, (Owner, Instant)>>,
}

type Checked = Result<Value, Hidden>;

impl ScopeResolver {
    pub fn new(client: HelpScoutClient) -> Self {
        Self {
            client,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Checks a call against the policy's allowlists. Returns the arguments to use:
    /// unchanged, or with a filter forced in.
    pub async fn check(&self, policy: &Policy, spec: &ToolSpec, arguments: Value) -> Checked {
        let rule = rule_for(spec);
        let mailbox_scoped = policy.mailboxes.is_some() && rule.is_mailbox_rule();
        let site_scoped = policy.docs_sites.is_some() && rule.is_site_rule();
        if !mailbox_scoped && !site_scoped {
            return Ok(arguments);
        }
        let mut arguments = match arguments {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            // Not an object: let argument decoding report it.
            other => return Ok(other),
        };
        let mailboxes = policy.mailboxes.clone().unwrap_or_default();
        let sites = policy.docs_sites.clone().unwrap_or_default();
        let deny = |what: String| Hidden {
            rule: "scope",
            reason: format!(
                "{what}, outside what profile `{}` may touch (rule `mailboxes`/`docs_sites` of the policy file).",
                policy.name()
            ),
        };
        let allowed_mailbox = |id: u64| mailboxes.contains(&id);
        let list = |set: &BTreeSet<u64>| set.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");

        match rule {
            Rule::Account | Rule::FilterMailboxes | Rule::TagCounts | Rule::FilterSites => {}
            Rule::Conversation => {
                let id = int_arg(&arguments, "conversation_id")?;
                let mailbox = self.conversation_mailbox(id).await?;
                if !allowed_mailbox(mailbox) {
                    return Err(deny(format!("conversation {id} is in mailbox {mailbox}")));
                }
            }
            Rule::Mailbox(arg) => {
                let id = int_arg(&arguments, arg)?;
                if !allowed_mailbox(id) {
                    return Err(deny(format!("mailbox {id}")));
                }
            }
            // A filter the agent gave but that is not an id is refused, never replaced: a
            // forced filter would answer for another mailbox than the one asked for.
            Rule::MailboxFilter(arg) => match given(&arguments, arg).then(|| int_arg(&arguments, arg)).transpose()? {
                Some(id) if !allowed_mailbox(id) => return Err(deny(format!("mailbox {id}"))),
                Some(_) => {}
                None if mailboxes.len() == 1 => {
                    if let Some(only) = mailboxes.iter().next() {
                        arguments.insert(arg.to_string(), Value::from(*only));
                    }
                }
                None => {
                    return Err(Hidden {
                        rule: "scope",
                        reason: format!(
                            "profile `{}` may only list some mailboxes: pass `{arg}` (one of {}).",
                            policy.name(),
                            list(&mailboxes)
                        ),
                    })
                }
            },
            Rule::ConversationTo(arg) => {
                let id = int_arg(&arguments, "conversation_id")?;
                let from = self.conversation_mailbox(id).await?;
                if !allowed_mailbox(from) {
                    return Err(deny(format!("conversation {id} is in mailbox {from}")));
                }
                let to = int_arg(&arguments, arg)?;
                if !allowed_mailbox(to) {
                    return Err(deny(format!("the target mailbox {to}")));
                }
            }
            Rule::MailboxList(arg) => match arguments.get(arg) {
                Some(value) if !value.is_null() && !value.is_array() => return Err(not_a_list(arg)),
                Some(Value::Array(ids)) if !ids.is_empty() => {
                    for id in ids {
                        match id.as_u64() {
                            Some(id) if allowed_mailbox(id) => {}
                            _ => return Err(deny(format!("mailbox {id}"))),
                        }
                    }
                }
                _ => {
                    arguments.insert(
                        arg.to_string(),
                        Value::from(mailboxes.iter().copied().collect::<Vec<_>>()),
                    );
                }
            },
            Rule::Workflow { conversations } => {
                let id = int_arg(&arguments, "workflow_id")?;
                let mailbox = self.workflow_mailbox(id).await?;
                if !allowed_mailbox(mailbox) {
                    return Err(deny(format!("workflow {id} belongs to mailbox {mailbox}")));
                }
                if let Some(arg) = conversations {
                    let ids: Vec<u64> = arguments
                        .get(arg)
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_u64).collect())
                        .unwrap_or_default();
                    for id in ids {
                        let mailbox = self.conversation_mailbox(id).await?;
                        if !allowed_mailbox(mailbox) {
                            return Err(deny(format!("conversation {id} is in mailbox {mailbox}")));
                        }
                    }
                }
            }
            Rule::AllMailboxes => {
                return Err(Hidden {
                    rule: "scope",
                    reason: format!(
                        "`{}` reaches every mailbox, so profile `{}` (limited to mailboxes {}) cannot use it.",
                        spec.name,
                        policy.name(),
                        list(&mailboxes)
                    ),
                })
            }
            Rule::Site(arg) => {
                let id = str_arg(&arguments, arg)?;
                if !sites.contains(&id) {
                    return Err(deny(format!("Docs site {id}")));
                }
            }
            Rule::SiteFilter(arg) => match given(&arguments, arg).then(|| str_arg(&arguments, arg)).transpose()? {
                Some(id) if !sites.contains(&id) => return Err(deny(format!("Docs site {id}"))),
                Some(_) => {}
                None if sites.len() == 1 => {
                    if let Some(only) = sites.iter().next() {
                        arguments.insert(arg.to_string(), Value::from(only.clone()));
                    }
                }
                None => {
                    return Err(Hidden {
                        rule: "scope",
                        reason: format!(
                            "profile `{}` may only see some Docs sites: pass `{arg}` (one of {}).",
                            policy.name(),
                            sites.iter().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    })
                }
            },
            Rule::SiteList(arg) => match arguments.get(arg) {
                Some(value) if !value.is_null() && !value.is_array() => return Err(not_a_list(arg)),
                Some(Value::Array(ids)) if !ids.is_empty() => {
                    for id in ids {
                        let id = id.as_str().map(str::to_ascii_lowercase).unwrap_or_default();
                        if !sites.contains(&id) {
                            return Err(deny(format!("Docs site {id}")));
                        }
                    }
                }
                _ => {
                    arguments.insert(arg.to_string(), Value::from(sites.iter().cloned().collect::<Vec<_>>()));
                }
            },
            Rule::Collection(arg)
            | Rule::Category(arg)
            | Rule::Article(arg)
            | Rule::Revision(arg)
            | Rule::Redirect(arg) => {
                let id = str_arg(&arguments, arg)?;
                let key = match rule {
                    Rule::Collection(_) => Key::Collection(id.clone()),
                    Rule::Category(_) => Key::Category(id.clone()),
                    Rule::Article(_) => Key::Article(id.clone()),
                    Rule::Revision(_) => Key::Revision(id.clone()),
                    _ => Key::Redirect(id.clone()),
                };
                let site = self.docs_site(key).await?;
                if !sites.contains(&site) {
                    return Err(deny(format!("`{arg}` {id} belongs to Docs site {site}")));
                }
            }
            Rule::Unlisted => {
                return Err(Hidden {
                    rule: "scope",
                    reason: format!(
                        "`{}` has no declared scope, so a profile with an allowlist cannot use it.",
                        spec.name
                    ),
                })
            }
            Rule::AllSites => {
                return Err(Hidden {
                    rule: "scope",
                    reason: format!(
                        "`{}` is not confined to one Docs site, so profile `{}` (limited to some sites) cannot use it.",
                        spec.name,
                        policy.name()
                    ),
                })
            }
        }
        Ok(Value::Object(arguments))
    }

    /// Drops what a list result may not show under the policy's allowlists.
    pub fn filter_output(&self, policy: &Policy, spec: &ToolSpec, output: &mut Value) {
        match rule_for(spec) {
            Rule::FilterMailboxes => {
                if let Some(allowed) = &policy.mailboxes {
                    keep_items(output, "mailboxes", |item| {
                        item.get("id")
                            .and_then(Value::as_u64)
                            .is_some_and(|id| allowed.contains(&id))
                    });
                }
            }
            Rule::FilterSites => {
                if let Some(allowed) = &policy.docs_sites {
                    keep_items(output, "sites", |item| {
                        item.get("id")
                            .and_then(Value::as_str)
                            .is_some_and(|id| allowed.contains(&id.to_ascii_lowercase()))
                    });
                }
            }
            Rule::TagCounts if policy.mailboxes.is_some() => strip_counts(output),
            _ => {}
        }
    }

    /// After a successful write, forget what it may have changed (a moved conversation).
    pub fn invalidate(&self, spec: &ToolSpec, arguments: &Value) {
        if spec.access == crate::registry::Access::Read {
            return;
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = arguments.get("conversation_id").and_then(Value::as_u64) {
            cache.remove(&Key::Conversation(id));
        }
        for (arg, make) in [
            ("article_id", Key::Article as fn(String) -> Key),
            ("category_id", Key::Category as fn(String) -> Key),
            ("collection_id", Key::Collection as fn(String) -> Key),
            ("redirect_id", Key::Redirect as fn(String) -> Key),
        ] {
            if let Some(id) = arguments.get(arg).and_then(Value::as_str) {
                cache.remove(&make(id.to_ascii_lowercase()));
            }
        }
    }

    fn cached(&self, key: &Key) -> Option<Owner> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(key)
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(owner, _)| owner.clone())
    }

    fn remember(&self, key: Key, owner: Owner) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= CACHE_CAP {
            cache.clear();
        }
        cache.insert(key, (owner, Instant::now()));
    }

    async fn conversation_mailbox(&self, id: u64) -> Result<u64, Hidden> {
        if let Some(Owner::Mailbox(m)) = self.cached(&Key::Conversation(id)) {
            return Ok(m);
        }
        let request = ApiRequest::get(Api::Inbox, format!("/v2/conversations/{id}"));
        let body = match self.client.send_json(request).await {
            Ok(body) => body,
            // A merged conversation answers 301 with the survivor's URL (catalogue 4.7).
            Err(ApiError::Status {
                status: 301,
                location: Some(location),
                ..
            }) => {
                let path = location.split_once("/v2/").map(|(_, rest)| format!("/v2/{rest}"));
                match path {
                    Some(path) => self
                        .client
                        .send_json(ApiRequest::get(Api::Inbox, path))
                        .await
                        .map_err(lookup_failed)?,
                    None => {
                        return Err(lookup_failed(ApiError::Decode(
                            "merged conversation without a target".into(),
                        )))
                    }
                }
            }
            Err(e) => return Err(lookup_failed(e)),
        };
        let mailbox = body
            .get("mailboxId")
            .and_then(Value::as_u64)
            .ok_or_else(|| lookup_failed(ApiError::Decode("conversation without mailboxId".into())))?;
        self.remember(Key::Conversation(id), Owner::Mailbox(mailbox));
        Ok(mailbox)
    }

    async fn workflow_mailbox(&self, id: u64) -> Result<u64, Hidden> {
        if let Some(Owner::Mailbox(m)) = self.cached(&Key::Workflow(id)) {
            return Ok(m);
        }
        // There is no single-workflow GET: page through the list (bounded).
        let mut page = 1u32;
        loop {
            let body = self
                .client
                .send_json(ApiRequest::get(Api::Inbox, "/v2/workflows").query("page", page))
                .await
                .map_err(lookup_failed)?;
            let listed = crate::helpscout::pagination::hal_page(&body, "workflows");
            for item in &listed.items {
                if let (Some(wid), Some(mailbox)) = (
                    item.get("id").and_then(Value::as_u64),
                    item.get("mailboxId").and_then(Value::as_u64),
                ) {
                    self.remember(Key::Workflow(wid), Owner::Mailbox(mailbox));
                }
            }
            if let Some(Owner::Mailbox(m)) = self.cached(&Key::Workflow(id)) {
                return Ok(m);
            }
            if !listed.has_more() || page >= 20 {
                return Err(Hidden {
                    rule: "scope",
                    reason: format!("workflow {id} was not found"),
                });
            }
            page += 1;
        }
    }

    /// The Docs site a collection, category, article, revision or redirect belongs to.
    async fn docs_site(&self, key: Key) -> Result<String, Hidden> {
        let mut key = key;
        // At most four hops: revision -> article -> collection -> site.
        for _ in 0..4 {
            if let Some(Owner::Site(site)) = self.cached(&key) {
                return Ok(site);
            }
            let (path, envelope) = match &key {
                Key::Collection(id) => (format!("/v1/collections/{id}"), "collection"),
                Key::Category(id) => (format!("/v1/categories/{id}"), "category"),
                Key::Article(id) => (format!("/v1/articles/{id}"), "article"),
                Key::Revision(id) => (format!("/v1/revisions/{id}"), "revision"),
                Key::Redirect(id) => (format!("/v1/redirects/{id}"), "redirect"),
                Key::Conversation(_) | Key::Workflow(_) => break,
            };
            let body = self
                .client
                .send_json(ApiRequest::get(Api::Docs, path))
                .await
                .map_err(lookup_failed)?;
            let object = body.get(envelope).unwrap_or(&body);
            let field = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_ascii_lowercase);
            if let Some(site) = field("siteId") {
                self.remember(key, Owner::Site(site.clone()));
                return Ok(site);
            }
            let parent = match &key {
                Key::Category(_) | Key::Article(_) => field("collectionId").map(Key::Collection),
                Key::Revision(_) => field("articleId").map(Key::Article),
                _ => None,
            };
            match parent {
                Some(parent) => key = parent,
                None => break,
            }
        }
        Err(Hidden {
            rule: "scope",
            reason: "could not tell which Docs site this belongs to".into(),
        })
    }
}

fn lookup_failed(error: ApiError) -> Hidden {
    Hidden {
        rule: "scope",
        reason: format!("could not check which mailbox or Docs site this belongs to: {error}"),
    }
}

/// Whether the agent gave this optional argument (`null` counts as absent, as in decoding).
fn given(arguments: &Map<String, Value>, name: &str) -> bool {
    arguments.get(name).is_some_and(|v| !v.is_null())
}

fn not_a_list(name: &str) -> Hidden {
    Hidden {
        rule: "scope",
        reason: format!("invalid argument `{name}`: expected a list of ids"),
    }
}

fn int_arg(arguments: &Map<String, Value>, name: &str) -> Result<u64, Hidden> {
    arguments.get(name).and_then(Value::as_u64).ok_or_else(|| Hidden {
        rule: "scope",
        reason: format!("invalid argument `{name}`: expected a positive integer id"),
    })
}

fn str_arg(arguments: &Map<String, Value>, name: &str) -> Result<String, Hidden> {
    match arguments.get(name) {
        Some(Value::String(s)) => Ok(s.to_ascii_lowercase()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(Hidden {
            rule: "scope",
            reason: format!("invalid argument `{name}`: expected an id"),
        }),
    }
}

fn keep_items(output: &mut Value, key: &str, keep: impl Fn(&Value) -> bool) {
    if let Some(Value::Array(items)) = output.get_mut(key) {
        items.retain(|item| keep(item));
        let count = items.len();
        if let Value::Object(map) = output {
            // Totals and paging would count what was dropped.
            for field in ["total", "pages", "next"] {
                map.remove(field);
            }
            map.insert("total".into(), Value::from(count));
        }
    }
}

fn strip_counts(output: &mut Value) {
    match output {
        Value::Object(map) => {
            map.remove("conversations");
            map.remove("ticketCount");
            map.values_mut().for_each(strip_counts);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_counts),
        _ => {}
    }
}

/// The rule of a tool: listed in [`RULES`] when it needs saying, otherwise read off
/// the endpoint's path template (`{conversationId}`, `{mailboxId}`, `{siteId}`, ...),
/// whose parameter is the tool argument of the same name in snake_case.
/// `tests/suite/scoping.rs` checks that every tool gets a rule and that the argument a rule
/// names is in the tool's schema.
pub fn rule_for(spec: &ToolSpec) -> Rule {
    if let Some((_, rule)) = RULES.iter().find(|(name, _)| *name == spec.name) {
        return *rule;
    }
    // The first placeholder names the resource the call is about.
    let Some(placeholder) = spec.path.split('{').nth(1).and_then(|rest| rest.split('}').next()) else {
        // Every report but the Docs one filters by `mailbox_ids`.
        if spec.toolset == "reports" {
            return Rule::MailboxList("mailbox_ids");
        }
        return Rule::Unlisted;
    };
    match placeholder {
        "conversationId" => Rule::Conversation,
        "mailboxId" => Rule::Mailbox("mailbox_id"),
        "workflowId" => Rule::Workflow { conversations: None },
        "siteId" => Rule::Site("site_id"),
        "collectionId" => Rule::Collection("collection_id"),
        "collectionIdOrNumber" => Rule::Collection("collection_id_or_number"),
        "categoryId" => Rule::Category("category_id"),
        "categoryIdOrNumber" => Rule::Category("category_id_or_number"),
        "articleId" => Rule::Article("article_id"),
        "articleIdOrNumber" => Rule::Article("article_id_or_number"),
        "revisionId" => Rule::Revision("revision_id"),
        "redirectId" => Rule::Redirect("redirect_id"),
        // Help Scout keeps these account-wide: they belong to no mailbox.
        "customerId" | "slug" | "organizationId" | "userId" | "systemUserId" | "teamId" => Rule::Account,
        "tagId" => Rule::TagCounts,
        // These name objects of any mailbox, and their ids do not say which.
        "ratingId" | "chatId" | "webhookId" => Rule::AllMailboxes,
        _ => Rule::Unlisted,
    }
}

/// Tools whose rule is not what their path says (lists, creates, account-wide data).
pub const RULES: &[(&str, Rule)] = &[
    // conversations
    ("list_conversations", Rule::MailboxFilter("mailbox_id")),
    ("create_conversation", Rule::Mailbox("mailbox_id")),
    ("send_new_conversation", Rule::Mailbox("mailbox_id")),
    ("move_conversation", Rule::ConversationTo("mailbox_id")),
    // mailboxes
    ("list_mailboxes", Rule::FilterMailboxes),
    // users: account-wide people; the list is narrowed to the allowed mailbox's users.
    ("list_users", Rule::MailboxFilter("mailbox_id")),
    ("get_current_user", Rule::Account),
    ("list_user_statuses", Rule::Account),
    ("list_system_users", Rule::Account),
    ("list_teams", Rule::Account),
    // tags: account-wide names, but their counts span every mailbox.
    ("list_tags", Rule::TagCounts),
    // customers and organizations are account-wide in Help Scout.
    ("list_customers", Rule::MailboxFilter("mailbox_id")),
    ("list_customers_v3", Rule::Account),
    ("create_customer", Rule::Account),
    ("list_customer_property_definitions", Rule::Account),
    ("create_customer_property_definition", Rule::Account),
    ("list_organizations", Rule::Account),
    ("create_organization", Rule::Account),
    ("list_organization_property_definitions", Rule::Account),
    ("create_organization_property_definition", Rule::Account),
    // ... but an organization's conversations span every mailbox.
    ("list_organization_conversations", Rule::AllMailboxes),
    // workflows
    ("list_workflows", Rule::MailboxFilter("mailbox_id")),
    (
        "run_workflow",
        Rule::Workflow {
            conversations: Some("conversation_ids"),
        },
    ),
    // webhooks see events of every mailbox they are not limited to: account administration.
    ("list_webhooks", Rule::AllMailboxes),
    ("create_webhook", Rule::AllMailboxes),
    // reports (the rest filter by mailbox_ids, see `rule_for`)
    ("get_docs_report", Rule::SiteList("site_ids")),
    // Docs
    ("docs_list_sites", Rule::FilterSites),
    ("docs_create_site", Rule::AllSites),
    ("docs_list_collections", Rule::SiteFilter("site_id")),
    ("docs_create_collection", Rule::Site("site_id")),
    ("docs_create_category", Rule::Collection("collection_id")),
    ("docs_create_article", Rule::Collection("collection_id")),
    ("docs_upload_article", Rule::Collection("collection_id")),
    ("docs_search_articles", Rule::SiteFilter("site_id")),
    ("docs_create_article_asset", Rule::Article("article_id")),
    ("docs_create_settings_asset", Rule::SiteFilter("site_id")),
    ("docs_find_redirect", Rule::Site("site_id")),
    ("docs_create_redirect", Rule::Site("site_id")),
];
