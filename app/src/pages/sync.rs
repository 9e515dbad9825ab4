use crate::api::{error_text, export_toml, sync_toml};
use crate::browser::read_file_text;
use crate::components::ErrorText;
use crate::components::PageData;
use kiln_api::SyncAnswer;
use kiln_domain::sync::ChangeAction;
use leptos::html::Input;
use leptos::prelude::*;

/// Paste or upload a Komodo resource-sync TOML, see the dry-run diff, apply;
/// export every resource.
#[component]
pub fn SyncPage() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let delete = RwSignal::new(false);
    let answer = RwSignal::new(None::<Result<SyncAnswer, String>>);
    let busy = RwSignal::new(None::<&'static str>);
    let file = NodeRef::<Input>::new();
    let applied = RwSignal::new(0u32);
    let run = move |dry_run: bool| {
        busy.set(Some(if dry_run {
            "Planning…"
        } else {
            "Applying…"
        }));
        let (toml, delete) = (text.get_untracked(), delete.get_untracked());
        leptos::task::spawn_local(async move {
            let result = sync_toml(toml, dry_run, delete)
                .await
                .map_err(|e| error_text(&e));
            if matches!(&result, Ok(r) if r.applied) {
                applied.update(|n| *n += 1);
            }
            answer.set(Some(result));
            busy.set(None);
        });
    };
    let exported = PageData::new(Signal::derive(move || applied.get().to_string()), |_| {
        Box::pin(export_toml())
    });
    view! {
        <h1>"Sync"</h1>
        <p class="hint">"Komodo's resource-sync TOML: [[build]], [[builder]], [[variable]], [[repo]], [[git_account]], [[registry_account]]."</p>
        <section class="card">
            <h2>"Import"</h2>
            <div class="field">
                <label for="sync-file">"Upload a file"</label>
                <input id="sync-file" type="file" accept=".toml,text/plain" node_ref=file
                    on:change=move |_| read_file_text(file, move |t| text.set(t))/>
            </div>
            <div class="field">
                <label for="sync-text">"Or paste TOML"</label>
                <textarea id="sync-text" rows="14" spellcheck="false" prop:value=text
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field check">
                <input id="sync-delete" type="checkbox" prop:checked=delete
                    on:change=move |ev| delete.set(event_target_checked(&ev))/>
                <label for="sync-delete">"Delete resources that are not in the file"</label>
            </div>
            <div class="buttons">
                <button type="button" id="sync-dry-run" class="secondary" disabled=move || busy.get().is_some()
                    on:click=move |_| run(true)>"Dry run"</button>
                <button type="button" id="sync-apply" disabled=move || busy.get().is_some()
                    on:click=move |_| run(false)>"Apply"</button>
                <span class="muted" role="status">{move || busy.get()}</span>
            </div>
            {move || answer.get().map(|a| match a {
                Ok(answer) => view! { <SyncResult answer/> }.into_any(),
                Err(message) => view! { <ErrorText message/> }.into_any(),
            })}
        </section>
        <section class="card">
            <h2>"Export"</h2>
            <p class="hint">"Every resource, secrets left out (secret args as KEY=<KEY>; syncing the file back keeps them)."</p>
            <p><a href="/api/v1/sync" download="kiln.toml" class="button secondary">"Download kiln.toml"</a></p>
            {exported.view("Exporting…", |toml: String| view! {
                <pre class="export" id="sync-export">{toml}</pre>
            }.into_any())}
        </section>
    }
    .into_any()
}

#[component]
fn SyncResult(answer: SyncAnswer) -> impl IntoView {
    let heading = match (answer.dry_run, answer.applied, answer.changes.is_empty()) {
        (_, _, true) => "No changes: Kiln already matches the file.".to_string(),
        (true, _, false) => format!(
            "Dry run: applying would make {} change(s).",
            answer.changes.len()
        ),
        (false, true, false) => format!("Applied {} change(s).", answer.changes.len()),
        (false, false, false) => "Nothing was applied.".to_string(),
    };
    let changes = answer
        .changes
        .into_iter()
        .map(|c| {
            let (class, sign) = match c.action {
                ChangeAction::Create => ("create", "+"),
                ChangeAction::Update => ("update", "~"),
                ChangeAction::Delete => ("delete", "-"),
            };
            let fields = (!c.fields.is_empty()).then(|| {
                let list = c
                    .fields
                    .iter()
                    .map(|f| view! { <li><code>{f.clone()}</code></li> })
                    .collect_view();
                view! { <ul class="fields">{list}</ul> }
            });
            view! {
                <li class=format!("change {class}")>
                    <span class="sign" aria-hidden="true">{sign}</span>
                    {format!("{class} {} '{}'", c.kind.as_str(), c.name)}
                    {fields}
                </li>
            }
        })
        .collect_view();
    let warnings = answer
        .warnings
        .into_iter()
        .map(|w| view! { <li>{w}</li> })
        .collect_view();
    view! {
        <div class="sync-result" id="sync-result">
            <p><strong>{heading}</strong></p>
            <ul class="diff">{changes}</ul>
            <ul class="warnings">{warnings}</ul>
        </div>
    }
    .into_any()
}
