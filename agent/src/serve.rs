//! Start-up: config, key, directories, TLS, then serving until stopped.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use kiln_domain::Secret;
use tokio::net::TcpListener;

use crate::cli::Args;
use crate::config::AgentConfig;
use crate::jobs::HostSettings;
use crate::routes::{router, AgentState};
use crate::runs::LiveBuilds;

/// Runs the agent until SIGINT or SIGTERM.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let key = match (args.key.filter(|k| !k.trim().is_empty()), args.insecure) {
        (Some(key), _) => Some(Arc::new(Secret::new(key))),
        (None, true) => {
            tracing::warn!("--insecure: every request is accepted without a key");
            None
        }
        (None, false) => bail!(
            "no key: set KILN_AGENT_KEY (or --key) to the builder's passkey, or pass --insecure to accept requests without one"
        ),
    };
    let config = AgentConfig::load(args.config.as_deref())?;
    let data_dir = args
        .data_dir
        .clone()
        .or_else(|| config.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("/var/lib/kiln-agent"));
    // Resolved once: every path the agent hands to docker or git is absolute.
    let data_dir = std::path::absolute(&data_dir)
        .with_context(|| format!("resolving the data dir {}", data_dir.display()))?;
    let host = host_settings(&data_dir, config)?;
    let tls = match (&args.tls_cert, &args.tls_key, args.tls) {
        (Some(cert), Some(key), _) => Some(crate::tls::from_files(cert, key)?),
        (_, _, true) => Some(crate::tls::self_signed(&data_dir.join("tls"))?),
        _ => None,
    };
    if tls.is_none() && !args.bind.ip().is_loopback() && !args.insecure_http {
        bail!(
            "refusing to serve plain HTTP on {}: the key and every job (secrets included) would cross the network in clear; pass --tls (or --tls-cert/--tls-key), bind a loopback address, or pass --insecure-http to accept the risk",
            args.bind
        );
    }
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let app = router(AgentState {
        key,
        host: Arc::new(host),
        builds: LiveBuilds::default(),
        protocol: args
            .test_protocol_version
            .unwrap_or(kiln_protocol::PROTOCOL_VERSION),
    });
    match tls {
        None => {
            println!("kiln-agent listening on http://{addr}");
            tracing::info!(%addr, "kiln-agent listening (plain HTTP)");
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await
                .context("serving HTTP")
        }
        Some(tls) => {
            println!(
                "kiln-agent TLS certificate SHA-256 fingerprint: {}",
                tls.fingerprint
            );
            println!("kiln-agent listening on https://{addr}");
            tracing::info!(%addr, fingerprint = %tls.fingerprint, "kiln-agent listening (TLS)");
            serve_tls(listener, app, tls.config).await
        }
    }
}

fn host_settings(data_dir: &std::path::Path, config: AgentConfig) -> anyhow::Result<HostSettings> {
    let work_root = data_dir.join("work");
    if work_root.exists() {
        std::fs::remove_dir_all(&work_root)
            .with_context(|| format!("emptying {}", work_root.display()))?;
    }
    let cache_root = data_dir.join("cache");
    let builds_root = config
        .builds_root
        .clone()
        .unwrap_or_else(|| data_dir.join("host-builds"));
    let builds_root = std::path::absolute(&builds_root)
        .with_context(|| format!("resolving builds_root {}", builds_root.display()))?;
    for dir in [&work_root, &cache_root] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let docker_host = config
        .docker
        .host
        .clone()
        .or_else(|| std::env::var("DOCKER_HOST").ok())
        .filter(|h| !h.is_empty());
    Ok(HostSettings {
        work_root,
        cache_root,
        builds_root,
        docker_host,
        config,
    })
}

async fn serve_tls(
    listener: TcpListener,
    app: axum::Router,
    config: Arc<rustls::ServerConfig>,
) -> anyhow::Result<()> {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let stream = match acceptor.accept(tcp).await {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
            };
            let served = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
