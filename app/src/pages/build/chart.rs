use crate::components::fmt_duration;
use kiln_api::RunView;
use leptos::prelude::*;

/// How many of the latest runs the chart shows.
const CHART_RUNS: usize = 30;
// SVG user units; whole numbers, so no float formatting reaches the wasm.
const WIDTH: i64 = 600;
const HEIGHT: i64 = 120;
/// Each run's share of the width.
const SLOT: i64 = WIDTH / CHART_RUNS as i64;

/// Bars of the durations of the latest finished runs, oldest on the left.
#[component]
pub fn DurationChart(runs: Vec<RunView>) -> impl IntoView {
    let bars = bars(&runs);
    if bars.is_empty() {
        return ().into_any();
    }
    let label = format!("Durations of the last {} finished runs", bars.len());
    let rects = bars
        .into_iter()
        .enumerate()
        .map(|(i, bar)| {
            let x = i as i64 * SLOT + 2;
            view! {
                <rect class=format!("bar status-{}", bar.status) x=x y=HEIGHT - bar.height
                    width=SLOT - 4 height=bar.height>
                    <title>{bar.title}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label.clone()
                preserveAspectRatio="none" id="duration-chart">
                {rects}
            </svg>
            <figcaption class="muted">{label}</figcaption>
        </figure>
    }
    .into_any()
}

struct Bar {
    height: i64,
    status: &'static str,
    title: String,
}

/// Finished runs only (newest `CHART_RUNS`), scaled to the longest.
fn bars(runs: &[RunView]) -> Vec<Bar> {
    let mut finished: Vec<_> = runs
        .iter()
        .filter_map(|v| {
            let r = &v.run;
            let ms = r.ended_ms? - r.started_ms?;
            Some((r.id, r.status.as_str(), ms.max(0)))
        })
        .take(CHART_RUNS)
        .collect();
    finished.reverse();
    let longest = finished
        .iter()
        .map(|(_, _, ms)| *ms)
        .max()
        .unwrap_or(0)
        .max(1);
    finished
        .into_iter()
        .map(|(id, status, ms)| Bar {
            height: (ms * (HEIGHT - 4) / longest).max(2),
            status,
            title: format!("run {id}: {status}, {}", fmt_duration(ms)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_domain::{Run, RunStatus};

    fn run(id: i64, started: Option<i64>, ended: Option<i64>) -> RunView {
        RunView {
            run: Run {
                id,
                build_name: "api".into(),
                builder: "local".into(),
                trigger: "ui".into(),
                status: RunStatus::Success,
                version: "0.0.1".into(),
                commit: String::new(),
                short_commit: String::new(),
                error: String::new(),
                image_id: String::new(),
                image_size: 0,
                pushed: Vec::new(),
                stages: Vec::new(),
                created_ms: 0,
                started_ms: started,
                ended_ms: ended,
            },
            queue_position: None,
        }
    }

    #[test]
    fn bars_are_oldest_first_scaled_to_the_longest() {
        let runs = [
            run(3, Some(0), Some(1000)),
            run(2, Some(0), Some(4000)),
            run(1, None, None),
        ];
        let bars = bars(&runs);
        assert_eq!(bars.len(), 2, "unfinished runs are left out");
        assert!(bars[0].title.starts_with("run 2"));
        assert_eq!(bars[0].height, HEIGHT - 4);
        assert_eq!(bars[1].height, (HEIGHT - 4) / 4);
    }
}
