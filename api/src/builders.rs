//! Builders as the UI and the JSON API show them, with their health.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Name of the built-in builder that uses the Kiln server's own Docker engine.
pub const LOCAL_BUILDER: &str = "local";

/// A builder as the UI and API show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuilderView {
    pub name: String,
    pub kind: String,
    pub health: BuilderHealth,
    /// Its revision (a `PATCH` sends it back); 0 for the built-in Local
    /// builder, which is not stored.
    #[serde(default)]
    pub revision: i64,
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
