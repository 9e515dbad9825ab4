use crate::api::{error_text, list_builds, CreateBuild, DeleteBuild};
use crate::components::PageData;
use crate::components::{encode_segment, fmt_age, ErrorText, RunButton, StatusBadge};
use kiln_api::{BuildList, BuildSummary};
use kiln_domain::access::Level;
use kiln_domain::RunStatus;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The builds list (search, status filter, Run buttons) and a form to create one.
#[component]
pub fn BuildsPage() -> impl IntoView {
    let create = ServerAction::<CreateBuild>::new();
    let delete = ServerAction::<DeleteBuild>::new();
    let builds = PageData::new(
        Signal::derive(move || format!("{}-{}", create.version().get(), delete.version().get())),
        |_| Box::pin(list_builds()),
    );
    let create_error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <ErrorText message=error_text(&e)/> })
    };
    let query = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    // Kept in signals: the form is drawn again whenever the list reloads.
    let (name, description, dockerfile) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    // Without JavaScript the form posts to the server function itself.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateBuild {
            name: name.get_untracked(),
            description: description.get_untracked(),
            dockerfile: dockerfile.get_untracked(),
        });
    };
    // What the user may do comes with the list: New build needs Write on
    // every build, each row's Run Execute and Delete Write on it.
    view! {
        <h1>"Builds"</h1>
        {builds.view("Loading builds…", move |list: BuildList| {
            let can_create = list.can_create;
            view! {
                <div class="toolbar" role="search">
                    <label for="build-search" class="sr-only">"Search builds"</label>
                    <input id="build-search" type="search" placeholder="Search name, source, builder"
                        prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                    <label for="build-status" class="sr-only">"Last run status"</label>
                    <select id="build-status" prop:value=status on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">"Any status"</option>
                        <option value="success">"Succeeded"</option>
                        <option value="failed">"Failed"</option>
                        <option value="live">"Queued or running"</option>
                        <option value="cancelled">"Cancelled"</option>
                        <option value="never">"Never run"</option>
                    </select>
                    {can_create.then(|| view! { <a class="button" id="new-build-link" href="#new-build">"New build"</a> })}
                </div>
                <BuildTable list delete query=query.into() status=status.into()/>
                {can_create.then(|| view! {
                    <section class="card" id="new-build">
                        <h2>"New build"</h2>
                        <form method="post" action=CreateBuild::url() on:submit=submit>
                            <div class="form-grid">
                                <label for="new-build-name">"Name"</label>
                                <input id="new-build-name" type="text" name="name" required autocomplete="off"
                                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                                <label for="new-build-description">"Description"</label>
                                <input id="new-build-description" type="text" name="description"
                                    prop:value=description on:input=move |ev| description.set(event_target_value(&ev))/>
                                <label for="new-build-dockerfile">"Dockerfile"</label>
                                <textarea id="new-build-dockerfile" name="dockerfile" rows="4"
                                    placeholder="FROM alpine:3.20" prop:value=dockerfile
                                    on:input=move |ev| dockerfile.set(event_target_value(&ev))></textarea>
                            </div>
                            <button type="submit" disabled=move || create.pending().get()>"Create build"</button>
                        </form>
                        {create_error}
                    </section>
                })}
            }
            .into_any()
        })}
    }
    .into_any()
}

#[component]
fn BuildTable(
    list: BuildList,
    delete: ServerAction<DeleteBuild>,
    query: Signal<String>,
    status: Signal<String>,
) -> impl IntoView {
    if list.builds.is_empty() {
        return view! { <p class="empty">"No builds yet."</p> }.into_any();
    }
    let now = list.now_ms;
    let levels: Vec<Level> = (0..list.builds.len()).map(|i| list.level(i)).collect();
    let rows = list
        .builds
        .into_iter()
        .zip(levels)
        .map(|(b, level)| {
            let visible = {
                let b = b.clone();
                move || matches(&b, &query.get(), &status.get())
            };
            view! {
                <tr class:hidden=move || !visible()>
                    <BuildRow summary=b now level delete/>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="builds">
                <thead>
                    <tr>
                        <th>"Name"</th><th>"Source"</th><th>"Builder"</th><th>"Version"</th>
                        <th>"Last run"</th><th><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn BuildRow(
    summary: BuildSummary,
    now: i64,
    level: Level,
    delete: ServerAction<DeleteBuild>,
) -> impl IntoView {
    let build = summary;
    let href = format!("/builds/{}", encode_segment(&build.name));
    let last = build.last_run.clone();
    let last_status = last.as_ref().map(|r| r.status);
    let last_text = last.as_ref().map(|r| {
        let run_href = format!("/runs/{}", r.id);
        view! { <a href=run_href>{fmt_age(now, r.at_ms)}</a> }
    });
    let delete_name = build.name.clone();
    view! {
        <td>
            <a class="build-link" href=href>{build.name.clone()}</a>
            <span class="muted small">{build.description.clone()}</span>
        </td>
        <td>{build.source.clone()}</td>
        <td>{build.builder.clone()}</td>
        <td>{build.version.clone()}</td>
        <td><StatusBadge status=Signal::stored(last_status)/>" "{last_text}</td>
        <td class="actions">
            {(level >= Level::Execute).then(|| view! { <RunButton name=build.name.clone()/> })}
            {(level >= Level::Write).then(|| view! {
                <form method="post" action=DeleteBuild::url() on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    delete.dispatch(DeleteBuild { name: delete_name.clone() });
                }>
                    <input type="hidden" name="name" value=build.name.clone()/>
                    <button type="submit" class="danger"
                        aria-label=format!("Delete build {}", build.name)>"Delete"</button>
                </form>
            })}
        </td>
    }
    .into_any()
}

/// Whether a row passes the search text and the status filter. The search
/// ignores ASCII case only (Unicode case tables would weigh on the wasm).
fn matches(build: &BuildSummary, query: &str, status: &str) -> bool {
    let query = query.trim().to_ascii_lowercase();
    let text_ok = query.is_empty()
        || [
            &build.name,
            &build.source,
            &build.builder,
            &build.description,
        ]
        .iter()
        .any(|field| field.to_ascii_lowercase().contains(&query));
    let last = build.last_run.as_ref().map(|r| r.status);
    let status_ok = match status {
        "" => true,
        "never" => last.is_none(),
        "live" => last.is_some_and(RunStatus::is_live),
        other => last.is_some_and(|s| s.as_str() == other),
    };
    text_ok && status_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_api::RunBrief;

    fn row(name: &str, status: Option<RunStatus>) -> BuildSummary {
        BuildSummary {
            name: name.to_string(),
            description: String::new(),
            source: "UI Dockerfile".to_string(),
            builder: "local".to_string(),
            version: "0.0.1".to_string(),
            last_run: status.map(|status| RunBrief {
                id: 1,
                status,
                version: "0.0.1".to_string(),
                at_ms: 0,
            }),
        }
    }

    #[test]
    fn search_and_status_filter_rows() {
        let api = row("api", Some(RunStatus::Failed));
        let web = row("web", None);
        assert!(matches(&api, "AP", ""));
        assert!(!matches(&web, "ap", ""));
        assert!(matches(&web, "dockerfile", ""));
        assert!(matches(&api, "", "failed"));
        assert!(!matches(&api, "", "success"));
        assert!(matches(&web, "", "never"));
        assert!(matches(&row("x", Some(RunStatus::Running)), "", "live"));
    }
}
