//! Per-account, per-minute request budget (catalogue 4.2): one window shared
//! by every token; writes (POST, PUT, PATCH, DELETE) cost 2.

use std::time::{Duration, Instant};

use http::Method;

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub(crate) struct RateLimiter {
    pub(crate) limit: u32,
    used: u32,
    window_start: Option<Instant>,
}

/// The request could not be afforded; retry after this many seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exhausted {
    pub(crate) retry_after_secs: u64,
}

pub(crate) fn cost(method: &Method) -> u32 {
    if matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        2
    } else {
        1
    }
}

impl RateLimiter {
    pub(crate) fn new(limit: u32) -> Self {
        RateLimiter {
            limit,
            used: 0,
            window_start: None,
        }
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

    /// Budget left in the current window, without charging anything.
    pub(crate) fn remaining(&mut self, now: Instant) -> u32 {
        self.roll(now);
        self.limit.saturating_sub(self.used)
    }

    /// Seconds until the current window resets (at least 1).
    pub(crate) fn seconds_to_reset(&mut self, now: Instant) -> u64 {
        self.roll(now);
        let start = self.window_start.unwrap_or(now);
        let left = WINDOW.saturating_sub(now.duration_since(start));
        // Round up so a client sleeping this long is always past the reset.
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        secs.max(1)
    }

    /// Charge `cost`; on success returns the remaining budget.
    pub(crate) fn charge(&mut self, cost: u32, now: Instant) -> Result<u32, Exhausted> {
        self.roll(now);
        if self.used.saturating_add(cost) > self.limit {
            return Err(Exhausted {
                retry_after_secs: self.seconds_to_reset(now),
            });
        }
        self.used += cost;
        Ok(self.limit - self.used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_cost_two_and_window_resets() {
        let mut rl = RateLimiter::new(5);
        let t0 = Instant::now();
        assert_eq!(rl.charge(cost(&Method::POST), t0).ok(), Some(3));
        assert_eq!(rl.charge(cost(&Method::GET), t0).ok(), Some(2));
        assert_eq!(rl.charge(cost(&Method::PUT), t0).ok(), Some(0));
        let err = rl.charge(1, t0 + Duration::from_secs(10));
        assert!(matches!(err, Err(Exhausted { retry_after_secs: 50 })));
        assert_eq!(rl.charge(1, t0 + Duration::from_secs(61)).ok(), Some(4));
    }
}
