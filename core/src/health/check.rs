//! Builder health: the Local builder's Docker engine, and each Server
//! builder's kiln-agent (its version and its Docker engine's), checked now
//! and then periodically, recorded on the [`HealthBoard`] the builders list
//! shows. Aws builders have no standing host to check.

use super::HealthBoard;
use bollard::Docker;
use kiln_api::{BuilderHealth, LOCAL_BUILDER};
use kiln_domain::{BuilderConfig, ServerBuilderConfig};
use kiln_engine::NetPolicy;
use kiln_protocol::{ClientTimeouts, Health};
use kiln_store::Store;
use std::time::Duration;

const CHECK_EVERY: Duration = Duration::from_secs(15);
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Asks the local engine (DOCKER_HOST or the default socket) for its version.
pub async fn check_local_engine() -> BuilderHealth {
    let docker = match Docker::connect_with_local_defaults() {
        Ok(d) => d,
        Err(e) => {
            return BuilderHealth::Unreachable {
                reason: e.to_string(),
            }
        }
    };
    match tokio::time::timeout(CHECK_TIMEOUT, docker.version()).await {
        Ok(Ok(v)) => BuilderHealth::Healthy {
            docker_version: v.version.unwrap_or_else(|| "unknown".into()),
            agent_version: String::new(),
            note: kiln_engine::DefaultNetwork::of(&docker)
                .await
                .note()
                .unwrap_or_default(),
        },
        Ok(Err(e)) => BuilderHealth::Unreachable {
            reason: e.to_string(),
        },
        Err(_) => BuilderHealth::Unreachable {
            reason: format!("no answer within {}s", CHECK_TIMEOUT.as_secs()),
        },
    }
}

/// Asks a Server builder's agent for its health: the agent's version and
/// its Docker engine's. A wrong key or a protocol mismatch is reported as
/// such.
pub async fn check_agent(server: &ServerBuilderConfig, outbound: NetPolicy) -> BuilderHealth {
    if let Err(e) = outbound.check_agent_address(&server.address).await {
        return BuilderHealth::Unreachable {
            reason: e.to_string(),
        };
    }
    let fingerprint = Some(server.cert_fingerprint.as_str()).filter(|f| !f.trim().is_empty());
    let timeouts = ClientTimeouts {
        connect: CHECK_TIMEOUT,
        unary: CHECK_TIMEOUT,
        stream_idle: CHECK_TIMEOUT,
    };
    let client = match kiln_protocol::AgentClient::with_timeouts(
        &server.address,
        server.passkey.clone(),
        fingerprint,
        timeouts,
    ) {
        Ok(client) => client,
        Err(e) => {
            return BuilderHealth::Unreachable {
                reason: e.to_string(),
            }
        }
    };
    match client.request(Health {}).await {
        Ok(report) => match (report.docker_version, report.docker_error) {
            (Some(docker_version), _) => BuilderHealth::Healthy {
                docker_version,
                agent_version: report.agent_version,
                note: report.docker_note.unwrap_or_default(),
            },
            (None, error) => BuilderHealth::Unreachable {
                reason: format!(
                    "kiln-agent {} answers, but its Docker engine does not: {}",
                    report.agent_version,
                    error.unwrap_or_default()
                ),
            },
        },
        Err(e) => BuilderHealth::Unreachable {
            reason: e.to_string(),
        },
    }
}

/// Checks every builder once.
pub async fn check_all(board: &HealthBoard, store: &Store, outbound: NetPolicy) {
    board.set(LOCAL_BUILDER, check_local_engine().await);
    let builders = match store.list_builders().await {
        Ok(builders) => builders,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list builders for health checks");
            return;
        }
    };
    for builder in builders {
        if let BuilderConfig::Server(server) = &builder.config {
            board.set(builder.name.as_str(), check_agent(server, outbound).await);
        }
    }
}

/// Checks now, then keeps checking in the background.
pub async fn start(board: HealthBoard, store: Store, outbound: NetPolicy) {
    check_all(&board, &store, outbound).await;
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            check_all(&board, &store, outbound).await;
        }
    });
}
