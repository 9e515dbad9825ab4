//! Server-side state reached by server functions through Leptos context.

use kiln_api::{BuilderHealth, BuilderView, RunView, SourceDockerfile, LOCAL_BUILDER};
use kiln_domain::LogLine;
use kiln_store::{Store, StoreError};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

/// Everything server functions need, provided by the server per request.
#[derive(Clone)]
pub struct AppContext {
    pub store: Store,
    pub health: HealthBoard,
    pub runs: Arc<dyn RunControl>,
}

impl std::fmt::Debug for AppContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppContext")
            .field("store", &self.store)
            .field("health", &self.health)
            .finish_non_exhaustive()
    }
}

/// A boxed future, so [`RunControl`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Starts, cancels and reads runs; implemented by the server's run manager.
/// Errors are messages a user may see (internals are logged, not returned).
pub trait RunControl: Send + Sync {
    /// Starts a run of `build` and returns its id.
    fn start_run<'a>(
        &'a self,
        build: &'a str,
        trigger: &'a str,
    ) -> BoxFuture<'a, Result<i64, String>>;
    /// Asks a live run to stop.
    fn cancel_run(&self, run_id: i64) -> BoxFuture<'_, Result<(), String>>;
    /// The newest `limit` runs of `build`, newest first.
    fn build_runs<'a>(
        &'a self,
        build: &'a str,
        limit: u64,
    ) -> BoxFuture<'a, Result<Vec<RunView>, String>>;
    /// One run.
    fn run(&self, run_id: i64) -> BoxFuture<'_, Result<RunView, String>>;
    /// The log lines printed so far (all of them once the run has ended).
    fn run_log(&self, run_id: i64) -> BoxFuture<'_, Result<Vec<LogLine>, String>>;
    /// A git or files-on-host build's Dockerfile, read where it runs.
    fn source_dockerfile<'a>(
        &'a self,
        build: &'a str,
    ) -> BoxFuture<'a, Result<SourceDockerfile, String>>;
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

/// `scheme://host` of the current request, for absolute URLs shown in pages
/// (webhook URLs). Falls back to a relative URL when the request has no Host.
pub fn request_origin() -> String {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return String::new();
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let Some(host) = header("x-forwarded-host").or_else(|| header("host")) else {
        return String::new();
    };
    let scheme = header("x-forwarded-proto").unwrap_or_else(|| "http".to_string());
    format!("{scheme}://{host}")
}

/// Now in Unix milliseconds (sent to the browser so both sides show the same ages).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A message for a server function from a [`RunControl`] error.
pub fn run_error(message: String) -> ServerFnError {
    ServerFnError::new(message)
}
