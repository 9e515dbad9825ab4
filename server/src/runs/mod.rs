//! Build runs on the server: one live run per build, a queue per builder,
//! cancel, timeout, live logs, and the run records in the store. The build
//! itself is done by `kiln-engine`.

mod job;
mod log;
mod manager;

pub use log::{read_log_file, LogEvent};
pub use manager::{RunError, RunManager, RunSettings};

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
