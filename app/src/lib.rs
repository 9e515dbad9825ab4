//! Kiln's web UI. Components render on the server (feature `ssr`) and hydrate
//! in the browser (feature `hydrate`); server functions in [`api`] are the
//! only way components reach data.
//!
//! Architecture invariant: components never touch the database or Docker;
//! `kiln-store` is a dependency only under `ssr`.

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod wire;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use pages::{BuildPage, BuildersPage, BuildsPage};

/// The HTML document around [`App`], rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The routed application.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser: the marker flips once hydration is done,
    // which browser tests (and curious users) can see.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <Stylesheet id="kiln" href="/pkg/kiln.css"/>
        <Title text="Kiln"/>
        <Router>
            <header class="topbar">
                <a class="brand" href="/">"Kiln"</a>
                <nav>
                    <A href="/">"Builds"</A>
                    <A href="/builders">"Builders"</A>
                </nav>
            </header>
            <main data-hydrated=move || hydrated.get().to_string()>
                <Routes fallback=|| view! { <p class="error">"Page not found."</p> }>
                    <Route path=path!("/") view=BuildsPage/>
                    <Route path=path!("/builds/:name") view=BuildPage/>
                    <Route path=path!("/builders") view=BuildersPage/>
                </Routes>
            </main>
        </Router>
    }
}
