//! The admin pages: users, groups and permissions (grants). Linked only
//! for admins; the server refuses everyone else regardless (403), and the
//! page then shows that sentence.

mod grants;
mod groups;
mod users;

use grants::PermissionsPage;
pub(crate) use grants::{GrantForm, GrantTable};
use groups::GroupsPage;
use users::UsersPage;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The page about who may do what at the current path (`/keys`,
/// `/admin/users`, `/admin/groups`, `/admin/permissions`, or a build's
/// `…/permissions` tab): one lazily loaded route for all of them
/// (`pages/lazy.rs` says why).
#[component]
pub fn AccessPages() -> impl IntoView {
    // `/admin/:page` is one route: moving between its pages keeps this
    // view, so it follows the path.
    let location = use_location();
    let page = Memo::new(move |_| {
        let path = location.pathname.get();
        match path.trim_end_matches('/') {
            "/keys" => 1,
            "/admin/users" => 2,
            "/admin/groups" => 3,
            "/admin/permissions" => 4,
            p if p.starts_with("/builds/") => 5,
            _ => 0,
        }
    });
    move || match page.get() {
        1 => view! { <super::keys::KeysPage/> }.into_any(),
        2 => view! { <UsersPage/> }.into_any(),
        3 => view! { <GroupsPage/> }.into_any(),
        4 => view! { <PermissionsPage/> }.into_any(),
        5 => view! { <super::build::PermissionsTab/> }.into_any(),
        _ => view! { <p class="error">"Page not found."</p> }.into_any(),
    }
}

/// The outcome of the last action on an admin page.
pub(crate) type Message = RwSignal<Option<Result<String, String>>>;
