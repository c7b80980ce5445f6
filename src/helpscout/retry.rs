//! The retry decision table: given what happened to one attempt, may the client send the
//! same request again?
//!
//! The question that matters is whether the failed attempt may have reached Help Scout.
//! A read, or a write that leaves the same end state when repeated, can always be sent
//! again. A non-idempotent write (`send_reply`, `create_conversation`, ...) must not be:
//! a second `send_reply` is a second email to a customer. So those are repeated only
//! when Help Scout provably did not act on the first attempt: a 429 (rejected before
//! processing, catalogue 4.2) or a connection that could not even be opened.
//!
//! [`decide`] is a pure function so that the whole table is tested on its own; the send
//! loop in `client.rs` only supplies the inputs and sleeps.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use http::Method;

use super::error::ApiError;

/// The longest server-requested wait the client sleeps through. A longer
/// `X-RateLimit-Retry-After` is returned to the caller as a 429 that says when to try again:
/// an agent is better served by that than by a tool call that hangs for minutes.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(60);

/// The most time one call spends sleeping between attempts, all retries together.
pub const MAX_TOTAL_WAIT: Duration = Duration::from_secs(90);

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Help Scout answered with this non-success status (and, on a 429, the wait it asked for).
    Status { status: u16, retry_after: Option<Duration> },
    /// The connection could not be opened: the request never left.
    Connect,
    /// No answer within the timeout: the request may have been applied.
    Timeout,
    /// The connection broke after the request was (possibly) sent: reset, closed early,
    /// truncated body. The request may have been applied.
    Network,
}

impl Outcome {
    /// The retry-relevant outcome of a failed call; `None` for failures that no repeat can
    /// fix (bad credentials, configuration, undecodable success bodies).
    pub fn of(error: &ApiError) -> Option<Outcome> {
        match error {
            ApiError::Status {
                status, retry_after, ..
            } => Some(Outcome::Status {
                status: *status,
                retry_after: *retry_after,
            }),
            ApiError::Connect(_) => Some(Outcome::Connect),
            ApiError::Timeout(_) => Some(Outcome::Timeout),
            ApiError::Network(_) => Some(Outcome::Network),
            ApiError::Decode(_)
            | ApiError::Auth(_)
            | ApiError::NotConfigured(_)
            | ApiError::BudgetExhausted { .. }
            | ApiError::Cancelled => None,
        }
    }
}

/// Everything [`decide`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub method: &'a Method,
    /// `ApiRequest::idempotent`, from the tool's declaration.
    pub idempotent: bool,
    pub outcome: Outcome,
    /// Retries already made for this call (0 after the first attempt).
    pub retries: u32,
    pub max_retries: u32,
    /// Time already spent sleeping between attempts of this call.
    pub waited: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send again, after at least `at_least` (the server's wait; the caller adds backoff).
    Retry { at_least: Duration },
    /// Return the failure to the caller.
    GiveUp(GiveUpReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The outcome is not one that a repeat can fix (e.g. 400, 404, 422).
    NotRetryable,
    /// The write may have reached Help Scout; repeating it could apply it twice.
    MayHaveBeenApplied,
    /// `max_retries` reached.
    RetriesExhausted,
    /// Help Scout asked for a wait longer than [`MAX_SERVER_WAIT`], or the total would
    /// exceed [`MAX_TOTAL_WAIT`].
    WaitTooLong,
}

/// Whether a request may be sent again after `attempt.outcome`.
pub fn decide(attempt: &Attempt<'_>) -> Decision {
    // A safe method changes nothing, whatever the declaration says.
    let repeatable = attempt.idempotent || matches!(*attempt.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let server_wait = match attempt.outcome {
        // Help Scout rejects a rate-limited request before processing it, so even a
        // non-idempotent write is safe to repeat (catalogue 4.2).
        Outcome::Status {
            status: 429,
            retry_after,
        } => retry_after.unwrap_or_default(),
        Outcome::Status {
            status: 500 | 502 | 503 | 504,
            ..
        }
        | Outcome::Timeout
        | Outcome::Network => {
            if !repeatable {
                return Decision::GiveUp(GiveUpReason::MayHaveBeenApplied);
            }
            Duration::ZERO
        }
        Outcome::Status { .. } => return Decision::GiveUp(GiveUpReason::NotRetryable),
        Outcome::Connect => Duration::ZERO,
    };
    if attempt.retries >= attempt.max_retries {
        return Decision::GiveUp(GiveUpReason::RetriesExhausted);
    }
    if server_wait > MAX_SERVER_WAIT || attempt.waited + server_wait > MAX_TOTAL_WAIT {
        return Decision::GiveUp(GiveUpReason::WaitTooLong);
    }
    Decision::Retry { at_least: server_wait }
}

/// Bounded exponential backoff with jitter for the waits between attempts of one call.
#[derive(Debug, Clone, Copy)]
pub struct BackoffPolicy {
    /// The first wait (before jitter).
    pub min_delay: Duration,
    /// No single wait grows beyond this (before jitter).
    pub max_delay: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        Self {
            min_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl BackoffPolicy {
    /// The successive waits of one call. The jitter seed comes from `rand` because backon
    /// built without `std` would use one fixed seed, making every process wait in lockstep.
    pub fn delays(&self) -> impl Iterator<Item = Duration> {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_jitter()
            .with_jitter_seed(rand::random())
            .without_max_times()
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S429: Outcome = Outcome::Status {
        status: 429,
        retry_after: Some(Duration::from_secs(2)),
    };
    const S429_BARE: Outcome = Outcome::Status {
        status: 429,
        retry_after: None,
    };
    const S500: Outcome = Outcome::Status {
        status: 500,
        retry_after: None,
    };
    const S502: Outcome = Outcome::Status {
        status: 502,
        retry_after: None,
    };
    const S503: Outcome = Outcome::Status {
        status: 503,
        retry_after: None,
    };
    const S504: Outcome = Outcome::Status {
        status: 504,
        retry_after: None,
    };
    const S400: Outcome = Outcome::Status {
        status: 400,
        retry_after: None,
    };
    const S401: Outcome = Outcome::Status {
        status: 401,
        retry_after: None,
    };
    const S404: Outcome = Outcome::Status {
        status: 404,
        retry_after: None,
    };
    const S412: Outcome = Outcome::Status {
        status: 412,
        retry_after: None,
    };
    const S501: Outcome = Outcome::Status {
        status: 501,
        retry_after: None,
    };

    fn first_attempt(method: &Method, idempotent: bool, outcome: Outcome) -> Decision {
        decide(&Attempt {
            method,
            idempotent,
            outcome,
            retries: 0,
            max_retries: 3,
            waited: Duration::ZERO,
        })
    }

    #[test]
    fn decision_table() {
        use GiveUpReason::*;
        let retry = |secs: u64| Decision::Retry {
            at_least: Duration::from_secs(secs),
        };
        let give_up = Decision::GiveUp;
        // (method, idempotent flag, outcome, expected)
        let table: &[(Method, bool, Outcome, Decision)] = &[
            // Reads: everything transient is retried.
            (Method::GET, true, S429, retry(2)),
            (Method::GET, true, S429_BARE, retry(0)),
            (Method::GET, true, S500, retry(0)),
            (Method::GET, true, S502, retry(0)),
            (Method::GET, true, S503, retry(0)),
            (Method::GET, true, S504, retry(0)),
            (Method::GET, true, Outcome::Connect, retry(0)),
            (Method::GET, true, Outcome::Timeout, retry(0)),
            (Method::GET, true, Outcome::Network, retry(0)),
            (Method::GET, true, S400, give_up(NotRetryable)),
            (Method::GET, true, S401, give_up(NotRetryable)),
            (Method::GET, true, S404, give_up(NotRetryable)),
            (Method::GET, true, S501, give_up(NotRetryable)),
            // A GET is safe even if a declaration forgot to say so.
            (Method::GET, false, Outcome::Timeout, retry(0)),
            (Method::GET, false, S503, retry(0)),
            // Idempotent writes (PUT/DELETE, idempotent PATCH/POST) behave like reads.
            (Method::PUT, true, S503, retry(0)),
            (Method::PUT, true, Outcome::Timeout, retry(0)),
            (Method::DELETE, true, Outcome::Network, retry(0)),
            (Method::PATCH, true, S500, retry(0)),
            (Method::POST, true, S504, retry(0)),
            (Method::PUT, true, S412, give_up(NotRetryable)),
            // Non-idempotent writes: only 429 and "never left".
            (Method::POST, false, S429, retry(2)),
            (Method::POST, false, S429_BARE, retry(0)),
            (Method::POST, false, Outcome::Connect, retry(0)),
            (Method::POST, false, Outcome::Timeout, give_up(MayHaveBeenApplied)),
            (Method::POST, false, Outcome::Network, give_up(MayHaveBeenApplied)),
            (Method::POST, false, S500, give_up(MayHaveBeenApplied)),
            (Method::POST, false, S502, give_up(MayHaveBeenApplied)),
            (Method::POST, false, S503, give_up(MayHaveBeenApplied)),
            (Method::POST, false, S504, give_up(MayHaveBeenApplied)),
            (Method::POST, false, S400, give_up(NotRetryable)),
            (Method::PATCH, false, S429, retry(2)),
            (Method::PATCH, false, Outcome::Connect, retry(0)),
            (Method::PATCH, false, Outcome::Timeout, give_up(MayHaveBeenApplied)),
            (Method::PATCH, false, S503, give_up(MayHaveBeenApplied)),
            (Method::PUT, false, Outcome::Network, give_up(MayHaveBeenApplied)),
            (Method::DELETE, false, S500, give_up(MayHaveBeenApplied)),
        ];
        for (method, idempotent, outcome, expected) in table {
            assert_eq!(
                first_attempt(method, *idempotent, *outcome),
                *expected,
                "{method} idempotent={idempotent} {outcome:?}"
            );
        }
    }

    #[test]
    fn stops_after_max_retries() {
        let attempt = |retries| Attempt {
            method: &Method::GET,
            idempotent: true,
            outcome: S503,
            retries,
            max_retries: 2,
            waited: Duration::ZERO,
        };
        assert!(matches!(decide(&attempt(1)), Decision::Retry { .. }));
        assert_eq!(decide(&attempt(2)), Decision::GiveUp(GiveUpReason::RetriesExhausted));
        let never = Attempt {
            max_retries: 0,
            ..attempt(0)
        };
        assert_eq!(decide(&never), Decision::GiveUp(GiveUpReason::RetriesExhausted));
    }

    #[test]
    fn refuses_long_server_waits() {
        let attempt = |secs: u64, waited: u64| Attempt {
            method: &Method::POST,
            idempotent: false,
            outcome: Outcome::Status {
                status: 429,
                retry_after: Some(Duration::from_secs(secs)),
            },
            retries: 0,
            max_retries: 3,
            waited: Duration::from_secs(waited),
        };
        assert_eq!(
            decide(&attempt(60, 0)),
            Decision::Retry {
                at_least: Duration::from_secs(60)
            }
        );
        assert_eq!(decide(&attempt(61, 0)), Decision::GiveUp(GiveUpReason::WaitTooLong));
        assert_eq!(decide(&attempt(40, 60)), Decision::GiveUp(GiveUpReason::WaitTooLong));
    }

    #[test]
    fn backoff_grows_is_bounded_and_jittered() {
        let policy = BackoffPolicy {
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
        };
        let delays: Vec<Duration> = policy.delays().take(6).collect();
        // Jitter adds up to one more delay: [d, 2d) (1 ms slack for backon's f32 arithmetic).
        let bounds = [100, 200, 400, 400, 400, 400];
        for (delay, base) in delays.iter().zip(bounds) {
            let ms = delay.as_secs_f64() * 1000.0;
            assert!(ms >= base as f64 - 1.0 && ms < 2.0 * base as f64 + 1.0, "{delays:?}");
        }
        let jittered = delays
            .iter()
            .zip(bounds)
            .any(|(d, base)| d.as_secs_f64() * 1000.0 > base as f64 + 1.0);
        assert!(jittered, "no jitter in {delays:?}");
    }

    #[test]
    fn maps_api_errors_to_outcomes() {
        let status = ApiError::Status {
            status: 429,
            message: "API rate limit exceeded".into(),
            log_ref: None,
            field_errors: vec![],
            location: None,
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(
            Outcome::of(&status),
            Some(Outcome::Status {
                status: 429,
                retry_after: Some(Duration::from_secs(3))
            })
        );
        assert_eq!(
            Outcome::of(&ApiError::Connect("refused".into())),
            Some(Outcome::Connect)
        );
        assert_eq!(
            Outcome::of(&ApiError::Timeout(Duration::from_secs(1))),
            Some(Outcome::Timeout)
        );
        assert_eq!(Outcome::of(&ApiError::Network("reset".into())), Some(Outcome::Network));
        assert_eq!(Outcome::of(&ApiError::Auth("bad secret".into())), None);
        assert_eq!(Outcome::of(&ApiError::Decode("x".into())), None);
    }
}
