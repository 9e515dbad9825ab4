//! `/admin/permissions`: every grant (who has which level on which
//! resource or kind), add one, remove one (level None). The build page's
//! Permissions tab uses the same table and form on one build.

use super::Message;
use crate::api::{error_text, list_grants, set_grant};
use crate::components::PageData;
use crate::pages::variables::Feedback;
use kiln_api::{GrantView, GrantsPage};
use leptos::prelude::*;

/// The kinds a grant may cover, as the core names them, and as people do.
const KINDS: [(&str, &str); 7] = [
    ("build", "Builds"),
    ("builder", "Builders"),
    ("variable", "Variables"),
    ("repo", "Repos"),
    ("git_account", "Git accounts"),
    ("registry_account", "Registry accounts"),
    ("alerter", "Alerters"),
];

/// The Permissions page.
#[component]
pub fn PermissionsPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let grants = PageData::new(Signal::derive(move || changed.get().to_string()), |_| {
        Box::pin(list_grants())
    });
    let message: Message = RwSignal::new(None);
    view! {
        <h1>"Permissions"</h1>
        <p class="hint">"Read sees a resource, its runs and logs; Execute also runs and cancels; Write also edits, renames, copies and deletes. A grant without a resource covers every resource of its kind, present and future. The highest grant that applies wins; admins may do anything."</p>
        <Feedback message/>
        {grants.view("Loading permissions…", move |data: GrantsPage| view! {
            <GrantTable grants=data.grants changed message/>
            <section class="card">
                <h2>"Grant"</h2>
                <GrantForm users=data.users groups=data.groups on_build=None changed message/>
            </section>
        }.into_any())}
    }
    .into_any()
}

/// Grants as a table, each with Remove.
#[component]
pub(crate) fn GrantTable(
    grants: Vec<GrantView>,
    changed: RwSignal<u32>,
    message: Message,
) -> impl IntoView {
    if grants.is_empty() {
        return view! { <p class="empty" id="grants">"No grants yet: only admins may do anything."</p> }
            .into_any();
    }
    let rows = grants
        .into_iter()
        .map(|grant| {
            let what = match &grant.resource {
                Some(name) => format!("{} {name}", kind_label(&grant.kind)),
                None => format!("every {}", kind_label(&grant.kind)),
            };
            let who = format!("{} {}", grant.subject_type, grant.subject);
            let label = format!("{who}: {} on {what}", grant.level);
            let remove = {
                let grant = grant.clone();
                let label = label.clone();
                move |_| {
                    let g = grant.clone();
                    let label = label.clone();
                    leptos::task::spawn_local(async move {
                        let call =
                            set_grant(g.subject_type, g.subject, g.kind, g.resource, "None".into());
                        match call.await {
                            Ok(()) => {
                                message.set(Some(Ok(format!("Removed {label}."))));
                                changed.update(|c| *c += 1);
                            }
                            Err(e) => message.set(Some(Err(error_text(&e)))),
                        }
                    });
                }
            };
            view! {
                <tr data-grant=label.clone()>
                    <td>{who}</td>
                    <td>{what}</td>
                    <td>{grant.level.clone()}</td>
                    <td class="actions">
                        <button type="button" class="danger" on:click=remove
                            aria-label=format!("Remove {label}")>"Remove"</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table id="grants">
                <thead><tr>
                    <th>"Who"</th><th>"On"</th><th>"Level"</th>
                    <th><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// `build`'s plural in a sentence (`builds` → "build").
fn kind_label(kind: &str) -> String {
    kind.replace('_', " ")
}

/// Adds (or changes) one grant: a user or group, and a level on one
/// resource or a whole kind; with `on_build` the grant is on that build.
#[component]
pub(crate) fn GrantForm(
    users: Vec<String>,
    groups: Vec<String>,
    on_build: Option<String>,
    changed: RwSignal<u32>,
    message: Message,
) -> impl IntoView {
    let first = users
        .first()
        .map(|u| format!("user:{u}"))
        .unwrap_or_default();
    let subject = RwSignal::new(first);
    let kind = RwSignal::new("build".to_string());
    let fixed = on_build.is_some();
    let resource = RwSignal::new(on_build.unwrap_or_default());
    let level = RwSignal::new("Read".to_string());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let picked = subject.get_untracked();
        let Some((subject_type, name)) = picked.split_once(':') else {
            message.set(Some(Err("Choose a user or group.".into())));
            return;
        };
        let (subject_type, name) = (subject_type.to_string(), name.to_string());
        let (k, r, l) = (
            kind.get_untracked(),
            resource.get_untracked(),
            level.get_untracked(),
        );
        let on = if r.trim().is_empty() {
            format!("every {}", kind_label(&k))
        } else {
            format!("{} {r}", kind_label(&k))
        };
        let done = format!("Granted {l} on {on} to {subject_type} {name}.");
        leptos::task::spawn_local(async move {
            match set_grant(subject_type, name, k, Some(r), l).await {
                Ok(()) => {
                    message.set(Some(Ok(done)));
                    changed.update(|c| *c += 1);
                }
                Err(e) => message.set(Some(Err(error_text(&e)))),
            }
        });
    };
    let subject_options = users
        .iter()
        .map(|u| view! { <option value=format!("user:{u}")>{format!("user {u}")}</option> })
        .collect_view();
    let group_options = groups
        .iter()
        .map(|g| view! { <option value=format!("group:{g}")>{format!("group {g}")}</option> })
        .collect_view();
    view! {
        <form class="inline-form grant-form" id="grant-form" on:submit=submit>
            <label for="grant-subject">"Who"</label>
            <select id="grant-subject" prop:value=subject on:change=move |ev| subject.set(event_target_value(&ev))>
                {subject_options}
                {group_options}
            </select>
            {(!fixed).then(|| view! {
                <label for="grant-kind">"Kind"</label>
                <select id="grant-kind" prop:value=kind on:change=move |ev| kind.set(event_target_value(&ev))>
                    {KINDS.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                </select>
                <label for="grant-resource">"Resource"</label>
                <input id="grant-resource" type="text" autocomplete="off" placeholder="empty: every one"
                    prop:value=resource on:input=move |ev| resource.set(event_target_value(&ev))/>
            })}
            <label for="grant-level">"Level"</label>
            <select id="grant-level" prop:value=level on:change=move |ev| level.set(event_target_value(&ev))>
                <option value="Read">"Read"</option>
                <option value="Execute">"Execute"</option>
                <option value="Write">"Write"</option>
            </select>
            <button type="submit" id="grant-submit">"Grant"</button>
        </form>
    }
}
