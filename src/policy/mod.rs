//! Which tools an agent may see and call. Help Scout tokens carry no scopes, so this
//! is the access-control point. The same decision is applied to `tools/list` and to
//! `tools/call`: a hidden tool cannot be called, and the refusal says which setting
//! would enable it.

use std::collections::{BTreeMap, BTreeSet};

pub mod file;
pub mod scope;

use crate::registry::{Access, ToolSpec};

/// How far an agent may reach: each level includes the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum AccessLevel {
    /// Read tools only.
    Read,
    /// Read and write tools (nothing destructive or customer-visible).
    Write,
    /// Everything, including deletes, overwrites and sending email.
    Full,
}

impl AccessLevel {
    pub fn allows(self, access: Access) -> bool {
        match access {
            Access::Read => true,
            Access::Write => self >= AccessLevel::Write,
            Access::Destructive => self >= AccessLevel::Full,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::Full => "full",
        }
    }

    /// The least level that allows this access class.
    pub fn needed_for(access: Access) -> Self {
        match access {
            Access::Read => AccessLevel::Read,
            Access::Write => AccessLevel::Write,
            Access::Destructive => AccessLevel::Full,
        }
    }
}

pub const DEFAULT_TOOLSETS: &[&str] = &["conversations", "customers", "mailboxes", "users", "tags", "docs"];

pub const ALL_TOOLSETS: &[&str] = &[
    "conversations",
    "customers",
    "organizations",
    "mailboxes",
    "users",
    "tags",
    "workflows",
    "webhooks",
    "reports",
    "docs",
    "chat",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Toolsets {
    All,
    Only(BTreeSet<String>),
}

impl Toolsets {
    pub fn default_set() -> Self {
        Toolsets::Only(DEFAULT_TOOLSETS.iter().map(|s| s.to_string()).collect())
    }

    /// Parses a comma list (or `all`); unknown names are an error naming the valid ones.
    pub fn parse(list: &str) -> Result<Self, String> {
        let names: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if names.iter().any(|n| n.eq_ignore_ascii_case("all")) {
            return Ok(Toolsets::All);
        }
        let mut set = BTreeSet::new();
        for name in names {
            if !ALL_TOOLSETS.contains(&name) {
                return Err(format!(
                    "unknown toolset `{name}`; expected `all` or a comma list of: {}",
                    ALL_TOOLSETS.join(", ")
                ));
            }
            set.insert(name.to_string());
        }
        Ok(Toolsets::Only(set))
    }

    pub fn contains(&self, toolset: &str) -> bool {
        match self {
            Toolsets::All => true,
            Toolsets::Only(set) => set.contains(toolset),
        }
    }
}

/// Where a policy came from; refusals name the setting that would change them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Built from flags and environment (no policy file).
    Flags,
    /// A named profile of the policy file.
    Profile(String),
}

/// A per-toolset level in a policy file profile. `off` hides the toolset even from
/// the profile's allow list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolsetLevel {
    Off,
    Read,
    Write,
    Full,
}

impl ToolsetLevel {
    fn as_access(self) -> Option<AccessLevel> {
        match self {
            ToolsetLevel::Off => None,
            ToolsetLevel::Read => Some(AccessLevel::Read),
            ToolsetLevel::Write => Some(AccessLevel::Write),
            ToolsetLevel::Full => Some(AccessLevel::Full),
        }
    }
}

/// Personal data that a profile masks in tool output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Redact {
    Email,
    Phone,
    Name,
}

/// Tools that put something in front of a customer; a `draft-only` profile hides them
/// (create_draft_reply stays).
pub const SENDING_TOOLS: &[&str] = &[
    "send_reply",
    "send_new_conversation",
    "publish_draft_conversation",
    "schedule_thread",
    "publish_thread_schedule",
];

/// The policy one caller runs under: the flags' default profile, or a named profile
/// of the policy file.
#[derive(Debug, Clone)]
pub struct Policy {
    pub source: Source,
    /// Level of the toolsets in `toolsets`.
    pub access: AccessLevel,
    pub toolsets: Toolsets,
    /// Per-toolset levels that override `access`/`toolsets` (policy file).
    pub toolset_levels: BTreeMap<String, ToolsetLevel>,
    /// Tools enabled by name in addition to the toolsets.
    pub extra_tools: BTreeSet<String>,
    /// Whether `extra_tools` grants a tool above the access level. `--tools` does not
    /// (it only adds tools of other toolsets); a profile's `allow` list does.
    pub extra_tools_lift_access: bool,
    /// Tools hidden by name; only an `off` toolset is stronger.
    pub excluded_tools: BTreeSet<String>,
    /// Mailboxes this caller may touch; `None` means all.
    pub mailboxes: Option<BTreeSet<u64>>,
    /// Docs sites this caller may touch; `None` means all.
    pub docs_sites: Option<BTreeSet<String>>,
    /// Hide every tool that sends something to a customer.
    pub draft_only: bool,
    /// Personal data masked in tool output.
    pub redact: BTreeSet<Redact>,
    /// Whether a Docs API key is configured; without one the docs toolset cannot work.
    pub docs_available: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            source: Source::Flags,
            access: AccessLevel::Read,
            toolsets: Toolsets::default_set(),
            toolset_levels: BTreeMap::new(),
            extra_tools: BTreeSet::new(),
            extra_tools_lift_access: false,
            excluded_tools: BTreeSet::new(),
            mailboxes: None,
            docs_sites: None,
            draft_only: false,
            redact: BTreeSet::new(),
            docs_available: false,
        }
    }
}

/// Why a tool is not available: the rule that decided, and the setting that would
/// change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// Short name of the deciding rule, for the audit log (e.g. `access`, `deny`).
    pub rule: &'static str,
    pub reason: String,
}

impl Policy {
    pub fn name(&self) -> &str {
        match &self.source {
            Source::Flags => "default",
            Source::Profile(name) => name,
        }
    }

    /// `Ok` when the tool may be listed and called. Precedence, strongest first:
    /// an `off` toolset, the deny list, a missing Docs key, draft-only, the allow list,
    /// then the toolset's access level.
    pub fn decide(&self, spec: &ToolSpec) -> Result<(), Hidden> {
        let name = spec.name;
        let level_override = self.toolset_levels.get(spec.toolset).copied();
        if level_override == Some(ToolsetLevel::Off) {
            return Err(self.hidden("toolset-off", format!("the `{}` toolset is off", spec.toolset), name));
        }
        if self.excluded_tools.contains(name) {
            return Err(match self.source {
                Source::Flags => Hidden {
                    rule: "deny",
                    reason: format!("`{name}` is excluded by --exclude-tools (HELPSCOUT_EXCLUDE_TOOLS)."),
                },
                Source::Profile(_) => self.hidden("deny", "it is in the deny list".to_string(), name),
            });
        }
        if spec.toolset == "docs" && !self.docs_available {
            return Err(Hidden {
                rule: "docs-key",
                reason: format!("`{name}` needs the Docs API: set HELPSCOUT_DOCS_API_KEY to enable the docs toolset."),
            });
        }
        if self.draft_only && SENDING_TOOLS.contains(&name) {
            return Err(self.hidden(
                "draft-only",
                "replies are draft-only (use create_draft_reply; a person sends it)".to_string(),
                name,
            ));
        }
        let level = match level_override.and_then(ToolsetLevel::as_access) {
            Some(level) => Some(level),
            None if self.toolsets.contains(spec.toolset) => Some(self.access),
            None => None,
        };
        if self.extra_tools.contains(name) {
            let ceiling = if self.extra_tools_lift_access {
                AccessLevel::Full
            } else {
                self.access
            };
            if ceiling.allows(spec.access) {
                return Ok(());
            }
        }
        let Some(level) = level else {
            return Err(match self.source {
                Source::Flags => Hidden {
                    rule: "toolset",
                    reason: format!(
                        "`{name}` is in the `{}` toolset, which is not enabled; add it with --toolsets (HELPSCOUT_TOOLSETS) or enable the tool alone with --tools {name}.",
                        spec.toolset
                    ),
                },
                Source::Profile(_) => {
                    self.hidden("toolset", format!("the `{}` toolset is not enabled", spec.toolset), name)
                }
            });
        };
        if !level.allows(spec.access) {
            let needed = AccessLevel::needed_for(spec.access);
            return Err(match self.source {
                Source::Flags => Hidden {
                    rule: "access",
                    reason: format!(
                        "`{name}` is a {} tool and the access level is `{}`; start the server with --access {} (HELPSCOUT_ACCESS={}) to enable it.",
                        spec.access.as_str(),
                        level.as_str(),
                        needed.as_str(),
                        needed.as_str()
                    ),
                },
                Source::Profile(_) => self.hidden(
                    "access",
                    format!(
                        "it is a {} tool and the profile gives the `{}` toolset `{}` access (needs `{}`)",
                        spec.access.as_str(),
                        spec.toolset,
                        level.as_str(),
                        needed.as_str()
                    ),
                    name,
                ),
            });
        }
        Ok(())
    }

    fn hidden(&self, rule: &'static str, why: String, name: &str) -> Hidden {
        Hidden {
            rule,
            reason: format!(
                "`{name}` is not available to profile `{}` because {why} (rule `{rule}` of the policy file).",
                self.name()
            ),
        }
    }

    pub fn allows(&self, spec: &ToolSpec) -> bool {
        self.decide(spec).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helpscout::Api;
    use http::Method;

    fn spec(name: &'static str, toolset: &'static str, access: Access) -> ToolSpec {
        ToolSpec {
            name,
            toolset,
            access,
            idempotent: true,
            title: "t",
            description: "d",
            api: Api::Inbox,
            method: Method::GET,
            path: "/v2/x",
        }
    }

    #[test]
    fn access_levels_nest() {
        let read = spec("a", "conversations", Access::Read);
        let write = spec("b", "conversations", Access::Write);
        let destructive = spec("c", "conversations", Access::Destructive);
        let mut policy = Policy::default();
        assert!(policy.allows(&read) && !policy.allows(&write) && !policy.allows(&destructive));
        policy.access = AccessLevel::Write;
        assert!(policy.allows(&read) && policy.allows(&write) && !policy.allows(&destructive));
        policy.access = AccessLevel::Full;
        assert!(policy.allows(&read) && policy.allows(&write) && policy.allows(&destructive));
    }

    #[test]
    fn refusal_names_the_setting_that_enables_the_tool() {
        let policy = Policy::default();
        let reason = policy
            .decide(&spec("send_reply", "conversations", Access::Destructive))
            .unwrap_err()
            .reason;
        assert!(reason.contains("--access full"), "{reason}");
        let reason = policy
            .decide(&spec("list_workflows", "workflows", Access::Read))
            .unwrap_err()
            .reason;
        assert!(
            reason.contains("--toolsets") && reason.contains("workflows"),
            "{reason}"
        );
    }

    #[test]
    fn extra_tools_add_but_do_not_lift_the_access_level() {
        let mut policy = Policy::default();
        policy.extra_tools.insert("list_workflows".into());
        policy.extra_tools.insert("run_workflow".into());
        assert!(policy.allows(&spec("list_workflows", "workflows", Access::Read)));
        assert!(!policy.allows(&spec("run_workflow", "workflows", Access::Destructive)));
    }

    #[test]
    fn exclusion_wins() {
        let mut policy = Policy {
            access: AccessLevel::Full,
            toolsets: Toolsets::All,
            ..Policy::default()
        };
        policy.excluded_tools.insert("list_tags".into());
        policy.extra_tools.insert("list_tags".into());
        assert!(!policy.allows(&spec("list_tags", "tags", Access::Read)));
    }

    #[test]
    fn docs_tools_need_a_key() {
        let mut policy = Policy::default();
        let docs = spec("docs_list_sites", "docs", Access::Read);
        assert!(policy
            .decide(&docs)
            .unwrap_err()
            .reason
            .contains("HELPSCOUT_DOCS_API_KEY"));
        policy.docs_available = true;
        assert!(policy.allows(&docs));
    }

    #[test]
    fn toolset_parsing() {
        assert_eq!(Toolsets::parse("all").unwrap(), Toolsets::All);
        assert!(Toolsets::parse("conversations, tags").unwrap().contains("tags"));
        let err = Toolsets::parse("conversations,bogus").unwrap_err();
        assert!(err.contains("bogus") && err.contains("mailboxes"), "{err}");
    }
}
