//! Shared helpers: a recording sink, job builders, process and image checks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kiln_domain::{
    BuildConfig, GitAccount, RegistryAccount, ResourceName, Secret, Variable, Version,
};
use kiln_engine::{
    run_build, BuildJob, BuildOutput, CancellationToken, DockerSettings, JobDirs, LogSink,
    RunResult, StageRecord, Stream,
};
use kiln_testkit::{base_image, DockerEngine, GitServer, RepoHandle};
use tempfile::TempDir;

pub const BASE: &str = "kiln-test/base:1";
pub const GIT_USER: &str = "kiln";
pub const GIT_TOKEN: &str = "git-token-5f1c9e";

/// One thing the engine told the sink, with when it arrived.
#[derive(Clone, Debug)]
pub enum Event {
    Started {
        stage: String,
        command: String,
    },
    Line {
        stage: String,
        stream: Stream,
        line: String,
    },
    Finished(StageRecord),
}

/// A sink that keeps every event with its arrival time.
pub struct Recorder {
    start: Instant,
    events: Mutex<Vec<(Duration, Event)>>,
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            events: Mutex::new(Vec::new()),
        })
    }

    pub fn events(&self) -> Vec<(Duration, Event)> {
        self.events.lock().expect("events").clone()
    }

    /// (arrival, stage, line) of every line.
    pub fn lines(&self) -> Vec<(Duration, String, String)> {
        self.events()
            .into_iter()
            .filter_map(|(at, event)| match event {
                Event::Line { stage, line, .. } => Some((at, stage, line)),
                _ => None,
            })
            .collect()
    }

    /// Everything the sink received, as one text.
    pub fn all_text(&self) -> String {
        let mut text = String::new();
        for (_, event) in self.events() {
            match event {
                Event::Started { stage, command } => text.push_str(&format!("{stage}|{command}\n")),
                Event::Line { stream, line, .. } => text.push_str(&format!("{stream:?}: {line}\n")),
                Event::Finished(record) => text.push_str(&format!("{record:?}\n")),
            }
        }
        text
    }

    /// Waits until a line containing `needle` arrived; returns when it did.
    pub async fn wait_for_line(&self, needle: &str, timeout: Duration) -> Duration {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some((at, _, _)) = self
                .lines()
                .into_iter()
                .find(|(_, _, l)| l.contains(needle))
            {
                return at;
            }
            assert!(
                Instant::now() < deadline,
                "no line containing {needle:?} within {timeout:?}; got:\n{}",
                self.all_text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl LogSink for Recorder {
    fn stage_started(&self, stage: &str, command: &str) {
        self.push(Event::Started {
            stage: stage.to_string(),
            command: command.to_string(),
        });
    }

    fn line(&self, stage: &str, stream: Stream, line: &str) {
        self.push(Event::Line {
            stage: stage.to_string(),
            stream,
            line: line.to_string(),
        });
    }

    fn stage_finished(&self, record: &StageRecord) {
        self.push(Event::Finished(record.clone()));
    }
}

impl Recorder {
    fn push(&self, event: Event) {
        let at = self.start.elapsed();
        self.events.lock().expect("events").push((at, event));
    }
}

/// The Docker engine, the base image and a temp dir for one test.
pub struct Harness {
    pub engine: DockerEngine,
    pub dir: TempDir,
}

impl Harness {
    pub async fn new() -> Self {
        let engine = DockerEngine::ensure().await.expect("a Docker engine");
        base_image(&engine).await.expect("the base image");
        let dir = tempfile::Builder::new()
            .prefix("kiln-engine-test-")
            .tempdir()
            .expect("temp dir");
        Self { engine, dir }
    }

    pub fn work_root(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub fn cache(&self, name: &str) -> PathBuf {
        self.dir.path().join("cache").join(name)
    }

    pub fn host_root(&self) -> PathBuf {
        self.dir.path().join("host")
    }

    /// A job for `config` at version 1.2.3 on the test engine, RUN steps
    /// without network (the engine has no bridge).
    pub fn job(&self, name: &str, config: BuildConfig) -> BuildJob {
        BuildJob {
            build_name: name.to_string(),
            config,
            version: Version::new(1, 2, 3),
            source_repo: None,
            variables: Vec::new(),
            git_account: None,
            registry_accounts: Vec::new(),
            dirs: JobDirs {
                work_root: self.work_root(),
                clone_cache: self.cache(name),
                host_builds_root: self.host_root(),
            },
            docker: DockerSettings {
                host: Some(self.engine.host().to_string()),
                cli: None,
                extra_args: vec!["--network none".to_string()],
                allow_host_network: false,
            },
            // Every test service listens on 127.0.0.1.
            outbound: kiln_engine::NetPolicy {
                allow_loopback: true,
                allow_plain_http_agents: false,
            },
        }
    }

    /// Fails unless every run directory is gone.
    pub fn assert_work_root_empty(&self) {
        let root = self.work_root();
        if let Ok(entries) = std::fs::read_dir(&root) {
            let left: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            assert!(left.is_empty(), "run directories left behind: {left:?}");
        }
    }

    /// The labels of `image`.
    pub async fn labels(&self, image: &str) -> HashMap<String, String> {
        self.engine
            .docker()
            .inspect_image(image)
            .await
            .expect("inspect")
            .config
            .and_then(|c| c.labels)
            .unwrap_or_default()
    }

    /// `docker run --rm --network none IMAGE ARGS…` → stdout.
    pub async fn run_image(&self, image: &str, args: &[&str]) -> String {
        let output = self
            .engine
            .cli()
            .args(["run", "--rm", "--network", "none", image])
            .args(args)
            .output()
            .await
            .expect("docker run");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Removes a run's references, then its image if nothing else uses it
    /// (best effort).
    pub async fn remove_output(&self, output: &BuildOutput) {
        self.remove_refs(&output.local_refs).await;
        self.remove_refs(std::slice::from_ref(&output.image_id))
            .await;
    }

    /// Removes image references made by a test (best effort).
    pub async fn remove_refs(&self, refs: &[String]) {
        for reference in refs {
            let _ = self
                .engine
                .docker()
                .remove_image(
                    reference,
                    None::<bollard::query_parameters::RemoveImageOptions>,
                    None,
                )
                .await;
        }
    }
}

/// A name no other test (or test process) uses.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A UI-defined build with a unique local image name.
pub fn ui_config(dockerfile: &str) -> BuildConfig {
    BuildConfig {
        dockerfile: dockerfile.to_string(),
        image_name: unique("kiln-engine-test"),
        ..BuildConfig::default()
    }
}

/// A build of `repo` on `server` over http, with the test git account.
pub fn git_config(server: &GitServer, repo: &RepoHandle) -> BuildConfig {
    BuildConfig {
        git_provider: server.domain().to_string(),
        git_https: false,
        repo: repo.path().to_string(),
        branch: "main".to_string(),
        git_account: GIT_USER.to_string(),
        image_name: unique("kiln-engine-git"),
        ..BuildConfig::default()
    }
}

pub fn git_account(server: &GitServer, token: &str) -> GitAccount {
    GitAccount {
        domain: server.domain().to_string(),
        username: GIT_USER.to_string(),
        token: Secret::new(token),
    }
}

pub fn registry_account(domain: &str, user: &str, token: &str) -> RegistryAccount {
    RegistryAccount {
        domain: domain.to_string(),
        username: user.to_string(),
        token: Secret::new(token),
    }
}

pub fn variable(name: &str, value: &str, is_secret: bool) -> Variable {
    Variable {
        name: ResourceName::parse(name).expect("variable name"),
        value: Secret::new(value),
        description: String::new(),
        is_secret,
    }
}

/// Runs `job` to the end (at most two minutes).
pub async fn run(job: BuildJob, recorder: &Arc<Recorder>) -> RunResult {
    run_with(job, Arc::clone(recorder), CancellationToken::new()).await
}

pub async fn run_with(
    job: BuildJob,
    recorder: Arc<Recorder>,
    cancel: CancellationToken,
) -> RunResult {
    let sink: Arc<dyn LogSink> = recorder;
    tokio::time::timeout(Duration::from_secs(120), run_build(job, sink, cancel))
        .await
        .expect("the run ended within two minutes")
}

/// The output of a successful run; otherwise fails with the error and stages.
pub fn success(result: RunResult) -> BuildOutput {
    match result {
        RunResult::Success(output) => output,
        other => panic!("expected success, got {}", describe(&other)),
    }
}

/// The error and stages of a failed run.
pub fn failure(result: RunResult) -> (String, Vec<StageRecord>) {
    match result {
        RunResult::Failed { error, stages } => (error, stages),
        other => panic!("expected a failure, got {}", describe(&other)),
    }
}

pub fn describe(result: &RunResult) -> String {
    let kind = match result {
        RunResult::Success(_) => "success".to_string(),
        RunResult::Failed { error, .. } => format!("failure: {error}"),
        RunResult::Cancelled { .. } => "cancelled".to_string(),
    };
    let stages: Vec<String> = result
        .stages()
        .iter()
        .map(|s| {
            format!(
                "--- {} ({}) {}\n{}{}",
                s.stage, s.success, s.command, s.stdout, s.stderr
            )
        })
        .collect();
    format!("{kind}\n{}", stages.join("\n"))
}

pub fn stage_names(stages: &[StageRecord]) -> Vec<&str> {
    stages.iter().map(|s| s.stage.as_str()).collect()
}

pub fn stage<'a>(stages: &'a [StageRecord], name: &str) -> &'a StageRecord {
    stages
        .iter()
        .find(|s| s.stage == name)
        .unwrap_or_else(|| panic!("no stage {name} in {:?}", stage_names(stages)))
}

/// Runs the git CLI in `dir` with a private, empty configuration.
pub async fn git(dir: &Path, args: &[&str]) -> String {
    let home = dir.parent().unwrap_or(dir).join("git-home");
    std::fs::create_dir_all(&home).expect("git home");
    let output = tokio::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("HOME", &home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_AUTHOR_NAME", "Kiln Test")
        .env("GIT_AUTHOR_EMAIL", "kiln-test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Kiln Test")
        .env("GIT_COMMITTER_EMAIL", "kiln-test@example.invalid")
        .env("LC_ALL", "C")
        .output()
        .await
        .expect("git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A work tree of `repo` cloned straight from its bare directory, for
/// changes `RepoHandle::commit` cannot make (symlinks, submodules).
pub async fn work_tree(repo: &RepoHandle, into: &Path) -> PathBuf {
    let parent = into.parent().expect("a parent");
    std::fs::create_dir_all(parent).expect("parent");
    let bare = repo.bare_dir().display().to_string();
    git(parent, &["clone", "-q", &bare, &into.display().to_string()]).await;
    into.to_path_buf()
}

/// Pids of processes whose command line contains `marker`.
pub fn pids_with(marker: &str) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|bytes| {
                    String::from_utf8_lossy(&bytes)
                        .replace('\0', " ")
                        .contains(marker)
                })
                .unwrap_or(false)
        })
        .collect()
}

/// The process group of `pid`.
pub fn pgid_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    after.split_whitespace().nth(2)?.parse().ok()
}

/// Live pids of group `pgid`.
pub fn group_members(pgid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| pgid_of(*pid) == Some(pgid) && !is_zombie(*pid))
        .collect()
}

fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(true)
}

/// Text of `len` pseudo-random hex digits (compresses poorly, like real data).
pub fn noise(len: usize, seed: u64) -> String {
    let mut state = seed | 1;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push_str(&format!("{state:016x}"));
    }
    out.truncate(len);
    out
}
