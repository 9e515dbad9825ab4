//! Alerters as the UI and the JSON API show them: never their URL.

use kiln_domain::alerter::{AlertType, ResourceTarget};
use serde::{Deserialize, Serialize};

/// One alerter without its secret URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlerterView {
    /// The alerter's name.
    pub name: String,
    /// Its revision (a `PATCH` sends it back).
    #[serde(default)]
    pub revision: i64,
    /// Free text.
    pub description: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Whether it sends anything.
    pub enabled: bool,
    /// "Custom", "Slack" or "Discord".
    pub endpoint_type: String,
    /// The URL's host (e.g. `hooks.slack.com`); the rest is a secret.
    pub url_host: String,
    /// Empty: every outcome.
    pub alert_types: Vec<AlertType>,
    /// Empty: every build.
    pub resources: Vec<ResourceTarget>,
    /// Builds it never alerts about.
    pub except_resources: Vec<ResourceTarget>,
}
