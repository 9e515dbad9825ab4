use super::ApiError;
use crate::serve::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kiln_domain::redact::redact_build;
use kiln_domain::Build;

/// `GET /api/v1/builds`: secret args and webhook secrets are shown as placeholders.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Build>>, ApiError> {
    let builds = state.ctx.store.list_builds().await?;
    Ok(Json(builds.iter().map(redact_build).collect()))
}

pub async fn get_one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Build>, ApiError> {
    Ok(Json(redact_build(&state.ctx.store.build(&name).await?)))
}

pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<Build>, JsonRejection>,
) -> Result<(StatusCode, Json<Build>), ApiError> {
    let Json(build) = body.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok((
        StatusCode::CREATED,
        Json(state.ctx.store.create_build(build).await?),
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.ctx.store.delete_build(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}
