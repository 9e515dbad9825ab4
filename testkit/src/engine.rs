//! The Docker engine used by tests: an existing one, a `dockerd` shared by all test
//! processes, or a private `dockerd` owned by one handle.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bollard::{Docker, API_DEFAULT_VERSION};
use tempfile::TempDir;

use crate::lock::{state_dir, state_subdir, FileLock};
use crate::ports::is_loopback_host;
use crate::process::{
    is_executable, log_tail, pid_alive, process_name, require_tool, terminate_pid, which,
    ServiceProcess, PROXY_VARS,
};

/// Who started an engine, and so whether the testkit ever stops it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// An engine that was already running (`DOCKER_HOST` or `/var/run/docker.sock`).
    /// The testkit never stops it.
    External,
    /// The `dockerd` shared by all test processes, listening on [`shared_engine_host`].
    /// It is left running; [`stop_shared_engine`] (or `testkit/scripts/stop-services.sh`)
    /// stops it.
    Shared,
    /// A `dockerd` owned by one [`DockerEngine`] handle, stopped when it is dropped.
    Private,
}

/// A Docker engine that answered `/_ping`.
///
/// Each test should get its own handle with [`DockerEngine::ensure`]: it is cheap once the
/// shared engine runs (one ping).
pub struct DockerEngine {
    host: String,
    docker: Docker,
    version: String,
    kind: EngineKind,
    // Declared before `_dir`: the daemon must stop before its directory is removed.
    daemon: Option<ServiceProcess>,
    _dir: Option<TempDir>,
}

impl DockerEngine {
    /// Returns a running engine, starting the shared one if needed.
    ///
    /// Order: `DOCKER_HOST` when set (it must answer, and must be a `unix://` socket or
    /// a `tcp://` address in 127.0.0.0/8); else `/var/run/docker.sock` when it answers;
    /// else the shared engine of [`DockerEngine::shared`].
    pub async fn ensure() -> anyhow::Result<Self> {
        if let Some(host) = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()) {
            if host == shared_engine_host() {
                return Self::shared().await;
            }
            return Self::attach(&host, EngineKind::External, PING_TIMEOUT)
                .await
                .with_context(|| format!("DOCKER_HOST={host} is set but does not answer"));
        }
        if Path::new(SYSTEM_SOCKET).exists() {
            let host = format!("unix://{SYSTEM_SOCKET}");
            if let Ok(engine) = Self::attach(&host, EngineKind::External, PING_TIMEOUT).await {
                return Ok(engine);
            }
        }
        Self::shared().await
    }

    /// Returns the `dockerd` shared by all test processes, starting it when no process
    /// has yet (under a file lock, so concurrent test processes start only one).
    ///
    /// It runs `dockerd --bridge=none --iptables=false --ip-masq=false` with its data,
    /// exec root, pid file and log under `$KILN_TESTKIT_DIR/engine` (default
    /// `/var/tmp/kiln-testkit/engine`) and listens on [`shared_engine_host`]. It keeps
    /// running after the tests; call [`stop_shared_engine`] to stop it.
    pub async fn shared() -> anyhow::Result<Self> {
        let host = shared_engine_host();
        if let Ok(engine) = Self::attach(&host, EngineKind::Shared, QUICK_TIMEOUT).await {
            return Ok(engine);
        }
        let dir = state_subdir("engine")?;
        let _lock = FileLock::acquire(&dir.join("start.lock"), START_TIMEOUT * 2).await?;
        if let Ok(engine) = Self::attach(&host, EngineKind::Shared, QUICK_TIMEOUT).await {
            return Ok(engine);
        }
        start_shared_daemon(&dir, &host).await?;
        Self::attach(&host, EngineKind::Shared, PING_TIMEOUT).await
    }

    /// Starts a `dockerd` of its own in a temp dir (own data root, exec root, pid file
    /// and socket), stopped and removed when the handle is dropped.
    ///
    /// Slower than [`DockerEngine::ensure`] (a fresh engine has no images); use it only
    /// when a test needs an isolated engine.
    pub async fn start_private() -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("kiln-engine-")
            .tempdir()
            .context("creating a temp dir for dockerd")?;
        let socket = dir.path().join("docker.sock");
        let host = format!("unix://{}", socket.display());
        let command = dockerd_command(dir.path(), &socket)?;
        let mut daemon = ServiceProcess::spawn(
            "dockerd",
            command,
            &dir.path().join("dockerd.log"),
            STOP_GRACE,
        )?;
        wait_ready(&mut daemon, &host).await?;
        let mut engine = Self::attach(&host, EngineKind::Private, PING_TIMEOUT).await?;
        engine.daemon = Some(daemon);
        engine._dir = Some(dir);
        Ok(engine)
    }

    /// The value of `DOCKER_HOST` for child processes, e.g. `unix:///var/tmp/kiln-testkit/docker.sock`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// A bollard client for this engine, with the API version negotiated.
    pub fn docker(&self) -> Docker {
        self.docker.clone()
    }

    /// The engine's version, e.g. `20.10.24+dfsg1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Who started the engine.
    pub fn kind(&self) -> EngineKind {
        self.kind
    }

    /// The process id of a private engine's `dockerd`; `None` for other kinds.
    pub fn daemon_pid(&self) -> Option<u32> {
        self.daemon.as_ref().map(ServiceProcess::pid)
    }

    /// A `docker` CLI command (the first `docker` on `PATH`) aimed at this engine, with
    /// proxy variables removed. For BuildKit builds use [`buildkit_cli`] instead.
    pub fn cli(&self) -> tokio::process::Command {
        let program = which("docker").unwrap_or_else(|| PathBuf::from("docker"));
        self.cli_at(&program)
    }

    /// Like [`DockerEngine::cli`] with an explicit client binary, e.g. from [`buildkit_cli`].
    pub fn cli_at(&self, program: &Path) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(program);
        command.env("DOCKER_HOST", &self.host).stdin(Stdio::null());
        for var in PROXY_VARS {
            command.env_remove(var);
        }
        command
    }

    async fn attach(host: &str, kind: EngineKind, timeout: Duration) -> anyhow::Result<Self> {
        let (docker, version) = connect(host, timeout).await?;
        Ok(Self {
            host: host.to_owned(),
            docker,
            version,
            kind,
            daemon: None,
            _dir: None,
        })
    }
}

/// The `DOCKER_HOST` of the shared engine: `unix://$KILN_TESTKIT_DIR/docker.sock`
/// (default `unix:///var/tmp/kiln-testkit/docker.sock`).
pub fn shared_engine_host() -> String {
    format!("unix://{}", state_dir().join("docker.sock").display())
}

/// Stops the shared engine if it runs (SIGTERM, SIGKILL after 30 s) and removes its
/// socket and pid file; its data (images) is kept for the next run. Returns whether an
/// engine was running. Meant for the end of a CI run; needs no async runtime.
pub fn stop_shared_engine() -> anyhow::Result<bool> {
    let dir = state_dir().join("engine");
    let pidfile = dir.join("dockerd.pid");
    let was_running = match read_pid(&pidfile) {
        Some(pid) if is_dockerd(pid) => {
            if !terminate_pid(pid, STOP_GRACE) {
                bail!("dockerd (pid {pid}) did not stop");
            }
            true
        }
        _ => false,
    };
    remove_if_exists(&pidfile)?;
    remove_if_exists(&state_dir().join("docker.sock"))?;
    Ok(was_running)
}

/// A `docker` CLI that can build with BuildKit, if there is one: `/usr/bin/docker`
/// first, then each `docker` on `PATH`.
///
/// Clients before 23.0 have BuildKit built in (`DOCKER_BUILDKIT=1`); later ones need
/// the buildx plugin (`docker buildx version` must succeed).
pub fn buildkit_cli() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND.get_or_init(find_buildkit_cli).clone()
}

/// Where an already running engine usually listens.
const SYSTEM_SOCKET: &str = "/var/run/docker.sock";
/// How long an engine that should already run may take to answer.
const PING_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to probe for an engine that may not exist.
const QUICK_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a fresh `dockerd` may take to answer `/_ping`.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `dockerd` gets to shut down after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(30);
/// Request timeout of bollard clients, in seconds.
const CLIENT_TIMEOUT_SECS: u64 = 600;

async fn start_shared_daemon(dir: &Path, host: &str) -> anyhow::Result<()> {
    let pidfile = dir.join("dockerd.pid");
    if let Some(pid) = read_pid(&pidfile) {
        if is_dockerd(pid) && !terminate_pid(pid, STOP_GRACE) {
            bail!("a stale shared dockerd (pid {pid}) does not answer and does not stop");
        }
    }
    remove_if_exists(&pidfile)?;
    let socket = state_dir().join("docker.sock");
    remove_if_exists(&socket)?;
    let log = dir.join("dockerd.log");
    remove_if_exists(&log)?;
    let mut command = dockerd_command(dir, &socket)?;
    // Its own process group: Ctrl-C or a test runner killing a test's group spares it.
    command.process_group(0);
    let mut daemon = ServiceProcess::spawn("shared dockerd", command, &log, STOP_GRACE)?;
    wait_ready(&mut daemon, host).await?;
    daemon.release();
    Ok(())
}

/// `dockerd` without networking features, with everything it writes under `dir`.
fn dockerd_command(dir: &Path, socket: &Path) -> anyhow::Result<Command> {
    let dockerd = require_tool("dockerd", "docker.io")?;
    // An empty config file keeps a system /etc/docker/daemon.json from interfering.
    let config = dir.join("daemon.json");
    std::fs::write(&config, "{}\n").with_context(|| format!("writing {}", config.display()))?;
    let mut command = Command::new(dockerd);
    command
        .arg("--bridge=none")
        .arg("--iptables=false")
        .arg("--ip-masq=false")
        .arg("--userland-proxy=false")
        .arg(format!("--config-file={}", config.display()))
        .arg(format!("--data-root={}", dir.join("data").display()))
        .arg(format!("--exec-root={}", dir.join("exec").display()))
        .arg(format!("--pidfile={}", dir.join("dockerd.pid").display()))
        .arg(format!("--host=unix://{}", socket.display()));
    Ok(command)
}

/// Waits until the engine at `host` answers, failing early if `daemon` exits.
async fn wait_ready(daemon: &mut ServiceProcess, host: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        daemon.check_running()?;
        let error = match connect(host, QUICK_TIMEOUT).await {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        if Instant::now() >= deadline {
            bail!(
                "dockerd did not answer /_ping on {host} within {START_TIMEOUT:?} ({error:#}); \
                 last lines of {}:\n{}",
                daemon.log_path().display(),
                log_tail(daemon.log_path(), 30)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Connects to `host`, negotiates the API version and pings; returns the client and
/// the engine version.
async fn connect(host: &str, timeout: Duration) -> anyhow::Result<(Docker, String)> {
    let docker = if let Some(path) = host.strip_prefix("unix://") {
        Docker::connect_with_unix(path, CLIENT_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else if let Some(addr) = host
        .strip_prefix("tcp://")
        .or_else(|| host.strip_prefix("http://"))
    {
        let hostname = addr.rsplit_once(':').map_or(addr, |(name, _)| name);
        if !is_loopback_host(hostname) {
            bail!("DOCKER_HOST {host}: tests may only talk to 127.0.0.0/8");
        }
        Docker::connect_with_http(addr, CLIENT_TIMEOUT_SECS, API_DEFAULT_VERSION)
    } else {
        bail!("unsupported DOCKER_HOST {host}: use unix:///PATH or tcp://127.0.0.1:PORT");
    }
    .with_context(|| format!("connecting to {host}"))?;
    let docker = tokio::time::timeout(timeout, docker.negotiate_version())
        .await
        .with_context(|| format!("{host} did not answer within {timeout:?}"))?
        .with_context(|| format!("negotiating the API version with {host}"))?;
    tokio::time::timeout(timeout, docker.ping())
        .await
        .with_context(|| format!("{host} did not answer /_ping within {timeout:?}"))?
        .with_context(|| format!("pinging {host}"))?;
    let version = docker
        .version()
        .await
        .with_context(|| format!("reading the version of {host}"))?
        .version
        .unwrap_or_default();
    Ok((docker, version))
}

fn read_pid(pidfile: &Path) -> Option<u32> {
    std::fs::read_to_string(pidfile).ok()?.trim().parse().ok()
}

fn is_dockerd(pid: u32) -> bool {
    pid_alive(pid) && process_name(pid).is_some_and(|name| name == "dockerd")
}

fn remove_if_exists(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("removing {}", path.display())),
    }
}

fn find_buildkit_cli() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("/usr/bin/docker")];
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|dir| dir.join("docker")));
    }
    let mut seen = Vec::new();
    for candidate in candidates {
        if !is_executable(&candidate) {
            continue;
        }
        let real = std::fs::canonicalize(&candidate).unwrap_or_else(|_| candidate.clone());
        if seen.contains(&real) {
            continue;
        }
        seen.push(real);
        if cli_supports_buildkit(&candidate) {
            return Some(candidate);
        }
    }
    None
}

fn cli_supports_buildkit(cli: &Path) -> bool {
    let Some(major) = cli_major_version(cli) else {
        return false;
    };
    major < 23
        || Command::new(cli)
            .args(["buildx", "version"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
}

/// Parses "Docker version 20.10.24+dfsg1, build 297e128" into 20.
fn cli_major_version(cli: &Path) -> Option<u32> {
    let output = Command::new(cli)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim().strip_prefix("Docker version ")?;
    version.split('.').next()?.parse().ok()
}
