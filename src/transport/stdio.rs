//! MCP over stdin/stdout. stdout belongs to the protocol: logs go to stderr.

use rmcp::ServiceExt;

use crate::server::HelpScoutServer;

pub async fn serve(server: HelpScoutServer) -> Result<(), String> {
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| format!("stdio transport failed to start: {e}"))?;
    running
        .waiting()
        .await
        .map_err(|e| format!("stdio transport stopped with an error: {e}"))?;
    Ok(())
}
