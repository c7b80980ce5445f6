//! Request checks shared by every HTTP route: Host and Origin against DNS rebinding,
//! and the bearer token on the MCP routes.
//!
//! DNS rebinding: a web page on `evil.example` re-points its name at 127.0.0.1 and then
//! talks to a local server as a "same-origin" page. The browser still sends
//! `Host: evil.example` and `Origin: http://evil.example`, so refusing unknown Host and
//! Origin values closes the hole for every route, including the legacy SSE ones that
//! rmcp's own check never sees.
//!
//! CORS: a browser page may read responses only from origins named in
//! `--allowed-origins`. Loopback origins pass the Origin check (local tools) but get no
//! CORS headers unless listed: otherwise any page a local dev server serves could drive
//! a token-less loopback server.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, AUTHORIZATION, HOST, ORIGIN, VARY, WWW_AUTHENTICATE,
};
use http::{HeaderMap, HeaderValue, StatusCode};
use subtle::ConstantTimeEq;

use crate::helpscout::Secret;
use crate::policy::file::hash_token;
use crate::policy::Policy;
use crate::server::CallerPolicy;

/// Host names every local client uses; accepted with any port.
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A host (lower case, IPv6 without brackets) and an optional port.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Authority {
    host: String,
    port: Option<u16>,
}

impl Authority {
    fn parse(value: &str) -> Option<Self> {
        let authority = http::uri::Authority::try_from(value.trim()).ok()?;
        // `user@host` is valid in a URI authority but never in a Host header.
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return None;
        }
        Some(Self {
            host: normalize_host(authority.host()),
            port: authority.port_u16(),
        })
    }
}

fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortRule {
    Any,
    Exact(u16),
}

/// One accepted browser origin: scheme, host and port (`:*` for any port; no port
/// means the scheme's default port, as browsers omit it).
#[derive(Debug, Clone, PartialEq, Eq)]
struct OriginRule {
    scheme: String,
    host: String,
    port: PortRule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    fn parse(value: &str) -> Option<Self> {
        let uri = http::Uri::try_from(value.trim()).ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let authority = uri.authority()?;
        // An origin is scheme://host[:port] and nothing else.
        let path_is_empty = matches!(uri.path(), "" | "/") && uri.query().is_none();
        if !path_is_empty || authority.as_str().contains('@') || authority.host().is_empty() {
            return None;
        }
        Some(Self {
            scheme,
            host: normalize_host(authority.host()),
            port: authority.port_u16(),
        })
    }

    fn effective_port(&self) -> Option<u16> {
        self.port.or(match self.scheme.as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        })
    }
}

impl OriginRule {
    fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        let (base, any_port) = match value.strip_suffix(":*") {
            Some(base) => (base, true),
            None => (value, false),
        };
        let origin = Origin::parse(base)?;
        let port = match (any_port, origin.port) {
            (true, None) => PortRule::Any,
            (true, Some(_)) => return None,
            (false, _) => PortRule::Exact(origin.effective_port()?),
        };
        Some(Self {
            scheme: origin.scheme,
            host: origin.host,
            port,
        })
    }

    fn matches(&self, origin: &Origin) -> bool {
        self.scheme == origin.scheme
            && self.host == origin.host
            && match self.port {
                PortRule::Any => true,
                PortRule::Exact(port) => origin.effective_port() == Some(port),
            }
    }

    /// The same rule in the syntax rmcp's `allowed_origins` understands (it reads a
    /// port-less entry as "any port", so the default port is spelled out).
    fn to_rmcp(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            PortRule::Any => format!("{}://{host}:*", self.scheme),
            PortRule::Exact(port) => format!("{}://{host}:{port}", self.scheme),
        }
    }
}

/// Why a request was refused; rendered as a short plain-text response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    BadRequest(&'static str),
    Forbidden(&'static str),
    Unauthorized { invalid_token: bool },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::BadRequest(message) => (StatusCode::BAD_REQUEST, message).into_response(),
            Refusal::Forbidden(message) => (StatusCode::FORBIDDEN, message).into_response(),
            Refusal::Unauthorized { invalid_token } => {
                // RFC 6750 section 3: a missing token gets a bare challenge; a wrong one says so.
                let challenge = if invalid_token {
                    r#"Bearer realm="helpscout-mcp", error="invalid_token""#
                } else {
                    r#"Bearer realm="helpscout-mcp""#
                };
                let message = if invalid_token {
                    "Unauthorized: wrong bearer token"
                } else {
                    "Unauthorized: send `Authorization: Bearer <token>`"
                };
                (
                    StatusCode::UNAUTHORIZED,
                    [(WWW_AUTHENTICATE, HeaderValue::from_static(challenge))],
                    message,
                )
                    .into_response()
            }
        }
    }
}

/// The Host/Origin allow-lists and the accepted bearer tokens, validated once at start.
#[derive(Debug, Clone)]
pub struct Guard {
    hosts: Vec<Authority>,
    origins: Vec<OriginRule>,
    /// The origins named in `--allowed-origins`: the only ones answered with CORS headers.
    cors_origins: Vec<OriginRule>,
    /// SHA-256 of each accepted token, and the profile it selects (`None`: the server's
    /// default profile). Hashes, so that the comparison cost does not depend on the
    /// token's length and no token is kept in memory longer than needed.
    tokens: Vec<([u8; 32], Option<Arc<Policy>>)>,
}

impl Guard {
    /// Loopback names and origins are always accepted; `extra_hosts` are `host` (any
    /// port) or `host:port`; `extra_origins` are `scheme://host[:port|:*]`. When the
    /// server listens on one specific address, that address is accepted as a Host too:
    /// a literal IP cannot be rebound.
    pub fn new(
        listen: SocketAddr,
        extra_hosts: &[String],
        extra_origins: &[String],
        token: Option<Secret>,
    ) -> Result<Self, String> {
        let mut hosts: Vec<Authority> = LOOPBACK_HOSTS
            .iter()
            .map(|host| Authority {
                host: (*host).to_string(),
                port: None,
            })
            .collect();
        if !listen.ip().is_unspecified() && !listen.ip().is_loopback() {
            hosts.push(Authority {
                host: listen.ip().to_string(),
                port: None,
            });
        }
        for raw in extra_hosts.iter().map(|h| h.trim()).filter(|h| !h.is_empty()) {
            let host = Authority::parse(raw)
                .ok_or_else(|| format!("--allowed-hosts: `{raw}` is not a host name or host:port"))?;
            hosts.push(host);
        }
        let mut origins: Vec<OriginRule> = ["http", "https"]
            .iter()
            .flat_map(|scheme| {
                LOOPBACK_HOSTS.iter().map(move |host| OriginRule {
                    scheme: (*scheme).to_string(),
                    host: (*host).to_string(),
                    port: PortRule::Any,
                })
            })
            .collect();
        let mut cors_origins = Vec::new();
        for raw in extra_origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            let origin = OriginRule::parse(raw).ok_or_else(|| {
                format!("--allowed-origins: `{raw}` is not an origin; expected scheme://host, scheme://host:port or scheme://host:*")
            })?;
            cors_origins.push(origin.clone());
            origins.push(origin);
        }
        let tokens = token.map(|t| (hash_token(t.expose()), None)).into_iter().collect();
        Ok(Self {
            hosts,
            origins,
            cors_origins,
            tokens,
        })
    }

    /// Accept these tokens too, each selecting its policy-file profile.
    pub fn with_profile_tokens(mut self, tokens: &[([u8; 32], Arc<Policy>)]) -> Self {
        self.tokens
            .extend(tokens.iter().map(|(hash, policy)| (*hash, Some(policy.clone()))));
        self
    }

    pub fn requires_token(&self) -> bool {
        !self.tokens.is_empty()
    }

    /// Host entries for rmcp's `StreamableHttpServerConfig::allowed_hosts`.
    pub fn rmcp_allowed_hosts(&self) -> Vec<String> {
        self.hosts
            .iter()
            .map(|a| match a.port {
                Some(port) if a.host.contains(':') => format!("[{}]:{port}", a.host),
                Some(port) => format!("{}:{port}", a.host),
                None => a.host.clone(),
            })
            .collect()
    }

    /// Origin entries for rmcp's `StreamableHttpServerConfig::allowed_origins`.
    pub fn rmcp_allowed_origins(&self) -> Vec<String> {
        self.origins.iter().map(OriginRule::to_rmcp).collect()
    }

    /// Host and Origin checks (every route).
    pub fn check_rebinding(&self, headers: &HeaderMap, uri: &http::Uri) -> Result<(), Refusal> {
        // HTTP/2 carries the host in the URI authority rather than a Host header.
        let host = match headers.get(HOST) {
            Some(value) => {
                let text = value
                    .to_str()
                    .map_err(|_| Refusal::BadRequest("Bad Request: invalid Host header"))?;
                Authority::parse(text).ok_or(Refusal::BadRequest("Bad Request: invalid Host header"))?
            }
            None => match uri.authority() {
                Some(a) => Authority {
                    host: normalize_host(a.host()),
                    port: a.port_u16(),
                },
                None => return Err(Refusal::BadRequest("Bad Request: missing Host header")),
            },
        };
        let host_allowed = self
            .hosts
            .iter()
            .any(|allowed| allowed.host == host.host && allowed.port.is_none_or(|port| host.port == Some(port)));
        if !host_allowed {
            tracing::warn!(host = %host.host, "refused a request with a Host that is not allowed (possible DNS rebinding)");
            return Err(Refusal::Forbidden(
                "Forbidden: Host header is not allowed (see --allowed-hosts)",
            ));
        }
        if let Some(value) = headers.get(ORIGIN) {
            let origin = value.to_str().ok().and_then(Origin::parse);
            let allowed = origin
                .as_ref()
                .is_some_and(|o| self.origins.iter().any(|rule| rule.matches(o)));
            if !allowed {
                tracing::warn!("refused a request with an Origin that is not allowed (possible cross-site request)");
                return Err(Refusal::Forbidden(
                    "Forbidden: Origin is not allowed (see --allowed-origins)",
                ));
            }
        }
        Ok(())
    }

    /// The request's Origin header when it names an origin from `--allowed-origins`:
    /// the value to send back in `Access-Control-Allow-Origin`.
    pub fn cors_origin<'h>(&self, headers: &'h HeaderMap) -> Option<&'h HeaderValue> {
        let value = headers.get(ORIGIN)?;
        let origin = Origin::parse(value.to_str().ok()?)?;
        self.cors_origins
            .iter()
            .any(|rule| rule.matches(&origin))
            .then_some(value)
    }

    /// The bearer token check (MCP routes), in constant time. On success, the profile
    /// the token selects, if it selects one.
    pub fn check_token(&self, headers: &HeaderMap) -> Result<Option<Arc<Policy>>, Refusal> {
        if self.tokens.is_empty() {
            return Ok(None);
        }
        let Some(value) = headers.get(AUTHORIZATION) else {
            return Err(Refusal::Unauthorized { invalid_token: false });
        };
        let presented = value.to_str().ok().and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            // The scheme name is case-insensitive (RFC 9110 section 11.1).
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
        let Some(presented) = presented else {
            return Err(Refusal::Unauthorized { invalid_token: false });
        };
        let presented = hash_token(presented);
        // Compare against every entry so the time taken does not say which one matched.
        let mut matched = None;
        for (hash, policy) in &self.tokens {
            if bool::from(presented.ct_eq(hash)) {
                matched = Some(policy.clone());
            }
        }
        match matched {
            Some(policy) => Ok(policy),
            None => {
                tracing::warn!("refused a request with a wrong bearer token");
                Err(Refusal::Unauthorized { invalid_token: true })
            }
        }
    }
}

/// axum middleware: Host and Origin on every route, then CORS for allowed browser
/// origins. Preflights are answered here, before the token check: browsers send them
/// without credentials.
pub async fn rebinding_layer(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    if let Err(refusal) = guard.check_rebinding(request.headers(), request.uri()) {
        return refusal.into_response();
    }
    let Some(origin) = guard.cors_origin(request.headers()).cloned() else {
        return next.run(request).await;
    };
    let preflight =
        request.method() == http::Method::OPTIONS && request.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        return preflight_response(origin, request.headers());
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(CORS_EXPOSED));
    headers.append(VARY, HeaderValue::from_static("origin"));
    response
}

/// Response headers a browser page needs to read: the session id to send back, the
/// negotiated version, and the bearer challenge.
const CORS_EXPOSED: &str = "mcp-session-id, mcp-protocol-version, www-authenticate";

/// The origin is one the operator listed, so the request headers it asks for are
/// mirrored: MCP adds headers between versions (`mcp-method`, `mcp-name`, ...).
fn preflight_response(origin: HeaderValue, request: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, DELETE"),
    );
    if let Some(asked) = request.get(ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    headers.insert(
        VARY,
        HeaderValue::from_static("origin, access-control-request-method, access-control-request-headers"),
    );
    response
}

/// axum middleware: the bearer token on the MCP routes; a token's profile travels on
/// in the request extensions, where the MCP server finds it.
pub async fn token_layer(State(guard): State<Arc<Guard>>, mut request: Request, next: Next) -> Response {
    match guard.check_token(request.headers()) {
        Ok(Some(policy)) => {
            request.extensions_mut().insert(CallerPolicy(policy));
            next.run(request).await
        }
        Ok(None) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(hosts: &[&str], origins: &[&str], token: Option<&str>) -> Guard {
        let hosts: Vec<String> = hosts.iter().map(|s| s.to_string()).collect();
        let origins: Vec<String> = origins.iter().map(|s| s.to_string()).collect();
        Guard::new(
            "127.0.0.1:8765".parse().unwrap(),
            &hosts,
            &origins,
            token.map(Secret::new),
        )
        .unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn rebinding(g: &Guard, pairs: &[(&'static str, &str)]) -> Result<(), Refusal> {
        g.check_rebinding(&headers(pairs), &http::Uri::from_static("/mcp"))
    }

    #[test]
    fn loopback_hosts_pass_with_any_port_and_others_are_forbidden() {
        let g = guard(&[], &[], None);
        for host in [
            "localhost",
            "localhost:8765",
            "LOCALHOST:1",
            "127.0.0.1:9",
            "[::1]:8765",
            "[::1]",
        ] {
            assert_eq!(rebinding(&g, &[("host", host)]), Ok(()), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8765",
            "127.0.0.2:8765",
            "localhost.evil.example",
        ] {
            assert!(
                matches!(rebinding(&g, &[("host", host)]), Err(Refusal::Forbidden(_))),
                "{host}"
            );
        }
        assert!(matches!(rebinding(&g, &[]), Err(Refusal::BadRequest(_))));
        assert!(matches!(
            rebinding(&g, &[("host", "user@localhost")]),
            Err(Refusal::BadRequest(_))
        ));
    }

    #[test]
    fn extra_hosts_match_with_or_without_port() {
        let g = guard(&["mcp.example.com", "api.example.com:443"], &[], None);
        assert_eq!(rebinding(&g, &[("host", "mcp.example.com:9999")]), Ok(()));
        assert_eq!(rebinding(&g, &[("host", "api.example.com:443")]), Ok(()));
        assert!(rebinding(&g, &[("host", "api.example.com:8443")]).is_err());
        assert!(rebinding(&g, &[("host", "api.example.com")]).is_err());
    }

    #[test]
    fn a_specific_listen_address_is_an_accepted_host() {
        let g = Guard::new("10.1.2.3:8765".parse().unwrap(), &[], &[], Some(Secret::new("t"))).unwrap();
        assert_eq!(
            g.check_rebinding(&headers(&[("host", "10.1.2.3:8765")]), &http::Uri::from_static("/")),
            Ok(())
        );
        let any = Guard::new("0.0.0.0:8765".parse().unwrap(), &[], &[], Some(Secret::new("t"))).unwrap();
        assert!(any
            .check_rebinding(&headers(&[("host", "0.0.0.0:8765")]), &http::Uri::from_static("/"))
            .is_err());
    }

    #[test]
    fn origins_must_be_loopback_or_listed() {
        let g = guard(&[], &["https://app.example.com", "http://tools.example.com:*"], None);
        let ok = |origin: &str| rebinding(&g, &[("host", "localhost"), ("origin", origin)]);
        for origin in [
            "http://localhost:5173",
            "http://127.0.0.1:8765",
            "https://localhost",
            "http://[::1]:3000",
            "https://app.example.com",
            "https://app.example.com:443",
            "http://tools.example.com:8080",
        ] {
            assert_eq!(ok(origin), Ok(()), "{origin}");
        }
        for origin in [
            "http://evil.example",
            "https://app.example.com:8443",
            "http://app.example.com",
            "null",
            "not a url",
            "http://localhost.evil.example",
        ] {
            assert!(matches!(ok(origin), Err(Refusal::Forbidden(_))), "{origin}");
        }
        // No Origin at all: not a browser, nothing to check.
        assert_eq!(rebinding(&g, &[("host", "localhost")]), Ok(()));
    }

    #[test]
    fn bad_allow_list_entries_are_refused_at_start_naming_the_flag() {
        let addr = "127.0.0.1:1".parse().unwrap();
        let err = Guard::new(addr, &["bad host/".into()], &[], None).unwrap_err();
        assert!(err.contains("--allowed-hosts"), "{err}");
        let err = Guard::new(addr, &[], &["app.example.com".into()], None).unwrap_err();
        assert!(err.contains("--allowed-origins"), "{err}");
        let err = Guard::new(addr, &[], &["https://a.example:443:*".into()], None).unwrap_err();
        assert!(err.contains("--allowed-origins"), "{err}");
    }

    #[test]
    fn rmcp_lists_mirror_the_guard() {
        let g = guard(&["mcp.example.com:8443"], &["https://app.example.com"], None);
        let hosts = g.rmcp_allowed_hosts();
        assert!(hosts.contains(&"localhost".to_string()) && hosts.contains(&"::1".to_string()));
        assert!(hosts.contains(&"mcp.example.com:8443".to_string()));
        let origins = g.rmcp_allowed_origins();
        assert!(origins.contains(&"http://localhost:*".to_string()));
        assert!(origins.contains(&"http://[::1]:*".to_string()));
        assert!(origins.contains(&"https://app.example.com:443".to_string()));
    }

    #[test]
    fn bearer_token_is_required_when_configured() {
        let open = guard(&[], &[], None);
        assert_eq!(open.check_token(&headers(&[])).map(|_| ()), Ok(()));

        let g = guard(&[], &[], Some("s3cret-token"));
        assert_eq!(
            g.check_token(&headers(&[])).map(|_| ()),
            Err(Refusal::Unauthorized { invalid_token: false })
        );
        assert_eq!(
            g.check_token(&headers(&[("authorization", "Basic czNjcmV0")]))
                .map(|_| ()),
            Err(Refusal::Unauthorized { invalid_token: false })
        );
        assert_eq!(
            g.check_token(&headers(&[("authorization", "Bearer s3cret-tokeX")]))
                .map(|_| ()),
            Err(Refusal::Unauthorized { invalid_token: true })
        );
        assert_eq!(
            g.check_token(&headers(&[("authorization", "Bearer s3cret")]))
                .map(|_| ()),
            Err(Refusal::Unauthorized { invalid_token: true })
        );
        assert_eq!(
            g.check_token(&headers(&[("authorization", "Bearer s3cret-token")]))
                .map(|_| ()),
            Ok(())
        );
        assert_eq!(
            g.check_token(&headers(&[("authorization", "bearer s3cret-token")]))
                .map(|_| ()),
            Ok(())
        );
    }

    #[test]
    fn unauthorized_response_carries_a_bearer_challenge_and_no_token() {
        let response = Refusal::Unauthorized { invalid_token: true }.into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response.headers().get(WWW_AUTHENTICATE).unwrap().to_str().unwrap();
        assert!(challenge.starts_with("Bearer "), "{challenge}");
    }

    #[test]
    fn cors_answers_only_origins_the_operator_listed() {
        let g = guard(&[], &["https://app.example.com", "http://localhost:5173"], None);
        let listed = headers(&[("origin", "https://app.example.com")]);
        assert_eq!(
            g.cors_origin(&listed).and_then(|v| v.to_str().ok()),
            Some("https://app.example.com")
        );
        let listed_local = headers(&[("origin", "http://localhost:5173")]);
        assert!(g.cors_origin(&listed_local).is_some());
        // Loopback origins pass the Origin check but get no CORS unless listed.
        let other_local = headers(&[("origin", "http://localhost:3000")]);
        assert!(g.cors_origin(&other_local).is_none());
        assert!(g
            .cors_origin(&headers(&[("origin", "https://app.example.com:8443")]))
            .is_none());
        assert!(g.cors_origin(&headers(&[])).is_none());
    }
}
