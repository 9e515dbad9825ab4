//! Types that cross the wire between server functions and components.

mod build_page;
mod page_json;
mod resources;
mod runs;

pub use build_page::{AccountRef, BuildPageData, Choices, SaveAnswer, SourceDockerfile};
pub use page_json::PageJson;
pub use resources::{AccountView, SyncAnswer, VariableView};
pub use runs::{RunBrief, RunPageData, RunView, RunsOfBuild};

use kiln_domain::build::SourceKind;
use kiln_domain::Build;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The builds list, with the server's clock for ages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildList {
    pub builds: Vec<BuildSummary>,
    pub now_ms: i64,
}

/// One row of the builds list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildSummary {
    pub name: String,
    pub description: String,
    pub source: String,
    pub builder: String,
    pub version: String,
    pub last_run: Option<RunBrief>,
}

impl BuildSummary {
    pub fn from_build(build: &Build, last_run: Option<RunBrief>) -> Self {
        Self {
            name: build.name.to_string(),
            description: build.description.clone(),
            source: source_label(build),
            builder: builder_label(&build.config.builder).to_string(),
            version: build.config.version.to_string(),
            last_run,
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

/// A row of the Builders page: the health already in words, so the browser
/// needs no decoder for [`BuilderHealth`]'s tagged form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderRow {
    pub name: String,
    pub kind: String,
    /// `ok`, `bad` or `unknown`.
    pub state: String,
    pub health: String,
}

impl BuilderRow {
    pub fn of(view: &BuilderView) -> Self {
        let state = match view.health {
            BuilderHealth::Healthy { .. } => "ok",
            BuilderHealth::Unreachable { .. } => "bad",
            BuilderHealth::Unknown => "unknown",
        };
        Self {
            name: view.name.clone(),
            kind: view.kind.clone(),
            state: state.to_string(),
            health: view.health.to_string(),
        }
    }
}

/// What Kiln last learned about a builder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BuilderHealth {
    Unknown,
    Healthy {
        docker_version: String,
        /// The kiln-agent's version (Server builders); empty for Local.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        agent_version: String,
        /// What builds on it should know, e.g. that the engine has no bridge
        /// network and builds run with `--network none`; empty when nothing.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    Unreachable {
        reason: String,
    },
}

impl fmt::Display for BuilderHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown => f.write_str("not checked yet"),
            Self::Healthy {
                docker_version,
                agent_version,
                note,
            } => {
                if !agent_version.is_empty() {
                    write!(f, "kiln-agent {agent_version}, ")?;
                }
                write!(f, "Docker {docker_version}")?;
                if !note.is_empty() {
                    write!(f, "; {note}")?;
                }
                Ok(())
            }
            Self::Unreachable { reason } => write!(f, "Docker engine unreachable: {reason}"),
        }
    }
}
