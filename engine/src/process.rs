//! Child processes of a stage: their own process group, every output line
//! sent live, the whole group killed on cancel.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio_util::sync::CancellationToken;

use crate::error::{Abort, Outcome};
use crate::stage::{StageHandle, Stream};

/// A command to run in a stage.
pub(crate) struct ChildSpec {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    /// The whole environment of the child (nothing is inherited).
    pub env: Vec<(OsString, OsString)>,
}

/// Runs `spec`, sending each line of stdout and stderr to `stage` as it is
/// printed. On cancel the process group is killed and `Abort::Cancelled`
/// returned. Once the command exits, whatever it left running in its group
/// is killed too.
pub(crate) async fn run(
    spec: ChildSpec,
    stage: &StageHandle,
    cancel: &CancellationToken,
) -> Outcome<ExitStatus> {
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .current_dir(&spec.cwd)
        .env_clear()
        .envs(spec.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .map_err(|e| Abort::failed(format!("starting {}: {e}", spec.program.display())))?;
    let mut group = GroupGuard(child.id().and_then(|pid| i32::try_from(pid).ok()));
    let readers = [
        child
            .stdout
            .take()
            .map(|out| read_lines(out, stage.clone(), Stream::Stdout)),
        child
            .stderr
            .take()
            .map(|err| read_lines(err, stage.clone(), Stream::Stderr)),
    ];
    let status = tokio::select! {
        status = child.wait() => status,
        () = cancel.cancelled() => {
            group.kill();
            // Reaps the leader; the group is already gone.
            let _ = child.wait().await;
            for reader in readers.into_iter().flatten() {
                reader.abort();
            }
            return Err(Abort::Cancelled);
        }
    };
    group.kill();
    for reader in readers.into_iter().flatten() {
        // Everything printed before exit arrives; a straggler outside the
        // group holding the pipe cannot stall the run.
        let _ = tokio::time::timeout(DRAIN_TIMEOUT, reader).await;
    }
    status.map_err(|e| Abort::failed(format!("waiting for {}: {e}", spec.program.display())))
}

/// The environment variables passed on from the engine's own environment;
/// everything else (database URLs, server secrets) stays out of children.
pub(crate) fn base_env() -> Vec<(OsString, OsString)> {
    const KEPT: &[&str] = &[
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LC_ALL",
        "TZ",
        "TMPDIR",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ];
    let mut env: Vec<(OsString, OsString)> = KEPT
        .iter()
        .filter_map(|name| std::env::var_os(name).map(|value| (OsString::from(name), value)))
        .collect();
    if !env.iter().any(|(name, _)| name == "PATH") {
        env.push(("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()));
    }
    env
}

/// Sets `name` in `env`, replacing an earlier value.
pub(crate) fn set_env(env: &mut Vec<(OsString, OsString)>, name: &str, value: impl Into<OsString>) {
    env.retain(|(existing, _)| existing != name);
    env.push((name.into(), value.into()));
}

/// Finds `program` in the directories of `PATH`.
pub(crate) fn which(program: &str) -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(program))
                .filter(|candidate| is_executable(candidate))
                .collect()
        })
        .unwrap_or_default()
}

/// True for a regular file with an execute bit.
pub(crate) fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How long to wait for output after the command exits.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

fn read_lines<R>(reader: R, stage: StageHandle, stream: Stream) -> tokio::task::JoinHandle<()>
where
    R: AsyncRead + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let mut reader = BufReader::new(reader);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(b'\n', &mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buffer);
                    stage.line(stream, text.trim_end_matches(['\n', '\r']));
                }
            }
        }
    })
}

/// Kills a child's process group once: explicitly, or when dropped (the
/// run's future was dropped instead of cancelled).
struct GroupGuard(Option<i32>);

impl GroupGuard {
    /// SIGKILL to every process of the group.
    fn kill(&mut self) {
        if let Some(pgid) = self.0.take().filter(|pgid| *pgid > 1) {
            // SAFETY: kill(2) has no memory effects; a negative pid names a
            // group. ESRCH (the group is already gone) is expected and ignored.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}
