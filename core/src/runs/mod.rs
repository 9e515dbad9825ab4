//! Build runs on the server: one live run per build, a queue per builder,
//! cancel, timeout, live logs, and the run records in the store. The build
//! itself is done by `kiln-engine`: on this server (Local builders), on a
//! kiln-agent (Server builders, `remote.rs`), or on a temporary EC2 instance
//! running kiln-agent (Aws builders, `crate::aws`); `execute.rs` dispatches.
//! The manager reaches them through the [`backend::Backend`] trait, so its
//! lock, queue, cancel, timeout and restart handling are tested in process
//! over a scripted fake (`tests/`).

mod backend;
mod execute;
mod host_dockerfile;
mod job;
mod log;
mod manager;
mod remote;
#[cfg(test)]
mod tests;

pub use execute::run_key;
pub use host_dockerfile::HostDockerfileError;
pub(crate) use job::{BuilderTarget, ResolvedBuilder};
pub use log::{read_log_file, LogEvent};
pub use manager::{RunError, RunManager, RunObserver, RunSettings, StartOptions};
pub use remote::run_on_agent;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
