//! The builds running on this agent, by run key, so a Cancel can reach them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

/// Live builds: run key → cancel token.
#[derive(Clone, Default)]
pub struct LiveBuilds(Arc<Mutex<HashMap<String, CancellationToken>>>);

/// Removes its build from [`LiveBuilds`] when dropped.
pub struct Registration {
    builds: LiveBuilds,
    key: String,
}

impl LiveBuilds {
    /// Registers a build; `None` when a build with this key is running.
    pub fn register(&self, key: &str, token: CancellationToken) -> Option<Registration> {
        let mut map = self.lock();
        if map.contains_key(key) {
            return None;
        }
        map.insert(key.to_string(), token);
        Some(Registration {
            builds: self.clone(),
            key: key.to_string(),
        })
    }

    /// Cancels the build with this key; false when none runs.
    pub fn cancel(&self, key: &str) -> bool {
        match self.lock().get(key) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancellationToken>> {
        match self.0.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.builds.lock().remove(&self.key);
    }
}
