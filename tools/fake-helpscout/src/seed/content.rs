//! Seed text: support scenarios and the HTML email bodies built from them.
//! All companies, people and addresses are fictional.

use crate::state::Time;
use crate::text::escape;

pub(crate) struct Scenario {
    pub(crate) mailbox: u64,
    pub(crate) subjects: &'static [&'static str],
    pub(crate) tags: &'static [&'static str],
    pub(crate) opening: &'static [&'static str],
    pub(crate) bullets: &'static [&'static str],
    pub(crate) reply: &'static [&'static str],
    pub(crate) steps: &'static [&'static str],
    pub(crate) article: (&'static str, &'static str),
    pub(crate) followups: &'static [&'static str],
    pub(crate) agent_followups: &'static [&'static str],
    pub(crate) notes: &'static [&'static str],
    pub(crate) spam: bool,
}

pub(crate) const SCENARIOS: &[Scenario] = &[
    Scenario {
        mailbox: 301,
        subjects: &[
            "Can't log in after enabling two-factor authentication",
            "Locked out - 2FA codes keep getting rejected",
            "2FA code not accepted on the new phone",
        ],
        tags: &["login-issue", "urgent"],
        opening: &[
            "I turned on two-factor authentication yesterday and now every code from my authenticator app is rejected with \"Invalid code\".",
            "I double-checked that the time on my phone is set automatically. I also tried two of the backup codes and they did not work either, so I'm completely locked out of our workspace.",
        ],
        bullets: &["Browser: Chrome 131 on macOS", "Authenticator: Google Authenticator", "Workspace: the main company one"],
        reply: &[
            "Sorry about the trouble, being locked out right before a deadline is no fun. I checked your account and the 2FA device was registered twice, which is why the codes don't match the one we expect.",
            "I've reset two-factor authentication on your login, so you can sign in with just your password now and set it up again:",
        ],
        steps: &["Sign in at app.fernwood.io", "Open Settings > Security", "Remove the old Fernwood entry from your authenticator app before scanning the new QR code"],
        article: ("https://help.fernwood.io/article/112-two-factor-authentication", "Setting up two-factor authentication"),
        followups: &[
            "That worked, I'm back in. Thanks for the quick help!",
            "I reset it but the new codes are also rejected. Could it be because I'm using the desktop app?",
            "Got in this time. One more question: do the backup codes change when I re-enable 2FA?",
        ],
        agent_followups: &[
            "Yes, a new set of backup codes is generated every time 2FA is enabled, and the old ones stop working. Store the new ones somewhere safe.",
            "The desktop app uses the same codes, but it caches the session. Please sign out of the desktop app completely and try again.",
        ],
        notes: &["Second 2FA lockout this week for this workspace - maybe worth flagging to the auth team.", "Verified identity via the billing contact before resetting 2FA."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "CSV export fails with \"Something went wrong\"",
            "Export to CSV stuck at 99%",
            "Project export is empty",
        ],
        tags: &["bug"],
        opening: &[
            "When I export our project list to CSV the progress bar gets to the end and then shows \"Something went wrong. Please try again.\"",
            "It worked fine last week. We have around 4,000 tasks in the project if that matters.",
        ],
        bullets: &["Tried in Firefox and Chrome", "Tried with filters removed", "Other projects export fine"],
        reply: &[
            "Thanks for the detailed report, it made this easy to reproduce. Large projects with custom fields containing line breaks currently trip up the exporter, and our engineers are working on a fix.",
            "Until the fix ships, this workaround should get you a complete file:",
        ],
        steps: &["Open the project and switch to the Table view", "Hide the \"Notes\" custom field", "Export again, then export the Notes field separately"],
        article: ("https://help.fernwood.io/article/87-exporting-data", "Exporting your data"),
        followups: &[
            "The workaround did the trick, thanks. Please let me know when the fix is out.",
            "Hiding the field didn't help for us, the export still fails at the end.",
        ],
        agent_followups: &[
            "Good news: the fix for large exports went out this morning. Exports with multi-line custom fields should work again.",
            "Thanks for checking. Could you send me the project URL? I'll run the export from our side and send you the file directly.",
        ],
        notes: &["Linked to ENG-4821 (exporter chokes on CRLF in custom fields).", "Reproduced on staging with a 5k task project."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "Webhooks stopped firing since yesterday",
            "API returns 401 for a valid token",
            "Rate limit errors from the REST API",
        ],
        tags: &["api", "integration"],
        opening: &[
            "Our integration relies on the task.updated webhook and we haven't received a single delivery since yesterday around 14:00 UTC.",
            "The endpoint is up and returns 200 to manual tests. Nothing changed on our side as far as I know.",
        ],
        bullets: &["Webhook id: wh_73af", "Endpoint: https://hooks.kestrel-design.co/fernwood", "Last delivery we saw: 14:02 UTC"],
        reply: &[
            "I looked at the delivery log for your webhook: after five consecutive timeouts our system disabled it automatically, which is why nothing was sent afterwards.",
            "You can re-enable it under Settings > Integrations > Webhooks. To avoid this in the future, make sure your endpoint answers within 10 seconds and does the heavy work asynchronously.",
        ],
        steps: &["Go to Settings > Integrations > Webhooks", "Click the disabled webhook and choose Enable", "Use \"Send test event\" to confirm delivery"],
        article: ("https://help.fernwood.io/article/201-webhooks", "Webhooks reference"),
        followups: &[
            "Re-enabled it and events are flowing again. Is there a way to get notified when a webhook gets disabled?",
            "We were doing the processing inline, that explains the timeouts. Thanks!",
        ],
        agent_followups: &[
            "Not yet, but it's a common request and I've added your vote. For now the audit log records when a webhook is disabled.",
        ],
        notes: &["Customer's endpoint p95 was ~12s during their deploy window.", "@jordan can you double-check the retry policy docs? They still say 3 retries."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "Slack notifications going to the wrong channel",
            "How do I reconnect the Slack integration?",
        ],
        tags: &["integration"],
        opening: &[
            "We renamed our Slack channel from #design-team to #design and since then all Fernwood notifications end up in #general instead.",
            "Is there a way to point them at the new channel without losing the per-project settings?",
        ],
        bullets: &[],
        reply: &[
            "Slack gives renamed channels a new id for integrations that connected before the rename, so we fall back to the default channel.",
            "You can fix it per project without losing anything else:",
        ],
        steps: &["Open the project settings", "Go to Notifications > Slack", "Pick #design from the channel list and save"],
        article: ("https://help.fernwood.io/article/64-slack-integration", "Using Fernwood with Slack"),
        followups: &["Perfect, that fixed it. Thanks!", "We have 30 projects, is there a bulk option?"],
        agent_followups: &["There's no bulk option in the app, but I can run it for you from our side. Just confirm and I'll update all 30 projects."],
        notes: &["Bulk channel update done via admin tool."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "Feature request: bulk edit for task due dates",
            "Any plans for a dark mode?",
            "Suggestion: recurring tasks with custom intervals",
        ],
        tags: &["feature-request", "feedback"],
        opening: &[
            "We use Fernwood every day and love it, but one thing slows us down a lot: there is no way to change the due date of many tasks at once.",
            "When a client moves a deadline we have to open 20-30 tasks one by one. A bulk edit option in the list view would save us hours.",
        ],
        bullets: &[],
        reply: &[
            "Thank you for taking the time to write this up! Bulk editing is one of the most requested features and I've added your use case to the request our product team is tracking.",
            "In the meantime, you can shift all due dates of a project at once from the Timeline view by dragging the project bar, which might cover the \"client moved the deadline\" case.",
        ],
        steps: &[],
        article: ("https://help.fernwood.io/article/140-timeline-view", "Working with the Timeline view"),
        followups: &["The timeline trick helps, thanks! Still hoping for proper bulk edit though.", "Any rough idea when this could ship?"],
        agent_followups: &["I can't promise a date, but it's on the roadmap for the first half of next year. I'll update you here as soon as it's in beta."],
        notes: &["Added to feature request FR-212 (bulk edit), 148 votes now."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "Importing our data from Trello",
            "Help getting started with the team workspace",
        ],
        tags: &["onboarding"],
        opening: &[
            "We just signed up and would like to move our boards over from Trello. We have about 12 boards with attachments and checklists.",
            "Is there an importer, and will it keep the comments and who is assigned to what?",
        ],
        bullets: &["12 boards", "~1,500 cards", "8 team members"],
        reply: &[
            "Welcome to Fernwood! Yes, there is a Trello importer and it keeps comments, checklists, attachments and assignees (as long as the team members use the same email address in both tools).",
            "Here is the quickest way to bring everything over:",
        ],
        steps: &["Invite your team first so assignees can be matched", "Go to Settings > Import > Trello", "Select the boards and start the import - larger boards take a few minutes"],
        article: ("https://help.fernwood.io/article/23-import-from-trello", "Importing from Trello"),
        followups: &["The import worked great. Only the labels came over without colors, is that expected?", "All done, the team is already using it. Thanks for the help!"],
        agent_followups: &["Yes, label colors aren't part of Trello's export file, so they come over in grey. You can recolor them under Project settings > Labels."],
        notes: &["New customer, 8 seats on Pro trial - good upsell candidate."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "Dashboard takes 30+ seconds to load",
            "App is extremely slow today",
        ],
        tags: &["bug", "urgent"],
        opening: &[
            "Since this morning the dashboard takes more than 30 seconds to load for everyone on our team, and sometimes it times out completely.",
            "Other websites are fast, so I don't think it's our network. Is there an outage?",
        ],
        bullets: &[],
        reply: &[
            "I'm sorry for the slowdown. We had a degraded database node in the EU region this morning, which affected dashboard loading for some workspaces. It was fixed at 11:40 UTC.",
            "Could you check whether it's back to normal on your side? If it's still slow, a HAR file from your browser would help us dig in.",
        ],
        steps: &[],
        article: ("https://status.fernwood.io/incidents/2026-eu-db", "Incident report on our status page"),
        followups: &["It's fast again, thanks for the update.", "Still slow for two of our users in Berlin. I've attached a HAR file."],
        agent_followups: &["Thanks for the HAR file. Those two users were still routed to the old node through a cached DNS entry; it should clear within the hour."],
        notes: &["Part of the EU incident, see #inc-2211."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "iOS app not syncing with the web app",
            "Android app crashes on launch",
        ],
        tags: &["bug"],
        opening: &[
            "Tasks I create on my iPhone don't show up on the web app, and changes from the web don't appear on the phone either.",
            "I tried logging out and back in. The app says \"Last synced 3 days ago\".",
        ],
        bullets: &["iPhone 15, iOS 18.1", "Fernwood app version 5.12.0"],
        reply: &[
            "Thanks for the details. Version 5.12.0 has a sync bug that affects accounts with more than one workspace; 5.12.1 fixes it and is available in the App Store now.",
            "After updating, pull down on the task list to force a sync. Anything created offline will be uploaded then.",
        ],
        steps: &[],
        article: ("https://help.fernwood.io/article/77-mobile-sync", "Troubleshooting mobile sync"),
        followups: &["Updated and everything synced. Thanks!", "Updated, but it still says last synced 3 days ago."],
        agent_followups: &["Could you go to Settings > About in the app and tap the version number five times? That sends us a diagnostic log we can look at."],
        notes: &["Mobile team confirmed the multi-workspace sync bug is fixed in 5.12.1."],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "How do I give a contractor read-only access?",
            "Removing a former employee from our account",
        ],
        tags: &[],
        opening: &[
            "We're bringing in a contractor for a few weeks and want them to see two projects without being able to change anything.",
            "Is there a read-only role, and does it count as a paid seat?",
        ],
        bullets: &[],
        reply: &[
            "Yes! Invite them as a Guest and give them Viewer access to just those two projects. Guests with view-only access are free and don't use a paid seat.",
        ],
        steps: &["Open the project and click Share", "Enter the contractor's email and choose \"Viewer\"", "Repeat for the second project"],
        article: ("https://help.fernwood.io/article/45-roles-and-permissions", "Roles and permissions"),
        followups: &["Great, that's exactly what we needed.", "Can a guest still see the other members' emails?"],
        agent_followups: &["Guests only see the names and avatars of people on the projects they're invited to, not their email addresses."],
        notes: &[],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &["Just wanted to say thanks!", "Loving the new timeline view"],
        tags: &["feedback"],
        opening: &[
            "No problem to report this time - I just wanted to say the new timeline view is fantastic. It has completely replaced the spreadsheet we used for planning.",
            "Thanks to the whole team for the great work.",
        ],
        bullets: &[],
        reply: &[
            "This made our day, thank you! I've shared your message with the team that built the timeline view.",
            "If you have ideas for what would make it even better, we're all ears.",
        ],
        steps: &[],
        article: ("https://help.fernwood.io/article/140-timeline-view", "Timeline tips and tricks"),
        followups: &["One small idea: it would be great to see weekends shaded differently."],
        agent_followups: &["Great idea, passed on to the product team!"],
        notes: &[],
        spam: false,
    },
    Scenario {
        mailbox: 302,
        subjects: &["Charged twice this month", "Duplicate charge on our card"],
        tags: &["billing", "refund"],
        opening: &[
            "Our credit card statement shows two charges of $240.00 from Fernwood on the 3rd of this month. We only have one workspace.",
            "Could you please refund the duplicate charge?",
        ],
        bullets: &["Workspace: the main one", "Card ending in 4421"],
        reply: &[
            "I'm sorry about that. I can see two successful payments for the same invoice: the payment provider retried a request that had already gone through.",
            "I've refunded the duplicate charge of $240.00. Refunds usually take 5-10 business days to show on your statement, depending on your bank.",
        ],
        steps: &[],
        article: ("https://help.fernwood.io/article/301-refunds", "How refunds work"),
        followups: &["Thank you! I'll keep an eye on the statement.", "It's been 12 days and I still don't see the refund."],
        agent_followups: &["I checked with our payment provider: the refund was sent on the 5th with reference RF-88213. If your bank can't find it, they can use that reference."],
        notes: &["Refund issued in Stripe, ref RF-88213.", "Known retry bug, finance is aware."],
        spam: false,
    },
    Scenario {
        mailbox: 302,
        subjects: &["Need an invoice with our VAT number", "Invoice address change"],
        tags: &["billing"],
        opening: &[
            "Our accounting department needs the invoices for September and October to show our VAT number and the company's legal name.",
            "Can you reissue them?",
        ],
        bullets: &["VAT: DE 298 114 552", "Legal name: Atlas Freight GmbH"],
        reply: &[
            "Of course. I've added the VAT number and legal name to your billing profile, so all future invoices will include them automatically.",
            "I've also regenerated the September and October invoices; you can download them from Settings > Billing > Invoices.",
        ],
        steps: &[],
        article: ("https://help.fernwood.io/article/310-invoices", "Downloading invoices"),
        followups: &["Perfect, accounting is happy. Thanks!", "Could you also send them as PDF to finance@atlas-freight.de?"],
        agent_followups: &["Done - both PDFs are on their way to finance@atlas-freight.de."],
        notes: &[],
        spam: false,
    },
    Scenario {
        mailbox: 302,
        subjects: &["Please cancel my subscription", "Downgrade to the Starter plan"],
        tags: &["cancellation", "billing"],
        opening: &[
            "We've decided to consolidate our tools and won't need Fernwood after the end of this billing period.",
            "Please cancel the subscription so we aren't charged again. Will we still be able to export our data?",
        ],
        bullets: &[],
        reply: &[
            "Sorry to see you go! I've scheduled the cancellation for the end of your current billing period, so you won't be charged again.",
            "You'll keep full access until then, and you can export everything from Settings > Export at any time. After cancellation your data is kept for 30 days in case you change your mind.",
        ],
        steps: &[],
        article: ("https://help.fernwood.io/article/320-cancel", "Cancelling your subscription"),
        followups: &["Thanks for making it easy.", "Actually, could we downgrade to Starter instead of cancelling?"],
        agent_followups: &["No problem - I've switched you to the Starter plan from the next billing period instead of cancelling."],
        notes: &["Churn reason: tool consolidation. Offered Starter downgrade."],
        spam: false,
    },
    Scenario {
        mailbox: 302,
        subjects: &["Card declined but we have funds", "Payment failed - is our account suspended?"],
        tags: &["billing", "urgent"],
        opening: &[
            "We got an email that our payment failed and the workspace will be suspended in 3 days. The card is valid and has plenty of funds.",
            "Can you check what's going on? We can't afford downtime this week.",
        ],
        bullets: &[],
        reply: &[
            "Don't worry, your workspace won't be suspended while we sort this out - I've paused the dunning process on your account.",
            "The decline code from your bank was \"do_not_honor\", which usually means the bank blocked the charge as a precaution. A quick call to your bank, or adding a different card under Settings > Billing, will fix it.",
        ],
        steps: &[],
        article: ("https://help.fernwood.io/article/305-failed-payments", "Failed payments"),
        followups: &["The bank had flagged it, it's approved now. Can you retry the charge?", "We added a new card."],
        agent_followups: &["I retried the charge and it went through. You're all set!"],
        notes: &["Dunning paused for 7 days."],
        spam: false,
    },
    Scenario {
        mailbox: 303,
        subjects: &["Enterprise pricing for 250 seats", "Quote request for our agency"],
        tags: &["vip"],
        opening: &[
            "We're evaluating Fernwood for our whole organisation, roughly 250 people across three offices.",
            "Could you share Enterprise pricing and whether you support SAML SSO and a data processing agreement?",
        ],
        bullets: &["~250 seats", "SSO via Okta", "EU data residency preferred"],
        reply: &[
            "Thanks for considering Fernwood! Enterprise includes SAML SSO (Okta, Azure AD and Google), SCIM provisioning, EU data residency and our standard DPA.",
            "For 250 seats on an annual plan the list price is $18 per seat per month; I'd be happy to put together a formal quote and set up a call with our solutions team.",
        ],
        steps: &[],
        article: ("https://fernwood.io/enterprise", "Fernwood Enterprise overview"),
        followups: &["A call next Tuesday or Wednesday afternoon would work for us.", "Please send the formal quote, our procurement team needs it by Friday."],
        agent_followups: &["I've sent a calendar invite for Wednesday at 15:00 CET and attached the quote to this email."],
        notes: &["Hot lead - 250 seats. Loop in @priya for the call."],
        spam: false,
    },
    Scenario {
        mailbox: 303,
        subjects: &["Could we book a demo next week?", "Questions about SSO before we buy"],
        tags: &[],
        opening: &[
            "Our team of 15 is moving off spreadsheets and Fernwood is on our shortlist.",
            "Could we get a 30-minute demo next week? We're especially interested in reporting and time tracking.",
        ],
        bullets: &[],
        reply: &[
            "We'd love to show you around! You can pick any slot that works for you here and we'll tailor the demo to reporting and time tracking.",
        ],
        steps: &[],
        article: ("https://fernwood.io/demo", "Book a demo"),
        followups: &["Booked for Thursday at 10:00. See you then!"],
        agent_followups: &["Looking forward to it. I'll send a short agenda the day before."],
        notes: &[],
        spam: false,
    },
    Scenario {
        mailbox: 301,
        subjects: &[
            "Boost your SEO rankings today!!!",
            "Partnership opportunity - guaranteed backlinks",
        ],
        tags: &[],
        opening: &[
            "Dear Website Owner, we noticed your website is not on the first page of Google for important keywords.",
            "Our expert team can GUARANTEE top 3 rankings within 30 days. Reply now to get a FREE audit worth $499!",
        ],
        bullets: &[],
        reply: &[],
        steps: &[],
        article: ("", ""),
        followups: &[],
        agent_followups: &[],
        notes: &[],
        spam: true,
    },
];

pub(crate) struct Author<'a> {
    pub(crate) first: &'a str,
    pub(crate) last: &'a str,
    pub(crate) job: &'a str,
    pub(crate) company: &'a str,
    pub(crate) domain: &'a str,
    pub(crate) phone: &'a str,
}

fn paragraphs(out: &mut String, paras: &[&str]) {
    for p in paras {
        out.push_str(&format!("<p>{}</p>\n", escape(p)));
    }
}

/// A customer's email. `quote` is (header line, quoted HTML).
pub(crate) fn customer_email(
    who: &Author<'_>,
    greeting: &str,
    paras: &[&str],
    bullets: &[&str],
    inline_image: Option<&str>,
    quote: Option<(String, String)>,
) -> String {
    let mut out = String::from("<div dir=\"ltr\">\n");
    if !greeting.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", escape(greeting)));
    }
    paragraphs(&mut out, paras);
    if !bullets.is_empty() {
        out.push_str("<ul>\n");
        for b in bullets {
            out.push_str(&format!("<li>{}</li>\n", escape(b)));
        }
        out.push_str("</ul>\n");
    }
    if let Some(src) = inline_image {
        out.push_str(&format!(
            "<p><img src=\"{src}\" alt=\"screenshot.png\" width=\"640\" height=\"400\"><br></p>\n"
        ));
    }
    out.push_str(&format!("<p>Thanks,<br>{}</p>\n", escape(who.first)));
    out.push_str(&format!(
        "<div class=\"gmail_signature\">--<br>{} {}<br>{} | {}<br>{}<br><a href=\"https://{}\">{}</a></div>\n</div>",
        escape(who.first),
        escape(who.last),
        escape(who.job),
        escape(who.company),
        escape(who.phone),
        who.domain,
        who.domain
    ));
    if let Some((header, quoted)) = quote {
        out.push_str(&format!(
            "\n<br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">{}<br></div>\n<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex\">\n{}\n</blockquote></div>",
            escape(&header),
            quoted
        ));
    }
    out
}

/// An agent's reply with a help-article link, signature and tracking pixel.
pub(crate) fn agent_email(
    customer_first: &str,
    agent_first: &str,
    agent_last: &str,
    paras: &[&str],
    steps: &[&str],
    article: (&str, &str),
    pixel_id: u64,
) -> String {
    let mut out = String::new();
    let hello = if customer_first.is_empty() {
        "Hi there,".to_string()
    } else {
        format!("Hi {customer_first},")
    };
    out.push_str(&format!("<p>{}</p>\n", escape(&hello)));
    paragraphs(&mut out, paras);
    if !steps.is_empty() {
        out.push_str("<ol>\n");
        for s in steps {
            out.push_str(&format!("<li>{}</li>\n", escape(s)));
        }
        out.push_str("</ol>\n");
    }
    if !article.0.is_empty() {
        out.push_str(&format!(
            "<p>You can find more details here: <a href=\"{}\" target=\"_blank\">{}</a>.</p>\n",
            article.0,
            escape(article.1)
        ));
    }
    out.push_str("<p>Let me know if there's anything else I can help with.</p>\n");
    out.push_str(&format!("<p>Best,<br>{}</p>\n", escape(agent_first)));
    out.push_str(&format!(
        "<p style=\"color:#8a8a8a;font-size:12px\">{} {} | Customer Support, Fernwood<br><a href=\"https://fernwood.io\">fernwood.io</a> &middot; <a href=\"https://status.fernwood.io\">status.fernwood.io</a></p>\n",
        escape(agent_first),
        escape(agent_last)
    ));
    out.push_str(&format!(
        "<img src=\"https://emails.fernwood.io/o/{pixel_id:x}.gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none !important\">"
    ));
    out
}

/// The "On <date>, <name> wrote:" line above a quoted message.
pub(crate) fn quote_header(at: Time, name: &str, email: &str) -> String {
    format!(
        "On {}, {name} <{email}> wrote:",
        at.format("%a, %b %-d, %Y at %-I:%M %p")
    )
}

/// An internal note, optionally mentioning a colleague.
pub(crate) fn note(text: &str) -> String {
    format!("<p>{}</p>", escape(text))
}

pub(crate) const CHAT_LINES: &[(bool, &str)] = &[
    (true, "Hi! Quick question about the timeline view"),
    (false, "Hi there! Happy to help - what would you like to know?"),
    (true, "Can I show tasks from two projects on the same timeline? We plan the launch across design and engineering and switching back and forth between the two timelines all day is getting painful, especially when dependencies cross projects and I need to see both at once."),
    (false, "Yes! Create a Portfolio, add both projects, and open the Portfolio timeline. Dependencies across projects show up there too."),
    (true, "Oh nice, I didn't know portfolios existed. Is that on our plan?"),
    (false, "Portfolios are included in Pro, which is the plan you're on, so you're all set."),
    (true, "Perfect, thank you!"),
    (false, "Anytime! I'll send you a link to the portfolio guide by email as well."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::html_to_text;

    #[test]
    fn bodies_look_like_email() {
        let who = Author {
            first: "Ann",
            last: "Lee",
            job: "Ops",
            company: "Acme",
            domain: "acme.example",
            phone: "+1 555 0100",
        };
        let agent = agent_email(
            "Ann",
            "Sam",
            "Okafor",
            &["Fixed & done."],
            &["one"],
            ("https://x.example/a", "A"),
            7,
        );
        assert!(agent.contains("width=\"1\" height=\"1\""));
        let body = customer_email(
            &who,
            "Hi,",
            &["It <broke>."],
            &["a"],
            Some("https://img.example/s.png"),
            Some(("On ...".into(), agent)),
        );
        assert!(body.contains("<blockquote"));
        assert!(body.contains("&lt;broke&gt;"));
        let text = html_to_text(&body);
        assert!(text.contains("It <broke>."));
        assert!(!text.contains("Fixed & done."), "quoted text is dropped");
    }
}
