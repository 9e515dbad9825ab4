//! Who performs an operation, what the history records of it, and what a
//! run records as having started it.

use kiln_domain::history::{Author, Door};
use std::fmt;

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
    /// Kiln itself (start-up, timers, a run's version bump).
    System,
}

impl Actor {
    /// What a run this actor starts records as its trigger (set by the
    /// core, never taken from a request body).
    pub fn trigger(&self) -> Trigger {
        match self {
            Self::Ui => Trigger::Ui,
            Self::Api => Trigger::Api,
            Self::Cli => Trigger::Cli,
            Self::Webhook { .. } => Trigger::Webhook,
            Self::System => Trigger::System,
        }
    }

    /// Who, as the history records it: `"anonymous"` for the UI, API and
    /// CLI (until there are users), `"webhook"`, `"system"`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ui | Self::Api | Self::Cli => "anonymous",
            Self::Webhook { .. } => "webhook",
            Self::System => "system",
        }
    }

    /// The door this actor came through.
    pub fn door(&self) -> Door {
        match self {
            Self::Ui => Door::Ui,
            Self::Api => Door::Api,
            Self::Cli => Door::Cli,
            Self::Webhook { .. } => Door::Webhook,
            Self::System => Door::System,
        }
    }

    /// The history's author of a change this actor makes directly.
    pub fn author(&self) -> Author {
        Author::new(self.name(), self.door())
    }

    /// The history's author of a change this actor makes by applying a
    /// sync file: door `sync`, the actor named with the door the file came
    /// through (`"anonymous (cli)"`).
    pub fn sync_author(&self) -> Author {
        Author::new(format!("{} ({})", self.name(), self.door()), Door::Sync)
    }
}

/// What started a run, as recorded on it ([`Trigger::label`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The Run button of the web UI.
    Ui,
    /// `POST /api/v1/builds/{name}/run`.
    Api,
    /// `kiln build run`.
    Cli,
    /// A pushed branch, through the webhook listener.
    Webhook,
    /// A pushed tag, through the webhook listener.
    WebhookTag(String),
    /// Kiln itself.
    System,
}

/// How a tag run's trigger starts (`"webhook tag v1.2.3"`).
pub const TAG_TRIGGER: &str = "webhook tag ";

impl Trigger {
    /// `"ui"`, `"api"`, `"cli"`, `"webhook"`, `"webhook tag <tag>"` or `"system"`.
    pub fn label(&self) -> String {
        match self {
            Self::Ui => "ui".to_string(),
            Self::Api => "api".to_string(),
            Self::Cli => "cli".to_string(),
            Self::Webhook => "webhook".to_string(),
            Self::WebhookTag(tag) => format!("{TAG_TRIGGER}{tag}"),
            Self::System => "system".to_string(),
        }
    }
}

impl fmt::Display for Trigger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}
