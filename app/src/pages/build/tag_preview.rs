use super::draft::Draft;
use crate::components::FieldErrors;
use kiln_domain::image::{image_name, planned_refs, tags};
use kiln_domain::SourceKind;
use leptos::prelude::*;

/// The exact references the next run pushes, computed in the page from the
/// draft with the same code the engine uses (`kiln_domain::image::planned_refs`),
/// and the server's message when the draft has no tag at all.
#[component]
pub fn TagPreview(draft: Draft) -> impl IntoView {
    let preview = move || {
        draft.draft.with(|build| {
            let config = &build.config;
            let version = if config.auto_increment_version {
                config.version.bump_patch()
            } else {
                config.version
            };
            let commit_note = (config.include_commit_tag && config.source_kind() == SourceKind::Git)
                .then_some("The commit's short hash (and hash-TAG) is added when the run knows it.");
            let refs = planned_refs(build, &version, None);
            let body = if refs.is_empty() {
                let local = tags(config, &version, None)
                    .into_iter()
                    .map(|t| format!("{}:{t}", image_name(build)))
                    .map(|r| view! { <li><code>{r}</code></li> })
                    .collect_view();
                view! {
                    <p class="muted">"No registry: the run builds these tags and pushes nothing."</p>
                    <ul class="refs">{local}</ul>
                }
                .into_any()
            } else {
                refs.into_iter()
                    .map(|(image, tags)| {
                        let items = tags
                            .iter()
                            .map(|t| view! { <li><code class="ref">{format!("{}:{t}", image.path)}</code></li> })
                            .collect_view();
                        let account = if image.account.is_empty() {
                            "anonymously".to_string()
                        } else {
                            format!("as {}", image.account)
                        };
                        view! {
                            <h4>{format!("{} ({account})", image.domain)}</h4>
                            <ul class="refs">{items}</ul>
                        }
                    })
                    .collect_view()
                    .into_any()
            };
            view! {
                <p>{format!("Next run: version {version}")}</p>
                {body}
                {commit_note.map(|n| view! { <p class="hint">{n}</p> })}
            }
        })
    };
    // "No tags to apply" is reported on the first tag switch; the switches
    // have no message slot of their own, so it shows here.
    let errors = draft.errors_signal();
    view! {
        <section class="tag-preview" id="tag-preview" aria-live="polite">
            <h3>"Tag preview"</h3>
            {preview}
            <FieldErrors path="config.include_latest_tag" errors/>
        </section>
    }
    .into_any()
}
