use crate::components::{CheckField, TextField};
use crate::pages::build::draft::{lens, Draft};
use crate::wire::{Choices, LOCAL_BUILDER};
use kiln_domain::SourceKind;
use leptos::prelude::*;

/// Which builder runs the build, and how long a run may take.
#[component]
pub fn BuilderGroup(draft: Draft, choices: Choices) -> impl IntoView {
    let errors = draft.errors_signal();
    let builder = draft.value(lens!(builder));
    let set_builder = draft.setter(lens!(builder));
    let timeout =
        Signal::derive(move || draft.draft.with(|b| b.config.timeout_seconds.to_string()));
    let timeout_error = RwSignal::new(None::<String>);
    let set_timeout_text = Callback::new(move |v: String| match v.trim().parse::<u64>() {
        Ok(secs) => {
            timeout_error.set(None);
            draft.update(|c| c.timeout_seconds = secs);
        }
        Err(_) => timeout_error.set(Some("a whole number of seconds".to_string())),
    });
    let options = std::iter::once(String::new())
        .chain(choices.builders)
        .map(|name| {
            let label = if name.is_empty() { format!("{LOCAL_BUILDER} (built in)") } else { name.clone() };
            let value = name.clone();
            view! { <option value=name.clone() selected=move || builder.get() == value>{label}</option> }
        })
        .collect_view();
    view! {
        <fieldset class="group">
            <legend>"Builder"</legend>
            <div class="field">
                <label for="cfg-builder">"Builder"</label>
                <select id="cfg-builder" on:change=move |ev| set_builder.run(event_target_value(&ev))>
                    {options}
                </select>
                <crate::components::FieldErrors path="config.builder" errors/>
            </div>
            <TextField id="cfg-timeout" label="Timeout (seconds)" path="config.timeout_seconds"
                value=timeout set=set_timeout_text errors kind="number"/>
            {move || timeout_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
        </fieldset>
    }
    .into_any()
}

/// Where the source comes from: a UI Dockerfile, a git repo or files on the host.
#[component]
pub fn SourceGroup(draft: Draft, choices: Choices) -> impl IntoView {
    let errors = draft.errors_signal();
    let kind = Memo::new(move |_| draft.draft.with(|b| b.config.source_kind()));
    let kind_text = move || match kind.get() {
        SourceKind::Ui => "UI Dockerfile: edit it in the Dockerfile tab.",
        SourceKind::FilesOnHost => "Files on the builder host, under the build path.",
        SourceKind::Git => "A git repository, cloned for each run.",
    };
    let repos = choices
        .repos
        .into_iter()
        .map(|r| view! { <option value=r.clone()>{r.clone()}</option> })
        .collect_view();
    let accounts = choices
        .git_accounts
        .into_iter()
        .map(|a| view! { <option value=a.username.clone()>{format!("{} on {}", a.username, a.domain)}</option> })
        .collect_view();
    view! {
        <fieldset class="group">
            <legend>"Source"</legend>
            <p class="hint" id="source-kind">{kind_text}</p>
            <datalist id="repo-choices">{repos}</datalist>
            <datalist id="git-account-choices">{accounts}</datalist>
            <CheckField id="cfg-files-on-host" label="Files on host" value=draft.value(lens!(files_on_host))
                set=draft.setter(lens!(files_on_host))/>
            <TextField id="cfg-linked-repo" label="Linked repo" path="config.linked_repo"
                value=draft.value(lens!(linked_repo)) set=draft.setter(lens!(linked_repo)) errors
                list="repo-choices" hint="A Repo resource; overrides the repo fields below."/>
            <div class="row">
                <TextField id="cfg-git-provider" label="Git provider" path="config.git_provider"
                    value=draft.value(lens!(git_provider)) set=draft.setter(lens!(git_provider)) errors/>
                <CheckField id="cfg-git-https" label="HTTPS" value=draft.value(lens!(git_https))
                    set=draft.setter(lens!(git_https))/>
            </div>
            <TextField id="cfg-git-account" label="Git account" path="config.git_account"
                value=draft.value(lens!(git_account)) set=draft.setter(lens!(git_account)) errors
                list="git-account-choices"/>
            <TextField id="cfg-repo" label="Repo" path="config.repo" placeholder="owner/name"
                value=draft.value(lens!(repo)) set=draft.setter(lens!(repo)) errors/>
            <div class="row">
                <TextField id="cfg-branch" label="Branch" path="config.branch"
                    value=draft.value(lens!(branch)) set=draft.setter(lens!(branch)) errors/>
                <TextField id="cfg-commit" label="Commit" path="config.commit"
                    hint="Pin a commit; empty builds the branch head."
                    value=draft.value(lens!(commit)) set=draft.setter(lens!(commit)) errors/>
            </div>
            <div class="row">
                <TextField id="cfg-build-path" label="Build path" path="config.build_path"
                    value=draft.value(lens!(build_path)) set=draft.setter(lens!(build_path)) errors/>
                <TextField id="cfg-dockerfile-path" label="Dockerfile path" path="config.dockerfile_path"
                    value=draft.value(lens!(dockerfile_path)) set=draft.setter(lens!(dockerfile_path)) errors/>
            </div>
        </fieldset>
    }
    .into_any()
}
