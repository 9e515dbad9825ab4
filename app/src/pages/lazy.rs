//! Routes whose code is loaded on demand: `kiln-site-build` (sitebuild/) moves
//! each page's code out of the main wasm into chunks the browser fetches the
//! first time the route is shown (and before it hydrates one it was served),
//! so no page downloads the code of every other page.

use super::{
    login::SignInPages, AccessPages, AccountsPage, BuildersPage, ConfigTab, DockerfileTab,
    HistoryTab, RunPage, RunsTab, SyncPage, VariablesPage,
};
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// How many lazily loaded routes are still on their way (the app counts a
/// page as hydrated only when none is).
#[derive(Clone, Copy)]
pub struct LoadingRoutes(RwSignal<u32>);

impl LoadingRoutes {
    /// Provides the counter to the routes below.
    pub fn provide() -> Self {
        let this = Self(RwSignal::new(0));
        provide_context(this);
        this
    }

    pub fn none(&self) -> bool {
        self.0.get() == 0
    }

    fn started() {
        if let Some(this) = use_context::<Self>() {
            this.0.update(|n| *n += 1);
        }
    }

    /// The page shows an error instead of the routes below it: none of them
    /// will arrive.
    pub fn give_up() {
        if let Some(this) = use_context::<Self>() {
            this.0.set(0);
        }
    }

    /// Counts the route's view as arrived once it is in the page.
    fn arrived() {
        if let Some(this) = use_context::<Self>() {
            Effect::new(move |done: Option<()>| {
                if done.is_none() {
                    this.0.update(|n| *n = n.saturating_sub(1));
                }
            });
        }
    }
}

macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                LoadingRoutes::started();
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                LoadingRoutes::arrived();
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(RunRoute, RunPage);
lazy_page!(SyncRoute, SyncPage);
lazy_page!(AccountsRoute, AccountsPage);
lazy_page!(VariablesRoute, VariablesPage);
lazy_page!(BuildersRoute, BuildersPage);
lazy_page!(ConfigTabRoute, ConfigTab);
lazy_page!(RunsTabRoute, RunsTab);
lazy_page!(DockerfileTabRoute, DockerfileTab);
lazy_page!(HistoryTabRoute, HistoryTab);
// One chunk for every page about who may do what (API keys, users,
// groups, permissions, a build's Permissions tab): they share most of
// their code, and each split of its own would cut the code they share
// with the other pages into more, smaller chunks (each compressed on its
// own), which every page then pays for.
lazy_page!(AccessRoute, AccessPages);
// Signing in and the first admin's setup: seldom shown, so not in the main
// module every page loads.
lazy_page!(SignInRoute, SignInPages);
