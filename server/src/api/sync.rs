//! `/api/v1/sync`: plan, apply and export Komodo-compatible TOML (the
//! CLI's `kiln sync` talks to these).

use super::actor::ApiActor;
use super::ApiError;
use crate::serve::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use kiln_domain::sync::{Change, PlanOptions};
use serde::{Deserialize, Serialize};

/// The query of `POST /api/v1/sync`.
#[derive(Debug, Default, Deserialize)]
pub struct ApplyParams {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    delete: bool,
    /// Let the file set a build's version lower than the stored one.
    #[serde(default)]
    force_version: bool,
}

/// What a plan or apply found.
#[derive(Debug, Serialize)]
pub struct ApplyAnswer {
    applied: bool,
    dry_run: bool,
    changes: Vec<Change>,
    warnings: Vec<String>,
    /// The plan as text, one line per change.
    summary: String,
}

/// `POST /api/v1/sync?dry_run=&delete=&force_version=` with a TOML body.
/// Placeholders of secrets (as an export shows them) keep the stored
/// values; 422 when the file would lower a build's version without
/// `force_version`.
pub async fn apply(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ApplyParams>,
    body: String,
) -> Result<Json<ApplyAnswer>, ApiError> {
    let report = state
        .kiln
        .sync(
            &actor,
            &body,
            params.dry_run,
            PlanOptions {
                delete: params.delete,
                force_version: params.force_version,
            },
        )
        .await?;
    Ok(Json(ApplyAnswer {
        applied: report.applied,
        dry_run: report.dry_run,
        summary: report.summary,
        changes: report.changes,
        warnings: report.warnings,
    }))
}

/// `GET /api/v1/sync`: every resource as TOML, secrets left out or as
/// placeholders.
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<impl IntoResponse, ApiError> {
    let toml = state.kiln.sync_export(&actor).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
        toml,
    ))
}
