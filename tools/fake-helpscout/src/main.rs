//! `fake-helpscout --listen 127.0.0.1:9090 [--rate-limit N] [--token-ttl SECS] [--no-seed]`
//!
//! Serves the fake Help Scout until Ctrl-C; prints the base URL and the
//! sandbox credentials to stderr.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use fake_helpscout::{FakeConfig, FakeHelpScout, APP_ID, APP_SECRET, DOCS_API_KEY};

const USAGE: &str = "usage: fake-helpscout [--listen ADDR] [--rate-limit N] [--token-ttl SECS] [--no-seed]

  --listen ADDR      address to bind (default 127.0.0.1:9090)
  --rate-limit N     requests per minute for the account (default 400; writes cost 2)
  --token-ttl SECS   access token lifetime (default 172800)
  --no-seed          start without conversations, customers and tags";

struct Args {
    listen: SocketAddr,
    config: FakeConfig,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 9090));
    let mut config = FakeConfig::default();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value("--listen")?;
                listen = v.parse().map_err(|e| format!("bad --listen {v:?}: {e}"))?;
            }
            "--rate-limit" => {
                let v = value("--rate-limit")?;
                config.rate_limit_per_minute = v.parse().map_err(|e| format!("bad --rate-limit {v:?}: {e}"))?;
            }
            "--token-ttl" => {
                let v = value("--token-ttl")?;
                let secs: u64 = v.parse().map_err(|e| format!("bad --token-ttl {v:?}: {e}"))?;
                config.token_ttl = Duration::from_secs(secs);
            }
            "--no-seed" => config.seed = false,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(Args { listen, config }))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("fake-helpscout: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeHelpScout::start_on(args.listen, args.config).await {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fake-helpscout: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    eprintln!("fake Help Scout listening on {}", fake.base_url());
    eprintln!("  Inbox API:   {}/v2  (v3: {}/v3)", fake.base_url(), fake.base_url());
    eprintln!("  Token URL:   {}", fake.token_url());
    eprintln!("  Docs API:    {}/v1", fake.docs_base_url());
    eprintln!("  App ID:      {APP_ID}");
    eprintln!("  App secret:  {APP_SECRET}");
    eprintln!("  Docs key:    {DOCS_API_KEY}");
    eprintln!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("fake-helpscout: cannot wait for Ctrl-C: {e}");
    }
    fake.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = parse(&["--listen", "127.0.0.1:1234", "--rate-limit=10", "--no-seed"])
            .unwrap()
            .unwrap();
        assert_eq!(a.listen.port(), 1234);
        assert_eq!(a.config.rate_limit_per_minute, 10);
        assert!(!a.config.seed);
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--listen"]).is_err());
    }
}
