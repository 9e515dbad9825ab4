//! The web UI's door to runs: [`RunControl`] over the [`RunManager`].

use super::{read_log_file, HostDockerfileError, RunError, RunManager};
use kiln_api::{RunView, SourceDockerfile};
use kiln_app::ssr::{BoxFuture, RunControl};
use kiln_domain::{LogLine, Run};
use kiln_store::StoreError;

impl RunControl for RunManager {
    fn start_run<'a>(
        &'a self,
        build: &'a str,
        trigger: &'a str,
    ) -> BoxFuture<'a, Result<i64, String>> {
        Box::pin(async move {
            self.start(build, trigger)
                .await
                .map(|run| run.id)
                .map_err(message)
        })
    }

    fn cancel_run(&self, run_id: i64) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move { self.cancel(run_id).await.map_err(message) })
    }

    fn build_runs<'a>(
        &'a self,
        build: &'a str,
        limit: u64,
    ) -> BoxFuture<'a, Result<Vec<RunView>, String>> {
        Box::pin(async move {
            let store = self.store();
            store
                .build(build)
                .await
                .map_err(|e| message(RunError::Store(e)))?;
            let runs = store
                .runs_of_build(build, limit)
                .await
                .map_err(|e| message(RunError::Store(e)))?;
            Ok(runs.into_iter().map(|run| self.view(run)).collect())
        })
    }

    fn run(&self, run_id: i64) -> BoxFuture<'_, Result<RunView, String>> {
        Box::pin(async move {
            let run = self
                .store()
                .run(run_id)
                .await
                .map_err(|e| message(RunError::Store(e)))?;
            Ok(self.view(run))
        })
    }

    fn run_log(&self, run_id: i64) -> BoxFuture<'_, Result<Vec<LogLine>, String>> {
        Box::pin(async move {
            if let Some(follow) = self.follow(run_id) {
                return Ok(follow.past);
            }
            read_log_file(self.log_dir(), run_id).map_err(|e| {
                tracing::error!(run_id, error = %e, "cannot read run log");
                INTERNAL.to_string()
            })
        })
    }

    fn source_dockerfile<'a>(
        &'a self,
        build: &'a str,
    ) -> BoxFuture<'a, Result<SourceDockerfile, String>> {
        Box::pin(async move {
            self.host_dockerfile(build).await.map_err(|e| match e {
                HostDockerfileError::Store(e) => message(RunError::Store(e)),
                other => other.to_string(),
            })
        })
    }
}

impl RunManager {
    fn view(&self, run: Run) -> RunView {
        RunView {
            queue_position: self.queue_position(&run),
            run,
        }
    }
}

const INTERNAL: &str = "internal error (see the Kiln server log)";

/// What the user may read of a run error.
fn message(err: RunError) -> String {
    match err {
        RunError::Store(
            e @ (StoreError::Db(_) | StoreError::Connect(_) | StoreError::Corrupt { .. }),
        ) => {
            tracing::error!(error = %e, "store error in a UI run request");
            INTERNAL.to_string()
        }
        other => other.to_string(),
    }
}
