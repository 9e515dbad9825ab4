use kiln_domain::sync::SyncError;
use kiln_domain::ValidationErrors;

/// What can go wrong at the persistence boundary.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("cannot open database: {0}")]
    Connect(String),
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    #[error("{0}")]
    Sync(#[from] SyncError),
    #[error("{kind} '{name}' not found")]
    NotFound { kind: &'static str, name: String },
    #[error("{kind} '{name}' already exists")]
    AlreadyExists { kind: &'static str, name: String },
    /// A write that expected another revision than the stored one.
    #[error("{kind} '{name}' changed since revision {expected} (now {current})")]
    Stale {
        kind: &'static str,
        name: String,
        expected: i64,
        current: i64,
    },
    #[error("stored {kind} '{name}' cannot be read: {reason}")]
    Corrupt {
        kind: &'static str,
        name: String,
        reason: String,
    },
}
