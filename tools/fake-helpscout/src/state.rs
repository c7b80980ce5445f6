//! The in-memory account. Route modules read and mutate it under one lock;
//! later resources (customer entries, organizations, workflows, webhooks,
//! Docs, Chat) get their own maps here and their own route module.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::SentEmail;

pub(crate) type Time = DateTime<Utc>;

/// Who did something. v2 shows system users as `user` (catalogue 4.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Actor {
    User(u64),
    SystemUser(u64),
    Team(u64),
    Customer(u64),
}

#[derive(Clone, Debug)]
pub(crate) struct User {
    pub(crate) id: u64,
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) email: String,
    /// owner | admin | user
    pub(crate) role: String,
    pub(crate) timezone: String,
    pub(crate) photo_url: String,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
    pub(crate) job_title: String,
    pub(crate) phone: String,
    pub(crate) alternate_emails: Vec<String>,
    /// Inboxes the user can access (`/v2/users?mailbox=`).
    pub(crate) mailbox_ids: Vec<u64>,
}

#[derive(Clone, Debug)]
pub(crate) struct CustomStatus {
    pub(crate) text: String,
    pub(crate) emoji: Option<String>,
    pub(crate) emoji_name: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct UserStatus {
    /// active | away
    pub(crate) email_status: String,
    pub(crate) updated_at: Time,
    pub(crate) performed_by: u64,
    /// ui | api | presence_detection
    pub(crate) source: String,
    /// unavailable | available | assign | custom
    pub(crate) chat_status: String,
    pub(crate) custom: Option<CustomStatus>,
}

#[derive(Clone, Debug)]
pub(crate) struct SystemUser {
    pub(crate) id: u64,
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) email: Option<String>,
    pub(crate) role: String,
    pub(crate) timezone: String,
    pub(crate) photo_url: String,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
}

#[derive(Clone, Debug)]
pub(crate) struct Team {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) timezone: String,
    pub(crate) photo_url: String,
    pub(crate) mention: String,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
    pub(crate) members: Vec<u64>,
}

#[derive(Clone, Debug)]
pub(crate) struct FieldOption {
    pub(crate) id: u64,
    pub(crate) order: u32,
    pub(crate) label: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub(crate) id: u64,
    pub(crate) name: String,
    /// dropdown | single_line | multi_line | number | date
    pub(crate) kind: String,
    pub(crate) order: u32,
    pub(crate) required: bool,
    pub(crate) options: Vec<FieldOption>,
}

#[derive(Clone, Debug)]
pub(crate) struct Folder {
    pub(crate) id: u64,
    pub(crate) name: String,
    /// open (Unassigned) | mytickets | drafts | assigned | closed | spam
    pub(crate) kind: String,
    /// Owner of a `mytickets` folder, 0 for shared folders.
    pub(crate) user_id: u64,
    pub(crate) updated_at: Time,
}

#[derive(Clone, Debug)]
pub(crate) struct SavedReply {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) chat_text: Option<String>,
    /// Chat-only replies are listed only with `includeChatReplies=true`.
    pub(crate) chat_only: bool,
    /// Deletes are soft (catalogue 3, saved_replies).
    pub(crate) deleted: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Routing {
    pub(crate) enabled: bool,
    pub(crate) assignment_limit: u32,
    /// round_robin | balanced
    pub(crate) method: String,
    pub(crate) user_ids: Vec<u64>,
}

#[derive(Clone, Debug)]
pub(crate) struct Mailbox {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) email: String,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
    pub(crate) fields: Vec<Field>,
    pub(crate) folders: Vec<Folder>,
    pub(crate) saved_replies: Vec<SavedReply>,
    pub(crate) routing: Routing,
}

/// A customer entry (email, phone, chat handle, social profile, website).
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) id: u64,
    pub(crate) kind: String,
    pub(crate) value: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Address {
    pub(crate) city: String,
    pub(crate) state: String,
    pub(crate) postal_code: String,
    pub(crate) country: String,
    pub(crate) lines: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Customer {
    pub(crate) id: u64,
    pub(crate) first: String,
    pub(crate) last: String,
    pub(crate) gender: String,
    pub(crate) job_title: String,
    pub(crate) location: String,
    pub(crate) organization: String,
    pub(crate) photo_type: String,
    pub(crate) photo_url: String,
    pub(crate) background: String,
    pub(crate) age: String,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
    pub(crate) emails: Vec<Entry>,
    pub(crate) phones: Vec<Entry>,
    pub(crate) chats: Vec<Entry>,
    pub(crate) social_profiles: Vec<Entry>,
    pub(crate) websites: Vec<Entry>,
    pub(crate) address: Option<Address>,
}

impl Customer {
    pub(crate) fn email(&self) -> Option<&str> {
        self.emails.first().map(|e| e.value.as_str())
    }

    pub(crate) fn full_name(&self) -> String {
        format!("{} {}", self.first, self.last).trim().to_string()
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Tag {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) color: String,
    pub(crate) created_at: Time,
    pub(crate) updated_at: Time,
}

#[derive(Clone, Debug)]
pub(crate) struct Attachment {
    pub(crate) id: u64,
    pub(crate) filename: String,
    pub(crate) mime_type: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) data: Vec<u8>,
    /// Validity marker exposed since 2024-08-27 (catalogue 4.7).
    pub(crate) state: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Snooze {
    pub(crate) by: u64,
    pub(crate) until: Time,
    pub(crate) unsnooze_on_customer_reply: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    pub(crate) by: u64,
    pub(crate) at: Time,
    pub(crate) unschedule_on_customer_reply: bool,
    pub(crate) send_as_creator: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Thread {
    pub(crate) id: u64,
    /// customer | reply | note | chat | phone | lineitem
    pub(crate) kind: String,
    /// Conversation status set by this thread: active | pending | closed | spam | nochange
    pub(crate) status: String,
    /// published | draft | hidden | underreview
    pub(crate) state: String,
    /// (type, text) of a line item / workflow action.
    pub(crate) action: Option<(String, String)>,
    pub(crate) body: String,
    pub(crate) source_type: String,
    pub(crate) source_via: String,
    pub(crate) customer_id: Option<u64>,
    pub(crate) created_by: Actor,
    pub(crate) assigned_to: Option<Actor>,
    pub(crate) saved_reply_id: u64,
    pub(crate) to: Vec<String>,
    pub(crate) cc: Vec<String>,
    pub(crate) bcc: Vec<String>,
    pub(crate) created_at: Time,
    pub(crate) opened_at: Option<Time>,
    pub(crate) attachments: Vec<Attachment>,
    pub(crate) scheduled: Option<Schedule>,
    pub(crate) imported: bool,
}

impl Thread {
    /// Counted in the conversation's `threads` (no line items, no drafts;
    /// webhook conversation object docs).
    pub(crate) fn is_counted(&self) -> bool {
        self.kind != "lineitem" && self.state != "draft"
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Conversation {
    pub(crate) id: u64,
    pub(crate) number: u64,
    /// email | chat | phone
    pub(crate) kind: String,
    /// active | pending | closed | spam
    pub(crate) status: String,
    /// A draft conversation (created with a draft reply; catalogue 3).
    pub(crate) draft: bool,
    pub(crate) subject: String,
    pub(crate) mailbox_id: u64,
    pub(crate) assignee: Option<Actor>,
    pub(crate) created_by: Actor,
    pub(crate) created_at: Time,
    pub(crate) closed_by: Option<u64>,
    pub(crate) closed_at: Option<Time>,
    pub(crate) user_updated_at: Time,
    /// Last change of any kind (`modifiedSince`, `sortField=modifiedAt`).
    pub(crate) modified_at: Time,
    pub(crate) source_type: String,
    pub(crate) source_via: String,
    pub(crate) tag_ids: Vec<u64>,
    pub(crate) cc: Vec<String>,
    pub(crate) bcc: Vec<String>,
    pub(crate) customer_id: u64,
    /// (field id, value); dropdown values are option ids.
    pub(crate) custom_fields: Vec<(u64, String)>,
    pub(crate) snooze: Option<Snooze>,
    /// Oldest first.
    pub(crate) threads: Vec<Thread>,
}

/// Most threads a conversation can hold (catalogue 4.7: 412 beyond this).
pub(crate) const MAX_THREADS: usize = 100;

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) owner_id: u64,
    pub(crate) users: BTreeMap<u64, User>,
    pub(crate) user_statuses: BTreeMap<u64, UserStatus>,
    pub(crate) system_users: BTreeMap<u64, SystemUser>,
    pub(crate) teams: BTreeMap<u64, Team>,
    pub(crate) mailboxes: BTreeMap<u64, Mailbox>,
    pub(crate) customers: BTreeMap<u64, Customer>,
    /// Customer property definitions and values (routes/customer_properties.rs).
    pub(crate) customer_props: crate::routes::customer_properties::PropertyState,
    pub(crate) tags: BTreeMap<u64, Tag>,
    pub(crate) conversations: BTreeMap<u64, Conversation>,
    /// Merged-away conversation id -> surviving conversation id.
    pub(crate) merged: BTreeMap<u64, u64>,
    pub(crate) sent_emails: Vec<SentEmail>,
    pub(crate) orgs: crate::routes::organizations::OrgState,
    pub(crate) workflows: crate::routes::workflows::WorkflowState,
    pub(crate) webhooks: crate::routes::webhooks::WebhookState,
    pub(crate) chats: crate::routes::chat::ChatState,
    pub(crate) reports: crate::routes::reports::ReportState,
    pub(crate) docs: crate::routes::docs::DocsState,
    counters: BTreeMap<&'static str, u64>,
}

impl State {
    /// Next id of a kind of resource; `floor` is the first id handed out.
    pub(crate) fn alloc(&mut self, kind: &'static str, floor: u64) -> u64 {
        let next = self.counters.entry(kind).or_insert(floor);
        let id = (*next).max(floor);
        *next = id + 1;
        id
    }

    /// Make sure `alloc(kind)` never returns `id` or anything below it.
    pub(crate) fn reserve(&mut self, kind: &'static str, id: u64) {
        let next = self.counters.entry(kind).or_insert(id + 1);
        if *next <= id {
            *next = id + 1;
        }
    }

    pub(crate) fn new_thread_id(&mut self) -> u64 {
        self.alloc("thread", 3_001_000)
    }

    pub(crate) fn new_attachment_id(&mut self) -> u64 {
        self.alloc("attachment", 4_000_100)
    }

    pub(crate) fn new_customer_id(&mut self) -> u64 {
        self.alloc("customer", 100_100)
    }

    pub(crate) fn new_entry_id(&mut self) -> u64 {
        self.alloc("customer_entry", 500_000)
    }

    pub(crate) fn tag_by_name(&self, name: &str) -> Option<&Tag> {
        self.tags.values().find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// The id of the tag with this name, creating it when unknown
    /// (tags are names and unknown names are created; catalogue 4.7).
    pub(crate) fn ensure_tag(&mut self, name: &str, now: Time) -> u64 {
        let name = name.trim().to_lowercase();
        if let Some(tag) = self.tag_by_name(&name) {
            return tag.id;
        }
        let id = self.alloc("tag", 500);
        const COLORS: [&str; 6] = ["#929499", "#3197D6", "#1CB06C", "#F8A91F", "#E8536F", "#7B61FF"];
        let color = COLORS[(id as usize) % COLORS.len()].to_string();
        self.tags.insert(
            id,
            Tag {
                id,
                slug: slugify(&name),
                name,
                color,
                created_at: now,
                updated_at: now,
            },
        );
        id
    }

    pub(crate) fn customer_by_email(&self, email: &str) -> Option<&Customer> {
        self.customers
            .values()
            .find(|c| c.emails.iter().any(|e| e.value.eq_ignore_ascii_case(email)))
    }

    /// A user or team that conversations can be assigned to.
    pub(crate) fn assignable(&self, id: u64) -> Option<Actor> {
        if self.users.contains_key(&id) {
            Some(Actor::User(id))
        } else if self.teams.contains_key(&id) {
            Some(Actor::Team(id))
        } else if self.system_users.contains_key(&id) {
            Some(Actor::SystemUser(id))
        } else {
            None
        }
    }

    /// The folder a conversation currently sits in (derived, like Help Scout's views).
    pub(crate) fn folder_of(&self, conv: &Conversation) -> u64 {
        let Some(mailbox) = self.mailboxes.get(&conv.mailbox_id) else {
            return 0;
        };
        let find = |kind: &str, user: u64| {
            mailbox
                .folders
                .iter()
                .find(|f| f.kind == kind && (user == 0 || f.user_id == user))
                .map(|f| f.id)
        };
        let folder = if conv.status == "spam" {
            find("spam", 0)
        } else if conv.status == "closed" {
            find("closed", 0)
        } else if conv.draft {
            find("drafts", 0)
        } else {
            match conv.assignee {
                Some(Actor::User(u)) => find("mytickets", u).or_else(|| find("assigned", 0)),
                Some(_) => find("assigned", 0),
                None => find("open", 0),
            }
        };
        folder.unwrap_or(0)
    }
}

/// `Dark Side` -> `dark-side`.
pub(crate) fn slugify(name: &str) -> String {
    let mut out = String::new();
    for ch in name.trim().chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// ISO-8601 UTC without milliseconds, Help Scout's format (catalogue 4.10).
pub(crate) fn ts(t: Time) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Dark Side"), "dark-side");
        assert_eq!(slugify("feature-request"), "feature-request");
    }

    #[test]
    fn alloc_and_reserve() {
        let mut s = State::default();
        assert_eq!(s.alloc("x", 10), 10);
        s.reserve("x", 20);
        assert_eq!(s.alloc("x", 10), 21);
    }
}
