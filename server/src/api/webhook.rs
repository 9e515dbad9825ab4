//! `GET /api/v1/builds/{name}/webhook`: what the build page shows to set up
//! a repository hook (the URLs to copy), never the secret.

use super::actor::ApiActor;
use super::ApiError;
use crate::serve::AppState;
use crate::webhooks::listener_paths;
use axum::extract::{Path, State};
use axum::Json;
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

/// A build's webhook setup, by name or id.
pub async fn info(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<Json<WebhookInfo>, ApiError> {
    let target = state.kiln.webhook_target(&actor, &name).await?;
    let (id, build) = (target.id, &target.build);
    let (github_path, gitlab_path) = listener_paths(id);
    let secret = if !target.secret.is_empty() {
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
        branch: target.branch.clone(),
        build_tags: build.config.webhook_build_tags,
        tag_pattern: build.config.webhook_tag_pattern.clone(),
    }))
}
