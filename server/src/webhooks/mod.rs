//! Git webhooks: `POST /listener/github/build/{id or name}` (GitHub, Gitea,
//! Forgejo: HMAC-SHA256 signature) and `POST /listener/gitlab/build/{id or
//! name}` (GitLab: token), the paths Komodo uses.
//!
//! A push to the build's branch (or its linked repo's) starts a run in the
//! background, cancelling the build's live run first (newest push wins); a
//! push of a tag matching the build's `webhook_tag_pattern` starts a run of
//! that tag's commit versioned by the tag, when `webhook_build_tags` is on.
//! Anything else is answered 200 "ignored: ...".
//!
//! Architecture invariant: nothing runs unless the request proved the
//! build's secret (or the server-wide one); refusals say why without
//! revealing a secret, and failures are rate-limited per client address.

mod answer;
mod handler;
mod limiter;
mod payload;
mod signature;

use crate::serve::AppState;
use axum::routing::post;
use axum::Router;
use kiln_domain::Secret;
use limiter::FailureLimiter;
use std::sync::Arc;
use std::time::Duration;

/// The largest payload read; bigger ones are refused with 413.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// Failed requests (bad signature, unknown build) one address may make per
/// [`FAILURE_WINDOW`] before it gets 429 until the window ends.
pub const MAX_FAILURES: u32 = 10;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// The listeners' shared state: the server-wide secret and the failure
/// counts. Cheap to clone.
#[derive(Clone)]
pub struct Listeners {
    inner: Arc<Inner>,
}

struct Inner {
    default_secret: Secret,
    limiter: FailureLimiter,
}

impl std::fmt::Debug for Listeners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listeners")
            .field("default_secret", &self.inner.default_secret)
            .finish_non_exhaustive()
    }
}

impl Listeners {
    /// `default_secret` serves builds without their own `webhook_secret`;
    /// empty means such builds refuse every webhook.
    pub fn new(default_secret: Secret) -> Self {
        Self {
            inner: Arc::new(Inner {
                default_secret,
                limiter: FailureLimiter::new(MAX_FAILURES, FAILURE_WINDOW),
            }),
        }
    }

    /// Whether a server-wide secret is set.
    pub fn has_default_secret(&self) -> bool {
        !self.inner.default_secret.is_empty()
    }
}

/// The listener routes (outside `/api/v1`, as in Komodo).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listener/github/build/{key}", post(handler::github))
        .route("/listener/gitlab/build/{key}", post(handler::gitlab))
}

/// The listener paths of the build with numeric id `id`.
pub fn listener_paths(id: i64) -> (String, String) {
    (
        format!("/listener/github/build/{id}"),
        format!("/listener/gitlab/build/{id}"),
    )
}
