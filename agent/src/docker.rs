//! This host's Docker engine, for health reports.

use std::time::Duration;

use bollard::{Docker, API_DEFAULT_VERSION};

const TIMEOUT: Duration = Duration::from_secs(5);

/// What the health report says of a Docker engine that answered.
pub struct EngineHealth {
    /// The engine's version, e.g. `20.10.24+dfsg1`.
    pub version: String,
    /// What builds should know about it, e.g. that it has no bridge network.
    pub note: Option<String>,
}

/// The engine's version and notes, or why it did not answer.
pub async fn engine_health(host: Option<&str>) -> Result<EngineHealth, String> {
    let docker = match host {
        Some(h) if h.starts_with("unix://") => {
            Docker::connect_with_unix(h, TIMEOUT.as_secs(), API_DEFAULT_VERSION)
        }
        Some(h) if h.starts_with("tcp://") || h.starts_with("http://") => {
            Docker::connect_with_http(h, TIMEOUT.as_secs(), API_DEFAULT_VERSION)
        }
        Some(h) => return Err(format!("unsupported Docker host '{h}'")),
        None => Docker::connect_with_local_defaults(),
    }
    .map_err(|e| format!("connecting to the Docker engine: {e}"))?;
    match tokio::time::timeout(TIMEOUT, docker.version()).await {
        Ok(Ok(version)) => Ok(EngineHealth {
            version: version.version.unwrap_or_else(|| "unknown".into()),
            note: kiln_engine::DefaultNetwork::of(&docker).await.note(),
        }),
        Ok(Err(e)) => Err(format!("the Docker engine does not answer: {e}")),
        Err(_) => Err(format!(
            "the Docker engine gave no answer within {} s",
            TIMEOUT.as_secs()
        )),
    }
}
