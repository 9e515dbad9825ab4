//! Partial saves with no lost updates. A patch names the revision its
//! editor started from and only the fields it changed:
//!
//! - at the current revision it is applied;
//! - at an older one, the history after that revision decides: when a
//!   patched field (or one inside or around it) was changed since, the
//!   answer is [`CoreError::Conflict`] listing those fields with their
//!   current values (secrets as placeholders) and who changed them last;
//!   otherwise the patch is merged onto the current resource;
//! - the write itself expects the revision it merged onto, so a write in
//!   between is seen (and the patch decided again).
//!
//! Fields a patch leaves out keep their stored values (a run's version bump
//! survives a save that did not touch `version`). A secret field sent as its
//! placeholder keeps the stored value.

use crate::{Actor, CoreError, Kiln};
use kiln_api::{FieldConflict, Patch, Revised};
use kiln_domain::history::{at_path, leaf_paths, merge, overlaps, SecretFields};
use kiln_domain::redact::{redact_build, restore_build, SECRET_PLACEHOLDER};
use kiln_domain::sync::ResourceKind;
use kiln_domain::validation::ChangeRules;
use kiln_domain::{Alerter, Build, Builder, Catalog, GitAccount, RegistryAccount, Repo, Variable};
use kiln_store::StoreError;
use serde_json::Value;

/// How many times a patch is decided again when another write lands
/// between its read and its write.
const ATTEMPTS: usize = 5;

/// The top-level fields a patch of `kind` may change.
fn patchable(kind: ResourceKind) -> &'static [&'static str] {
    match kind {
        ResourceKind::Build
        | ResourceKind::Builder
        | ResourceKind::Repo
        | ResourceKind::Alerter => &["config", "description", "tags"],
        ResourceKind::Variable => &["value", "description", "is_secret"],
        ResourceKind::GitAccount | ResourceKind::RegistryAccount => &["token"],
    }
}

impl Kiln {
    /// Applies a partial save to build `name` (see the module docs).
    /// Answers the build as stored (redacted) with its new revision. 404
    /// when it does not exist; 409 ([`CoreError::Conflict`] with `fields`)
    /// when a patched field changed since `patch.revision`; 422 for an
    /// unknown field, a value of the wrong type or a build that fails
    /// validation ([`CoreError::Rejected`], by field).
    pub async fn patch_build(
        &self,
        actor: &Actor,
        name: &str,
        patch: Patch,
    ) -> Result<Revised<Build>, CoreError> {
        self.patch_build_with(actor, name, patch, ChangeRules::default())
            .await
    }

    /// [`Kiln::patch_build`] with the change checked under `rules`:
    /// `allow_lower_version` lets the patch lower the build's version (only
    /// when the user asked for it explicitly, e.g. `force_version`).
    pub async fn patch_build_with(
        &self,
        actor: &Actor,
        name: &str,
        patch: Patch,
        rules: ChangeRules,
    ) -> Result<Revised<Build>, CoreError> {
        let saved = self
            .patch_with(actor, ResourceKind::Build, name, patch, rules)
            .await?;
        let build = self.store().build_revised(name).await?;
        Ok(Revised {
            id: saved.id,
            revision: build.revision,
            value: redact_build(&build.value),
        })
    }

    /// [`Kiln::patch_build`] for any kind: `key` is the resource's name
    /// (accounts: `domain/username`). Answers the resource's JSON form with
    /// secrets as placeholders (builds: `KEY=<KEY>`), and its new revision.
    pub async fn patch(
        &self,
        actor: &Actor,
        kind: ResourceKind,
        key: &str,
        patch: Patch,
    ) -> Result<Revised<Value>, CoreError> {
        self.patch_with(actor, kind, key, patch, ChangeRules::default())
            .await
    }

    /// [`Kiln::patch`] with the change checked under `rules`.
    pub async fn patch_with(
        &self,
        actor: &Actor,
        kind: ResourceKind,
        key: &str,
        patch: Patch,
        rules: ChangeRules,
    ) -> Result<Revised<Value>, CoreError> {
        let allowed = patchable(kind);
        if let Some(field) = patch.fields.keys().find(|f| !allowed.contains(&f.as_str())) {
            let hint = if field == "name" {
                " (rename a build with POST …/rename)"
            } else {
                ""
            };
            return Err(CoreError::Invalid(format!(
                "{kind} '{key}': '{field}' cannot be patched{hint}; patchable: {}",
                allowed.join(", ")
            )));
        }
        self.require(actor, kind, key, kiln_domain::access::Level::Write)
            .await?;
        let patched: Value = Value::Object(patch.fields.clone());
        let paths = leaf_paths(&patched);
        for _ in 0..ATTEMPTS {
            let identity = self.store().identity(kind, key).await?;
            let catalog = self.store().catalog().await?;
            let current = kiln_store::resource_json(&catalog, kind, key)?
                .ok_or_else(|| CoreError::NotFound(format!("{kind} '{key}' not found")))?;
            if patch.revision > identity.revision {
                return Err(CoreError::Invalid(format!(
                    "{kind} '{key}' is at revision {}, the patch names {}",
                    identity.revision, patch.revision
                )));
            }
            if patch.revision < identity.revision {
                let conflicts = self
                    .conflicts(kind, identity.id, patch.revision, &paths, &current)
                    .await?;
                if !conflicts.is_empty() {
                    let names: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
                    return Err(CoreError::Conflict {
                        message: format!(
                            "{kind} '{key}' changed since revision {} (now {}): {} changed by someone else",
                            patch.revision,
                            identity.revision,
                            names.join(", ")
                        ),
                        fields: conflicts,
                    });
                }
            }
            let mut merged = current.clone();
            merge(&mut merged, &keep_placeholders(kind, &patched, &current));
            let item = Item::decode(kind, key, merged, &catalog)?;
            if let Item::Build(after) = &item {
                let before = catalog.builds.iter().find(|b| b.name.as_str() == key);
                self.check_references(actor, before, after).await?;
            }
            let written = self
                .store()
                .replace_with(
                    kind,
                    key,
                    Some(identity.revision),
                    &actor.author(),
                    rules,
                    |catalog| {
                        item.put(catalog, key);
                        Ok(())
                    },
                )
                .await;
            match written {
                Ok(written) => {
                    let catalog = self.store().catalog().await?;
                    let stored =
                        kiln_store::resource_json(&catalog, kind, key)?.unwrap_or(Value::Null);
                    return Ok(Revised {
                        id: written.id,
                        revision: written.revision,
                        value: redact_json(kind, &stored),
                    });
                }
                Err(StoreError::Stale { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CoreError::conflict(format!(
            "{kind} '{key}' is being changed by others; try again"
        )))
    }

    /// The patched fields changed after `revision`, newest change first.
    async fn conflicts(
        &self,
        kind: ResourceKind,
        id: i64,
        revision: i64,
        paths: &[String],
        current: &Value,
    ) -> Result<Vec<FieldConflict>, CoreError> {
        let since = self.store().history(kind, id, revision).await?;
        let shown = redact_json(kind, current);
        let mut conflicts = Vec::new();
        for path in paths {
            let changed = since.iter().find(|entry| {
                entry
                    .changes
                    .iter()
                    .any(|change| overlaps(&change.field, path))
            });
            if let Some(entry) = changed {
                conflicts.push(FieldConflict {
                    field: path.clone(),
                    current: at_path(&shown, path).cloned().unwrap_or(Value::Null),
                    changed_by: entry.actor.clone(),
                    door: entry.door,
                    at_ms: entry.at_ms,
                    revision: entry.revision,
                });
            }
        }
        Ok(conflicts)
    }
}

/// The patch without the secret fields it sends back as placeholders (so
/// they keep their stored values). Builds' placeholders are restored after
/// the merge by `restore_build`.
fn keep_placeholders(kind: ResourceKind, patch: &Value, current: &Value) -> Value {
    let secrets = SecretFields::of(kind, is_secret_variable(current));
    let mut patch = patch.clone();
    strip(&mut patch, "", &secrets);
    patch
}

fn strip(value: &mut Value, path: &str, secrets: &SecretFields) {
    if let Value::Object(map) = value {
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            let inner_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let placeholder = map
                .get(&key)
                .is_some_and(|v| v.as_str() == Some(SECRET_PLACEHOLDER));
            if placeholder && secrets.covers(&inner_path) {
                map.remove(&key);
            } else if let Some(inner) = map.get_mut(&key) {
                strip(inner, &inner_path, secrets);
            }
        }
    }
}

fn is_secret_variable(value: &Value) -> bool {
    value
        .get("is_secret")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// A resource's JSON form as it may leave the core: builds through
/// `redact_build`, other kinds with every secret leaf as `"<secret>"`.
pub(crate) fn redact_json(kind: ResourceKind, value: &Value) -> Value {
    if kind == ResourceKind::Build {
        if let Ok(build) = serde_json::from_value::<Build>(value.clone()) {
            return serde_json::to_value(redact_build(&build)).unwrap_or(Value::Null);
        }
        return Value::Null;
    }
    let secrets = SecretFields::of(kind, is_secret_variable(value));
    let mut shown = value.clone();
    hide(&mut shown, "", &secrets);
    shown
}

fn hide(value: &mut Value, path: &str, secrets: &SecretFields) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                let inner_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                hide(inner, &inner_path, secrets);
            }
        }
        Value::String(text) if !text.is_empty() && secrets.covers(path) => {
            *text = SECRET_PLACEHOLDER.to_string();
        }
        _ => {}
    }
}

/// A patched resource, decoded into its domain type.
enum Item {
    Build(Box<Build>),
    Builder(Box<Builder>),
    Repo(Box<Repo>),
    Alerter(Box<Alerter>),
    Variable(Box<Variable>),
    GitAccount(Box<GitAccount>),
    RegistryAccount(Box<RegistryAccount>),
}

impl Item {
    /// Decodes the merged JSON; a field of the wrong type or an unknown
    /// config field is a 422 naming it. A build's placeholders take the
    /// stored secrets back, and its UI Dockerfile's line endings become `\n`.
    fn decode(
        kind: ResourceKind,
        key: &str,
        merged: Value,
        catalog: &Catalog,
    ) -> Result<Self, CoreError> {
        fn read<T: serde::de::DeserializeOwned>(
            kind: ResourceKind,
            key: &str,
            value: Value,
        ) -> Result<T, CoreError> {
            // serde quotes a wrongly typed string, which may be a secret.
            serde_json::from_value(value).map_err(|e| {
                CoreError::Invalid(format!(
                    "{kind} '{key}': {}",
                    crate::hide_input(&e.to_string())
                ))
            })
        }
        Ok(match kind {
            ResourceKind::Build => {
                let build: Build = read(kind, key, merged)?;
                let mut build = match catalog.builds.iter().find(|b| b.name == build.name) {
                    Some(stored) => restore_build(build, stored),
                    None => build,
                };
                build.config.dockerfile = build.config.dockerfile.replace("\r\n", "\n");
                Self::Build(Box::new(build))
            }
            ResourceKind::Builder => Self::Builder(Box::new(read(kind, key, merged)?)),
            ResourceKind::Repo => Self::Repo(Box::new(read(kind, key, merged)?)),
            ResourceKind::Alerter => Self::Alerter(Box::new(read(kind, key, merged)?)),
            ResourceKind::Variable => Self::Variable(Box::new(read(kind, key, merged)?)),
            ResourceKind::GitAccount => Self::GitAccount(Box::new(read(kind, key, merged)?)),
            ResourceKind::RegistryAccount => {
                Self::RegistryAccount(Box::new(read(kind, key, merged)?))
            }
        })
    }

    /// Puts the item in the catalog in place of resource `key`.
    fn put(self, catalog: &mut Catalog, key: &str) {
        fn swap<T>(items: &mut [T], found: impl Fn(&T) -> bool, new: T) {
            if let Some(slot) = items.iter_mut().find(|item| found(item)) {
                *slot = new;
            }
        }
        let account = |domain: &str, username: &str| format!("{domain}/{username}") == key;
        match self {
            Self::Build(b) => swap(&mut catalog.builds, |x| x.name.as_str() == key, *b),
            Self::Builder(b) => swap(&mut catalog.builders, |x| x.name.as_str() == key, *b),
            Self::Repo(r) => swap(&mut catalog.repos, |x| x.name.as_str() == key, *r),
            Self::Alerter(a) => swap(&mut catalog.alerters, |x| x.name.as_str() == key, *a),
            Self::Variable(v) => swap(&mut catalog.variables, |x| x.name.as_str() == key, *v),
            Self::GitAccount(a) => swap(
                &mut catalog.git_accounts,
                |x| account(&x.domain, &x.username),
                *a,
            ),
            Self::RegistryAccount(a) => swap(
                &mut catalog.registry_accounts,
                |x| account(&x.domain, &x.username),
                *a,
            ),
        }
    }
}
