//! Stage records and the live log sink.
//!
//! Every line goes through the run's [`Redactor`] before it reaches the sink
//! or a record.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Abort, Outcome};
use crate::redact::Redactor;

/// Stage records, streams and pushed images are the domain's types, so the
/// server stores exactly what the engine reports.
pub use kiln_domain::{StageRecord, Stream};

/// Receives a run's progress as it happens. Called from several threads;
/// calls for one stage arrive in order. Everything is already redacted.
pub trait LogSink: Send + Sync {
    /// A stage began; `command` is what it runs (may be empty).
    fn stage_started(&self, stage: &str, command: &str);
    /// One line of output, as soon as it was printed.
    fn line(&self, stage: &str, stream: Stream, line: &str);
    /// A stage ended; the record is also in the run's result.
    fn stage_finished(&self, record: &StageRecord);
}

/// Stage names used by the engine.
pub mod names {
    pub const INTERPOLATE_VARIABLES: &str = "Interpolate Variables";
    pub const INTERPOLATE_SECRETS: &str = "Interpolate Secrets";
    pub const CLONE_REPO: &str = "Clone Repo";
    pub const LATEST_COMMIT: &str = "Latest Commit";
    pub const WRITE_DOCKERFILE: &str = "Write Dockerfile";
    pub const PRE_BUILD: &str = "Pre Build";
    pub const DOCKER_BUILD: &str = "Docker Build";
    pub const TAG: &str = "Tag";
    pub const PUSH: &str = "Push";
}

/// The stages of one run: starts and finishes them, keeps the records.
pub(crate) struct Stages {
    sink: Arc<dyn LogSink>,
    redactor: Arc<Redactor>,
    records: Vec<StageRecord>,
}

/// A running stage. Cheap to clone and `Send`: git callbacks and output
/// readers add lines to it from other threads.
#[derive(Clone)]
pub(crate) struct StageHandle {
    inner: Arc<StageInner>,
}

struct StageInner {
    stage: String,
    command: String,
    start_ms: i64,
    sink: Arc<dyn LogSink>,
    redactor: Arc<Redactor>,
    output: Mutex<Output>,
}

#[derive(Default)]
struct Output {
    stdout: Capped,
    stderr: Capped,
    /// The last lines of both streams, for error messages.
    tail: VecDeque<(Stream, String)>,
}

impl Stages {
    pub(crate) fn new(sink: Arc<dyn LogSink>, redactor: Arc<Redactor>) -> Self {
        Self {
            sink,
            redactor,
            records: Vec::new(),
        }
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }

    /// Starts a stage and tells the sink.
    pub(crate) fn start(&self, stage: &str, command: &str) -> StageHandle {
        let command = self.redactor.redact(command);
        self.sink.stage_started(stage, &command);
        StageHandle {
            inner: Arc::new(StageInner {
                stage: stage.to_string(),
                command,
                start_ms: now_ms(),
                sink: Arc::clone(&self.sink),
                redactor: Arc::clone(&self.redactor),
                output: Mutex::new(Output::default()),
            }),
        }
    }

    /// Ends a stage, records it and tells the sink.
    pub(crate) fn finish(&mut self, handle: &StageHandle, success: bool) {
        let record = {
            let output = handle.output();
            StageRecord {
                stage: handle.inner.stage.clone(),
                command: handle.inner.command.clone(),
                stdout: output.stdout.text(),
                stderr: output.stderr.text(),
                success,
                start_ms: handle.inner.start_ms,
                end_ms: now_ms(),
            }
        };
        self.sink.stage_finished(&record);
        self.records.push(record);
    }

    /// Ends a stage with the outcome of its work: a failure message goes to
    /// its stderr, a cancellation marks it failed.
    pub(crate) fn conclude<T>(&mut self, handle: &StageHandle, outcome: Outcome<T>) -> Outcome<T> {
        match &outcome {
            Ok(_) => self.finish(handle, true),
            Err(Abort::Failed(message)) => {
                handle.text(Stream::Stderr, message);
                self.finish(handle, false);
            }
            Err(Abort::Cancelled) => {
                handle.line(Stream::Stderr, "cancelled");
                self.finish(handle, false);
            }
        }
        outcome
    }

    /// Records a stage that did its work without running anything.
    pub(crate) fn record(&mut self, stage: &str, command: &str, stdout: &[String]) {
        let handle = self.start(stage, command);
        for line in stdout {
            handle.line(Stream::Stdout, line);
        }
        self.finish(&handle, true);
    }

    pub(crate) fn into_records(self) -> Vec<StageRecord> {
        self.records
    }
}

impl StageHandle {
    /// Adds one line (redacted) to the stage and sends it to the sink.
    pub(crate) fn line(&self, stream: Stream, line: &str) {
        let line = self.inner.redactor.redact(line);
        {
            let mut output = self.output();
            match stream {
                Stream::Stdout => output.stdout.push_line(&line),
                Stream::Stderr => output.stderr.push_line(&line),
            }
            if output.tail.len() == TAIL_LINES {
                output.tail.pop_front();
            }
            output.tail.push_back((stream, line.clone()));
        }
        self.inner.sink.line(&self.inner.stage, stream, &line);
    }

    /// Adds each line of `text`.
    pub(crate) fn text(&self, stream: Stream, text: &str) {
        for line in text.lines() {
            self.line(stream, line);
        }
    }

    /// The last lines printed on either stream (redacted), oldest first.
    pub(crate) fn tail(&self) -> Vec<(Stream, String)> {
        self.output().tail.iter().cloned().collect()
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        // A panic while holding the lock leaves plain text behind: keep going.
        self.inner
            .output
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Lines kept for error messages.
const TAIL_LINES: usize = 40;
/// Most bytes kept per stream in a record; older output is dropped first.
const MAX_STREAM_BYTES: usize = 4 * 1024 * 1024;

/// Text that keeps its last [`MAX_STREAM_BYTES`] bytes.
#[derive(Default)]
struct Capped {
    text: String,
    truncated: bool,
}

impl Capped {
    fn push_line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        if self.text.len() > MAX_STREAM_BYTES {
            let mut cut = self.text.len() - MAX_STREAM_BYTES / 2;
            while !self.text.is_char_boundary(cut) {
                cut += 1;
            }
            self.text.drain(..cut);
            self.truncated = true;
        }
    }

    fn text(&self) -> String {
        if self.truncated {
            format!("[earlier output dropped]\n{}", self.text)
        } else {
            self.text.clone()
        }
    }
}
