//! Follows a run's live log with an EventSource on `/api/v1/runs/{id}/log`
//! (`event: line` with a JSON `LogLine`, then `event: end` with the `Run`).

use crate::components::parse_json;
use kiln_domain::{LogLine, Run};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

/// An open subscription; closed on [`LogFollower::close`] or drop.
pub struct LogFollower {
    source: Option<EventSource>,
    _on_line: Closure<dyn FnMut(MessageEvent)>,
    _on_end: Closure<dyn FnMut(MessageEvent)>,
}

impl LogFollower {
    pub fn close(&self) {
        if let Some(source) = &self.source {
            source.close();
        }
    }
}

impl Drop for LogFollower {
    fn drop(&mut self) {
        self.close();
    }
}

/// Opens the log stream: `on_line` for every line (past lines first),
/// `on_end` once with the final run record. The stream is closed at the end
/// (an EventSource would otherwise reconnect and replay the log).
pub fn follow_log(
    run_id: i64,
    on_line: impl Fn(LogLine) + 'static,
    on_end: impl Fn(Option<Run>) + 'static,
) -> LogFollower {
    let source = EventSource::new(&format!("/api/v1/runs/{run_id}/log")).ok();
    let on_line = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let parsed = event
            .data()
            .as_string()
            .and_then(|data| parse_json::<LogLine>(&data).ok());
        if let Some(line) = parsed {
            on_line(line);
        }
    });
    let closer = source.clone();
    let on_end = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(source) = &closer {
            source.close();
        }
        let run = event
            .data()
            .as_string()
            .and_then(|data| parse_json::<Run>(&data).ok());
        on_end(run);
    });
    if let Some(source) = &source {
        let _ = source.add_event_listener_with_callback("line", on_line.as_ref().unchecked_ref());
        let _ = source.add_event_listener_with_callback("end", on_end.as_ref().unchecked_ref());
    }
    LogFollower {
        source,
        _on_line: on_line,
        _on_end: on_end,
    }
}
