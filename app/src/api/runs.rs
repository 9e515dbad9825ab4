use kiln_api::{PageJson, RunView};
use leptos::prelude::*;

/// How many runs the Runs tab lists.
pub const RUN_HISTORY: u64 = 50;

/// Starts a run of `name` (the core records trigger "ui") and returns its id.
#[server(prefix = "/rpc")]
pub async fn start_run(name: String) -> Result<i64, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let view = kiln()?
        .start_run(&crate::ssr::actor()?, &name)
        .await
        .map_err(core_error)?;
    Ok(view.run.id)
}

/// Asks a live run to stop.
#[server(prefix = "/rpc")]
pub async fn cancel_run(id: i64) -> Result<(), ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .cancel_run(&crate::ssr::actor()?, id)
        .await
        .map_err(core_error)
}

/// A build's newest runs: `RunsOfBuild`.
#[server(prefix = "/rpc")]
pub async fn list_runs(name: String) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln, now_ms};
    let runs = kiln()?
        .runs_of_build(&crate::ssr::actor()?, &name, RUN_HISTORY)
        .await
        .map_err(core_error)?;
    super::page(&kiln_api::RunsOfBuild {
        runs,
        now_ms: now_ms(),
    })
}

/// One run and its log so far: `RunPageData`.
#[server(prefix = "/rpc")]
pub async fn get_run_page(id: i64) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln, now_ms};
    let kiln = kiln()?;
    let run = kiln
        .run(&crate::ssr::actor()?, id)
        .await
        .map_err(core_error)?;
    let log = kiln
        .run_log(&crate::ssr::actor()?, id)
        .await
        .map_err(core_error)?;
    super::page(&kiln_api::RunPageData {
        run,
        log,
        now_ms: now_ms(),
    })
}

/// One run's record (refreshed while it is live).
#[server(prefix = "/rpc")]
pub async fn get_run(id: i64) -> Result<RunView, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    kiln()?
        .run(&crate::ssr::actor()?, id)
        .await
        .map_err(core_error)
}

/// A git or files-on-host build's Dockerfile, read where the build runs:
/// `SourceDockerfile`.
#[server(prefix = "/rpc")]
pub async fn get_source_dockerfile(name: String) -> Result<PageJson, ServerFnError> {
    use crate::ssr::{core_error, kiln};
    let found = kiln()?
        .source_dockerfile(&crate::ssr::actor()?, &name)
        .await
        .map_err(core_error)?;
    super::page(&found)
}
