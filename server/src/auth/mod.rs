//! Who a request comes from, decided once for every route: an API key
//! (`Authorization: Bearer kiln_…`) or the session cookie (`kiln_session`).
//! The [`identify`] layer asks the core to check it and puts the
//! [`Caller`] in the request's extensions, where the JSON API's
//! [`crate::api::ApiActor`] and the server functions find it.
//!
//! A browser session is ambient (the browser sends the cookie by itself),
//! so a state-changing request made with one must also show it comes from
//! Kiln's own pages: an `Origin` (or `Sec-Fetch-Site: same-origin`) of this
//! host and the session's CSRF token in `x-csrf-token` (the pages' script
//! adds it to every request). A key is never ambient and needs neither.
//! A body a cross-site HTML form can send (`application/x-www-form-urlencoded`,
//! `multipart/form-data`, `text/plain`) never reaches the JSON API (415):
//! its routes take `application/json`, the sync `application/toml`.
//! Without valid credentials, pages redirect to `/login` and every other
//! request but the public ones (login, setup, health, the site's files,
//! the agent download, the signed webhook listeners) is refused with 401.

pub mod cookies;
pub mod forms;
pub mod guard;
pub mod routes;

use crate::serve::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use kiln_core::{Caller, Credential};

/// The header a browser sends its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Paths anyone may ask for without credentials: the login and setup
/// pages and their calls, health, the site's files, the agent download and
/// the signed webhook listeners.
fn public(path: &str) -> bool {
    const PREFIXES: [&str; 7] = [
        "/pkg/",
        "/monaco/",
        "/listener/",
        "/agent/",
        "/login",
        "/setup",
        "/favicon",
    ];
    const EXACT: [&str; 5] = [
        "/api/v1/health",
        "/api/v1/login",
        "/api/v1/setup",
        "/api/v1/logout",
        "/kiln-session.js",
    ];
    EXACT.contains(&path) || PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Whether `content_type` is one a cross-site HTML form can send.
fn form_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
    )
}

/// Whether a request may change state (anything but GET, HEAD, OPTIONS).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// `Authorization: Bearer <key>`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
}

/// Whether the request says it comes from a page of this same host:
/// `Sec-Fetch-Site: same-origin`, or an `Origin` whose host is the
/// request's `Host`. A request with neither is not from a browser page
/// (browsers send `Origin` on every cross-site POST).
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// The layer over every route (see the module docs).
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let path = request.uri().path().to_string();
    let found = if let Some(key) = bearer(headers) {
        match state.kiln.authenticate_key(key).await {
            Ok(caller) => Some(caller),
            // Public doors answer everyone alike, a stale key included.
            Err(_) if public(&path) => None,
            Err(e) => return refuse(StatusCode::UNAUTHORIZED, &e.to_string()),
        }
    } else if let Some(token) = cookies::session_token(headers) {
        state.kiln.authenticate_session(&token).await.ok()
    } else {
        None
    };
    let writes = changes_state(request.method());
    if writes && !same_origin(request.headers()) {
        return refuse(
            StatusCode::FORBIDDEN,
            "cross-site request refused: Kiln accepts changes only from its own pages",
        );
    }
    if writes && path.starts_with("/api/v1/") {
        if let Some(content_type) = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        {
            if form_type(content_type) {
                return refuse(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    &format!("this endpoint takes application/json (application/toml for /api/v1/sync), not form data (the request had Content-Type: {content_type})"),
                );
            }
        }
    }
    match found {
        Some(caller) => {
            // The public doors (login, setup, logout) do not act with the
            // session, so the page's forms need no token there; the origin
            // check above still applies.
            if writes && !public(&path) && !csrf_ok(request.headers(), &caller) {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "missing or wrong CSRF token (x-csrf-token): reload the page and try again",
                );
            }
            request.extensions_mut().insert(caller);
        }
        None if public(&path) => {}
        None if wants_page(&request) => {
            let next = forms::query_pair("next", &path);
            return Redirect::to(&format!("/login?{next}")).into_response();
        }
        None => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "sign in, or send an API key (Authorization: Bearer kiln_…)",
            )
        }
    }
    next.run(request).await
}

/// Whether a session-authenticated change carries its session's CSRF token
/// (keys need none).
fn csrf_ok(headers: &HeaderMap, caller: &Caller) -> bool {
    match caller.credential() {
        Credential::ApiKey { .. } => true,
        Credential::Session { csrf_token } => headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|sent| {
                use subtle::ConstantTimeEq;
                sent.len() == csrf_token.len()
                    && bool::from(sent.as_bytes().ct_eq(csrf_token.as_bytes()))
            }),
    }
}

/// A page load (GET of an HTML page, not the API, server functions or files).
fn wants_page(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/rpc/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

#[cfg(test)]
mod tests {
    use super::form_type;

    #[test]
    fn only_form_types_are_refused() {
        assert!(form_type("application/x-www-form-urlencoded"));
        assert!(form_type("multipart/form-data; boundary=x"));
        assert!(form_type("Text/Plain;charset=UTF-8"));
        assert!(!form_type("application/json"));
        assert!(!form_type("application/toml"));
    }
}
