//! The stages an EC2 run adds around the build ("Start Build Instance",
//! "Terminate Instance"): streamed to the run's log line by line and
//! recorded like the engine's stages.

use std::sync::Arc;

use kiln_engine::{LogSink, StageRecord, Stream};

/// Komodo's stage names.
pub const START_INSTANCE: &str = "Start Build Instance";
pub const TERMINATE_INSTANCE: &str = "Terminate Instance";

/// A stage in progress.
pub struct Stage {
    sink: Arc<dyn LogSink>,
    record: StageRecord,
}

impl Stage {
    pub fn start(sink: Arc<dyn LogSink>, stage: &str, command: &str) -> Self {
        sink.stage_started(stage, command);
        Self {
            sink,
            record: StageRecord {
                stage: stage.to_string(),
                command: command.to_string(),
                start_ms: crate::runs::now_ms(),
                ..StageRecord::default()
            },
        }
    }

    /// A line of output (stdout).
    pub fn line(&mut self, text: &str) {
        self.push(Stream::Stdout, text);
    }

    /// A line of error output (stderr).
    pub fn error(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
    }

    fn push(&mut self, stream: Stream, text: &str) {
        self.sink.line(&self.record.stage, stream, text);
        let out = match stream {
            Stream::Stdout => &mut self.record.stdout,
            Stream::Stderr => &mut self.record.stderr,
        };
        out.push_str(text);
        out.push('\n');
    }

    /// Ends the stage and returns its record.
    pub fn finish(mut self, success: bool) -> StageRecord {
        self.record.success = success;
        self.record.end_ms = crate::runs::now_ms();
        self.sink.stage_finished(&self.record);
        self.record
    }
}
