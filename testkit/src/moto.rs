//! The moto EC2 emulator (`moto_server` from PyPI `moto[server]`) on a free
//! port of 127.0.0.1. moto is installed on first use into a venv under the
//! shared state dir (`/var/tmp/kiln-testkit/moto-venv`), under a file lock,
//! so parallel test processes install it once.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tempfile::TempDir;

use crate::lock::{state_dir, FileLock};
use crate::ports::{free_port, local_client};
use crate::process::{log_tail, ServiceProcess};

const BIND_ATTEMPTS: usize = 5;
const STOP_GRACE: Duration = Duration::from_secs(3);
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `moto_server -H 127.0.0.1 -p PORT`, stopped on Drop. Every
/// instance it hands out is fake: never connect to their addresses.
pub struct Moto {
    url: String,
    // Declared before `_dir`: the server stops before its log is removed.
    process: ServiceProcess,
    _dir: TempDir,
}

impl Moto {
    /// Installs moto if needed, starts it and waits until it answers.
    pub async fn start() -> anyhow::Result<Self> {
        let server = ensure_installed().await?;
        let dir = tempfile::Builder::new()
            .prefix("kiln-moto-")
            .tempdir()
            .context("creating a temp dir for moto")?;
        let log = dir.path().join("moto.log");
        let client = local_client()?;
        let mut last_error = None;
        for _ in 0..BIND_ATTEMPTS {
            let port = free_port()?;
            let mut command = Command::new(&server);
            command
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .current_dir(dir.path());
            let mut process = ServiceProcess::spawn("moto_server", command, &log, STOP_GRACE)?;
            let url = format!("http://127.0.0.1:{port}");
            match wait_serving(&client, &mut process, &url).await {
                Ok(()) => {
                    return Ok(Self {
                        url,
                        process,
                        _dir: dir,
                    })
                }
                Err(error) => {
                    drop(process);
                    let tail = log_tail(&log, 50);
                    if !tail.contains("Address already in use") {
                        return Err(error);
                    }
                    last_error = Some(error);
                }
            }
        }
        Err(last_error.unwrap_or_else(|| anyhow::anyhow!("moto never started")))
            .context("every port tried for moto was taken")
    }

    /// `http://127.0.0.1:PORT`: the endpoint URL for AWS SDK clients.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The process id of `moto_server`.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The last lines moto printed (its request log), for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(self.process.log_path(), lines)
    }
}

/// The venv holding moto: `<state dir>/moto-venv`.
pub fn venv_dir() -> PathBuf {
    state_dir().join("moto-venv")
}

/// `moto_server` in the venv, installing `moto[server]` with pip first when
/// it is missing (idempotent; the same step as `scripts/install-deps.sh --test`).
pub async fn ensure_installed() -> anyhow::Result<PathBuf> {
    let venv = venv_dir();
    let server = venv.join("bin").join("moto_server");
    if server.is_file() {
        return Ok(server);
    }
    let state = state_dir();
    std::fs::create_dir_all(&state).with_context(|| format!("creating {}", state.display()))?;
    let _lock =
        FileLock::acquire(&state.join("moto-install.lock"), Duration::from_secs(600)).await?;
    if server.is_file() {
        return Ok(server);
    }
    let mut venv_cmd = tokio::process::Command::new("python3");
    venv_cmd.args(["-m", "venv"]).arg(&venv);
    run(venv_cmd, "python3 -m venv").await?;
    let mut pip = tokio::process::Command::new(venv.join("bin").join("pip"));
    pip.args(["install", "--quiet", "moto[server]"]);
    run(pip, "pip install 'moto[server]'").await?;
    if !server.is_file() {
        bail!("pip installed moto but {} is missing", server.display());
    }
    Ok(server)
}

async fn run(mut command: tokio::process::Command, what: &str) -> anyhow::Result<()> {
    let output = command
        .output()
        .await
        .with_context(|| format!("running {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

async fn wait_serving(
    client: &reqwest::Client,
    process: &mut ServiceProcess,
    url: &str,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    let probe = format!("{url}/moto-api/data.json");
    loop {
        process.check_running()?;
        if let Ok(response) = client.get(&probe).send().await {
            if response.status().is_success() {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            bail!(
                "moto at {url} did not answer within {START_TIMEOUT:?}; log {}:\n{}",
                process.log_path().display(),
                log_tail(process.log_path(), 30)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
