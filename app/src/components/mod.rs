//! Small pieces shared by pages.

mod conflict;
mod fields;
mod format;
mod json;
mod list_editor;
mod page_data;
mod run_button;
mod status;

pub use conflict::ConflictView;
pub use fields::{CheckField, FieldErrors, TextAreaField, TextField};
pub use format::{fmt_age, fmt_duration, short_digest};
pub use json::parse_json;
pub use list_editor::ListEditor;
pub use page_data::PageData;
pub use run_button::RunButton;
pub use status::StatusBadge;

use leptos::prelude::*;

/// An error message from the server, announced to screen readers.
#[component]
pub fn ErrorText(message: String) -> impl IntoView {
    view! { <p class="error" role="alert">{message}</p> }
}

/// Percent-encodes a path segment (names may hold spaces and such).
pub fn encode_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
