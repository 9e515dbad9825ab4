//! Checks the Local builder's Docker engine and records the result.

use bollard::Docker;
use kiln_app::ssr::HealthBoard;
use kiln_app::wire::{BuilderHealth, LOCAL_BUILDER};
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
        },
        Ok(Err(e)) => BuilderHealth::Unreachable {
            reason: e.to_string(),
        },
        Err(_) => BuilderHealth::Unreachable {
            reason: format!("no answer within {}s", CHECK_TIMEOUT.as_secs()),
        },
    }
}

/// Checks now, then keeps checking in the background.
pub async fn start(board: HealthBoard) {
    board.set(LOCAL_BUILDER, check_local_engine().await);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            board.set(LOCAL_BUILDER, check_local_engine().await);
        }
    });
}
