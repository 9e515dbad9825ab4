//! `GET /api/v1/builders`: every builder with its last health.

use super::ApiError;
use crate::serve::AppState;
use axum::extract::State;
use axum::Json;
use kiln_api::BuilderView;
use kiln_core::Actor;

/// The Local builder, then every stored one.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<BuilderView>>, ApiError> {
    Ok(Json(state.kiln.builder_views(&Actor::Api).await?))
}
