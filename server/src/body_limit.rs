//! The request body limit (`KILN_MAX_BODY_BYTES`) of the JSON API and the
//! UI's server functions, and how a body over it is refused.
//!
//! Both read bodies through axum's limited body, so one
//! [`axum::extract::DefaultBodyLimit`] sets the limit; requests that declare
//! a bigger `Content-Length` are refused before anything reads them. The
//! JSON API words its refusals in `api::refusal`; server functions (`/rpc`)
//! answer in Leptos's own error format, which the UI decodes and shows:
//! [`server_fn_refusals`] turns Leptos's "length limit exceeded"
//! deserialization error (status 500) into a 413 with the same sentence as
//! the API. Webhooks read their raw body with their own 5 MiB cap.
//!
//! A refused body is read on for a while before the answer goes out
//! ([`linger`]): a server that closes a connection with unread data makes
//! the client's system reset it, and clients still sending then report a
//! broken connection instead of the refusal.

use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// The path prefix of the UI's server functions.
pub const SERVER_FN_PREFIX: &str = "/rpc/";

/// At most this much of a refused body is read (and thrown away) before
/// the refusal is sent.
const LINGER_BYTES: usize = 64 * 1024 * 1024;
/// For at most this long.
const LINGER_TIME: Duration = Duration::from_secs(10);

/// The sentence every refusal of a too-large body says, e.g. `the request
/// body is larger than this server's limit of 33554432 bytes (32 MiB); send
/// less, or raise the limit with KILN_MAX_BODY_BYTES`.
pub fn too_large(limit: usize) -> String {
    let size = match human(limit) {
        Some(human) => format!("{limit} bytes ({human})"),
        None => format!("{limit} bytes"),
    };
    format!(
        "the request body is larger than this server's limit of {size}; send less, or raise the limit with KILN_MAX_BODY_BYTES"
    )
}

/// `32 MiB`, `1.5 MiB`, `4 KiB`; `None` under 1 KiB.
fn human(bytes: usize) -> Option<String> {
    const KIB: f64 = 1024.0;
    let bytes = bytes as f64;
    let (value, unit) = if bytes >= KIB * KIB {
        (bytes / (KIB * KIB), "MiB")
    } else if bytes >= KIB {
        (bytes / KIB, "KiB")
    } else {
        return None;
    };
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    Some(format!("{text} {unit}"))
}

/// Whether the request declares (`Content-Length`) a body over `limit`.
pub fn declared_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|length| length > limit as u64)
}

/// Reads and discards what is left of a refused body: at most
/// `LINGER_BYTES` (64 MiB) for at most `LINGER_TIME` (10 s).
pub async fn linger(body: Body) {
    let mut stream = body.into_data_stream();
    let mut read = 0usize;
    let _ = tokio::time::timeout(LINGER_TIME, async {
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > LINGER_BYTES {
                break;
            }
        }
    })
    .await;
}

/// Where a [`Returning`] body leaves what is left of it.
#[derive(Clone, Default)]
pub struct Rest(Arc<Mutex<Option<BodyDataStream>>>);

impl Rest {
    /// What is left of the body, once whoever read it has dropped it.
    pub fn take(&self) -> Option<Body> {
        let rest = self.0.lock().ok()?.take()?;
        Some(Body::from_stream(rest))
    }
}

/// A request body that, when dropped (by an extractor that stopped at the
/// limit), leaves the rest of the underlying body in its [`Rest`], so the
/// middleware can [`linger`] on it.
struct Returning {
    inner: Option<BodyDataStream>,
    rest: Rest,
}

/// `body` wrapped so that what its reader leaves unread can be taken back
/// from the returned [`Rest`].
pub fn returning(body: Body) -> (Body, Rest) {
    let rest = Rest::default();
    let wrapped = Returning {
        inner: Some(body.into_data_stream()),
        rest: rest.clone(),
    };
    (Body::from_stream(wrapped), rest)
}

impl Stream for Returning {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.get_mut().inner.as_mut() {
            Some(stream) => Pin::new(stream).poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

impl Drop for Returning {
    fn drop(&mut self) {
        if let (Some(stream), Ok(mut slot)) = (self.inner.take(), self.rest.0.lock()) {
            *slot = Some(stream);
        }
    }
}

/// What Leptos answers (status 500) when reading a server function's body
/// hits the limit.
const LEPTOS_TOO_LARGE: &str = "Deserialization|length limit exceeded";

/// Middleware on the whole router, acting on server functions
/// (`/rpc/...`) only: a declared body over `limit` is answered 413 without
/// being parsed, and a body found over it while reading (no or a false
/// `Content-Length`; Leptos then answers 500 `Deserialization|length limit
/// exceeded`) gets the same 413. The body is Leptos's error encoding
/// (`ServerError|<sentence>`), so the UI shows the sentence. Errors
/// decoding the arguments pass through [`kiln_core::hide_input`].
pub async fn server_fn_refusals(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with(SERVER_FN_PREFIX) {
        return next.run(request).await;
    }
    if declared_too_large(request.headers(), limit) {
        linger(request.into_body()).await;
        return server_fn_too_large(limit);
    }
    let (parts, body) = request.into_parts();
    let (body, rest) = returning(body);
    let response = next.run(Request::from_parts(parts, body)).await;
    if !response.status().is_client_error() && !response.status().is_server_error() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    if parts.status == StatusCode::INTERNAL_SERVER_ERROR
        && bytes.as_ref() == LEPTOS_TOO_LARGE.as_bytes()
    {
        if let Some(rest) = rest.take() {
            linger(rest).await;
        }
        return server_fn_too_large(limit);
    }
    // Leptos's decoding errors quote the arguments (serde's `invalid type:
    // string "…"`), which may be secrets.
    let text = String::from_utf8_lossy(&bytes);
    if DECODING_ERRORS.iter().any(|code| text.starts_with(code)) {
        let hidden = kiln_core::hide_input(&text);
        if hidden != text {
            parts.headers.remove(header::CONTENT_LENGTH);
            return Response::from_parts(parts, Body::from(hidden));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Leptos's error codes for arguments it could not decode.
const DECODING_ERRORS: [&str; 2] = ["Deserialization|", "Args|"];
/// Error answers of server functions are read whole up to this size.
const MAX_ERROR_BYTES: usize = 1024 * 1024;

/// 413 in Leptos's server function error encoding.
fn server_fn_too_large(limit: usize) -> Response {
    let mut response = (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("ServerError|{}", too_large(limit)),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human(32 * 1024 * 1024).as_deref(), Some("32 MiB"));
        assert_eq!(human(1536 * 1024).as_deref(), Some("1.5 MiB"));
        assert_eq!(human(4096).as_deref(), Some("4 KiB"));
        assert_eq!(human(1000), None);
        assert_eq!(
            too_large(1000),
            "the request body is larger than this server's limit of 1000 bytes; send less, or raise the limit with KILN_MAX_BODY_BYTES"
        );
        assert!(too_large(33_554_432).contains("33554432 bytes (32 MiB)"));
    }

    #[tokio::test]
    async fn a_dropped_reader_leaves_the_rest_of_the_body() {
        let chunks: Vec<Result<&'static str, std::io::Error>> = vec![Ok("one"), Ok("two")];
        let (body, rest) = returning(Body::from_stream(futures_util::stream::iter(chunks)));
        let mut stream = body.into_data_stream();
        let first = stream.next().await.and_then(Result::ok);
        assert_eq!(first.as_deref(), Some(&b"one"[..]));
        drop(stream);
        let left = rest.take().expect("the rest");
        let bytes = axum::body::to_bytes(left, 100).await.expect("rest");
        assert_eq!(&bytes[..], b"two");
    }
}
