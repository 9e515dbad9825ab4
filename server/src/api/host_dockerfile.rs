//! `GET /api/v1/builds/{name}/host-dockerfile`: a files-on-host build's
//! Dockerfile, read on the host the build runs on (this server, or the
//! Server builder's kiln-agent).

use super::ApiError;
use crate::serve::AppState;
use axum::extract::{Path, State};
use axum::Json;
use kiln_api::SourceDockerfile;
use kiln_core::Actor;

/// The Dockerfile where the build runs.
pub async fn get_one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<SourceDockerfile>, ApiError> {
    Ok(Json(
        state.kiln.source_dockerfile(&Actor::Api, &name).await?,
    ))
}
