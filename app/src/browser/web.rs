//! Small browser helpers: clock, localStorage drafts, scrolling, file reading.

use leptos::html::{Div, Input};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Now in Unix milliseconds (the browser's clock).
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Marks the moment the page became interactive (`performance.mark`), so
/// tests and people can measure the time from request to interactive.
pub fn mark_hydrated() {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("kiln-hydrated");
    }
}

/// The signed-in user's name, as the server wrote it into the page
/// (`<meta name="kiln-user">`); None when signed out.
pub fn signed_in_user() -> Option<String> {
    meta_content("kiln-user").filter(|name| !name.is_empty())
}

/// Whether the signed-in user is an admin, as the server wrote it into
/// the page (`<meta name="kiln-admin" content="true">`).
pub fn signed_in_admin() -> bool {
    meta_content("kiln-admin").is_some_and(|v| v == "true")
}

fn meta_content(name: &str) -> Option<String> {
    let meta = web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??;
    meta.get_attribute("content")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved draft under `key`, if any.
pub fn draft_load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Keeps `value` under `key` across reloads.
pub fn draft_save(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Forgets the draft under `key`.
pub fn draft_clear(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// Scrolls an element to its bottom (the live log following new lines).
pub fn scroll_to_end(node: NodeRef<Div>) {
    if let Some(el) = node.get_untracked() {
        el.set_scroll_top(el.scroll_height());
    }
}

/// Reads the first file chosen in a file input as text.
pub fn read_file_text(input: NodeRef<Input>, on_text: impl Fn(String) + 'static) {
    let Some(file) = input
        .get_untracked()
        .and_then(|el| el.files())
        .and_then(|files| files.get(0))
    else {
        return;
    };
    let blob: &web_sys::Blob = file.unchecked_ref();
    let promise = blob.text();
    leptos::task::spawn_local(async move {
        if let Ok(text) = wasm_bindgen_futures::JsFuture::from(promise).await {
            if let Some(text) = text.as_string() {
                on_text(text);
            }
        }
    });
}
