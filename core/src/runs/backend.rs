//! The seam between the run manager and where a build executes. The
//! manager owns the lock, the builder queues, cancel, timeout, the live log
//! and the run records; a [`Backend`] only executes one prepared job and
//! reports through the sink it is given. The real backend
//! ([`super::execute::Dispatch`]) sends the job to the builder's engine
//! (Local), agent (Server) or EC2 instance (Aws); tests script a fake one
//! (`runs/tests/fake.rs`), so the manager's behaviour is tested in process
//! in milliseconds.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use kiln_engine::{BuildJob, LogSink, RunResult};
use tokio_util::sync::CancellationToken;

use super::job::ResolvedBuilder;

/// A boxed, sendable future: what [`Backend::execute`] returns, so the
/// trait stays object-safe (`Arc<dyn Backend>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How long a cancelled (or timed-out) run's work may take to stop before
/// the run ends without it, for the real backend: 10 seconds. Longer than
/// the engine's own [`kiln_engine::STOP_GRACE`] (5 s) and the agent's cancel
/// grace (7 s, `remote.rs`), so those report their stages first; this
/// bounds every other wait (an EC2 call, a termination's retries).
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// Executes a run's prepared job on a builder.
///
/// The run manager calls [`Backend::execute`] once per run, in a task of
/// its own, after the run has its builder slot and is recorded running.
/// The backend reports stages and lines through `sink` as they happen and
/// answers the engine's [`RunResult`]; it never fails otherwise (a problem
/// reaching the builder is a [`RunResult::Failed`] naming it).
///
/// Cancel (the user's, or the manager's timer at the build's
/// `timeout_seconds`) is signalled on `cancel`; the backend should then end
/// with [`RunResult::Cancelled`] (with the stages so far). One that does
/// not is not waited for beyond [`Backend::stop_grace`]: the manager records
/// the run, releases its lock and builder slot, closes the sink (later
/// calls are dropped) and leaves the future running in the background, so
/// it must be safe to abandon.
pub trait Backend: Send + Sync {
    /// Runs `job` (the prepared job of run `run_id`, whose id is unique on
    /// this server) on `builder`, reporting through `sink`, until it ends
    /// or `cancel` is cancelled.
    fn execute<'a>(
        &'a self,
        builder: &'a ResolvedBuilder,
        run_id: i64,
        job: BuildJob,
        sink: Arc<dyn LogSink>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, RunResult>;

    /// How long the manager waits, after cancelling a run, for
    /// [`Backend::execute`] to end before it records the run without it.
    /// [`STOP_GRACE`] (10 s) unless the backend stops faster.
    fn stop_grace(&self) -> Duration {
        STOP_GRACE
    }
}
