//! Checks that a [`Catalog`] is usable: every reference resolves, every
//! image name, tag and registry is something Docker accepts, every
//! `KEY=value` text parses, and names are unique per kind.
//!
//! [`validate_catalog`] reports every problem; the store writes through
//! [`validate_change`], which refuses only the problems a write introduces.
//!
//! Errors name the resource (`build 'api'`), the field as a dotted path
//! (`config.image_registry[1].account`) and what is wrong; they never
//! contain a secret value.

mod alerter;
mod build;
mod builder;
mod others;
mod secrets;

pub use build::validate_build;
pub use secrets::{ChangeRules, MIN_SECRET_CHARS};

use crate::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// One problem with one field of one resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[error("{resource}: {field}: {message}")]
pub struct ValidationError {
    /// The resource, like `build 'api'` or `git account 'github.com/alice'`.
    pub resource: String,
    /// The field as a dotted path, like `config.build_args`.
    pub field: String,
    pub message: String,
}

/// Every problem found; displayed one per line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", Lines(.0))]
pub struct ValidationErrors(pub Vec<ValidationError>);

/// Checks the whole catalog and returns every problem found.
pub fn validate_catalog(catalog: &Catalog) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    others::duplicates(catalog, &mut errors);
    for build in &catalog.builds {
        errors.extend(validate_build(build, catalog));
    }
    for builder in &catalog.builders {
        builder::validate_builder(builder, &mut errors);
    }
    for variable in &catalog.variables {
        others::validate_variable(variable, &mut errors);
    }
    for account in &catalog.git_accounts {
        others::validate_account(
            "git account",
            &account.domain,
            &account.username,
            &mut errors,
        );
    }
    for account in &catalog.registry_accounts {
        others::validate_account(
            "registry account",
            &account.domain,
            &account.username,
            &mut errors,
        );
    }
    for repo in &catalog.repos {
        others::validate_repo(repo, catalog, &mut errors);
    }
    for alerter in &catalog.alerters {
        alerter::validate_alerter(alerter, &mut errors);
    }
    secrets::short_secrets(catalog, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

/// Checks a write: the problems of `after` that `before` does not already
/// have (compared as whole errors: resource, field and message, counted,
/// so a second identical problem is new). A catalog stored before a rule
/// existed may break it; such a problem must not block unrelated writes
/// (saving another build, adding a variable), while every write still
/// refuses what it introduces. `before` is only checked when `after` has
/// problems.
///
/// A renamed resource's old problems count as new (they name the new
/// resource), as do problems whose message quotes an edited value.
///
/// The change itself is checked too, with the strict [`ChangeRules`]: a
/// build's version is not lowered, a secret variable is not made plain
/// without a new value. See [`validate_change_with`].
pub fn validate_change(before: &Catalog, after: &Catalog) -> Result<(), ValidationErrors> {
    validate_change_with(before, after, ChangeRules::default())
}

/// [`validate_change`] with the change rules relaxed as `rules` says.
pub fn validate_change_with(
    before: &Catalog,
    after: &Catalog,
    rules: ChangeRules,
) -> Result<(), ValidationErrors> {
    let mut transition_errors = Vec::new();
    secrets::transitions(before, after, rules, &mut transition_errors);
    let found = match validate_catalog(after) {
        Ok(()) if transition_errors.is_empty() => return Ok(()),
        Ok(()) => Vec::new(),
        Err(ValidationErrors(found)) => found,
    };
    let mut existing: HashMap<ValidationError, usize> = HashMap::new();
    if let Err(ValidationErrors(old)) = validate_catalog(before) {
        for error in old {
            *existing.entry(error).or_default() += 1;
        }
    }
    let introduced: Vec<ValidationError> = found
        .into_iter()
        .filter(|error| match existing.get_mut(error) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        })
        .chain(transition_errors)
        .collect();
    if introduced.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(introduced))
    }
}

/// Collects the errors of one resource.
pub(crate) struct Report<'a> {
    resource: String,
    errors: &'a mut Vec<ValidationError>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(resource: String, errors: &'a mut Vec<ValidationError>) -> Self {
        Self { resource, errors }
    }

    /// How many errors have been collected so far (of every resource).
    pub(crate) fn count(&self) -> usize {
        self.errors.len()
    }

    pub(crate) fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ValidationError {
            resource: self.resource.clone(),
            field: field.into(),
            message: message.into(),
        });
    }
}

struct Lines<'a>(&'a [ValidationError]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}
