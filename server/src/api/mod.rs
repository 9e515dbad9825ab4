//! The JSON API under `/api/v1/`: thin handlers over the store.

mod alerters;
mod builders;
mod builds;
mod error;
mod host_dockerfile;
mod runs;
mod sync;
mod webhook;

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
        .route(
            "/builds/{name}/host-dockerfile",
            get(host_dockerfile::get_one),
        )
        .route("/builds/{name}/webhook", get(webhook::info))
        .route("/runs/{id}", get(runs::get_one))
        .route("/runs/{id}/log", get(runs::log))
        .route("/runs/{id}/cancel", post(runs::cancel))
        .route("/builders", get(builders::list))
        .route("/alerters", get(alerters::list))
        .route("/sync", get(sync::export).post(sync::apply))
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}
