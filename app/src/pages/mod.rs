//! One module per page.

mod build;
mod builders;
mod builds;

pub use build::BuildPage;
pub use builders::BuildersPage;
pub use builds::BuildsPage;

use leptos::prelude::*;

/// An error message from the server, announced to screen readers.
#[component]
fn ErrorText(message: String) -> impl IntoView {
    view! { <p class="error" role="alert">{message}</p> }
}
