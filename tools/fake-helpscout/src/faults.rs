//! Injected faults: queued by tests, consumed by matching requests.

use std::time::Duration;

use http::Method;

/// What a matching request gets instead of (or on top of) normal handling.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Respond with this status and a Help Scout error body `{logRef,message}`;
    /// the request is not applied.
    Status(u16),
    /// 429 with `X-RateLimit-Retry-After` and `{"message":"API rate limit exceeded"}`;
    /// the request is not applied.
    RateLimited { retry_after_secs: u64 },
    /// Sleep, then handle normally (state is changed).
    Delay(Duration),
    /// Close the TCP connection without sending a byte; the request is not applied.
    Drop,
    /// Apply the request, then close the connection without a response.
    DropAfterApply,
    /// Handle the request normally (state is changed), then answer 200 with a
    /// truncated, unparseable JSON body.
    MalformedJson,
}

/// A queued fault. `method`/`path_contains` of `None` match anything.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: Option<Method>,
    pub path_contains: Option<String>,
    /// How many more requests this fault applies to.
    pub times: u32,
    pub kind: FaultKind,
}

impl Fault {
    /// A fault matching any request, once.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            method: None,
            path_contains: None,
            times: 1,
            kind,
        }
    }

    /// Only requests with this method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Only requests whose path contains this text.
    pub fn path(mut self, fragment: impl Into<String>) -> Self {
        self.path_contains = Some(fragment.into());
        self
    }

    /// Apply to this many matching requests.
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.times > 0
            && self.method.as_ref().is_none_or(|m| m == method)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|fragment| path.contains(fragment))
    }
}

/// Take the first matching fault (in injection order), decrementing its
/// counter and dropping it once used up.
pub(crate) fn take(faults: &mut Vec<Fault>, method: &Method, path: &str) -> Option<FaultKind> {
    let index = faults.iter().position(|f| f.matches(method, path))?;
    let fault = &mut faults[index];
    fault.times -= 1;
    let kind = fault.kind.clone();
    if fault.times == 0 {
        faults.remove(index);
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_in_order_and_counts_down() {
        let mut faults = vec![
            Fault::new(FaultKind::Status(500)).method(Method::POST).times(2),
            Fault::new(FaultKind::Drop).path("/threads"),
        ];
        assert!(take(&mut faults, &Method::GET, "/v2/mailboxes").is_none());
        assert!(matches!(
            take(&mut faults, &Method::GET, "/v2/conversations/1/threads"),
            Some(FaultKind::Drop)
        ));
        assert!(matches!(
            take(&mut faults, &Method::POST, "/v2/x"),
            Some(FaultKind::Status(500))
        ));
        assert!(matches!(
            take(&mut faults, &Method::POST, "/v2/x"),
            Some(FaultKind::Status(500))
        ));
        assert!(take(&mut faults, &Method::POST, "/v2/x").is_none());
        assert!(faults.is_empty());
    }
}
