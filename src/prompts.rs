//! MCP prompts: ready-made tasks a user can pick in the host (triage the inbox, draft a
//! reply from the Docs, summarize a customer). Each renders instructions that name the
//! exact tools and arguments to use; a prompt that needs a tool the caller's policy
//! hides is neither listed nor rendered.

use rmcp::model::{GetPromptResult, JsonObject, Prompt, PromptArgument, PromptMessage, Role};
use rmcp::ErrorData as McpError;
use serde_json::Value;

use crate::gateway::{self, ToolMode};
use crate::policy::Policy;
use crate::server::HelpScoutServer;

/// How many conversations triage_inbox reviews unless told otherwise, and at most.
const TRIAGE_DEFAULT: u64 = 10;
const TRIAGE_MAX: u64 = 50;

struct Def {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    /// (name, description, required)
    arguments: &'static [(&'static str, &'static str, bool)],
    /// Tools the rendered instructions rely on.
    needs: &'static [&'static str],
    /// The instructions, from the arguments and a check of which optional tools the
    /// caller may use.
    render: Render,
}

type Render = fn(&Args<'_>, &dyn Fn(&str) -> bool) -> Result<String, McpError>;

const TRIAGE_INBOX: Def = Def {
    name: "triage_inbox",
    title: "Triage the inbox",
    description: "Review the newest active conversations and rank them by urgency with a next action for each. \
                  Read-only.",
    arguments: &[
        (
            "mailbox_id",
            "Only this mailbox (id from list_mailboxes); default all.",
            false,
        ),
        (
            "limit",
            "How many conversations to review (default 10, at most 50).",
            false,
        ),
    ],
    needs: &["list_conversations", "get_conversation"],
    render: triage_inbox,
};

const DRAFT_REPLY_WITH_DOCS: Def = Def {
    name: "draft_reply_with_docs",
    title: "Draft a reply from the Docs",
    description: "Read a conversation, look up the answer in the Docs articles, and save a DRAFT reply for a person \
                  to review. Never sends.",
    arguments: &[("conversation_id", "The conversation to answer.", true)],
    needs: &["get_conversation", "docs_search_articles", "create_draft_reply"],
    render: draft_reply_with_docs,
};

const SUMMARIZE_CUSTOMER_HISTORY: Def = Def {
    name: "summarize_customer_history",
    title: "Summarize a customer's history",
    description: "Summarize a customer's profile and past conversations for the next agent. Give customer_id or \
                  email.",
    arguments: &[
        ("customer_id", "The customer's id.", false),
        ("email", "The customer's email, when the id is not known.", false),
    ],
    needs: &["get_customer", "list_conversations", "get_conversation"],
    render: summarize_customer_history,
};

const PROMPTS: [&Def; 3] = [&TRIAGE_INBOX, &DRAFT_REPLY_WITH_DOCS, &SUMMARIZE_CUSTOMER_HISTORY];

fn tool_allowed(server: &HelpScoutServer, policy: &Policy, tool: &str) -> bool {
    server
        .state()
        .registry
        .get(tool)
        .is_some_and(|def| policy.allows(&def.spec))
}

fn available(server: &HelpScoutServer, policy: &Policy, def: &Def) -> bool {
    def.needs.iter().all(|tool| tool_allowed(server, policy, tool))
}

/// The prompts `policy` can use.
pub fn list(server: &HelpScoutServer, policy: &Policy) -> Vec<Prompt> {
    PROMPTS
        .into_iter()
        .filter(|def| available(server, policy, def))
        .map(|def| {
            let arguments = def
                .arguments
                .iter()
                .map(|(name, description, required)| {
                    PromptArgument::new(*name)
                        .with_description(*description)
                        .with_required(*required)
                })
                .collect();
            Prompt::new(def.name, Some(def.description), Some(arguments)).with_title(def.title)
        })
        .collect()
}

/// `prompts/get`: the rendered instructions, or a protocol error for an unknown or
/// hidden prompt and for bad arguments.
pub fn get(
    server: &HelpScoutServer,
    policy: &Policy,
    name: &str,
    arguments: Option<&JsonObject>,
) -> Result<GetPromptResult, McpError> {
    let Some(def) = PROMPTS.into_iter().find(|def| def.name == name) else {
        return Err(McpError::invalid_params(format!("unknown prompt `{name}`"), None));
    };
    if let Some(tool) = def.needs.iter().find(|tool| !tool_allowed(server, policy, tool)) {
        return Err(McpError::invalid_params(
            format!("prompt `{name}` is not available: it needs `{tool}`, which the policy hides"),
            None,
        ));
    }
    let empty = JsonObject::new();
    let args = Args(arguments.unwrap_or(&empty));
    let allowed = |tool: &str| tool_allowed(server, policy, tool);
    let mut text = (def.render)(&args, &allowed)?;
    if server.state().tool_mode == ToolMode::Gateway {
        text.push_str(&format!(
            "\n\nThis server is in gateway mode: run each tool named above through {} or {} as \
             {{\"tool\": NAME, \"arguments\": {{...}}}} (describe_tool shows a tool's arguments).",
            gateway::CALL_READ_TOOL,
            gateway::CALL_WRITE_TOOL
        ));
    }
    let mut result = GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]);
    result.description = Some(def.description.to_string());
    Ok(result)
}

/// Prompt arguments: strings per the MCP spec, but numbers are accepted too.
struct Args<'a>(&'a JsonObject);

impl Args<'_> {
    fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn id(&self, name: &str) -> Result<Option<u64>, McpError> {
        match self.text(name) {
            None => Ok(None),
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|id| *id > 0)
                .map(Some)
                .ok_or_else(|| McpError::invalid_params(format!("`{name}` must be a positive integer"), None)),
        }
    }
}

fn triage_inbox(args: &Args<'_>, allowed: &dyn Fn(&str) -> bool) -> Result<String, McpError> {
    let mailbox = args.id("mailbox_id")?;
    let limit = match args.id("limit")? {
        None => TRIAGE_DEFAULT,
        Some(limit) if limit <= TRIAGE_MAX => limit,
        Some(_) => {
            return Err(McpError::invalid_params(
                format!("`limit` must be between 1 and {TRIAGE_MAX}"),
                None,
            ))
        }
    };
    let (scope, list_args) = match mailbox {
        Some(id) => (format!("mailbox {id}"), format!("{{\"mailbox_id\": {id}}}")),
        None => ("all mailboxes".to_string(), "{}".to_string()),
    };
    let mut text = format!(
        "Triage the Help Scout inbox ({scope}): review the {limit} newest active conversations and rank them.\n\n\
         1. Call list_conversations with {list_args}. It returns active conversations only (that is what needs \
         triage), newest first, 25 per page; take the next `page` if you need more than 25.\n\
         2. For each of the {limit} newest, call get_conversation {{\"conversation_id\": ID}} and read its threads.\n\
         3. For each conversation write: id and subject; the customer; what they need, in one sentence; urgency \
         (urgent, normal or low) and why; the next action (reply, ask a colleague, wait, close).\n\
         4. End with a table sorted by urgency, most urgent first.\n\n\
         This is a read-only review: do not reply, tag, assign or change any status unless the user asks."
    );
    if mailbox.is_none() && allowed("list_mailboxes") {
        text.push_str(" list_mailboxes gives mailbox names for the report.");
    }
    Ok(text)
}

fn draft_reply_with_docs(args: &Args<'_>, allowed: &dyn Fn(&str) -> bool) -> Result<String, McpError> {
    let Some(id) = args.id("conversation_id")? else {
        return Err(McpError::invalid_params("`conversation_id` is required", None));
    };
    let open_articles = if allowed("docs_get_article") {
        " Open the best matches with docs_get_article {\"article_id_or_number\": ID} for their full text."
    } else {
        ""
    };
    Ok(format!(
        "Draft a reply to Help Scout conversation {id}, grounded in the Docs knowledge base.\n\n\
         1. Call get_conversation {{\"conversation_id\": {id}}} and read every thread: what the customer asks and \
         what the team already said.\n\
         2. Call docs_search_articles {{\"query\": \"...\"}} with a few keywords of the question.{open_articles} \
         Use only what the articles say; do not invent features or policies.\n\
         3. Write a short, friendly reply that answers the question, links the articles you used (their url), and \
         says plainly what you could not answer.\n\
         4. Save it as a DRAFT with create_draft_reply {{\"conversation_id\": {id}, \"text\": \"...\"}}; a person \
         reviews and sends it.\n\n\
         Never call send_reply or any other tool that emails the customer. Finish by showing the draft and the \
         articles you used."
    ))
}

fn summarize_customer_history(args: &Args<'_>, allowed: &dyn Fn(&str) -> bool) -> Result<String, McpError> {
    let customer = args.id("customer_id")?;
    let email = args.text("email");
    if let Some(email) = &email {
        // It goes inside a quoted search term: no quotes, spaces or parentheses.
        let plausible = email.contains('@') && !email.contains(|c: char| c.is_whitespace() || "\"()\\".contains(c));
        if !plausible {
            return Err(McpError::invalid_params(
                format!("`email`: `{email}` is not an email address"),
                None,
            ));
        }
    }
    let (who, profile, query) = match (customer, email) {
        (Some(id), _) => (
            format!("customer {id}"),
            format!("Call get_customer {{\"customer_id\": {id}}} for the profile."),
            format!("(customerIds:{id})"),
        ),
        (None, Some(email)) => {
            let find = if allowed("list_customers") {
                format!(
                    "Find the customer with list_customers {{\"query\": \"(email:\\\"{email}\\\")\"}}, then call \
                     get_customer {{\"customer_id\": ID}} for the profile."
                )
            } else {
                "Take the customer id from the conversations below and call get_customer {\"customer_id\": ID} \
                 for the profile."
                    .to_string()
            };
            (
                format!("the customer with email {email}"),
                find,
                format!("(email:\\\"{email}\\\")"),
            )
        }
        (None, None) => return Err(McpError::invalid_params("give `customer_id` or `email`", None)),
    };
    Ok(format!(
        "Summarize the Help Scout history of {who} for the next agent who talks to them.\n\n\
         1. {profile}\n\
         2. Call list_conversations {{\"query\": \"{query}\", \"status\": \"all\"}} (every status, newest first; \
         take the next `page` if needed) for their conversations.\n\
         3. Open the most recent and the still-open ones with get_conversation {{\"conversation_id\": ID}}.\n\
         4. Summarize: who they are (company, role, properties); how many conversations over what period; \
         recurring topics; open issues and their status; tone and satisfaction; anything the next agent should \
         know. Cite conversation numbers.\n\n\
         This is read-only: change nothing."
    ))
}
