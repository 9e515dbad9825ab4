//! The Config tab: every field of the build, grouped as Komodo groups them.

mod args;
mod general;
mod registries;
mod source;
mod tagging;
mod webhook;

use super::draft::use_draft;
use super::use_page_info;
use leptos::prelude::*;

#[component]
pub fn ConfigTab() -> impl IntoView {
    let (Some(draft), Some(info)) = (use_draft(), use_page_info()) else {
        return ().into_any();
    };
    let summary = move || {
        draft.errors.with(|errors| {
            (!errors.is_empty()).then(|| {
                let items = errors
                    .iter()
                    .map(|e| view! { <li><code>{e.field.clone()}</code>": "{e.message.clone()}</li> })
                    .collect_view();
                view! {
                    <div class="error-summary" role="alert" id="validation-summary">
                        <p>"The server found problems with these changes:"</p>
                        <ul>{items}</ul>
                    </div>
                }
            })
        })
    };
    let choices = info.data.with_value(|d| d.choices.clone());
    let origin = info.data.with_value(|d| d.origin.clone());
    view! {
        <form class="config" on:submit=move |ev| { ev.prevent_default(); draft.save(); }>
            {summary}
            <general::GeneralGroup draft/>
            <source::BuilderGroup draft choices=choices.clone()/>
            <source::SourceGroup draft choices=choices.clone()/>
            <tagging::VersionGroup draft/>
            <tagging::TaggingGroup draft/>
            <registries::RegistriesGroup draft choices/>
            <args::ArgsGroup draft/>
            <args::ExtraArgsGroup draft/>
            <args::PreBuildGroup draft/>
            <webhook::WebhookGroup draft origin/>
            <webhook::LinksGroup draft/>
            <button type="submit" class="sr-only">"Save"</button>
        </form>
    }
    .into_any()
}
