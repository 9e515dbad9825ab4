use super::draft::use_draft;
use crate::api::get_source_dockerfile;
use crate::browser::{mount_editor, Editor};
use crate::components::ErrorText;
use crate::components::PageData;
use kiln_api::SourceDockerfile;
use kiln_domain::SourceKind;
use leptos::html::Div;
use leptos::prelude::*;

/// The Dockerfile: Monaco for UI-defined Dockerfiles (loaded only here);
/// for git and files-on-host sources, where the file comes from and a
/// read-only view of it when the builder can read it.
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
        let name = draft.saved.with_untracked(|b| b.name.to_string());
        return view! {
            <p class="hint" id="dockerfile-source">
                {format!("This build's Dockerfile is read at run time from {where_from}.")}
            </p>
            <SourceView name/>
        }
        .into_any();
    }
    let initial = draft.draft.with_untracked(|b| b.config.dockerfile.clone());
    let read_only =
        !super::use_page_info().is_some_and(|info| info.can(kiln_domain::access::Level::Write));
    view! {
        <p class="hint">"The Dockerfile built by each run. Save keeps it with the rest of the config."</p>
        <MonacoEditor text=initial read_only on_change=move |value| {
            draft.update(|c| c.dockerfile = value);
        }/>
    }
    .into_any()
}

/// The saved source's Dockerfile as the builder reads it, or why it cannot.
#[component]
fn SourceView(name: String) -> impl IntoView {
    let file = PageData::new(Signal::stored(name), |name| {
        Box::pin(get_source_dockerfile(name))
    });
    view! {
        {file.view_or(
            "Reading the Dockerfile…",
            |found: SourceDockerfile| view! { <ReadOnly found/> }.into_any(),
            |message| view! {
                <div id="dockerfile-unavailable"><ErrorText message/></div>
            }
            .into_any(),
        )}
    }
}

#[component]
fn ReadOnly(found: SourceDockerfile) -> impl IntoView {
    let at = found
        .commit
        .as_ref()
        .map(|c| format!(" at commit {}", c.chars().take(7).collect::<String>()))
        .unwrap_or_default();
    view! {
        <p class="hint" id="dockerfile-read-from">
            {format!("Read-only: {}{at}, as builder '{}' reads it.", found.path, found.builder)}
        </p>
        <MonacoEditor text=found.contents read_only=true on_change=|_| {}/>
    }
}

/// Monaco over `#dockerfile-editor`, with the text shown as plain text until
/// (and unless) Monaco loads.
#[component]
fn MonacoEditor(
    text: String,
    read_only: bool,
    on_change: impl Fn(String) + Clone + 'static,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let initial = text.clone();
    // The editor lives in the effect's own state (browser only): dropped
    // with the tab, it is disposed.
    Effect::new(move |previous: Option<Option<Editor>>| {
        if let Some(Some(editor)) = previous {
            return Some(editor);
        }
        node.get()?;
        Some(mount_editor(node, &text, read_only, on_change.clone()))
    });
    view! {
        <div class="editor" id="dockerfile-editor" data-read-only=read_only.to_string() node_ref=node>
            <pre class="dockerfile-text">{initial}</pre>
        </div>
    }
}
