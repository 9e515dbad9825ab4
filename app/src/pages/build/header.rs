use super::draft::{Draft, SaveState};
use crate::api::{copy_build, error_text, rename_build};
use crate::components::{encode_segment, ConflictView, RunButton, StatusBadge};
use kiln_api::{builder_label, source_label, BuildPageData};
use kiln_domain::access::Level;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Name, state, quick links, source, last commit and version, the Run
/// button and the save bar.
#[component]
pub fn BuildHeader(data: BuildPageData) -> impl IntoView {
    let Some(draft) = use_context::<Draft>() else {
        return ().into_any();
    };
    let build = &data.build;
    let name = build.name.to_string();
    let (level, can_create) = (data.level, data.can_create);
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
                .filter(|l| kiln_domain::build::is_web_link(l))
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
            {(level >= Level::Execute).then(|| view! { <RunButton name=name.clone() id="run-build"/> })}
        </header>
        <p class="description">{move || draft.saved.with(|b| b.description.clone())}</p>
        <dl class="summary">
            <dt>"Builder"</dt><dd><a href=builder_href>{builder}</a></dd>
            <dt>"Source"</dt><dd id="build-source">{source}</dd>
            <dt>"Version"</dt><dd id="build-version">{version}</dd>
            <dt>"Last commit"</dt><dd>{last_commit}</dd>
        </dl>
        <ul class="quick-links" aria-label="Quick links">{links}</ul>
        {(level >= Level::Write).then(|| view! { <RenameCopy name=name.clone() draft can_copy=can_create/> })}
        <SaveBar draft level/>
    }
    .into_any()
}

#[component]
fn SaveBar(draft: Draft, level: Level) -> impl IntoView {
    // Without Write the form below is disabled: nothing to save, and the
    // bar says why.
    let read_only = level < Level::Write;
    let dirty = Memo::new(move |_| draft.dirty());
    let state = move || draft.save_state.get();
    let message = move || match state() {
        _ if read_only => {
            format!("Read-only: you have {level} permission on this build; saving needs Write.")
        }
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
    // This very draft was refused for lowering the version: only an
    // explicit click on the button below may lower it.
    let lowered = move || {
        draft
            .refused_lower
            .with(|refused| draft.draft.with(|d| refused.as_ref() == Some(d)))
    };
    view! {
        <div class="savebar" class:dirty=move || dirty.get() id="savebar">
            <span class="save-message" class:error=failed role="status">{message}</span>
            <button type="button" id="save-build"
                disabled=move || read_only || !dirty.get() || state() == SaveState::Saving
                on:click=move |_| draft.save()>"Save"</button>
            <button type="button" id="discard-build" class="secondary"
                disabled=move || !dirty.get()
                on:click=move |_| draft.discard()>"Discard"</button>
            {move || lowered().then(|| view! {
                <button type="button" id="save-lower-version" class="danger"
                    on:click=move |_| draft.save_with(true)>"Save with the lower version"</button>
            })}
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

/// Rename (the same build: runs and history kept) or copy (a new build
/// without them) under a new name, then go to that build's page.
#[component]
fn RenameCopy(name: String, draft: Draft, can_copy: bool) -> impl IntoView {
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let go = move |copy: bool| {
        let (name, new, navigate) = (name.clone(), to.get_untracked(), navigate.clone());
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let done = if copy {
                copy_build(name, new).await
            } else {
                rename_build(name, new).await
            };
            busy.set(false);
            match done {
                Ok(new) => navigate(
                    &format!("/builds/{}", encode_segment(&new)),
                    Default::default(),
                ),
                Err(e) => error.set(Some(error_text(&e))),
            }
        });
    };
    let go_copy = go.clone();
    let blocked = move || busy.get() || draft.dirty() || to.with(|t| t.trim().is_empty());
    view! {
        <details class="rename-copy" id="rename-copy">
            <summary>"Rename or copy"</summary>
            <div class="inline-form">
                <label for="new-build-name">"New name"</label>
                <input id="new-build-name" type="text" autocomplete="off" prop:value=to
                    on:input=move |ev| to.set(event_target_value(&ev))/>
                <button type="button" id="rename-build" disabled=blocked
                    on:click=move |_| go(false)>"Rename"</button>
                {can_copy.then(|| view! {
                    <button type="button" id="copy-build" class="secondary" disabled=blocked
                        on:click=move |_| go_copy(true)>"Copy"</button>
                })}
            </div>
            <p class="hint">"Renaming keeps the build's runs and history; a copy starts without them. Save or discard your changes first."</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" id="rename-error">{m}</p> })}
        </details>
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
