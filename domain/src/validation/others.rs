//! The checks of variables, accounts and repos, and of unique names.

use super::build::{check_git_account, check_git_source};
use super::{Report, ValidationError};
use crate::{Catalog, Repo, Variable};
use std::collections::HashSet;

pub(crate) fn duplicates(catalog: &Catalog, errors: &mut Vec<ValidationError>) {
    let names = |kind: &'static str, names: Vec<&str>, errors: &mut Vec<ValidationError>| {
        let mut seen = HashSet::new();
        for name in names {
            if !seen.insert(name) {
                Report::new(format!("{kind} '{name}'"), errors)
                    .push("name", format!("another {kind} is also named '{name}'"));
            }
        }
    };
    names(
        "build",
        catalog.builds.iter().map(|r| r.name.as_str()).collect(),
        errors,
    );
    names(
        "builder",
        catalog.builders.iter().map(|r| r.name.as_str()).collect(),
        errors,
    );
    names(
        "variable",
        catalog.variables.iter().map(|r| r.name.as_str()).collect(),
        errors,
    );
    names(
        "repo",
        catalog.repos.iter().map(|r| r.name.as_str()).collect(),
        errors,
    );
    names(
        "alerter",
        catalog.alerters.iter().map(|r| r.name.as_str()).collect(),
        errors,
    );
    let accounts =
        |kind: &'static str, keys: Vec<(&str, &str)>, errors: &mut Vec<ValidationError>| {
            let mut seen = HashSet::new();
            for (domain, username) in keys {
                if !seen.insert((domain, username)) {
                    Report::new(format!("{kind} '{domain}/{username}'"), errors).push(
                        "username",
                        format!("another {kind} has domain '{domain}' and username '{username}'"),
                    );
                }
            }
        };
    accounts(
        "git account",
        catalog
            .git_accounts
            .iter()
            .map(|a| (a.domain.as_str(), a.username.as_str()))
            .collect(),
        errors,
    );
    accounts(
        "registry account",
        catalog
            .registry_accounts
            .iter()
            .map(|a| (a.domain.as_str(), a.username.as_str()))
            .collect(),
        errors,
    );
}

pub(crate) fn validate_variable(variable: &Variable, errors: &mut Vec<ValidationError>) {
    let name = variable.name.as_str();
    let mut report = Report::new(format!("variable '{name}'"), errors);
    let mut chars = name.chars();
    let usable = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !usable {
        report.push(
            "name",
            format!("'{name}' cannot be used as [[{name}]]: use letters, digits and '_', not starting with a digit"),
        );
    }
    if variable.is_secret && variable.value.is_empty() {
        report.push("value", "a secret variable needs a value");
    }
}

pub(crate) fn validate_account(
    kind: &str,
    domain: &str,
    username: &str,
    errors: &mut Vec<ValidationError>,
) {
    let mut report = Report::new(format!("{kind} '{domain}/{username}'"), errors);
    if domain.is_empty() {
        report.push(
            "domain",
            "is empty; set the provider or registry host, like github.com",
        );
    }
    if username.is_empty() {
        report.push("username", "is empty");
    }
}

pub(crate) fn validate_repo(repo: &Repo, catalog: &Catalog, errors: &mut Vec<ValidationError>) {
    let mut report = Report::new(format!("repo '{}'", repo.name), errors);
    let config = &repo.config;
    if config.repo.trim().is_empty() {
        report.push(
            "config.repo",
            "is empty; set the repository, like owner/name",
        );
    }
    check_git_source(&config.git_provider, &config.branch, &mut report);
    check_git_account(
        catalog,
        &config.git_provider,
        &config.git_account,
        &mut report,
    );
}
