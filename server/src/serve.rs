//! `kiln serve`: opens the store, starts health checks and serves the UI,
//! server functions, static site and JSON API.

use crate::config::Config;
use crate::{api, site};
use anyhow::Context;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::Router;
use kiln_app::{shell, App};
use kiln_core::{Kiln, RetryPolicy, RunSettings, Settings};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;

/// State shared by every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The site's options, for Leptos's routes and file handler.
    pub leptos: LeptosOptions,
    /// The application core: every door's operations.
    pub kiln: Kiln,
    /// The git webhook listeners' secret and failure counts.
    pub webhooks: crate::webhooks::Listeners,
    /// Session cookies get `Secure` (Kiln is served over HTTPS:
    /// `KILN_PUBLIC_URL` starts with `https://`).
    pub secure_cookies: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Starts the core and serves every door until SIGINT or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
    init_tracing();
    let site_dir = site::find_site_dir(config.site_dir.as_deref());
    match &site_dir {
        Some(dir) => tracing::info!(site = %dir.display(), "serving site files"),
        None => {
            tracing::warn!("no built site found (run `scripts/build.sh`); pages will not hydrate")
        }
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let kiln = Kiln::start(Settings {
        data_dir: config.data_dir.clone(),
        database_url: config.database_url.clone(),
        runs: run_settings(&config)?,
        ec2: config.ec2.clone(),
        kiln_url: config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
        alert_retries: RetryPolicy::default(),
        auth: config.auth.clone(),
    })
    .await?;
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
        kiln,
        webhooks: crate::webhooks::Listeners::new(config.webhook_secret.clone()),
        secure_cookies: config
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://")),
    };
    let guard = std::sync::Arc::new(crate::auth::guard::Guard::new(
        addr,
        config.public_url.as_deref(),
        &config.allowed_hosts,
        &config.trusted_proxies,
    ));
    let app = router(state.clone(), config.max_body_bytes).layer(
        axum::middleware::from_fn_with_state(guard, crate::auth::guard::guard),
    );

    let public = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    if let Some(token) = state.kiln.setup_token().await? {
        // Printed once per start while Kiln has no user: only this link
        // creates the first admin (or `kiln user create --admin` on this host).
        let link = format!("{}/setup?token={token}", public.trim_end_matches('/'));
        println!("kiln has no users yet: open {link} to create the first admin");
        tracing::warn!(
            "kiln has no users yet: open the setup link printed above to create the first admin"
        );
    }
    println!("kiln listening on http://{addr}");
    tracing::info!(%addr, "kiln listening");
    // The peer address lets the webhook listeners rate-limit failures.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")
}

/// Run directories under the data dir; the work dir is emptied at start-up
/// (anything in it belongs to runs that a restart interrupted).
fn run_settings(config: &Config) -> anyhow::Result<RunSettings> {
    let settings = RunSettings {
        log_dir: config.data_dir.join("runs"),
        work_dir: config.data_dir.join("work"),
        cache_dir: config.data_dir.join("cache"),
        host_builds_dir: config.builds_root.clone(),
        docker_host: std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()),
        outbound: config.outbound,
    };
    if settings.work_dir.exists() {
        std::fs::remove_dir_all(&settings.work_dir)
            .with_context(|| format!("emptying {}", settings.work_dir.display()))?;
    }
    for dir in [&settings.log_dir, &settings.work_dir, &settings.cache_dir] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    Ok(settings)
}

/// Every route. Request bodies read through axum (the JSON API, server
/// functions) are limited to `max_body_bytes` (`KILN_MAX_BODY_BYTES`) and
/// refused 413 with a sentence naming the setting: JSON under `/api/v1`,
/// Leptos's error encoding under `/rpc` (`body_limit.rs`). Webhooks read
/// their raw body with their own 5 MiB cap.
fn router(state: AppState, max_body_bytes: usize) -> Router {
    let routes = generate_route_list(App);
    let kiln = state.kiln.clone();
    let leptos = state.leptos.clone();
    Router::new()
        .route(
            crate::agent_download::PATH,
            axum::routing::get(crate::agent_download::serve),
        )
        .route("/login", axum::routing::post(crate::auth::forms::login))
        .route("/setup", axum::routing::post(crate::auth::forms::setup))
        .nest_service("/api/v1", api::service(state.clone(), max_body_bytes))
        .merge(crate::webhooks::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(kiln.clone()),
            move || shell(leptos.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            max_body_bytes,
            crate::body_limit::server_fn_refusals,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::identify,
        ))
        .layer(DefaultBodyLimit::max(max_body_bytes))
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
