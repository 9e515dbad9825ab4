use crate::browser::scroll_to_end;
use kiln_domain::{LogLine, Stream};
use leptos::html::Div;
use leptos::prelude::*;

/// The log, stage headings between stages; keeps to the bottom while it
/// grows unless the reader scrolled up (the Follow box).
#[component]
pub fn LogView(lines: RwSignal<Vec<LogLine>>, live: Memo<bool>) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let follow = RwSignal::new(true);
    Effect::new(move |_| {
        lines.track();
        if follow.get() {
            scroll_to_end(node);
        }
    });
    let count = move || lines.with(Vec::len);
    view! {
        <div class="log-tools">
            <span class="muted" id="log-count">{move || format!("{} lines", count())}</span>
            {move || live.get().then(|| view! {
                <span class="live-dot" aria-live="polite">"live"</span>
            })}
            <label class="check-inline">
                <input type="checkbox" prop:checked=follow
                    on:change=move |ev| follow.set(event_target_checked(&ev))/>
                "Follow"
            </label>
        </div>
        <div class="log" id="run-log" node_ref=node tabindex="0" role="log" aria-label="Run log">
            <For each=move || lines.get() key=|line| line.seq let:line>
                <LogRow line/>
            </For>
            {move || (count() == 0).then(|| view! { <p class="muted">"No output yet."</p> })}
        </div>
    }
    .into_any()
}

#[component]
fn LogRow(line: LogLine) -> impl IntoView {
    let class = match line.stream {
        Stream::Stdout => "line",
        Stream::Stderr => "line stderr",
    };
    view! {
        <div class=class data-seq=line.seq>
            <span class="stage">{line.stage}</span>
            <span class="text">{line.text}</span>
        </div>
    }
    .into_any()
}
