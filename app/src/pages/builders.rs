use crate::api::list_builders;
use crate::components::{encode_segment, PageData};
use kiln_api::BuilderRow;
use leptos::prelude::*;

/// Builders with their health.
#[component]
pub fn BuildersPage() -> impl IntoView {
    let builders = PageData::new(Signal::stored(String::new()), |_| Box::pin(list_builders()));
    view! {
        <h1>"Builders"</h1>
        <p class="hint">"Builders are managed through Sync (TOML). Health is checked every few seconds."</p>
        {builders.view("Loading builders…", |list: Vec<BuilderRow>| view! {
            <div class="table-wrap">
            <table class="builders">
                <thead><tr><th>"Name"</th><th>"Type"</th><th>"Health"</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|b| {
                        let id = format!("builder-{}", encode_segment(&b.name));
                        view! {
                        <tr id=id>
                            <td>{b.name}</td>
                            <td>{b.kind}</td>
                            <td class=format!("health {}", b.state)>{b.health}</td>
                        </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        }.into_any())}
    }
}
