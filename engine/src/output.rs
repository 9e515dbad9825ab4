//! What a run returns.

use serde::{Deserialize, Serialize};

use crate::stage::StageRecord;
pub use kiln_domain::PushedImage;

/// How a run ended. Every message and record is already redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunResult {
    Success(BuildOutput),
    Failed {
        error: String,
        stages: Vec<StageRecord>,
    },
    Cancelled {
        stages: Vec<StageRecord>,
    },
}

impl RunResult {
    /// The stage records, whatever the outcome.
    pub fn stages(&self) -> &[StageRecord] {
        match self {
            RunResult::Success(output) => &output.stages,
            RunResult::Failed { stages, .. } | RunResult::Cancelled { stages } => stages,
        }
    }
}

/// A successful run: the image built and where it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildOutput {
    /// The full commit hash (git sources only).
    pub commit: Option<String>,
    /// `git rev-parse --short` of the commit (7 characters or more).
    pub short_commit: Option<String>,
    /// `sha256:…` of the built image.
    pub image_id: String,
    /// Image size in bytes, as the engine reports it.
    pub size: i64,
    /// One entry per registry path pushed; empty without registries.
    pub pushed: Vec<PushedImage>,
    /// The references tagged on this engine (`path:tag`, or
    /// `image_name:tag` without registries).
    pub local_refs: Vec<String>,
    pub stages: Vec<StageRecord>,
}
