use kiln_api::{PageJson, RunView};
use leptos::prelude::*;

/// How many runs the Runs tab lists.
pub const RUN_HISTORY: u64 = 50;

/// Starts a run of `name` (trigger "ui") and returns its id.
#[server(prefix = "/rpc")]
pub async fn start_run(name: String) -> Result<i64, ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.runs
        .start_run(&name, "ui")
        .await
        .map_err(crate::ssr::run_error)
}

/// Asks a live run to stop.
#[server(prefix = "/rpc")]
pub async fn cancel_run(id: i64) -> Result<(), ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.runs.cancel_run(id).await.map_err(crate::ssr::run_error)
}

/// A build's newest runs: `RunsOfBuild`.
#[server(prefix = "/rpc")]
pub async fn list_runs(name: String) -> Result<PageJson, ServerFnError> {
    use kiln_api::RunsOfBuild;
    let ctx = crate::ssr::context()?;
    let runs = ctx
        .runs
        .build_runs(&name, RUN_HISTORY)
        .await
        .map_err(crate::ssr::run_error)?;
    super::page(&RunsOfBuild {
        runs,
        now_ms: crate::ssr::now_ms(),
    })
}

/// One run and its log so far: `RunPageData`.
#[server(prefix = "/rpc")]
pub async fn get_run_page(id: i64) -> Result<PageJson, ServerFnError> {
    use kiln_api::RunPageData;
    let ctx = crate::ssr::context()?;
    let run = ctx.runs.run(id).await.map_err(crate::ssr::run_error)?;
    let log = ctx.runs.run_log(id).await.map_err(crate::ssr::run_error)?;
    super::page(&RunPageData {
        run,
        log,
        now_ms: crate::ssr::now_ms(),
    })
}

/// One run's record (refreshed while it is live).
#[server(prefix = "/rpc")]
pub async fn get_run(id: i64) -> Result<RunView, ServerFnError> {
    let ctx = crate::ssr::context()?;
    ctx.runs.run(id).await.map_err(crate::ssr::run_error)
}

/// A git or files-on-host build's Dockerfile, read where the build runs:
/// `SourceDockerfile`.
#[server(prefix = "/rpc")]
pub async fn get_source_dockerfile(name: String) -> Result<PageJson, ServerFnError> {
    let ctx = crate::ssr::context()?;
    let found = ctx
        .runs
        .source_dockerfile(&name)
        .await
        .map_err(crate::ssr::run_error)?;
    super::page(&found)
}
