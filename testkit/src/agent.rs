//! Runs the real `kiln-agent` binary as a black box on 127.0.0.1.

use anyhow::{bail, Context};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::process::scrub_proxy_env;

/// A running `kiln-agent`, killed (SIGKILL) and reaped on Drop.
pub struct KilnAgent {
    child: Child,
    url: String,
    fingerprint: Option<String>,
    data_dir: tempfile::TempDir,
}

impl KilnAgent {
    /// Starts `bin ARGS…` with a fresh `--data-dir`, `--bind 127.0.0.1:0`
    /// unless `args` has a `--bind`, the extra environment `env`, and no
    /// proxy variables; waits for its "listening" line (and the fingerprint
    /// line with TLS).
    pub fn start(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let data_dir = tempfile::Builder::new()
            .prefix("kiln-agent-test-")
            .tempdir()
            .context("creating a data dir")?;
        let mut cmd = Command::new(bin);
        cmd.arg("--data-dir").arg(data_dir.path());
        if !args.contains(&"--bind") {
            cmd.args(["--bind", "127.0.0.1:0"]);
        }
        cmd.args(args)
            .env_remove("KILN_AGENT_KEY")
            .env_remove("KILN_AGENT_CONFIG")
            .env_remove("KILN_AGENT_BIND")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        scrub_proxy_env(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut fingerprint = None;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(f) =
                    line.strip_prefix("kiln-agent TLS certificate SHA-256 fingerprint: ")
                {
                    fingerprint = Some(f.trim().to_string());
                }
                if let Some(url) = line.strip_prefix("kiln-agent listening on ") {
                    let _ = tx.send((url.trim().to_string(), fingerprint.clone()));
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok((url, fingerprint)) => Ok(Self {
                child,
                url,
                fingerprint,
                data_dir,
            }),
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().ok();
                bail!("kiln-agent did not report its address within 30s (exit: {status:?})")
            }
        }
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `127.0.0.1:PORT`
    pub fn addr(&self) -> &str {
        self.url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
    }

    /// The certificate fingerprint the agent printed (TLS only).
    pub fn fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for KilnAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `kiln-agent` binary: `KILN_AGENT_BIN`, else `kiln-agent` in the
/// profile dir of the running test executable (next to `kiln`).
pub fn agent_bin() -> anyhow::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("KILN_AGENT_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let exe = std::env::current_exe().context("locating the test executable")?;
    let candidate = exe
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("kiln-agent"))
        .context("test executable has no profile dir")?;
    if candidate.is_file() {
        Ok(candidate)
    } else {
        bail!(
            "no kiln-agent binary at {} (run `cargo build -p kiln-agent` first, or set KILN_AGENT_BIN)",
            candidate.display()
        )
    }
}
