//! Identity: who a request comes from ([`Caller`]), how they prove it
//! (sessions, API keys, the one-time setup link), and the limits on
//! guessing (failed logins). The operations are `ops/users.rs`.

mod caller;
mod limiter;
pub(crate) mod secrets;

pub use caller::{Caller, Credential};
pub use limiter::LoginLimits;
pub(crate) use limiter::{Blocked, LoginLimiter};

use std::sync::Mutex;
use std::time::Duration;

/// How sessions expire and how failed logins are limited.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// A session unused this long ends (default 12 hours).
    pub session_idle: Duration,
    /// A session ends this long after login, used or not (default 7 days).
    pub session_max: Duration,
    /// Failed logins allowed per account and per address.
    pub login_limits: LoginLimits,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(12 * 3600),
            session_max: Duration::from_secs(7 * 24 * 3600),
            login_limits: LoginLimits::default(),
        }
    }
}

/// The core's identity state besides the store.
#[derive(Debug)]
pub(crate) struct AuthState {
    pub(crate) settings: AuthSettings,
    pub(crate) limiter: LoginLimiter,
    /// The setup link's token while Kiln has no user (None once it has).
    pub(crate) setup_token: Mutex<Option<String>>,
}

impl AuthState {
    pub(crate) fn new(settings: AuthSettings) -> Self {
        Self {
            limiter: LoginLimiter::new(settings.login_limits),
            settings,
            setup_token: Mutex::new(None),
        }
    }
}
