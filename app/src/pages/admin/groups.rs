//! `/admin/groups`: every group with its members (or `everyone`); create,
//! change members, delete.

use super::Message;
use crate::api::{delete_group, error_text, list_groups, put_group};
use crate::components::PageData;
use crate::pages::variables::Feedback;
use kiln_api::{GroupView, GroupsPage as GroupsData};
use leptos::prelude::*;

/// The Groups page.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let groups = PageData::new(Signal::derive(move || changed.get().to_string()), |_| {
        Box::pin(list_groups())
    });
    let message: Message = RwSignal::new(None);
    view! {
        <h1>"Groups"</h1>
        <p class="hint">"A grant to a group applies to each of its members; a group marked 'everyone' holds every user, present and future."</p>
        <Feedback message/>
        {groups.view("Loading groups…", move |data: GroupsData| {
            let users = StoredValue::new(data.users);
            let list = data
                .groups
                .into_iter()
                .map(|group| view! { <GroupEditor group users existing=true changed message/> })
                .collect_view();
            let blank = GroupView { name: String::new(), everyone: false, members: Vec::new() };
            view! {
                <ul class="resource-list" id="groups">{list}</ul>
                <section class="card">
                    <h2>"New group"</h2>
                    <GroupEditor group=blank users existing=false changed message/>
                </section>
            }
            .into_any()
        })}
    }
    .into_any()
}

/// One group's name, `everyone` and members as checkboxes; Save puts the
/// whole group, Delete removes it (with its grants).
#[component]
fn GroupEditor(
    group: GroupView,
    users: StoredValue<Vec<String>>,
    existing: bool,
    changed: RwSignal<u32>,
    message: Message,
) -> impl IntoView {
    let name = RwSignal::new(group.name.clone());
    let everyone = RwSignal::new(group.everyone);
    let members = RwSignal::new(group.members.clone());
    let prefix = if existing {
        format!("group-{}", group.name)
    } else {
        "new-group".to_string()
    };
    let run = move |call: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), ServerFnError>>>,
    >,
                    done: String| {
        leptos::task::spawn_local(async move {
            match call.await {
                Ok(()) => {
                    message.set(Some(Ok(done)));
                    changed.update(|c| *c += 1);
                }
                Err(e) => message.set(Some(Err(error_text(&e)))),
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        let call = put_group(n.clone(), everyone.get_untracked(), members.get_untracked());
        run(Box::pin(call), format!("Group {n} saved."));
    };
    let remove = move |_| {
        let n = name.get_untracked();
        run(
            Box::pin(delete_group(n.clone())),
            format!("Group {n} deleted."),
        );
    };
    let boxes = users.with_value(|all| {
        all.iter()
            .map(|user| {
                let user = user.clone();
                let checked = {
                    let user = user.clone();
                    move || members.with(|m| m.contains(&user))
                };
                let toggle = {
                    let user = user.clone();
                    move |ev| {
                        let on = event_target_checked(&ev);
                        members.update(|m| {
                            m.retain(|u| *u != user);
                            if on {
                                m.push(user.clone());
                            }
                        });
                    }
                };
                view! {
                    <label class="check-inline">
                        <input type="checkbox" data-member=user.clone() prop:checked=checked
                            checked=group.members.contains(&user) on:change=toggle/>
                        {user.clone()}
                    </label>
                }
            })
            .collect_view()
    });
    let form_id = format!("{prefix}-form");
    let body = view! {
        <form on:submit=save id=form_id>
            <div class="form-grid">
                <label for=format!("{prefix}-name")>"Name"</label>
                <input id=format!("{prefix}-name") type="text" required=true autocomplete="off"
                    readonly=existing prop:value=name value=group.name.clone()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <label for=format!("{prefix}-everyone")>"Everyone"</label>
                <input id=format!("{prefix}-everyone") type="checkbox" prop:checked=everyone
                    checked=group.everyone on:change=move |ev| everyone.set(event_target_checked(&ev))/>
                <span>"Members"</span>
                <fieldset class="members" disabled=move || everyone.get()>
                    <legend class="sr-only">"Members"</legend>
                    {boxes}
                </fieldset>
            </div>
            <button type="submit">{if existing { "Save group" } else { "Create group" }}</button>
            {existing.then(|| view! {
                <button type="button" class="danger" on:click=remove
                    aria-label=format!("Delete group {}", group.name)>"Delete"</button>
            })}
        </form>
    };
    if existing {
        view! { <li class="resource" data-group=group.name.clone()><h3>{group.name.clone()}</h3>{body}</li> }
            .into_any()
    } else {
        body.into_any()
    }
}
