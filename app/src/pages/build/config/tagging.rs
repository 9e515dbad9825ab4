use crate::components::{CheckField, TextField};
use crate::pages::build::draft::{lens, Draft};
use crate::pages::build::tag_preview::TagPreview;
use kiln_domain::Version;
use leptos::prelude::*;

/// The version and whether runs bump it.
#[component]
pub fn VersionGroup(draft: Draft) -> impl IntoView {
    let errors = draft.errors_signal();
    let text = RwSignal::new(draft.draft.with_untracked(|b| b.config.version.to_string()));
    let local_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let version = draft.draft.with(|b| b.config.version);
        let shown = Version::parse(&text.get_untracked()).ok();
        if shown != Some(version) {
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
        <fieldset class="group">
            <legend>"Version"</legend>
            <TextField id="cfg-version" label="Version" path="config.version" value=text set errors
                placeholder="1.2.3"/>
            {move || local_error.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <CheckField id="cfg-auto-increment" label="Auto-increment: each run builds the next patch version"
                value=draft.value(lens!(auto_increment_version)) set=draft.setter(lens!(auto_increment_version))/>
        </fieldset>
    }
    .into_any()
}

/// Image name, extra tag, which tags to push, and the live preview.
#[component]
pub fn TaggingGroup(draft: Draft) -> impl IntoView {
    let errors = draft.errors_signal();
    let placeholder = draft.saved.with_untracked(|b| b.name.to_string());
    view! {
        <fieldset class="group">
            <legend>"Image name and tagging"</legend>
            <TextField id="cfg-image-name" label="Image name" path="config.image_name"
                value=draft.value(lens!(image_name)) set=draft.setter(lens!(image_name)) errors
                placeholder hint="Empty uses the build name."/>
            <TextField id="cfg-image-tag" label="Image tag" path="config.image_tag"
                value=draft.value(lens!(image_tag)) set=draft.setter(lens!(image_tag)) errors
                hint="Pushed as its own tag and appended to the others (latest-TAG, 1.2.3-TAG)."/>
            <CheckField id="cfg-latest" label="Include latest tag"
                value=draft.value(lens!(include_latest_tag)) set=draft.setter(lens!(include_latest_tag))/>
            <CheckField id="cfg-version-tags" label="Include version tags (1.2.3, 1.2, 1)"
                value=draft.value(lens!(include_version_tags)) set=draft.setter(lens!(include_version_tags))/>
            <CheckField id="cfg-commit-tag" label="Include commit tag"
                value=draft.value(lens!(include_commit_tag)) set=draft.setter(lens!(include_commit_tag))/>
            <TagPreview draft/>
        </fieldset>
    }
    .into_any()
}
