//! `GET /api/v1/alerters`: alerters as the UI shows them, URLs never sent
//! (only their host, to tell endpoints apart). Sync creates and edits them.

use super::actor::ApiActor;
use super::ApiError;
use crate::serve::AppState;
use axum::extract::State;
use axum::Json;
use kiln_api::AlerterView;

/// Every alerter without its URL.
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<AlerterView>>, ApiError> {
    Ok(Json(state.kiln.alerters(&actor).await?))
}
