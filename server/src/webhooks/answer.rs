//! What the listeners answer: JSON with a status and a message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An accepted request: a run started (202) or the push ignored (200).
#[derive(Debug, Serialize)]
pub struct Answer {
    /// "started", "starting" (the build's live run is still stopping) or
    /// "ignored".
    pub status: &'static str,
    pub build: String,
    /// The new run, when it exists already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<i64>,
    pub message: String,
}

impl Answer {
    /// 200 `ignored: <reason>`.
    pub fn ignored(build: &str, reason: &str) -> (StatusCode, Json<Answer>) {
        (
            StatusCode::OK,
            Json(Answer {
                status: "ignored",
                build: build.to_string(),
                run_id: None,
                message: format!("ignored: {reason}"),
            }),
        )
    }
}

/// Every refusal, as `{"error": "..."}` with its status. Messages never
/// hold a secret; internals are logged, not sent.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("too many failed webhook requests from this address; retry in {0} s")]
    RateLimited(u64),
    #[error("{0}")]
    NotFound(String),
    #[error("webhooks are disabled for build '{0}' (webhook_enabled = false)")]
    Disabled(String),
    #[error("the payload is larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    BadPayload(String),
    /// What the core answered (status by `api::core_status`).
    #[error(transparent)]
    Core(#[from] kiln_core::CoreError),
}

impl WebhookError {
    /// Failures that count towards the per-address rate limit: guessing
    /// secrets or build names.
    pub fn counts_as_failure(&self) -> bool {
        matches!(self, Self::Unauthorized(_) | Self::NotFound(_))
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Disabled(_) => StatusCode::FORBIDDEN,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::BadPayload(_) => StatusCode::BAD_REQUEST,
            Self::Core(err) => crate::api::core_status(err),
        }
    }
}

impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status(),
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response();
        if let Self::RateLimited(seconds) = self {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
