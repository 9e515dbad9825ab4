use super::ApiError;
use crate::serve::AppState;
use axum::extract::State;
use axum::Json;
use kiln_api::BuilderView;

pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<BuilderView>>, ApiError> {
    Ok(Json(kiln_app::ssr::builder_views(&state.ctx).await?))
}
