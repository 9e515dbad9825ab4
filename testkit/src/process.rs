//! Child processes of test services: spawned with a log file, stopped and reaped on Drop.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// Environment variables that could route a child's traffic through a proxy.
pub(crate) const PROXY_VARS: &[&str] = &[
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// A running service: its process is sent SIGTERM, then SIGKILL after a grace period,
/// and reaped when this value is dropped.
pub(crate) struct ServiceProcess {
    name: String,
    child: Child,
    log: PathBuf,
    grace: Duration,
    stopped: bool,
}

impl ServiceProcess {
    /// Spawns `command` with stdin closed and stdout and stderr appended to `log`.
    ///
    /// `grace` is how long [`ServiceProcess::stop`] waits after SIGTERM before SIGKILL.
    pub(crate) fn spawn(
        name: &str,
        mut command: Command,
        log: &Path,
        grace: Duration,
    ) -> anyhow::Result<Self> {
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        let err = out
            .try_clone()
            .with_context(|| format!("duplicating {}", log.display()))?;
        command.stdin(Stdio::null()).stdout(out).stderr(err);
        scrub_proxy_env(&mut command);
        let child = command.spawn().with_context(|| {
            format!(
                "starting {name} ({})",
                command.get_program().to_string_lossy()
            )
        })?;
        Ok(Self {
            name: name.to_owned(),
            child,
            log: log.to_owned(),
            grace,
            stopped: false,
        })
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The path of the log file holding the process's output.
    pub(crate) fn log_path(&self) -> &Path {
        &self.log
    }

    /// Fails, with the tail of the log, when the process has already exited.
    pub(crate) fn check_running(&mut self) -> anyhow::Result<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => {
                self.stopped = true;
                bail!(
                    "{} exited early ({status}); last lines of {}:\n{}",
                    self.name,
                    self.log.display(),
                    log_tail(&self.log, 30)
                )
            }
            Err(error) => Err(error).with_context(|| format!("checking on {}", self.name)),
        }
    }

    /// Lets the process outlive this handle: dropping it no longer stops the process.
    pub(crate) fn release(mut self) {
        self.stopped = true;
    }

    /// Stops the process (SIGTERM, then SIGKILL after the grace period) and reaps it.
    pub(crate) fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        send_signal(self.child.id(), libc::SIGTERM);
        let deadline = Instant::now() + self.grace;
        while Instant::now() < deadline {
            match self.child.try_wait() {
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                _ => return,
            }
        }
        // The process may exit between the check and the kill: either outcome is fine.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Removes proxy variables from a child's environment so that nothing it sends can be
/// routed away from 127.0.0.1.
pub(crate) fn scrub_proxy_env(command: &mut Command) {
    for var in PROXY_VARS {
        command.env_remove(var);
    }
}

/// The last `lines` lines of the file at `path` (at most 64 KiB are read).
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = std::fs::File::open(path) else {
        return format!("(no log at {})", path.display());
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(64 * 1024);
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(start)).is_err() || file.read_to_end(&mut bytes).is_err() {
        return format!("(could not read {})", path.display());
    }
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Finds an executable called `name` in the directories of `PATH`.
pub(crate) fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// Finds `name` in `PATH`, or fails with a hint about the Debian package providing it.
pub(crate) fn require_tool(name: &str, package: &str) -> anyhow::Result<PathBuf> {
    which(name)
        .with_context(|| format!("`{name}` is not on PATH: install the Debian package `{package}`"))
}

/// True when `path` is a regular file with an execute bit.
pub(crate) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Stops the process `pid` that is not necessarily our child: SIGTERM, wait up to
/// `grace`, then SIGKILL. Returns true when the process is gone.
pub(crate) fn terminate_pid(pid: u32, grace: Duration) -> bool {
    if !pid_alive(pid) {
        return true;
    }
    send_signal(pid, libc::SIGTERM);
    if wait_gone(pid, grace) {
        return true;
    }
    send_signal(pid, libc::SIGKILL);
    wait_gone(pid, Duration::from_secs(5))
}

/// True when a process with this id exists and is not a zombie.
pub(crate) fn pid_alive(pid: u32) -> bool {
    let Ok(raw) = libc::pid_t::try_from(pid) else {
        return false;
    };
    reap_if_child(raw);
    // SAFETY: kill with signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(raw, 0) };
    let exists = rc == 0 || std::io::Error::last_os_error().kind() == ErrorKind::PermissionDenied;
    exists && process_state(pid) != Some('Z')
}

/// The state letter of process `pid` from `/proc/PID/stat` (`R`, `S`, `Z`, …).
fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: the state follows ") ".
    let (_, rest) = stat.rsplit_once(") ")?;
    rest.chars().next()
}

/// The command name of process `pid` (from /proc), if it exists.
pub(crate) fn process_name(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|name| name.trim().to_owned())
}

fn wait_gone(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if !pid_alive(pid) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reaps `pid` if it is an exited child of this process (e.g. a dockerd this process
/// started and then let go); does nothing otherwise.
fn reap_if_child(pid: libc::pid_t) {
    let mut status = 0;
    // SAFETY: waitpid with WNOHANG on a specific pid does not block; a pid that is not
    // our child yields ECHILD, which is ignored.
    unsafe {
        libc::waitpid(pid, &mut status, libc::WNOHANG);
    }
}

fn send_signal(pid: u32, signal: libc::c_int) {
    if let Ok(raw) = libc::pid_t::try_from(pid) {
        // SAFETY: sending a signal to a known pid has no memory-safety implications.
        unsafe {
            libc::kill(raw, signal);
        }
    }
}
