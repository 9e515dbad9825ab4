//! What a build uses from the catalog: its builder, linked repo, git and
//! registry accounts, and the variables its text fields name (with the
//! variables those variables' values name in turn). Used to decide what a
//! user must be allowed to read to save a build, and what a remote builder
//! receives for a run (nothing else of the catalog).

use crate::placeholder::placeholders;
use crate::{Build, Catalog};
use std::collections::BTreeSet;

/// The resources a build references, by name (accounts as
/// `domain/username`). An empty `builder` is the Local builder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    pub builder: String,
    pub repo: Option<String>,
    pub git_account: Option<String>,
    pub registry_accounts: BTreeSet<String>,
    /// Variables (plain and secret) that exist in the catalog and are
    /// named by a `[[NAME]]` in the build or in a named variable's value.
    pub variables: BTreeSet<String>,
}

/// The texts of a build the engine interpolates.
fn interpolated_texts(build: &Build) -> Vec<&str> {
    let c = &build.config;
    let mut texts = vec![
        c.dockerfile.as_str(),
        c.build_args.as_str(),
        c.secret_args.as_str(),
        c.labels.as_str(),
        c.pre_build.command.as_str(),
    ];
    texts.extend(c.extra_args.iter().map(String::as_str));
    texts
}

/// What `build` references in `catalog`.
pub fn references(build: &Build, catalog: &Catalog) -> References {
    let c = &build.config;
    let repo = catalog
        .repos
        .iter()
        .find(|r| !c.linked_repo.is_empty() && r.name.as_str() == c.linked_repo);
    let (provider, account) = match repo {
        Some(repo) => (
            repo.config.git_provider.as_str(),
            repo.config.git_account.as_str(),
        ),
        None => (c.git_provider.as_str(), c.git_account.as_str()),
    };
    let git_account = (!account.is_empty()).then(|| format!("{provider}/{account}"));
    let registry_accounts = c
        .image_registry
        .iter()
        .filter(|r| !r.account.is_empty())
        .map(|r| format!("{}/{}", r.domain, r.account))
        .collect();
    let mut variables = BTreeSet::new();
    let mut pending: Vec<String> = interpolated_texts(build)
        .into_iter()
        .flat_map(|text| placeholders(text).map(|p| p.name.to_string()))
        .collect();
    while let Some(name) = pending.pop() {
        let Some(variable) = catalog.variables.iter().find(|v| v.name.as_str() == name) else {
            continue;
        };
        if variables.insert(name) {
            pending.extend(placeholders(variable.value.expose()).map(|p| p.name.to_string()));
        }
    }
    References {
        builder: c.builder.clone(),
        repo: (!c.linked_repo.is_empty()).then(|| c.linked_repo.clone()),
        git_account,
        registry_accounts,
        variables,
    }
}
