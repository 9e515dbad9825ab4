//! The JSON API under `/api/v1/`: thin handlers over the core. Request
//! bodies are limited to `KILN_MAX_BODY_BYTES`, and every refusal is
//! `{"error": "..."}` (`refusal.rs`).

mod actor;
mod alerters;
mod builders;
mod builds;
mod error;
mod host_dockerfile;
mod patch;
mod refusal;
mod runs;
mod sync;
mod webhook;

use crate::auth::routes as auth;
use crate::serve::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post, put};
use axum::{Json, Router};

pub use actor::{ApiActor, CLIENT_HEADER};
pub use error::{core_status, ApiError};

/// `/api/v1` as one service, for `Router::nest_service`: the routes with
/// bodies limited to `max_body_bytes` (413 beyond), inside the layer that
/// makes every refusal (a handler's, an extractor's, a wrong method's, an
/// unknown route's) answer JSON. The layer wraps the whole router rather
/// than each route so that it sees 405 answers with their `Allow` header.
pub fn service(state: AppState, max_body_bytes: usize) -> Router {
    Router::new()
        .fallback_service(routes(max_body_bytes).with_state(state))
        .layer(axum::middleware::from_fn_with_state(
            max_body_bytes,
            refusal::json_refusals,
        ))
}

/// The `/api/v1` routes, bodies limited to `max_body_bytes`.
fn routes(max_body_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/login", post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/setup", post(auth::setup))
        .route("/me", get(auth::me))
        .route("/users", get(auth::users).post(auth::create_user))
        .route(
            "/users/{name}",
            patch(auth::update_user).delete(auth::delete_user),
        )
        .route("/api-keys", get(auth::api_keys).post(auth::create_api_key))
        .route("/api-keys/{id}", delete(auth::revoke_api_key))
        .route("/groups", get(auth::groups))
        .route(
            "/groups/{name}",
            put(auth::put_group).delete(auth::delete_group),
        )
        .route("/grants", get(auth::grants).put(auth::set_grant))
        .route("/builds", get(builds::list).post(builds::create))
        .route(
            "/builds/{name}",
            get(builds::get_one)
                .patch(builds::patch)
                .delete(builds::delete),
        )
        .route("/builds/{name}/rename", post(builds::rename))
        .route("/builds/{name}/copy", post(builds::copy))
        .route("/builds/{name}/history", get(builds::history))
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
        .route("/builders/{name}", patch(patch::builder))
        .route("/repos/{name}", patch(patch::repo))
        .route("/variables/{name}", patch(patch::variable))
        .route("/alerters/{name}", patch(patch::alerter))
        .route(
            "/git-accounts/{domain}/{username}",
            patch(patch::git_account),
        )
        .route(
            "/registry-accounts/{domain}/{username}",
            patch(patch::registry_account),
        )
        .route("/alerters", get(alerters::list))
        .route("/sync", get(sync::export).post(sync::apply))
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
        .layer(DefaultBodyLimit::max(max_body_bytes))
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}
