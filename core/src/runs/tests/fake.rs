//! A scripted [`Backend`] for the run manager's in-process tests: each
//! build gets a [`Script`] of steps (stages, lines, work that honours or
//! ignores cancel, gates the test opens, hangs) and an end.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiln_domain::{Stream, Version};
use kiln_engine::{BuildJob, BuildOutput, LogSink, RunResult, StageRecord};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::runs::backend::{Backend, BoxFuture};
use crate::runs::job::ResolvedBuilder;
use crate::runs::now_ms;

/// One thing the fake does, in order.
#[derive(Clone)]
pub enum Step {
    /// Starts a stage (command `fake <name>`).
    Stage(&'static str),
    /// A stdout line in the open stage.
    Line(&'static str),
    /// Finishes the open stage, successful or not.
    Finish(bool),
    /// Works for this many milliseconds; a cancel ends the run cancelled.
    Work(u64),
    /// Works for this many milliseconds, ignoring cancel.
    Stall(u64),
    /// Waits for the test to open the gate; a cancel ends the run cancelled.
    Gate(Arc<Notify>),
    /// Waits for the cancel, then ends the run cancelled.
    UntilCancelled,
    /// Never ends, ignoring cancel (a hung clone, push or agent).
    Hang,
}

/// How a script ends once its steps are done.
#[derive(Clone)]
pub enum End {
    Success,
    Fail(&'static str),
}

/// What the fake does for one build's runs.
#[derive(Clone)]
pub struct Script {
    pub steps: Vec<Step>,
    pub end: End,
}

impl Script {
    pub fn new(steps: Vec<Step>, end: End) -> Self {
        Self { steps, end }
    }

    /// Succeeds at once.
    pub fn success() -> Self {
        Self::new(Vec::new(), End::Success)
    }

    /// Waits for `gate` (or a cancel), then succeeds.
    pub fn gated(gate: &Arc<Notify>) -> Self {
        Self::new(vec![Step::Gate(gate.clone())], End::Success)
    }
}

/// A job the fake was given.
#[derive(Clone, Debug)]
pub struct Started {
    pub build: String,
    pub run_id: i64,
    pub version: Version,
}

/// The scripted backend. Builds without a script succeed at once.
pub struct Fake {
    scripts: Mutex<HashMap<String, Script>>,
    started: Mutex<Vec<Started>>,
    grace: Duration,
}

impl Fake {
    /// A fake whose runs get `grace` to stop after a cancel.
    pub fn new(grace: Duration) -> Arc<Self> {
        Arc::new(Self {
            scripts: Mutex::new(HashMap::new()),
            started: Mutex::new(Vec::new()),
            grace,
        })
    }

    /// Scripts the next runs of `build`.
    pub fn script(&self, build: &str, script: Script) {
        self.scripts
            .lock()
            .unwrap()
            .insert(build.to_string(), script);
    }

    /// The jobs executed so far, in order.
    pub fn started(&self) -> Vec<Started> {
        self.started.lock().unwrap().clone()
    }

    /// The builds whose jobs were executed, in order.
    pub fn started_builds(&self) -> Vec<String> {
        self.started().into_iter().map(|s| s.build).collect()
    }

    /// Waits (at most 3 s) until `n` jobs have been executed.
    pub async fn wait_started(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        while self.started.lock().unwrap().len() < n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{n} runs should have started; started: {:?}",
                self.started_builds()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn run(
        &self,
        job: BuildJob,
        run_id: i64,
        sink: Arc<dyn LogSink>,
        cancel: CancellationToken,
    ) -> RunResult {
        let script = self
            .scripts
            .lock()
            .unwrap()
            .get(&job.build_name)
            .cloned()
            .unwrap_or_else(Script::success);
        self.started.lock().unwrap().push(Started {
            build: job.build_name.clone(),
            run_id,
            version: job.version,
        });
        let mut stages = Vec::new();
        let mut open: Option<StageRecord> = None;
        let cancelled = |stages: &Vec<StageRecord>| RunResult::Cancelled {
            stages: stages.clone(),
        };
        for step in script.steps {
            match step {
                Step::Stage(name) => {
                    let command = format!("fake {name}");
                    sink.stage_started(name, &command);
                    open = Some(StageRecord {
                        stage: name.to_string(),
                        command,
                        stdout: String::new(),
                        stderr: String::new(),
                        success: false,
                        start_ms: now_ms(),
                        end_ms: 0,
                    });
                }
                Step::Line(text) => {
                    let stage = open.as_ref().map(|s| s.stage.clone()).unwrap_or_default();
                    sink.line(&stage, Stream::Stdout, text);
                    if let Some(open) = open.as_mut() {
                        open.stdout.push_str(text);
                        open.stdout.push('\n');
                    }
                }
                Step::Finish(success) => {
                    let mut record = open.take().expect("a stage to finish");
                    record.success = success;
                    record.end_ms = now_ms();
                    sink.stage_finished(&record);
                    stages.push(record);
                }
                Step::Work(ms) => {
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_millis(ms)) => {}
                        () = cancel.cancelled() => return cancelled(&stages),
                    }
                }
                Step::Stall(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
                Step::Gate(gate) => {
                    tokio::select! {
                        () = gate.notified() => {}
                        () = cancel.cancelled() => return cancelled(&stages),
                    }
                }
                Step::UntilCancelled => {
                    cancel.cancelled().await;
                    return cancelled(&stages);
                }
                Step::Hang => std::future::pending::<()>().await,
            }
        }
        match script.end {
            End::Success => RunResult::Success(BuildOutput {
                commit: None,
                short_commit: None,
                image_id: format!("sha256:fake-{run_id}"),
                size: 1,
                pushed: Vec::new(),
                local_refs: Vec::new(),
                stages,
            }),
            End::Fail(error) => RunResult::Failed {
                error: error.to_string(),
                stages,
            },
        }
    }
}

impl Backend for Fake {
    fn execute<'a>(
        &'a self,
        _builder: &'a ResolvedBuilder,
        run_id: i64,
        job: BuildJob,
        sink: Arc<dyn LogSink>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, RunResult> {
        Box::pin(self.run(job, run_id, sink, cancel.clone()))
    }

    fn stop_grace(&self) -> Duration {
        self.grace
    }
}
