//! Runs the real `kiln` binary as a black box: `kiln serve` on 127.0.0.1:0
//! with a fresh data dir, and `kiln` CLI commands against it.

use anyhow::{bail, Context};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `kiln serve`, killed on Drop.
pub struct KilnServer {
    child: Child,
    url: String,
    bin: PathBuf,
    data_dir: tempfile::TempDir,
    /// Holds `server.log`: the server's stderr, appended across restarts.
    log_dir: tempfile::TempDir,
}

impl KilnServer {
    /// Starts `bin serve` with `KILN_BIND=127.0.0.1:0`, a temp `KILN_DATA_DIR`
    /// and the extra environment `env`, and waits for its "listening" line.
    pub fn start(bin: &Path, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir().context("creating a data dir")?;
        let log_dir = tempfile::tempdir().context("creating a log dir")?;
        let (child, url) = spawn(bin, data_dir.path(), &log_dir.path().join(LOG), env)?;
        Ok(Self {
            child,
            url,
            bin: bin.to_path_buf(),
            data_dir,
            log_dir,
        })
    }

    /// Kills the server abruptly (SIGKILL, as a crash would) and starts it
    /// again on the same data dir; the new address replaces the old.
    pub fn crash_and_restart(&mut self, env: &[(&str, &str)]) -> anyhow::Result<()> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let log = self.log_dir.path().join(LOG);
        let (child, url) = spawn(&self.bin, self.data_dir.path(), &log, env)?;
        self.child = child;
        self.url = url;
        Ok(())
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Everything the server wrote to stderr (its log) so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_dir.path().join(LOG)).unwrap_or_default()
    }

    /// Runs `kiln ARGS...` with `KILN_URL` pointing at this server.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> anyhow::Result<Output> {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).env("KILN_URL", &self.url);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().context("starting kiln CLI")?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            std::io::Write::write_all(&mut pipe, text.as_bytes()).context("writing stdin")?;
        }
        child.wait_with_output().context("waiting for kiln CLI")
    }
}

impl Drop for KilnServer {
    /// Kills the server; when a test is failing, prints the server's log.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- kiln server log ---\n{}", self.log());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const LOG: &str = "server.log";

fn spawn(
    bin: &Path,
    data_dir: &Path,
    log: &Path,
    env: &[(&str, &str)],
) -> anyhow::Result<(Child, String)> {
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("opening {}", log.display()))?;
    let mut cmd = Command::new(bin);
    cmd.arg("serve")
        .env("KILN_BIND", "127.0.0.1:0")
        .env("KILN_DATA_DIR", data_dir)
        .env_remove("KILN_DATABASE_URL")
        .env_remove("KILN_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(stderr));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("kiln listening on ") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(url) => Ok((child, url)),
        Err(_) => {
            let _ = child.kill();
            let status = child.wait().ok();
            bail!("kiln serve did not report its address within 60s (exit: {status:?})");
        }
    }
}

/// The `kiln` binary: `KILN_BIN`, else `kiln` in the profile dir of the
/// running executable's dir or its parent (`target/debug/deps/x` or
/// `target/debug/x` → `target/debug/kiln`).
pub fn kiln_bin() -> anyhow::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("KILN_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let exe = std::env::current_exe().context("locating the test executable")?;
    let dirs = exe.ancestors().skip(1).take(2);
    let candidates: Vec<PathBuf> = dirs.map(|dir| dir.join("kiln")).collect();
    candidates
        .iter()
        .find(|c| c.is_file())
        .cloned()
        .with_context(|| {
            format!("no kiln binary at {candidates:?} (build it first, or set KILN_BIN)")
        })
}
