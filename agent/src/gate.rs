//! The check in front of every request: the key (constant time), then the
//! protocol version. Every answer, refusals included, names the agent's
//! protocol and version.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use kiln_protocol::{
    keys_match, mismatch_message, ErrorKind, AGENT_VERSION_HEADER, KEY_HEADER, PROTOCOL_HEADER,
};

use crate::routes::{error_response, AgentState};

/// The agent's own version.
pub const AGENT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Refuses the request (nothing runs) unless the key and protocol match.
pub async fn gate(State(state): State<AgentState>, request: Request, next: Next) -> Response {
    let mut response = match check(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err((status, kind, message)) => error_response(status, kind, message),
    };
    let headers = response.headers_mut();
    headers.insert(PROTOCOL_HEADER, HeaderValue::from(state.protocol));
    headers.insert(
        AGENT_VERSION_HEADER,
        HeaderValue::from_static(AGENT_VERSION),
    );
    response
}

/// Why a request is refused.
type Refusal = (StatusCode, ErrorKind, String);

fn check(state: &AgentState, headers: &HeaderMap) -> Result<(), Refusal> {
    if let Some(key) = &state.key {
        let presented = headers
            .get(KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !keys_match(key.expose(), presented) {
            tracing::warn!("refused a request with a missing or wrong key");
            return Err((
                StatusCode::UNAUTHORIZED,
                ErrorKind::Unauthorized,
                "missing or wrong agent key".to_string(),
            ));
        }
    }
    let theirs = headers
        .get(PROTOCOL_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok());
    match theirs {
        Some(version) if version == state.protocol => Ok(()),
        Some(version) => {
            let message = mismatch_message(version, state.protocol, AGENT_VERSION);
            tracing::warn!("{message}");
            Err((StatusCode::CONFLICT, ErrorKind::ProtocolMismatch, message))
        }
        None => Err((
            StatusCode::CONFLICT,
            ErrorKind::ProtocolMismatch,
            format!(
                "the request has no {PROTOCOL_HEADER} header; kiln-agent {AGENT_VERSION} speaks protocol {} with Kiln servers",
                state.protocol
            ),
        )),
    }
}
