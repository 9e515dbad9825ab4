//! The listener handlers: rate limit, find the build, check it takes
//! webhooks, read the body, check the signature, then decide and start.

use super::answer::{Answer, WebhookError};
use super::{payload, signature, Listeners, MAX_BODY_BYTES};
use crate::serve::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use futures_util::StreamExt;
use kiln_core::{Actor, CoreError, Kiln, WebhookStart, WebhookTarget};
use kiln_domain::webhook::{decide, PushAction};
use std::net::SocketAddr;
use std::time::Duration;

/// How long the answer waits for the new run to exist; after that it says
/// "starting" and the run still starts in the background.
const ANSWER_WAIT: Duration = Duration::from_secs(5);
/// How much of an oversized body is read (and dropped) before answering 413.
const DRAIN_LIMIT: usize = 32 * 1024 * 1024;
/// How long the whole body may take to arrive.
const BODY_TIME: Duration = Duration::from_secs(30);

type Answered = Result<(StatusCode, Json<Answer>), WebhookError>;

/// How a provider proves the secret.
#[derive(Clone, Copy, Debug)]
enum Provider {
    /// GitHub, Gitea, Forgejo: HMAC-SHA256 of the body.
    GitHub,
    /// GitLab: the secret as a token.
    GitLab,
}

/// `POST /listener/github/build/{id or name}`
pub async fn github(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answered {
    listen(&state, Provider::GitHub, peer, &key, &headers, body).await
}

/// `POST /listener/gitlab/build/{id or name}`
pub async fn gitlab(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answered {
    listen(&state, Provider::GitLab, peer, &key, &headers, body).await
}

async fn listen(
    state: &AppState,
    provider: Provider,
    peer: SocketAddr,
    key: &str,
    headers: &HeaderMap,
    body: Body,
) -> Answered {
    let limiter = &state.webhooks.inner.limiter;
    limiter
        .check(peer.ip())
        .map_err(WebhookError::RateLimited)?;
    let result = accept(state, provider, key, headers, body).await;
    match &result {
        Ok((_, Json(answer))) => tracing::info!(
            build = %answer.build,
            ?provider,
            status = answer.status,
            run_id = answer.run_id,
            message = %answer.message,
            "webhook"
        ),
        Err(error) => {
            if error.counts_as_failure() {
                limiter.record_failure(peer.ip());
            }
            tracing::warn!(key, ?provider, peer = %peer.ip(), %error, "webhook refused");
        }
    }
    result
}

async fn accept(
    state: &AppState,
    provider: Provider,
    key: &str,
    headers: &HeaderMap,
    body: Body,
) -> Answered {
    let kiln = &state.kiln;
    let actor = Actor::Webhook {
        build: key.to_string(),
    };
    let target = kiln
        .webhook_target(&actor, key)
        .await
        .map_err(|e| match e {
            CoreError::NotFound(_) => WebhookError::NotFound(format!("no build '{key}'")),
            other => WebhookError::Core(other),
        })?;
    let name = target.build.name.to_string();
    if !target.build.config.webhook_enabled {
        return Err(WebhookError::Disabled(name));
    }
    let body = read_body(headers, body).await?;
    verify(&state.webhooks, provider, &target, headers, &body)?;
    let push = payload::read(&body).map_err(WebhookError::BadPayload)?;
    let Some(git_ref) = push.git_ref else {
        return Ok(Answer::ignored(
            &name,
            "no ref in the payload (a ping or another event): nothing to build",
        ));
    };
    match decide(&target.build.config, &target.branch, &git_ref) {
        PushAction::Ignore(reason) => Ok(Answer::ignored(&name, &reason)),
        _ if push.deleted => Ok(Answer::ignored(&name, &format!("{git_ref} was deleted"))),
        PushAction::BuildBranch => start(kiln, &name, WebhookStart::Branch).await,
        PushAction::BuildTag { tag, version } => {
            let commit = push.commit.ok_or_else(|| {
                WebhookError::BadPayload(format!(
                    "the push of tag {tag} names no commit (checkout_sha, head_commit.id or after)"
                ))
            })?;
            let start_tag = WebhookStart::Tag {
                tag,
                version,
                commit,
            };
            start(kiln, &name, start_tag).await
        }
    }
}

/// Checks the request against the build's secret, else the server's.
fn verify(
    listeners: &Listeners,
    provider: Provider,
    target: &WebhookTarget,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), WebhookError> {
    let secret = if target.secret.is_empty() {
        listeners.inner.default_secret.expose()
    } else {
        target.secret.expose()
    };
    if secret.is_empty() {
        return Err(WebhookError::Unauthorized(format!(
            "no webhook secret is set for build '{}': set its webhook_secret or the server's KILN_WEBHOOK_SECRET",
            target.build.name
        )));
    }
    let checked = match provider {
        Provider::GitHub => signature::verify_github(headers, secret, body),
        Provider::GitLab => signature::verify_gitlab(headers, secret),
    };
    checked.map_err(|e| WebhookError::Unauthorized(e.to_string()))
}

/// The raw body, refused with 413 beyond [`MAX_BODY_BYTES`]. An oversized
/// body is still read (and dropped) up to [`DRAIN_LIMIT`] so the sender gets
/// the 413 rather than a connection reset mid-upload; the whole body must
/// arrive within [`BODY_TIME`].
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, WebhookError> {
    let too_large = WebhookError::TooLarge(MAX_BODY_BYTES);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > DRAIN_LIMIT as u64) {
        return Err(too_large);
    }
    let deadline = tokio::time::Instant::now() + BODY_TIME;
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0_usize;
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(chunk))) => {
                seen = seen.saturating_add(chunk.len());
                if seen <= MAX_BODY_BYTES {
                    kept.extend_from_slice(&chunk);
                } else if seen > DRAIN_LIMIT {
                    return Err(too_large);
                }
            }
            Ok(Some(Err(_))) => {
                return Err(WebhookError::BadPayload(
                    "the request body could not be read".to_string(),
                ))
            }
            Ok(None) => break,
            Err(_) => {
                return Err(WebhookError::BadPayload(format!(
                    "the request body did not arrive within {} s",
                    BODY_TIME.as_secs()
                )))
            }
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(too_large);
    }
    Ok(Bytes::from(kept))
}

/// Starts the run in a task of its own (so a client hanging up cannot stop
/// it), cancelling the build's live run first (the core refuses while a
/// tag run is live), and answers once the run exists or after
/// [`ANSWER_WAIT`].
async fn start(kiln: &Kiln, build: &str, push: WebhookStart) -> Answered {
    let task = {
        let (kiln, build) = (kiln.clone(), build.to_string());
        tokio::spawn(async move {
            let actor = Actor::Webhook {
                build: build.clone(),
            };
            let started = kiln.start_webhook_run(&actor, &build, push).await;
            if let Err(error) = &started {
                tracing::warn!(build = %build, %error, "webhook run did not start");
            }
            started
        })
    };
    match tokio::time::timeout(ANSWER_WAIT, task).await {
        Ok(Ok(Ok(view))) => Ok((
            StatusCode::ACCEPTED,
            Json(Answer {
                status: "started",
                build: build.to_string(),
                run_id: Some(view.run.id),
                message: format!(
                    "started run {} of build '{build}' ({})",
                    view.run.id, view.run.trigger
                ),
            }),
        )),
        Ok(Ok(Err(error))) => Err(WebhookError::Core(error)),
        Ok(Err(join_error)) => {
            tracing::error!(error = %join_error, "webhook handler error");
            Err(WebhookError::Core(CoreError::Internal))
        }
        Err(_) => Ok((
            StatusCode::ACCEPTED,
            Json(Answer {
                status: "starting",
                build: build.to_string(),
                run_id: None,
                message: format!(
                    "the live run of build '{build}' is being cancelled; the new run starts once it has stopped"
                ),
            }),
        )),
    }
}
