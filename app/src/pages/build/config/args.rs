use crate::components::{CheckField, ListEditor, TextAreaField, TextField};
use crate::pages::build::draft::{lens, Draft};
use leptos::prelude::*;

/// Build args, secret args (values hidden) and labels.
#[component]
pub fn ArgsGroup(draft: Draft) -> impl IntoView {
    let errors = draft.errors_signal();
    view! {
        <fieldset class="group">
            <legend>"Build args, secret args and labels"</legend>
            <TextAreaField id="cfg-build-args" label="Build args" path="config.build_args"
                value=draft.value(lens!(build_args)) set=draft.setter(lens!(build_args)) errors
                hint="KEY=value per line; [[VARIABLE]] is replaced by a variable's value."/>
            <TextAreaField id="cfg-secret-args" label="Secret args" path="config.secret_args"
                value=draft.value(lens!(secret_args)) set=draft.setter(lens!(secret_args)) errors
                hint="Passed as BuildKit secrets. Stored values are never shown: a line left as KEY=<KEY> keeps its value."/>
            <CheckField id="cfg-skip-secret-interp" label="Skip secret interpolation"
                value=draft.value(lens!(skip_secret_interp)) set=draft.setter(lens!(skip_secret_interp))/>
            <TextAreaField id="cfg-labels" label="Labels" path="config.labels"
                value=draft.value(lens!(labels)) set=draft.setter(lens!(labels)) errors
                hint="KEY=value per line."/>
        </fieldset>
    }
    .into_any()
}

/// Extra `docker build` arguments.
#[component]
pub fn ExtraArgsGroup(draft: Draft) -> impl IntoView {
    let errors = draft.errors_signal();
    view! {
        <fieldset class="group">
            <legend>"Extra args"</legend>
            <ListEditor id="cfg-extra-args" label="Extra arg" path="config.extra_args"
                items=draft.value(lens!(extra_args)) set=draft.setter(lens!(extra_args)) errors
                placeholder="--platform=linux/amd64"/>
            <CheckField id="cfg-use-buildx" label="Use buildx"
                value=draft.value(lens!(use_buildx)) set=draft.setter(lens!(use_buildx))/>
        </fieldset>
    }
    .into_any()
}

/// A command run in the checkout before `docker build`.
#[component]
pub fn PreBuildGroup(draft: Draft) -> impl IntoView {
    let errors = draft.errors_signal();
    view! {
        <fieldset class="group">
            <legend>"Pre-build"</legend>
            <TextField id="cfg-pre-build-path" label="Path" path="config.pre_build.path"
                value=draft.value(lens!(pre_build.path)) set=draft.setter(lens!(pre_build.path)) errors/>
            <TextAreaField id="cfg-pre-build-command" label="Command" path="config.pre_build.command"
                value=draft.value(lens!(pre_build.command)) set=draft.setter(lens!(pre_build.command)) errors
                rows=3 hint="Lines are joined with && unless shell mode is on."/>
            <CheckField id="cfg-pre-build-shell" label="Shell mode (run as one script)"
                value=draft.value(lens!(pre_build.shell_mode)) set=draft.setter(lens!(pre_build.shell_mode))/>
        </fieldset>
    }
    .into_any()
}
