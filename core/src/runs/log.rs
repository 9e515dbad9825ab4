//! A run's live log: kept in memory while the run is live, appended to
//! `runs/<id>.log` (JSON lines) as it goes, broadcast to followers, and
//! replayed from the start for late readers.

use kiln_domain::{LogLine, Stream};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tokio::sync::broadcast;

/// What a follower receives.
#[derive(Clone, Debug)]
pub enum LogEvent {
    Line(LogLine),
    /// The run ended; no more lines will come.
    End,
}

pub struct RunLog {
    path: PathBuf,
    state: Mutex<State>,
    events: broadcast::Sender<LogEvent>,
}

struct State {
    lines: Vec<LogLine>,
    file: Option<std::fs::File>,
    ended: bool,
}

/// A snapshot of the past plus a receiver for what comes next, taken
/// atomically so no line is missed or repeated.
pub struct Follow {
    pub past: Vec<LogLine>,
    pub ended: bool,
    pub next: broadcast::Receiver<LogEvent>,
}

impl RunLog {
    pub fn create(dir: &Path, run_id: i64) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = log_path(dir, run_id);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        let (events, _) = broadcast::channel(4096);
        Ok(Self {
            path,
            state: Mutex::new(State {
                lines: Vec::new(),
                file: Some(file),
                ended: false,
            }),
            events,
        })
    }

    pub fn push(&self, stage: &str, stream: Stream, text: &str) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.ended {
            return;
        }
        let line = LogLine {
            seq: state.lines.len() as u64,
            stage: stage.to_string(),
            stream,
            text: text.to_string(),
            ts_ms: crate::runs::now_ms(),
        };
        if let Some(file) = state.file.as_mut() {
            let written = serde_json::to_string(&line).map(|json| writeln!(file, "{json}"));
            if !matches!(written, Ok(Ok(()))) {
                tracing::warn!(path = %self.path.display(), "cannot append to run log");
                state.file = None;
            }
        }
        state.lines.push(line.clone());
        let _ = self.events.send(LogEvent::Line(line));
    }

    pub fn end(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.ended = true;
            if let Some(file) = state.file.take() {
                let _ = file.sync_all();
            }
            let _ = self.events.send(LogEvent::End);
        }
    }

    /// Lines are sent under the state lock, so subscribing under it too
    /// splits the log exactly between `past` and `next`.
    pub fn follow(&self) -> Follow {
        match self.state.lock() {
            Ok(state) => Follow {
                past: state.lines.clone(),
                ended: state.ended,
                next: self.events.subscribe(),
            },
            Err(_) => Follow {
                past: Vec::new(),
                ended: true,
                next: self.events.subscribe(),
            },
        }
    }
}

pub fn log_path(dir: &Path, run_id: i64) -> PathBuf {
    dir.join(format!("{run_id}.log"))
}

/// Reads a finished run's log file; a missing file is an empty log.
pub fn read_log_file(dir: &Path, run_id: i64) -> std::io::Result<Vec<LogLine>> {
    let text = match std::fs::read_to_string(log_path(dir, run_id)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}
