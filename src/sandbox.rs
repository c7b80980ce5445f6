//! `--sandbox`: an in-process fake Help Scout with seeded data on a loopback port, so
//! anyone can try the server without an account.

use crate::config::{GlobalArgs, Secrets};
use crate::helpscout::Secret;

/// Starts the fake and points the settings at it. Keep the handle alive.
pub async fn start(global: &mut GlobalArgs, secrets: &mut Secrets) -> Result<fake_helpscout::FakeHelpScout, String> {
    let fake = fake_helpscout::FakeHelpScout::start(fake_helpscout::FakeConfig::default())
        .await
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    global.api_base_url = fake.base_url();
    global.docs_api_base_url = fake.docs_base_url();
    *secrets = Secrets {
        app_id: Some(fake_helpscout::APP_ID.to_string()),
        app_secret: Some(Secret::new(fake_helpscout::APP_SECRET)),
        access_token: None,
        docs_api_key: Some(Secret::new(fake_helpscout::DOCS_API_KEY)),
        mcp_token: secrets.mcp_token.take(),
    };
    tracing::info!(base_url = %fake.base_url(), "sandbox: serving a fake Help Scout with seeded data");
    Ok(fake)
}
