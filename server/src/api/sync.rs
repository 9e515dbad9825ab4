use super::ApiError;
use crate::serve::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use kiln_domain::sync::{self, Change};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize)]
pub struct ApplyParams {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    delete: bool,
}

#[derive(Debug, Serialize)]
pub struct ApplyAnswer {
    applied: bool,
    dry_run: bool,
    changes: Vec<Change>,
    warnings: Vec<String>,
    /// The plan as text, one line per change.
    summary: String,
}

/// `POST /api/v1/sync?dry_run=&delete=` with a TOML body.
pub async fn apply(
    State(state): State<AppState>,
    Query(params): Query<ApplyParams>,
    body: String,
) -> Result<Json<ApplyAnswer>, ApiError> {
    let file = sync::parse(&body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let outcome = state
        .ctx
        .store
        .sync(&file, params.dry_run, params.delete)
        .await?;
    Ok(Json(ApplyAnswer {
        applied: outcome.applied,
        dry_run: params.dry_run,
        summary: outcome.plan.render(),
        changes: outcome.plan.changes,
        warnings: outcome.plan.warnings,
    }))
}

/// `GET /api/v1/sync`: every resource as TOML, secrets left out.
pub async fn export(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let catalog = state.ctx.store.catalog().await?;
    Ok((
        [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
        sync::export(&catalog),
    ))
}
