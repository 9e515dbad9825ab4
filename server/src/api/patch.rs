//! `PATCH` of the resources other than builds (builds: `builds.rs`), the
//! same shape: `{"revision": N, …changed top-level fields…}`. Builders,
//! repos and alerters take `config`, `description`, `tags`; variables
//! `value`, `description`, `is_secret`; git and registry accounts `token`.
//! 200 with the resource as stored (secrets as `"<secret>"`), its `id` and
//! new `revision`; 409 with `conflicts` when a patched field changed since
//! `revision`; 404; 422 for an unknown field or a change that fails
//! validation.

use super::actor::ApiActor;
use super::builds::read_patch;
use super::ApiError;
use crate::serve::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiln_domain::sync::ResourceKind;
use serde_json::Value;

async fn patch_kind(
    state: AppState,
    actor: ApiActor,
    kind: ResourceKind,
    key: &str,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let patch = match read_patch(body) {
        Ok(patch) => patch,
        Err(refusal) => return Ok(*refusal),
    };
    let saved = state.kiln.patch(&actor.0, kind, key, patch).await?;
    Ok(Json(saved).into_response())
}

/// `PATCH /api/v1/builders/{name}`
pub async fn builder(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(name): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    patch_kind(state, actor, ResourceKind::Builder, &name, body).await
}

/// `PATCH /api/v1/repos/{name}`
pub async fn repo(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(name): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    patch_kind(state, actor, ResourceKind::Repo, &name, body).await
}

/// `PATCH /api/v1/variables/{name}`
pub async fn variable(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(name): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    patch_kind(state, actor, ResourceKind::Variable, &name, body).await
}

/// `PATCH /api/v1/alerters/{name}`
pub async fn alerter(
    State(state): State<AppState>,
    actor: ApiActor,
    Path(name): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    patch_kind(state, actor, ResourceKind::Alerter, &name, body).await
}

/// `PATCH /api/v1/git-accounts/{domain}/{username}`
pub async fn git_account(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((domain, username)): Path<(String, String)>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let key = format!("{domain}/{username}");
    patch_kind(state, actor, ResourceKind::GitAccount, &key, body).await
}

/// `PATCH /api/v1/registry-accounts/{domain}/{username}`
pub async fn registry_account(
    State(state): State<AppState>,
    actor: ApiActor,
    Path((domain, username)): Path<(String, String)>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let key = format!("{domain}/{username}");
    patch_kind(state, actor, ResourceKind::RegistryAccount, &key, body).await
}
