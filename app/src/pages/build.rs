use super::ErrorText;
use crate::api::{error_text, get_build};
use crate::wire::{builder_label, source_label};
use kiln_domain::Build;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// One build: header and its whole config.
#[component]
pub fn BuildPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let build = Resource::new(name, get_build);
    view! {
        <Suspense fallback=|| view! { <p>"Loading build…"</p> }>
            {move || Suspend::new(async move {
                match build.await {
                    Ok(b) => view! { <BuildDetail item=b/> }.into_any(),
                    Err(e) => view! { <ErrorText message=error_text(&e)/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BuildDetail(item: Build) -> impl IntoView {
    let source = source_label(&item);
    let builder = builder_label(&item.config.builder).to_string();
    let fields = config_fields(&item);
    view! {
        <h1>{item.name.to_string()}</h1>
        <p class="description">{item.description.clone()}</p>
        <dl class="summary">
            <dt>"Source"</dt><dd>{source}</dd>
            <dt>"Builder"</dt><dd>{builder}</dd>
            <dt>"Version"</dt><dd>{item.config.version.to_string()}</dd>
        </dl>
        <h2>"Config"</h2>
        <table class="config">
            <tbody>
                {fields
                    .into_iter()
                    .map(|(key, value)| view! {
                        <tr><th scope="row">{key}</th><td><pre>{value}</pre></td></tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// Each config field as (name, shown value), in the config's own order.
fn config_fields(build: &Build) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&build.config) else {
        return Vec::new();
    };
    map.into_iter()
        .map(|(key, value)| {
            let shown = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (key, shown)
        })
        .collect()
}
