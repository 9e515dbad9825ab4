//! Types that cross the wire between server functions and components.

use kiln_domain::build::SourceKind;
use kiln_domain::Build;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One row of the builds list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildSummary {
    pub name: String,
    pub description: String,
    pub source: String,
    pub builder: String,
    pub version: String,
}

impl BuildSummary {
    pub fn from_build(build: &Build) -> Self {
        Self {
            name: build.name.to_string(),
            description: build.description.clone(),
            source: source_label(build),
            builder: builder_label(&build.config.builder).to_string(),
            version: build.config.version.to_string(),
        }
    }
}

/// "repo@branch", "UI Dockerfile" or "files on host".
pub fn source_label(build: &Build) -> String {
    let c = &build.config;
    match c.source_kind() {
        SourceKind::Ui => "UI Dockerfile".to_string(),
        SourceKind::FilesOnHost => "files on host".to_string(),
        SourceKind::Git if !c.linked_repo.is_empty() => format!("repo {}", c.linked_repo),
        SourceKind::Git => format!("{}@{}", c.repo, c.branch),
    }
}

/// The name shown for a build's builder ("" is the built-in Local builder).
pub fn builder_label(builder: &str) -> &str {
    if builder.is_empty() {
        LOCAL_BUILDER
    } else {
        builder
    }
}

/// Name of the built-in builder that uses the Kiln server's own Docker engine.
pub const LOCAL_BUILDER: &str = "local";

/// A builder as the UI and API show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuilderView {
    pub name: String,
    pub kind: String,
    pub health: BuilderHealth,
}

/// What Kiln last learned about a builder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BuilderHealth {
    Unknown,
    Healthy { docker_version: String },
    Unreachable { reason: String },
}

impl fmt::Display for BuilderHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown => f.write_str("not checked yet"),
            Self::Healthy { docker_version } => write!(f, "Docker {docker_version}"),
            Self::Unreachable { reason } => write!(f, "Docker engine unreachable: {reason}"),
        }
    }
}
