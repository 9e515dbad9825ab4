use super::draft::{Draft, SaveState};
use crate::components::{encode_segment, ConflictView, RunButton, StatusBadge};
use kiln_api::{builder_label, source_label, BuildPageData};
use leptos::prelude::*;

/// Name, state, quick links, source, last commit and version, the Run
/// button and the save bar.
#[component]
pub fn BuildHeader(data: BuildPageData) -> impl IntoView {
    let Some(draft) = use_context::<Draft>() else {
        return ().into_any();
    };
    let build = &data.build;
    let name = build.name.to_string();
    let builder = builder_label(&build.config.builder).to_string();
    let builder_href = format!("/builders#builder-{}", encode_segment(&builder));
    let last = data.last_run.as_ref().map(|v| v.run.clone());
    let status = last.as_ref().map(|r| r.status);
    let last_commit = last
        .as_ref()
        .map(|r| r.short_commit.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "—".to_string());
    let last_run_link = last.as_ref().map(|r| {
        view! { <a href=format!("/runs/{}", r.id)>{format!("run {}", r.id)}</a> }
    });
    let source = move || draft.saved.with(source_label);
    let version = move || draft.saved.with(|b| b.config.version.to_string());
    let links = move || {
        draft.saved.with(|b| {
            b.config
                .links
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let href = l.clone();
                    view! { <li><a href=href target="_blank" rel="noopener noreferrer">{link_label(l)}</a></li> }
                })
                .collect_view()
        })
    };
    view! {
        <header class="page-header build-header">
            <div class="title">
                <h1>{name.clone()}</h1>
                <StatusBadge status=Signal::stored(status)/>
                {last_run_link}
            </div>
            <RunButton name=name.clone() id="run-build"/>
        </header>
        <p class="description">{move || draft.saved.with(|b| b.description.clone())}</p>
        <dl class="summary">
            <dt>"Builder"</dt><dd><a href=builder_href>{builder}</a></dd>
            <dt>"Source"</dt><dd id="build-source">{source}</dd>
            <dt>"Version"</dt><dd id="build-version">{version}</dd>
            <dt>"Last commit"</dt><dd>{last_commit}</dd>
        </dl>
        <ul class="quick-links" aria-label="Quick links">{links}</ul>
        <SaveBar draft/>
    }
    .into_any()
}

#[component]
fn SaveBar(draft: Draft) -> impl IntoView {
    let dirty = Memo::new(move |_| draft.dirty());
    let state = move || draft.save_state.get();
    let message = move || match state() {
        SaveState::Saving => "Saving…".to_string(),
        SaveState::Saved if !dirty.get() => "Saved.".to_string(),
        SaveState::Invalid(n) => format!("Not saved: {n} problem(s), see the fields below."),
        SaveState::Failed(m) => format!("Not saved: {m}"),
        SaveState::Conflicted => {
            "Not saved: someone else changed some of these fields since you started.".to_string()
        }
        _ if draft.restored.get() && dirty.get() => {
            "Unsaved changes from your last visit were restored.".to_string()
        }
        _ if dirty.get() => "Unsaved changes.".to_string(),
        _ => String::new(),
    };
    let failed = move || {
        matches!(
            state(),
            SaveState::Invalid(_) | SaveState::Failed(_) | SaveState::Conflicted
        )
    };
    view! {
        <div class="savebar" class:dirty=move || dirty.get() id="savebar">
            <span class="save-message" class:error=failed role="status">{message}</span>
            <button type="button" id="save-build"
                disabled=move || !dirty.get() || state() == SaveState::Saving
                on:click=move |_| draft.save()>"Save"</button>
            <button type="button" id="discard-build" class="secondary"
                disabled=move || !dirty.get()
                on:click=move |_| draft.discard()>"Discard"</button>
        </div>
        <ConflictPanel draft/>
    }
}

/// A stale save's conflicts (the shared view), until reloaded or re-applied.
#[component]
fn ConflictPanel(draft: Draft) -> impl IntoView {
    move || {
        draft.conflict.with(|conflict| {
            conflict.as_ref().map(|conflict| {
                view! {
                    <ConflictView id="save-conflict" fields=conflict.fields.clone()
                        reload=Callback::new(move |()| draft.reload())
                        reapply=Callback::new(move |()| draft.reapply())/>
                }
            })
        })
    }
}

/// A link shown by its host and path, without the scheme.
fn link_label(url: &str) -> String {
    let trimmed = url.trim();
    trimmed
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(trimmed)
        .trim_end_matches('/')
        .to_string()
}
