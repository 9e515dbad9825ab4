use super::actor::ApiActor;
use super::ApiError;
use crate::serve::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiln_api::{Patch, Revised};
use kiln_core::CoreError;
use kiln_domain::history::HistoryEntry;
use kiln_domain::{Build, ChangeRules};
use serde::Deserialize;
use serde_json::Value;

/// `GET /api/v1/builds`: every build with its `id` and `revision`; secret
/// args and webhook secrets are shown as placeholders.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<Revised<Build>>>, ApiError> {
    Ok(Json(state.kiln.builds_revised(&actor).await?))
}

/// `GET /api/v1/builds/{name}`: the build (secrets as placeholders) with
/// its `id` and `revision` beside its fields; 404.
pub async fn get_one(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<Json<Revised<Build>>, ApiError> {
    Ok(Json(state.kiln.build_revised(&actor, &name).await?))
}

/// `PATCH /api/v1/builds/{name}` with `{"revision": N, "config": {…changed
/// fields…}, "description": …, "tags": […]}` (each optional but
/// `revision`): 200 and the build as stored with its new `revision`; 409
/// with `conflicts` when a patched field changed since `revision` (a stale
/// patch touching other fields is merged); 404; 422 for an unknown field
/// or a build that fails validation (the sentence names the field),
/// including a `config.version` lower than the stored one unless the query
/// says `force_version=true`.
pub async fn patch(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    Query(params): Query<PatchParams>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let patch = match read_patch(body) {
        Ok(patch) => patch,
        Err(refusal) => return Ok(*refusal),
    };
    let rules = ChangeRules {
        allow_lower_version: params.force_version,
    };
    let saved = state
        .kiln
        .patch_build_with(&actor, &name, patch, rules)
        .await?;
    Ok(Json(saved).into_response())
}

/// The query of `PATCH /api/v1/builds/{name}`.
#[derive(Debug, Default, Deserialize)]
pub struct PatchParams {
    /// Let the patch set the version lower than the stored one.
    #[serde(default)]
    force_version: bool,
}

/// A patch body, or the answer refusing it (400 for JSON that does not
/// parse, 422 for one that is not a patch, axum's other rejections as
/// they are).
pub(super) fn read_patch(body: Result<Json<Value>, JsonRejection>) -> Result<Patch, Box<Response>> {
    let body = match body {
        Ok(Json(body)) => body,
        Err(JsonRejection::JsonSyntaxError(e)) => {
            return Err(Box::new(
                ApiError::BadRequest(e.body_text()).into_response(),
            ))
        }
        Err(other) => return Err(Box::new(other.into_response())),
    };
    Patch::from_body(body)
        .map_err(|e| Box::new(ApiError::Core(CoreError::Invalid(e)).into_response()))
}

/// The body of rename and copy.
#[derive(Debug, Deserialize)]
pub struct NewName {
    to: String,
}

/// `POST /api/v1/builds/{name}/rename` with `{"to": "new-name"}`: 200 and
/// the renamed build (same id: its runs and history stay); 404; 409 for a
/// taken name or a live run; 422 for an invalid name.
pub async fn rename(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    Json(body): Json<NewName>,
) -> Result<Json<Revised<Build>>, ApiError> {
    Ok(Json(
        state.kiln.rename_build(&actor, &name, &body.to).await?,
    ))
}

/// `POST /api/v1/builds/{name}/copy` with `{"to": "new-name"}`: 201 and the
/// new build (a new id, revision 1, no runs or history of the original);
/// 404; 409 for a taken name; 422 for an invalid one.
pub async fn copy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    Json(body): Json<NewName>,
) -> Result<(StatusCode, Json<Revised<Build>>), ApiError> {
    let copy = state.kiln.copy_build(&actor, &name, &body.to).await?;
    Ok((StatusCode::CREATED, Json(copy)))
}

/// `GET /api/v1/builds/{name}/history`: every recorded change, newest
/// first: `[{"kind", "resource_id", "name", "revision", "action", "actor",
/// "door", "at_ms", "changes": [{"field", "before", "after", "secret"}]}]`
/// (secret fields without values); 404.
pub async fn history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    Ok(Json(state.kiln.build_history(&actor, &name).await?))
}

/// `POST /api/v1/builds` with a build as JSON: 201 and the build (secrets
/// as placeholders), 400 for
/// JSON that is not a build, 409 for a taken name, 422 for a build that
/// fails validation (the field named). A wrong Content-Type (415) or a body
/// over the limit (413) is passed on as axum's rejection, worded by the
/// API's refusal layer.
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
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
    let created = state.kiln.create_build(&actor, build).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// `DELETE /api/v1/builds/{name}`: 204; the build's runs, their logs and
/// its clone cache go with it; 404; 409 while it has a live run.
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.kiln.delete_build(&actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
