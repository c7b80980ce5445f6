//! Deterministic seed data (fixed PRNG seed, fixed clock [`ids::SEED_NOW`]).
//! Special conversations that tests rely on have fixed ids (see [`crate::ids`]).

mod content;
mod files;

use chrono::{Duration, Utc};

use crate::ids::{self, *};
use crate::render::fnv;
use crate::routes::threads::thread_defaults;
use crate::state::*;
use crate::text::escape;
use crate::validate::parse_time;
use content::{agent_email, customer_email, note, quote_header, Author, Scenario, CHAT_LINES, SCENARIOS};

/// SplitMix64: tiny, stable across Rust and crate versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

pub(crate) fn seed_now() -> Time {
    parse_time(ids::SEED_NOW).unwrap_or_else(Utc::now)
}

/// Build the account. `full = false` keeps only users, teams and mailboxes.
pub(crate) fn build(full: bool) -> State {
    let now = seed_now();
    let mut s = State::default();
    s.owner_id = OWNER_USER_ID;
    users(&mut s, now);
    mailboxes(&mut s, now);
    if full {
        let mut rng = Rng(0x5eed_f00d_cafe_0001);
        tags(&mut s, now);
        customers(&mut s, now, &mut rng);
        conversations(&mut s, now, &mut rng);
        specials(&mut s, now);
        crate::routes::organizations::seed(&mut s, now);
        crate::routes::workflows::seed(&mut s, now);
        crate::routes::webhooks::seed(&mut s, now);
        crate::routes::reports::seed(&mut s, now);
        crate::routes::chat::seed(&mut s, now);
        crate::routes::docs::seed(&mut s, now);
    }
    s
}

// ------------------------------------------------------------------ people

struct UserSeed {
    id: u64,
    first: &'static str,
    last: &'static str,
    role: &'static str,
    job: &'static str,
    tz: &'static str,
    phone: &'static str,
    mailboxes: &'static [u64],
}

const USERS: &[UserSeed] = &[
    UserSeed {
        id: 1001,
        first: "Alex",
        last: "Morgan",
        role: "owner",
        job: "Head of Support",
        tz: "America/New_York",
        phone: "+1 212-555-0142",
        mailboxes: &[301, 302, 303],
    },
    UserSeed {
        id: 1002,
        first: "Priya",
        last: "Raman",
        role: "admin",
        job: "Support Operations Lead",
        tz: "Europe/London",
        phone: "+44 20 7946 0321",
        mailboxes: &[301, 302, 303],
    },
    UserSeed {
        id: 1003,
        first: "Jordan",
        last: "Lee",
        role: "user",
        job: "Support Engineer",
        tz: "America/Los_Angeles",
        phone: "",
        mailboxes: &[301],
    },
    UserSeed {
        id: 1004,
        first: "Sam",
        last: "Okafor",
        role: "user",
        job: "Billing Specialist",
        tz: "Africa/Lagos",
        phone: "",
        mailboxes: &[301, 302],
    },
    UserSeed {
        id: 1005,
        first: "Elena",
        last: "Petrova",
        role: "user",
        job: "Support Engineer",
        tz: "Europe/Berlin",
        phone: "",
        mailboxes: &[301],
    },
    UserSeed {
        id: 1006,
        first: "Marcus",
        last: "Chen",
        role: "user",
        job: "Customer Success Manager",
        tz: "Asia/Singapore",
        phone: "+65 6123 4567",
        mailboxes: &[301, 303],
    },
    UserSeed {
        id: 1007,
        first: "Taylor",
        last: "Brooks",
        role: "user",
        job: "Account Executive",
        tz: "America/Chicago",
        phone: "+1 312-555-0177",
        mailboxes: &[303],
    },
];

fn users(s: &mut State, now: Time) {
    for (i, u) in USERS.iter().enumerate() {
        let created = now - Duration::days(900 - 60 * i as i64);
        s.users.insert(
            u.id,
            User {
                id: u.id,
                first: u.first.into(),
                last: u.last.into(),
                email: format!("{}.{}@fernwood.io", u.first.to_lowercase(), u.last.to_lowercase()),
                role: u.role.into(),
                timezone: u.tz.into(),
                photo_url: format!("https://d33v4339jhl8k0.cloudfront.net/users/{}.jpg", u.id),
                created_at: created,
                updated_at: now - Duration::days(3 + i as i64),
                job_title: u.job.into(),
                phone: u.phone.into(),
                alternate_emails: if u.id == OWNER_USER_ID {
                    vec!["alex@fernwood.io".into()]
                } else {
                    Vec::new()
                },
                mailbox_ids: u.mailboxes.to_vec(),
            },
        );
        let away = u.id == AWAY_USER_ID;
        s.user_statuses.insert(
            u.id,
            UserStatus {
                email_status: if away { "away" } else { "active" }.into(),
                updated_at: now - Duration::hours(5 + i as i64),
                performed_by: u.id,
                source: if away { "ui" } else { "presence_detection" }.into(),
                chat_status: if matches!(u.id, 1003 | 1005) {
                    "available"
                } else {
                    "unavailable"
                }
                .into(),
                custom: away.then(|| CustomStatus {
                    text: "On PTO until Dec 1".into(),
                    emoji: Some("🌴".into()),
                    emoji_name: Some("palm_tree".into()),
                }),
            },
        );
    }
    s.system_users.insert(
        9001,
        SystemUser {
            id: 9001,
            first: "AI".into(),
            last: "Answers".into(),
            email: None,
            role: "user".into(),
            timezone: "UTC".into(),
            photo_url: "https://d33v4339jhl8k0.cloudfront.net/system-users/ai-answers.png".into(),
            created_at: now - Duration::days(200),
            updated_at: now - Duration::days(20),
        },
    );
    s.system_users.insert(
        9002,
        SystemUser {
            id: 9002,
            first: "Auto".into(),
            last: "Triage".into(),
            email: Some("triage-bot@fernwood.io".into()),
            role: "user".into(),
            timezone: "UTC".into(),
            photo_url: "https://d33v4339jhl8k0.cloudfront.net/system-users/triage.png".into(),
            created_at: now - Duration::days(150),
            updated_at: now - Duration::days(40),
        },
    );
    let teams = [
        (2001, "Tier 2 Support", "tier2", vec![1002, 1003, 1005]),
        (2002, "Billing Specialists", "billing", vec![1001, 1004]),
    ];
    for (id, name, mention, members) in teams {
        s.teams.insert(
            id,
            Team {
                id,
                name: name.into(),
                timezone: "America/New_York".into(),
                photo_url: format!("https://d33v4339jhl8k0.cloudfront.net/teams/{id}.png"),
                mention: mention.into(),
                created_at: now - Duration::days(500),
                updated_at: now - Duration::days(30),
                members,
            },
        );
    }
}

// ------------------------------------------------------------------ inboxes

fn dropdown(id: u64, name: &str, order: u32, labels: &[&str]) -> Field {
    Field {
        id,
        name: name.into(),
        kind: "dropdown".into(),
        order,
        required: false,
        options: labels
            .iter()
            .enumerate()
            .map(|(i, l)| FieldOption {
                id: id * 10 + 1 + i as u64,
                order: i as u32 + 1,
                label: (*l).into(),
            })
            .collect(),
    }
}

fn plain_field(id: u64, name: &str, kind: &str, order: u32) -> Field {
    Field {
        id,
        name: name.into(),
        kind: kind.into(),
        order,
        required: false,
        options: Vec::new(),
    }
}

fn reply(id: u64, name: &str, text: &str, chat: Option<&str>, chat_only: bool) -> SavedReply {
    SavedReply {
        id,
        name: name.into(),
        text: text.into(),
        chat_text: chat.map(str::to_string),
        chat_only,
        deleted: false,
    }
}

fn mailboxes(s: &mut State, now: Time) {
    let specs: [(u64, &str, &str, &str); 3] = [
        (SUPPORT_MAILBOX_ID, "Support", "support@fernwood.io", "3f8a1c2be0d94f77"),
        (BILLING_MAILBOX_ID, "Billing", "billing@fernwood.io", "9c41d07e2a5b8f13"),
        (SALES_MAILBOX_ID, "Sales", "sales@fernwood.io", "52e6b8a9d1c04f2e"),
    ];
    for (i, (id, name, email, slug)) in specs.into_iter().enumerate() {
        let fields = match id {
            SUPPORT_MAILBOX_ID => vec![
                dropdown(PRIORITY_FIELD_ID, "Priority", 1, &["Low", "Normal", "High", "Urgent"]),
                dropdown(PLAN_FIELD_ID, "Plan", 2, &["Free", "Starter", "Pro", "Enterprise"]),
                plain_field(ORDER_NUMBER_FIELD_ID, "Order Number", "single_line", 3),
                plain_field(704, "Follow-up Date", "date", 4),
            ],
            BILLING_MAILBOX_ID => vec![
                plain_field(705, "Invoice ID", "single_line", 1),
                plain_field(706, "Refund Amount", "number", 2),
                dropdown(
                    707,
                    "Billing Issue",
                    3,
                    &["Double charge", "Refund request", "Card declined", "Invoice copy"],
                ),
            ],
            _ => vec![
                dropdown(708, "Company Size", 1, &["1-10", "11-50", "51-200", "200+"]),
                plain_field(709, "Lead Source", "single_line", 2),
            ],
        };
        let base = id * 100;
        let mut folders = vec![
            Folder {
                id: base + 1,
                name: "Unassigned".into(),
                kind: "open".into(),
                user_id: 0,
                updated_at: now,
            },
            Folder {
                id: base + 2,
                name: "Drafts".into(),
                kind: "drafts".into(),
                user_id: 0,
                updated_at: now,
            },
            Folder {
                id: base + 3,
                name: "Assigned".into(),
                kind: "assigned".into(),
                user_id: 0,
                updated_at: now,
            },
            Folder {
                id: base + 4,
                name: "Closed".into(),
                kind: "closed".into(),
                user_id: 0,
                updated_at: now,
            },
            Folder {
                id: base + 5,
                name: "Spam".into(),
                kind: "spam".into(),
                user_id: 0,
                updated_at: now,
            },
        ];
        for u in USERS.iter().filter(|u| u.mailboxes.contains(&id)) {
            folders.push(Folder {
                id: base + 10 + (u.id - 1000),
                name: "Mine".into(),
                kind: "mytickets".into(),
                user_id: u.id,
                updated_at: now,
            });
        }
        let saved_replies = match id {
            SUPPORT_MAILBOX_ID => vec![
                reply(SAVED_REPLY_ID, "Password reset instructions", "<p>Hi {%customer.firstName,fallback=there%},</p><p>You can reset your password from the <a href=\"https://app.fernwood.io/reset\">reset page</a>. The link in the email is valid for 60 minutes.</p>", Some("You can reset your password at app.fernwood.io/reset - the link is valid for 60 minutes."), false),
                reply(802, "Bug acknowledged", "<p>Thanks for reporting this! I was able to reproduce it and have passed it on to our engineers. I'll update you here as soon as there's a fix.</p>", None, false),
                reply(803, "Feature request logged", "<p>Thanks for the suggestion! I've added it to our feature request tracker so the product team can see how many customers are asking for it.</p>", None, false),
                reply(CHAT_SAVED_REPLY_ID, "Chat: quick greeting", "", Some("Hi! Thanks for reaching out - give me a moment to look into this."), true),
            ],
            BILLING_MAILBOX_ID => vec![
                reply(805, "Refund processed", "<p>I've processed your refund. It usually takes 5-10 business days to appear on your statement.</p>", None, false),
                reply(806, "Invoice copy attached", "<p>Please find the requested invoice attached. You can also download all invoices from Settings &gt; Billing.</p>", None, false),
            ],
            _ => vec![reply(807, "Demo booking link", "<p>You can book a demo at a time that suits you here: <a href=\"https://fernwood.io/demo\">fernwood.io/demo</a>.</p>", None, false)],
        };
        let routing = match id {
            SUPPORT_MAILBOX_ID => Routing {
                enabled: true,
                assignment_limit: 10,
                method: "round_robin".into(),
                user_ids: vec![1003, 1004, 1005, 1006],
            },
            BILLING_MAILBOX_ID => Routing {
                enabled: false,
                assignment_limit: 5,
                method: "balanced".into(),
                user_ids: vec![1004, 1001],
            },
            _ => Routing {
                enabled: false,
                assignment_limit: 8,
                method: "round_robin".into(),
                user_ids: vec![1006, 1007],
            },
        };
        s.mailboxes.insert(
            id,
            Mailbox {
                id,
                name: name.into(),
                slug: slug.into(),
                email: email.into(),
                created_at: now - Duration::days(880 - 40 * i as i64),
                updated_at: now - Duration::days(12 + i as i64),
                fields,
                folders,
                saved_replies,
                routing,
            },
        );
    }
    s.reserve("saved_reply", 899);
}

// ------------------------------------------------------------------ tags

fn tags(s: &mut State, now: Time) {
    let list = [
        ("vip", "#F8A91F"),
        ("bug", "#E8536F"),
        ("billing", "#3197D6"),
        ("refund", "#1CB06C"),
        ("feature-request", "#7B61FF"),
        ("urgent", "#D0021B"),
        ("onboarding", "#50E3C2"),
        ("login-issue", "#929499"),
        ("api", "#4A90E2"),
        ("integration", "#9013FE"),
        ("cancellation", "#8B572A"),
        ("feedback", "#7ED321"),
    ];
    for (i, (name, color)) in list.iter().enumerate() {
        let id = VIP_TAG_ID + i as u64;
        s.tags.insert(
            id,
            Tag {
                id,
                name: (*name).into(),
                slug: slugify(name),
                color: (*color).into(),
                created_at: now - Duration::days(600 - 20 * i as i64),
                updated_at: now - Duration::days(100 - 5 * i as i64),
            },
        );
    }
    s.reserve("tag", 499);
}

// ------------------------------------------------------------------ customers

struct Company {
    name: &'static str,
    domain: &'static str,
    city: &'static str,
    country: &'static str,
    phone_prefix: &'static str,
}

const COMPANIES: &[Company] = &[
    Company {
        name: "BrightPath Logistics",
        domain: "brightpath-logistics.com",
        city: "Austin",
        country: "US",
        phone_prefix: "+1 512-555-01",
    },
    Company {
        name: "Kestrel Design Co.",
        domain: "kestrel-design.co",
        city: "Portland",
        country: "US",
        phone_prefix: "+1 503-555-01",
    },
    Company {
        name: "Bluefin Analytics",
        domain: "bluefin-analytics.io",
        city: "Boston",
        country: "US",
        phone_prefix: "+1 617-555-01",
    },
    Company {
        name: "Oakridge Dental Group",
        domain: "oakridge-dental.com",
        city: "Denver",
        country: "US",
        phone_prefix: "+1 303-555-01",
    },
    Company {
        name: "Harbor & Pine",
        domain: "harbor-and-pine.com",
        city: "Seattle",
        country: "US",
        phone_prefix: "+1 206-555-01",
    },
    Company {
        name: "Atlas Freight GmbH",
        domain: "atlas-freight.de",
        city: "Hamburg",
        country: "DE",
        phone_prefix: "+49 40 5555 10",
    },
    Company {
        name: "Maplewood Realty",
        domain: "maplewood-realty.ca",
        city: "Toronto",
        country: "CA",
        phone_prefix: "+1 416-555-01",
    },
    Company {
        name: "Quill & Ink Publishing",
        domain: "quill-and-ink.co.uk",
        city: "London",
        country: "GB",
        phone_prefix: "+44 20 7946 0",
    },
    Company {
        name: "Verde Kitchens",
        domain: "verde-kitchens.com",
        city: "San Diego",
        country: "US",
        phone_prefix: "+1 619-555-01",
    },
    Company {
        name: "Nimbus Health",
        domain: "nimbus-health.io",
        city: "Chicago",
        country: "US",
        phone_prefix: "+1 312-555-01",
    },
    Company {
        name: "Copperleaf Studio",
        domain: "copperleaf.studio",
        city: "Lisbon",
        country: "PT",
        phone_prefix: "+351 21 555 0",
    },
    Company {
        name: "Riverbend Academy",
        domain: "riverbend-academy.org",
        city: "Nashville",
        country: "US",
        phone_prefix: "+1 615-555-01",
    },
    Company {
        name: "Lumen Legal LLP",
        domain: "lumen-legal.com",
        city: "New York",
        country: "US",
        phone_prefix: "+1 212-555-01",
    },
    Company {
        name: "Summit Outdoor Supply",
        domain: "summit-outdoor.co",
        city: "Boulder",
        country: "US",
        phone_prefix: "+1 720-555-01",
    },
    Company {
        name: "Tidewater Studios",
        domain: "tidewater-studios.com",
        city: "Melbourne",
        country: "AU",
        phone_prefix: "+61 3 5550 1",
    },
];

const NAMES: &[(&str, &str)] = &[
    ("Maria", "Gonzalez"),
    ("James", "Whitaker"),
    ("Aisha", "Bello"),
    ("Tom", "Lindqvist"),
    ("Chloe", "Martin"),
    ("Lukas", "Becker"),
    ("Nadia", "Haddad"),
    ("Oliver", "Grant"),
    ("Sofia", "Rossi"),
    ("Daniel", "Kim"),
    ("Hannah", "Schulz"),
    ("Ravi", "Patel"),
    ("Emma", "Thompson"),
    ("Mateo", "Silva"),
    ("Grace", "Okonkwo"),
    ("Noah", "Fischer"),
    ("Isabel", "Moreno"),
    ("Ethan", "Walsh"),
    ("Leah", "Whitfield"),
    ("Kenji", "Watanabe"),
    ("Amelia", "Clarke"),
    ("Omar", "Farouk"),
    ("Zoe", "Andersen"),
    ("Lucas", "Dubois"),
    ("Mia", "Novak"),
    ("Samuel", "Adeyemi"),
    ("Ella", "Brennan"),
    ("Henry", "Caldwell"),
    ("Yuki", "Tanaka"),
    ("Anna", "Kowalski"),
    ("Ben", "Harper"),
    ("Laura", "Jensen"),
    ("Carlos", "Mendez"),
    ("Julia", "Weber"),
    ("Ryan", "O'Connor"),
    ("Fatima", "Rahman"),
    ("Peter", "Holm"),
    ("Sara", "Lindgren"),
    ("David", "Cohen"),
    ("Nina", "Petrovic"),
    ("Marco", "Bianchi"),
    ("Olivia", "Reed"),
    ("Arjun", "Mehta"),
    ("Lily", "Chen"),
    ("Victor", "Alvarez"),
];

const JOBS: &[&str] = &[
    "Operations Manager",
    "Project Manager",
    "Office Manager",
    "Head of Design",
    "CTO",
    "Marketing Lead",
    "Practice Manager",
    "Founder",
    "Finance Manager",
    "Product Owner",
];

fn customer_author(c: &Customer) -> (String, String, String) {
    let domain = c
        .email()
        .and_then(|e| e.split('@').nth(1))
        .unwrap_or("example.com")
        .to_string();
    let phone = c.phones.first().map(|p| p.value.clone()).unwrap_or_default();
    (domain, phone, c.job_title.clone())
}

fn customers(s: &mut State, now: Time, rng: &mut Rng) {
    for (i, (first, last)) in NAMES.iter().enumerate() {
        let id = CUSTOMER_ID + i as u64;
        let company = &COMPANIES[i % COMPANIES.len()];
        let local = format!("{}.{}", first.to_lowercase(), last.to_lowercase().replace('\'', ""));
        let email = format!("{local}@{}", company.domain);
        let mut emails = vec![Entry {
            id: s.new_entry_id(),
            kind: "work".into(),
            value: email,
        }];
        if i % 9 == 4 {
            emails.push(Entry {
                id: s.new_entry_id(),
                kind: "home".into(),
                value: format!("{}{}@home-mail.example", first.to_lowercase(), i),
            });
        }
        let phones = if i % 10 < 7 {
            vec![Entry {
                id: s.new_entry_id(),
                kind: "work".into(),
                value: format!("{}{:02}", company.phone_prefix, 10 + i),
            }]
        } else {
            Vec::new()
        };
        let websites = if i % 3 == 0 {
            vec![Entry {
                id: s.new_entry_id(),
                kind: "".into(),
                value: format!("https://{}", company.domain),
            }]
        } else {
            Vec::new()
        };
        let social_profiles = if i % 5 == 1 {
            vec![Entry {
                id: s.new_entry_id(),
                kind: "linkedin".into(),
                value: format!("https://www.linkedin.com/in/{local}"),
            }]
        } else if i % 5 == 3 {
            vec![Entry {
                id: s.new_entry_id(),
                kind: "twitter".into(),
                value: format!("@{}{}", first.to_lowercase(), &last[..1].to_lowercase()),
            }]
        } else {
            Vec::new()
        };
        let chats = if i % 11 == 2 {
            vec![Entry {
                id: s.new_entry_id(),
                kind: "skype".into(),
                value: format!("live:{local}"),
            }]
        } else {
            Vec::new()
        };
        let address = (i % 4 == 0).then(|| Address {
            city: company.city.into(),
            state: String::new(),
            postal_code: format!("{:05}", 10_000 + rng.below(89_999)),
            country: company.country.into(),
            lines: vec![format!("{} Market Street", 100 + i * 7)],
        });
        let created = now - Duration::days(420 - 8 * i as i64) - Duration::minutes(rng.range(0, 1_000));
        s.customers.insert(
            id,
            Customer {
                id,
                first: (*first).into(),
                last: (*last).into(),
                gender: "unknown".into(),
                job_title: JOBS[i % JOBS.len()].into(),
                location: format!("{}, {}", company.city, company.country),
                organization: company.name.into(),
                photo_type: if i % 2 == 0 { "gravatar" } else { "unknown" }.into(),
                photo_url: if i % 2 == 0 {
                    format!(
                        "https://www.gravatar.com/avatar/{:016x}{:016x}?d=404",
                        fnv(local.as_bytes()),
                        fnv(company.domain.as_bytes())
                    )
                } else {
                    String::new()
                },
                background: if i % 7 == 0 {
                    format!("Main Fernwood contact at {}. Prefers email over calls.", company.name)
                } else {
                    String::new()
                },
                age: String::new(),
                created_at: created,
                updated_at: created + Duration::days(rng.range(1, 60)),
                emails,
                phones,
                chats,
                social_profiles,
                websites,
                address,
            },
        );
    }
    crate::routes::customers::seed(s);
}

// ------------------------------------------------------------------ conversations

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Customer,
    Reply,
    Note,
    Phone,
    Workflow,
}

/// Scenario order for the 60 regular conversations (indices into SCENARIOS).
const ORDER: [usize; 20] = [0, 1, 10, 2, 14, 3, 4, 11, 5, 6, 16, 7, 12, 8, 9, 15, 13, 0, 1, 2];
const VIP_CUSTOMERS: [u64; 3] = [CUSTOMER_ID, CUSTOMER_ID + 7, CUSTOMER_ID + 14];

fn mailbox_agents(mailbox: u64) -> Vec<u64> {
    USERS
        .iter()
        .filter(|u| u.mailboxes.contains(&mailbox))
        .map(|u| u.id)
        .collect()
}

fn plan_steps(sc: &Scenario, rng: &mut Rng) -> Vec<Step> {
    if sc.spam {
        return vec![Step::Customer];
    }
    let target = if rng.chance(6) {
        12
    } else {
        1 + rng.below(4) + rng.below(4) + rng.below(4)
    } as usize;
    let mut steps = vec![Step::Customer];
    let mut last_exchange = Step::Customer;
    let mut replies = 0;
    while steps.len() < target {
        if last_exchange == Step::Customer && !sc.notes.is_empty() && rng.chance(22) {
            steps.push(Step::Note);
            continue;
        }
        if replies == 1 && rng.chance(12) && steps.len() + 1 < target {
            steps.push(Step::Workflow);
        }
        let next = if last_exchange == Step::Customer {
            replies += 1;
            if replies > 1 && rng.chance(12) {
                Step::Phone
            } else {
                Step::Reply
            }
        } else {
            Step::Customer
        };
        steps.push(next);
        last_exchange = if next == Step::Phone { Step::Reply } else { next };
    }
    steps
}

const WORKFLOWS: &[(&str, &str)] = &[
    ("manual-workflow", "You ran the Escalate to Tier 2 workflow"),
    ("automatic-workflow", "Workflow \"Tag urgent keywords\" ran"),
    ("manual-workflow", "You ran the Send to billing workflow"),
];

fn conversations(s: &mut State, now: Time, rng: &mut Rng) {
    for i in 0..60u64 {
        let sc = &SCENARIOS[ORDER[i as usize % ORDER.len()]];
        let cid = FIRST_CONVERSATION_ID + i;
        let customer_id = CUSTOMER_ID + (i * 7) % ids::CUSTOMER_COUNT;
        let steps = plan_steps(sc, rng);
        let agents = mailbox_agents(sc.mailbox);
        let last_exchange = steps
            .iter()
            .rev()
            .find(|st| matches!(st, Step::Customer | Step::Reply | Step::Phone))
            .copied()
            .unwrap_or(Step::Customer);
        let status = if sc.spam {
            "spam"
        } else if last_exchange == Step::Customer {
            "active"
        } else if rng.chance(60) {
            "closed"
        } else {
            "pending"
        };
        let assignee = if sc.spam || (steps.len() == 1 && rng.chance(60)) || rng.chance(15) {
            None
        } else {
            Some(agents[rng.index(agents.len())])
        };
        let agent = assignee.unwrap_or_else(|| agents[rng.index(agents.len())]);

        // Timing: gaps first, then place the whole conversation in the past.
        let gaps: Vec<i64> = steps
            .iter()
            .enumerate()
            .map(|(k, st)| match (k, st) {
                (0, _) => 0,
                (_, Step::Note) => rng.range(5, 60),
                (_, Step::Workflow) => 1,
                (_, Step::Reply | Step::Phone) => rng.range(20, 26 * 60),
                (_, Step::Customer) => rng.range(60, 3 * 24 * 60),
            })
            .collect();
        let total: i64 = gaps.iter().sum();
        let created = now - Duration::minutes(total + rng.range(120, 150 * 24 * 60));

        let (customer_first, customer_last, customer_email_addr, domain, phone, job, company) = {
            let c = s.customers.get(&customer_id);
            let (domain, phone, job) = c.map(customer_author).unwrap_or_default();
            (
                c.map(|c| c.first.clone()).unwrap_or_default(),
                c.map(|c| c.last.clone()).unwrap_or_default(),
                c.and_then(|c| c.email().map(str::to_string)).unwrap_or_default(),
                domain,
                phone,
                job,
                c.map(|c| c.organization.clone()).unwrap_or_default(),
            )
        };
        let (agent_first, agent_last) = s
            .users
            .get(&agent)
            .map(|u| (u.first.clone(), u.last.clone()))
            .unwrap_or_default();
        let mailbox_email = s
            .mailboxes
            .get(&sc.mailbox)
            .map(|m| m.email.clone())
            .unwrap_or_default();
        let subject = sc.subjects[rng.index(sc.subjects.len())].to_string();
        let who = Author {
            first: &customer_first,
            last: &customer_last,
            job: &job,
            company: &company,
            domain: &domain,
            phone: &phone,
        };

        let mut threads: Vec<Thread> = Vec::new();
        let mut at = created;
        let mut last_agent: Option<(Time, String)> = None;
        let (mut followups, mut agent_followups, mut notes) = (0usize, 0usize, 0usize);
        for (k, st) in steps.iter().enumerate() {
            at += Duration::minutes(gaps[k]);
            let tid = s.new_thread_id();
            let mut t = match st {
                Step::Customer => {
                    let mut t = thread_defaults(tid, "customer", Actor::Customer(customer_id), at);
                    t.body = if k == 0 {
                        let greeting = if sc.spam {
                            ""
                        } else {
                            ["Hi Fernwood team,", "Hello,", "Hi there,"][rng.index(3)]
                        };
                        let image = (!sc.spam && rng.chance(20)).then(|| {
                            format!(
                                "https://secure.helpscout.net/file/inline/{:x}/screenshot.png",
                                fnv(subject.as_bytes()) ^ cid
                            )
                        });
                        customer_email(&who, greeting, sc.opening, sc.bullets, image.as_deref(), None)
                    } else {
                        let text = sc
                            .followups
                            .get(followups % sc.followups.len().max(1))
                            .copied()
                            .unwrap_or("Thanks, that helps.");
                        followups += 1;
                        let quote = last_agent.as_ref().map(|(when, body)| {
                            (
                                quote_header(*when, &format!("{agent_first} {agent_last}"), &mailbox_email),
                                body.clone(),
                            )
                        });
                        customer_email(&who, "", &[text], &[], None, quote)
                    };
                    t.to = vec![mailbox_email.clone()];
                    t.customer_id = Some(customer_id);
                    if k == 0 && rng.chance(10) {
                        t.cc = vec![format!("ops@{domain}")];
                    }
                    t
                }
                Step::Reply => {
                    let mut t = thread_defaults(tid, "reply", Actor::User(agent), at);
                    let first_reply = last_agent.is_none();
                    t.body = if first_reply {
                        agent_email(
                            &customer_first,
                            &agent_first,
                            &agent_last,
                            sc.reply,
                            sc.steps,
                            sc.article,
                            tid,
                        )
                    } else {
                        let text = sc
                            .agent_followups
                            .get(agent_followups % sc.agent_followups.len().max(1))
                            .copied()
                            .unwrap_or("Happy to help!");
                        agent_followups += 1;
                        agent_email(&customer_first, &agent_first, &agent_last, &[text], &[], ("", ""), tid)
                    };
                    t.to = vec![customer_email_addr.clone()];
                    t.customer_id = Some(customer_id);
                    if rng.chance(50) {
                        t.opened_at = Some(at + Duration::minutes(rng.range(7, 300)));
                    }
                    last_agent = Some((at, t.body.clone()));
                    t
                }
                Step::Phone => {
                    let mut t = thread_defaults(tid, "phone", Actor::User(agent), at);
                    let text = sc
                        .agent_followups
                        .first()
                        .copied()
                        .unwrap_or("Walked through the fix on the phone.");
                    t.body = format!(
                        "<p>Called {} at {}. {}</p>",
                        escape(&customer_first),
                        escape(if phone.is_empty() { "the number on file" } else { &phone }),
                        escape(text)
                    );
                    t.customer_id = Some(customer_id);
                    t
                }
                Step::Note => {
                    let mut t = thread_defaults(tid, "note", Actor::User(agent), at);
                    let text = sc
                        .notes
                        .get(notes % sc.notes.len().max(1))
                        .copied()
                        .unwrap_or("Looking into this.");
                    notes += 1;
                    t.body = note(text);
                    t
                }
                Step::Workflow => {
                    let mut t = thread_defaults(tid, "lineitem", Actor::User(agent), at);
                    let (kind, text) = WORKFLOWS[rng.index(WORKFLOWS.len())];
                    t.action = Some((kind.into(), text.into()));
                    t.status = "nochange".into();
                    t
                }
            };
            if t.kind != "note" && t.kind != "lineitem" {
                t.status = if k + 1 == steps.len() {
                    status.into()
                } else {
                    "active".into()
                };
            } else if t.kind == "note" {
                t.status = "nochange".into();
            }
            t.assigned_to = assignee.map(Actor::User);
            threads.push(t);
        }
        // One regular conversation also carries a draft reply (brief: "a draft reply").
        if i == 9 && status == "active" && threads.len() < 12 {
            at += Duration::minutes(35);
            let tid = s.new_thread_id();
            let mut t = thread_defaults(tid, "reply", Actor::User(agent), at);
            t.state = "draft".into();
            t.status = "active".into();
            t.body = agent_email(
                &customer_first,
                &agent_first,
                &agent_last,
                &["I'm still checking this with our engineers and will get back to you shortly."],
                &[],
                ("", ""),
                tid,
            );
            t.to = vec![customer_email_addr.clone()];
            t.customer_id = Some(customer_id);
            threads.push(t);
        }
        let last_at = threads.last().map(|t| t.created_at).unwrap_or(created);
        let closed = status == "closed";
        let mut tag_ids: Vec<u64> = sc
            .tags
            .iter()
            .filter(|_| rng.chance(75))
            .filter_map(|name| s.tag_by_name(name).map(|t| t.id))
            .collect();
        if VIP_CUSTOMERS.contains(&customer_id) && !sc.spam && !tag_ids.contains(&VIP_TAG_ID) {
            tag_ids.insert(0, VIP_TAG_ID);
        }
        let custom_fields = seed_fields(sc, rng, i);
        let user_updated = threads
            .iter()
            .rev()
            .find(|t| matches!(t.created_by, Actor::User(_)))
            .map(|t| t.created_at)
            .unwrap_or(created);
        let cc = threads.first().map(|t| t.cc.clone()).unwrap_or_default();
        s.conversations.insert(
            cid,
            Conversation {
                id: cid,
                number: 1001 + i,
                kind: "email".into(),
                status: status.into(),
                draft: false,
                subject,
                mailbox_id: sc.mailbox,
                assignee: assignee.map(Actor::User),
                created_by: Actor::Customer(customer_id),
                created_at: created,
                closed_by: closed.then_some(agent),
                closed_at: closed.then(|| last_at + Duration::minutes(12)),
                user_updated_at: if closed {
                    last_at + Duration::minutes(12)
                } else {
                    user_updated
                },
                modified_at: if closed {
                    last_at + Duration::minutes(12)
                } else {
                    last_at
                },
                source_type: "email".into(),
                source_via: "customer".into(),
                tag_ids,
                cc,
                bcc: Vec::new(),
                customer_id,
                custom_fields,
                snooze: None,
                threads,
            },
        );
    }
}

fn seed_fields(sc: &Scenario, rng: &mut Rng, i: u64) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    match sc.mailbox {
        SUPPORT_MAILBOX_ID if !sc.spam => {
            if rng.chance(80) {
                let urgent = sc.tags.contains(&"urgent");
                let option = if urgent {
                    7013 + rng.below(2)
                } else {
                    7011 + rng.below(3)
                };
                out.push((PRIORITY_FIELD_ID, option.to_string()));
            }
            if rng.chance(70) {
                out.push((PLAN_FIELD_ID, (7021 + rng.below(4)).to_string()));
            }
            if rng.chance(25) {
                out.push((ORDER_NUMBER_FIELD_ID, format!("ORD-{}", 58_000 + i * 37)));
            }
        }
        BILLING_MAILBOX_ID => {
            out.push((705, format!("INV-2026-{:04}", 4_000 + i * 13)));
            if sc.tags.contains(&"refund") {
                out.push((706, "240.00".into()));
                out.push((707, "7071".into()));
            } else if sc.tags.contains(&"urgent") {
                out.push((707, "7073".into()));
            } else if !sc.tags.contains(&"cancellation") {
                out.push((707, "7074".into()));
            }
        }
        SALES_MAILBOX_ID => {
            out.push((708, (7081 + rng.below(4)).to_string()));
            out.push((
                709,
                ["Google Ads", "Referral", "G2", "Webinar"][rng.index(4)].to_string(),
            ));
        }
        _ => {}
    }
    out
}

// ------------------------------------------------------------------ specials

struct Base {
    id: u64,
    number: u64,
    mailbox: u64,
    customer: u64,
    subject: &'static str,
    status: &'static str,
    assignee: Option<Actor>,
    created_by: Actor,
    created_at: Time,
}

fn base_conversation(b: Base, threads: Vec<Thread>) -> Conversation {
    let last = threads.last().map(|t| t.created_at).unwrap_or(b.created_at);
    let closed = b.status == "closed";
    let source = match b.created_by {
        Actor::Customer(_) => "customer",
        _ => "user",
    };
    let closer = match b.assignee {
        Some(Actor::User(u)) => u,
        _ => OWNER_USER_ID,
    };
    Conversation {
        id: b.id,
        number: b.number,
        kind: "email".into(),
        status: b.status.into(),
        draft: false,
        subject: b.subject.into(),
        mailbox_id: b.mailbox,
        assignee: b.assignee,
        created_by: b.created_by,
        created_at: b.created_at,
        closed_by: closed.then_some(closer),
        closed_at: closed.then(|| last + Duration::minutes(10)),
        user_updated_at: last,
        modified_at: last,
        source_type: "email".into(),
        source_via: source.into(),
        tag_ids: Vec::new(),
        cc: Vec::new(),
        bcc: Vec::new(),
        customer_id: b.customer,
        custom_fields: Vec::new(),
        snooze: None,
        threads,
    }
}

struct People {
    who_first: String,
    who_last: String,
    email: String,
    domain: String,
    phone: String,
    job: String,
    company: String,
}

fn people(s: &State, customer: u64) -> People {
    let c = s.customers.get(&customer);
    let (domain, phone, job) = c.map(customer_author).unwrap_or_default();
    People {
        who_first: c.map(|c| c.first.clone()).unwrap_or_default(),
        who_last: c.map(|c| c.last.clone()).unwrap_or_default(),
        email: c.and_then(|c| c.email().map(str::to_string)).unwrap_or_default(),
        domain,
        phone,
        job,
        company: c.map(|c| c.organization.clone()).unwrap_or_default(),
    }
}

impl People {
    fn author(&self) -> Author<'_> {
        Author {
            first: &self.who_first,
            last: &self.who_last,
            job: &self.job,
            company: &self.company,
            domain: &self.domain,
            phone: &self.phone,
        }
    }
}

fn customer_thread(id: u64, customer: u64, at: Time, to: &str, body: String) -> Thread {
    let mut t = thread_defaults(id, "customer", Actor::Customer(customer), at);
    t.body = body;
    t.customer_id = Some(customer);
    t.to = vec![to.to_string()];
    t
}

fn reply_thread(id: u64, user: Actor, customer: u64, p: &People, at: Time, body: String) -> Thread {
    let mut t = thread_defaults(id, "reply", user, at);
    t.body = body;
    t.customer_id = Some(customer);
    t.to = vec![p.email.clone()];
    t
}

fn specials(s: &mut State, now: Time) {
    merged(s);
    full(s, now);
    with_attachments(s, now);
    draft_conversation(s, now);
    chat(s, now);
    phone(s, now);
    snoozed(s, now);
    scheduled(s, now);
    system_user(s, now);
    draft_reply(s, now);
    s.reserve("conversation", 2_000_099);
    s.reserve("number", 1_099);
}

/// 2000061 was merged into 2000005: its customer thread now lives in the
/// target, next to a `merged` line item.
fn merged(s: &mut State) {
    s.merged.insert(MERGED_CONVERSATION_ID, MERGE_TARGET_CONVERSATION_ID);
    let Some(customer) = s
        .conversations
        .get(&MERGE_TARGET_CONVERSATION_ID)
        .map(|c| c.customer_id)
    else {
        return;
    };
    let p = people(s, customer);
    let (t1, t2) = (s.new_thread_id(), s.new_thread_id());
    let Some(conv) = s.conversations.get_mut(&MERGE_TARGET_CONVERSATION_ID) else {
        return;
    };
    let at = conv.created_at + Duration::minutes(45);
    let body = customer_email(
        &p.author(),
        "Hi again,",
        &["Sorry, I sent this from the wrong address earlier - adding it here so everything is in one place."],
        &[],
        None,
        None,
    );
    let mut moved = customer_thread(t1, customer, at, "support@fernwood.io", body);
    moved.status = "active".into();
    let mut line = thread_defaults(t2, "lineitem", Actor::User(ADMIN_USER_ID), at + Duration::minutes(20));
    line.action = Some(("merged".into(), "Merged with conversation #1061".into()));
    line.status = "nochange".into();
    conv.threads.push(moved);
    conv.threads.push(line);
    conv.threads
        .sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    if conv.status == "spam" {
        conv.status = "active".into();
    }
}

fn full(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 1;
    let p = people(s, customer);
    let start = now - Duration::days(120);
    let mut threads = Vec::new();
    for k in 0..MAX_THREADS as i64 {
        let tid = s.new_thread_id();
        let at = start + Duration::hours(28 * k);
        let week = k / 2 + 1;
        let t = if k % 2 == 0 {
            reply_thread(
                tid,
                Actor::User(ADMIN_USER_ID),
                customer,
                &p,
                at,
                format!("<p>Hi {},</p><p>Checking in for week {week} of the migration: anything blocking you on our side?</p><p>Best,<br>Priya</p>", escape(&p.who_first)),
            )
        } else {
            customer_thread(
                tid,
                customer,
                at,
                "support@fernwood.io",
                format!("<p>Hi Priya,</p><p>Week {week}: {} more projects moved over, {} to go. No blockers right now.</p><p>Thanks,<br>{}</p>", 3 + week % 4, 50u64.saturating_sub(week as u64 * 2), escape(&p.who_first)),
            )
        };
        threads.push(t);
    }
    let mut conv = base_conversation(
        Base {
            id: FULL_CONVERSATION_ID,
            number: 1062,
            mailbox: SUPPORT_MAILBOX_ID,
            customer,
            subject: "Weekly check-in: migrating our projects to Fernwood",
            status: "active",
            assignee: Some(Actor::User(ADMIN_USER_ID)),
            created_by: Actor::User(ADMIN_USER_ID),
            created_at: start,
        },
        threads,
    );
    conv.source_via = "user".into();
    conv.tag_ids = vec![VIP_TAG_ID + 6];
    s.conversations.insert(FULL_CONVERSATION_ID, conv);
}

fn with_attachments(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 2;
    let p = people(s, customer);
    let at = now - Duration::days(3) - Duration::hours(4);
    let png = files::screenshot_png();
    let png_link = format!(
        "https://secure.helpscout.net/file/{PNG_ATTACHMENT_ID}/{:016x}/screenshot.png",
        fnv(&png)
    );
    let body = customer_email(
        &p.author(),
        "Hi Fernwood team,",
        &[
            "When I export our launch plan to PDF, the last page is cut off after row 4,180. I've attached a screenshot of the error, the export log and one of the exported files.",
            "This is blocking our board meeting on Friday, so any help is appreciated.",
        ],
        &["Project: Launch 2027", "Rows: 4,182", "Browser: Safari 18"],
        Some(&png_link),
        None,
    );
    let mut first = customer_thread(ATTACHMENT_THREAD_ID, customer, at, "support@fernwood.io", body);
    first.attachments = vec![
        Attachment {
            id: PNG_ATTACHMENT_ID,
            filename: "screenshot.png".into(),
            mime_type: "image/png".into(),
            width: 64,
            height: 40,
            data: png,
            state: "valid".into(),
        },
        Attachment {
            id: TEXT_ATTACHMENT_ID,
            filename: "export-log.txt".into(),
            mime_type: "text/plain".into(),
            width: 0,
            height: 0,
            data: files::export_log(),
            state: "valid".into(),
        },
        Attachment {
            id: PDF_ATTACHMENT_ID,
            filename: "invoice-4471.pdf".into(),
            mime_type: "application/pdf".into(),
            width: 0,
            height: 0,
            data: files::invoice_pdf(),
            state: "valid".into(),
        },
    ];
    let n = s.new_thread_id();
    let mut memo = thread_defaults(n, "note", Actor::User(1003), at + Duration::minutes(25));
    memo.body = note("Log shows the PDF writer overflowing at the last page - same root cause as ENG-4821?");
    memo.status = "nochange".into();
    let mut conv = base_conversation(
        Base {
            id: ATTACHMENT_CONVERSATION_ID,
            number: 1063,
            mailbox: SUPPORT_MAILBOX_ID,
            customer,
            subject: "Export to PDF cuts off the last page (screenshot and log attached)",
            status: "active",
            assignee: None,
            created_by: Actor::Customer(customer),
            created_at: at,
        },
        vec![first, memo],
    );
    conv.tag_ids = vec![BUG_TAG_ID];
    conv.custom_fields = vec![(PRIORITY_FIELD_ID, PRIORITY_HIGH_OPTION_ID.to_string())];
    s.conversations.insert(ATTACHMENT_CONVERSATION_ID, conv);
}

fn draft_conversation(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 3;
    let p = people(s, customer);
    let at = now - Duration::hours(20);
    let body = agent_email(
        &p.who_first,
        "Sam",
        "Okafor",
        &[
            "Your annual plan renews on January 15. Since your team grew to 24 people this year, I've prepared a renewal quote that moves you to volume pricing.",
            "The quote is valid until December 31 - just reply to this email to accept it.",
        ],
        &[],
        ("https://fernwood.io/pricing", "Fernwood pricing"),
        DRAFT_CONVERSATION_THREAD_ID,
    );
    let mut t = reply_thread(DRAFT_CONVERSATION_THREAD_ID, Actor::User(1004), customer, &p, at, body);
    t.state = "draft".into();
    let mut conv = base_conversation(
        Base {
            id: DRAFT_CONVERSATION_ID,
            number: 1064,
            mailbox: BILLING_MAILBOX_ID,
            customer,
            subject: "Your renewal quote for 2027",
            status: "active",
            assignee: Some(Actor::User(1004)),
            created_by: Actor::User(1004),
            created_at: at,
        },
        vec![t],
    );
    conv.draft = true;
    conv.source_type = "web".into();
    conv.tag_ids = vec![VIP_TAG_ID + 2];
    s.conversations.insert(DRAFT_CONVERSATION_ID, conv);
}

fn chat(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 18;
    let start = now - Duration::days(6) - Duration::hours(2);
    let mut threads = Vec::new();
    for (k, (from_customer, line)) in CHAT_LINES.iter().enumerate() {
        let tid = s.new_thread_id();
        let at = start + Duration::seconds(45 * k as i64);
        let by = if *from_customer {
            Actor::Customer(customer)
        } else {
            Actor::User(1005)
        };
        let mut t = thread_defaults(tid, "chat", by, at);
        t.body = escape(line);
        t.customer_id = Some(customer);
        t.status = if k + 1 == CHAT_LINES.len() { "closed" } else { "active" }.into();
        threads.push(t);
    }
    let mut conv = base_conversation(
        Base {
            id: CHAT_CONVERSATION_ID,
            number: 1065,
            mailbox: SUPPORT_MAILBOX_ID,
            customer,
            subject: "Chat: Can I show tasks from two projects on one timeline?",
            status: "closed",
            assignee: Some(Actor::User(1005)),
            created_by: Actor::Customer(customer),
            created_at: start,
        },
        threads,
    );
    conv.kind = "chat".into();
    conv.source_type = "chat".into();
    s.conversations.insert(CHAT_CONVERSATION_ID, conv);
}

fn phone(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 5;
    let p = people(s, customer);
    let at = now - Duration::days(2) - Duration::hours(7);
    let (t1, t2) = (s.new_thread_id(), s.new_thread_id());
    let mut call = thread_defaults(t1, "phone", Actor::User(1004), at);
    call.customer_id = Some(customer);
    call.status = "pending".into();
    call.body = format!(
        "<p>{} called ({}) about the annual invoice: the PO number was missing, so their finance team rejected it.</p><ul><li>Re-issued invoice INV-2026-4420 with PO 7781-AF</li><li>Promised to confirm by email once finance approves</li></ul>",
        escape(&p.who_first),
        escape(if p.phone.is_empty() { "no number on file" } else { &p.phone })
    );
    let mut memo = thread_defaults(t2, "note", Actor::User(1004), at + Duration::minutes(8));
    memo.body = note("Follow up on Friday if we haven't heard back from their finance team.");
    memo.status = "nochange".into();
    let mut conv = base_conversation(
        Base {
            id: PHONE_CONVERSATION_ID,
            number: 1066,
            mailbox: BILLING_MAILBOX_ID,
            customer,
            subject: "Phone call: invoice missing PO number",
            status: "pending",
            assignee: Some(Actor::User(1004)),
            created_by: Actor::User(1004),
            created_at: at,
        },
        vec![call, memo],
    );
    conv.kind = "phone".into();
    conv.source_type = "phone".into();
    s.conversations.insert(PHONE_CONVERSATION_ID, conv);
}

fn snoozed(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 7;
    let p = people(s, customer);
    let at = now - Duration::days(4);
    let (t1, t2) = (s.new_thread_id(), s.new_thread_id());
    let body = customer_email(&p.author(), "Hi,", &["We'd like to revisit the Enterprise SSO setup once our new IT lead starts next month. Could you check back with us then?"], &[], None, None);
    let first = customer_thread(t1, customer, at, "support@fernwood.io", body);
    let mut answer = reply_thread(
        t2,
        Actor::User(1003),
        customer,
        &p,
        at + Duration::hours(3),
        agent_email(
            &p.who_first,
            "Jordan",
            "Lee",
            &["Sounds good! I've set a reminder and will reach out in a month."],
            &[],
            ("", ""),
            t2,
        ),
    );
    answer.status = "pending".into();
    let mut conv = base_conversation(
        Base {
            id: SNOOZED_CONVERSATION_ID,
            number: 1067,
            mailbox: SUPPORT_MAILBOX_ID,
            customer,
            subject: "Revisit SSO setup next month",
            status: "pending",
            assignee: Some(Actor::User(1003)),
            created_by: Actor::Customer(customer),
            created_at: at,
        },
        vec![first, answer],
    );
    conv.snooze = Some(Snooze {
        by: 1003,
        until: now + Duration::days(30),
        unsnooze_on_customer_reply: true,
    });
    conv.tag_ids = vec![VIP_TAG_ID];
    s.conversations.insert(SNOOZED_CONVERSATION_ID, conv);
}

fn scheduled(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 8;
    let p = people(s, customer);
    let at = now - Duration::days(1) - Duration::hours(5);
    let t1 = s.new_thread_id();
    let body = customer_email(&p.author(), "Hello,", &["Could you send a reminder to our team when the new billing cycle starts? We keep forgetting to update the cost centre."], &[], None, None);
    let first = customer_thread(t1, customer, at, "billing@fernwood.io", body);
    let mut later = reply_thread(
        SCHEDULED_THREAD_ID,
        Actor::User(1004),
        customer,
        &p,
        at + Duration::hours(2),
        agent_email(&p.who_first, "Sam", "Okafor", &["Friendly reminder: your new billing cycle starts today. Remember to update the cost centre under Settings > Billing."], &[], ("", ""), SCHEDULED_THREAD_ID),
    );
    later.state = "draft".into();
    later.scheduled = Some(Schedule {
        by: 1004,
        at: now + Duration::days(30),
        unschedule_on_customer_reply: true,
        send_as_creator: false,
    });
    let conv = base_conversation(
        Base {
            id: SCHEDULED_CONVERSATION_ID,
            number: 1068,
            mailbox: BILLING_MAILBOX_ID,
            customer,
            subject: "Reminder when the billing cycle starts",
            status: "active",
            assignee: Some(Actor::User(1004)),
            created_by: Actor::Customer(customer),
            created_at: at,
        },
        vec![first, later],
    );
    s.conversations.insert(SCHEDULED_CONVERSATION_ID, conv);
}

fn system_user(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 9;
    let p = people(s, customer);
    let at = now - Duration::days(1) - Duration::hours(9);
    let (t1, t2) = (s.new_thread_id(), s.new_thread_id());
    let ai = Actor::SystemUser(SYSTEM_USER_IDS[0]);
    let answer = reply_thread(
        t1,
        ai,
        customer,
        &p,
        at,
        format!("<p>Hi {},</p><p>I'm Fernwood's AI assistant. It looks like your trial ends in 3 days - would you like help choosing a plan? Most teams your size pick <strong>Pro</strong>, which includes portfolios and time tracking.</p><p>You can compare plans here: <a href=\"https://fernwood.io/pricing\">fernwood.io/pricing</a></p>", escape(&p.who_first)),
    );
    let body = customer_email(
        &p.author(),
        "",
        &["Thanks. Does Pro include the Jira integration, or is that Enterprise only?"],
        &[],
        None,
        None,
    );
    let followup = customer_thread(t2, customer, at + Duration::hours(6), "support@fernwood.io", body);
    let conv = base_conversation(
        Base {
            id: SYSTEM_USER_CONVERSATION_ID,
            number: 1069,
            mailbox: SUPPORT_MAILBOX_ID,
            customer,
            subject: "Your Fernwood trial ends in 3 days",
            status: "active",
            assignee: Some(ai),
            created_by: ai,
            created_at: at,
        },
        vec![answer, followup],
    );
    s.conversations.insert(SYSTEM_USER_CONVERSATION_ID, conv);
}

fn draft_reply(s: &mut State, now: Time) {
    let customer = CUSTOMER_ID + 10;
    let p = people(s, customer);
    let at = now - Duration::hours(6);
    let t1 = s.new_thread_id();
    let body = customer_email(
        &p.author(),
        "Hi there,",
        &["Is it possible to change the owner of a project? The person who created it has left the company."],
        &[],
        None,
        None,
    );
    let first = customer_thread(t1, customer, at, "support@fernwood.io", body);
    let mut draft = reply_thread(
        DRAFT_REPLY_THREAD_ID,
        Actor::User(OWNER_USER_ID),
        customer,
        &p,
        at + Duration::minutes(50),
        agent_email(
            &p.who_first,
            "Alex",
            "Morgan",
            &["Yes - an admin can transfer ownership under Project settings > Members > Transfer ownership."],
            &[],
            (
                "https://help.fernwood.io/article/45-roles-and-permissions",
                "Roles and permissions",
            ),
            DRAFT_REPLY_THREAD_ID,
        ),
    );
    draft.state = "draft".into();
    let conv = base_conversation(
        Base {
            id: DRAFT_REPLY_CONVERSATION_ID,
            number: 1070,
            mailbox: SUPPORT_MAILBOX_ID,
            customer,
            subject: "Change the owner of a project",
            status: "active",
            assignee: Some(Actor::User(OWNER_USER_ID)),
            created_by: Actor::Customer(customer),
            created_at: at,
        },
        vec![first, draft],
    );
    s.conversations.insert(DRAFT_REPLY_CONVERSATION_ID, conv);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_deterministic_and_complete() {
        let a = build(true);
        let b = build(true);
        assert_eq!(a.conversations.len(), b.conversations.len());
        for (id, c) in &a.conversations {
            let other = &b.conversations[id];
            assert_eq!(c.subject, other.subject);
            assert_eq!(c.threads.len(), other.threads.len());
            assert_eq!(
                c.threads.first().map(|t| &t.body),
                other.threads.first().map(|t| &t.body)
            );
        }
        assert!(a.conversations.len() >= 69);
        assert!(a.customers.len() >= 40);
        assert!(a.users.len() >= 6);
        assert!(a.tags.len() >= 10);
        assert_eq!(a.conversations[&FULL_CONVERSATION_ID].threads.len(), 100);
        assert_eq!(
            a.merged.get(&MERGED_CONVERSATION_ID),
            Some(&MERGE_TARGET_CONVERSATION_ID)
        );
        for status in ["active", "pending", "closed", "spam"] {
            assert!(a.conversations.values().any(|c| c.status == status), "{status}");
        }
        assert!(a.conversations.values().any(|c| c.assignee.is_none()));
        for c in a.conversations.values() {
            assert!(!c.threads.is_empty() && c.threads.len() <= 100);
            assert!(c.threads.iter().all(|t| t.created_at <= seed_now()));
            let mut ids: Vec<u64> = c.threads.iter().map(|t| t.id).collect();
            ids.dedup();
            assert_eq!(ids.len(), c.threads.len());
        }
        let all_threads: Vec<&Thread> = a.conversations.values().flat_map(|c| c.threads.iter()).collect();
        for kind in ["customer", "reply", "note", "chat", "phone", "lineitem"] {
            assert!(all_threads.iter().any(|t| t.kind == kind), "{kind}");
        }
        assert!(all_threads.iter().any(|t| t.body.contains("<blockquote")));
        assert!(all_threads.iter().any(|t| t.body.contains("width=\"1\" height=\"1\"")));
    }

    #[test]
    fn bare_account() {
        let s = build(false);
        assert!(s.conversations.is_empty());
        assert_eq!(s.mailboxes.len(), 3);
        assert_eq!(s.users.len(), 7);
    }
}
