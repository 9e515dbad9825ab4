//! `/admin/users`: every user; create one with a password, reset a
//! password, disable or enable, make or unmake admin, delete.

use super::Message;
use crate::api::{create_user, delete_user, error_text, list_users, update_user};
use crate::components::PageData;
use crate::pages::variables::Feedback;
use kiln_api::{UserView, UsersPage as UsersData};
use leptos::prelude::*;

/// The Users page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let users = PageData::new(Signal::derive(move || changed.get().to_string()), |_| {
        Box::pin(list_users())
    });
    let message: Message = RwSignal::new(None);
    view! {
        <h1>"Users"</h1>
        <p class="hint">"Admins may do anything. Everyone else may do what their grants and their groups' grants allow (Permissions)."</p>
        <Feedback message/>
        {users.view("Loading users…", move |data: UsersData| {
            let me = data.me.clone();
            let rows = data
                .users
                .into_iter()
                .map(|user| {
                    let own = user.username == me;
                    view! { <UserRow user own changed message/> }
                })
                .collect_view();
            view! {
                <div class="table-wrap">
                    <table id="users">
                        <thead><tr>
                            <th>"Username"</th><th>"Role"</th><th>"State"</th>
                            <th><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <NewUser changed message/>
            }
            .into_any()
        })}
    }
    .into_any()
}

/// Runs `call`, then says `done` (or the server's sentence) and reloads.
fn act(
    call: impl std::future::Future<Output = Result<(), ServerFnError>> + 'static,
    done: String,
    changed: RwSignal<u32>,
    message: Message,
) {
    leptos::task::spawn_local(async move {
        match call.await {
            Ok(()) => {
                message.set(Some(Ok(done)));
                changed.update(|c| *c += 1);
            }
            Err(e) => message.set(Some(Err(error_text(&e)))),
        }
    });
}

#[component]
fn UserRow(user: UserView, own: bool, changed: RwSignal<u32>, message: Message) -> impl IntoView {
    let name = user.username.clone();
    let password = RwSignal::new(String::new());
    let toggle_admin = {
        let (name, admin) = (name.clone(), user.admin);
        move |_| {
            let done = if admin {
                format!("{name} is no longer an admin.")
            } else {
                format!("{name} is now an admin.")
            };
            act(
                update_user(name.clone(), None, Some(!admin), None),
                done,
                changed,
                message,
            );
        }
    };
    let toggle_disabled = {
        let (name, disabled) = (name.clone(), user.disabled);
        move |_| {
            let done = if disabled {
                format!("{name} is enabled.")
            } else {
                format!("{name} is disabled: their sessions ended and their keys stopped.")
            };
            act(
                update_user(name.clone(), None, None, Some(!disabled)),
                done,
                changed,
                message,
            );
        }
    };
    let reset = {
        let name = name.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let done = format!("Password of {name} reset; their sessions ended.");
            let new = password.get_untracked();
            password.set(String::new());
            act(
                update_user(name.clone(), Some(new), None, None),
                done,
                changed,
                message,
            );
        }
    };
    let remove = {
        let name = name.clone();
        move |_| {
            act(
                delete_user(name.clone()),
                format!("User {name} deleted."),
                changed,
                message,
            )
        }
    };
    let self_hint = own.then_some("You cannot do this to yourself.");
    view! {
        <tr data-user=name.clone()>
            <td>{name.clone()}{own.then(|| view! { <span class="muted">" (you)"</span> })}</td>
            <td>{if user.admin { "admin" } else { "user" }}</td>
            <td>{if user.disabled { "disabled" } else { "active" }}</td>
            <td class="actions">
                <button type="button" class="secondary" on:click=toggle_admin
                    disabled=own && user.admin title=self_hint
                    aria-label=format!("{} admin rights of {name}", if user.admin { "Remove" } else { "Give" })>
                    {if user.admin { "Remove admin" } else { "Make admin" }}</button>
                <button type="button" class="secondary" on:click=toggle_disabled
                    disabled=own title=self_hint
                    aria-label=format!("{} {name}", if user.disabled { "Enable" } else { "Disable" })>
                    {if user.disabled { "Enable" } else { "Disable" }}</button>
                <form class="inline-form" on:submit=reset>
                    <input type="password" autocomplete="new-password" minlength="8" required=true
                        aria-label=format!("New password for {name}") placeholder="new password"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    <button type="submit" class="secondary">"Reset password"</button>
                </form>
                <button type="button" class="danger" on:click=remove disabled=own title=self_hint
                    aria-label=format!("Delete user {name}")>"Delete"</button>
            </td>
        </tr>
    }
}

#[component]
fn NewUser(changed: RwSignal<u32>, message: Message) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        let call = create_user(n.clone(), password.get_untracked(), admin.get_untracked());
        name.set(String::new());
        password.set(String::new());
        admin.set(false);
        act(call, format!("User {n} created."), changed, message);
    };
    view! {
        <section class="card">
            <h2>"New user"</h2>
            <form on:submit=submit id="new-user">
                <div class="form-grid">
                    <label for="user-name">"Username"</label>
                    <input id="user-name" type="text" required=true autocomplete="off" prop:value=name
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <label for="user-password">"Password"</label>
                    <input id="user-password" type="password" required=true minlength="8"
                        autocomplete="new-password" prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                    <label for="user-admin">"Admin"</label>
                    <input id="user-admin" type="checkbox" prop:checked=admin
                        on:change=move |ev| admin.set(event_target_checked(&ev))/>
                </div>
                <button type="submit" id="create-user">"Create user"</button>
            </form>
        </section>
    }
}
