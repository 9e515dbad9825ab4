use super::ErrorText;
use crate::api::{error_text, list_builds, CreateBuild, DeleteBuild};
use crate::wire::BuildSummary;
use leptos::prelude::*;

/// The builds list with a form to create one.
#[component]
pub fn BuildsPage() -> impl IntoView {
    let create = ServerAction::<CreateBuild>::new();
    let delete = ServerAction::<DeleteBuild>::new();
    let builds = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |_| list_builds(),
    );
    let create_error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <ErrorText message=error_text(&e)/> })
    };
    view! {
        <h1>"Builds"</h1>
        <section class="card">
            <h2>"New build"</h2>
            <ActionForm action=create>
                <div class="form-grid">
                    <label for="new-build-name">"Name"</label>
                    <input id="new-build-name" type="text" name="name" required autocomplete="off"/>
                    <label for="new-build-description">"Description"</label>
                    <input id="new-build-description" type="text" name="description"/>
                    <label for="new-build-dockerfile">"Dockerfile"</label>
                    <textarea id="new-build-dockerfile" name="dockerfile" rows="4"
                        placeholder="FROM alpine:3.20"></textarea>
                </div>
                <button type="submit" disabled=move || create.pending().get()>"Create build"</button>
            </ActionForm>
            {create_error}
        </section>
        <Suspense fallback=|| view! { <p>"Loading builds…"</p> }>
            {move || Suspend::new(async move {
                match builds.await {
                    Ok(list) => view! { <BuildTable list=list delete=delete/> }.into_any(),
                    Err(e) => view! { <ErrorText message=error_text(&e)/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BuildTable(list: Vec<BuildSummary>, delete: ServerAction<DeleteBuild>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">"No builds yet."</p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|b| {
            let href = format!("/builds/{}", encode_segment(&b.name));
            view! {
                <tr>
                    <td><a class="build-link" href=href>{b.name.clone()}</a></td>
                    <td>{b.source}</td>
                    <td>{b.builder}</td>
                    <td>{b.version}</td>
                    <td>
                        <ActionForm action=delete>
                            <input type="hidden" name="name" value=b.name.clone()/>
                            <button type="submit" class="danger"
                                aria-label=format!("Delete build {}", b.name)>"Delete"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="builds">
            <thead>
                <tr><th>"Name"</th><th>"Source"</th><th>"Builder"</th><th>"Version"</th><th></th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// Percent-encodes a path segment (names may hold spaces and such).
pub(crate) fn encode_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
