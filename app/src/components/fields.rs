//! Labelled form fields bound to a getter and a setter, each with the
//! server's validation messages for its field path underneath.

use kiln_domain::ValidationError;
use leptos::prelude::*;

/// The server's messages for one field path (`config.image_tag`).
#[component]
pub fn FieldErrors(
    #[prop(into)] path: String,
    errors: Signal<Vec<ValidationError>>,
) -> impl IntoView {
    let messages = move || {
        errors.with(|all| {
            all.iter()
                .filter(|e| e.field == path)
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
        })
    };
    move || {
        messages()
            .into_iter()
            .map(|message| view! { <p class="field-error" role="alert">{message}</p> })
            .collect_view()
    }
}

/// A one-line text input.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] set: Callback<String>,
    errors: Signal<Vec<ValidationError>>,
    #[prop(optional, into)] hint: String,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional, into)] list: String,
    #[prop(optional, into)] kind: Option<String>,
) -> impl IntoView {
    let input_type = kind.unwrap_or_else(|| "text".to_string());
    let list = (!list.is_empty()).then_some(list);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=input_type value=value.get_untracked() prop:value=value placeholder=placeholder list=list
                autocomplete="off"
                on:input=move |ev| set.run(event_target_value(&ev))/>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
            <FieldErrors path errors/>
        </div>
    }
    .into_any()
}

/// A multi-line text input.
#[component]
pub fn TextAreaField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] set: Callback<String>,
    errors: Signal<Vec<ValidationError>>,
    #[prop(optional, into)] hint: String,
    #[prop(default = 4)] rows: u32,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea id=id rows=rows spellcheck="false" prop:value=value
                on:input=move |ev| set.run(event_target_value(&ev))>{value.get_untracked()}</textarea>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
            <FieldErrors path errors/>
        </div>
    }
    .into_any()
}

/// A checkbox.
#[component]
pub fn CheckField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<bool>,
    #[prop(into)] set: Callback<bool>,
    #[prop(optional, into)] hint: String,
) -> impl IntoView {
    view! {
        <div class="field check">
            <input id=id.clone() type="checkbox" checked=value.get_untracked() prop:checked=value
                on:change=move |ev| set.run(event_target_checked(&ev))/>
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
        </div>
    }
    .into_any()
}
