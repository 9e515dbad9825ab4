//! Kiln's web UI. Components render on the server (feature `ssr`) and hydrate
//! in the browser (feature `hydrate`); server functions in [`api`] are the
//! only way components reach data.
//!
//! Architecture invariant: components never touch the database or Docker;
//! `kiln-store` is a dependency only under `ssr`.

#![recursion_limit = "256"]

pub mod api;
mod browser;
mod components;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes, A};
use leptos_router::Lazy;
use leptos_router::{path, SsrMode};
use pages::{
    AccessRoute, AccountsRoute, BuildPage, BuildersRoute, BuildsPage, ConfigTabRoute,
    DockerfileTabRoute, HistoryTabRoute, RunRoute, RunsTabRoute, SignInRoute, SyncRoute,
    VariablesRoute,
};

/// The HTML document around [`App`], rendered by the server. The head
/// names the signed-in user, whether they are an admin and their session's
/// CSRF token (`<meta name="kiln-user">`, `kiln-admin`, `kiln-csrf`), so
/// the browser renders the same menu the server did; `/kiln-session.js`
/// sends the token with every request that changes something, and signs
/// out.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let (user, csrf, admin) = match ssr::caller() {
        Some(caller) => {
            let csrf = match caller.credential() {
                kiln_core::Credential::Session { csrf_token } => csrf_token.clone(),
                kiln_core::Credential::ApiKey { .. } => String::new(),
            };
            (caller.username().to_string(), csrf, caller.is_admin())
        }
        None => (String::new(), String::new(), false),
    };
    #[cfg(not(feature = "ssr"))]
    let (user, csrf, admin) = (String::new(), String::new(), false);
    // The page's Content-Security-Policy: scripts only from Kiln and the
    // hydration script carrying this response's nonce.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = http::HeaderValue::from_str(&ssr::page_policy(&nonce.to_string())) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="kiln-user" content=user/>
                <meta name="kiln-admin" content=admin.to_string()/>
                <meta name="kiln-csrf" content=csrf/>
                <link rel="icon" href="data:,"/>
                <script src="/kiln-session.js"></script>
                <HydrationScripts options/>
                <title>"Kiln"</title>
                <link rel="stylesheet" id="kiln" href="/pkg/kiln.css"/>
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
    // Effects run only in the browser: the marker flips once hydration is
    // done, lazily loaded routes included, which browser tests (and curious
    // users) can see.
    let app_hydrated = RwSignal::new(false);
    let loading = pages::LoadingRoutes::provide();
    let hydrated = Memo::new(move |_| app_hydrated.get() && loading.none());
    Effect::new(move |_| app_hydrated.set(true));
    // The same on both sides: the request's caller on the server, the
    // name the server wrote into the page in the browser.
    let user = browser::signed_in_user();
    let admin = browser::signed_in_admin();
    // Marks the first time only; once marked, the effect reads no signal and
    // does not run again.
    Effect::new(move |marked: Option<bool>| {
        if marked == Some(true) {
            return true;
        }
        let done = hydrated.get();
        if done {
            browser::mark_hydrated();
        }
        done
    });
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <a class="brand" href="/">"Kiln"</a>
                {user.clone().map(|_| view! {
                    <nav aria-label="Main">
                        <A href="/" exact=true>"Builds"</A>
                        <A href="/builders">"Builders"</A>
                        <A href="/variables">"Variables"</A>
                        <A href="/accounts">"Accounts"</A>
                        <A href="/sync">"Sync"</A>
                    </nav>
                })}
                {user.map(|name| view! {
                    <div class="user-menu">
                        {admin.then(|| view! {
                            <nav aria-label="Admin" id="admin-links">
                                <A href="/admin/users">"Users"</A>
                                <A href="/admin/groups">"Groups"</A>
                                <A href="/admin/permissions">"Permissions"</A>
                            </nav>
                        })}
                        <span id="signed-in-user">{name}</span>
                        <A href="/keys">"API keys"</A>
                        <button type="button" id="logout" class="secondary">"Sign out"</button>
                    </div>
                })}
            </header>
            <main id="main" data-hydrated=move || hydrated.get().to_string()>
                // Every page waits for its data before the HTML is sent, so it
                // reads complete without JavaScript (out-of-order streaming
                // needs a script to put the late parts in place).
                <Routes fallback=|| view! { <p class="error">"Page not found."</p> }>
                    <Route path=path!("/") ssr=SsrMode::Async view=BuildsPage/>
                    <Route path=path!("/login") ssr=SsrMode::Async view={Lazy::<SignInRoute>::new()}/>
                    <Route path=path!("/setup") ssr=SsrMode::Async view={Lazy::<SignInRoute>::new()}/>
                    <ParentRoute path=path!("/builds/:name") ssr=SsrMode::Async view=BuildPage>
                        <Route path=path!("") ssr=SsrMode::Async view={Lazy::<ConfigTabRoute>::new()}/>
                        <Route path=path!("dockerfile") ssr=SsrMode::Async view={Lazy::<DockerfileTabRoute>::new()}/>
                        <Route path=path!("runs") ssr=SsrMode::Async view={Lazy::<RunsTabRoute>::new()}/>
                        <Route path=path!("history") ssr=SsrMode::Async view={Lazy::<HistoryTabRoute>::new()}/>
                        <Route path=path!("permissions") ssr=SsrMode::Async view={Lazy::<AccessRoute>::new()}/>
                    </ParentRoute>
                    <Route path=path!("/runs/:id") ssr=SsrMode::Async view={Lazy::<RunRoute>::new()}/>
                    <Route path=path!("/builders") ssr=SsrMode::Async view={Lazy::<BuildersRoute>::new()}/>
                    <Route path=path!("/variables") ssr=SsrMode::Async view={Lazy::<VariablesRoute>::new()}/>
                    <Route path=path!("/accounts") ssr=SsrMode::Async view={Lazy::<AccountsRoute>::new()}/>
                    <Route path=path!("/sync") ssr=SsrMode::Async view={Lazy::<SyncRoute>::new()}/>
                    <Route path=path!("/keys") ssr=SsrMode::Async view={Lazy::<AccessRoute>::new()}/>
                    // Users, groups and permissions: the page picks itself by path.
                    <Route path=path!("/admin/:page") ssr=SsrMode::Async view={Lazy::<AccessRoute>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}
