//! Getting the build context in place: the UI Dockerfile, a host directory,
//! or a git checkout (with an optional Dockerfile written over it).

use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use crate::cache_lock::{self, CacheLease};
use crate::error::{Abort, Outcome};
use crate::git::{fetch_and_checkout, Checkout, GitSource};
use crate::paths::resolve_inside;
use crate::plan::{Plan, SourcePlan};
use crate::stage::{names, StageHandle, Stages, Stream};

/// The build context, ready for pre-build and `docker build`.
pub(crate) struct Prepared {
    /// The working directory of `docker build`.
    pub context: PathBuf,
    /// The Dockerfile, relative to `context` (as passed to `-f`).
    pub dockerfile: PathBuf,
    /// The working directory of the pre-build command.
    pub pre_build_dir: PathBuf,
    /// The commit built (git sources).
    pub checkout: Option<Checkout>,
    /// `http(s)://provider/repo` (git sources).
    pub source_url: Option<String>,
}

/// Prepares the source in `build_dir` (a path under the run directory that
/// does not exist yet; unused for host sources).
pub(crate) async fn prepare(
    plan: &Plan,
    dockerfile_text: &str,
    build_dir: &Path,
    clone_cache: &Path,
    stages: &mut Stages,
    cancel: &CancellationToken,
) -> Outcome<Prepared> {
    match &plan.source {
        SourcePlan::Host(dir) => Ok(Prepared {
            context: dir.clone(),
            dockerfile: plan.dockerfile_path.clone(),
            pre_build_dir: dir.join(&plan.pre_build_path),
            checkout: None,
            source_url: None,
        }),
        SourcePlan::Ui => {
            std::fs::create_dir_all(build_dir).map_err(|e| {
                Abort::failed(format!(
                    "creating the build directory {}: {e}",
                    build_dir.display()
                ))
            })?;
            let paths = checked_paths(plan, build_dir)?;
            write_dockerfile(plan, &paths, dockerfile_text, stages)?;
            Ok(Prepared {
                context: paths.context,
                dockerfile: plan.dockerfile_path.clone(),
                pre_build_dir: paths.pre_build_dir,
                checkout: None,
                source_url: None,
            })
        }
        SourcePlan::Git { source, source_url } => {
            let checkout = clone(source, clone_cache, build_dir, stages, cancel).await?;
            let latest = stages.start(names::LATEST_COMMIT, "");
            latest.line(Stream::Stdout, &format!("commit: {}", checkout.commit));
            latest.line(Stream::Stdout, &format!("short: {}", checkout.short));
            latest.line(Stream::Stdout, &format!("message: {}", checkout.summary));
            stages.finish(&latest, true);
            let paths = checked_paths(plan, build_dir)?;
            if !dockerfile_text.trim().is_empty() {
                write_dockerfile(plan, &paths, dockerfile_text, stages)?;
            }
            if !paths.context.is_dir() {
                return Err(Abort::failed(format!(
                    "build_path '{}' is not a directory in the repository",
                    plan.build_path.display()
                )));
            }
            Ok(Prepared {
                context: paths.context,
                dockerfile: plan.dockerfile_path.clone(),
                pre_build_dir: paths.pre_build_dir,
                checkout: Some(checkout),
                source_url: Some(source_url.clone()),
            })
        }
    }
}

/// The paths of a git or UI source, resolved inside the build directory
/// (symlinks leading out are refused) before anything is written or run.
struct Paths {
    context: PathBuf,
    dockerfile: PathBuf,
    pre_build_dir: PathBuf,
}

fn checked_paths(plan: &Plan, build_dir: &Path) -> Outcome<Paths> {
    let shown = |p: &Path| p.display().to_string();
    let build_path = &plan.build_path;
    let context = resolve_inside(build_dir, build_path, "build_path", &shown(build_path))
        .map_err(Abort::Failed)?;
    let dockerfile_rel = build_path.join(&plan.dockerfile_path);
    let dockerfile = resolve_inside(
        build_dir,
        &dockerfile_rel,
        "dockerfile_path",
        &shown(&plan.dockerfile_path),
    )
    .map_err(Abort::Failed)?;
    let pre_build_dir = resolve_inside(
        build_dir,
        &plan.pre_build_path,
        "pre_build.path",
        &shown(&plan.pre_build_path),
    )
    .map_err(Abort::Failed)?;
    Ok(Paths {
        context,
        dockerfile,
        pre_build_dir,
    })
}

/// The "Write Dockerfile" stage.
fn write_dockerfile(plan: &Plan, paths: &Paths, text: &str, stages: &mut Stages) -> Outcome<()> {
    let shown = plan.build_path.join(&plan.dockerfile_path);
    let stage = stages.start(
        names::WRITE_DOCKERFILE,
        &format!("write {}", shown.display()),
    );
    let written = paths
        .dockerfile
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&paths.dockerfile, text))
        .map_err(|e| Abort::failed(format!("writing {}: {e}", shown.display())));
    if written.is_ok() {
        stage.line(
            Stream::Stdout,
            &format!("wrote {} ({} bytes)", shown.display(), text.len()),
        );
    }
    stages.conclude(&stage, written)
}

/// The "Clone Repo" stage: git work on a blocking thread, cancel honoured
/// even while the server is silent.
async fn clone(
    source: &GitSource,
    clone_cache: &Path,
    build_dir: &Path,
    stages: &mut Stages,
    cancel: &CancellationToken,
) -> Outcome<Checkout> {
    let command = clone_command(source);
    let stage = stages.start(names::CLONE_REPO, &command);
    let (cache, lease) = match take_cache(clone_cache, build_dir, &stage, cancel).await {
        Ok(taken) => taken,
        Err(abort) => return stages.conclude(&stage, Err(abort)),
    };
    let task = {
        let (source, dest) = (source.clone(), build_dir.to_path_buf());
        let (stage, cancel) = (stage.clone(), cancel.clone());
        tokio::task::spawn_blocking(move || {
            // Held until git is done with the cache, also when the run has
            // stopped waiting for this thread.
            let _lease = lease;
            fetch_and_checkout(&source, &cache, &dest, &stage, &cancel)
        })
    };
    tokio::pin!(task);
    let outcome = tokio::select! {
        joined = &mut task => joined.unwrap_or_else(|e| Err(Abort::failed(format!("the git task failed: {e}")))),
        () = cancel.cancelled() => {
            // Callbacks abort libgit2 at its next progress report; a server
            // that sends nothing cannot hold the run: stop waiting. The
            // thread ends at git's read timeout and keeps the cache's lease
            // until then.
            let _ = tokio::time::timeout(CLONE_CANCEL_GRACE, &mut task).await;
            Err(Abort::Cancelled)
        }
    };
    stages.conclude(&stage, outcome)
}

/// How long a cancelled clone gets to notice before the run moves on.
const CLONE_CANCEL_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// How long a run waits for a clone cache that an abandoned fetch of an
/// earlier run still holds, before it fetches into a temporary cache.
const BUSY_CACHE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The clone cache this run fetches into, with its lease (none for a
/// temporary cache): the build's cache, or, while an abandoned fetch still
/// holds it, a temporary one beside `build_dir` in the run directory
/// (removed with it).
async fn take_cache(
    clone_cache: &Path,
    build_dir: &Path,
    stage: &StageHandle,
    cancel: &CancellationToken,
) -> Outcome<(PathBuf, Option<CacheLease>)> {
    if let Some(lease) = cache_lock::try_acquire(clone_cache) {
        return Ok((clone_cache.to_path_buf(), Some(lease)));
    }
    stage.line(
        Stream::Stdout,
        &format!(
            "the clone cache {} is still used by an abandoned fetch of an earlier run: waiting up to {} s for it to stop",
            clone_cache.display(),
            BUSY_CACHE_WAIT.as_secs()
        ),
    );
    match cache_lock::acquire(clone_cache, BUSY_CACHE_WAIT, cancel).await {
        cache_lock::Acquired::Taken(lease) => {
            stage.line(Stream::Stdout, "the abandoned fetch has stopped");
            Ok((clone_cache.to_path_buf(), Some(lease)))
        }
        cache_lock::Acquired::Cancelled => Err(Abort::Cancelled),
        cache_lock::Acquired::Busy => {
            let temporary = build_dir.parent().unwrap_or(build_dir).join("clone-cache");
            stage.line(
                Stream::Stdout,
                &format!(
                    "it has not stopped: this run fetches into a temporary clone cache {} (removed after the run; the build's cache is left alone)",
                    temporary.display()
                ),
            );
            Ok((temporary, None))
        }
    }
}

/// What the clone stage does, in git's words (the token never appears).
fn clone_command(source: &GitSource) -> String {
    match &source.commit {
        Some(commit) => format!(
            "git clone --recurse-submodules --branch {} {} && git checkout {commit}",
            source.branch, source.url
        ),
        None => format!(
            "git clone --recurse-submodules --depth 1 --branch {} {}",
            source.branch, source.url
        ),
    }
}
