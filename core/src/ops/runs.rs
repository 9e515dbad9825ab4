//! Runs: start, cancel, read, and their logs (whole or followed live).

use crate::runs::{read_log_file, LogEvent, RunManager};
use crate::{Actor, CoreError, Kiln};
use kiln_api::RunView;
use kiln_domain::access::Level;
use kiln_domain::sync::ResourceKind;
use kiln_domain::{LogLine, Run};
use tokio::sync::broadcast;

/// A run's log as a follower sees it: every line so far, then (while the
/// run is live) a receiver of the lines still to come and its end.
#[derive(Debug)]
pub struct LogFollow {
    /// Every line printed so far.
    pub past: Vec<LogLine>,
    /// What comes next; None once the run has ended.
    pub live: Option<broadcast::Receiver<LogEvent>>,
}

impl Kiln {
    /// Starts a run of `build` in the background and answers its record
    /// (queued). The run records what started it from the actor
    /// ([`Actor::trigger`]), never from a request body. Refused (409) while
    /// the build has a live run.
    pub async fn start_run(&self, actor: &Actor, build: &str) -> Result<RunView, CoreError> {
        self.require(actor, ResourceKind::Build, build, Level::Execute)
            .await?;
        let run = self.runs().start(build, &actor.trigger().label()).await?;
        Ok(view(self.runs(), run))
    }

    /// Asks a live run to stop; it ends as cancelled (409 if it is not live).
    pub async fn cancel_run(&self, actor: &Actor, run_id: i64) -> Result<(), CoreError> {
        self.require_run(actor, run_id, Level::Execute).await?;
        Ok(self.runs().cancel(run_id).await?)
    }

    /// The newest `limit` runs of `build`, newest first.
    pub async fn runs_of_build(
        &self,
        actor: &Actor,
        build: &str,
        limit: u64,
    ) -> Result<Vec<RunView>, CoreError> {
        self.require(actor, ResourceKind::Build, build, Level::Read)
            .await?;
        let runs = self.store().runs_of_build(build, limit).await?;
        Ok(runs.into_iter().map(|run| view(self.runs(), run)).collect())
    }

    /// One run.
    pub async fn run(&self, actor: &Actor, run_id: i64) -> Result<RunView, CoreError> {
        let run = self.require_run(actor, run_id, Level::Read).await?;
        Ok(view(self.runs(), run))
    }

    /// The log lines of a run printed so far (all of them once it has ended).
    pub async fn run_log(&self, actor: &Actor, run_id: i64) -> Result<Vec<LogLine>, CoreError> {
        Ok(self.follow_run_log(actor, run_id).await?.past)
    }

    /// A run's log to follow live (the JSON API's Server-Sent Events): the
    /// past lines, and the rest as they come while the run is live.
    pub async fn follow_run_log(&self, actor: &Actor, run_id: i64) -> Result<LogFollow, CoreError> {
        self.require_run(actor, run_id, Level::Read).await?;
        match self.runs().follow(run_id) {
            Some(follow) if !follow.ended => Ok(LogFollow {
                past: follow.past,
                live: Some(follow.next),
            }),
            Some(follow) => Ok(LogFollow {
                past: follow.past,
                live: None,
            }),
            None => {
                let past = read_log_file(self.runs().log_dir(), run_id).map_err(|e| {
                    CoreError::internal(&format!("cannot read the log of run {run_id}: {e}"))
                })?;
                Ok(LogFollow { past, live: None })
            }
        }
    }
}

impl Kiln {
    /// Refuses unless `actor` has `need` on the build of run `run_id`;
    /// answers the run. 404 when there is no such run.
    async fn require_run(&self, actor: &Actor, run_id: i64, need: Level) -> Result<Run, CoreError> {
        let run = self.store().run(run_id).await?;
        self.require(actor, ResourceKind::Build, &run.build_name, need)
            .await?;
        Ok(run)
    }
}

/// A run with its place in its builder's queue.
pub(crate) fn view(runs: &RunManager, run: Run) -> RunView {
    RunView {
        queue_position: runs.queue_position(&run),
        run,
    }
}
