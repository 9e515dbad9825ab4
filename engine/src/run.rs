//! One run from start to end: plan, interpolate, source, pre-build, build,
//! tag, push, and cleanup whatever happened.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use kiln_domain::image::tags;
use tokio_util::sync::CancellationToken;

use crate::build::{docker_build, pre_build, push_all, tag_image, DockerContext};
use crate::docker_api;
use crate::docker_cli::{find_cli, write_docker_config};
use crate::error::{Abort, Outcome};
use crate::inputs::Inputs;
use crate::job::BuildJob;
use crate::output::{BuildOutput, RunResult};
use crate::plan::{job_redactor, Plan};
use crate::source::prepare;
use crate::stage::{names, LogSink, Stages, Stream};

/// Runs `job`; see [`crate::run_build`].
pub(crate) async fn run_job(
    job: BuildJob,
    sink: Arc<dyn LogSink>,
    cancel: CancellationToken,
) -> RunResult {
    // Dropping this future (instead of cancelling) still stops git and
    // child processes: the guard cancels the token the stages watch.
    let cancel = cancel.child_token();
    let _stop_on_drop = cancel.clone().drop_guard();
    let mut job = job;
    let mut redactor = job_redactor(&job);
    job.dirs = match job.dirs.clone().absolute() {
        Ok(dirs) => dirs,
        Err(message) => {
            return RunResult::Failed {
                error: redactor.redact(&message),
                stages: Vec::new(),
            }
        }
    };
    let plan = match Plan::new(&job) {
        Ok(plan) => plan,
        Err(message) => {
            return RunResult::Failed {
                error: redactor.redact(&message),
                stages: Vec::new(),
            }
        }
    };
    let inputs = Inputs::new(&job);
    if let Ok(inputs) = &inputs {
        redactor.extend(
            inputs
                .secret_args
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
    }
    let mut stages = Stages::new(sink, Arc::new(redactor));
    let outcome = match inputs {
        Ok(inputs) => run_with_inputs(&job, &plan, &inputs, &mut stages, &cancel).await,
        Err(error) => {
            let stage = stages.start(names::INTERPOLATE_VARIABLES, "");
            for line in &error.variables_report {
                stage.line(Stream::Stdout, line);
            }
            stages.conclude(&stage, Err(Abort::Failed(error.message)))
        }
    };
    match outcome {
        Ok(mut output) => {
            output.stages = stages.into_records();
            RunResult::Success(output)
        }
        // A failure caused by the cancel (a killed child) is a cancel.
        Err(Abort::Cancelled) | Err(Abort::Failed(_)) if cancel.is_cancelled() => {
            RunResult::Cancelled {
                stages: stages.into_records(),
            }
        }
        Err(Abort::Cancelled) => RunResult::Cancelled {
            stages: stages.into_records(),
        },
        Err(Abort::Failed(message)) => RunResult::Failed {
            error: stages.redact(&message),
            stages: stages.into_records(),
        },
    }
}

/// Records the interpolation stages, then runs in a fresh run directory
/// that is removed afterwards, whatever the outcome.
async fn run_with_inputs(
    job: &BuildJob,
    plan: &Plan,
    inputs: &Inputs,
    stages: &mut Stages,
    cancel: &CancellationToken,
) -> Outcome<BuildOutput> {
    if !inputs.variables_report.is_empty() {
        stages.record(names::INTERPOLATE_VARIABLES, "", &inputs.variables_report);
    }
    if !inputs.secrets_report.is_empty() {
        stages.record(names::INTERPOLATE_SECRETS, "", &inputs.secrets_report);
    }
    check_cancel(cancel)?;
    let run_dir =
        RunDir(create_run_dir(&job.dirs.work_root, &job.build_name).map_err(Abort::Failed)?);
    execute(job, plan, inputs, &run_dir.0, stages, cancel).await
}

/// The run directory, removed when the run ends, however it ends (also when
/// the run's future is dropped). Best effort: a leftover directory must not
/// turn a pushed build into a failure.
struct RunDir(PathBuf);

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn execute(
    job: &BuildJob,
    plan: &Plan,
    inputs: &Inputs,
    run_dir: &Path,
    stages: &mut Stages,
    cancel: &CancellationToken,
) -> Outcome<BuildOutput> {
    let config = &job.config;
    let host = job.docker.host.as_deref();
    let docker = docker_api::connect(host).await.map_err(Abort::Failed)?;
    let cli = find_cli(job.docker.cli.as_deref(), config.use_buildx)
        .await
        .map_err(Abort::Failed)?;
    let docker_config = run_dir.join("docker-config");
    write_docker_config(&docker_config, &plan.docker_auths)
        .map_err(|e| Abort::failed(format!("writing the per-run docker config: {e}")))?;
    let iidfile = run_dir.join("image-id");
    let context = DockerContext {
        docker: &docker,
        cli: &cli,
        host,
        docker_config: &docker_config,
        iidfile: &iidfile,
    };
    check_cancel(cancel)?;
    let prepared = prepare(
        plan,
        &inputs.dockerfile,
        &run_dir.join("build"),
        &job.dirs.clone_cache,
        stages,
        cancel,
    )
    .await?;
    check_cancel(cancel)?;
    if !inputs.pre_build.trim().is_empty() {
        pre_build(&inputs.pre_build, &prepared, plan, &context, stages, cancel).await?;
        check_cancel(cancel)?;
    }
    let version = job.version.to_string();
    let (image_id, size) = docker_build(
        inputs,
        &prepared,
        plan,
        config.use_buildx,
        &version,
        &context,
        stages,
        cancel,
    )
    .await?;
    check_cancel(cancel)?;
    let short = prepared.checkout.as_ref().map(|c| c.short.as_str());
    let tags = tags(config, &job.version, short);
    let local_refs = tag_image(&image_id, plan, &tags, &docker, stages).await?;
    check_cancel(cancel)?;
    let pushed = push_all(&image_id, plan, &tags, &docker, stages, cancel).await?;
    Ok(BuildOutput {
        commit: prepared.checkout.as_ref().map(|c| c.commit.clone()),
        short_commit: prepared.checkout.as_ref().map(|c| c.short.clone()),
        image_id,
        size,
        pushed,
        local_refs,
        stages: Vec::new(),
    })
}

fn check_cancel(cancel: &CancellationToken) -> Outcome<()> {
    if cancel.is_cancelled() {
        Err(Abort::Cancelled)
    } else {
        Ok(())
    }
}

/// A fresh directory for one run, private to this user (it holds the
/// per-run docker config).
fn create_run_dir(work_root: &Path, build_name: &str) -> Result<PathBuf, String> {
    use std::os::unix::fs::DirBuilderExt;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(work_root)
        .map_err(|e| format!("creating the work directory {}: {e}", work_root.display()))?;
    let slug: String = build_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    let dir = work_root.join(format!(
        "{slug}-{}-{}-{}",
        crate::stage::now_ms(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| format!("creating the run directory {}: {e}", dir.display()))?;
    Ok(dir)
}
