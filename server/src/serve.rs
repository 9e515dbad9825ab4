//! `kiln serve`: opens the store, starts health checks and serves the UI,
//! server functions, static site and JSON API.

use crate::config::Config;
use crate::{api, health, site};
use anyhow::Context;
use axum::extract::FromRef;
use axum::Router;
use kiln_app::ssr::{AppContext, HealthBoard};
use kiln_app::{shell, App};
use kiln_store::Store;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

/// State shared by every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub ctx: AppContext,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    init_tracing();
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data dir {}", config.data_dir.display()))?;
    let store = Store::connect(config.database_url.expose())
        .await
        .context("opening the database (KILN_DATABASE_URL)")?;
    let health = HealthBoard::default();
    health::start(health.clone()).await;

    let site_dir = site::find_site_dir(config.site_dir.as_deref());
    match &site_dir {
        Some(dir) => tracing::info!(site = %dir.display(), "serving site files"),
        None => {
            tracing::warn!("no built site found (run `cargo leptos build`); pages will not hydrate")
        }
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let leptos = LeptosOptions::builder()
        .output_name("kiln")
        .site_root(
            site_dir
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| "site".into()),
        )
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let state = AppState {
        leptos,
        ctx: AppContext { store, health },
    };
    let app = router(state);

    println!("kiln listening on http://{addr}");
    tracing::info!(%addr, "kiln listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")
}

fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let ctx = state.ctx.clone();
    let leptos = state.leptos.clone();
    Router::new()
        .nest("/api/v1", api::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx.clone()),
            move || shell(leptos.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(CompressionLayer::new())
        .with_state(state)
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KILN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sea_orm_migration=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
