//! `GET /api/v1/builds/{name}/webhook`: what the build page shows to set up
//! a repository hook (the URLs to copy), never the secret.

use super::ApiError;
use crate::serve::AppState;
use crate::webhooks::listener_paths;
use axum::extract::{Path, State};
use axum::Json;
use kiln_domain::webhook::watched_branch;
use serde::Serialize;

/// A build's webhook setup.
#[derive(Debug, Serialize)]
pub struct WebhookInfo {
    /// The numeric id in the listener paths.
    pub id: i64,
    /// Path of the GitHub, Gitea and Forgejo listener (prefix the server's URL).
    pub github_path: String,
    /// Path of the GitLab listener.
    pub gitlab_path: String,
    pub enabled: bool,
    /// Which secret checks requests: "build" (its own), "server"
    /// (KILN_WEBHOOK_SECRET) or "none" (every request is refused).
    pub secret: &'static str,
    /// The branch whose pushes start runs.
    pub branch: String,
    pub build_tags: bool,
    pub tag_pattern: String,
}

pub async fn info(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<WebhookInfo>, ApiError> {
    let store = &state.ctx.store;
    let (id, build) = store.build_by_id_or_name(&name).await?;
    let catalog = store.catalog().await?;
    let (github_path, gitlab_path) = listener_paths(id);
    let secret = if !build.config.webhook_secret.is_empty() {
        "build"
    } else if state.webhooks.has_default_secret() {
        "server"
    } else {
        "none"
    };
    Ok(Json(WebhookInfo {
        id,
        github_path,
        gitlab_path,
        enabled: build.config.webhook_enabled,
        secret,
        branch: watched_branch(&build, &catalog.repos).to_string(),
        build_tags: build.config.webhook_build_tags,
        tag_pattern: build.config.webhook_tag_pattern.clone(),
    }))
}
