use super::merge::Merger;
use super::resolve::{resolve, SuppliedSecret};
use super::{ResourceKind, SyncError, SyncFile};
use crate::history::SecretFields;
use crate::validation::{validate_change_with, ChangeRules};
use crate::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
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
    /// For updates, the dotted paths of the changed fields. A secret the
    /// file gives is listed as `<path> (set, value hidden)` whether or not
    /// it equals the stored one, so a plan never tells whether a guess was
    /// right. Empty for creates and deletes.
    pub fields: Vec<String>,
}

/// How a sync file is applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Delete the resources of every kind that the file does not name.
    pub delete: bool,
    /// Let the file set a build's version lower than the stored one.
    pub force_version: bool,
}

/// The suffix of a secret field in [`Change::fields`].
pub const HIDDEN_FIELD: &str = " (set, value hidden)";

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
/// current one, and a build without `version` keeps the stored version.
/// With `delete`, resources of every kind absent from the file are deleted;
/// otherwise they are kept. A version lower than the stored one is refused.
pub fn plan(current: &Catalog, file: &SyncFile, delete: bool) -> Result<SyncPlan, SyncError> {
    plan_with(
        current,
        file,
        PlanOptions {
            delete,
            force_version: false,
        },
    )
}

/// [`plan`] with every option.
pub fn plan_with(
    current: &Catalog,
    file: &SyncFile,
    options: PlanOptions,
) -> Result<SyncPlan, SyncError> {
    let delete = options.delete;
    let (incoming, supplied) = resolve(current, file)?;
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
    let rules = ChangeRules {
        allow_lower_version: options.force_version,
    };
    validate_change_with(current, &target, rules).map_err(SyncError::Invalid)?;
    hide_secrets(&mut changes, &supplied);
    Ok(SyncPlan {
        target,
        changes,
        warnings: file.warnings.clone(),
    })
}

/// Marks secret fields as hidden, and lists every secret the file gives for
/// a resource that exists and stays, even when it equals the stored one.
/// Secret fields are the history's ([`SecretFields`]; a variable's `value`
/// counts as secret here whether or not the variable is).
fn hide_secrets(changes: &mut Vec<Change>, supplied: &[SuppliedSecret]) {
    for change in changes.iter_mut() {
        let secrets = SecretFields::of(change.kind, true);
        for field in &mut change.fields {
            if secrets.covers(field) {
                field.push_str(HIDDEN_FIELD);
            }
        }
    }
    // One lookup per supplied secret, not a scan of every change.
    let mut index: HashMap<(ResourceKind, String), usize> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.kind, c.name.clone()), i))
        .collect();
    for secret in supplied {
        let hidden = format!("{}{HIDDEN_FIELD}", secret.field);
        match index.get(&(secret.kind, secret.name.clone())) {
            Some(&i) if changes[i].action == ChangeAction::Update => {
                if !changes[i].fields.contains(&hidden) {
                    changes[i].fields.push(hidden);
                }
            }
            // Created, or deleted (and so not in the file): nothing to hide.
            Some(_) => {}
            None => {
                index.insert((secret.kind, secret.name.clone()), changes.len());
                changes.push(Change {
                    kind: secret.kind,
                    name: secret.name.clone(),
                    action: ChangeAction::Update,
                    fields: vec![hidden],
                });
            }
        }
    }
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
