use super::diff::changed_fields;
use super::file::{AccountEntry, VariableEntry};
use super::{ResourceKind, SyncError, SyncFile};
use crate::validation::validate_catalog;
use crate::{Build, Builder, BuilderConfig, Catalog, GitAccount, RegistryAccount, Secret, Variable};
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
/// whole. Resources in the file replace the current ones of the same name
/// (fields absent from the file take their defaults, as in Komodo), except
/// secrets: a variable without `value`, an account without `token`, a Server
/// builder without `passkey` or a build without `webhook_secret` keeps the
/// current one. With `delete`, resources of every kind absent from the file
/// are deleted; otherwise they are kept.
pub fn plan(current: &Catalog, file: &SyncFile, delete: bool) -> Result<SyncPlan, SyncError> {
    let mut changes = Vec::new();
    let builds = file.builds.iter().map(|build| keep_webhook_secret(build, &current.builds)).collect();
    let builders = file.builders.iter().map(|builder| keep_passkey(builder, &current.builders)).collect();
    let variables = file
        .variables
        .iter()
        .map(|entry| variable(entry, &current.variables))
        .collect::<Result<Vec<_>, _>>()?;
    let git_accounts = file
        .git_accounts
        .iter()
        .map(|entry| {
            let current = current.git_accounts.iter().find(|a| a.domain == entry.domain && a.username == entry.username);
            let token = token(entry, current.map(|a| &a.token), ResourceKind::GitAccount)?;
            Ok(GitAccount { domain: entry.domain.clone(), username: entry.username.clone(), token })
        })
        .collect::<Result<Vec<_>, SyncError>>()?;
    let registry_accounts = file
        .registry_accounts
        .iter()
        .map(|entry| {
            let current =
                current.registry_accounts.iter().find(|a| a.domain == entry.domain && a.username == entry.username);
            let token = token(entry, current.map(|a| &a.token), ResourceKind::RegistryAccount)?;
            Ok(RegistryAccount { domain: entry.domain.clone(), username: entry.username.clone(), token })
        })
        .collect::<Result<Vec<_>, SyncError>>()?;
    let mut merger = Merger { delete, changes: &mut changes };
    let target = Catalog {
        builds: merger.merge(ResourceKind::Build, &current.builds, builds, |b| b.name.to_string()),
        builders: merger.merge(ResourceKind::Builder, &current.builders, builders, |b| b.name.to_string()),
        variables: merger.merge(ResourceKind::Variable, &current.variables, variables, |v| v.name.to_string()),
        repos: merger.merge(ResourceKind::Repo, &current.repos, file.repos.clone(), |r| r.name.to_string()),
        git_accounts: merger.merge(ResourceKind::GitAccount, &current.git_accounts, git_accounts, |a| {
            format!("{}/{}", a.domain, a.username)
        }),
        registry_accounts: merger.merge(ResourceKind::RegistryAccount, &current.registry_accounts, registry_accounts, |a| {
            format!("{}/{}", a.domain, a.username)
        }),
    };
    validate_catalog(&target).map_err(SyncError::Invalid)?;
    Ok(SyncPlan { target, changes, warnings: file.warnings.clone() })
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

struct Merger<'a> {
    delete: bool,
    changes: &'a mut Vec<Change>,
}

impl Merger<'_> {
    /// Current resources in their order (replaced, kept or deleted), then the
    /// new ones in file order.
    fn merge<T: Clone + PartialEq + Serialize>(
        &mut self,
        kind: ResourceKind,
        current: &[T],
        incoming: Vec<T>,
        key: impl Fn(&T) -> String,
    ) -> Vec<T> {
        let mut incoming: Vec<Option<T>> = incoming.into_iter().map(Some).collect();
        let mut target = Vec::new();
        for old in current {
            let name = key(old);
            let found = incoming.iter_mut().find(|slot| slot.as_ref().is_some_and(|new| key(new) == name));
            match found.and_then(Option::take) {
                Some(new) => {
                    if new != *old {
                        let fields = changed_fields(old, &new);
                        self.changes.push(Change { kind, name, action: ChangeAction::Update, fields });
                    }
                    target.push(new);
                }
                None if self.delete => {
                    self.changes.push(Change { kind, name, action: ChangeAction::Delete, fields: Vec::new() });
                }
                None => target.push(old.clone()),
            }
        }
        for new in incoming.into_iter().flatten() {
            self.changes.push(Change { kind, name: key(&new), action: ChangeAction::Create, fields: Vec::new() });
            target.push(new);
        }
        target
    }
}

fn keep_webhook_secret(build: &Build, current: &[Build]) -> Build {
    let mut build = build.clone();
    if build.config.webhook_secret.is_empty() {
        if let Some(old) = current.iter().find(|old| old.name == build.name) {
            build.config.webhook_secret.clone_from(&old.config.webhook_secret);
        }
    }
    build
}

fn keep_passkey(builder: &Builder, current: &[Builder]) -> Builder {
    let mut builder = builder.clone();
    if let BuilderConfig::Server(params) = &mut builder.config {
        let old = current.iter().find(|old| old.name == builder.name).map(|old| &old.config);
        if let (true, Some(BuilderConfig::Server(old))) = (params.passkey.is_empty(), old) {
            params.passkey = old.passkey.clone();
        }
    }
    builder
}

fn variable(entry: &VariableEntry, current: &[Variable]) -> Result<Variable, SyncError> {
    let old = current.iter().find(|old| old.name == entry.name);
    let value = match (&entry.value, old) {
        (Some(value), _) => Secret::new(value.clone()),
        (None, Some(old)) => old.value.clone(),
        (None, None) if entry.is_secret => {
            return Err(SyncError::Secret { kind: ResourceKind::Variable, name: entry.name.to_string() });
        }
        (None, None) => Secret::default(),
    };
    Ok(Variable {
        name: entry.name.clone(),
        value,
        description: entry.description.clone(),
        is_secret: entry.is_secret,
    })
}

fn token(entry: &AccountEntry, current: Option<&Secret>, kind: ResourceKind) -> Result<Secret, SyncError> {
    match (&entry.token, current) {
        (Some(token), _) => Ok(Secret::new(token.clone())),
        (None, Some(current)) => Ok(current.clone()),
        (None, None) => Err(SyncError::Secret { kind, name: format!("{}/{}", entry.domain, entry.username) }),
    }
}
