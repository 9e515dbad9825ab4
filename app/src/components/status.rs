use kiln_domain::RunStatus;
use leptos::prelude::*;

/// A run status as a coloured badge (`None`: never run).
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<Option<RunStatus>>) -> impl IntoView {
    let class = move || match status.get() {
        Some(s) => format!("badge status-{}", s.as_str()),
        None => "badge status-none".to_string(),
    };
    let text = move || match status.get() {
        Some(s) => s.as_str(),
        None => "never run",
    };
    view! { <span class=class>{text}</span> }
}
