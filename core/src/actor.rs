//! Who performs an operation, what the history records of it, and what a
//! run records as having started it.

use crate::auth::Caller;
use kiln_domain::history::{Author, Door};
use std::fmt;

/// Who performs an operation on the core, passed first to every method of
/// [`crate::Kiln`]: an authenticated user through one of the doors, a
/// webhook (authenticated by its signature, for one build), or Kiln itself.
/// The core decides from it what the operation may do (`access.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A user of the web UI (a server function).
    Ui(Caller),
    /// A client of the JSON API.
    Api(Caller),
    /// The `kiln` command line (through the JSON API).
    Cli(Caller),
    /// A git push delivered to the webhook listener of `build`.
    Webhook {
        /// The build the listener was called for.
        build: String,
    },
    /// Kiln itself (start-up, timers, a run's version bump), or an admin
    /// command run on the server host (`kiln user create`).
    System,
}

impl Actor {
    /// What a run this actor starts records as its trigger (set by the
    /// core, never taken from a request body).
    pub fn trigger(&self) -> Trigger {
        match self {
            Self::Ui(_) => Trigger::Ui,
            Self::Api(_) => Trigger::Api,
            Self::Cli(_) => Trigger::Cli,
            Self::Webhook { .. } => Trigger::Webhook,
            Self::System => Trigger::System,
        }
    }

    /// The authenticated user, for the UI, API and CLI.
    pub fn caller(&self) -> Option<&Caller> {
        match self {
            Self::Ui(caller) | Self::Api(caller) | Self::Cli(caller) => Some(caller),
            Self::Webhook { .. } | Self::System => None,
        }
    }

    /// Who, as the history records it: the username for the UI, API and
    /// CLI, `"webhook"`, `"system"`.
    pub fn name(&self) -> &str {
        match self {
            Self::Ui(caller) | Self::Api(caller) | Self::Cli(caller) => caller.username(),
            Self::Webhook { .. } => "webhook",
            Self::System => "system",
        }
    }

    /// The door this actor came through.
    pub fn door(&self) -> Door {
        match self {
            Self::Ui(_) => Door::Ui,
            Self::Api(_) => Door::Api,
            Self::Cli(_) => Door::Cli,
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
    /// through (`"ann (cli)"`).
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
