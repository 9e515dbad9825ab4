use super::chart::DurationChart;
use super::draft::use_draft;
use crate::api::list_runs;
use crate::components::PageData;
use crate::components::{fmt_age, fmt_duration, short_digest, StatusBadge};
use kiln_api::{RunView, RunsOfBuild};
use leptos::prelude::*;

/// Run history: status, version, trigger, duration, tags, digest, and a chart.
#[component]
pub fn RunsTab() -> impl IntoView {
    let Some(draft) = use_draft() else {
        return ().into_any();
    };
    let name = draft.name();
    let runs = PageData::new(Signal::stored(name), |name| Box::pin(list_runs(name)));
    view! {
        {runs.view("Loading runs…", |data: RunsOfBuild| view! { <RunHistory data/> }.into_any())}
    }
    .into_any()
}

#[component]
fn RunHistory(data: RunsOfBuild) -> impl IntoView {
    if data.runs.is_empty() {
        return view! { <p class="empty">"No runs yet. Press Run to start one."</p> }.into_any();
    }
    let now = data.now_ms;
    let rows = data
        .runs
        .iter()
        .map(|view| run_row(view, now))
        .collect_view();
    view! {
        <DurationChart runs=data.runs.clone()/>
        <div class="table-wrap">
            <table class="runs" id="runs-table">
                <thead>
                    <tr>
                        <th>"Run"</th><th>"Status"</th><th>"Version"</th><th>"Trigger"</th>
                        <th>"Started"</th><th>"Duration"</th><th>"Tags"</th><th>"Digest"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn run_row(view: &RunView, now: i64) -> impl IntoView {
    let run = &view.run;
    let tags = run
        .pushed
        .iter()
        .flat_map(|p| p.tags.iter().map(move |t| format!("{}:{t}", p.image)))
        .map(|r| view! { <li><code>{r}</code></li> })
        .collect_view();
    let digests = run
        .pushed
        .iter()
        .map(|p| view! { <code title=p.digest.clone()>{short_digest(&p.digest)}</code>" " })
        .collect_view();
    let duration = run.duration_ms(now).map(fmt_duration).unwrap_or_default();
    view! {
        <tr>
            <td><a href=format!("/runs/{}", run.id)>{format!("#{}", run.id)}</a></td>
            <td><StatusBadge status=Signal::stored(Some(run.status))/></td>
            <td>{run.version.clone()}</td>
            <td>{run.trigger.clone()}</td>
            <td>{fmt_age(now, run.started_ms.unwrap_or(run.created_ms))}</td>
            <td>{duration}</td>
            <td><ul class="tags">{tags}</ul></td>
            <td>{digests}</td>
        </tr>
    }
}
