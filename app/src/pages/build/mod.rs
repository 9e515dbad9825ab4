//! The build page: header, quick links, the save bar (with a save's
//! conflicts) and tabs (Config, Dockerfile, Runs, History, and for admins
//! Permissions) as child routes sharing one [`Draft`]. What the page
//! offers follows the user's level on the build ([`BuildPageInfo::can`]):
//! Run needs Execute; editing, Save and Rename need Write; Copy needs
//! Write on every build.

mod chart;
mod config;
mod dockerfile;
pub(crate) mod draft;
mod header;
mod history_tab;
mod patch;
mod permissions_tab;
mod runs_tab;
mod tag_preview;

pub use config::ConfigTab;
pub use dockerfile::DockerfileTab;
pub use history_tab::HistoryTab;
pub use permissions_tab::PermissionsTab;
pub use runs_tab::RunsTab;

use crate::api::get_build_page;
use crate::components::PageData;
use crate::components::{encode_segment, ErrorText};
use draft::Draft;
use header::BuildHeader;
use kiln_api::BuildPageData;
use kiln_domain::access::Level;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;

/// What the tabs need besides the draft.
#[derive(Clone)]
pub struct BuildPageInfo {
    pub data: StoredValue<BuildPageData>,
    /// The user's level on the build (also in `data`; here without a lock).
    pub level: Level,
}

impl BuildPageInfo {
    /// Whether the user's level on the build is at least `need`.
    pub fn can(&self, need: Level) -> bool {
        self.level >= need
    }
}

#[component]
pub fn BuildPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let page = PageData::new(Signal::derive(name), |name| Box::pin(get_build_page(name)));
    view! {
        {page.view_or(
            "Loading build…",
            |data: BuildPageData| view! { <BuildLoaded data/> }.into_any(),
            |message| {
                // No tabs below an error: their lazy views will not arrive.
                super::LoadingRoutes::give_up();
                view! { <ErrorText message/> }.into_any()
            },
        )}
    }
    .into_any()
}

#[component]
fn BuildLoaded(data: BuildPageData) -> impl IntoView {
    let draft = Draft::new(data.build.clone(), data.revision);
    provide_context(draft);
    let base = format!("/builds/{}", encode_segment(data.build.name.as_str()));
    let admin = data.admin;
    provide_context(BuildPageInfo {
        data: StoredValue::new(data.clone()),
        level: data.level,
    });
    view! {
        <BuildHeader data/>
        <nav class="tabs" aria-label="Build sections">
            <A href=base.clone() exact=true>"Config"</A>
            <A href=format!("{base}/dockerfile")>"Dockerfile"</A>
            <A href=format!("{base}/runs")>"Runs"</A>
            <A href=format!("{base}/history")>"History"</A>
            {admin.then(|| view! { <A href=format!("{base}/permissions")>"Permissions"</A> })}
        </nav>
        <section class="tab-panel">
            <Outlet/>
        </section>
    }
    .into_any()
}

/// The page's data for a tab.
pub fn use_page_info() -> Option<BuildPageInfo> {
    use_context::<BuildPageInfo>()
}
