//! What the git webhook listeners ask of the core: the build a listener
//! path names (with the secret its requests must prove), and starting the
//! run a push asks for.

use super::runs::view;
use crate::actor::{Trigger, TAG_TRIGGER};
use crate::runs::StartOptions;
use crate::{Actor, CoreError, Kiln};
use kiln_api::RunView;
use kiln_domain::access::Level;
use kiln_domain::redact::redact_build;
use kiln_domain::sync::ResourceKind;
use kiln_domain::webhook::watched_branch;
use kiln_domain::{Build, Secret, Version};
use std::time::Duration;

/// How long a push waits for the build's live run to stop before starting
/// its own (Komodo waits about 10 s).
const REPLACE_WAIT: Duration = Duration::from_secs(10);

/// The build a listener path names.
#[derive(Clone, Debug)]
pub struct WebhookTarget {
    /// The build's numeric id (the listener paths use it).
    pub id: i64,
    /// The build, secrets as placeholders.
    pub build: Build,
    /// The branch whose pushes start runs (the build's, or its linked repo's).
    pub branch: String,
    /// The build's own webhook secret (empty when it has none). The one
    /// secret the core hands out: the listener checks a request's signature
    /// with it. `Secret` never prints its value.
    pub secret: Secret,
}

/// The run a push asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookStart {
    /// A push to the watched branch: build its head.
    Branch,
    /// A push of a tag: build its commit, versioned by the tag.
    Tag {
        /// The tag's name, recorded in the run's trigger.
        tag: String,
        /// The version the tag names.
        version: Version,
        /// The commit the tag points at.
        commit: String,
    },
}

impl Kiln {
    /// The build a listener path names, by numeric id or name.
    pub async fn webhook_target(
        &self,
        actor: &Actor,
        key: &str,
    ) -> Result<WebhookTarget, CoreError> {
        // The listener is public: it reads the target to verify the
        // signature. Users reach it only with Read on the build.
        let (id, build) = self.store().build_by_id_or_name(key).await?;
        if actor.caller().is_some() {
            self.require(actor, ResourceKind::Build, build.name.as_str(), Level::Read)
                .await?;
        }
        let catalog = self.store().catalog().await?;
        let branch = watched_branch(&build, &catalog.repos).to_string();
        Ok(WebhookTarget {
            id,
            secret: Secret::new(build.config.webhook_secret.clone()),
            build: redact_build(&build),
            branch,
        })
    }

    /// Starts the run a verified push asks for, newest push first: the
    /// build's live run is cancelled and awaited (up to 10 s) before the new
    /// one starts. A live tag run is never cancelled: a release build is not
    /// thrown away for a later push (409).
    pub async fn start_webhook_run(
        &self,
        actor: &Actor,
        build: &str,
        start: WebhookStart,
    ) -> Result<RunView, CoreError> {
        self.require(actor, ResourceKind::Build, build, Level::Execute)
            .await?;
        let newest = self.store().runs_of_build(build, 1).await?;
        if let Some(run) = newest
            .into_iter()
            .find(|run| run.status.is_live() && run.trigger.starts_with(TAG_TRIGGER))
        {
            return Err(CoreError::conflict(format!(
                "build '{build}' is building a tag (run {}, {}); webhooks do not cancel tag runs, deliver this push again once it ends",
                run.id, run.trigger
            )));
        }
        let (trigger, options) = match start {
            WebhookStart::Branch => (Trigger::Webhook, StartOptions::default()),
            WebhookStart::Tag {
                tag,
                version,
                commit,
            } => (
                Trigger::WebhookTag(tag),
                StartOptions {
                    version: Some(version),
                    commit: Some(commit),
                },
            ),
        };
        let run = self
            .runs()
            .start_replacing_with(build, &trigger.label(), REPLACE_WAIT, options)
            .await?;
        Ok(view(self.runs(), run))
    }
}
