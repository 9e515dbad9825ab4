use super::merge::Merger;
use super::resolve::resolve;
use super::{ResourceKind, SyncError, SyncFile};
use crate::validation::validate_change;
use crate::Catalog;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// What applying a sync file does: the resulting catalog and the changes
/// that lead there. Serialized without `target` (it holds secrets).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncPlan {
    #[serde(skip)]
    pub target: Catalog,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

/// One resource created, updated or deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ResourceKind,
    /// The resource name; for accounts `domain/username`.
    pub name: String,
    pub action: ChangeAction,
    /// For updates, the dotted paths of the changed fields (for secrets
    /// only the field name, never a value). Empty for creates and deletes.
    pub fields: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Create,
    Update,
    Delete,
}

/// Computes the catalog after applying `file` to `current`, validated as a
/// whole: refused when it has a problem `current` does not already have
/// ([`validate_change`]). Resources in the file replace the current ones of the same name
/// (fields absent from the file take their defaults, as in Komodo), except
/// secrets: a variable without `value`, an account without `token`, a Server
/// builder without `passkey` or a build without `webhook_secret` keeps the
/// current one. With `delete`, resources of every kind absent from the file
/// are deleted; otherwise they are kept.
pub fn plan(current: &Catalog, file: &SyncFile, delete: bool) -> Result<SyncPlan, SyncError> {
    let incoming = resolve(current, file)?;
    let mut changes = Vec::new();
    let mut merger = Merger::new(delete, &mut changes);
    let target = Catalog {
        builds: merger.merge(ResourceKind::Build, &current.builds, incoming.builds, |b| {
            b.name.to_string()
        }),
        builders: merger.merge(
            ResourceKind::Builder,
            &current.builders,
            incoming.builders,
            |b| b.name.to_string(),
        ),
        variables: merger.merge(
            ResourceKind::Variable,
            &current.variables,
            incoming.variables,
            |v| v.name.to_string(),
        ),
        repos: merger.merge(ResourceKind::Repo, &current.repos, incoming.repos, |r| {
            r.name.to_string()
        }),
        git_accounts: merger.merge(
            ResourceKind::GitAccount,
            &current.git_accounts,
            incoming.git_accounts,
            |a| format!("{}/{}", a.domain, a.username),
        ),
        registry_accounts: merger.merge(
            ResourceKind::RegistryAccount,
            &current.registry_accounts,
            incoming.registry_accounts,
            |a| format!("{}/{}", a.domain, a.username),
        ),
        alerters: merger.merge(
            ResourceKind::Alerter,
            &current.alerters,
            incoming.alerters,
            |a| a.name.to_string(),
        ),
    };
    validate_change(current, &target).map_err(SyncError::Invalid)?;
    Ok(SyncPlan {
        target,
        changes,
        warnings: file.warnings.clone(),
    })
}

impl SyncPlan {
    /// One line per change (`create build 'api'`, `update build 'api':
    /// config.version, config.labels`, `delete variable 'OLD'`), or
    /// `no changes`; then one `warning: ...` line per warning.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("no changes\n");
        }
        for change in &self.changes {
            let action = match change.action {
                ChangeAction::Create => "create",
                ChangeAction::Update => "update",
                ChangeAction::Delete => "delete",
            };
            let _ = write!(out, "{action} {} '{}'", change.kind.as_str(), change.name);
            if !change.fields.is_empty() {
                let _ = write!(out, ": {}", change.fields.join(", "));
            }
            out.push('\n');
        }
        for warning in &self.warnings {
            let _ = writeln!(out, "warning: {warning}");
        }
        out
    }
}
