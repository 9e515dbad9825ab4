//! Who performs an operation.

/// Who performs an operation on the core, passed first to every method of
/// [`crate::Kiln`]. Anonymous for now: every door is trusted alike; issue 12
/// adds users, and access control will be decided here from the actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Someone using the web UI (a server function).
    Ui,
    /// A client of the JSON API.
    Api,
    /// The `kiln` command line (through the JSON API).
    Cli,
    /// A git push delivered to the webhook listener of `build`.
    Webhook {
        /// The build the listener was called for.
        build: String,
    },
    /// Kiln itself (start-up, timers).
    System,
}

impl Actor {
    /// The `trigger` recorded on runs this actor starts.
    pub fn trigger(&self) -> &'static str {
        match self {
            Self::Ui => "ui",
            Self::Api => "api",
            Self::Cli => "cli",
            Self::Webhook { .. } => "webhook",
            Self::System => "system",
        }
    }
}
