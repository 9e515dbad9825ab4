use crate::components::{FieldErrors, TextField};
use crate::pages::build::draft::Draft;
use leptos::prelude::*;

/// Description and tags (the build itself, not its config).
#[component]
pub fn GeneralGroup(draft: Draft) -> impl IntoView {
    let errors = draft.errors_signal();
    let d = draft.draft;
    let description = Signal::derive(move || d.with(|b| b.description.clone()));
    let tags = Signal::derive(move || d.with(|b| b.tags.join(", ")));
    view! {
        <fieldset class="group">
            <legend>"General"</legend>
            <TextField id="cfg-description" label="Description" path="description"
                value=description errors
                set=Callback::new(move |v: String| d.update(|b| b.description = v))/>
            <TextField id="cfg-tags" label="Tags" path="tags" value=tags errors
                hint="Comma-separated."
                set=Callback::new(move |v: String| d.update(|b| {
                    b.tags = v.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect();
                }))/>
            <FieldErrors path="name" errors/>
        </fieldset>
    }
    .into_any()
}
