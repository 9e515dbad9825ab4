//! `GET /api/v1/alerters`: alerters as the UI shows them, URLs never sent
//! (only their host, to tell endpoints apart). Sync creates and edits them.

use super::ApiError;
use crate::serve::AppState;
use axum::extract::State;
use axum::Json;
use kiln_domain::alerter::{AlertType, ResourceTarget};
use kiln_domain::Alerter;
use serde::Serialize;

/// One alerter without its secret URL.
#[derive(Debug, Serialize)]
pub struct AlerterView {
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// "Custom", "Slack" or "Discord".
    pub endpoint_type: &'static str,
    /// The URL's host (e.g. `hooks.slack.com`); the rest is a secret.
    pub url_host: String,
    /// Empty: every outcome.
    pub alert_types: Vec<AlertType>,
    /// Empty: every build.
    pub resources: Vec<ResourceTarget>,
    pub except_resources: Vec<ResourceTarget>,
}

impl AlerterView {
    fn new(alerter: Alerter) -> Self {
        let config = alerter.config;
        Self {
            name: alerter.name.to_string(),
            description: alerter.description,
            tags: alerter.tags,
            enabled: config.enabled,
            endpoint_type: config.endpoint.kind(),
            url_host: url_host(config.endpoint.params().url.expose()),
            alert_types: config.alert_types,
            resources: config.resources,
            except_resources: config.except_resources,
        }
    }
}

pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<AlerterView>>, ApiError> {
    let alerters = state.ctx.store.list_alerters().await?;
    Ok(Json(alerters.into_iter().map(AlerterView::new).collect()))
}

/// The host (and port) of `scheme://[user@]host[:port]/...`, without any
/// user info.
fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn only_the_host_is_shown() {
        assert_eq!(
            url_host("https://hooks.slack.com/services/T0/B0/secret"),
            "hooks.slack.com"
        );
        assert_eq!(
            url_host("http://user:pw@127.0.0.1:9000/x?token=y"),
            "127.0.0.1:9000"
        );
        assert_eq!(url_host("https://h.example?token=y"), "h.example");
    }
}
