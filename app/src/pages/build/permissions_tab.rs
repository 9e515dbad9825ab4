//! The Permissions tab (admins only; the tab is not linked for others and
//! the server refuses them): who has which level on this build, directly
//! or through a grant on every build, and a form to grant or remove.

use super::draft::use_draft;
use crate::api::build_grants;
use crate::components::PageData;
use crate::pages::admin::{GrantForm, GrantTable};
use crate::pages::variables::Feedback;
use kiln_api::GrantsPage;
use leptos::prelude::*;

#[component]
pub fn PermissionsTab() -> impl IntoView {
    let Some(draft) = use_draft() else {
        return ().into_any();
    };
    let changed = RwSignal::new(0u32);
    let key = Signal::derive(move || format!("{}\n{}", changed.get(), draft.name()));
    let grants = PageData::new(key, |key| {
        let name = key
            .split_once('\n')
            .map_or(key.clone(), |(_, name)| name.to_string());
        Box::pin(build_grants(name))
    });
    let message = RwSignal::new(None::<Result<String, String>>);
    let name = draft.name();
    view! {
        <p class="hint">"Who may see, run or change this build: grants on it and on every build. Admins may do anything."</p>
        <Feedback message/>
        {grants.view("Loading permissions…", move |data: GrantsPage| {
            let build = Some(name.clone());
            view! {
                <GrantTable grants=data.grants changed message/>
                <GrantForm users=data.users groups=data.groups on_build=build changed message/>
            }
            .into_any()
        })}
    }
    .into_any()
}
