//! The latest health of each builder, as the health checker last found it.

use kiln_api::BuilderHealth;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// The latest health of each builder, written by the checker
/// ([`super::start`]) and read for the builders list. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct HealthBoard(Arc<RwLock<BTreeMap<String, BuilderHealth>>>);

impl HealthBoard {
    /// Records `health` for `builder`.
    pub fn set(&self, builder: &str, health: BuilderHealth) {
        if let Ok(mut map) = self.0.write() {
            map.insert(builder.to_string(), health);
        }
    }

    /// What was last recorded for `builder` ([`BuilderHealth::Unknown`]
    /// before its first check).
    pub fn get(&self, builder: &str) -> BuilderHealth {
        self.0
            .read()
            .ok()
            .and_then(|map| map.get(builder).cloned())
            .unwrap_or(BuilderHealth::Unknown)
    }
}
