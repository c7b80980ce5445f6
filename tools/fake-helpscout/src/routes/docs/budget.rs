//! The Docs API budget (catalogue 4.2): requests per account per 10-minute
//! window, sized by the number of Docs sites (1 site 2000, 2 sites 3000, 3 or
//! more 4000). Every request costs 1 (unlike the Inbox API, writes are not
//! double). Every response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`
//! and `X-RateLimit-Reset` (seconds until the window ends, as DOCS-OVERVIEW
//! defines it); an exhausted budget answers 429.

use std::time::{Duration, Instant};

use http::HeaderValue;

use crate::hal::Resp;

const WINDOW: Duration = Duration::from_secs(600);

#[derive(Debug, Default)]
pub(crate) struct DocsBudget {
    /// Set by tests (`FakeHelpScout::set_docs_rate_limit`); otherwise by site count.
    pub(crate) limit_override: Option<u32>,
    used: u32,
    window_start: Option<Instant>,
}

/// What the headers say after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Status {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) reset_secs: u64,
}

impl DocsBudget {
    pub(crate) fn limit(&self, sites: usize) -> u32 {
        self.limit_override.unwrap_or(match sites {
            0 | 1 => 2000,
            2 => 3000,
            _ => 4000,
        })
    }

    fn roll(&mut self, now: Instant) {
        match self.window_start {
            Some(start) if now.duration_since(start) < WINDOW => {}
            _ => {
                self.window_start = Some(now);
                self.used = 0;
            }
        }
    }

    /// The budget as it stands, without charging.
    pub(crate) fn status(&mut self, sites: usize, now: Instant) -> Status {
        self.roll(now);
        let start = self.window_start.unwrap_or(now);
        let left = WINDOW.saturating_sub(now.duration_since(start));
        // Round up so that a client sleeping this long is past the reset.
        let reset_secs = (left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1);
        let limit = self.limit(sites);
        Status {
            limit,
            remaining: limit.saturating_sub(self.used),
            reset_secs,
        }
    }

    /// Charge one request; `Err` (with the current status) when the window is used up.
    pub(crate) fn charge(&mut self, sites: usize, now: Instant) -> Result<Status, Status> {
        let status = self.status(sites, now);
        if status.remaining == 0 {
            return Err(status);
        }
        self.used += 1;
        Ok(self.status(sites, now))
    }
}

pub(crate) fn add_headers(resp: &mut Resp, status: &Status) {
    for (name, value) in [
        ("x-ratelimit-limit", u64::from(status.limit)),
        ("x-ratelimit-remaining", u64::from(status.remaining)),
        ("x-ratelimit-reset", status.reset_secs),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
            resp.headers_mut().insert(name, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_follows_site_count_and_window_resets() {
        let mut b = DocsBudget::default();
        assert_eq!((b.limit(1), b.limit(2), b.limit(5)), (2000, 3000, 4000));
        b.limit_override = Some(2);
        let t0 = Instant::now();
        assert_eq!(b.charge(2, t0).map(|s| s.remaining), Ok(1));
        assert_eq!(b.charge(2, t0).map(|s| s.remaining), Ok(0));
        let refused = b.charge(2, t0 + Duration::from_secs(100));
        assert_eq!(refused.map_err(|s| s.reset_secs), Err(500));
        assert_eq!(b.charge(2, t0 + Duration::from_secs(601)).map(|s| s.remaining), Ok(1));
    }
}
