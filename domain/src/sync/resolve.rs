//! Turning a sync file's entries into resources, keeping the current
//! secrets that the file leaves out (or gives as placeholders) and the
//! current version of builds whose file entry has none.

use super::file::{AccountEntry, VariableEntry};
use super::{ResourceKind, SyncError, SyncFile};
use crate::env_lines::parse_env_lines;
use crate::redact::{
    is_variable_reference, placeholder, restore_secret_args, unrestorable_placeholders,
    HIDDEN_SECRET,
};
use crate::{
    Alerter, Build, Builder, BuilderConfig, Catalog, GitAccount, RegistryAccount, Secret,
    ValidationError, ValidationErrors, Variable,
};

/// A secret value the file gives itself (not left out, not a placeholder):
/// the plan reports it as set, whether or not it equals the stored one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SuppliedSecret {
    pub kind: ResourceKind,
    /// The resource's name (accounts: `domain/username`).
    pub name: String,
    /// The field's dotted path, as the plan's diff names it.
    pub field: &'static str,
}

/// The file's resources as a catalog, with secrets absent from the file
/// taken from `current`, and the secrets the file gives. A new secret
/// variable or account without a value is an error.
pub(super) fn resolve(
    current: &Catalog,
    file: &SyncFile,
) -> Result<(Catalog, Vec<SuppliedSecret>), SyncError> {
    let mut supplied = Vec::new();
    let catalog = resolve_into(current, file, &mut supplied)?;
    Ok((catalog, supplied))
}

fn resolve_into(
    current: &Catalog,
    file: &SyncFile,
    supplied: &mut Vec<SuppliedSecret>,
) -> Result<Catalog, SyncError> {
    let git_current: Vec<_> = current
        .git_accounts
        .iter()
        .map(|a| (&a.domain, &a.username, &a.token))
        .collect();
    let registry_current: Vec<_> = current
        .registry_accounts
        .iter()
        .map(|a| (&a.domain, &a.username, &a.token))
        .collect();
    Ok(Catalog {
        builds: file
            .builds
            .iter()
            .map(|build| {
                let keep_version = file.builds_without_version.contains(build.name.as_str());
                keep_build_secrets(build, &current.builds, keep_version, supplied)
            })
            .collect::<Result<_, _>>()?,
        builders: file
            .builders
            .iter()
            .map(|builder| keep_passkey(builder, &current.builders, supplied))
            .collect::<Result<_, _>>()?,
        variables: file
            .variables
            .iter()
            .map(|entry| variable(entry, &current.variables, supplied))
            .collect::<Result<_, _>>()?,
        repos: file.repos.clone(),
        git_accounts: file
            .git_accounts
            .iter()
            .map(|entry| {
                let token = token(entry, &git_current, ResourceKind::GitAccount, supplied)?;
                Ok(GitAccount {
                    domain: entry.domain.clone(),
                    username: entry.username.clone(),
                    token,
                })
            })
            .collect::<Result<_, SyncError>>()?,
        registry_accounts: file
            .registry_accounts
            .iter()
            .map(|entry| {
                let token = token(
                    entry,
                    &registry_current,
                    ResourceKind::RegistryAccount,
                    supplied,
                )?;
                Ok(RegistryAccount {
                    domain: entry.domain.clone(),
                    username: entry.username.clone(),
                    token,
                })
            })
            .collect::<Result<_, SyncError>>()?,
        alerters: file
            .alerters
            .iter()
            .map(|alerter| keep_url(alerter, &current.alerters, supplied))
            .collect::<Result<_, _>>()?,
    })
}

fn supply(
    supplied: &mut Vec<SuppliedSecret>,
    kind: ResourceKind,
    name: impl Into<String>,
    field: &'static str,
) {
    supplied.push(SuppliedSecret {
        kind,
        name: name.into(),
        field,
    });
}

/// An alerter without a URL keeps the current one; a new one needs a URL.
fn keep_url(
    alerter: &Alerter,
    current: &[Alerter],
    supplied: &mut Vec<SuppliedSecret>,
) -> Result<Alerter, SyncError> {
    let mut alerter = alerter.clone();
    if !alerter.config.endpoint.params().url.is_empty() {
        supply(
            supplied,
            ResourceKind::Alerter,
            alerter.name.as_str(),
            "config.endpoint.params.url",
        );
    } else {
        let old = current
            .iter()
            .find(|old| old.name == alerter.name)
            .ok_or_else(|| SyncError::Secret {
                kind: ResourceKind::Alerter,
                name: alerter.name.to_string(),
            })?;
        alerter.config.endpoint.params_mut().url = old.config.endpoint.params().url.clone();
    }
    Ok(alerter)
}

/// A build with its placeholders (`KEY=<KEY>` secret args, a hidden or
/// absent webhook secret) given the stored values, and with the stored
/// version when `keep_version` (the file's entry has none). A placeholder
/// with no stored value behind it is an error (it would be stored as the
/// secret).
fn keep_build_secrets(
    build: &Build,
    current: &[Build],
    keep_version: bool,
    supplied: &mut Vec<SuppliedSecret>,
) -> Result<Build, SyncError> {
    let mut build = build.clone();
    let name = build.name.to_string();
    if gives_secret_args(&build.config.secret_args) {
        supply(supplied, ResourceKind::Build, &name, "config.secret_args");
    }
    let webhook = &build.config.webhook_secret;
    let webhook_given = !webhook.is_empty() && webhook != HIDDEN_SECRET;
    if webhook_given {
        supply(
            supplied,
            ResourceKind::Build,
            &name,
            "config.webhook_secret",
        );
    }
    let old = current.iter().find(|old| old.name == build.name);
    let stored_args = old.map_or("", |old| old.config.secret_args.as_str());
    if let Some(key) = unrestorable_placeholders(&build.config.secret_args, stored_args)
        .into_iter()
        .next()
    {
        return Err(SyncError::Placeholder { build: name, key });
    }
    if let Some(old) = old {
        build.config.secret_args =
            restore_secret_args(&build.config.secret_args, &old.config.secret_args);
        if !webhook_given {
            build
                .config
                .webhook_secret
                .clone_from(&old.config.webhook_secret);
        }
        if keep_version {
            build.config.version = old.config.version;
        }
    }
    Ok(build)
}

/// Whether `secret_args` holds a value of its own: a line that is neither
/// its key's placeholder nor a `[[NAME]]` reference (text that does not
/// parse counts as given).
fn gives_secret_args(secret_args: &str) -> bool {
    match parse_env_lines(secret_args) {
        Ok(lines) => lines.iter().any(|line| {
            line.value != placeholder(&line.key) && !is_variable_reference(&line.value)
        }),
        Err(_) => true,
    }
}

/// A Server builder without a passkey keeps the stored one, unless its
/// address changed: Kiln does not send a stored key to a new address, so the
/// file must give it again.
fn keep_passkey(
    builder: &Builder,
    current: &[Builder],
    supplied: &mut Vec<SuppliedSecret>,
) -> Result<Builder, SyncError> {
    let mut builder = builder.clone();
    if let BuilderConfig::Server(params) = &builder.config {
        if !params.passkey.is_empty() {
            supply(
                supplied,
                ResourceKind::Builder,
                builder.name.as_str(),
                "config.params.passkey",
            );
        }
    }
    let old = current
        .iter()
        .find(|old| old.name == builder.name)
        .map(|old| &old.config);
    if let (BuilderConfig::Server(params), Some(BuilderConfig::Server(old))) =
        (&mut builder.config, old)
    {
        if params.passkey.is_empty() && !old.passkey.is_empty() {
            if params.address != old.address {
                return Err(SyncError::Invalid(ValidationErrors(vec![ValidationError {
                    resource: format!("builder '{}'", builder.name),
                    field: "config.params.passkey".to_string(),
                    message: "params.address changed: give the passkey again (Kiln does not send the stored passkey to a new address)".to_string(),
                }])));
            }
            params.passkey = old.passkey.clone();
        }
    }
    Ok(builder)
}

fn variable(
    entry: &VariableEntry,
    current: &[Variable],
    supplied: &mut Vec<SuppliedSecret>,
) -> Result<Variable, SyncError> {
    let old = current.iter().find(|old| old.name == entry.name);
    if entry.value.is_some() && (entry.is_secret || old.is_some_and(|old| old.is_secret)) {
        supply(
            supplied,
            ResourceKind::Variable,
            entry.name.as_str(),
            "value",
        );
    }
    let value = match (&entry.value, old) {
        (Some(value), _) => Secret::new(value.clone()),
        (None, Some(old)) => old.value.clone(),
        (None, None) if entry.is_secret => {
            return Err(SyncError::Secret {
                kind: ResourceKind::Variable,
                name: entry.name.to_string(),
            });
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

fn token(
    entry: &AccountEntry,
    current: &[(&String, &String, &Secret)],
    kind: ResourceKind,
    supplied: &mut Vec<SuppliedSecret>,
) -> Result<Secret, SyncError> {
    if let Some(token) = &entry.token {
        supply(
            supplied,
            kind,
            format!("{}/{}", entry.domain, entry.username),
            "token",
        );
        return Ok(Secret::new(token.clone()));
    }
    current
        .iter()
        .find(|(domain, username, _)| **domain == entry.domain && **username == entry.username)
        .map(|(_, _, token)| (*token).clone())
        .ok_or_else(|| SyncError::Secret {
            kind,
            name: format!("{}/{}", entry.domain, entry.username),
        })
}
