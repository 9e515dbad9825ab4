//! `GET /api/v1/builds/{name}/host-dockerfile`: a files-on-host build's
//! Dockerfile, read on the host the build runs on (this server, or the
//! Server builder's kiln-agent).

use super::ApiError;
use crate::runs::HostDockerfileError;
use crate::serve::AppState;
use axum::extract::{Path, State};
use axum::Json;
use kiln_api::SourceDockerfile;

pub async fn get_one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<SourceDockerfile>, ApiError> {
    state
        .runs
        .host_dockerfile(&name)
        .await
        .map(Json)
        .map_err(|e| match e {
            HostDockerfileError::NotFound(m) => ApiError::NotFound(m),
            HostDockerfileError::Invalid(m)
            | HostDockerfileError::NotApplicable(m)
            | HostDockerfileError::Unavailable(m) => ApiError::Unprocessable(m),
            HostDockerfileError::Store(e) => e.into(),
        })
}
