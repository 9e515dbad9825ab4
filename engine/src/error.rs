//! Why a run stopped before the end.

/// A run stops either because it was cancelled or because something failed;
/// the message is redacted before it leaves the crate.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Abort {
    #[error("the run was cancelled")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
}

impl Abort {
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Abort::Failed(message.into())
    }
}

/// Shorthand for results inside the engine.
pub(crate) type Outcome<T> = Result<T, Abort>;
