//! Sync: plan or apply a Komodo-compatible TOML file, and export every
//! resource as one. Placeholders in a file (as an export shows secret args
//! and webhook secrets) keep the stored values, whichever door the file
//! came through; an export holds no secret.

use crate::{Actor, CoreError, Kiln};
use kiln_api::SyncAnswer;
use kiln_domain::sync::{Change, PlanOptions};

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
    /// Plans (`dry_run`: nothing is written) or applies `toml`, all of it
    /// or nothing: `delete` removes what the file leaves out,
    /// `force_version` lets it lower a build's version (otherwise 422).
    pub async fn sync(
        &self,
        actor: &Actor,
        toml: &str,
        dry_run: bool,
        options: PlanOptions,
    ) -> Result<SyncReport, CoreError> {
        // Placeholders are put back by the domain's sync plan, whatever the
        // door (`kiln_domain::sync`, `resolve.rs`).
        // toml's message quotes the file, which holds secrets.
        let file = kiln_domain::sync::parse(toml)
            .map_err(|e| CoreError::Malformed(crate::hide_input(&e.to_string())))?;
        let outcome = self
            .store()
            .sync_with(&file, dry_run, options, &actor.sync_author())
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
        let catalog = self.store().catalog().await?;
        Ok(kiln_domain::sync::export(&catalog))
    }
}
