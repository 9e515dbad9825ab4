//! `GET /api/v1/builds/{name}/host-dockerfile`: a files-on-host build's
//! Dockerfile, read on the host the build runs on (this server, or the
//! Server builder's kiln-agent).

use super::actor::ApiActor;
use super::ApiError;
use crate::serve::AppState;
use axum::extract::{Path, State};
use axum::Json;
use kiln_api::SourceDockerfile;

/// The Dockerfile where the build runs.
pub async fn get_one(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<Json<SourceDockerfile>, ApiError> {
    Ok(Json(state.kiln.source_dockerfile(&actor, &name).await?))
}
