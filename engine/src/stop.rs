//! The bound on a cancelled run: [`crate::run_build`] returns within
//! [`STOP_GRACE`] of the cancel whatever the run waits on (a git server or
//! a Docker engine that never answers), and once it has returned nothing
//! reaches the caller's sink, even from work that goes on in the background.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::output::RunResult;
use crate::stage::{now_ms, LogSink, StageRecord, Stream};

/// How long a cancelled run may take to stop before [`crate::run_build`]
/// abandons what is left of it and returns [`RunResult::Cancelled`]: 5
/// seconds.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Lines of a stage in progress kept for its record, should the run be
/// abandoned before the stage ends.
const OPEN_STAGE_LINES: usize = 200;

/// Drives `run` to its end, or until `grace` after `cancel` (then what is
/// left of it is dropped); then cuts `sink` off from everything that still
/// holds it.
pub(crate) async fn run_bounded(
    run: impl Future<Output = RunResult>,
    sink: &GuardedSink,
    cancel: &CancellationToken,
    grace: Duration,
) -> RunResult {
    let result = {
        tokio::pin!(run);
        tokio::select! {
            result = &mut run => result,
            () = cancel.cancelled() => match tokio::time::timeout(grace, &mut run).await {
                Ok(result) => result,
                Err(_) => sink.abandon(grace),
            },
        }
    };
    sink.detach();
    result
}

/// The caller's sink, held for the run and dropped when the run returns
/// (threads and tasks the run abandoned keep only this wrapper). It also
/// keeps the records of finished stages and the last lines of stages in
/// progress, so an abandoned run still reports its stages.
pub(crate) struct GuardedSink {
    state: Mutex<State>,
}

struct State {
    /// None once the run has returned.
    sink: Option<Arc<dyn LogSink>>,
    finished: Vec<StageRecord>,
    open: Vec<OpenStage>,
}

struct OpenStage {
    stage: String,
    command: String,
    start_ms: i64,
    lines: VecDeque<(Stream, String)>,
}

impl GuardedSink {
    pub(crate) fn new(sink: Arc<dyn LogSink>) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State {
                sink: Some(sink),
                finished: Vec::new(),
                open: Vec::new(),
            }),
        })
    }

    /// Drops the caller's sink: later calls go nowhere.
    fn detach(&self) {
        let mut state = self.state();
        state.sink = None;
        state.open.clear();
        state.finished.clear();
    }

    /// Ends every stage still in progress as failed (telling the sink) and
    /// returns the cancelled result with all the run's stage records.
    fn abandon(&self, grace: Duration) -> RunResult {
        let message = format!(
            "cancelled; the stage did not stop within {:.1} s, so the run stopped waiting for it",
            grace.as_secs_f64()
        );
        let mut state = self.state();
        let open = std::mem::take(&mut state.open);
        for stage in open {
            let (mut stdout, mut stderr) = (String::new(), String::new());
            for (stream, line) in &stage.lines {
                let text = match stream {
                    Stream::Stdout => &mut stdout,
                    Stream::Stderr => &mut stderr,
                };
                text.push_str(line);
                text.push('\n');
            }
            stderr.push_str(&message);
            stderr.push('\n');
            let record = StageRecord {
                stage: stage.stage,
                command: stage.command,
                stdout,
                stderr,
                success: false,
                start_ms: stage.start_ms,
                end_ms: now_ms(),
            };
            if let Some(sink) = &state.sink {
                sink.line(&record.stage, Stream::Stderr, &message);
                sink.stage_finished(&record);
            }
            state.finished.push(record);
        }
        RunResult::Cancelled {
            stages: std::mem::take(&mut state.finished),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Calls are passed on under the lock, so none is still on its way to the
/// caller's sink once [`GuardedSink::detach`] has returned.
impl LogSink for GuardedSink {
    fn stage_started(&self, stage: &str, command: &str) {
        let mut state = self.state();
        let Some(sink) = state.sink.clone() else {
            return;
        };
        state.open.push(OpenStage {
            stage: stage.to_string(),
            command: command.to_string(),
            start_ms: now_ms(),
            lines: VecDeque::new(),
        });
        sink.stage_started(stage, command);
    }

    fn line(&self, stage: &str, stream: Stream, line: &str) {
        let mut state = self.state();
        let Some(sink) = state.sink.clone() else {
            return;
        };
        if let Some(open) = state.open.iter_mut().rev().find(|s| s.stage == stage) {
            if open.lines.len() == OPEN_STAGE_LINES {
                open.lines.pop_front();
            }
            open.lines.push_back((stream, line.to_string()));
        }
        sink.line(stage, stream, line);
    }

    fn stage_finished(&self, record: &StageRecord) {
        let mut state = self.state();
        let Some(sink) = state.sink.clone() else {
            return;
        };
        if let Some(at) = state.open.iter().rposition(|s| s.stage == record.stage) {
            state.open.remove(at);
        }
        state.finished.push(record.clone());
        sink.stage_finished(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Counting {
        calls: Mutex<Vec<String>>,
    }

    impl LogSink for Counting {
        fn stage_started(&self, stage: &str, _: &str) {
            self.push(format!("start {stage}"));
        }
        fn line(&self, stage: &str, _: Stream, line: &str) {
            self.push(format!("{stage}: {line}"));
        }
        fn stage_finished(&self, record: &StageRecord) {
            self.push(format!("end {} {}", record.stage, record.success));
        }
    }

    impl Counting {
        fn push(&self, call: String) {
            self.calls.lock().expect("calls").push(call);
        }
        fn calls(&self) -> Vec<String> {
            self.calls.lock().expect("calls").clone()
        }
    }

    #[tokio::test]
    async fn a_run_that_ignores_the_cancel_is_abandoned_after_the_grace() {
        let counting = Arc::new(Counting::default());
        let guarded = GuardedSink::new(counting.clone());
        let cancel = CancellationToken::new();
        let stuck = {
            let guarded = Arc::clone(&guarded);
            async move {
                guarded.stage_started("Tag", "docker tag");
                guarded.line("Tag", Stream::Stdout, "tagging");
                std::future::pending::<RunResult>().await
            }
        };
        cancel.cancel();
        let grace = Duration::from_millis(200);
        let started = std::time::Instant::now();
        let result = run_bounded(stuck, &guarded, &cancel, grace).await;
        let took = started.elapsed();
        assert!(took >= grace && took < grace * 10, "{took:?}");
        let RunResult::Cancelled { stages } = result else {
            panic!("cancelled");
        };
        assert_eq!(stages.len(), 1);
        assert_eq!(stages[0].stage, "Tag");
        assert!(!stages[0].success);
        assert_eq!(stages[0].stdout, "tagging\n");
        assert!(stages[0].stderr.contains("did not stop within 0.2 s"));
        let calls = counting.calls();
        assert_eq!(calls.last().map(String::as_str), Some("end Tag false"));
        // Whatever still holds the wrapper no longer reaches the sink.
        guarded.line("Tag", Stream::Stdout, "late");
        assert_eq!(counting.calls(), calls);
        assert_eq!(Arc::strong_count(&counting), 1);
    }

    #[tokio::test]
    async fn a_run_that_ends_keeps_its_own_result() {
        let counting = Arc::new(Counting::default());
        let guarded = GuardedSink::new(counting.clone());
        let cancel = CancellationToken::new();
        let result = run_bounded(
            async {
                RunResult::Failed {
                    error: "no".to_string(),
                    stages: Vec::new(),
                }
            },
            &guarded,
            &cancel,
            STOP_GRACE,
        )
        .await;
        assert!(matches!(result, RunResult::Failed { .. }));
        assert_eq!(Arc::strong_count(&counting), 1);
    }
}
