//! One module per Help Scout resource group; each declares its tools once.

pub mod chat;
pub(crate) mod common;
pub mod conversations;
pub mod customers;
pub mod docs;
pub mod mailboxes;
pub mod organizations;
pub mod reports;
pub mod tags;
pub mod users;
pub mod webhooks;
pub mod workflows;

use crate::registry::ToolDef;

/// Every tool this build declares, across all toolsets.
pub fn all() -> Vec<ToolDef> {
    [
        conversations::tools(),
        customers::tools(),
        organizations::tools(),
        mailboxes::tools(),
        users::tools(),
        tags::tools(),
        workflows::tools(),
        webhooks::tools(),
        reports::tools(),
        docs::tools(),
        chat::tools(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
