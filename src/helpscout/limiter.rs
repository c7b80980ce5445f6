//! The shared rate-limit budgets: one for the Inbox (and Chat) API, one for the Docs API.
//!
//! Help Scout's Inbox budget is per account and per minute, shared with every other
//! integration on the account, and writes (POST, PUT, PATCH, DELETE) cost 2 (catalogue
//! 4.2). The Docs API counts requests per 10-minute window (catalogue 4.2). A call waits
//! here for budget instead of running into a 429, and every response re-synchronises the
//! budget from Help Scout's `X-RateLimit-*` headers, because only the server knows what
//! the other integrations used.
//!
//! Why not `governor`: GCRA keeps a theoretical arrival time, not a count, so it cannot
//! be told "the server says 7 requests remain in this window" or "the server says wait
//! 12 s". Re-synchronising from headers is the whole point here, and a window counter that
//! the server's numbers overwrite is a few lines.
//!
//! Cancellation: budget is taken only at the moment `acquire` returns, in one locked
//! step, and a waiting `acquire` holds nothing; dropping it (the MCP call was cancelled)
//! leaves the budget as it was. A [`Permit`] marks its cost as in flight until the
//! response is seen, and releases it when dropped, whatever happens to the request.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, Method};
use tokio::time::Instant;

use super::error::ApiError;

/// Inbox window length (catalogue 4.2).
pub const INBOX_WINDOW: Duration = Duration::from_secs(60);
/// Docs window length (catalogue 4.2).
pub const DOCS_WINDOW: Duration = Duration::from_secs(600);
/// Starting Docs budget before the first response says otherwise: the smallest plan
/// (one Docs site) allows 2000 requests per window (catalogue 4.2).
pub const DOCS_DEFAULT_LIMIT: u32 = 2000;
/// The longest a call waits for budget. Beyond this the caller gets a 429-style error
/// that says when to try again, rather than a tool call that hangs for minutes (the Docs
/// window is 10 minutes long).
pub const MAX_BUDGET_WAIT: Duration = Duration::from_secs(60);

/// Bounds a nonsensical server-requested pause (a garbled header must not block the
/// client for days).
const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// Which header dialect and cost rule a budget follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetKind {
    /// `X-RateLimit-Limit-Minute` / `X-RateLimit-Remaining-Minute`; writes cost 2.
    Inbox,
    /// `X-RateLimit-Limit` / `X-RateLimit-Remaining` / `X-RateLimit-Reset`; every request costs 1.
    Docs,
}

/// A request budget per window, shared by every clone of the client.
#[derive(Debug)]
pub struct RateLimiter {
    kind: BudgetKind,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    limit: u32,
    remaining: u32,
    /// End of the current window; `None` until the first request.
    resets_at: Option<Instant>,
    /// Cost of requests sent but not yet answered: Help Scout may not have counted them
    /// in the `Remaining` header of a response that overtakes them.
    in_flight: u32,
}

/// What the budget looks like right now (for tests and diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub limit: u32,
    pub remaining: u32,
    pub in_flight: u32,
}

impl RateLimiter {
    pub fn inbox(per_minute: u32) -> Self {
        Self::new(BudgetKind::Inbox, INBOX_WINDOW, per_minute)
    }

    pub fn docs() -> Self {
        Self::new(BudgetKind::Docs, DOCS_WINDOW, DOCS_DEFAULT_LIMIT)
    }

    fn new(kind: BudgetKind, window: Duration, limit: u32) -> Self {
        let limit = limit.max(1);
        Self {
            kind,
            window,
            state: Mutex::new(State {
                limit,
                remaining: limit,
                resets_at: None,
                in_flight: 0,
            }),
        }
    }

    /// What one request with this method costs.
    pub fn cost(&self, method: &Method) -> u32 {
        match self.kind {
            BudgetKind::Inbox if matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE) => 2,
            _ => 1,
        }
    }

    /// Waits until the budget allows one request with this method, then takes its cost.
    /// Fails with a 429-style error instead of waiting longer than [`MAX_BUDGET_WAIT`].
    pub async fn acquire(&self, method: &Method) -> Result<Permit<'_>, ApiError> {
        let cost = self.cost(method);
        loop {
            let now = Instant::now();
            let resets_at = {
                let mut state = self.lock();
                state.roll(now, self.window);
                // A write must fit even into a budget of 1, or it would wait forever.
                let cost = cost.min(state.limit);
                if state.remaining >= cost {
                    state.remaining -= cost;
                    state.in_flight += cost;
                    return Ok(Permit {
                        limiter: self,
                        cost,
                        released: false,
                    });
                }
                state.resets_at.unwrap_or(now)
            };
            let wait = resets_at.saturating_duration_since(now);
            if wait > MAX_BUDGET_WAIT {
                return Err(budget_exhausted(wait));
            }
            tracing::debug!(wait_ms = wait.as_millis() as u64, budget = ?self.kind, "waiting for rate-limit budget");
            tokio::time::sleep_until(resets_at).await;
        }
    }

    /// Help Scout answered 429 and asked for this wait: nobody sends until it has passed.
    pub fn pause_for(&self, wait: Duration) {
        let mut state = self.lock();
        state.remaining = 0;
        state.resets_at = Some(Instant::now() + wait.min(MAX_PAUSE));
    }

    pub fn snapshot(&self) -> Snapshot {
        let state = self.lock();
        Snapshot {
            limit: state.limit,
            remaining: state.remaining,
            in_flight: state.in_flight,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent under any panic (plain integer updates), so a
        // poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes Help Scout's view of the budget from a response's headers.
    fn sync(&self, headers: &HeaderMap) {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        let (limit, remaining) = match self.kind {
            BudgetKind::Inbox => (
                number("x-ratelimit-limit-minute"),
                number("x-ratelimit-remaining-minute"),
            ),
            BudgetKind::Docs => (number("x-ratelimit-limit"), number("x-ratelimit-remaining")),
        };
        let now = Instant::now();
        let mut state = self.lock();
        if let Some(limit) = limit {
            state.limit = clamp_u32(limit).max(1);
        }
        if let Some(remaining) = remaining {
            // Requests still in flight may not be in the server's count yet; assume they
            // are not (counting them twice only makes us slower, never rate-limited).
            state.remaining = clamp_u32(remaining).min(state.limit).saturating_sub(state.in_flight);
            if state.resets_at.is_none() {
                state.resets_at = Some(now + self.window);
            }
        }
        if self.kind == BudgetKind::Docs {
            if let Some(reset) = number("x-ratelimit-reset") {
                let until = reset_delay(reset, SystemTime::now()).min(self.window);
                state.resets_at = Some(now + until);
            }
        }
    }
}

impl State {
    /// Starts a new window (with the full limit) once the current one is over.
    fn roll(&mut self, now: Instant, window: Duration) {
        if self.resets_at.is_none_or(|at| now >= at) {
            self.remaining = self.limit;
            self.resets_at = Some(now + window);
        }
    }
}

/// The Docs `X-RateLimit-Reset` as a wait. Sources disagree on whether it is seconds until
/// the window ends or a Unix timestamp (catalogue section 5); no window is 10^9 seconds
/// long, so smaller values are seconds.
pub fn reset_delay(value: u64, now: SystemTime) -> Duration {
    if value < 1_000_000_000 {
        return Duration::from_secs(value);
    }
    let now_secs = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Duration::from_secs(value.saturating_sub(now_secs))
}

fn clamp_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn budget_exhausted(wait: Duration) -> ApiError {
    // Round up so that trying again after the stated time finds the new window.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ApiError::BudgetExhausted {
        retry_after: Duration::from_secs(secs),
    }
}

/// The cost of one request that has been sent but whose response has not been seen.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a RateLimiter,
    cost: u32,
    released: bool,
}

impl Permit<'_> {
    /// The response arrived: its request is no longer in flight, and its headers carry
    /// Help Scout's count.
    pub fn complete(mut self, headers: &HeaderMap) {
        self.release();
        self.limiter.sync(headers);
    }

    fn release(&mut self) {
        if !self.released {
            self.released = true;
            let mut state = self.limiter.lock();
            state.in_flight = state.in_flight.saturating_sub(self.cost);
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[tokio::test(start_paused = true)]
    async fn writes_cost_two_and_calls_wait_for_the_next_window() {
        let limiter = RateLimiter::inbox(5);
        let start = Instant::now();
        drop(limiter.acquire(&Method::POST).await.unwrap());
        drop(limiter.acquire(&Method::PATCH).await.unwrap());
        assert_eq!(limiter.snapshot().remaining, 1);
        drop(limiter.acquire(&Method::GET).await.unwrap());
        assert_eq!(limiter.snapshot().remaining, 0);
        assert_eq!(start.elapsed(), Duration::ZERO);
        // The sixth unit is not there: the call waits for the window to end instead of
        // going out and earning a 429.
        drop(limiter.acquire(&Method::GET).await.unwrap());
        assert_eq!(start.elapsed(), INBOX_WINDOW);
        assert_eq!(
            limiter.snapshot(),
            Snapshot {
                limit: 5,
                remaining: 4,
                in_flight: 0
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_fits_into_a_budget_of_one() {
        let limiter = RateLimiter::inbox(1);
        let permit = tokio::time::timeout(Duration::from_secs(1), limiter.acquire(&Method::POST)).await;
        assert!(permit.is_ok_and(|p| p.is_ok()));
    }

    #[tokio::test(start_paused = true)]
    async fn server_headers_lower_the_budget() {
        let limiter = RateLimiter::inbox(400);
        let permit = limiter.acquire(&Method::GET).await.unwrap();
        // Other integrations on the account used most of the minute.
        permit.complete(&headers(&[
            ("X-RateLimit-Limit-Minute", "400"),
            ("X-RateLimit-Remaining-Minute", "2"),
        ]));
        assert_eq!(
            limiter.snapshot(),
            Snapshot {
                limit: 400,
                remaining: 2,
                in_flight: 0
            }
        );
        let start = Instant::now();
        drop(limiter.acquire(&Method::GET).await.unwrap());
        drop(limiter.acquire(&Method::GET).await.unwrap());
        assert_eq!(start.elapsed(), Duration::ZERO);
        drop(limiter.acquire(&Method::GET).await.unwrap());
        assert_eq!(start.elapsed(), INBOX_WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn server_headers_also_set_the_limit_and_can_raise_remaining() {
        let limiter = RateLimiter::inbox(10);
        let permit = limiter.acquire(&Method::GET).await.unwrap();
        permit.complete(&headers(&[
            ("x-ratelimit-limit-minute", "200"),
            ("x-ratelimit-remaining-minute", "150"),
        ]));
        assert_eq!(
            limiter.snapshot(),
            Snapshot {
                limit: 200,
                remaining: 150,
                in_flight: 0
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn requests_in_flight_are_subtracted_from_the_servers_count() {
        let limiter = RateLimiter::inbox(400);
        let first = limiter.acquire(&Method::GET).await.unwrap();
        let second = limiter.acquire(&Method::POST).await.unwrap();
        assert_eq!(limiter.snapshot().in_flight, 3);
        first.complete(&headers(&[
            ("x-ratelimit-limit-minute", "400"),
            ("x-ratelimit-remaining-minute", "10"),
        ]));
        // The POST (cost 2) may not be in the server's 10 yet.
        assert_eq!(
            limiter.snapshot(),
            Snapshot {
                limit: 400,
                remaining: 8,
                in_flight: 2
            }
        );
        // A request whose future is dropped (cancelled call) releases its in-flight cost.
        drop(second);
        assert_eq!(limiter.snapshot().in_flight, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_a_waiting_call_leaks_nothing() {
        let limiter = RateLimiter::inbox(2);
        drop(limiter.acquire(&Method::POST).await.unwrap());
        let before = limiter.snapshot();
        assert_eq!(before.remaining, 0);
        // The caller gives up (MCP cancellation) while waiting for the next window.
        let waited = tokio::time::timeout(Duration::from_secs(10), limiter.acquire(&Method::GET)).await;
        assert!(waited.is_err(), "should still be waiting");
        assert_eq!(limiter.snapshot(), before);
        // The next window is whole.
        tokio::time::sleep(INBOX_WINDOW).await;
        drop(limiter.acquire(&Method::POST).await.unwrap());
        assert_eq!(
            limiter.snapshot(),
            Snapshot {
                limit: 2,
                remaining: 0,
                in_flight: 0
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_every_caller_for_the_servers_wait() {
        let limiter = RateLimiter::inbox(400);
        drop(limiter.acquire(&Method::GET).await.unwrap());
        limiter.pause_for(Duration::from_secs(7));
        let start = Instant::now();
        drop(limiter.acquire(&Method::GET).await.unwrap());
        assert_eq!(start.elapsed(), Duration::from_secs(7));
        assert_eq!(limiter.snapshot().remaining, 399);
    }

    #[tokio::test(start_paused = true)]
    async fn docs_budget_follows_reset_seconds() {
        let limiter = RateLimiter::docs();
        assert_eq!(
            limiter.cost(&Method::POST),
            1,
            "the Docs API counts requests, not writes double"
        );
        let permit = limiter.acquire(&Method::POST).await.unwrap();
        permit.complete(&headers(&[
            ("X-RateLimit-Limit", "3000"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "30"),
        ]));
        assert_eq!(limiter.snapshot().limit, 3000);
        let start = Instant::now();
        drop(limiter.acquire(&Method::GET).await.unwrap());
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        assert_eq!(limiter.snapshot().remaining, 2999);
    }

    #[tokio::test(start_paused = true)]
    async fn docs_budget_follows_a_reset_timestamp() {
        let limiter = RateLimiter::docs();
        let permit = limiter.acquire(&Method::GET).await.unwrap();
        let in_45s = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() + 45;
        permit.complete(&headers(&[
            ("X-RateLimit-Limit", "2000"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", &in_45s.to_string()),
        ]));
        let start = Instant::now();
        drop(limiter.acquire(&Method::GET).await.unwrap());
        let waited = start.elapsed().as_secs();
        assert!((44..=45).contains(&waited), "waited {waited}s");
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_beyond_the_cap_is_an_error_that_says_when() {
        let limiter = RateLimiter::docs();
        let permit = limiter.acquire(&Method::GET).await.unwrap();
        permit.complete(&headers(&[
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "300"),
        ]));
        let start = Instant::now();
        let err = limiter.acquire(&Method::GET).await.unwrap_err();
        assert_eq!(start.elapsed(), Duration::ZERO, "must not sleep before failing");
        match err {
            ApiError::BudgetExhausted { retry_after } => assert_eq!(retry_after, Duration::from_secs(300)),
            other => panic!("unexpected {other:?}"),
        }
        // Nothing was taken.
        assert_eq!(limiter.snapshot().in_flight, 0);
    }

    #[test]
    fn reset_header_is_seconds_or_a_timestamp() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(reset_delay(42, now), Duration::from_secs(42));
        assert_eq!(reset_delay(1_700_000_100, now), Duration::from_secs(100));
        assert_eq!(
            reset_delay(1_600_000_000, now),
            Duration::ZERO,
            "a past timestamp means now"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn garbage_headers_are_ignored() {
        let limiter = RateLimiter::inbox(50);
        let permit = limiter.acquire(&Method::GET).await.unwrap();
        permit.complete(&headers(&[
            ("x-ratelimit-remaining-minute", "lots"),
            ("x-ratelimit-limit-minute", "-1"),
        ]));
        assert_eq!(
            limiter.snapshot(),
            Snapshot {
                limit: 50,
                remaining: 49,
                in_flight: 0
            }
        );
    }
}
