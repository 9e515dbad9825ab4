//! The core's one error type, and the one mapping of store, run manager and
//! engine errors into it.

use crate::runs::{HostDockerfileError, RunError};
use kiln_api::FieldConflict;
use kiln_domain::ValidationErrors;
use kiln_store::StoreError;

/// Why an operation of the core failed, by the kind of answer a front door
/// gives. Messages never hold a secret; an internal cause is logged where
/// it is mapped and shown only as "internal error (see the Kiln server
/// log)".
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The resource or run does not exist (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The request cannot be read at all, e.g. a sync file that is not
    /// TOML (HTTP 400).
    #[error("{0}")]
    Malformed(String),
    /// The request is understood but refused (HTTP 422).
    #[error("{0}")]
    Invalid(String),
    /// The change fails validation; every problem, by field (HTTP 422).
    #[error("{0}")]
    Rejected(ValidationErrors),
    /// The request conflicts with the current state (HTTP 409): a taken
    /// name, a live run, or a stale patch whose `fields` were changed since
    /// its revision (each with its current value, redacted, and who changed
    /// it; empty for the other cases).
    #[error("{message}")]
    Conflict {
        message: String,
        fields: Vec<FieldConflict>,
    },
    /// No valid credentials: no session or key, an expired session, a
    /// wrong password, a revoked key, a disabled user (HTTP 401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The actor may not do this; the message names the level it needs
    /// and the one it has (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed logins for this account or address (HTTP 429):
    /// try again after `retry_after_secs`.
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: u64,
    },
    /// Something failed inside Kiln; the cause is in the server log (HTTP 500).
    #[error("internal error (see the Kiln server log)")]
    Internal,
}

impl CoreError {
    /// The HTTP status a front door answers this error with: 404, 400,
    /// 422, 409, 401, 403, 429 or 500 (the one mapping; the JSON API and
    /// the server functions both use it).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::NotFound(_) => 404,
            Self::Malformed(_) => 400,
            Self::Invalid(_) | Self::Rejected(_) => 422,
            Self::Conflict { .. } => 409,
            Self::Unauthenticated(_) => 401,
            Self::Forbidden(_) => 403,
            Self::TooManyRequests { .. } => 429,
            Self::Internal => 500,
        }
    }

    /// A conflict that is not about fields (a taken name, a live run).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// An internal failure: `cause` is logged, the user sees
    /// [`CoreError::Internal`].
    pub(crate) fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::Internal
    }
}

impl From<StoreError> for CoreError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound { .. } => Self::NotFound(err.to_string()),
            StoreError::AlreadyExists { .. } | StoreError::Stale { .. } => {
                Self::conflict(err.to_string())
            }
            StoreError::Invalid(errors) => Self::Rejected(errors),
            StoreError::Sync(_) => Self::Invalid(err.to_string()),
            StoreError::Db(_) | StoreError::Connect(_) | StoreError::Corrupt { .. } => {
                Self::internal(&err)
            }
        }
    }
}

impl From<RunError> for CoreError {
    fn from(err: RunError) -> Self {
        match err {
            RunError::AlreadyRunning { .. } | RunError::NotLive(_) => {
                Self::conflict(err.to_string())
            }
            RunError::Unsupported(message) => Self::Invalid(message),
            RunError::Store(e) => e.into(),
        }
    }
}

impl From<HostDockerfileError> for CoreError {
    fn from(err: HostDockerfileError) -> Self {
        match err {
            HostDockerfileError::NotFound(m) => Self::NotFound(m),
            HostDockerfileError::Invalid(m)
            | HostDockerfileError::NotApplicable(m)
            | HostDockerfileError::Unavailable(m) => Self::Invalid(m),
            HostDockerfileError::Store(e) => e.into(),
        }
    }
}
