//! Kiln's build executor: runs ONE build on the machine where it runs (the
//! server's Local builder, later the remote agent). No database: the caller
//! owns run records, locks, queues, timeouts and version bookkeeping.
//!
//! # Use
//!
//! ```no_run
//! # async fn example(job: kiln_engine::BuildJob, sink: std::sync::Arc<dyn kiln_engine::LogSink>) {
//! let cancel = tokio_util::sync::CancellationToken::new();
//! match kiln_engine::run_build(job, sink, cancel.clone()).await {
//!     kiln_engine::RunResult::Success(output) => println!("built {}", output.image_id),
//!     kiln_engine::RunResult::Failed { error, .. } => eprintln!("{error}"),
//!     kiln_engine::RunResult::Cancelled { .. } => eprintln!("cancelled"),
//! }
//! # }
//! ```
//!
//! # What a run does, stage by stage (Komodo's stage names)
//!
//! 1. Checks the job: source kind, `build_path` / `dockerfile_path` /
//!    `pre_build.path` (relative, no `..`, for git and UI sources), image
//!    names, accounts. Failures here end the run before anything is written.
//! 2. "Interpolate Variables" / "Interpolate Secrets": `[[NAME]]` in the
//!    Dockerfile, build args, secret args, labels, extra args and pre-build
//!    command; variables first, then secrets (not into build args with
//!    `skip_secret_interp`); `[[VERSION]]` is the version; unknown names fail.
//! 3. Source: the UI Dockerfile ("Write Dockerfile"), a host directory
//!    (`files_on_host`), or git ("Clone Repo", "Latest Commit", and "Write
//!    Dockerfile" when the build also has a Dockerfile). Git fetches into the
//!    Build's clone cache (shallow unless a commit is pinned, submodules too,
//!    the git token only through the credential callback, at most 3 tries)
//!    and checks out into a fresh directory; symlinks leading out of it are
//!    refused.
//! 4. "Pre Build": `sh -c` in `pre_build.path` (lines joined with ` && `
//!    unless `shell_mode`).
//! 5. "Docker Build": the docker CLI with BuildKit (`--progress=plain`;
//!    `buildx build --load` with `use_buildx`), build args plus `VERSION`,
//!    `--secret id=KEY,env=…` (values only in the child's environment),
//!    labels plus OCI labels, builder and build extra args, `-f`, context.
//!    On an engine without a `bridge` network, and when neither set of extra
//!    args chooses `--network`, the build gets `--network none` and its log
//!    says so ([`DefaultNetwork`]).
//!    The CLI gets `DOCKER_HOST` and a per-run `DOCKER_CONFIG`, never
//!    `~/.docker`.
//! 6. "Tag" (bollard): every registry path × tag, or `image_name:tag`
//!    without registries. "Push" (bollard, one stage per registry path):
//!    per-call credentials, so two accounts on one domain work.
//!
//! Every output line reaches the [`LogSink`] as it is printed. Secret
//! variable values, the git token, registry tokens and secret arg values
//! are replaced by `<NAME>` in every line, command, record and error
//! ([`Redactor`]). Cancel (the token) stops any stage: child process groups
//! are killed, git is aborted from its callbacks, the run directory is
//! removed, and the result is [`RunResult::Cancelled`]. Whatever does not
//! stop within [`STOP_GRACE`] (a git server or Docker engine that never
//! answers) is abandoned: the run returns anyway, git's own connect and
//! read timeouts end an abandoned fetch later, and the clone cache it may
//! still write is not used by another run until it has ended (the next run
//! waits a few seconds, then fetches into a temporary cache and says so).

mod build;
mod cache_lock;
mod cached_dockerfile;
mod docker_api;
mod docker_cli;
mod error;
mod git;
mod host_dockerfile;
pub mod host_path;
mod inputs;
mod interpolate;
mod job;
pub mod net_policy;
mod network;
mod output;
mod paths;
mod plan;
mod process;
mod push;
mod redact;
mod run;
mod source;
mod stage;
mod stop;

use std::sync::Arc;

pub use cached_dockerfile::{read_cached_dockerfile, CachedDockerfile};
pub use host_dockerfile::{read_host_dockerfile, HostDockerfileError, MAX_DOCKERFILE_BYTES};
pub use job::{BuildJob, DockerSettings, JobDirs};
pub use net_policy::{NetPolicy, NetPolicyError};
pub use network::{DefaultNetwork, FALLBACK_NETWORK};
pub use output::{BuildOutput, PushedImage, RunResult};
pub use redact::Redactor;
pub use stage::{names as stage_names, LogSink, StageRecord, Stream};
pub use stop::STOP_GRACE;
pub use tokio_util::sync::CancellationToken;

/// Runs one build to the end, or until `cancel` fires. Never panics on bad
/// input: every problem ends in [`RunResult::Failed`] with a clear,
/// redacted message. The run directory under `job.dirs.work_root` is
/// removed in every case; the clone cache is kept.
///
/// Cancel ends the run within [`STOP_GRACE`] whatever it waits on: work
/// that does not stop in time (a git fetch from a server that sends
/// nothing, a Docker call that never answers) is abandoned and ends in the
/// background, and the result is [`RunResult::Cancelled`] with a failed
/// record for each stage it left unfinished. Once this returns, `sink` is
/// never called again and no longer referenced.
pub async fn run_build(
    job: BuildJob,
    sink: Arc<dyn LogSink>,
    cancel: CancellationToken,
) -> RunResult {
    let guarded = stop::GuardedSink::new(sink);
    let run = run::run_job(job, guarded.clone(), cancel.clone());
    stop::run_bounded(run, &guarded, &cancel, STOP_GRACE).await
}
