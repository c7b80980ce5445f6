//! The policy file (TOML, `--policy FILE` / HELPSCOUT_POLICY): named profiles, and the
//! HTTP bearer tokens that select them. Tokens are stored as SHA-256 hashes
//! (`helpscout-mcp hash-token` prints one), so the file can be read without exposing
//! a credential.
//!
//! Every name in the file is checked against the registry: a typo in a deny list must
//! fail loudly at start-up, not silently allow the tool.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{AccessLevel, Policy, Redact, Source, ToolsetLevel, Toolsets, ALL_TOOLSETS};
use crate::registry::Registry;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    /// The profile for stdio, and for HTTP callers that present HELPSCOUT_MCP_TOKEN.
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, ProfileDoc>,
    #[serde(default)]
    tokens: Vec<TokenDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileDoc {
    /// Level of every toolset not listed in `toolsets`. Default `read`.
    access: Option<ToolsetLevel>,
    #[serde(default)]
    toolsets: BTreeMap<String, ToolsetLevel>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
    mailboxes: Option<Vec<u64>>,
    docs_sites: Option<Vec<String>>,
    replies: Option<Replies>,
    #[serde(default)]
    redact: Vec<Redact>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Replies {
    Send,
    DraftOnly,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenDoc {
    /// Hex SHA-256 of the token.
    sha256: String,
    profile: String,
    /// Free text for people reading the file and the audit log.
    #[allow(dead_code)]
    label: Option<String>,
}

/// A loaded policy file.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    pub profiles: BTreeMap<String, Arc<Policy>>,
    pub default_profile: Option<Arc<Policy>>,
    /// (SHA-256 of a token, the profile it selects).
    pub tokens: Vec<([u8; 32], Arc<Policy>)>,
}

/// SHA-256 of a token, as stored in the policy file.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, chunk) in text.as_bytes().chunks(2).enumerate() {
        let pair = std::str::from_utf8(chunk).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

impl PolicyFile {
    pub fn load(path: &std::path::Path, registry: &Registry, docs_available: bool) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the policy file {}: {e}", path.display()))?;
        Self::parse(&text, registry, docs_available).map_err(|e| format!("policy file {}: {e}", path.display()))
    }

    pub fn parse(text: &str, registry: &Registry, docs_available: bool) -> Result<Self, String> {
        let doc: FileDoc = toml::from_str(text).map_err(|e| e.to_string())?;
        if doc.profiles.is_empty() {
            return Err("no [profiles.<name>] defined".into());
        }
        let mut profiles = BTreeMap::new();
        for (name, profile) in doc.profiles {
            let policy = build_profile(&name, profile, registry, docs_available)?;
            profiles.insert(name, Arc::new(policy));
        }
        let lookup = |name: &str, what: &str| {
            profiles.get(name).cloned().ok_or_else(|| {
                let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
                format!(
                    "{what} names profile `{name}`, which is not defined (profiles: {})",
                    known.join(", ")
                )
            })
        };
        let default_profile = match &doc.default_profile {
            Some(name) => Some(lookup(name, "default_profile")?),
            None => None,
        };
        let mut tokens = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, token) in doc.tokens.iter().enumerate() {
            let hash = parse_hex32(&token.sha256).ok_or_else(|| {
                format!("tokens[{i}].sha256 must be 64 hex characters (the output of `helpscout-mcp hash-token`)")
            })?;
            if !seen.insert(hash) {
                return Err(format!("tokens[{i}]: the same token hash appears twice"));
            }
            tokens.push((hash, lookup(&token.profile, &format!("tokens[{i}]"))?));
        }
        Ok(Self {
            profiles,
            default_profile,
            tokens,
        })
    }
}

fn build_profile(name: &str, doc: ProfileDoc, registry: &Registry, docs_available: bool) -> Result<Policy, String> {
    let at = |field: &str| format!("profiles.{name}.{field}");
    for toolset in doc.toolsets.keys() {
        if !ALL_TOOLSETS.contains(&toolset.as_str()) {
            return Err(format!(
                "{}: unknown toolset `{toolset}`; expected one of {}",
                at("toolsets"),
                ALL_TOOLSETS.join(", ")
            ));
        }
    }
    for (field, list) in [("allow", &doc.allow), ("deny", &doc.deny)] {
        for tool in list {
            if registry.get(tool).is_none() {
                return Err(format!("{}: unknown tool `{tool}`", at(field)));
            }
        }
    }
    if let Some(sites) = &doc.docs_sites {
        for site in sites {
            if site.len() != 24 || !site.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "{}: `{site}` is not a Docs site id (24 hex characters)",
                    at("docs_sites")
                ));
            }
        }
    }
    if doc.mailboxes.as_ref().is_some_and(Vec::is_empty) {
        return Err(format!(
            "{}: an empty list would allow no mailbox; remove the key to allow all",
            at("mailboxes")
        ));
    }
    let default = doc.access.unwrap_or(ToolsetLevel::Read);
    let (access, toolsets) = match default {
        ToolsetLevel::Off => (AccessLevel::Read, Toolsets::Only(BTreeSet::new())),
        ToolsetLevel::Read => (AccessLevel::Read, Toolsets::All),
        ToolsetLevel::Write => (AccessLevel::Write, Toolsets::All),
        ToolsetLevel::Full => (AccessLevel::Full, Toolsets::All),
    };
    Ok(Policy {
        source: Source::Profile(name.to_string()),
        access,
        toolsets,
        toolset_levels: doc.toolsets,
        extra_tools: doc.allow.into_iter().collect(),
        extra_tools_lift_access: true,
        excluded_tools: doc.deny.into_iter().collect(),
        mailboxes: doc.mailboxes.map(|m| m.into_iter().collect()),
        docs_sites: doc
            .docs_sites
            .map(|s| s.into_iter().map(|id| id.to_ascii_lowercase()).collect()),
        draft_only: matches!(doc.replies, Some(Replies::DraftOnly)),
        redact: doc.redact.into_iter().collect(),
        docs_available,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::builtin()
    }

    fn spec<'a>(registry: &'a Registry, name: &str) -> &'a crate::registry::ToolSpec {
        &registry.get(name).unwrap_or_else(|| panic!("{name} registered")).spec
    }

    const FILE: &str = r#"
default_profile = "admin"

[profiles.triage]
access = "read"
mailboxes = [301]
redact = ["email", "phone"]

[profiles.drafter]
access = "read"
allow = ["create_note", "create_draft_reply", "send_reply"]
replies = "draft-only"

[profiles.admin]
access = "full"
deny = ["delete_conversation"]
toolsets = { tags = "off" }

[[tokens]]
sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
profile = "triage"
label = "triage bot"
"#;

    #[test]
    fn profiles_apply_their_rules_in_documented_order() {
        let registry = registry();
        let file = PolicyFile::parse(FILE, &registry, true).unwrap();
        let triage = &file.profiles["triage"];
        assert!(triage.allows(spec(&registry, "list_conversations")));
        assert!(!triage.allows(spec(&registry, "create_note")));
        assert_eq!(triage.mailboxes.as_ref().map(|m| m.len()), Some(1));

        let drafter = &file.profiles["drafter"];
        assert!(
            drafter.allows(spec(&registry, "create_note")),
            "allow lifts the read level"
        );
        assert!(drafter.allows(spec(&registry, "create_draft_reply")));
        let refused = drafter.decide(spec(&registry, "send_reply")).unwrap_err();
        assert_eq!(refused.rule, "draft-only", "draft-only beats allow");
        assert!(refused.reason.contains("drafter"), "{}", refused.reason);
        assert!(!drafter.allows(spec(&registry, "update_conversation_status")));

        let admin = &file.profiles["admin"];
        assert!(admin.allows(spec(&registry, "send_reply")));
        assert_eq!(
            admin.decide(spec(&registry, "delete_conversation")).unwrap_err().rule,
            "deny"
        );
        assert_eq!(
            admin.decide(spec(&registry, "list_tags")).unwrap_err().rule,
            "toolset-off"
        );
        assert!(file.default_profile.as_ref().is_some_and(|p| p.name() == "admin"));
    }

    #[test]
    fn off_beats_allow_and_deny_beats_allow() {
        let registry = registry();
        let text = r#"
[profiles.p]
access = "full"
toolsets = { tags = "off" }
allow = ["list_tags", "get_mailbox"]
deny = ["get_mailbox"]
"#;
        let file = PolicyFile::parse(text, &registry, true).unwrap();
        let p = &file.profiles["p"];
        assert_eq!(p.decide(spec(&registry, "list_tags")).unwrap_err().rule, "toolset-off");
        assert_eq!(p.decide(spec(&registry, "get_mailbox")).unwrap_err().rule, "deny");
    }

    #[test]
    fn tokens_map_hashes_to_profiles() {
        let registry = registry();
        let file = PolicyFile::parse(FILE, &registry, true).unwrap();
        // sha256("test")
        assert_eq!(
            hex(&hash_token("test")),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
        let (hash, profile) = &file.tokens[0];
        assert_eq!(*hash, hash_token("test"));
        assert_eq!(profile.name(), "triage");
    }

    #[test]
    fn mistakes_are_reported_with_their_place() {
        let registry = registry();
        let cases = [
            (
                "[profiles.p]\ndeny = [\"delete_conversatoin\"]",
                "profiles.p.deny: unknown tool `delete_conversatoin`",
            ),
            (
                "[profiles.p]\ntoolsets = { convos = \"read\" }",
                "unknown toolset `convos`",
            ),
            ("[profiles.p]\naccess = \"admin\"", "unknown variant `admin`"),
            ("[profiles.p]\nmailboxes = []", "profiles.p.mailboxes"),
            ("[profiles.p]\ndocs_sites = [\"nope\"]", "profiles.p.docs_sites"),
            (
                "default_profile = \"q\"\n[profiles.p]",
                "default_profile names profile `q`",
            ),
            (
                "[profiles.p]\n[[tokens]]\nsha256 = \"abc\"\nprofile = \"p\"",
                "tokens[0].sha256",
            ),
            ("[profiles.p]\nreplies = \"never\"", "unknown variant `never`"),
            ("[profiles.p]\nacess = \"read\"", "unknown field `acess`"),
            ("", "no [profiles.<name>]"),
        ];
        for (text, expected) in cases {
            let err = PolicyFile::parse(text, &registry, true).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
