//! A build's identity over its life: rename (same id: runs, history and
//! clone cache kept), copy (a new build without them), delete (its runs,
//! their log files and its clone cache go with it), and its history.

use crate::{Actor, CoreError, Kiln};
use kiln_api::Revised;
use kiln_domain::access::Level;
use kiln_domain::history::HistoryEntry;
use kiln_domain::redact::redact_build;
use kiln_domain::sync::ResourceKind;
use kiln_domain::{Build, ResourceName};
use std::path::Path;

impl Kiln {
    /// Renames build `from` to `to`: the same id, so its runs and history
    /// stay with it (and its clone cache moves). 404 when `from` does not
    /// exist, 409 when `to` is taken or the build has a live run, 422 when
    /// `to` is not a valid name. Answers the renamed build (redacted).
    pub async fn rename_build(
        &self,
        actor: &Actor,
        from: &str,
        to: &str,
    ) -> Result<Revised<Build>, CoreError> {
        let to = ResourceName::parse(to.trim())
            .map_err(|e| CoreError::Invalid(format!("new name: {e}")))?;
        self.require(actor, ResourceKind::Build, from, Level::Write)
            .await?;
        self.refuse_live(from, "renamed")?;
        let renamed = self
            .store()
            .rename_build(from, &to, &actor.author())
            .await?;
        move_dir(
            &self.runs().cache_dir_of(from),
            &self.runs().cache_dir_of(to.as_str()),
        );
        Ok(Revised {
            id: renamed.id,
            revision: renamed.revision,
            value: redact_build(&renamed.value),
        })
    }

    /// Copies build `from` (its config, secrets included) to a new build
    /// `to`: a new id, revision 1, no runs and no history but its creation.
    /// 404, 409 for a taken name, 422 for an invalid one.
    pub async fn copy_build(
        &self,
        actor: &Actor,
        from: &str,
        to: &str,
    ) -> Result<Revised<Build>, CoreError> {
        let to = ResourceName::parse(to.trim())
            .map_err(|e| CoreError::Invalid(format!("new name: {e}")))?;
        // A copy carries the source's secrets into a build the copier
        // controls, so it needs Write on the source, not only Read.
        self.require(actor, ResourceKind::Build, from, Level::Write)
            .await?;
        self.require_kind(actor, ResourceKind::Build, Level::Write)?;
        let mut copy = self.store().build(from).await?;
        copy.name = to;
        let created = self.store().create_build(copy, &actor.author()).await?;
        Ok(Revised {
            id: created.id,
            revision: created.revision,
            value: redact_build(&created.value),
        })
    }

    /// Deletes a build with its runs, their log files and its clone cache,
    /// so a new build of the same name starts clean (its history stays,
    /// under the old id). 409 while it has a live run.
    pub async fn delete_build(&self, actor: &Actor, name: &str) -> Result<(), CoreError> {
        self.require(actor, ResourceKind::Build, name, Level::Write)
            .await?;
        self.refuse_live(name, "deleted")?;
        let runs = self.store().delete_build(name, &actor.author()).await?;
        for run in runs {
            let log = self.runs().log_dir().join(format!("{run}.log"));
            if let Err(e) = std::fs::remove_file(&log) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(run, error = %e, "cannot remove the log of a deleted build's run");
                }
            }
        }
        let cache = self.runs().cache_dir_of(name);
        if let Err(e) = std::fs::remove_dir_all(&cache) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(build = name, error = %e, "cannot remove a deleted build's clone cache");
            }
        }
        Ok(())
    }

    /// Every recorded change of a build, newest first (secret fields only
    /// as changed). 404 when the build does not exist.
    pub async fn build_history(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<Vec<HistoryEntry>, CoreError> {
        self.require(actor, ResourceKind::Build, name, Level::Read)
            .await?;
        let identity = self.store().identity(ResourceKind::Build, name).await?;
        Ok(self
            .store()
            .history(ResourceKind::Build, identity.id, 0)
            .await?)
    }

    fn refuse_live(&self, name: &str, what: &str) -> Result<(), CoreError> {
        match self.runs().live_run_of(name) {
            Some(run) => Err(CoreError::conflict(format!(
                "build '{name}' has a live run ({run}); it can be {what} once that run ends"
            ))),
            None => Ok(()),
        }
    }
}

/// Moves a clone cache to its build's new name (nothing when there is none).
fn move_dir(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    if let Err(e) = std::fs::rename(from, to) {
        tracing::warn!(from = %from.display(), error = %e, "cannot move a renamed build's clone cache");
    }
}
