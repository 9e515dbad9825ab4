//! The JSON API's errors, and the one mapping of the core's error kinds to
//! HTTP statuses (the webhook listeners use it too).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiln_core::CoreError;

/// Every error the JSON API answers with: `{"error": "..."}` and a status;
/// a stale patch's 409 adds `"conflicts": [{"field", "current",
/// "changed_by", "door", "at_ms", "revision"}]`. Internal details are
/// logged by the core, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No such endpoint (404).
    #[error("{0}")]
    NotFound(String),
    /// A request the handler cannot read (400).
    #[error("{0}")]
    BadRequest(String),
    /// What the core answered.
    #[error(transparent)]
    Core(#[from] CoreError),
}

/// The HTTP status of each kind of [`CoreError`].
pub fn core_status(err: &CoreError) -> StatusCode {
    StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Core(err) => core_status(err),
        };
        let body = match &self {
            Self::Core(CoreError::Conflict { message, fields }) if !fields.is_empty() => {
                serde_json::json!({ "error": message, "conflicts": fields })
            }
            _ => serde_json::json!({ "error": self.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}
