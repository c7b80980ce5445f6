//! `POST /v2/oauth2/token` (catalogue 3 oauth, 4.1): client-credentials
//! grant; the body may be form-urlencoded, JSON, or query parameters.

use http::header::CONTENT_TYPE;
use http::Method;
use serde_json::{json, Value};

use crate::hal::{self, Resp};
use crate::routes::Req;
use crate::server::Shared;
use crate::{APP_ID, APP_SECRET};

fn oauth_error(status: u16, error: &str, description: &str) -> Resp {
    hal::json_resp(status, &json!({ "error": error, "error_description": description }))
}

/// Token request parameters from the body (form or JSON) or the query string.
fn params(req: &Req) -> Result<Vec<(String, String)>, Box<Resp>> {
    let content_type = req.header(CONTENT_TYPE.as_str()).unwrap_or("").to_ascii_lowercase();
    let mut out: Vec<(String, String)> = req.query.clone();
    if content_type.starts_with("application/json") {
        let value: Value = serde_json::from_slice(&req.body)
            .map_err(|_| Box::new(oauth_error(400, "invalid_request", "Malformed JSON body")))?;
        let Value::Object(map) = value else {
            return Err(Box::new(oauth_error(
                400,
                "invalid_request",
                "Body must be a JSON object",
            )));
        };
        for (k, v) in map {
            let v = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.push((k, v));
        }
    } else if !req.body.is_empty() {
        out.extend(form_urlencoded::parse(&req.body).into_owned());
    }
    Ok(out)
}

pub(crate) fn token(shared: &Shared, req: &Req) -> Resp {
    if req.method != Method::POST {
        return oauth_error(405, "invalid_request", "Use POST");
    }
    let params = match params(req) {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let get = |key: &str| params.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match get("grant_type") {
        Some("client_credentials") => {}
        Some("authorization_code") | Some("refresh_token") => {
            // The fake is a single internal integration: no browser step.
            return oauth_error(
                400,
                "unsupported_grant_type",
                "Only client_credentials is supported by the fake",
            );
        }
        Some(other) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
            )
        }
        None => return oauth_error(400, "invalid_request", "Missing grant_type"),
    }
    if get("client_id") != Some(APP_ID) || get("client_secret") != Some(APP_SECRET) {
        return oauth_error(401, "invalid_client", "Bad client credentials");
    }
    let access_token = shared.issue_token();
    hal::json_resp(
        200,
        &json!({
            "token_type": "bearer",
            "access_token": access_token,
            "expires_in": shared.config.token_ttl.as_secs(),
        }),
    )
}
