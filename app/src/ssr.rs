//! Server-side helpers of the server functions: the application core from
//! Leptos context, its error as a server function error, and what only the
//! current request knows.

use kiln_core::{Actor, Caller, CoreError, Kiln};
use leptos::prelude::*;

/// The application core the server provides per request, or an error if the
/// server forgot it.
pub fn kiln() -> Result<Kiln, ServerFnError> {
    use_context::<Kiln>().ok_or_else(|| ServerFnError::new("server context is missing"))
}

/// The signed-in user as the actor of a server function (the identify
/// layer put the [`Caller`] in the request); 401 when there is none.
pub fn actor() -> Result<Actor, ServerFnError> {
    caller().map(Actor::Ui).ok_or_else(|| {
        core_error(CoreError::Unauthenticated(
            "not signed in (or the session ended); sign in again".into(),
        ))
    })
}

/// The signed-in user of the current request, if any.
pub fn caller() -> Option<Caller> {
    use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<Caller>().cloned())
}

/// The one mapping of the core's errors to server function errors: its
/// message (an internal cause is already logged by the core and reads
/// "internal error (see the Kiln server log)"), with the HTTP status the
/// JSON API would give (401, 403, 404, 409, 422, 429, 500) when the
/// server function was called over `/rpc` (not while rendering a page).
pub fn core_error(err: CoreError) -> ServerFnError {
    let status = http::StatusCode::from_u16(err.http_status())
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    // Only a server function's own answer: a page whose data failed to
    // load still renders (200) with the sentence in it.
    let called = use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with("/rpc/"));
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>().filter(|_| called) {
        response.set_status(status);
    }
    ServerFnError::new(err.to_string())
}

/// `scheme://host[:port]` people reach Kiln at, for absolute URLs shown
/// in pages (webhook URLs): what the server's guard decided
/// (`KILN_PUBLIC_URL`, a trusted proxy's forwarded host, else the request's
/// `Host`); `X-Forwarded-*` from anyone else never counts. Empty (relative
/// URLs) outside a request.
pub fn request_origin() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<kiln_core::PublicOrigin>().cloned())
        .map(|origin| origin.0)
        .unwrap_or_default()
}

/// Now in Unix milliseconds (sent to the browser so both sides show the same ages).
pub fn now_ms() -> i64 {
    kiln_core::now_ms()
}

/// The `Content-Security-Policy` of Kiln's pages: scripts only from Kiln
/// (and the hydration script with this response's `nonce`), wasm, Monaco's
/// workers and inline styles, connections to Kiln only, no frames, no
/// plugins, forms only to Kiln.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}
