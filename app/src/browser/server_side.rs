//! The server build's stand-ins: none of these run during server rendering.

use kiln_domain::{LogLine, Run};
use leptos::html::{Div, Input};
use leptos::prelude::NodeRef;

/// Now in Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub fn mark_hydrated() {}

/// The signed-in user's name (the request's caller on the server).
pub fn signed_in_user() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::caller().map(|c| c.username().to_string())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Whether the signed-in user is an admin (the request's caller).
pub fn signed_in_admin() -> bool {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::caller().is_some_and(|c| c.is_admin())
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

pub fn draft_load(_key: &str) -> Option<String> {
    None
}

pub fn draft_save(_key: &str, _value: &str) {}

pub fn draft_clear(_key: &str) {}

pub fn scroll_to_end(_node: NodeRef<Div>) {}

pub fn read_file_text(_input: NodeRef<Input>, _on_text: impl Fn(String) + 'static) {}

/// A live log subscription (browser only).
pub struct LogFollower;

impl LogFollower {
    pub fn close(&self) {}
}

pub fn follow_log(
    _run_id: i64,
    _on_line: impl Fn(LogLine) + 'static,
    _on_end: impl Fn(Option<Run>) + 'static,
) -> LogFollower {
    LogFollower
}

/// A Monaco editor (browser only).
pub struct Editor;

pub fn mount_editor(
    _node: NodeRef<Div>,
    _value: &str,
    _read_only: bool,
    _on_change: impl Fn(String) + 'static,
) -> Editor {
    Editor
}
