use super::variables::{Feedback, RowConflict, RowConflictView};
use crate::api::{
    create_account, delete_account, error_text, list_accounts, patch_account_token, PatchAnswer,
};
use crate::components::PageData;
use kiln_api::{AccountList, AccountView};
use kiln_domain::access::Level;
use leptos::prelude::*;

/// Git and registry accounts; tokens are write-only.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let message = RwSignal::new(None::<Result<String, String>>);
    view! {
        <h1>"Accounts"</h1>
        <p class="hint">"Credentials for git providers and image registries, named by domain and username. Tokens are never shown after saving."</p>
        <Feedback message/>
        <AccountSection kind="git" title="Git accounts" message/>
        <AccountSection kind="registry" title="Registry accounts" message/>
    }
    .into_any()
}

#[component]
fn AccountSection(
    kind: &'static str,
    title: &'static str,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let accounts = PageData::new(
        Signal::derive(move || changed.get().to_string()),
        move |_| Box::pin(list_accounts(kind.to_string())),
    );
    view! {
        <section class="card" id=format!("{kind}-accounts")>
            <h2>{title}</h2>
            {accounts.view("Loading…", move |list: AccountList| {
                let create = list.can_create.then(|| view! { <NewAccount kind changed message/> });
                if list.accounts.is_empty() {
                    return view! { <p class="empty">"None yet."</p>{create} }.into_any();
                }
                let levels = list.levels;
                let rows = list
                    .accounts
                    .into_iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let writable = levels.get(i).is_some_and(|l| *l >= Level::Write);
                        view! { <AccountRow kind account=a writable changed message/> }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap">
                    <table class="accounts">
                        <thead><tr><th>"Domain"</th><th>"Username"</th><th>"Token"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    </div>
                    {create}
                }
                .into_any()
            })}
        </section>
    }
    .into_any()
}

#[component]
fn NewAccount(
    kind: &'static str,
    changed: RwSignal<u32>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let domain = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let id = move |part: &str| format!("new-{kind}-{part}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (d, u, t) = (domain.get(), username.get(), token.get());
        leptos::task::spawn_local(async move {
            match create_account(kind.to_string(), d.clone(), u.clone(), t).await {
                Ok(()) => {
                    message.set(Some(Ok(format!("Account {u} on {d} created."))));
                    domain.set(String::new());
                    username.set(String::new());
                    token.set(String::new());
                    changed.update(|c| *c += 1);
                }
                Err(e) => message.set(Some(Err(error_text(&e)))),
            }
        });
    };
    view! {
        <form on:submit=submit class="inline-form" id=id("form")>
            <label for=id("domain")>"Domain"</label>
            <input id=id("domain") type="text" required prop:value=domain
                placeholder=if kind == "git" { "github.com" } else { "ghcr.io" }
                on:input=move |ev| domain.set(event_target_value(&ev))/>
            <label for=id("username")>"Username"</label>
            <input id=id("username") type="text" required autocomplete="off" prop:value=username
                on:input=move |ev| username.set(event_target_value(&ev))/>
            <label for=id("token")>"Token"</label>
            <input id=id("token") type="password" autocomplete="new-password" prop:value=token
                on:input=move |ev| token.set(event_target_value(&ev))/>
            <button type="submit">"Add account"</button>
        </form>
    }
    .into_any()
}

#[component]
fn AccountRow(
    kind: &'static str,
    account: AccountView,
    writable: bool,
    changed: RwSignal<u32>,
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let token = RwSignal::new(String::new());
    let AccountView {
        domain,
        username,
        has_token,
        revision: loaded_revision,
    } = account;
    let revision = RwSignal::new(loaded_revision);
    let conflict = RwSignal::new(RowConflict::None);
    let label = format!("{username} on {domain}");
    // Sends the typed token as a patch at `revision`.
    let replace = {
        let (domain, username, label) = (domain.clone(), username.clone(), label.clone());
        move || {
            let patch = patch_account_token(
                kind.to_string(),
                domain.clone(),
                username.clone(),
                revision.get_untracked(),
                token.get_untracked(),
            );
            let label = label.clone();
            leptos::task::spawn_local(async move {
                match patch.await {
                    Ok(PatchAnswer::Saved(_)) => {
                        message.set(Some(Ok(format!("Token of {label} replaced."))));
                        changed.update(|c| *c += 1);
                    }
                    Ok(PatchAnswer::Conflict(fields, now)) => {
                        message.set(None);
                        conflict.set(Some((fields, now)));
                    }
                    Err(e) => message.set(Some(Err(error_text(&e)))),
                }
            });
        }
    };
    let reapply = {
        let replace = replace.clone();
        Callback::new(move |()| {
            if let Some((_, now)) = conflict.get_untracked() {
                revision.set(now);
                conflict.set(None);
                replace();
            }
        })
    };
    let reload = Callback::new(move |()| changed.update(|c| *c += 1));
    let remove = {
        let (domain, username, label) = (domain.clone(), username.clone(), label.clone());
        move |_| {
            let (domain, username, label) = (domain.clone(), username.clone(), label.clone());
            leptos::task::spawn_local(async move {
                match delete_account(kind.to_string(), domain, username).await {
                    Ok(()) => {
                        message.set(Some(Ok(format!("Account {label} deleted."))));
                        changed.update(|c| *c += 1);
                    }
                    Err(e) => message.set(Some(Err(error_text(&e)))),
                }
            });
        }
    };
    view! {
        <tr>
            <td>{domain.clone()}</td>
            <td>{username.clone()}</td>
            {if writable {
                view! {
                    <td>
                        <form class="token-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            replace();
                        }>
                            <input type="password" autocomplete="new-password" prop:value=token
                                aria-label=format!("New token for {label}")
                                placeholder=if has_token { "set (hidden): type to replace" } else { "not set" }
                                on:input=move |ev| token.set(event_target_value(&ev))/>
                            <button type="submit" class="secondary"
                                disabled=move || token.with(String::is_empty)>"Replace"</button>
                        </form>
                        <RowConflictView conflict reload reapply/>
                    </td>
                    <td>
                        <button type="button" class="danger" on:click=remove
                            aria-label=format!("Delete account {label}")>"Delete"</button>
                    </td>
                }
                .into_any()
            } else {
                view! {
                    <td class="muted">{if has_token { "set (hidden)" } else { "not set" }}</td>
                    <td class="muted small">"read-only"</td>
                }
                .into_any()
            }}
        </tr>
    }
    .into_any()
}
