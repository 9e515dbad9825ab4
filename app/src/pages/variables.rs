use crate::api::{
    create_variable, delete_variable, error_text, list_variables, patch_variable, PatchAnswer,
};
use crate::components::{ConflictView, PageData};
use kiln_api::{FieldConflict, VariableList, VariableView};
use kiln_domain::access::Level;
use leptos::prelude::*;

/// Variables (`[[NAME]]` in build args): create, edit, delete. Secret
/// values are write-only: the page never receives them. A variable the
/// user may only read is shown without Save and Delete, and New variable
/// only to those with Write on every variable.
#[component]
pub fn VariablesPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let variables = PageData::new(Signal::derive(move || changed.get().to_string()), |_| {
        Box::pin(list_variables())
    });
    let message = RwSignal::new(None::<Result<String, String>>);
    view! {
        <h1>"Variables and secrets"</h1>
        <p class="hint">"Used as [[NAME]] in build args and secret args. Secret values are never shown after saving."</p>
        <Feedback message/>
        {variables.view("Loading variables…", move |list: VariableList| {
            let create = list.can_create.then(|| view! { <NewVariable changed message/> });
            if list.variables.is_empty() {
                return view! { <p class="empty">"No variables yet."</p>{create} }.into_any();
            }
            let levels = list.levels;
            let rows = list
                .variables
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let writable = levels.get(i).is_some_and(|l| *l >= Level::Write);
                    view! { <VariableRow variable=v writable changed message/> }
                })
                .collect_view();
            view! {
                <ul class="resource-list" id="variables">{rows}</ul>
                {create}
            }
            .into_any()
        })}
    }
    .into_any()
}

/// The outcome of the last action: a confirmation or the server's message.
#[component]
pub fn Feedback(message: RwSignal<Option<Result<String, String>>>) -> impl IntoView {
    move || {
        message.get().map(|m| match m {
            Ok(text) => view! { <p class="notice" role="status">{text}</p> }.into_any(),
            Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
        })
    }
}

#[component]
fn NewVariable(
    changed: RwSignal<u32>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let secret = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let (n, v, d, s) = (name.get(), value.get(), description.get(), secret.get());
        leptos::task::spawn_local(async move {
            match create_variable(n.clone(), v, d, s).await {
                Ok(()) => {
                    message.set(Some(Ok(format!("Variable {n} created."))));
                    name.set(String::new());
                    value.set(String::new());
                    description.set(String::new());
                    secret.set(false);
                    changed.update(|c| *c += 1);
                }
                Err(e) => message.set(Some(Err(error_text(&e)))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card">
            <h2>"New variable"</h2>
            <form on:submit=submit id="new-variable">
                <div class="form-grid">
                    <label for="var-name">"Name"</label>
                    <input id="var-name" type="text" required autocomplete="off" prop:value=name
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <label for="var-value">"Value"</label>
                    <input id="var-value" type=move || if secret.get() { "password" } else { "text" }
                        autocomplete="off" prop:value=value
                        on:input=move |ev| value.set(event_target_value(&ev))/>
                    <label for="var-description">"Description"</label>
                    <input id="var-description" type="text" prop:value=description
                        on:input=move |ev| description.set(event_target_value(&ev))/>
                    <label for="var-secret">"Secret"</label>
                    <input id="var-secret" type="checkbox" prop:checked=secret
                        on:change=move |ev| secret.set(event_target_checked(&ev))/>
                </div>
                <button type="submit" disabled=move || busy.get()>"Create variable"</button>
            </form>
        </section>
    }
    .into_any()
}

/// A stale save's conflicts and the revision the resource is at now.
pub type RowConflict = Option<(Vec<FieldConflict>, i64)>;

/// One variable: a save sends only the fields changed since the row was
/// loaded, with its revision; a conflict is shown in the row.
#[component]
fn VariableRow(
    variable: VariableView,
    writable: bool,
    changed: RwSignal<u32>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let VariableView {
        name,
        value: loaded_value,
        description: loaded_description,
        is_secret: was_secret,
        revision: loaded_revision,
    } = variable;
    let loaded_value = loaded_value.unwrap_or_default();
    let is_secret = RwSignal::new(was_secret);
    let description = RwSignal::new(loaded_description.clone());
    let value = RwSignal::new(loaded_value.clone());
    let revision = RwSignal::new(loaded_revision);
    let conflict = RwSignal::new(RowConflict::None);
    let id = {
        let name = name.clone();
        move |part: &str| format!("var-{name}-{part}")
    };
    // Sends the fields changed since the row was loaded (a secret's value
    // only when typed) at `revision`.
    let save = {
        let name = name.clone();
        move || {
            let typed = value.get_untracked();
            let new_value = if was_secret {
                !typed.is_empty()
            } else {
                typed != loaded_value
            };
            let new_description = description.get_untracked();
            let new_secret = is_secret.get_untracked();
            let patch = patch_variable(
                name.clone(),
                revision.get_untracked(),
                new_value.then_some(typed),
                (new_description != loaded_description).then_some(new_description),
                (new_secret != was_secret).then_some(new_secret),
            );
            let name = name.clone();
            leptos::task::spawn_local(async move {
                match patch.await {
                    Ok(PatchAnswer::Saved(_)) => {
                        message.set(Some(Ok(format!("Variable {name} saved."))));
                        changed.update(|c| *c += 1);
                    }
                    Ok(PatchAnswer::Conflict(fields, now)) => {
                        message.set(None);
                        conflict.set(Some((fields, now)));
                    }
                    Err(e) => message.set(Some(Err(error_text(&e)))),
                }
            });
        }
    };
    let reapply = {
        let save = save.clone();
        Callback::new(move |()| {
            if let Some((_, now)) = conflict.get_untracked() {
                revision.set(now);
                conflict.set(None);
                save();
            }
        })
    };
    let reload = Callback::new(move |()| changed.update(|c| *c += 1));
    let remove = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            leptos::task::spawn_local(async move {
                match delete_variable(name.clone()).await {
                    Ok(()) => {
                        message.set(Some(Ok(format!("Variable {name} deleted."))));
                        changed.update(|c| *c += 1);
                    }
                    Err(e) => message.set(Some(Err(error_text(&e)))),
                }
            });
        }
    };
    let shown = if was_secret {
        "secret (hidden)".to_string()
    } else {
        value.get_untracked()
    };
    view! {
        <li class="resource" data-name=name.clone()>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save();
            }>
                <h3><code>{format!("[[{name}]]")}</code></h3>
                <p class="muted current-value">{shown}</p>
                <fieldset class="row-fields" disabled=!writable>
                <legend class="sr-only">{format!("Variable {name}")}</legend>
                <div class="form-grid">
                    <label for=id("value")>{if was_secret { "New value" } else { "Value" }}</label>
                    <input id=id("value") type=move || if is_secret.get() { "password" } else { "text" }
                        autocomplete="off" prop:value=value
                        placeholder=if was_secret { "leave empty to keep" } else { "" }
                        on:input=move |ev| value.set(event_target_value(&ev))/>
                    <label for=id("description")>"Description"</label>
                    <input id=id("description") type="text" prop:value=description
                        on:input=move |ev| description.set(event_target_value(&ev))/>
                    <label for=id("secret")>"Secret"</label>
                    <input id=id("secret") type="checkbox" prop:checked=is_secret
                        on:change=move |ev| is_secret.set(event_target_checked(&ev))/>
                </div>
                </fieldset>
                {if writable {
                    view! {
                        <button type="submit">"Save"</button>
                        <button type="button" class="danger" on:click=remove
                            aria-label=format!("Delete variable {name}")>"Delete"</button>
                    }
                    .into_any()
                } else {
                    view! { <p class="hint read-only">"Read-only: changing it needs Write permission."</p> }.into_any()
                }}
            </form>
            <RowConflictView conflict reload reapply/>
        </li>
    }
    .into_any()
}

/// A row's conflicts, if its last save had any (the shared view).
#[component]
pub fn RowConflictView(
    conflict: RwSignal<RowConflict>,
    reload: Callback<()>,
    reapply: Callback<()>,
) -> impl IntoView {
    move || {
        conflict
            .get()
            .map(|(fields, _)| view! { <ConflictView fields reload reapply/> })
    }
}
