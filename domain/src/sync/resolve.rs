//! Turning a sync file's entries into resources, keeping the current
//! secrets that the file leaves out.

use super::file::{AccountEntry, VariableEntry};
use super::{ResourceKind, SyncError, SyncFile};
use crate::{
    Alerter, Build, Builder, BuilderConfig, Catalog, GitAccount, RegistryAccount, Secret, Variable,
};

/// The file's resources as a catalog, with secrets absent from the file
/// taken from `current`. A new secret variable or account without a value
/// is an error.
pub(super) fn resolve(current: &Catalog, file: &SyncFile) -> Result<Catalog, SyncError> {
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
            .map(|build| keep_webhook_secret(build, &current.builds))
            .collect(),
        builders: file
            .builders
            .iter()
            .map(|builder| keep_passkey(builder, &current.builders))
            .collect(),
        variables: file
            .variables
            .iter()
            .map(|entry| variable(entry, &current.variables))
            .collect::<Result<_, _>>()?,
        repos: file.repos.clone(),
        git_accounts: file
            .git_accounts
            .iter()
            .map(|entry| {
                let token = token(entry, &git_current, ResourceKind::GitAccount)?;
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
                let token = token(entry, &registry_current, ResourceKind::RegistryAccount)?;
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
            .map(|alerter| keep_url(alerter, &current.alerters))
            .collect::<Result<_, _>>()?,
    })
}

/// An alerter without a URL keeps the current one; a new one needs a URL.
fn keep_url(alerter: &Alerter, current: &[Alerter]) -> Result<Alerter, SyncError> {
    let mut alerter = alerter.clone();
    if alerter.config.endpoint.params().url.is_empty() {
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

fn keep_webhook_secret(build: &Build, current: &[Build]) -> Build {
    let mut build = build.clone();
    if build.config.webhook_secret.is_empty() {
        if let Some(old) = current.iter().find(|old| old.name == build.name) {
            build
                .config
                .webhook_secret
                .clone_from(&old.config.webhook_secret);
        }
    }
    build
}

fn keep_passkey(builder: &Builder, current: &[Builder]) -> Builder {
    let mut builder = builder.clone();
    let old = current
        .iter()
        .find(|old| old.name == builder.name)
        .map(|old| &old.config);
    if let (BuilderConfig::Server(params), Some(BuilderConfig::Server(old))) =
        (&mut builder.config, old)
    {
        if params.passkey.is_empty() {
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
) -> Result<Secret, SyncError> {
    if let Some(token) = &entry.token {
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
