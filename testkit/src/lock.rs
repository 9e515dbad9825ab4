//! Inter-process file locks and the shared state directory.

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

/// Where shared state lives unless `KILN_TESTKIT_DIR` says otherwise.
const DEFAULT_STATE_DIR: &str = "/var/tmp/kiln-testkit";

/// An exclusive `flock` on a file, released when dropped (the descriptor is closed).
pub(crate) struct FileLock {
    _file: File,
}

impl FileLock {
    /// Takes the lock, polling without blocking the async runtime, for at most `timeout`.
    pub(crate) async fn acquire(path: &Path, timeout: Duration) -> anyhow::Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("opening lock file {}", path.display()))?;
        let deadline = Instant::now() + timeout;
        loop {
            // SAFETY: flock on a descriptor we own; LOCK_NB makes it non-blocking.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc == 0 {
                return Ok(Self { _file: file });
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != ErrorKind::WouldBlock && error.kind() != ErrorKind::Interrupted {
                return Err(error).with_context(|| format!("locking {}", path.display()));
            }
            if Instant::now() >= deadline {
                bail!(
                    "another process held {} for more than {timeout:?}",
                    path.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The directory for state shared between test processes (`KILN_TESTKIT_DIR`, default
/// `/var/tmp/kiln-testkit`), without creating it.
pub(crate) fn state_dir() -> PathBuf {
    std::env::var_os("KILN_TESTKIT_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE_DIR))
}

/// [`state_dir`] joined with `sub`, created if missing.
pub(crate) fn state_subdir(sub: &str) -> anyhow::Result<PathBuf> {
    let dir = state_dir().join(sub);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
