//! What the Docker API answers directly, through bollard: connect, inspect, tag.

use bollard::query_parameters::TagImageOptionsBuilder;
use bollard::{Docker, API_DEFAULT_VERSION};

/// Seconds a single Docker API request may take (pushes of big images included).
const REQUEST_TIMEOUT_SECS: u64 = 3600;

/// Connects to `host` (`unix://…`, `tcp://…`, `http://…`), or to the
/// process's `DOCKER_HOST` / default socket, and negotiates the API version.
pub(crate) async fn connect(host: Option<&str>) -> Result<Docker, String> {
    let docker = match host {
        Some(host) if host.starts_with("unix://") => {
            Docker::connect_with_unix(host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
        }
        Some(host) if host.starts_with("tcp://") || host.starts_with("http://") => {
            Docker::connect_with_http(host, REQUEST_TIMEOUT_SECS, API_DEFAULT_VERSION)
        }
        Some(host) => {
            return Err(format!(
                "unsupported DOCKER_HOST '{host}': use unix:///path/docker.sock or tcp://host:port"
            ))
        }
        None => Docker::connect_with_defaults(),
    }
    .map_err(|e| format!("connecting to the Docker engine: {e}"))?;
    let shown = host.unwrap_or("the default Docker engine").to_string();
    docker
        .negotiate_version()
        .await
        .map_err(|e| format!("the Docker engine at {shown} does not answer: {e}"))
}

/// The image's id and size.
pub(crate) async fn inspect(docker: &Docker, image: &str) -> Result<(String, i64), String> {
    let info = docker
        .inspect_image(image)
        .await
        .map_err(|e| format!("inspecting the built image {image}: {e}"))?;
    let id = info.id.unwrap_or_else(|| image.to_string());
    Ok((id, info.size.unwrap_or(0)))
}

/// Tags `image` as `repo:tag`.
pub(crate) async fn tag(docker: &Docker, image: &str, repo: &str, tag: &str) -> Result<(), String> {
    let options = TagImageOptionsBuilder::default()
        .repo(repo)
        .tag(tag)
        .build();
    docker
        .tag_image(image, Some(options))
        .await
        .map_err(|e| format!("tagging {image} as {repo}:{tag}: {e}"))
}

/// The digest the engine recorded for `repo` after a push (`RepoDigests`).
pub(crate) async fn repo_digest(docker: &Docker, image: &str, repo: &str) -> Option<String> {
    let info = docker.inspect_image(image).await.ok()?;
    let prefix = format!("{repo}@");
    info.repo_digests?
        .into_iter()
        .find_map(|d| d.strip_prefix(&prefix).map(str::to_string))
}
