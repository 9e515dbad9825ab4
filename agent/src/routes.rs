//! The agent's HTTP surface: one endpoint, dispatched on [`AgentRequest`].

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use kiln_domain::Secret;
use kiln_protocol::{
    AgentRequest, CancelReply, ErrorBody, ErrorKind, Health, HealthReport, ReadDockerfile, Request,
    Unary, PROTOCOL_VERSION, REQUEST_PATH,
};

use crate::gate::{gate, AGENT_VERSION};
use crate::jobs::HostSettings;
use crate::runs::LiveBuilds;

/// What every handler shares.
#[derive(Clone)]
pub struct AgentState {
    /// `None` only with `--insecure`.
    pub key: Option<Arc<Secret>>,
    pub host: Arc<HostSettings>,
    pub builds: LiveBuilds,
    /// The protocol version this agent speaks: [`PROTOCOL_VERSION`] except
    /// under `--test-protocol-version`.
    pub protocol: u32,
}

/// The router: the request endpoint behind the gate; anything else is 404
/// (also behind the gate, so unauthenticated callers learn nothing).
pub fn router(state: AgentState) -> Router {
    Router::new()
        .route(REQUEST_PATH, post(handle))
        .fallback(|| async {
            error_response(
                StatusCode::NOT_FOUND,
                ErrorKind::NotFound,
                format!("kiln-agent answers only POST {REQUEST_PATH}"),
            )
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

/// An error answer.
pub fn error_response(status: StatusCode, kind: ErrorKind, message: String) -> Response {
    (
        status,
        Json(ErrorBody {
            kind,
            message,
            protocol_version: PROTOCOL_VERSION,
        }),
    )
        .into_response()
}

async fn handle(State(state): State<AgentState>, body: Bytes) -> Response {
    let request: AgentRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                ErrorKind::BadRequest,
                format!("cannot read the request: {e}"),
            )
        }
    };
    tracing::debug!(request = request.name(), "request");
    match request {
        AgentRequest::Health(_) => reply::<Health>(health(&state).await),
        AgentRequest::Build(build) => crate::build::start(state, *build),
        AgentRequest::Cancel(cancel) => {
            let found = state.builds.cancel(&cancel.run_key);
            tracing::info!(run_key = %cancel.run_key, found, "cancel");
            reply::<kiln_protocol::Cancel>(CancelReply { found })
        }
        AgentRequest::ReadDockerfile(read) => {
            match crate::dockerfile::read(&read, &state.host.builds_root) {
                Ok(text) => reply::<ReadDockerfile>(text),
                Err((kind, message)) => {
                    let status = match kind {
                        ErrorKind::NotFound => StatusCode::NOT_FOUND,
                        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
                        _ => StatusCode::INTERNAL_SERVER_ERROR,
                    };
                    error_response(status, kind, message)
                }
            }
        }
    }
}

/// Answers a unary request `T` with exactly its response type.
fn reply<T: Unary>(response: <T as Request>::Response) -> Response {
    Json(response).into_response()
}

async fn health(state: &AgentState) -> HealthReport {
    let docker = crate::docker::engine_health(state.host.docker_host.as_deref()).await;
    let (docker_version, docker_note, docker_error) = match docker {
        Ok(engine) => (Some(engine.version), engine.note, None),
        Err(error) => (None, None, Some(error)),
    };
    HealthReport {
        agent_version: AGENT_VERSION.to_string(),
        protocol_version: state.protocol,
        docker_version,
        docker_note,
        docker_error,
    }
}
