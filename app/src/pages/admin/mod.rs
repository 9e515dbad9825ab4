//! The admin pages: users, groups and permissions (grants). Linked only
//! for admins; the server refuses everyone else regardless (403), and the
//! page then shows that sentence.

mod grants;
mod groups;
mod users;

pub use grants::PermissionsPage;
pub(crate) use grants::{GrantForm, GrantTable};
pub use groups::GroupsPage;
pub use users::UsersPage;

/// The outcome of the last action on an admin page.
pub(crate) type Message = leptos::prelude::RwSignal<Option<Result<String, String>>>;
