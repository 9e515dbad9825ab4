//! Failed logins, counted per account and per client address over a
//! sliding window: past the limit, logins are refused (even with the right
//! password) until the oldest failure leaves the window.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failed logins are allowed per window.
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    /// Failures per account (username) per window.
    pub per_account: usize,
    /// Failures per client address per window.
    pub per_address: usize,
    pub window: Duration,
}

impl Default for LoginLimits {
    /// 5 per account and 20 per address per 15 minutes.
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// What a login attempt is keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

/// Which limit refused a login, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Blocked {
    Account(Duration),
    Address(Duration),
}

/// The failure counts (in memory: a restart forgets them, which only
/// gives an attacker one more window).
#[derive(Debug)]
pub(crate) struct LoginLimiter {
    limits: LoginLimits,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub(crate) fn new(limits: LoginLimits) -> Self {
        Self {
            limits,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a login for `username` from `address` may be tried now.
    pub(crate) fn check(&self, username: &str, address: Option<IpAddr>) -> Result<(), Blocked> {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else {
            return Ok(());
        };
        let account = Key::Account(username.to_string());
        if let Some(wait) = self.wait(&mut failures, &account, self.limits.per_account, now) {
            return Err(Blocked::Account(wait));
        }
        if let Some(address) = address {
            let key = Key::Address(address);
            if let Some(wait) = self.wait(&mut failures, &key, self.limits.per_address, now) {
                return Err(Blocked::Address(wait));
            }
        }
        Ok(())
    }

    /// Counts a failed login.
    pub(crate) fn failed(&self, username: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        failures
            .entry(Key::Account(username.to_string()))
            .or_default()
            .push_back(now);
        if let Some(address) = address {
            failures
                .entry(Key::Address(address))
                .or_default()
                .push_back(now);
        }
        if failures.len() > 100_000 {
            let window = self.limits.window;
            failures.retain(|_, times| times.back().is_some_and(|t| now - *t < window));
        }
    }

    /// Forgets an account's failures (after a successful login).
    pub(crate) fn succeeded(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&Key::Account(username.to_string()));
        }
    }

    /// How long `key` must wait, if it is at `limit`.
    fn wait(
        &self,
        failures: &mut HashMap<Key, VecDeque<Instant>>,
        key: &Key,
        limit: usize,
        now: Instant,
    ) -> Option<Duration> {
        let times = failures.get_mut(key)?;
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.limits.window)
        {
            times.pop_front();
        }
        if times.len() < limit {
            return None;
        }
        times.front().map(|oldest| {
            self.limits
                .window
                .saturating_sub(now.duration_since(*oldest))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LoginLimits {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn an_account_is_blocked_after_its_limit_and_freed_by_success() {
        let l = limiter();
        let ip: IpAddr = "127.0.0.9".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check("ann", Some(ip)).is_ok());
            l.failed("ann", Some(ip));
        }
        assert!(matches!(l.check("ann", None), Err(Blocked::Account(_))));
        assert!(l.check("bob", None).is_ok());
        l.succeeded("ann");
        assert!(l.check("ann", None).is_ok());
    }

    #[test]
    fn an_address_is_blocked_across_accounts() {
        let l = limiter();
        let ip: IpAddr = "127.0.0.9".parse().unwrap();
        for name in ["a", "b", "c", "d", "e"] {
            l.failed(name, Some(ip));
        }
        assert!(matches!(l.check("f", Some(ip)), Err(Blocked::Address(_))));
        assert!(l.check("f", Some("127.0.0.10".parse().unwrap())).is_ok());
    }
}
