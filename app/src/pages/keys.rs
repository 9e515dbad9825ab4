//! `/keys`: the signed-in user's API keys (name, prefix, level cap,
//! created, expires, last used), a form to make one that shows the key
//! once, and Revoke.

use super::variables::Feedback;
use crate::api::{create_api_key, error_text, list_api_keys, revoke_api_key};
use crate::components::{fmt_age, PageData};
use kiln_api::{ApiKeyView, ApiKeysPage};
use leptos::prelude::*;

/// The API keys page.
#[component]
pub fn KeysPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let keys = PageData::new(Signal::derive(move || changed.get().to_string()), |_| {
        Box::pin(list_api_keys())
    });
    let message = RwSignal::new(None::<Result<String, String>>);
    let created = RwSignal::new(None::<String>);
    view! {
        <h1>"API keys"</h1>
        <p class="hint">"A key lets scripts and the kiln CLI act as you (Authorization: Bearer kiln_…). It never does more than you may, nor more than its level cap; revoking it stops it at once."</p>
        <Feedback message/>
        {move || created.get().map(|key| view! {
            <section class="card new-key" id="new-key">
                <h2>"Your new key"</h2>
                <p>"Copy it now (select it, then Ctrl+C): Kiln keeps only its hash and shows it this once."</p>
                <input id="new-key-value" type="text" readonly=true value=key.clone() prop:value=key
                    aria-label="The new API key"
                    on:focus=select_all/>
            </section>
        })}
        {keys.view("Loading keys…", move |page: ApiKeysPage| {
            if page.keys.is_empty() {
                return view! { <p class="empty">"No keys yet."</p> }.into_any();
            }
            let now = page.now_ms;
            let rows = page
                .keys
                .into_iter()
                .map(|key| view! { <KeyRow key now changed message/> })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table id="api-keys">
                        <thead><tr>
                            <th>"Name"</th><th>"Key"</th><th>"Level cap"</th><th>"Created"</th>
                            <th>"Expires"</th><th>"Last used"</th><th><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })}
        <NewKey changed message created/>
    }
    .into_any()
}

/// Selects the whole field, ready to copy.
fn select_all(ev: leptos::ev::FocusEvent) {
    event_target::<leptos::web_sys::HtmlInputElement>(&ev).select();
}

#[component]
fn KeyRow(
    key: ApiKeyView,
    now: i64,
    changed: RwSignal<u32>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let (id, name) = (key.id, key.name.clone());
    let revoke = move |_| {
        let name = name.clone();
        leptos::task::spawn_local(async move {
            match revoke_api_key(id).await {
                Ok(()) => {
                    message.set(Some(Ok(format!("Key {name} revoked."))));
                    changed.update(|c| *c += 1);
                }
                Err(e) => message.set(Some(Err(error_text(&e)))),
            }
        });
    };
    view! {
        <tr data-key=key.name.clone()>
            <td>{key.name.clone()}</td>
            <td><code>{format!("{}…", key.prefix)}</code></td>
            <td>{key.level_cap.clone().unwrap_or_else(|| "your permissions".to_string())}</td>
            <td>{fmt_age(now, key.created_at_ms)}</td>
            <td>{key.expires_at_ms.map_or_else(|| "never".to_string(), |at| {
                let day = fmt_day(at - 1);
                if at <= now { format!("expired ({day})") } else { format!("after {day}") }
            })}</td>
            <td>{key.last_used_ms.map_or_else(|| "never".to_string(), |at| fmt_age(now, at))}</td>
            <td class="actions">
                <button type="button" class="danger" on:click=revoke
                    aria-label=format!("Revoke key {}", key.name)>"Revoke"</button>
            </td>
        </tr>
    }
}

#[component]
fn NewKey(
    changed: RwSignal<u32>,
    message: RwSignal<Option<Result<String, String>>>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let cap = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        created.set(None);
        let (n, e, c) = (name.get(), expires.get(), cap.get());
        leptos::task::spawn_local(async move {
            match create_api_key(n.clone(), e, c).await {
                Ok(made) => {
                    message.set(Some(Ok(format!("Key {n} created."))));
                    created.set(Some(made.key));
                    name.set(String::new());
                    expires.set(String::new());
                    changed.update(|c| *c += 1);
                }
                Err(e) => message.set(Some(Err(error_text(&e)))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card">
            <h2>"New key"</h2>
            <form on:submit=submit id="new-key-form">
                <div class="form-grid">
                    <label for="key-name">"Name"</label>
                    <input id="key-name" type="text" required autocomplete="off" prop:value=name
                        placeholder="ci-deploy" on:input=move |ev| name.set(event_target_value(&ev))/>
                    <label for="key-expires">"Expires after (optional)"</label>
                    <input id="key-expires" type="date" prop:value=expires
                        on:input=move |ev| expires.set(event_target_value(&ev))/>
                    <label for="key-cap">"Level cap"</label>
                    <select id="key-cap" prop:value=cap on:change=move |ev| cap.set(event_target_value(&ev))>
                        <option value="">"None: my permissions"</option>
                        <option value="Read">"Read"</option>
                        <option value="Execute">"Execute"</option>
                        <option value="Write">"Write"</option>
                    </select>
                </div>
                <button type="submit" id="create-key" disabled=move || busy.get()>"Create key"</button>
            </form>
        </section>
    }
}

/// `2025-03-01`: the UTC day of Unix milliseconds `ms`.
fn fmt_day(ms: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::fmt_day;

    #[test]
    fn days_read_as_dates() {
        assert_eq!(fmt_day(0), "1970-01-01");
        assert_eq!(fmt_day(1_709_251_200_000 - 1), "2024-02-29");
        assert_eq!(fmt_day(1_709_251_200_000), "2024-03-01");
    }
}
