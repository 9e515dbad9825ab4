//! Sync: plan or apply a Komodo-compatible TOML file, and export every
//! resource as one. Placeholders in a file (as an export shows secret args
//! and webhook secrets) keep the stored values, whichever door the file
//! came through; an export holds no secret.

use crate::{Actor, CoreError, Kiln};
use kiln_api::SyncAnswer;
use kiln_domain::access::Level;
use kiln_domain::sync::{Change, ChangeAction, PlanOptions, ResourceKind, SyncPlan};
use kiln_domain::Catalog;

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
        // The plan is made here only when the actor's rights or the file's
        // groups need it; the store plans again under its write lock.
        let restricted = !self.is_admin(actor);
        let (groups, mut group_lines) = if restricted || !file.user_groups.is_empty() {
            let current = self.store().catalog().await?;
            let plan = kiln_domain::sync::plan_with(&current, &file, options)
                .map_err(|e| CoreError::Invalid(e.to_string()))?;
            if restricted {
                self.check_sync(actor, &current, &plan).await?;
            }
            self.plan_user_groups(actor, &file, &plan.target).await?
        } else {
            (Vec::new(), Vec::new())
        };
        let outcome = self
            .store()
            .sync_with(&file, dry_run, options, &actor.sync_author())
            .await?;
        if !dry_run {
            group_lines.extend(self.apply_user_groups(groups, options.delete).await?);
        }
        let mut summary = outcome.plan.render();
        for line in &group_lines {
            summary.push_str(line);
            summary.push('\n');
        }
        Ok(SyncReport {
            applied: outcome.applied || (!dry_run && !group_lines.is_empty()),
            dry_run,
            summary,
            changes: outcome.plan.changes,
            warnings: outcome.plan.warnings,
        })
    }

    /// Every resource as a sync file: secret args as placeholders; secret
    /// variable values, tokens, passkeys, webhook secrets and alerter URLs
    /// left out.
    /// Holds only what `actor` may read; admins also get every
    /// `[[user_group]]`.
    pub async fn sync_export(&self, actor: &Actor) -> Result<String, CoreError> {
        let mut catalog = self.store().catalog().await?;
        self.keep_readable(actor, &mut catalog).await?;
        let mut text = kiln_domain::sync::export(&catalog);
        if self.is_admin(actor) {
            let groups = self.user_group_entries().await?;
            text.push_str(&kiln_domain::sync::export_user_groups(&groups));
        }
        Ok(text)
    }

    /// Refuses a sync whose plan changes anything `actor` may not write:
    /// creating needs Write on the kind, updating or deleting Write on the
    /// resource, and a build's new references and host powers follow the
    /// rules of a save (`references.rs`).
    async fn check_sync(
        &self,
        actor: &Actor,
        current: &Catalog,
        plan: &SyncPlan,
    ) -> Result<(), CoreError> {
        for change in &plan.changes {
            match change.action {
                ChangeAction::Create => self.require_kind(actor, change.kind, Level::Write)?,
                ChangeAction::Update | ChangeAction::Delete => {
                    self.require(actor, change.kind, &change.name, Level::Write)
                        .await?;
                }
            }
            if change.kind == ResourceKind::Build && change.action != ChangeAction::Delete {
                let before = current
                    .builds
                    .iter()
                    .find(|b| b.name.as_str() == change.name);
                if let Some(after) = plan
                    .target
                    .builds
                    .iter()
                    .find(|b| b.name.as_str() == change.name)
                {
                    self.check_references(actor, before, after).await?;
                }
            }
        }
        Ok(())
    }

    /// Removes from `catalog` what `actor` may not read.
    async fn keep_readable(&self, actor: &Actor, catalog: &mut Catalog) -> Result<(), CoreError> {
        let builds = self.readable(actor, ResourceKind::Build).await?;
        catalog.builds.retain(|b| builds.allows(b.name.as_str()));
        let builders = self.readable(actor, ResourceKind::Builder).await?;
        catalog
            .builders
            .retain(|b| builders.allows(b.name.as_str()));
        let variables = self.readable(actor, ResourceKind::Variable).await?;
        catalog
            .variables
            .retain(|v| variables.allows(v.name.as_str()));
        let repos = self.readable(actor, ResourceKind::Repo).await?;
        catalog.repos.retain(|r| repos.allows(r.name.as_str()));
        let alerters = self.readable(actor, ResourceKind::Alerter).await?;
        catalog
            .alerters
            .retain(|a| alerters.allows(a.name.as_str()));
        let git = self.readable(actor, ResourceKind::GitAccount).await?;
        catalog
            .git_accounts
            .retain(|a| git.allows(&format!("{}/{}", a.domain, a.username)));
        let registry = self.readable(actor, ResourceKind::RegistryAccount).await?;
        catalog
            .registry_accounts
            .retain(|a| registry.allows(&format!("{}/{}", a.domain, a.username)));
        Ok(())
    }
}
