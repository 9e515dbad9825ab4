//! Sync: plan or apply a Komodo-compatible TOML file, and export every
//! resource as one. Placeholders in a file (as an export shows secret args
//! and webhook secrets) keep the stored values, whichever door the file
//! came through; an export holds no secret.

use crate::{Actor, CoreError, Kiln};
use kiln_api::SyncAnswer;
use kiln_domain::redact::{redact_build, restore_build};
use kiln_domain::sync::Change;

/// What a sync plan or apply found (and did).
#[derive(Clone, Debug, PartialEq)]
pub struct SyncReport {
    /// Whether anything was written.
    pub applied: bool,
    /// Whether this was only a plan.
    pub dry_run: bool,
    /// Every create, update and delete (changed fields by name, never a value).
    pub changes: Vec<Change>,
    /// What the file asked for that Kiln ignores.
    pub warnings: Vec<String>,
    /// The plan as text, one line per change.
    pub summary: String,
}

impl SyncReport {
    /// The answer the UI shows.
    pub fn into_answer(self) -> SyncAnswer {
        SyncAnswer {
            applied: self.applied,
            dry_run: self.dry_run,
            changes: self.changes,
            warnings: self.warnings,
        }
    }
}

impl Kiln {
    /// What applying `toml` would change (with `delete`, resources the file
    /// leaves out are deleted); nothing is written.
    pub async fn sync_plan(
        &self,
        actor: &Actor,
        toml: &str,
        delete: bool,
    ) -> Result<SyncReport, CoreError> {
        self.sync(actor, toml, true, delete).await
    }

    /// Applies `toml`: all of it or nothing.
    pub async fn sync_apply(
        &self,
        actor: &Actor,
        toml: &str,
        delete: bool,
    ) -> Result<SyncReport, CoreError> {
        self.sync(actor, toml, false, delete).await
    }

    /// [`Self::sync_plan`] (`dry_run`) or [`Self::sync_apply`].
    pub async fn sync(
        &self,
        actor: &Actor,
        toml: &str,
        dry_run: bool,
        delete: bool,
    ) -> Result<SyncReport, CoreError> {
        let mut file =
            kiln_domain::sync::parse(toml).map_err(|e| CoreError::Malformed(e.to_string()))?;
        let current = self.store().catalog().await?;
        file.builds = file
            .builds
            .into_iter()
            .map(
                |build| match current.builds.iter().find(|b| b.name == build.name) {
                    Some(stored) => restore_build(build, stored),
                    None => build,
                },
            )
            .collect();
        let outcome = self
            .store()
            .sync(&file, dry_run, delete, &actor.sync_author())
            .await?;
        Ok(SyncReport {
            applied: outcome.applied,
            dry_run,
            summary: outcome.plan.render(),
            changes: outcome.plan.changes,
            warnings: outcome.plan.warnings,
        })
    }

    /// Every resource as a sync file: secret args as placeholders; secret
    /// variable values, tokens, passkeys, webhook secrets and alerter URLs
    /// left out.
    pub async fn sync_export(&self, _actor: &Actor) -> Result<String, CoreError> {
        let mut catalog = self.store().catalog().await?;
        catalog.builds = catalog.builds.iter().map(redact_build).collect();
        Ok(kiln_domain::sync::export(&catalog))
    }
}
