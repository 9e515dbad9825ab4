//! The JSON API under `/api/v1/`: thin handlers over the store.

mod builders;
mod builds;
mod error;
mod runs;
mod sync;

use crate::serve::AppState;
use axum::routing::{get, post};
use axum::{Json, Router};

pub use error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/builds", get(builds::list).post(builds::create))
        .route(
            "/builds/{name}",
            get(builds::get_one).delete(builds::delete),
        )
        .route("/builds/{name}/run", post(runs::start))
        .route("/builds/{name}/runs", get(runs::of_build))
        .route("/runs/{id}", get(runs::get_one))
        .route("/runs/{id}/log", get(runs::log))
        .route("/runs/{id}/cancel", post(runs::cancel))
        .route("/builders", get(builders::list))
        .route("/sync", get(sync::export).post(sync::apply))
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}
