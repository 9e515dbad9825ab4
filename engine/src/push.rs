//! Pushing tags with per-call registry credentials.

use bollard::auth::DockerCredentials;
use bollard::errors::Error as DockerError;
use bollard::query_parameters::PushImageOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::docker_api::repo_digest;
use crate::error::{Abort, Outcome};
use crate::stage::{StageHandle, Stream};

/// Who pushes: an account (by name, for messages) with its credentials, or
/// nobody (anonymous push).
pub(crate) struct Pusher {
    pub account: Option<(String, DockerCredentials)>,
}

/// Pushes `repo:tag` for each tag, draining each push stream (the engine
/// reports refusals inside it), and returns the manifest digest.
pub(crate) async fn push_tags(
    docker: &Docker,
    image_id: &str,
    repo: &str,
    tags: &[String],
    pusher: &Pusher,
    stage: &StageHandle,
    cancel: &CancellationToken,
) -> Outcome<String> {
    let mut digest = None;
    for tag in tags {
        let pushed = tokio::select! {
            pushed = push_one(docker, repo, tag, pusher, stage) => pushed?,
            () = cancel.cancelled() => return Err(Abort::Cancelled),
        };
        if digest.is_none() {
            digest = pushed;
        }
    }
    match digest {
        Some(digest) => Ok(digest),
        None => repo_digest(docker, image_id, repo)
            .await
            .ok_or_else(|| Abort::failed(format!("the push of {repo} reported no digest"))),
    }
}

async fn push_one(
    docker: &Docker,
    repo: &str,
    tag: &str,
    pusher: &Pusher,
    stage: &StageHandle,
) -> Outcome<Option<String>> {
    let options = PushImageOptionsBuilder::default().tag(tag).build();
    let credentials = pusher.account.as_ref().map(|(_, c)| c.clone());
    let who = match &pusher.account {
        Some((name, _)) => format!("as {name}"),
        None => "anonymously".to_string(),
    };
    stage.line(Stream::Stdout, &format!("pushing {repo}:{tag} {who}"));
    let mut stream = docker.push_image(repo, Some(options), credentials);
    let mut digest = None;
    while let Some(item) = stream.next().await {
        let info = item.map_err(|error| {
            let reason = match error {
                DockerError::DockerStreamError { error } => error,
                other => other.to_string(),
            };
            Abort::failed(format!(
                "the registry refused the push of {repo}:{tag} {who}: {reason}"
            ))
        })?;
        let Some(status) = info.status else { continue };
        if let Some(found) = digest_of(&status) {
            digest = Some(found);
        }
        let is_progress = info
            .progress_detail
            .is_some_and(|p| p.current.is_some() || p.total.is_some());
        if !is_progress {
            stage.line(Stream::Stdout, &status);
        }
    }
    Ok(digest)
}

/// `1.2.3: digest: sha256:abc… size: 528` → `sha256:abc…`.
fn digest_of(status: &str) -> Option<String> {
    let rest = status.split("digest: ").nth(1)?;
    let digest = rest.split_whitespace().next()?;
    digest.starts_with("sha256:").then(|| digest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_comes_from_the_final_status() {
        assert_eq!(
            digest_of("1.2.3: digest: sha256:abcd size: 528").as_deref(),
            Some("sha256:abcd")
        );
        assert_eq!(digest_of("Pushed"), None);
    }
}
