use crate::api::{error_text, list_builders};
use crate::components::{encode_segment, ErrorText};
use crate::wire::BuilderHealth;
use leptos::prelude::*;

/// Builders with their health.
#[component]
pub fn BuildersPage() -> impl IntoView {
    let builders = Resource::new(|| (), |_| list_builders());
    view! {
        <h1>"Builders"</h1>
        <p class="hint">"Builders are managed through Sync (TOML). Health is checked every few seconds."</p>
        <Suspense fallback=|| view! { <p>"Loading builders…"</p> }>
            {move || Suspend::new(async move {
                match builders.await {
                    Ok(list) => view! {
                        <div class="table-wrap">
                        <table class="builders">
                            <thead><tr><th>"Name"</th><th>"Type"</th><th>"Health"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|b| {
                                    let class = match b.health {
                                        BuilderHealth::Healthy { .. } => "health ok",
                                        BuilderHealth::Unreachable { .. } => "health bad",
                                        BuilderHealth::Unknown => "health unknown",
                                    };
                                    view! {
                                        <tr id=format!("builder-{}", encode_segment(&b.name))>
                                            <td>{b.name.clone()}</td>
                                            <td>{b.kind}</td>
                                            <td class=class>{b.health.to_string()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorText message=error_text(&e)/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
