//! Server-side state reached by server functions through Leptos context.

use crate::wire::{BuilderHealth, BuilderView, LOCAL_BUILDER};
use kiln_store::{Store, StoreError};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Everything server functions need, provided by the server per request.
#[derive(Clone, Debug)]
pub struct AppContext {
    pub store: Store,
    pub health: HealthBoard,
}

/// The latest health of each builder, written by the server's checker.
#[derive(Clone, Debug, Default)]
pub struct HealthBoard(Arc<RwLock<BTreeMap<String, BuilderHealth>>>);

impl HealthBoard {
    pub fn set(&self, builder: &str, health: BuilderHealth) {
        if let Ok(mut map) = self.0.write() {
            map.insert(builder.to_string(), health);
        }
    }

    pub fn get(&self, builder: &str) -> BuilderHealth {
        self.0
            .read()
            .ok()
            .and_then(|map| map.get(builder).cloned())
            .unwrap_or(BuilderHealth::Unknown)
    }
}

/// The per-request [`AppContext`], or an error if the server forgot it.
pub fn context() -> Result<AppContext, ServerFnError> {
    use_context::<AppContext>().ok_or_else(|| ServerFnError::new("server context is missing"))
}

/// Turns a store error into the message a user may see; internals are logged
/// and replaced by a generic text.
pub fn user_error(err: StoreError) -> ServerFnError {
    match err {
        StoreError::Db(_) | StoreError::Connect(_) | StoreError::Corrupt { .. } => {
            tracing::error!(error = %err, "store error in server function");
            ServerFnError::new("internal error (see the Kiln server log)")
        }
        other => ServerFnError::new(other.to_string()),
    }
}

/// The built-in Local builder first, then every stored builder, with health.
pub async fn builder_views(ctx: &AppContext) -> Result<Vec<BuilderView>, StoreError> {
    let stored = ctx.store.list_builders().await?;
    let local = BuilderView {
        name: LOCAL_BUILDER.to_string(),
        kind: "Local".to_string(),
        health: ctx.health.get(LOCAL_BUILDER),
    };
    let others = stored.iter().map(|b| BuilderView {
        name: b.name.to_string(),
        kind: b.config.kind().to_string(),
        health: ctx.health.get(b.name.as_str()),
    });
    Ok(std::iter::once(local).chain(others).collect())
}
