use crate::components::fmt_duration;
use kiln_domain::{LogLine, Run};
use leptos::prelude::*;

/// Finished stages with durations, then the stage still running (from the log).
#[component]
pub fn StageList(
    run: Memo<Run>,
    lines: RwSignal<Vec<LogLine>>,
    now: RwSignal<i64>,
) -> impl IntoView {
    let current = move || {
        let live = run.with(|r| r.status.is_live());
        if !live {
            return None;
        }
        let stage = lines.with(|l| l.last().map(|line| (line.stage.clone(), line.ts_ms)))?;
        let done = run.with(|r| r.stages.iter().any(|s| s.stage == stage.0));
        if done {
            return None;
        }
        let first_ts = lines.with(|l| {
            l.iter()
                .find(|line| line.stage == stage.0)
                .map(|line| line.ts_ms)
                .unwrap_or(stage.1)
        });
        Some(view! {
            <li class="stage running">
                <span class="name">{stage.0}</span>
                <span class="muted">{move || format!("running, {}", fmt_duration(now.get() - first_ts))}</span>
            </li>
        })
    };
    view! {
        <ol class="stages" id="stages">
            {move || run.with(|r| r.stages.iter().map(|s| {
                let class = if s.success { "stage ok" } else { "stage failed" };
                view! {
                    <li class=class>
                        <span class="name">{s.stage.clone()}</span>
                        <span class="duration">{fmt_duration(s.end_ms - s.start_ms)}</span>
                        <code class="command">{s.command.clone()}</code>
                    </li>
                }
            }).collect_view())}
            {current}
        </ol>
    }
    .into_any()
}
