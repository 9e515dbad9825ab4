//! This host's Docker engine, for health reports.

use std::time::Duration;

use bollard::{Docker, API_DEFAULT_VERSION};

const TIMEOUT: Duration = Duration::from_secs(5);

/// The engine's version, or why it did not answer.
pub async fn engine_version(host: Option<&str>) -> Result<String, String> {
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
        Ok(Ok(version)) => Ok(version.version.unwrap_or_else(|| "unknown".into())),
        Ok(Err(e)) => Err(format!("the Docker engine does not answer: {e}")),
        Err(_) => Err(format!(
            "the Docker engine gave no answer within {} s",
            TIMEOUT.as_secs()
        )),
    }
}
