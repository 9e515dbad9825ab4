//! Build runs: their status, stage records and pushed images.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a run is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    Success,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Success => "success",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Running,
            Self::Success,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// Queued or running: the run still holds its build's lock.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stage of a run (Komodo's log record), with secrets already redacted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRecord {
    pub stage: String,
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub success: bool,
    /// Unix milliseconds.
    pub start_ms: i64,
    pub end_ms: i64,
}

/// The tags a run pushed to one registry image, and the manifest digest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushedImage {
    pub domain: String,
    /// Full repository path, e.g. `ghcr.io/acme/api`.
    pub image: String,
    pub tags: Vec<String>,
    pub digest: String,
}

/// A run as stored and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: i64,
    pub build_name: String,
    pub builder: String,
    /// Who or what started it ("manual", "api", "webhook", ...).
    pub trigger: String,
    pub status: RunStatus,
    pub version: String,
    pub commit: String,
    pub short_commit: String,
    /// Why it failed or was cancelled; empty on success.
    pub error: String,
    pub image_id: String,
    pub image_size: i64,
    pub pushed: Vec<PushedImage>,
    pub stages: Vec<StageRecord>,
    pub created_ms: i64,
    pub started_ms: Option<i64>,
    pub ended_ms: Option<i64>,
}

impl Run {
    /// Run time in milliseconds, once it has started (up to now if still running).
    pub fn duration_ms(&self, now_ms: i64) -> Option<i64> {
        let start = self.started_ms?;
        Some(self.ended_ms.unwrap_or(now_ms) - start)
    }
}

/// Which output stream a log line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One line of a run's live log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub seq: u64,
    pub stage: String,
    pub stream: Stream,
    pub text: String,
    pub ts_ms: i64,
}
