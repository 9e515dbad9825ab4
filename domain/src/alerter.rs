//! Alerters: where Kiln says how runs ended, in Komodo's `[[alerter]]`
//! layout as far as it maps to builds: a generic JSON webhook (`Custom`),
//! a Slack-compatible or a Discord-compatible incoming webhook, which
//! outcomes (`alert_types`) and which builds (`resources`,
//! `except_resources`).
//!
//! ```
//! use kiln_domain::alerter::{AlertType, AlerterConfig, ResourceTarget};
//!
//! let config = AlerterConfig {
//!     enabled: true,
//!     alert_types: vec![AlertType::BuildFailed],
//!     except_resources: vec![ResourceTarget::build("scratch")],
//!     ..AlerterConfig::default()
//! };
//! assert!(config.wants("api", AlertType::BuildFailed));
//! assert!(!config.wants("api", AlertType::BuildSucceeded));
//! assert!(!config.wants("scratch", AlertType::BuildFailed));
//! ```

use crate::{ResourceName, RunStatus, Secret};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An alerter resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alerter {
    pub name: ResourceName,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub config: AlerterConfig,
}

/// What an alerter sends, where, and about which builds. Komodo's names and
/// defaults (an alerter is off until `enabled = true`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlerterConfig {
    pub enabled: bool,
    pub endpoint: AlerterEndpoint,
    /// The outcomes sent; empty sends all of them.
    pub alert_types: Vec<AlertType>,
    /// The builds alerted on; empty means every build.
    pub resources: Vec<ResourceTarget>,
    /// Builds never alerted on (wins over `resources`).
    pub except_resources: Vec<ResourceTarget>,
}

/// Where alerts go: `{ type = "Custom" | "Slack" | "Discord", params = { url } }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "params")]
pub enum AlerterEndpoint {
    /// A JSON POST of the whole alert (Komodo's alert shape plus the run).
    Custom(EndpointParams),
    /// A Slack-compatible incoming webhook (`{"text": ...}`).
    Slack(EndpointParams),
    /// A Discord-compatible incoming webhook (`{"content": ...}`).
    Discord(EndpointParams),
}

/// The endpoint's URL: a secret (incoming-webhook URLs carry their token),
/// never exported and never shown by the API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EndpointParams {
    pub url: Secret,
}

/// How a run ended, as an alert type. Komodo has `BuildFailed`; the other
/// two are Kiln's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AlertType {
    BuildSucceeded,
    BuildFailed,
    BuildCancelled,
}

/// One resource an alerter is (or is not) about: `{ type = "Build", id = "<name>" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceTarget {
    #[serde(rename = "type")]
    pub kind: TargetKind,
    /// The build's name.
    pub id: String,
}

/// The resource kinds an alerter can name in Kiln.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetKind {
    Build,
}

impl Default for AlerterEndpoint {
    fn default() -> Self {
        Self::Custom(EndpointParams::default())
    }
}

impl AlerterEndpoint {
    /// `"Custom"`, `"Slack"` or `"Discord"`: the `type` written in TOML.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Custom(_) => "Custom",
            Self::Slack(_) => "Slack",
            Self::Discord(_) => "Discord",
        }
    }

    pub fn params(&self) -> &EndpointParams {
        match self {
            Self::Custom(params) | Self::Slack(params) | Self::Discord(params) => params,
        }
    }

    pub fn params_mut(&mut self) -> &mut EndpointParams {
        match self {
            Self::Custom(params) | Self::Slack(params) | Self::Discord(params) => params,
        }
    }
}

impl AlertType {
    /// Every alert type, in the order alerts describe them.
    pub const ALL: [AlertType; 3] = [
        Self::BuildSucceeded,
        Self::BuildFailed,
        Self::BuildCancelled,
    ];

    /// The alert type of a run that ended with `status`; None while live.
    pub fn of(status: RunStatus) -> Option<AlertType> {
        match status {
            RunStatus::Success => Some(Self::BuildSucceeded),
            RunStatus::Failed => Some(Self::BuildFailed),
            RunStatus::Cancelled => Some(Self::BuildCancelled),
            RunStatus::Queued | RunStatus::Running => None,
        }
    }

    /// `"BuildSucceeded"`, `"BuildFailed"` or `"BuildCancelled"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BuildSucceeded => "BuildSucceeded",
            Self::BuildFailed => "BuildFailed",
            Self::BuildCancelled => "BuildCancelled",
        }
    }

    /// Reads a name as written in files: Kiln's and Komodo's names, or the
    /// short `success`, `failure`, `cancel`.
    pub fn parse(raw: &str) -> Option<AlertType> {
        match raw {
            "BuildSucceeded" | "success" => Some(Self::BuildSucceeded),
            "BuildFailed" | "failure" => Some(Self::BuildFailed),
            "BuildCancelled" | "cancel" => Some(Self::BuildCancelled),
            _ => None,
        }
    }
}

impl fmt::Display for AlertType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ResourceTarget {
    /// The build named `name`.
    pub fn build(name: &str) -> Self {
        Self {
            kind: TargetKind::Build,
            id: name.to_string(),
        }
    }
}

impl AlerterConfig {
    /// Whether this alerter sends an alert of `alert_type` about `build`:
    /// enabled, the type wanted, the build in `resources` (or none listed)
    /// and not in `except_resources`.
    pub fn wants(&self, build: &str, alert_type: AlertType) -> bool {
        let names = |targets: &[ResourceTarget]| targets.iter().any(|t| t.id == build);
        self.enabled
            && (self.alert_types.is_empty() || self.alert_types.contains(&alert_type))
            && (self.resources.is_empty() || names(&self.resources))
            && !names(&self.except_resources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_alerters_want_nothing() {
        let config = AlerterConfig::default();
        assert!(!config.enabled, "off by default, as in Komodo");
        for alert_type in AlertType::ALL {
            assert!(!config.wants("api", alert_type));
        }
    }

    #[test]
    fn empty_lists_mean_everything_and_except_wins() {
        let mut config = AlerterConfig {
            enabled: true,
            ..AlerterConfig::default()
        };
        for alert_type in AlertType::ALL {
            assert!(config.wants("any", alert_type));
        }
        config.resources = vec![ResourceTarget::build("api")];
        config.except_resources = vec![ResourceTarget::build("api")];
        assert!(!config.wants("api", AlertType::BuildFailed));
        assert!(!config.wants("web", AlertType::BuildFailed));
    }

    #[test]
    fn alert_types_follow_run_statuses_and_names() {
        assert_eq!(
            AlertType::of(RunStatus::Success),
            Some(AlertType::BuildSucceeded)
        );
        assert_eq!(
            AlertType::of(RunStatus::Cancelled),
            Some(AlertType::BuildCancelled)
        );
        assert_eq!(AlertType::of(RunStatus::Running), None);
        for alert_type in AlertType::ALL {
            assert_eq!(AlertType::parse(alert_type.as_str()), Some(alert_type));
        }
        assert_eq!(AlertType::parse("failure"), Some(AlertType::BuildFailed));
        assert_eq!(AlertType::parse("ServerUnreachable"), None);
    }

    #[test]
    fn debug_never_shows_the_url() {
        let config = AlerterConfig {
            endpoint: AlerterEndpoint::Slack(EndpointParams {
                url: Secret::new("https://hooks.example/T0/B0/secret-part"),
            }),
            ..AlerterConfig::default()
        };
        assert!(!format!("{config:?}").contains("secret-part"));
    }
}
