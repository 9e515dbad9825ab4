use super::backend::Backend;
use super::execute::Dispatch;
use super::job::{job_for, ResolvedBuilder};
use super::log::{Follow, RunLog};
use crate::Actor;
use kiln_domain::history::{Author, Door};
use kiln_domain::{Run, RunStatus, StageRecord, Stream, Version};
use kiln_engine::{LogSink, RunResult};
use kiln_store::{NewRun, RunEnd, Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};
use tokio_util::sync::CancellationToken;

/// Where runs keep their files, and how they reach Docker.
#[derive(Clone, Debug)]
pub struct RunSettings {
    /// `runs/<id>.log` files.
    pub log_dir: PathBuf,
    /// Fresh build directories (removed after each run).
    pub work_dir: PathBuf,
    /// One clone cache per build.
    pub cache_dir: PathBuf,
    /// Root for relative `build_path`s of files-on-host builds.
    pub host_builds_dir: PathBuf,
    /// DOCKER_HOST for the Local builder (None: the default socket).
    pub docker_host: Option<String>,
    /// Where runs, alerts and health checks may connect on a user's say-so
    /// (`kiln_engine::net_policy`; the admin settings
    /// `KILN_ALLOW_LOOPBACK_TARGETS`, `KILN_ALLOW_PLAIN_HTTP_AGENTS`).
    pub outbound: kiln_engine::NetPolicy,
}

/// Why a run could not be started, found or cancelled.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("build '{build}' is already running (run {run_id})")]
    AlreadyRunning { build: String, run_id: i64 },
    #[error("run {0} is not running")]
    NotLive(i64),
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Starts, tracks and cancels runs. Cheap to clone.
#[derive(Clone)]
pub struct RunManager {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    settings: RunSettings,
    /// The build lock: build name → its live run.
    live: Mutex<HashMap<String, LiveRun>>,
    logs: Mutex<HashMap<i64, Arc<RunLog>>>,
    /// Per builder: how many runs may go at once, and who waits (run ids in order).
    queues: Mutex<HashMap<String, BuilderQueue>>,
    observers: Mutex<Vec<Arc<dyn RunObserver>>>,
    /// Executes each run's job where its builder says.
    backend: Arc<dyn Backend>,
}

/// Overrides for one run (webhook tag pushes); the default changes nothing.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    /// Build this version instead of the build's (bumped) one. After a
    /// success it is saved only when auto-increment is on and it is newer.
    pub version: Option<Version>,
    /// Check out this commit instead of the build's `commit` (or branch head).
    pub commit: Option<String>,
}

/// Told about every run that ends (alerts, metrics). Must not block.
pub trait RunObserver: Send + Sync {
    fn run_finished(&self, run: &Run);
}

struct LiveRun {
    run_id: i64,
    cancel: CancellationToken,
}

#[derive(Clone)]
struct BuilderQueue {
    slots: Arc<Semaphore>,
    waiting: Arc<Mutex<Vec<i64>>>,
}

impl std::fmt::Debug for RunManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunManager").finish_non_exhaustive()
    }
}

impl RunManager {
    /// A manager of runs recorded in `store`, with files under `settings`'
    /// directories, executing each job on its builder's engine, agent or
    /// EC2 instance (the real [`Backend`]); `ec2` runs builds on Aws
    /// builders (None: their runs fail, saying so).
    pub fn new(store: Store, settings: RunSettings, ec2: Option<crate::aws::Ec2Builders>) -> Self {
        Self::with_backend(store, settings, Arc::new(Dispatch { ec2 }))
    }

    /// A manager like [`Self::new`] whose runs' jobs are executed by
    /// `backend` (the in-process tests give it a scripted fake). The lock,
    /// queues, cancel, timeout, live log and run records are the same.
    pub fn with_backend(store: Store, settings: RunSettings, backend: Arc<dyn Backend>) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                settings,
                live: Mutex::new(HashMap::new()),
                logs: Mutex::new(HashMap::new()),
                queues: Mutex::new(HashMap::new()),
                observers: Mutex::new(Vec::new()),
                backend,
            }),
        }
    }

    /// Adds an observer of finished runs.
    pub fn observe(&self, observer: Arc<dyn RunObserver>) {
        if let Ok(mut observers) = self.inner.observers.lock() {
            observers.push(observer);
        }
    }

    /// Newest wins: cancels the build's live run (if any), waits up to `wait`
    /// for it to end, then starts a new run with [`StartOptions`].
    pub async fn start_replacing_with(
        &self,
        build_name: &str,
        trigger: &str,
        wait: std::time::Duration,
        options: StartOptions,
    ) -> Result<Run, RunError> {
        if let Some(run_id) = self.live_run_of(build_name) {
            if let Some(token) = self.token_of(run_id) {
                token.cancel();
            }
            let deadline = tokio::time::Instant::now() + wait;
            while self.live_run_of(build_name).is_some() && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
        self.start_with(build_name, trigger, options).await
    }

    /// Starts a run of `build_name` in the background and returns its record
    /// (queued). Refused while the build has a live run.
    pub async fn start(&self, build_name: &str, trigger: &str) -> Result<Run, RunError> {
        self.start_with(build_name, trigger, StartOptions::default())
            .await
    }

    /// [`Self::start`] with [`StartOptions`] (an explicit version or commit).
    pub async fn start_with(
        &self,
        build_name: &str,
        trigger: &str,
        options: StartOptions,
    ) -> Result<Run, RunError> {
        let store = &self.inner.store;
        let stored = store.build_revised(build_name).await?;
        let build_id = stored.id;
        let mut build = stored.value;
        if let Some(commit) = options.commit {
            build.config.commit = commit;
        }
        let catalog = store.catalog().await?;
        let builder =
            ResolvedBuilder::for_build(&build, &catalog).map_err(RunError::Unsupported)?;
        let version = match options.version {
            Some(version) => version,
            None if build.config.auto_increment_version => build.config.version.bump_patch(),
            None => build.config.version,
        };

        if let Some(run_id) = self.live_run_of(build_name) {
            return Err(RunError::AlreadyRunning {
                build: build_name.to_string(),
                run_id,
            });
        }
        let run = store
            .create_run(NewRun {
                build_id,
                build_name: build_name.to_string(),
                builder: builder.name.clone(),
                trigger: trigger.to_string(),
                version,
            })
            .await?;
        let cancel = CancellationToken::new();
        if let Err(run_id) = self.claim(build_name, run.id, &cancel) {
            let end = ended(
                RunStatus::Failed,
                format!("build was already running (run {run_id})"),
                Vec::new(),
            );
            store.finish_run(run.id, end).await?;
            return Err(RunError::AlreadyRunning {
                build: build_name.to_string(),
                run_id,
            });
        }

        let log = match RunLog::create(&self.inner.settings.log_dir, run.id) {
            Ok(log) => Arc::new(log),
            Err(e) => {
                self.release(build_name);
                let end = ended(
                    RunStatus::Failed,
                    format!("cannot create the run log: {e}"),
                    Vec::new(),
                );
                store.finish_run(run.id, end).await?;
                return Ok(store.run(run.id).await?);
            }
        };
        if let Ok(mut logs) = self.inner.logs.lock() {
            logs.insert(run.id, log.clone());
        }
        let queue = self.queue_for(&builder);
        if let Ok(mut waiting) = queue.waiting.lock() {
            waiting.push(run.id);
        }
        let manager = self.clone();
        let run_id = run.id;
        tokio::spawn(async move {
            manager
                .execute(run_id, build, builder, version, queue, log, cancel)
                .await;
        });
        Ok(run)
    }

    /// Asks a live run to stop; it ends as cancelled.
    pub async fn cancel(&self, run_id: i64) -> Result<(), RunError> {
        let token = self.token_of(run_id);
        match token {
            Some(token) => {
                token.cancel();
                Ok(())
            }
            None => {
                self.inner.store.run(run_id).await?;
                Err(RunError::NotLive(run_id))
            }
        }
    }

    /// 1-based place in its builder's queue, for a queued run.
    pub fn queue_position(&self, run: &Run) -> Option<usize> {
        if run.status != RunStatus::Queued {
            return None;
        }
        let queues = self.inner.queues.lock().ok()?;
        let queue = queues.get(&run.builder)?;
        let waiting = queue.waiting.lock().ok()?;
        waiting.iter().position(|id| *id == run.id).map(|p| p + 1)
    }

    /// The live log of a run still in memory (None once it has ended).
    pub fn follow(&self, run_id: i64) -> Option<Follow> {
        let logs = self.inner.logs.lock().ok()?;
        logs.get(&run_id).map(|log| log.follow())
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Root for relative `build_path`s of files-on-host builds (Local).
    pub fn host_builds_dir(&self) -> &std::path::Path {
        &self.inner.settings.host_builds_dir
    }

    /// Where the Local builder keeps each build's clone cache.
    pub fn cache_dir(&self) -> &std::path::Path {
        &self.inner.settings.cache_dir
    }

    /// Where each run's `<id>.log` is kept.
    pub fn log_dir(&self) -> &std::path::Path {
        &self.inner.settings.log_dir
    }

    fn queue_for(&self, builder: &ResolvedBuilder) -> BuilderQueue {
        let mut queues = match self.inner.queues.lock() {
            Ok(q) => q,
            Err(poisoned) => poisoned.into_inner(),
        };
        queues
            .entry(builder.name.clone())
            .or_insert_with(|| BuilderQueue {
                slots: Arc::new(Semaphore::new(builder.max_parallel.max(1))),
                waiting: Arc::new(Mutex::new(Vec::new())),
            })
            .clone()
    }

    fn token_of(&self, run_id: i64) -> Option<CancellationToken> {
        let live = self.inner.live.lock().ok()?;
        live.values()
            .find(|l| l.run_id == run_id)
            .map(|l| l.cancel.clone())
    }

    /// The clone cache directory of the build called `build_name`.
    pub fn cache_dir_of(&self, build_name: &str) -> PathBuf {
        self.inner
            .settings
            .cache_dir
            .join(super::job::cache_name(build_name))
    }

    /// The build's live (queued or running) run, if any.
    pub fn live_run_of(&self, build_name: &str) -> Option<i64> {
        let live = self.inner.live.lock().ok()?;
        live.get(build_name).map(|l| l.run_id)
    }

    /// Takes the build's lock for `run_id`; `Err` names the run holding it.
    fn claim(&self, build_name: &str, run_id: i64, cancel: &CancellationToken) -> Result<(), i64> {
        let mut live = match self.inner.live.lock() {
            Ok(live) => live,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(existing) = live.get(build_name) {
            return Err(existing.run_id);
        }
        live.insert(
            build_name.to_string(),
            LiveRun {
                run_id,
                cancel: cancel.clone(),
            },
        );
        Ok(())
    }

    fn release(&self, build_name: &str) {
        if let Ok(mut live) = self.inner.live.lock() {
            live.remove(build_name);
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn execute(
        &self,
        run_id: i64,
        build: kiln_domain::Build,
        builder: ResolvedBuilder,
        version: Version,
        queue: BuilderQueue,
        log: Arc<RunLog>,
        cancel: CancellationToken,
    ) {
        let store = self.inner.store.clone();
        let build_name = build.name.to_string();
        let permit = tokio::select! {
            permit = queue.slots.clone().acquire_owned() => permit.ok(),
            _ = cancel.cancelled() => None,
        };
        if let Ok(mut waiting) = queue.waiting.lock() {
            waiting.retain(|id| *id != run_id);
        }
        let end = match permit {
            None => ended(
                RunStatus::Cancelled,
                "cancelled while queued".to_string(),
                Vec::new(),
            ),
            Some(_permit) => {
                self.run_now(run_id, &build, &builder, version, &log, &cancel)
                    .await
            }
        };
        let succeeded = end.status == RunStatus::Success;
        let finished = match store.finish_run(run_id, end).await {
            Ok(run) => Some(run),
            Err(e) => {
                tracing::error!(run_id, error = %e, "cannot record the end of a run");
                None
            }
        };
        if succeeded && build.config.auto_increment_version && version > build.config.version {
            let author = Author::new(Actor::System.name(), Door::Run);
            if let Err(e) = store.set_build_version(&build_name, version, &author).await {
                tracing::error!(build = %build_name, error = %e, "cannot save the new version");
            }
        }
        log.end();
        if let Ok(mut logs) = self.inner.logs.lock() {
            logs.remove(&run_id);
        }
        self.release(&build_name);
        if let Some(run) = finished {
            let observers = self
                .inner
                .observers
                .lock()
                .map(|o| o.clone())
                .unwrap_or_default();
            for observer in observers {
                observer.run_finished(&run);
            }
        }
    }

    async fn run_now(
        &self,
        run_id: i64,
        build: &kiln_domain::Build,
        builder: &ResolvedBuilder,
        version: Version,
        log: &Arc<RunLog>,
        cancel: &CancellationToken,
    ) -> RunEnd {
        let store = &self.inner.store;
        if let Err(e) = store.start_run(run_id, &version).await {
            return ended(RunStatus::Failed, format!("cannot start: {e}"), Vec::new());
        }
        let catalog = match store.catalog().await {
            Ok(c) => c,
            Err(e) => {
                return ended(
                    RunStatus::Failed,
                    format!("cannot read resources: {e}"),
                    Vec::new(),
                )
            }
        };
        let job = job_for(build, builder, version, &catalog, &self.inner.settings);
        let (stage_tx, stage_rx) = mpsc::unbounded_channel();
        let saver = tokio::spawn(save_stages(store.clone(), run_id, stage_rx));
        let sink = Arc::new(RunSink {
            log: log.clone(),
            state: Mutex::new(SinkState {
                stages: Some(stage_tx),
                open: None,
            }),
        });

        let timeout = Duration::from_secs(build.config.timeout_seconds);
        let timed_out = CancellationToken::new();
        let timer = {
            let cancel = cancel.clone();
            let timed_out = timed_out.clone();
            tokio::spawn(async move {
                tokio::time::sleep(timeout).await;
                timed_out.cancel();
                cancel.cancel();
            })
        };
        // The work runs in a task of its own, so the run can end without it:
        // once cancelled (by the user or the timer) it gets the backend's
        // stop grace, then the run is recorded and its lock and builder slot
        // released while whatever it still waits on ends in the background.
        let backend = self.inner.backend.clone();
        let grace = backend.stop_grace();
        let mut work = {
            let (builder, cancel) = (builder.clone(), cancel.clone());
            let sink: Arc<dyn LogSink> = sink.clone();
            tokio::spawn(async move { backend.execute(&builder, run_id, job, sink, &cancel).await })
        };
        let joined = tokio::select! {
            joined = &mut work => Some(joined),
            () = cancel.cancelled() => {
                // A cancel during the grace stays a cancel, not a timeout.
                timer.abort();
                tokio::time::timeout(grace, &mut work).await.ok()
            }
        };
        timer.abort();
        if joined.is_none() {
            let note = format!(
                "the run did not stop within {} of the cancel: it ends here, and what it still waits on is abandoned",
                seconds(grace)
            );
            tracing::warn!(run_id, "{note}");
            sink.abandon_open_stage(&note);
        }
        // Nothing the abandoned work still sends reaches this run any more;
        // the saver ends once the stages already sent are saved.
        sink.close();
        let saved = saver.await.unwrap_or_default();
        let result = match joined {
            Some(Ok(result)) => result,
            Some(Err(e)) => RunResult::Failed {
                error: format!("the run's task failed: {e}"),
                stages: saved,
            },
            None => RunResult::Cancelled { stages: saved },
        };
        match result {
            RunResult::Success(out) => RunEnd {
                status: RunStatus::Success,
                error: String::new(),
                commit: out.commit.unwrap_or_default(),
                short_commit: out.short_commit.unwrap_or_default(),
                image_id: out.image_id,
                image_size: out.size,
                pushed: out.pushed,
                stages: out.stages,
            },
            RunResult::Cancelled { stages } if timed_out.is_cancelled() => ended(
                RunStatus::Failed,
                format!("timed out after {} s (timeout_seconds)", timeout.as_secs()),
                stages,
            ),
            RunResult::Cancelled { stages } => {
                ended(RunStatus::Cancelled, "cancelled".to_string(), stages)
            }
            RunResult::Failed { error, stages } => ended(RunStatus::Failed, error, stages),
        }
    }
}

fn ended(status: RunStatus, error: String, stages: Vec<StageRecord>) -> RunEnd {
    RunEnd {
        status,
        error,
        commit: String::new(),
        short_commit: String::new(),
        image_id: String::new(),
        image_size: 0,
        pushed: Vec::new(),
        stages,
    }
}

/// `d` in words: "10 s" for whole seconds, else "0.3 s".
fn seconds(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Feeds engine output into the run's log and stage records until the run
/// ends ([`RunSink::close`]).
struct RunSink {
    log: Arc<RunLog>,
    state: Mutex<SinkState>,
}

struct SinkState {
    /// To the saver; None once the run has ended.
    stages: Option<mpsc::UnboundedSender<StageRecord>>,
    /// The stage started last, until it finishes: (name, command, start in
    /// Unix milliseconds).
    open: Option<(String, String, i64)>,
}

impl RunSink {
    fn state(&self) -> std::sync::MutexGuard<'_, SinkState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Ends the run's output: later calls (from work the run abandoned) are
    /// dropped, and the saver stops once it has saved what it got.
    fn close(&self) {
        self.state().stages = None;
    }

    /// Ends the stage in progress (if any) as failed with `note`, in the
    /// log and in the run's records, for a run that ends without its work.
    fn abandon_open_stage(&self, note: &str) {
        let mut state = self.state();
        let Some((stage, command, start_ms)) = state.open.take() else {
            self.log.push("", Stream::Stderr, note);
            return;
        };
        self.log.push(&stage, Stream::Stderr, note);
        let record = StageRecord {
            stage,
            command,
            stdout: String::new(),
            stderr: format!("{note}\n"),
            success: false,
            start_ms,
            end_ms: super::now_ms(),
        };
        if let Some(stages) = &state.stages {
            let _ = stages.send(record);
        }
    }
}

impl LogSink for RunSink {
    fn stage_started(&self, stage: &str, command: &str) {
        let mut state = self.state();
        if state.stages.is_none() {
            return;
        }
        state.open = Some((stage.to_string(), command.to_string(), super::now_ms()));
        self.log
            .push(stage, Stream::Stdout, &format!("$ {command}"));
    }

    fn line(&self, stage: &str, stream: Stream, line: &str) {
        let state = self.state();
        if state.stages.is_some() {
            self.log.push(stage, stream, line);
        }
    }

    fn stage_finished(&self, record: &StageRecord) {
        let mut state = self.state();
        if state
            .open
            .as_ref()
            .is_some_and(|(stage, _, _)| *stage == record.stage)
        {
            state.open = None;
        }
        if let Some(stages) = &state.stages {
            let _ = stages.send(record.clone());
        }
    }
}

/// Persists stage records as each stage ends; returns them all once the
/// sink is closed.
async fn save_stages(
    store: Store,
    run_id: i64,
    mut rx: mpsc::UnboundedReceiver<StageRecord>,
) -> Vec<StageRecord> {
    let mut stages = Vec::new();
    while let Some(stage) = rx.recv().await {
        stages.push(stage);
        if let Err(e) = store.save_stages(run_id, &stages).await {
            tracing::warn!(run_id, error = %e, "cannot save stage records");
        }
    }
    stages
}
