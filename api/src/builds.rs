//! The builds list and how a build is labelled in it.

use crate::builders::LOCAL_BUILDER;
use crate::runs::RunBrief;
use kiln_domain::access::Level;
use kiln_domain::build::SourceKind;
use kiln_domain::Build;
use serde::{Deserialize, Serialize};

/// The builds list, with the server's clock for ages and what the
/// signed-in user may do with each build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildList {
    pub builds: Vec<BuildSummary>,
    pub now_ms: i64,
    /// The user's level on each build, in the order of `builds` (Run
    /// needs Execute, Delete needs Write).
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Whether the user may create builds (Write on every build).
    #[serde(default)]
    pub can_create: bool,
}

impl BuildList {
    /// The user's level on the `index`th build.
    pub fn level(&self, index: usize) -> Level {
        self.levels.get(index).copied().unwrap_or_default()
    }
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
