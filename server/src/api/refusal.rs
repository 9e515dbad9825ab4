//! Every refusal of the JSON API is `{"error": "<sentence>"}` with its
//! status: one layer around all of `/api/v1` (routes and fallback) rewrites
//! any 4xx/5xx answer that is not already JSON (axum's extractor
//! rejections, 405 wrong method, 413 body too large), so new endpoints are
//! covered without code of their own. Handlers' own errors are JSON already
//! ([`super::ApiError`]) and pass untouched.

use crate::body_limit::{declared_too_large, linger, returning, too_large};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The longest refusal text of an extractor that is passed on (axum's are
/// one line; anything longer is cut).
const MAX_TEXT: usize = 2048;

/// Middleware (`from_fn_with_state(max_body_bytes, json_refusals)`) around
/// the whole API router, outside axum's method routing (so a 405 already
/// carries its `Allow` header): a body whose declared `Content-Length` is
/// over `limit` is refused 413 before the handler runs (a refused body is
/// read on for a while first, see `body_limit::linger`); then every error
/// answer that is not JSON becomes
/// `{"error": sentence}` with the same status (and its `Allow` or
/// `Retry-After` header):
///
/// - 413: the limit in bytes and MiB and the setting `KILN_MAX_BODY_BYTES`;
/// - 415: the expected `Content-Type: application/json` and the one sent;
/// - 405: the method and the methods the endpoint allows;
/// - 404: `no such API endpoint`;
/// - 5xx: `internal error (see the Kiln server log)`, the detail logged;
/// - anything else (400/422 from bad JSON, path or query parameters): the
///   extractor's own sentence, e.g. `Failed to deserialize query string:
///   dry_run: provided string was not `true` or `false``.
pub async fn json_refusals(State(limit): State<usize>, request: Request, next: Next) -> Response {
    if declared_too_large(request.headers(), limit) {
        linger(request.into_body()).await;
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, too_large(limit));
    }
    let method = request.method().clone();
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let (parts, body) = request.into_parts();
    let (body, rest) = returning(body);
    let response = next.run(Request::from_parts(parts, body)).await;
    let status = response.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        if let Some(rest) = rest.take() {
            linger(rest).await;
        }
    }
    drop(rest);
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, MAX_TEXT).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let sentence = match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => format!(
            "this endpoint takes a JSON body: send it with Content-Type: application/json (the request had {})",
            content_type.map_or("no Content-Type".to_string(), |t| format!("Content-Type: {t}"))
        ),
        StatusCode::METHOD_NOT_ALLOWED => method_not_allowed(&method, &parts.headers),
        StatusCode::NOT_FOUND => "no such API endpoint".to_string(),
        status if status.is_server_error() => {
            tracing::error!(%status, detail = %text, "internal error in the JSON API");
            "internal error (see the Kiln server log)".to_string()
        }
        status if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_lowercase(),
        _ => text,
    };
    let mut answer = refusal(status, sentence);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}

fn method_not_allowed(method: &Method, headers: &HeaderMap) -> String {
    let allowed = headers
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .map(|allow| {
            allow
                .split(',')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|allow| !allow.is_empty());
    match allowed {
        Some(allowed) => format!("{method} is not allowed here; this endpoint takes {allowed}"),
        None => format!("{method} is not allowed here"),
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().starts_with("application/json"))
}

fn refusal(status: StatusCode, sentence: String) -> Response {
    (status, Json(serde_json::json!({ "error": sentence }))).into_response()
}
