use super::ApiError;
use crate::serve::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiln_core::Actor;
use kiln_domain::Build;

/// `GET /api/v1/builds`: secret args and webhook secrets are shown as placeholders.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Build>>, ApiError> {
    Ok(Json(state.kiln.builds(&Actor::Api).await?))
}

pub async fn get_one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Build>, ApiError> {
    Ok(Json(state.kiln.build(&Actor::Api, &name).await?))
}

/// `POST /api/v1/builds` with a build as JSON: 201 and the build (secrets
/// as placeholders), 400 for
/// JSON that is not a build, 409 for a taken name, 422 for a build that
/// fails validation (the field named). A wrong Content-Type (415) or a body
/// over the limit (413) is passed on as axum's rejection, worded by the
/// API's refusal layer.
pub async fn create(
    State(state): State<AppState>,
    body: Result<Json<Build>, JsonRejection>,
) -> Result<Response, ApiError> {
    let build = match body {
        Ok(Json(build)) => build,
        // serde quotes wrongly typed strings, which may be secrets.
        Err(JsonRejection::JsonDataError(e)) => {
            return Err(ApiError::BadRequest(kiln_core::hide_input(&e.body_text())))
        }
        Err(JsonRejection::JsonSyntaxError(e)) => {
            return Err(ApiError::BadRequest(kiln_core::hide_input(&e.body_text())))
        }
        Err(other) => return Ok(other.into_response()),
    };
    let created = state.kiln.create_build(&Actor::Api, build).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.kiln.delete_build(&Actor::Api, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
