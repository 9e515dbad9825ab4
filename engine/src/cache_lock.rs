//! One git operation at a time per clone cache, in this process.
//!
//! A cancelled run stops waiting for its clone after a short grace, but
//! libgit2 cannot be interrupted while a silent server sends nothing: the
//! abandoned blocking thread goes on until its read timeout, and may still
//! write into the clone cache (or find it replaced) meanwhile. The thread
//! holds the cache's lock until it returns, so the next run of the build
//! sees that the cache is busy and does not touch it until the thread has
//! stopped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio_util::sync::CancellationToken;

/// The right to read and write one clone cache; released when dropped
/// (move it into the blocking task that uses the cache).
pub(crate) struct CacheLease {
    _guard: OwnedMutexGuard<()>,
}

/// How a wait for a cache ended.
pub(crate) enum Acquired {
    Taken(CacheLease),
    /// Still busy after the wait.
    Busy,
    /// The run was cancelled while waiting.
    Cancelled,
}

/// Takes the cache at `cache_dir` if no other git operation of this
/// process holds it.
pub(crate) fn try_acquire(cache_dir: &Path) -> Option<CacheLease> {
    lock_for(cache_dir)
        .try_lock_owned()
        .ok()
        .map(|guard| CacheLease { _guard: guard })
}

/// Takes the cache at `cache_dir`, waiting at most `wait` while another git
/// operation of this process holds it.
pub(crate) async fn acquire(
    cache_dir: &Path,
    wait: Duration,
    cancel: &CancellationToken,
) -> Acquired {
    let lock = lock_for(cache_dir);
    tokio::select! {
        taken = tokio::time::timeout(wait, lock.lock_owned()) => match taken {
            Ok(guard) => Acquired::Taken(CacheLease { _guard: guard }),
            Err(_) => Acquired::Busy,
        },
        () = cancel.cancelled() => Acquired::Cancelled,
    }
}

/// The lock of `cache_dir`, made on first use. Locks nobody holds or waits
/// for are forgotten (holders and waiters keep their own reference).
fn lock_for(cache_dir: &Path) -> Arc<AsyncMutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<PathBuf, Arc<AsyncMutex<()>>>>> = OnceLock::new();
    let locks = LOCKS.get_or_init(Mutex::default);
    let mut locks = locks
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    locks.retain(|_, lock| Arc::strong_count(lock) > 1);
    Arc::clone(locks.entry(cache_dir.to_path_buf()).or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_cache_is_busy_until_its_lease_is_dropped() {
        let dir = Path::new("/nonexistent/kiln-cache-lock-test");
        let cancel = CancellationToken::new();
        let lease = try_acquire(dir).expect("a fresh cache is free");
        assert!(try_acquire(dir).is_none());
        assert!(matches!(
            acquire(dir, Duration::from_millis(50), &cancel).await,
            Acquired::Busy
        ));
        let waiting = tokio::spawn({
            let cancel = cancel.clone();
            async move { acquire(dir, Duration::from_secs(10), &cancel).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(lease);
        assert!(matches!(waiting.await.expect("task"), Acquired::Taken(_)));
        let other = Path::new("/nonexistent/kiln-cache-lock-test-2");
        let _held = try_acquire(other).expect("another cache is free");
        cancel.cancel();
        assert!(matches!(
            acquire(other, Duration::from_secs(10), &cancel).await,
            Acquired::Cancelled
        ));
    }
}
