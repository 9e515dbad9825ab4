use super::FieldErrors;
use kiln_domain::ValidationError;
use leptos::prelude::*;

/// An editable list of strings (links, extra args): edit, remove, add.
#[component]
pub fn ListEditor(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// The field path; item errors are `{path}[i]`.
    #[prop(into)]
    path: String,
    #[prop(into)] items: Signal<Vec<String>>,
    #[prop(into)] set: Callback<Vec<String>>,
    errors: Signal<Vec<ValidationError>>,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional, into)] hint: String,
) -> impl IntoView {
    let count = Memo::new(move |_| items.with(Vec::len));
    let edit = move |index: usize, value: String| {
        let mut next = items.get_untracked();
        if let Some(slot) = next.get_mut(index) {
            *slot = value;
            set.run(next);
        }
    };
    let remove = move |index: usize| {
        let mut next = items.get_untracked();
        if index < next.len() {
            next.remove(index);
            set.run(next);
        }
    };
    let add = move |_| {
        let mut next = items.get_untracked();
        next.push(String::new());
        set.run(next);
    };
    let label_for_add = label.clone();
    let rows = {
        let id = id.clone();
        let label = label.clone();
        let path = path.clone();
        move || {
            (0..count.get())
                .map(|index| {
                    let value = move || items.with(|v| v.get(index).cloned().unwrap_or_default());
                    let item_path = format!("{path}[{index}]");
                    view! {
                        <li>
                            <div class="list-row">
                                <input id=format!("{id}-{index}") type="text" value=value() prop:value=value
                                    aria-label=format!("{label} {}", index + 1)
                                    placeholder=placeholder.clone()
                                    on:input=move |ev| edit(index, event_target_value(&ev))/>
                                <button type="button" class="secondary"
                                    aria-label=format!("Remove {label} {}", index + 1)
                                    on:click=move |_| remove(index)>"Remove"</button>
                            </div>
                            <FieldErrors path=item_path errors/>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <fieldset class="list-editor" id=id>
            <legend>{label}</legend>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
            <ul>{rows}</ul>
            <button type="button" class="secondary" on:click=add>{format!("Add {}", label_for_add.to_ascii_lowercase())}</button>
        </fieldset>
    }
    .into_any()
}
