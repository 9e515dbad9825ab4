//! Rate limiting of failed webhook requests per client address, so nobody
//! can guess a secret or build names by trying many.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failures (wrong signature, unknown build) per address in fixed
/// windows; an address with `max_failures` in its window is refused until
/// the window ends.
#[derive(Debug)]
pub struct FailureLimiter {
    max_failures: u32,
    window: Duration,
    windows: Mutex<HashMap<IpAddr, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Addresses tracked before expired windows are swept out.
const SWEEP_ABOVE: usize = 4096;

impl FailureLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` while `ip` is over its limit.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let windows = match self.windows.lock() {
            Ok(windows) => windows,
            Err(poisoned) => poisoned.into_inner(),
        };
        match windows.get(&ip) {
            Some(w) if w.failures >= self.max_failures && now < w.started + self.window => {
                let left = (w.started + self.window).saturating_duration_since(now);
                Err(left.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one failure of `ip`.
    pub fn record_failure(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut windows = match self.windows.lock() {
            Ok(windows) => windows,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() > SWEEP_ABOVE {
            let window = self.window;
            windows.retain(|_, w| now < w.started + window);
        }
        let entry = windows.entry(ip).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now >= entry.started + self.window {
            *entry = Window {
                started: now,
                failures: 0,
            };
        }
        entry.failures = entry.failures.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_max_failures_until_the_window_ends() {
        let limiter = FailureLimiter::new(3, Duration::from_millis(300));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limiter.check(a), Ok(()));
            limiter.record_failure(a);
        }
        assert_eq!(limiter.check(a), Err(1));
        assert_eq!(limiter.check(b), Ok(()), "other addresses are not affected");
        std::thread::sleep(Duration::from_millis(350));
        assert_eq!(limiter.check(a), Ok(()));
        limiter.record_failure(a);
        assert_eq!(limiter.check(a), Ok(()), "a new window starts from zero");
    }
}
