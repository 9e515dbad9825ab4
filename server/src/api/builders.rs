//! `GET /api/v1/builders`: every builder with its last health.

use super::actor::ApiActor;
use super::ApiError;
use crate::serve::AppState;
use axum::extract::State;
use axum::Json;
use kiln_api::BuilderView;

/// The Local builder, then every stored one.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<BuilderView>>, ApiError> {
    Ok(Json(state.kiln.builder_views(&actor).await?))
}
