//! One run: status, stages with durations, the live log, Cancel.

mod log_view;
mod stages;

use crate::api::{cancel_run, error_text, get_run, get_run_page};
use crate::browser::{follow_log, now_ms, LogFollower};
use crate::components::PageData;
use crate::components::{encode_segment, fmt_duration, short_digest, ErrorText, StatusBadge};
use kiln_api::{RunPageData, RunView};
use kiln_domain::{LogLine, Run};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use log_view::LogView;
use stages::StageList;

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || params.read().get("id").unwrap_or_default());
    // An id that is not a number asks for run -1, which the server reports
    // as not found.
    let page = PageData::new(id, |id| Box::pin(get_run_page(id.parse().unwrap_or(-1))));
    view! {
        {page.view("Loading run…", |data: RunPageData| view! { <RunDetail data/> }.into_any())}
    }
    .into_any()
}

#[component]
fn RunDetail(data: RunPageData) -> impl IntoView {
    let RunPageData {
        run,
        log,
        now_ms: server_now,
    } = data;
    let run_id = run.run.id;
    let view_signal = RwSignal::new(run);
    let lines = RwSignal::new(log);
    let now = RwSignal::new(server_now);
    let run = Memo::new(move |_| view_signal.with(|v| v.run.clone()));
    let live = Memo::new(move |_| run.with(|r| r.status.is_live()));

    follow_while_live(run_id, live, view_signal, lines, now);

    let cancel = Action::new(move |_: &()| cancel_run(run_id));
    let cancel_error = move || {
        cancel
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <ErrorText message=error_text(&e)/> })
    };
    let duration = move || {
        run.with(|r| r.duration_ms(now.get()))
            .map(fmt_duration)
            .unwrap_or_else(|| "not started".to_string())
    };
    let build_href = run.with_untracked(|r| format!("/builds/{}", encode_segment(&r.build_name)));
    let build_name = run.with_untracked(|r| r.build_name.clone());
    let queue = move || {
        view_signal
            .with(|v| v.queue_position)
            .map(|p| view! { <span class="muted">{format!(" (place {p} in the queue)")}</span> })
    };
    view! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <a href="/">"Builds"</a>" / "<a href=build_href.clone()>{build_name}</a>" / "
            <span>{format!("run {run_id}")}</span>
        </nav>
        <header class="page-header">
            <div class="title">
                <h1>{format!("Run {run_id}")}</h1>
                <span id="run-status" data-status=move || run.with(|r| r.status.as_str())>
                    <StatusBadge status=Signal::derive(move || Some(run.with(|r| r.status)))/>
                </span>
                {queue}
            </div>
            {move || live.get().then(|| view! {
                <button type="button" class="danger" id="cancel-run"
                    disabled=move || cancel.pending().get()
                    on:click=move |_| { cancel.dispatch(()); }>
                    {move || if cancel.pending().get() { "Cancelling…" } else { "Cancel" }}
                </button>
            })}
        </header>
        {cancel_error}
        <dl class="summary">
            <dt>"Version"</dt><dd>{move || run.with(|r| r.version.clone())}</dd>
            <dt>"Trigger"</dt><dd>{move || run.with(|r| r.trigger.clone())}</dd>
            <dt>"Builder"</dt><dd>{move || run.with(|r| r.builder.clone())}</dd>
            <dt>"Duration"</dt><dd>{duration}</dd>
            <dt>"Commit"</dt><dd>{move || run.with(|r| or_dash(&r.short_commit))}</dd>
        </dl>
        {move || run.with(|r| (!r.error.is_empty()).then(|| {
            let message = r.error.clone();
            view! { <p class="error run-error" role="alert">{message}</p> }
        }))}
        <Pushed run/>
        <h2>"Stages"</h2>
        <StageList run lines now/>
        <h2>"Log"</h2>
        <LogView lines live/>
    }
    .into_any()
}

/// While the run is live: follows its log (new lines, stage changes refresh
/// the record, the end event brings the final one) and ticks the clock.
fn follow_while_live(
    run_id: i64,
    live: Memo<bool>,
    view_signal: RwSignal<RunView>,
    lines: RwSignal<Vec<LogLine>>,
    now: RwSignal<i64>,
) {
    // The follower lives in the effect's own state (browser only): dropped,
    // it closes the stream.
    Effect::new(move |previous: Option<Option<LogFollower>>| {
        let previous = previous.flatten();
        if !live.get() {
            if let Some(follower) = &previous {
                follower.close();
            }
            return None;
        }
        if previous.is_some() {
            return previous;
        }
        let refresh = move || {
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = get_run(run_id).await {
                    view_signal.update(|v| {
                        if v.run.status.is_live() {
                            *v = fresh;
                        }
                    });
                }
            });
        };
        let on_line = move |line: LogLine| {
            let mut new_stage = false;
            lines.update(|all| {
                if all.last().is_none_or(|last| line.seq > last.seq) {
                    new_stage = all.last().is_none_or(|last| last.stage != line.stage);
                    all.push(line);
                }
            });
            if new_stage {
                refresh();
            }
        };
        let on_end = move |end: Option<Run>| match end {
            Some(run) => view_signal.set(RunView {
                run,
                queue_position: None,
            }),
            None => refresh(),
        };
        Some(follow_log(run_id, on_line, on_end))
    });
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if live.get_untracked() {
                    now.set(now_ms());
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
}

#[component]
fn Pushed(run: Memo<Run>) -> impl IntoView {
    move || {
        run.with(|r| {
            if r.pushed.is_empty() {
                return None;
            }
            let images = r
                .pushed
                .iter()
                .map(|p| {
                    let tags = p
                        .tags
                        .iter()
                        .map(|t| view! { <li><code class="tag">{format!("{}:{t}", p.image)}</code></li> })
                        .collect_view();
                    view! {
                        <li>
                            <strong>{p.image.clone()}</strong>" "
                            <code class="digest" title=p.digest.clone()>{short_digest(&p.digest)}</code>
                            <ul class="tags">{tags}</ul>
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <section class="pushed">
                    <h2>"Pushed"</h2>
                    <ul>{images}</ul>
                </section>
            })
        })
    }
}

fn or_dash(value: &str) -> String {
    if value.is_empty() {
        "—".to_string()
    } else {
        value.to_string()
    }
}
