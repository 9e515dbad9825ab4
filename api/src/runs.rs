//! Runs as the UI shows them.

use kiln_domain::{LogLine, Run, RunStatus};
use serde::{Deserialize, Serialize};

/// A run with what only the live server knows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub run: Run,
    /// 1-based place in its builder's queue while queued.
    pub queue_position: Option<usize>,
}

/// The last run of a build, for the builds list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunBrief {
    pub id: i64,
    pub status: RunStatus,
    pub version: String,
    /// When it ended, or was created if still live (Unix ms).
    pub at_ms: i64,
}

impl RunBrief {
    pub fn of(run: &Run) -> Self {
        Self {
            id: run.id,
            status: run.status,
            version: run.version.clone(),
            at_ms: run.ended_ms.unwrap_or(run.created_ms),
        }
    }
}

/// A build's run history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunsOfBuild {
    pub runs: Vec<RunView>,
    pub now_ms: i64,
}

/// Everything the run page shows when it is first rendered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunPageData {
    pub run: RunView,
    pub log: Vec<LogLine>,
    pub now_ms: i64,
}

/// A run as the JSON API shows it: the record's fields at the top level,
/// with its place in the queue and how long it has taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunJson {
    #[serde(flatten)]
    pub run: Run,
    /// 1-based place in the builder's queue while queued.
    pub queue_position: Option<usize>,
    /// Milliseconds since it started (until it ended); None before it starts.
    pub duration_ms: Option<i64>,
}

impl RunJson {
    /// `view` with its duration measured at `now_ms`.
    pub fn of(view: RunView, now_ms: i64) -> Self {
        Self {
            duration_ms: view.run.duration_ms(now_ms),
            queue_position: view.queue_position,
            run: view.run,
        }
    }
}
