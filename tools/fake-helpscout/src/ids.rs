//! Ids of the deterministic seed data, for tests to rely on.
//!
//! Seeded timestamps are fixed relative to [`SEED_NOW`] (so snapshots stay
//! stable); objects created through the API use the real clock.

/// The instant the seed data was "taken" (every seeded event is before it,
/// except the seeded snooze and schedule, which are 30 days after).
pub const SEED_NOW: &str = "2026-11-20T17:00:00Z";

// ---- users (GET /v2/users) ----
/// The account owner; every issued token acts as this user (`/v2/users/me`).
pub const OWNER_USER_ID: u64 = 1001;
pub const OWNER_EMAIL: &str = "alex.morgan@fernwood.io";
/// Role `admin`.
pub const ADMIN_USER_ID: u64 = 1002;
/// All users (roles: 1001 owner, 1002 admin, others user).
pub const USER_IDS: [u64; 7] = [1001, 1002, 1003, 1004, 1005, 1006, 1007];
/// A user whose email status is `away`.
pub const AWAY_USER_ID: u64 = 1006;
/// System users (AI agents), only under `/v3/system-users`.
pub const SYSTEM_USER_IDS: [u64; 2] = [9001, 9002];
/// Teams (`/v2/teams`); 2001 "Tier 2 Support", 2002 "Billing Specialists".
pub const TEAM_IDS: [u64; 2] = [2001, 2002];

// ---- mailboxes ----
pub const SUPPORT_MAILBOX_ID: u64 = 301;
pub const BILLING_MAILBOX_ID: u64 = 302;
pub const SALES_MAILBOX_ID: u64 = 303;
pub const MAILBOX_IDS: [u64; 3] = [301, 302, 303];
/// Support inbox dropdown field "Priority" (options 7011 Low .. 7014 Urgent).
pub const PRIORITY_FIELD_ID: u64 = 701;
pub const PRIORITY_HIGH_OPTION_ID: u64 = 7013;
/// Support inbox dropdown "Plan" (options 7021 Free .. 7024 Enterprise).
pub const PLAN_FIELD_ID: u64 = 702;
/// Support inbox single-line field "Order Number".
pub const ORDER_NUMBER_FIELD_ID: u64 = 703;
/// Support inbox "Unassigned" folder (other folders: 30102 Drafts,
/// 30103 Assigned, 30104 Closed, 30105 Spam, 3011x Mine per user).
pub const SUPPORT_UNASSIGNED_FOLDER_ID: u64 = 30101;
/// A saved reply of the support inbox ("Password reset instructions").
pub const SAVED_REPLY_ID: u64 = 801;
/// A chat-only saved reply (listed only with `includeChatReplies=true`).
pub const CHAT_SAVED_REPLY_ID: u64 = 804;

// ---- tags ----
/// Tag ids 401..=412; 401 is `vip`, 402 `bug`, 403 `billing`.
pub const VIP_TAG_ID: u64 = 401;
pub const BUG_TAG_ID: u64 = 402;

// ---- customers ----
/// First of the 45 seeded customers (100001..=100045); Maria Gonzalez.
pub const CUSTOMER_ID: u64 = 100_001;
pub const CUSTOMER_EMAIL: &str = "maria.gonzalez@brightpath-logistics.com";
pub const CUSTOMER_COUNT: u64 = 45;

// ---- conversations ----
/// Regular conversations are 2000001..=2000060 (numbers 1001..=1060).
pub const FIRST_CONVERSATION_ID: u64 = 2_000_001;
/// Merged into [`MERGE_TARGET_CONVERSATION_ID`]: GET answers 301, writes 404.
pub const MERGED_CONVERSATION_ID: u64 = 2_000_061;
pub const MERGE_TARGET_CONVERSATION_ID: u64 = 2_000_005;
/// Holds exactly 100 threads: adding one answers 412.
pub const FULL_CONVERSATION_ID: u64 = 2_000_062;
/// A customer thread with three attachments.
pub const ATTACHMENT_CONVERSATION_ID: u64 = 2_000_063;
pub const ATTACHMENT_THREAD_ID: u64 = 3_000_901;
/// `screenshot.png`, image/png, 64x40.
pub const PNG_ATTACHMENT_ID: u64 = 4_000_001;
/// `export-log.txt`, text/plain.
pub const TEXT_ATTACHMENT_ID: u64 = 4_000_002;
/// `invoice-4471.pdf`, application/pdf.
pub const PDF_ATTACHMENT_ID: u64 = 4_000_003;
/// A draft conversation (state `draft`); PATCH /draft false sends it.
pub const DRAFT_CONVERSATION_ID: u64 = 2_000_064;
pub const DRAFT_CONVERSATION_THREAD_ID: u64 = 3_000_911;
/// A `chat` conversation (chat threads; one long message).
pub const CHAT_CONVERSATION_ID: u64 = 2_000_065;
/// A `phone` conversation with a phone thread and a note.
pub const PHONE_CONVERSATION_ID: u64 = 2_000_066;
/// Snoozed until 30 days after [`SEED_NOW`].
pub const SNOOZED_CONVERSATION_ID: u64 = 2_000_067;
/// Has a draft reply scheduled 30 days after [`SEED_NOW`].
pub const SCHEDULED_CONVERSATION_ID: u64 = 2_000_068;
pub const SCHEDULED_THREAD_ID: u64 = 3_000_921;
/// Created by system user 9001: v2 shows `user`, v3 `system_user`.
pub const SYSTEM_USER_CONVERSATION_ID: u64 = 2_000_069;
/// Active conversation whose latest thread is an unscheduled draft reply.
pub const DRAFT_REPLY_CONVERSATION_ID: u64 = 2_000_070;
pub const DRAFT_REPLY_THREAD_ID: u64 = 3_000_931;

// ---- organizations, workflows, webhooks, chat ----
/// Organizations are seeded one per company of the seeded customers, from this
/// id on, in order of first appearance: 50001 is "BrightPath Logistics"
/// (domain brightpath-logistics.com; [`CUSTOMER_ID`] is a member).
pub const FIRST_ORGANIZATION_ID: u64 = 50_001;
/// "Northwind Traders": no customers, no conversations.
pub const EMPTY_ORGANIZATION_ID: u64 = 50_100;
/// Organization property definitions: `plan` (dropdown Starter/Pro/Enterprise),
/// `seats` (number), `renewal-date` (date), `account-manager` (text),
/// `crm-record` (url). 50001 has plan Enterprise, seats 120, a renewal date and
/// an account manager; 50002 has plan Pro.
pub const ORG_PROPERTY_SLUGS: [&str; 5] = ["plan", "seats", "renewal-date", "account-manager", "crm-record"];
/// Manual, active, support inbox (301): assigns team 2001 and tags `escalated`.
pub const ESCALATE_WORKFLOW_ID: u64 = 601;
/// Manual, active, support inbox (301): tags `billing`, sets status pending.
pub const TRIAGE_WORKFLOW_ID: u64 = 602;
/// Automatic, active, support inbox (301): cannot be run (400).
pub const AUTOMATIC_WORKFLOW_ID: u64 = 603;
/// Manual but inactive, support inbox (301): cannot be run until activated.
pub const INACTIVE_WORKFLOW_ID: u64 = 604;
/// Manual, active, billing inbox (302): replies to the customer (a sent email
/// with `via: "workflow"`) and sets status pending.
pub const BILLING_WORKFLOW_ID: u64 = 605;
/// Automatic, status `invalid`, sales inbox (303): cannot be activated.
pub const INVALID_WORKFLOW_ID: u64 = 606;
/// Enabled webhook (CRM sync, inboxes 301 and 302) and its secret, which the
/// API returns in clear on reads.
pub const WEBHOOK_ID: u64 = 70_001;
pub const WEBHOOK_SECRET: &str = "crm-sync-5ecret-7f3a9c21";
/// Disabled, notification-only webhook and its secret.
pub const DISABLED_WEBHOOK_ID: u64 = 70_002;
pub const DISABLED_WEBHOOK_SECRET: &str = "legacy-bridge-b41e0d";
/// Beacon chat behind [`CHAT_CONVERSATION_ID`] (same customer and messages).
pub const CHAT_ID: &str = "8c2b7e14-5d9a-4f3b-9e61-0a7d2c4b8f35";
/// A Beacon chat with more events than fit on one page (50).
pub const LONG_CHAT_ID: &str = "d4e8a1c7-2b6f-4e90-b3d5-7f1a9c0e6b42";
pub const LONG_CHAT_EVENT_COUNT: usize = 64;

// ---- customers: entries and properties ----
/// Entries of [`CUSTOMER_ID`] (fixed ids): its work email is [`CUSTOMER_EMAIL`];
/// it also has a home email, a work phone, a skype chat handle, a twitter
/// profile, a website and an address.
pub const CUSTOMER_WORK_EMAIL_ID: u64 = 590_001;
pub const CUSTOMER_HOME_EMAIL_ID: u64 = 590_002;
pub const CUSTOMER_PHONE_ID: u64 = 590_003;
pub const CUSTOMER_CHAT_ID: u64 = 590_004;
pub const CUSTOMER_SOCIAL_PROFILE_ID: u64 = 590_005;
pub const CUSTOMER_WEBSITE_ID: u64 = 590_006;
/// A customer without an address.
pub const NO_ADDRESS_CUSTOMER_ID: u64 = 100_002;
/// Seeded customer property definitions: `plan` (dropdown Free/Pro/Enterprise),
/// `seats` (number), `account-manager` (text), `crm-url` (url), `renewal-date` (date).
pub const CUSTOMER_PROPERTY_SLUGS: [&str; 5] = ["plan", "seats", "account-manager", "crm-url", "renewal-date"];
/// The `plan` option "Enterprise" (CUSTOMER_ID's plan is "Pro").
pub const PLAN_ENTERPRISE_OPTION_ID: &str = "5a0c7e1e-0c1f-4f43-9a57-2b8f6f3c1003";

// ---- reports and satisfaction ratings ----
/// Satisfaction ratings 90001..=90012 (`GET /v2/ratings/{id}`), each on the
/// first user reply of a seeded email conversation; kinds cycle great, great,
/// okay, great, not_good, great.
pub const FIRST_RATING_ID: u64 = 90_001;
pub const RATING_COUNT: u64 = 12;
/// A `great` rating with a comment.
pub const GREAT_RATING_ID: u64 = 90_001;
/// A `not_good` rating with a comment.
pub const NOT_GOOD_RATING_ID: u64 = 90_005;

// ---- docs (Docs API v1, `/v1`; ids are 24-hex strings) ----
/// "Fernwood Help Center": subDomain `fernwood`, CNAME `help.fernwood.io`, public.
pub const DOCS_SITE_ID: &str = "671001c40000000000000001";
/// "Fernwood Partner Hub": restricted Docs enabled, with [`DOCS_SHARED_SECRET`].
pub const DOCS_PARTNER_SITE_ID: &str = "671001c40000000000000002";
/// The partner site's restricted-Docs shared secret (must never reach tool output).
pub const DOCS_SHARED_SECRET: &str = "p4R7nVq2Lx9sKd3Tg8Wz1HbYc6Mf0JeA5uQiXoNlSrE=";
/// "Getting Started" (number 1, site [`DOCS_SITE_ID`]); collections 1..=4, the
/// others "Account & Billing", "Integrations & API" and the private "Partner Playbook".
pub const DOCS_COLLECTION_ID: &str = "671002c40000000000000001";
pub const DOCS_BILLING_COLLECTION_ID: &str = "671002c40000000000000002";
/// "Partner Playbook", visibility private, on [`DOCS_PARTNER_SITE_ID`].
pub const DOCS_PRIVATE_COLLECTION_ID: &str = "671002c40000000000000004";
/// Category "Basics" (number 1) of "Getting Started"; categories are numbered 1..=9.
pub const DOCS_CATEGORY_ID: &str = "671003c40000000000000001";
pub const DOCS_CATEGORY_NUMBER: u64 = 1;
/// "Setting up two-factor authentication" (number 112), published, two revisions,
/// related to 113 and 45. 22 articles are seeded (numbers unique).
pub const DOCS_ARTICLE_ID: &str = "671004c40000000000000001";
pub const DOCS_ARTICLE_NUMBER: u64 = 112;
/// The earlier of [`DOCS_ARTICLE_ID`]'s two revisions.
pub const DOCS_REVISION_ID: &str = "671005c40000000000000001";
/// "Using the Board view" (141): published, with an unpublished draft.
pub const DOCS_DRAFT_ARTICLE_ID: &str = "671004c40000000000000002";
/// "Importing tasks from a CSV file" (24): status notpublished.
pub const DOCS_UNPUBLISHED_ARTICLE_ID: &str = "671004c40000000000000003";
/// `/article/11-first-project` on [`DOCS_SITE_ID`] -> article 12.
pub const DOCS_REDIRECT_ID: &str = "671006c40000000000000001";
/// On [`DOCS_SITE_ID`], a two-hop chain ending at article 23, anchor `before-you-start`.
pub const DOCS_CHAIN_REDIRECT_URL: &str = "/old/trello-import";
