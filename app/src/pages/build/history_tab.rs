//! The History tab: every recorded change of the build, newest first, with
//! who made it, through which door, when, and its field-by-field diff
//! (secret fields only as "changed").

use super::draft::use_draft;
use crate::api::build_history;
use crate::components::{fmt_age, PageData};
use kiln_api::BuildHistory;
use kiln_domain::history::{FieldChange, HistoryEntry};
use leptos::prelude::*;

#[component]
pub fn HistoryTab() -> impl IntoView {
    let Some(draft) = use_draft() else {
        return ().into_any();
    };
    // Reloaded after each save: the key holds the revision too.
    let key = Signal::derive(move || format!("{}\n{}", draft.revision.get(), draft.name()));
    let history = PageData::new(key, |key| {
        let name = key
            .split_once('\n')
            .map_or(key.clone(), |(_, name)| name.to_string());
        Box::pin(build_history(name))
    });
    view! {
        {history.view("Loading history…", |data: BuildHistory| view! { <HistoryList data/> }.into_any())}
    }
    .into_any()
}

#[component]
fn HistoryList(data: BuildHistory) -> impl IntoView {
    if data.entries.is_empty() {
        return view! { <p class="empty">"No recorded changes yet."</p> }.into_any();
    }
    let now = data.now_ms;
    let items = data
        .entries
        .iter()
        .map(|entry| entry_view(entry, now))
        .collect_view();
    view! { <ol class="history" id="history-list">{items}</ol> }.into_any()
}

fn entry_view(entry: &HistoryEntry, now: i64) -> impl IntoView {
    let changes = entry.changes.iter().map(change_row).collect_view();
    view! {
        <li class="history-entry" data-revision=entry.revision.to_string()>
            <p class="history-head">
                <strong>{format!("r{}", entry.revision)}</strong>" "
                <span class="history-action">{entry.action.as_str()}</span>" by "
                <span class="history-actor">{entry.actor.clone()}</span>" via "
                <span class="history-door">{entry.door.as_str()}</span>", "
                <time title=entry.at_ms.to_string()>{fmt_age(now, entry.at_ms)}</time>
            </p>
            <table class="diff">
                <thead><tr><th>"Field"</th><th>"Before"</th><th>"After"</th></tr></thead>
                <tbody>{changes}</tbody>
            </table>
        </li>
    }
}

fn change_row(change: &FieldChange) -> impl IntoView {
    let field = change.field.clone();
    if change.secret {
        return view! {
            <tr class="secret"><td><code>{field}</code></td><td colspan="2">"changed (secret, value hidden)"</td></tr>
        }
        .into_any();
    }
    let shown = |v: &Option<serde_json::Value>| match v {
        None => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    view! {
        <tr>
            <td><code>{field}</code></td>
            <td><code class="before">{shown(&change.before)}</code></td>
            <td><code class="after">{shown(&change.after)}</code></td>
        </tr>
    }
    .into_any()
}
