//! `GET /api/v1/alerters`: alerters as the UI shows them, URLs never sent
//! (only their host, to tell endpoints apart). Sync creates and edits them.

use super::ApiError;
use crate::serve::AppState;
use axum::extract::State;
use axum::Json;
use kiln_api::AlerterView;
use kiln_core::Actor;

/// Every alerter without its URL.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<AlerterView>>, ApiError> {
    Ok(Json(state.kiln.alerters(&Actor::Api).await?))
}
