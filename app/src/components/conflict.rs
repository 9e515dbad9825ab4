//! A stale save's conflicts, as every editing page shows them: each field
//! with its current value (secrets as the core's placeholders), who changed
//! it, through which door and when, and the two ways on.

use super::fmt_age;
use crate::browser::now_ms;
use kiln_api::FieldConflict;
use leptos::prelude::*;

/// The conflicting `fields` with Reload (drop my edits) and Re-apply my
/// edits (save them over the current values).
#[component]
pub fn ConflictView(
    fields: Vec<FieldConflict>,
    reload: Callback<()>,
    reapply: Callback<()>,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let now = now_ms();
    let rows = fields
        .into_iter()
        .map(|f| {
            let current = match f.current {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let who = format!(
                " (changed by {} via {}, {}, revision {})",
                f.changed_by,
                f.door,
                fmt_age(now, f.at_ms),
                f.revision
            );
            let (field, attr) = (f.field.clone(), f.field);
            view! {
                <li data-field=attr>
                    <code>{field}</code>" is now "<code class="current">{current}</code>{who}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="conflict" role="alert" id=id>
            <p>"These fields were changed by someone else since you started editing:"</p>
            <ul>{rows}</ul>
            <button type="button" class="secondary reload"
                on:click=move |_| reload.run(())>"Reload (drop my edits)"</button>
            <button type="button" class="reapply"
                on:click=move |_| reapply.run(())>"Re-apply my edits"</button>
        </div>
    }
}
