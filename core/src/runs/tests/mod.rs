//! The run manager in process, over a scripted fake [`Backend`]
//! (`fake.rs`) and a temporary SQLite store: the build lock, the builder
//! queues, cancel, timeout, restart, version saving and observers. Each
//! test takes well under two seconds; the real engine, agents and EC2 are
//! covered by `server/tests` against real services.
//!
//! [`Backend`]: super::backend::Backend

mod fake;

use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_domain::history::Author;
use kiln_domain::{Run, RunStatus};
use kiln_store::{sqlite_url_in, SecretCipher, Store, INTERRUPTED};
use tempfile::TempDir;
use tokio::sync::{mpsc, Notify};

use self::fake::{End, Fake, Script, Step};
use super::{read_log_file, RunError, RunManager, RunObserver, RunSettings};

/// The stop grace the fake gives its runs: short, so a run whose work
/// ignores the cancel ends quickly.
const GRACE: Duration = Duration::from_millis(300);

/// The catalog every test starts from: builds `a`, `b`, `c` on builder
/// `solo` (one run at a time), `free` on the built-in Local builder, and
/// `quick` with the smallest timeout the domain allows (1 s).
const CATALOG: &str = r#"
[[builder]]
name = "solo"
[builder.config]
type = "Local"
params.max_parallel = 1

[[build]]
name = "a"
[build.config]
builder = "solo"
version = "1.2.3"

[[build]]
name = "b"
[build.config]
builder = "solo"

[[build]]
name = "c"
[build.config]
builder = "solo"

[[build]]
name = "free"
[build.config]
version = "1.2.3"

[[build]]
name = "quick"
[build.config]
timeout_seconds = 1

[[build]]
name = "stubborn"
[build.config]
timeout_seconds = 1
"#;

/// Tells the test about every finished run, in order.
struct Ends(mpsc::UnboundedSender<Run>);

impl RunObserver for Ends {
    fn run_finished(&self, run: &Run) {
        let _ = self.0.send(run.clone());
    }
}

struct Harness {
    dir: TempDir,
    store: Store,
    fake: Arc<Fake>,
    runs: RunManager,
    ends: mpsc::UnboundedReceiver<Run>,
}

fn settings(dir: &TempDir) -> RunSettings {
    RunSettings {
        log_dir: dir.path().join("runs"),
        work_dir: dir.path().join("work"),
        cache_dir: dir.path().join("cache"),
        host_builds_dir: dir.path().join("builds"),
        docker_host: None,
        outbound: kiln_engine::NetPolicy::default(),
    }
}

async fn connect(dir: &TempDir) -> Store {
    Store::connect(
        &sqlite_url_in(dir.path()),
        SecretCipher::from_key(&[42; 32]),
    )
    .await
    .unwrap()
}

/// A manager over a fresh store holding [`CATALOG`] and a fake backend
/// whose runs get [`GRACE`] to stop.
async fn harness() -> Harness {
    harness_with_grace(GRACE).await
}

/// [`harness`] with another stop grace.
async fn harness_with_grace(grace: Duration) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = connect(&dir).await;
    let file = kiln_domain::sync::parse(CATALOG).unwrap();
    store
        .sync(&file, false, false, &Author::system())
        .await
        .unwrap();
    manager_over(dir, store, grace)
}

fn manager_over(dir: TempDir, store: Store, grace: Duration) -> Harness {
    let fake = Fake::new(grace);
    let runs = RunManager::with_backend(store.clone(), settings(&dir), fake.clone());
    let (tx, ends) = mpsc::unbounded_channel();
    runs.observe(Arc::new(Ends(tx)));
    Harness {
        dir,
        store,
        fake,
        runs,
        ends,
    }
}

impl Harness {
    async fn start(&self, build: &str) -> Run {
        self.runs.start(build, "manual").await.unwrap()
    }

    /// The next run observers are told about (within 3 s); by then its
    /// record is written and its lock released.
    async fn next_end(&mut self) -> Run {
        tokio::time::timeout(Duration::from_secs(3), self.ends.recv())
            .await
            .expect("a run should end within 3 s")
            .expect("the manager keeps its observers")
    }

    async fn run(&self, id: i64) -> Run {
        self.store.run(id).await.unwrap()
    }

    async fn status(&self, id: i64) -> RunStatus {
        self.run(id).await.status
    }

    /// No other run has ended (observers are told once per run).
    fn no_more_ends(&mut self) {
        assert!(
            self.ends.try_recv().is_err(),
            "observers are told once per finished run"
        );
    }
}

#[tokio::test]
async fn a_second_start_is_refused_while_the_build_has_a_live_run() {
    let mut h = harness().await;
    let gate = Arc::new(Notify::new());
    h.fake.script("free", Script::gated(&gate));
    let first = h.start("free").await;
    h.fake.wait_started(1).await;
    assert_eq!(h.fake.started()[0].run_id, first.id);

    let refused = h.runs.start("free", "manual").await.unwrap_err();
    assert!(
        matches!(refused, RunError::AlreadyRunning { ref build, run_id } if build == "free" && run_id == first.id),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains(&format!("(run {})", first.id)),
        "the refusal names the live run: {refused}"
    );
    assert_eq!(
        h.store.runs_of_build("free", 10).await.unwrap().len(),
        1,
        "a refused start records no run"
    );
    assert_eq!(h.runs.live_run_of("free"), Some(first.id));

    gate.notify_one();
    let ended = h.next_end().await;
    assert_eq!((ended.id, ended.status), (first.id, RunStatus::Success));
    assert_eq!(h.runs.live_run_of("free"), None, "the lock is released");

    h.fake.script("free", Script::success());
    let again = h.start("free").await;
    assert_ne!(again.id, first.id);
    assert_eq!(h.next_end().await.status, RunStatus::Success);
    h.no_more_ends();
}

#[tokio::test]
async fn of_two_starts_at_once_one_runs_and_the_other_is_refused() {
    let mut h = harness().await;
    let gate = Arc::new(Notify::new());
    h.fake.script("free", Script::gated(&gate));
    let (x, y) = tokio::join!(
        h.runs.start("free", "manual"),
        h.runs.start("free", "webhook")
    );
    let (run, refused) = match (x, y) {
        (Ok(run), Err(refused)) | (Err(refused), Ok(run)) => (run, refused),
        (x, y) => panic!("one start runs, the other is refused: {x:?} {y:?}"),
    };
    assert!(
        matches!(refused, RunError::AlreadyRunning { run_id, .. } if run_id == run.id),
        "{refused:?}"
    );
    gate.notify_one();
    assert_eq!(h.next_end().await.id, run.id);
    assert_eq!(h.fake.started_builds(), ["free"]);
    h.no_more_ends();
}

#[tokio::test]
async fn a_one_slot_builder_runs_builds_one_after_another_in_order() {
    let mut h = harness().await;
    let gates: Vec<Arc<Notify>> = (0..3).map(|_| Arc::new(Notify::new())).collect();
    for (build, gate) in ["a", "b", "c"].iter().zip(&gates) {
        h.fake.script(build, Script::gated(gate));
    }
    let a = h.start("a").await;
    let b = h.start("b").await;
    let c = h.start("c").await;
    h.fake.wait_started(1).await;
    assert_eq!(h.status(a.id).await, RunStatus::Running);
    assert_eq!(h.status(b.id).await, RunStatus::Queued);
    assert_eq!(h.status(c.id).await, RunStatus::Queued);
    assert_eq!(h.runs.queue_position(&h.run(b.id).await), Some(1));
    assert_eq!(h.runs.queue_position(&h.run(c.id).await), Some(2));
    // A queued run holds its build's lock too.
    let refused = h.runs.start("b", "manual").await.unwrap_err();
    assert!(
        matches!(refused, RunError::AlreadyRunning { run_id, .. } if run_id == b.id),
        "{refused:?}"
    );

    gates[0].notify_one();
    assert_eq!(h.next_end().await.id, a.id);
    h.fake.wait_started(2).await;
    assert_eq!(h.status(b.id).await, RunStatus::Running);
    assert_eq!(h.status(c.id).await, RunStatus::Queued);
    assert_eq!(h.runs.queue_position(&h.run(c.id).await), Some(1));

    gates[1].notify_one();
    assert_eq!(h.next_end().await.id, b.id);
    h.fake.wait_started(3).await;
    gates[2].notify_one();
    assert_eq!(h.next_end().await.id, c.id);

    assert_eq!(h.fake.started_builds(), ["a", "b", "c"]);
    let (a, b, c) = (h.run(a.id).await, h.run(b.id).await, h.run(c.id).await);
    assert!(b.started_ms >= a.ended_ms, "b ran after a: {a:?} {b:?}");
    assert!(c.started_ms >= b.ended_ms, "c ran after b: {b:?} {c:?}");
    for run in [a, b, c] {
        assert_eq!(run.status, RunStatus::Success);
    }
    h.no_more_ends();
}

#[tokio::test]
async fn cancelling_a_queued_run_records_it_cancelled_and_frees_its_build() {
    let mut h = harness().await;
    let gate = Arc::new(Notify::new());
    h.fake.script("a", Script::gated(&gate));
    let a = h.start("a").await;
    let b = h.start("b").await;
    h.fake.wait_started(1).await;
    assert_eq!(h.status(b.id).await, RunStatus::Queued);

    h.runs.cancel(b.id).await.unwrap();
    let ended = h.next_end().await;
    assert_eq!(ended.id, b.id);
    assert_eq!(ended.status, RunStatus::Cancelled);
    assert_eq!(ended.error, "cancelled while queued");
    assert_eq!(ended.started_ms, None, "it never ran");
    assert_eq!(h.runs.live_run_of("b"), None, "the lock is released");
    assert_eq!(h.fake.started_builds(), ["a"]);

    // Started again it waits for the slot like any other run.
    let b2 = h.start("b").await;
    assert_eq!(h.runs.queue_position(&h.run(b2.id).await), Some(1));
    gate.notify_one();
    assert_eq!(h.next_end().await.id, a.id);
    let ended = h.next_end().await;
    assert_eq!((ended.id, ended.status), (b2.id, RunStatus::Success));
    assert_eq!(h.fake.started_builds(), ["a", "b"]);
    h.no_more_ends();
}

#[tokio::test]
async fn cancelling_a_running_run_records_it_cancelled_and_frees_its_build() {
    // A long grace, to show a backend that stops is not waited for.
    let grace = Duration::from_secs(10);
    let mut h = harness_with_grace(grace).await;
    h.fake.script(
        "free",
        Script::new(
            vec![
                Step::Stage("Clone"),
                Step::Line("cloning"),
                Step::Finish(true),
                Step::Stage("Build"),
                Step::UntilCancelled,
            ],
            End::Success,
        ),
    );
    let run = h.start("free").await;
    h.fake.wait_started(1).await;
    assert_eq!(h.status(run.id).await, RunStatus::Running);

    let cancelled_at = Instant::now();
    h.runs.cancel(run.id).await.unwrap();
    let ended = h.next_end().await;
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(2),
        "a backend that stops is not waited for beyond its end: {:?}",
        cancelled_at.elapsed()
    );
    assert_eq!(ended.id, run.id);
    assert_eq!(ended.status, RunStatus::Cancelled);
    assert_eq!(ended.error, "cancelled");
    let stages: Vec<_> = ended.stages.iter().map(|s| s.stage.as_str()).collect();
    assert_eq!(stages, ["Clone"], "the finished stage is recorded");
    assert_eq!(h.runs.live_run_of("free"), None, "the lock is released");
    assert!(matches!(
        h.runs.cancel(run.id).await,
        Err(RunError::NotLive(id)) if id == run.id
    ));

    h.fake.script("free", Script::success());
    h.start("free").await;
    assert_eq!(h.next_end().await.status, RunStatus::Success);
    h.no_more_ends();
}

#[tokio::test]
async fn a_run_whose_work_ignores_the_cancel_ends_cancelled_after_the_grace() {
    let mut h = harness().await;
    h.fake.script(
        "a",
        Script::new(
            vec![
                Step::Stage("Push"),
                Step::Line("pushing"),
                Step::Stall(500),
                Step::Line("late line of abandoned work"),
                Step::Hang,
            ],
            End::Success,
        ),
    );
    let run = h.start("a").await;
    h.fake.wait_started(1).await;
    let cancelled_at = Instant::now();
    h.runs.cancel(run.id).await.unwrap();
    let ended = h.next_end().await;
    let took = cancelled_at.elapsed();
    assert!(
        took >= GRACE && took < GRACE + Duration::from_secs(1),
        "ended {took:?} after the cancel, with a grace of {GRACE:?}"
    );
    assert_eq!(ended.status, RunStatus::Cancelled);
    assert_eq!(ended.error, "cancelled");
    let [push] = ended.stages.as_slice() else {
        panic!("the open stage is recorded: {:?}", ended.stages)
    };
    assert_eq!(push.stage, "Push");
    assert!(!push.success);
    assert!(
        push.stderr.contains("did not stop within 0.3 s"),
        "{}",
        push.stderr
    );
    assert_eq!(h.runs.live_run_of("a"), None, "the lock is released");

    // The builder slot is free: `b` (same one-slot builder) runs while
    // `a`'s abandoned work still hangs.
    h.start("b").await;
    assert_eq!(h.next_end().await.status, RunStatus::Success);

    // What the abandoned work says later (500 ms after it started) reaches
    // neither the log nor the run.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let log = read_log_file(&settings(&h.dir).log_dir, run.id).unwrap();
    let texts: Vec<&str> = log.iter().map(|l| l.text.as_str()).collect();
    assert!(texts.contains(&"pushing"), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("late line")), "{texts:?}");
    assert_eq!(h.run(run.id).await.stages.len(), 1);
    h.no_more_ends();
}

#[tokio::test]
async fn a_run_past_its_timeout_is_recorded_failed_and_frees_its_build() {
    let grace = Duration::from_millis(100);
    let mut h = harness_with_grace(grace).await;
    // `quick` stops when cancelled; `stubborn` hangs in its push whatever.
    h.fake.script(
        "quick",
        Script::new(
            vec![Step::Stage("Clone"), Step::UntilCancelled],
            End::Success,
        ),
    );
    h.fake.script(
        "stubborn",
        Script::new(vec![Step::Stage("Push"), Step::Hang], End::Success),
    );
    let started = Instant::now();
    let quick = h.start("quick").await;
    let stubborn = h.start("stubborn").await;
    let timeout = Duration::from_secs(1);

    let first = h.next_end().await;
    let second = h.next_end().await;
    let took = started.elapsed();
    assert!(
        took >= timeout && took < timeout + grace + Duration::from_secs(1),
        "both ended {took:?} after the start, with timeout_seconds = 1 and a grace of {grace:?}"
    );
    assert_eq!(
        [first.id, second.id],
        [quick.id, stubborn.id],
        "the one that stops ends first"
    );
    for ended in [&first, &second] {
        assert_eq!(ended.status, RunStatus::Failed);
        assert_eq!(ended.error, "timed out after 1 s (timeout_seconds)");
    }
    assert!(second.stages[0].stderr.contains("did not stop within"));
    assert_eq!(h.runs.live_run_of("quick"), None);
    assert_eq!(h.runs.live_run_of("stubborn"), None);

    h.fake.script("stubborn", Script::success());
    h.start("stubborn").await;
    assert_eq!(h.next_end().await.status, RunStatus::Success);
    h.no_more_ends();
}

#[tokio::test]
async fn a_restart_marks_live_runs_interrupted_and_a_new_manager_runs_them_again() {
    let h = harness().await;
    h.fake
        .script("a", Script::new(vec![Step::Hang], End::Success));
    let a = h.start("a").await;
    let b = h.start("b").await;
    h.fake.wait_started(1).await;
    assert_eq!(h.status(a.id).await, RunStatus::Running);
    assert_eq!(h.status(b.id).await, RunStatus::Queued);

    // Kiln stops without ending them; a new process opens the same database.
    let Harness { dir, fake, .. } = h;
    let store = connect(&dir).await;
    assert_eq!(store.interrupt_live_runs().await.unwrap(), 2);
    for id in [a.id, b.id] {
        let run = store.run(id).await.unwrap();
        assert_eq!(run.status, RunStatus::Failed);
        assert_eq!(run.error, INTERRUPTED);
        assert!(run.ended_ms.is_some());
    }

    let mut h = manager_over(dir, store, GRACE);
    let a2 = h.start("a").await;
    let b2 = h.start("b").await;
    for expected in [a2.id, b2.id] {
        let ended = h.next_end().await;
        assert_eq!((ended.id, ended.status), (expected, RunStatus::Success));
    }
    assert_eq!(h.fake.started_builds(), ["a", "b"]);
    assert_eq!(fake.started_builds(), ["a"], "the old manager ran only a");
    h.no_more_ends();
}

#[tokio::test]
async fn success_saves_the_bumped_version_and_failure_keeps_it() {
    let mut h = harness().await;
    let run = h.start("free").await;
    assert_eq!(run.version, "1.2.4", "the run builds the bumped version");
    let ended = h.next_end().await;
    assert_eq!(ended.status, RunStatus::Success);
    assert_eq!(ended.image_id, format!("sha256:fake-{}", run.id));
    let build = h.store.build("free").await.unwrap();
    assert_eq!(build.config.version.to_string(), "1.2.4");
    assert_eq!(h.fake.started()[0].version.to_string(), "1.2.4");

    h.fake
        .script("free", Script::new(Vec::new(), End::Fail("boom")));
    let run = h.start("free").await;
    assert_eq!(run.version, "1.2.5");
    let ended = h.next_end().await;
    assert_eq!(
        (ended.status, ended.error.as_str()),
        (RunStatus::Failed, "boom")
    );
    let build = h.store.build("free").await.unwrap();
    assert_eq!(
        build.config.version.to_string(),
        "1.2.4",
        "a failed run does not save its version"
    );
    h.no_more_ends();
}

#[tokio::test]
async fn stages_and_lines_reach_the_live_log_and_the_run_record() {
    let mut h = harness().await;
    h.fake.script(
        "free",
        Script::new(
            vec![
                Step::Stage("Clone"),
                Step::Line("hello"),
                Step::Finish(true),
                Step::Stage("Build"),
                Step::Work(20),
                Step::Line("world"),
                Step::Finish(true),
            ],
            End::Success,
        ),
    );
    let run = h.start("free").await;
    let ended = h.next_end().await;
    assert_eq!(ended.status, RunStatus::Success);
    let stages: Vec<_> = ended.stages.iter().map(|s| s.stage.as_str()).collect();
    assert_eq!(stages, ["Clone", "Build"]);
    assert!(h.runs.follow(run.id).is_none(), "the live log is closed");
    let log = read_log_file(&settings(&h.dir).log_dir, run.id).unwrap();
    let texts: Vec<&str> = log.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["$ fake Clone", "hello", "$ fake Build", "world"]);
    h.no_more_ends();
}
