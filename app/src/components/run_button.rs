use crate::api::{error_text, start_run};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Starts a run of `name` and opens its page; the server's message below
/// the button if it cannot start.
#[component]
pub fn RunButton(
    name: String,
    /// The button's id, where a page has one Run button.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let starting = RwSignal::new(false);
    let label = format!("Run build {name}");
    let run = move |_| {
        let name = name.clone();
        let navigate = navigate.clone();
        starting.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match start_run(name).await {
                Ok(id) => navigate(&format!("/runs/{id}"), Default::default()),
                Err(e) => {
                    starting.set(false);
                    error.set(Some(error_text(&e)));
                }
            }
        });
    };
    view! {
        <div class="run-action">
            <button type="button" id=id class="run-button" aria-label=label
                disabled=move || starting.get()
                on:click=run>{move || if starting.get() { "Starting…" } else { "Run" }}</button>
            {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </div>
    }
}
