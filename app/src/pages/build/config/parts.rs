//! The Config tab's parts that are more than a plain field.

use crate::components::{FieldErrors, TextField};
use crate::pages::build::draft::{lens, Draft};
use kiln_api::{Choices, LOCAL_BUILDER};
use kiln_domain::{SourceKind, Version};
use leptos::prelude::*;

/// The pickers' choices (`<datalist>`s referenced by fields).
pub fn datalists(choices: &Choices) -> AnyView {
    let options = |items: Vec<(String, String)>| {
        items
            .into_iter()
            .map(|(value, label)| view! { <option value=value>{label}</option> })
            .collect_view()
    };
    let repos = options(
        choices
            .repos
            .iter()
            .map(|r| (r.clone(), r.clone()))
            .collect(),
    );
    let git = options(
        choices
            .git_accounts
            .iter()
            .map(|a| {
                (
                    a.username.clone(),
                    format!("{} on {}", a.username, a.domain),
                )
            })
            .collect(),
    );
    let registry = options(
        choices
            .registry_accounts
            .iter()
            .map(|a| {
                (
                    a.username.clone(),
                    format!("{} on {}", a.username, a.domain),
                )
            })
            .collect(),
    );
    view! {
        <datalist id="repo-choices">{repos}</datalist>
        <datalist id="git-account-choices">{git}</datalist>
        <datalist id="registry-account-choices">{registry}</datalist>
    }
    .into_any()
}

/// Description and tags (the build itself, not its config).
pub fn general(draft: Draft) -> AnyView {
    let errors = draft.errors_signal();
    let d = draft.draft;
    let description = Signal::derive(move || d.with(|b| b.description.clone()));
    let tags = Signal::derive(move || d.with(|b| b.tags.join(", ")));
    let set_tags = Callback::new(move |v: String| {
        d.update(|b| {
            b.tags = v
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
        })
    });
    view! {
        <TextField id="cfg-description" label="Description" path="description"
            value=description errors set=Callback::new(move |v: String| d.update(|b| b.description = v))/>
        <TextField id="cfg-tags" label="Tags" path="tags" value=tags errors set=set_tags
            hint="Comma-separated."/>
        <FieldErrors path="name" errors/>
    }
    .into_any()
}

/// The builder picker: the built-in Local builder or a stored one.
pub fn builder(draft: Draft, builders: Vec<String>) -> AnyView {
    let errors = draft.errors_signal();
    let current = draft.value(lens!(builder));
    let set = draft.setter(lens!(builder));
    let options = std::iter::once(String::new())
        .chain(builders)
        .map(|name| {
            let label = if name.is_empty() {
                format!("{LOCAL_BUILDER} (built in)")
            } else {
                name.clone()
            };
            let value = name.clone();
            view! { <option value=name selected=move || current.get() == value>{label}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="cfg-builder">"Builder"</label>
            <select id="cfg-builder" on:change=move |ev| set.run(event_target_value(&ev))>
                {options}
            </select>
            <FieldErrors path="config.builder" errors/>
        </div>
    }
    .into_any()
}

/// The run timeout, in whole seconds.
pub fn timeout(draft: Draft) -> AnyView {
    let errors = draft.errors_signal();
    let shown = Signal::derive(move || draft.draft.with(|b| b.config.timeout_seconds.to_string()));
    let local_error = RwSignal::new(None::<String>);
    let set = Callback::new(move |v: String| match v.trim().parse::<u64>() {
        Ok(secs) => {
            local_error.set(None);
            draft.update(|c| c.timeout_seconds = secs);
        }
        Err(_) => local_error.set(Some("a whole number of seconds".to_string())),
    });
    view! {
        <TextField id="cfg-timeout" label="Timeout (seconds)" path="config.timeout_seconds"
            value=shown set errors kind="number"/>
        {move || local_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
    }
    .into_any()
}

/// Which source the fields below describe, as the server will read them.
pub fn source_kind(draft: Draft) -> AnyView {
    let kind = Memo::new(move |_| draft.draft.with(|b| b.config.source_kind()));
    let text = move || match kind.get() {
        SourceKind::Ui => "UI Dockerfile: edit it in the Dockerfile tab.",
        SourceKind::FilesOnHost => "Files on the builder host, under the build path.",
        SourceKind::Git => "A git repository, cloned for each run.",
    };
    view! { <p class="hint" id="source-kind">{text}</p> }.into_any()
}

/// The version, typed as text and kept only when it parses.
pub fn version(draft: Draft) -> AnyView {
    let errors = draft.errors_signal();
    let text = RwSignal::new(draft.draft.with_untracked(|b| b.config.version.to_string()));
    let local_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let version = draft.draft.with(|b| b.config.version);
        if Version::parse(text.get_untracked().trim()).ok() != Some(version) {
            text.set(version.to_string());
            local_error.set(None);
        }
    });
    let set = Callback::new(move |v: String| {
        text.set(v.clone());
        match Version::parse(v.trim()) {
            Ok(version) => {
                local_error.set(None);
                draft.update(|c| c.version = version);
            }
            Err(e) => local_error.set(Some(e.to_string())),
        }
    });
    view! {
        <TextField id="cfg-version" label="Version" path="config.version" value=text set errors
            placeholder="1.2.3"/>
        {move || local_error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
    .into_any()
}
