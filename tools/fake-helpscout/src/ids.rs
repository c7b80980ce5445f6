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
