//! The Config tab: every field of the build, grouped as Komodo groups them
//! ([`spec::GROUPS`]), with the server's validation messages inline.

mod parts;
mod registries;
mod spec;
mod webhook;

use super::draft::{use_draft, Draft};
use super::tag_preview::TagPreview;
use super::use_page_info;
use crate::components::{CheckField, ListEditor, TextAreaField, TextField};
use kiln_api::Choices;
use leptos::prelude::*;
use spec::{Binding, FieldSpec, Group, Part, GROUPS};

#[component]
pub fn ConfigTab() -> impl IntoView {
    let (Some(draft), Some(info)) = (use_draft(), use_page_info()) else {
        return ().into_any();
    };
    let choices = info.data.with_value(|d| d.choices.clone());
    let origin = info.data.with_value(|d| d.origin.clone());
    // Without Write the form shows the build but every field is disabled.
    let read_only = !info.can(kiln_domain::access::Level::Write);
    let context = Context {
        draft,
        choices: StoredValue::new(choices.clone()),
        origin: StoredValue::new(origin),
    };
    let groups = GROUPS
        .iter()
        .map(|group| render_group(&context, group))
        .collect_view();
    view! {
        <form class="config" on:submit=move |ev| {
            ev.prevent_default();
            draft.save();
        }>
            <ErrorSummary draft/>
            {parts::datalists(&choices)}
            <fieldset class="config-fields" disabled=read_only>
                <legend class="sr-only">"Build configuration"</legend>
                {groups}
            </fieldset>
            <button type="submit" class="sr-only" disabled=read_only>"Save"</button>
        </form>
    }
    .into_any()
}

/// What the special parts need.
#[derive(Clone, Copy)]
struct Context {
    draft: Draft,
    choices: StoredValue<Choices>,
    origin: StoredValue<String>,
}

/// Every problem the server found, above the form.
#[component]
fn ErrorSummary(draft: Draft) -> impl IntoView {
    move || {
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
    }
}

fn render_group(context: &Context, group: &'static Group) -> AnyView {
    let parts = group
        .parts
        .iter()
        .map(|part| render_part(context, part))
        .collect_view();
    view! {
        <fieldset class="group">
            <legend>{group.legend}</legend>
            {parts}
        </fieldset>
    }
    .into_any()
}

fn render_part(context: &Context, part: &'static Part) -> AnyView {
    let draft = context.draft;
    match part {
        Part::Field(spec) => field(draft, spec),
        Part::Row(specs) => {
            let fields = specs.iter().map(|spec| field(draft, spec)).collect_view();
            view! { <div class="row">{fields}</div> }.into_any()
        }
        Part::General => parts::general(draft),
        Part::Builder => parts::builder(draft, context.choices.with_value(|c| c.builders.clone())),
        Part::Timeout => parts::timeout(draft),
        Part::SourceKind => parts::source_kind(draft),
        Part::Version => parts::version(draft),
        Part::TagPreview => view! { <TagPreview draft/> }.into_any(),
        Part::Registries => registries::registries(draft),
        Part::WebhookUrls => webhook::urls(draft, &context.origin.get_value()),
        Part::WebhookSecret => webhook::secret(draft),
    }
}

/// One plain field; all fields of a kind share one view type.
fn field(draft: Draft, spec: &'static FieldSpec) -> AnyView {
    let errors = draft.errors_signal();
    match spec.bind {
        Binding::Text(lens) => view! {
            <TextField id=spec.id label=spec.label path=spec.path hint=spec.hint
                placeholder=spec.placeholder list=spec.list errors
                value=draft.value(lens) set=draft.setter(lens)/>
        }
        .into_any(),
        Binding::Area(lens, rows) => view! {
            <TextAreaField id=spec.id label=spec.label path=spec.path hint=spec.hint rows errors
                value=draft.value(lens) set=draft.setter(lens)/>
        }
        .into_any(),
        Binding::Check(lens) => view! {
            <CheckField id=spec.id label=spec.label hint=spec.hint
                value=draft.value(lens) set=draft.setter(lens)/>
        }
        .into_any(),
        Binding::List(lens) => view! {
            <ListEditor id=spec.id label=spec.label path=spec.path hint=spec.hint
                placeholder=spec.placeholder errors
                items=draft.value(lens) set=draft.setter(lens)/>
        }
        .into_any(),
    }
}
