use super::draft::use_draft;
use crate::browser::{mount_editor, Editor};
use kiln_domain::SourceKind;
use leptos::html::Div;
use leptos::prelude::*;

/// The Dockerfile: Monaco for UI-defined Dockerfiles (loaded only here);
/// for git and files-on-host sources, where the file comes from.
#[component]
pub fn DockerfileTab() -> impl IntoView {
    let Some(draft) = use_draft() else {
        return ().into_any();
    };
    let kind = draft.draft.with_untracked(|b| b.config.source_kind());
    if kind != SourceKind::Ui {
        let where_from = draft.draft.with_untracked(|b| {
            let c = &b.config;
            let dir = if c.build_path.is_empty() {
                "."
            } else {
                c.build_path.as_str()
            };
            match kind {
                SourceKind::FilesOnHost => {
                    format!("{dir}/{} on the builder host", c.dockerfile_path)
                }
                _ if !c.linked_repo.is_empty() => {
                    format!(
                        "{dir}/{} in linked repo {}",
                        c.dockerfile_path, c.linked_repo
                    )
                }
                _ => format!("{dir}/{} in {}@{}", c.dockerfile_path, c.repo, c.branch),
            }
        });
        return view! {
            <p class="hint" id="dockerfile-source">
                {format!("This build's Dockerfile is read at run time from {where_from}.")}
            </p>
        }
        .into_any();
    }
    let node = NodeRef::<Div>::new();
    // The editor lives in the effect's own state (browser only): dropped
    // with the tab, it is disposed.
    Effect::new(move |previous: Option<Option<Editor>>| {
        if let Some(Some(editor)) = previous {
            return Some(editor);
        }
        node.get()?;
        let text = draft.draft.with_untracked(|b| b.config.dockerfile.clone());
        Some(mount_editor(node, &text, false, move |value| {
            draft.update(|c| c.dockerfile = value);
        }))
    });
    let initial = draft.draft.with_untracked(|b| b.config.dockerfile.clone());
    view! {
        <p class="hint">"The Dockerfile built by each run. Save keeps it with the rest of the config."</p>
        <div class="editor" id="dockerfile-editor" node_ref=node>
            <pre class="dockerfile-text">{initial}</pre>
        </div>
    }
    .into_any()
}
