//! Deterministic Docs seed: two sites (the public Fernwood Help Center and a
//! restricted partner site), four collections, nine categories, 22 articles
//! with realistic HTML (some unpublished, one with a draft, several with
//! older revisions) and redirects including a two-hop chain. Ids that tests
//! rely on are in [`crate::ids`] under "docs".

use chrono::Duration;
use serde_json::{json, Map, Value};

use super::{Article, Category, Collection, Redirect, Restriction, Revision, Site};
use crate::ids::DOCS_SHARED_SECRET;
use crate::state::{State, Time};

/// Kinds in seeded ids (`6710<kind>c4<n>`).
const SITE: u8 = 1;
const COLLECTION: u8 = 2;
const CATEGORY: u8 = 3;
const ARTICLE: u8 = 4;
const REVISION: u8 = 5;
const REDIRECT: u8 = 6;

/// The id of the `n`th seeded object of a kind (24 hex characters).
pub(crate) fn seed_id(kind: u8, n: u64) -> String {
    format!("6710{kind:02x}c4{n:016x}")
}

/// Owner (1001) and admin (1002) write the docs.
const AUTHORS: [u64; 2] = [1001, 1002];

pub(crate) fn seed(state: &mut State, now: Time) {
    sites(state, now);
    collections(state, now);
    categories(state, now);
    articles(state, now);
    redirects(state, now);
}

fn settings(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
}

fn sites(state: &mut State, now: Time) {
    let help = Site {
        id: seed_id(SITE, 1),
        settings: settings(&[
            ("status", json!("active")),
            ("subDomain", json!("fernwood")),
            ("cname", json!("help.fernwood.io")),
            ("hasPublicSite", json!(true)),
            ("companyName", json!("Fernwood")),
            ("title", json!("Fernwood Help Center")),
            ("logoUrl", json!("https://assets.fernwood.io/brand/fernwood-logo.png")),
            ("logoWidth", json!(180)),
            ("logoHeight", json!(40)),
            ("favIconUrl", json!("https://assets.fernwood.io/brand/favicon.png")),
            ("homeUrl", json!("https://fernwood.io")),
            ("homeLinkText", json!("Back to fernwood.io")),
            ("bgColor", json!("#1f3a2e")),
            (
                "description",
                json!("Guides and answers for Fernwood, the project planner for small teams"),
            ),
            ("hasContactForm", json!(true)),
            ("mailboxId", json!(301)),
        ]),
        created_by: AUTHORS[0],
        updated_by: AUTHORS[1],
        created_at: now - Duration::days(720),
        updated_at: now - Duration::days(12),
        restriction: Restriction {
            enabled: false,
            sign_in_url: None,
            shared_secret: None,
        },
    };
    let partners = Site {
        id: seed_id(SITE, 2),
        settings: settings(&[
            ("status", json!("active")),
            ("subDomain", json!("fernwood-partners")),
            ("hasPublicSite", json!(true)),
            ("companyName", json!("Fernwood")),
            ("title", json!("Fernwood Partner Hub")),
            ("homeUrl", json!("https://partners.fernwood.io")),
            ("bgColor", json!("#2b2d42")),
            (
                "description",
                json!("Playbooks and program terms for Fernwood agency partners"),
            ),
            ("hasContactForm", json!(false)),
            ("contactEmail", json!("partners@fernwood.io")),
        ]),
        created_by: AUTHORS[0],
        updated_by: AUTHORS[0],
        created_at: now - Duration::days(300),
        updated_at: now - Duration::days(45),
        restriction: Restriction {
            enabled: true,
            sign_in_url: Some("https://partners.fernwood.io/docs-login".into()),
            shared_secret: Some(DOCS_SHARED_SECRET.into()),
        },
    };
    for site in [help, partners] {
        state.docs.sites.insert(site.id.clone(), site);
    }
}

/// (site, name, slug, visibility, description)
const COLLECTIONS: &[(u64, &str, &str, &str, Option<&str>)] = &[
    (
        1,
        "Getting Started",
        "getting-started",
        "public",
        Some("Set up projects, views and imports"),
    ),
    (
        1,
        "Account & Billing",
        "account-billing",
        "public",
        Some("Security, plans, invoices and refunds"),
    ),
    (
        1,
        "Integrations & API",
        "integrations-api",
        "public",
        Some("Connect Fernwood to your tools"),
    ),
    (2, "Partner Playbook", "partner-playbook", "private", None),
];

fn collections(state: &mut State, now: Time) {
    for (i, (site, name, slug, visibility, description)) in COLLECTIONS.iter().enumerate() {
        let n = i as u64 + 1;
        let c = Collection {
            id: seed_id(COLLECTION, n),
            site_id: seed_id(SITE, *site),
            number: n,
            slug: (*slug).into(),
            visibility: (*visibility).into(),
            order: n as i64,
            name: (*name).into(),
            description: description.map(str::to_string),
            created_by: AUTHORS[0],
            updated_by: AUTHORS[i % 2],
            created_at: now - Duration::days(700 - 40 * i as i64),
            updated_at: now - Duration::days(20 + 3 * i as i64),
        };
        state.docs.collections.insert(c.id.clone(), c);
    }
}

/// (collection, name, slug, order, defaultSort)
const CATEGORIES: &[(u64, &str, &str, i64, &str)] = &[
    (1, "Basics", "basics", 1, "custom"),
    (1, "Projects & Views", "projects-views", 2, "popularity"),
    (1, "Importing", "importing", 3, "name"),
    (2, "Security", "security", 1, "popularity"),
    (2, "Billing", "billing", 2, "name"),
    (2, "Team management", "team-management", 3, "popularity"),
    (3, "Integrations", "integrations", 1, "name"),
    (3, "API & Webhooks", "api-webhooks", 2, "custom"),
    (4, "Onboarding clients", "onboarding-clients", 1, "custom"),
];

fn categories(state: &mut State, now: Time) {
    for (i, (collection, name, slug, order, sort)) in CATEGORIES.iter().enumerate() {
        let n = i as u64 + 1;
        let c = Category {
            id: seed_id(CATEGORY, n),
            collection_id: seed_id(COLLECTION, *collection),
            number: n,
            slug: (*slug).into(),
            visibility: "public".into(),
            order: *order,
            default_sort: (*sort).into(),
            name: (*name).into(),
            description: None,
            created_by: AUTHORS[0],
            updated_by: AUTHORS[0],
            created_at: now - Duration::days(690 - 30 * i as i64),
            updated_at: now - Duration::days(30 + i as i64),
        };
        state.docs.categories.insert(c.id.clone(), c);
    }
}

struct ArticleSeed {
    number: u64,
    slug: &'static str,
    name: &'static str,
    collection: u64,
    categories: &'static [u64],
    published: bool,
    views: u64,
    keywords: &'static [&'static str],
    related: &'static [u64],
    html: &'static str,
    /// Text of an earlier revision, if the article was edited since.
    earlier: Option<&'static str>,
    draft: Option<&'static str>,
}

const ARTICLES: &[ArticleSeed] = &[
    ArticleSeed {
        number: 112,
        slug: "two-factor-authentication",
        name: "Setting up two-factor authentication",
        collection: 2,
        categories: &[4],
        published: true,
        views: 4180,
        keywords: &["2fa", "security", "authenticator", "login"],
        related: &[113, 45],
        html: r#"<p>Two-factor authentication (2FA) adds a one-time code to your password, so a stolen password alone cannot open your workspace.</p>
<h2 id="turn-on">Turn on 2FA</h2>
<ol><li>Sign in at <a href="https://app.fernwood.io">app.fernwood.io</a> and open <strong>Settings &gt; Security</strong>.</li><li>Click <strong>Enable two-factor authentication</strong>.</li><li>Scan the QR code with an authenticator app such as Google Authenticator, 1Password or Authy.</li><li>Enter the 6-digit code the app shows and click <strong>Verify</strong>.</li></ol>
<p><img src="https://helpscout-docs.s3.amazonaws.com/docs/assets/fernwood/images/2fa-qr-step.png" alt="The QR code step in Settings &gt; Security" width="640"></p>
<h2 id="backup-codes">Backup codes</h2>
<p>After you verify, Fernwood shows 10 backup codes. Each works once. Store them in your password manager: a new set is generated every time 2FA is enabled, and the old set stops working.</p>
<div class="callout-yellow"><p><strong>Codes rejected?</strong> Make sure your phone sets its time automatically. If the codes are still rejected, remove the old Fernwood entry from your authenticator app and set 2FA up again.</p></div>
<h2 id="lost-device">Lost your phone?</h2>
<p>Sign in with a backup code, or ask a workspace admin to reset 2FA for you from <strong>Members</strong>. Our support team can also reset it after verifying your identity with the billing contact.</p>"#,
        earlier: Some(
            r#"<p>Two-factor authentication (2FA) adds a one-time code to your password.</p>
<ol><li>Open <strong>Settings &gt; Security</strong>.</li><li>Click <strong>Enable two-factor authentication</strong> and scan the QR code.</li><li>Enter the code to confirm.</li></ol>
<p>Keep your backup codes somewhere safe.</p>"#,
        ),
        draft: None,
    },
    ArticleSeed {
        number: 141,
        slug: "board-view",
        name: "Using the Board view",
        collection: 1,
        categories: &[2],
        published: true,
        views: 2210,
        keywords: &["kanban", "board", "columns"],
        related: &[140],
        html: r#"<p>The Board view shows a project's tasks as cards in columns, one column per status. Drag a card to another column to change its status.</p>
<h2>Customise columns</h2>
<ul><li>Click <strong>+ Column</strong> to add a status.</li><li>Drag column headers to reorder them.</li><li>Set a WIP limit from the column menu to highlight overloaded stages.</li></ul>
<p>Swimlanes group cards by assignee, priority or label. Choose one from <strong>Group by</strong> in the toolbar.</p>"#,
        earlier: None,
        draft: Some(
            r#"<p>The Board view shows a project's tasks as cards in columns, one column per status. Drag a card to another column to change its status.</p>
<h2>Customise columns</h2>
<ul><li>Click <strong>+ Column</strong> to add a status.</li><li>Drag column headers to reorder them.</li><li>Set a WIP limit from the column menu to highlight overloaded stages.</li><li><strong>New:</strong> collapse a column to hide done work.</li></ul>
<p>Swimlanes group cards by assignee, priority, label or custom field. Choose one from <strong>Group by</strong> in the toolbar.</p>"#,
        ),
    },
    ArticleSeed {
        number: 24,
        slug: "import-csv",
        name: "Importing tasks from a CSV file",
        collection: 1,
        categories: &[3],
        published: false,
        views: 0,
        keywords: &["csv", "import", "spreadsheet"],
        related: &[23],
        html: r#"<p>You can create many tasks at once from a spreadsheet saved as CSV (UTF-8).</p>
<ol><li>Open the project and choose <strong>Import &gt; CSV file</strong>.</li><li>Map each column to a task field: title, assignee (email), due date (YYYY-MM-DD), status and labels.</li><li>Check the preview and click <strong>Import</strong>.</li></ol>
<p>Rows with an unknown assignee are imported unassigned. Imports of more than 5,000 rows run in the background and email you when they finish.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 12,
        slug: "creating-your-first-project",
        name: "Creating your first project",
        collection: 1,
        categories: &[1],
        published: true,
        views: 6120,
        keywords: &["project", "getting started", "template"],
        related: &[13, 140],
        html: r#"<p>Projects hold your tasks, files and conversations about one piece of work.</p>
<ol><li>Click <strong>New project</strong> in the sidebar.</li><li>Pick a template (Marketing launch, Client onboarding, Sprint) or start blank.</li><li>Name the project, choose who can see it and click <strong>Create</strong>.</li></ol>
<p>Next, <a href="https://help.fernwood.io/article/13-inviting-teammates">invite your teammates</a> and add your first tasks with the <strong>+</strong> button or by pressing <kbd>N</kbd>.</p>"#,
        earlier: Some("<p>Click <strong>New project</strong> in the sidebar, name it and click Create.</p>"),
        draft: None,
    },
    ArticleSeed {
        number: 13,
        slug: "inviting-teammates",
        name: "Inviting teammates",
        collection: 1,
        categories: &[1],
        published: true,
        views: 3380,
        keywords: &["invite", "members", "seats"],
        related: &[45],
        html: r#"<p>Workspace owners and admins can invite people from <strong>Settings &gt; Members &gt; Invite</strong>. Enter one or more email addresses and choose a role.</p>
<p>Invitations expire after 14 days. Pending invitations do not use a paid seat until they are accepted.</p>
<p>To let anyone with your company email join without an invitation, turn on <strong>Domain sign-up</strong> on the same page.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 140,
        slug: "timeline-view",
        name: "Working with the Timeline view",
        collection: 1,
        categories: &[2],
        published: true,
        views: 2890,
        keywords: &["gantt", "timeline", "dependencies"],
        related: &[141, 12],
        html: r#"<p>The Timeline view lays tasks out on a calendar so you can see how work overlaps.</p>
<h2>Dependencies</h2>
<p>Drag from the dot at the end of one bar to the start of another to make the second task wait for the first. When a task moves, everything that depends on it moves too.</p>
<h2>Tips</h2>
<ul><li>Hold <kbd>Shift</kbd> while dragging to move a task without moving its dependents.</li><li>Use <strong>Zoom</strong> to switch between days, weeks and quarters.</li><li>Tasks without dates appear in the <strong>Unscheduled</strong> tray at the bottom.</li></ul>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 23,
        slug: "import-from-trello",
        name: "Importing from Trello",
        collection: 1,
        categories: &[3],
        published: true,
        views: 1760,
        keywords: &["trello", "import", "migration"],
        related: &[24],
        html: r#"<h2 id="before-you-start">Before you start</h2>
<p>You need to be an admin of the Trello boards you import. Archived cards are skipped.</p>
<h2>Import a board</h2>
<ol><li>Choose <strong>Import &gt; Trello</strong> and connect your Trello account.</li><li>Select the boards to import. Each board becomes a Fernwood project.</li><li>Match Trello members to Fernwood members, then click <strong>Start import</strong>.</li></ol>
<p>Lists become statuses, labels stay labels and checklists become subtasks. Attachments larger than 25 MB are linked instead of copied.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 77,
        slug: "mobile-sync",
        name: "Troubleshooting mobile sync",
        collection: 1,
        categories: &[1],
        published: true,
        views: 1450,
        keywords: &["ios", "android", "offline", "sync"],
        related: &[],
        html: r#"<p>The mobile apps keep a local copy of your projects and sync it whenever they are online. If changes do not show up on another device:</p>
<ol><li>Pull down on the project list to force a sync.</li><li>Check <strong>Settings &gt; Sync status</strong> for items waiting to upload.</li><li>Sign out and back in. Unsynced changes are kept and uploaded after you sign in.</li></ol>
<p>Still stuck? Send us the sync log from <strong>Settings &gt; Help &gt; Send diagnostics</strong>.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 87,
        slug: "exporting-data",
        name: "Exporting your data",
        collection: 1,
        categories: &[2],
        published: true,
        views: 1320,
        keywords: &["export", "csv", "backup"],
        related: &[],
        html: r#"<p>Export a project from <strong>Project menu &gt; Export</strong> as CSV (tasks only) or JSON (tasks, comments and activity).</p>
<p>Workspace owners can export everything at once from <strong>Settings &gt; Data &gt; Export workspace</strong>. Large exports are prepared in the background; you get an email with a download link that stays valid for 7 days.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 113,
        slug: "single-sign-on",
        name: "Single sign-on (SSO) with SAML",
        collection: 2,
        categories: &[4],
        published: true,
        views: 980,
        keywords: &["sso", "saml", "okta", "azure ad"],
        related: &[112],
        html: r#"<p>On the Business and Enterprise plans, members can sign in through your identity provider (Okta, Microsoft Entra ID, Google Workspace or any SAML 2.0 provider).</p>
<ol><li>In <strong>Settings &gt; Security &gt; Single sign-on</strong>, copy the ACS URL and Entity ID.</li><li>Create a SAML app in your identity provider with those values.</li><li>Paste the provider's metadata URL back into Fernwood and click <strong>Test connection</strong>.</li></ol>
<p>Once SSO is enforced, members sign in only through your provider and 2FA is managed there.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 45,
        slug: "roles-and-permissions",
        name: "Roles and permissions",
        collection: 2,
        categories: &[6],
        published: true,
        views: 2050,
        keywords: &["roles", "admin", "guest", "permissions"],
        related: &[13],
        html: r#"<p>Every workspace member has one role:</p>
<ul><li><strong>Owner</strong>: everything, including billing and deleting the workspace.</li><li><strong>Admin</strong>: manage members, projects and integrations.</li><li><strong>Member</strong>: create and edit projects they can see.</li><li><strong>Guest</strong>: only the projects they are invited to; guests are free.</li></ul>
<p>Change a role from <strong>Settings &gt; Members</strong>. A workspace always has exactly one owner; transfer ownership before changing your own role.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 301,
        slug: "refunds",
        name: "How refunds work",
        collection: 2,
        categories: &[5],
        published: true,
        views: 1190,
        keywords: &["refund", "billing", "money back"],
        related: &[320, 310],
        html: r#"<p>Annual plans can be refunded in full within 30 days of purchase. After that, we refund the unused months when you downgrade, minus any discount you received.</p>
<p>Monthly plans are not refunded, but you keep access until the end of the paid month.</p>
<p>Refunds go back to the original payment method and take 5-10 business days to appear.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 305,
        slug: "failed-payments",
        name: "Failed payments",
        collection: 2,
        categories: &[5],
        published: true,
        views: 640,
        keywords: &["card declined", "payment", "dunning"],
        related: &[310],
        html: r#"<p>If a renewal payment fails, we retry it after 3, 5 and 7 days and email the billing contact each time.</p>
<p>Update the card in <strong>Settings &gt; Billing &gt; Payment method</strong>; we retry immediately. After the last retry the workspace becomes read-only until the invoice is paid. No data is deleted.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 310,
        slug: "invoices",
        name: "Downloading invoices",
        collection: 2,
        categories: &[5],
        published: true,
        views: 910,
        keywords: &["invoice", "receipt", "vat"],
        related: &[305],
        html: r#"<p>Owners and billing admins find every invoice under <strong>Settings &gt; Billing &gt; Invoices</strong>. Click an invoice to download it as PDF.</p>
<p>To add your VAT number or a purchase-order reference to future invoices, edit <strong>Billing details</strong>. Past invoices cannot be changed, but we can reissue them on request.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 320,
        slug: "cancel",
        name: "Cancelling your subscription",
        collection: 2,
        categories: &[5],
        published: true,
        views: 870,
        keywords: &["cancel", "downgrade", "close account"],
        related: &[301],
        html: r#"<p>Cancel from <strong>Settings &gt; Billing &gt; Cancel subscription</strong>. Your workspace stays on the paid plan until the end of the billing period, then moves to the Free plan.</p>
<p>Nothing is deleted when you cancel. To delete the workspace and all its data, the owner can use <strong>Settings &gt; Data &gt; Delete workspace</strong>.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 64,
        slug: "slack-integration",
        name: "Using Fernwood with Slack",
        collection: 3,
        categories: &[7],
        published: true,
        views: 1580,
        keywords: &["slack", "notifications", "integration"],
        related: &[65],
        html: r#"<p>Connect Slack from <strong>Settings &gt; Integrations &gt; Slack</strong>. You can then:</p>
<ul><li>Post project updates to a channel.</li><li>Create a task from any Slack message with the <strong>Send to Fernwood</strong> shortcut.</li><li>Get your personal Fernwood notifications as Slack DMs.</li></ul>
<p>If messages stop arriving, reconnect the integration: Slack revokes tokens when the person who installed it leaves your Slack workspace.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 65,
        slug: "google-calendar",
        name: "Syncing with Google Calendar",
        collection: 3,
        categories: &[7],
        published: true,
        views: 720,
        keywords: &["calendar", "google", "ical"],
        related: &[64],
        html: r#"<p>Tasks with a due date can appear in Google Calendar. Open <strong>Settings &gt; Integrations &gt; Calendar</strong>, choose Google and pick which projects to sync.</p>
<p>Sync is one-way: moving an event in Google Calendar does not change the task. Changes in Fernwood show up in the calendar within 15 minutes.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 201,
        slug: "webhooks",
        name: "Webhooks reference",
        collection: 3,
        categories: &[8],
        published: true,
        views: 1230,
        keywords: &["webhooks", "api", "events", "signature"],
        related: &[202, 203],
        html: r#"<p>Webhooks send an HTTPS POST to your URL when something happens in a workspace.</p>
<h2>Events</h2>
<ul><li><code>task.created</code>, <code>task.updated</code>, <code>task.completed</code>, <code>task.deleted</code></li><li><code>project.created</code>, <code>project.archived</code></li><li><code>comment.created</code></li></ul>
<h2>Verifying requests</h2>
<p>Each request carries an <code>X-Fernwood-Signature</code> header: the hex HMAC-SHA256 of the raw body with your webhook secret. Compare it in constant time before trusting the payload.</p>
<p>Deliveries that do not get a 2xx answer within 10 seconds are retried up to 8 times over 24 hours.</p>"#,
        earlier: Some(
            r#"<p>Webhooks send an HTTPS POST to your URL when a task changes. Events: <code>task.created</code>, <code>task.updated</code>.</p>"#,
        ),
        draft: None,
    },
    ArticleSeed {
        number: 202,
        slug: "api-authentication",
        name: "API authentication",
        collection: 3,
        categories: &[8],
        published: true,
        views: 1010,
        keywords: &["api", "token", "oauth"],
        related: &[201],
        html: r#"<p>The Fernwood REST API uses personal access tokens for scripts and OAuth 2.0 for apps used by other workspaces.</p>
<p>Create a token in <strong>Settings &gt; API</strong> and send it as <code>Authorization: Bearer &lt;token&gt;</code>. Tokens act as the person who created them and can be revoked at any time.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 203,
        slug: "api-rate-limits",
        name: "API rate limits",
        collection: 3,
        categories: &[8],
        published: false,
        views: 0,
        keywords: &["api", "rate limit", "429"],
        related: &[202],
        html: r#"<p>Each token may make 120 requests per minute. Responses carry <code>X-RateLimit-Remaining</code>; when it reaches zero the API answers 429 with a <code>Retry-After</code> header.</p>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 501,
        slug: "client-onboarding-checklist",
        name: "Client onboarding checklist",
        collection: 4,
        categories: &[9],
        published: true,
        views: 240,
        keywords: &["partners", "onboarding", "checklist"],
        related: &[502],
        html: r#"<p>Use this checklist for every client workspace you set up:</p>
<ol><li>Create the workspace with the client as owner and your agency as admin.</li><li>Apply the <strong>Agency onboarding</strong> template.</li><li>Import their existing tasks (Trello or CSV).</li><li>Book a 30-minute walkthrough in the first week.</li></ol>"#,
        earlier: None,
        draft: None,
    },
    ArticleSeed {
        number: 502,
        slug: "referral-program-terms",
        name: "Referral program terms",
        collection: 4,
        categories: &[],
        published: true,
        views: 130,
        keywords: &["referral", "commission"],
        related: &[],
        html: r#"<p>Partners earn 20% of the first year's subscription for every referred workspace that stays on a paid plan for 60 days. Commissions are paid quarterly.</p>"#,
        earlier: None,
        draft: None,
    },
];

fn articles(state: &mut State, now: Time) {
    let id_of = |number: u64| {
        ARTICLES
            .iter()
            .position(|a| a.number == number)
            .map(|i| seed_id(ARTICLE, i as u64 + 1))
    };
    let mut revision = 0u64;
    for (i, a) in ARTICLES.iter().enumerate() {
        let n = i as u64 + 1;
        let id = seed_id(ARTICLE, n);
        let created = now - Duration::days(600 - 20 * i as i64);
        let updated = now - Duration::days(2 + 3 * i as i64);
        let author = AUTHORS[i % 2];
        // Earlier text first, then the current one: the newest revision is the current text.
        for (text, at) in a.earlier.map(|t| (t, created)).into_iter().chain([(a.html, updated)]) {
            revision += 1;
            let r = Revision {
                id: seed_id(REVISION, revision),
                article_id: id.clone(),
                text: text.into(),
                created_by: author,
                created_at: at,
            };
            state.docs.revisions.insert(r.id.clone(), r);
        }
        let article = Article {
            id: id.clone(),
            number: a.number,
            collection_id: seed_id(COLLECTION, a.collection),
            slug: a.slug.into(),
            status: if a.published { "published" } else { "notpublished" }.into(),
            name: a.name.into(),
            text: a.html.into(),
            draft: a.draft.map(str::to_string),
            categories: a.categories.iter().map(|c| seed_id(CATEGORY, *c)).collect(),
            related: a.related.iter().filter_map(|r| id_of(*r)).collect(),
            keywords: a.keywords.iter().map(|k| (*k).to_string()).collect(),
            view_count: a.views,
            created_by: author,
            updated_by: AUTHORS[(i + 1) % 2],
            created_at: created,
            updated_at: if a.draft.is_some() {
                now - Duration::hours(20)
            } else {
                updated
            },
            last_published_at: a.published.then_some(updated),
        };
        state.docs.articles.insert(id, article);
    }
}

/// (site, urlMapping, redirect)
const REDIRECTS: &[(u64, &str, &str)] = &[
    (
        1,
        "/article/11-first-project",
        "https://help.fernwood.io/article/12-creating-your-first-project",
    ),
    // A two-hop chain: /old/trello-import -> /article/22-trello -> article 23.
    (1, "/old/trello-import", "https://help.fernwood.io/article/22-trello"),
    (
        1,
        "/article/22-trello",
        "https://help.fernwood.io/article/23-import-from-trello#before-you-start",
    ),
    (1, "/status", "https://status.fernwood.io"),
    (
        1,
        "/collection/9-billing",
        "https://help.fernwood.io/collection/2-account-billing",
    ),
    (
        2,
        "/article/1-welcome",
        "https://fernwood-partners.helpscoutdocs.com/article/501-client-onboarding-checklist",
    ),
];

fn redirects(state: &mut State, now: Time) {
    for (i, (site, mapping, target)) in REDIRECTS.iter().enumerate() {
        let at = now - Duration::days(200 - 15 * i as i64);
        let r = Redirect {
            id: seed_id(REDIRECT, i as u64 + 1),
            site_id: seed_id(SITE, *site),
            url_mapping: (*mapping).into(),
            redirect: (*target).into(),
            created_by: AUTHORS[0],
            modified_by: AUTHORS[0],
            created_at: at,
            modified_at: at,
        };
        state.docs.redirects.insert(r.id.clone(), r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;

    #[test]
    fn published_ids_match_the_seed() {
        assert_eq!(seed_id(SITE, 1), DOCS_SITE_ID);
        assert_eq!(seed_id(SITE, 2), DOCS_PARTNER_SITE_ID);
        assert_eq!(seed_id(COLLECTION, 1), DOCS_COLLECTION_ID);
        assert_eq!(seed_id(COLLECTION, 4), DOCS_PRIVATE_COLLECTION_ID);
        assert_eq!(seed_id(CATEGORY, 1), DOCS_CATEGORY_ID);
        assert_eq!(seed_id(REDIRECT, 1), DOCS_REDIRECT_ID);
        let state = crate::seed::build(true);
        let docs = &state.docs;
        let article = &docs.articles[DOCS_ARTICLE_ID];
        assert_eq!(article.number, DOCS_ARTICLE_NUMBER);
        assert!(docs.articles[DOCS_DRAFT_ARTICLE_ID].draft.is_some());
        assert_eq!(docs.articles[DOCS_UNPUBLISHED_ARTICLE_ID].status, "notpublished");
        assert_eq!(docs.categories[DOCS_CATEGORY_ID].number, DOCS_CATEGORY_NUMBER);
        assert_eq!(docs.revisions[DOCS_REVISION_ID].article_id, DOCS_ARTICLE_ID);
        assert_eq!(docs.articles.len(), 22);
        let ids: std::collections::BTreeSet<_> = docs.articles.values().map(|a| a.number).collect();
        assert_eq!(ids.len(), 22, "article numbers are unique");
        for a in docs.articles.values() {
            assert!(a.related.iter().all(|r| docs.articles.contains_key(r)), "{}", a.name);
            assert!(a
                .categories
                .iter()
                .all(|c| docs.categories[c].collection_id == a.collection_id));
        }
    }
}
