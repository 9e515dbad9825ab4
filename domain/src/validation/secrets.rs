//! Rules for secret values: long enough to be masked safely, and never made
//! readable, or sent somewhere new, by an edit that does not give them again.

use super::{Report, ValidationError};
use crate::env_lines::parse_env_lines;
use crate::{BuilderConfig, Catalog};

/// The shortest secret value Kiln stores, in characters. A run's output is
/// redacted by replacing every secret's text with a placeholder; masking
/// `ab` would also mask (and so reveal) every `ab` in every log.
pub const MIN_SECRET_CHARS: usize = 4;

fn too_short(value: &str) -> bool {
    let chars = value.chars().count();
    chars > 0 && chars < MIN_SECRET_CHARS
}

fn short_message() -> String {
    format!(
        "secret values need at least {MIN_SECRET_CHARS} characters (a shorter one would be masked everywhere it appears in a log)"
    )
}

/// Every secret value in `catalog` shorter than [`MIN_SECRET_CHARS`]: secret
/// variables, account tokens, Server builder passkeys, build `secret_args`
/// values and webhook secrets. Messages never quote a value.
pub(crate) fn short_secrets(catalog: &Catalog, errors: &mut Vec<ValidationError>) {
    for variable in &catalog.variables {
        if variable.is_secret && too_short(variable.value.expose()) {
            Report::new(format!("variable '{}'", variable.name), errors)
                .push("value", short_message());
        }
    }
    let accounts = catalog
        .git_accounts
        .iter()
        .map(|a| ("git account", &a.domain, &a.username, &a.token))
        .chain(
            catalog
                .registry_accounts
                .iter()
                .map(|a| ("registry account", &a.domain, &a.username, &a.token)),
        );
    for (kind, domain, username, token) in accounts {
        if too_short(token.expose()) {
            Report::new(format!("{kind} '{domain}/{username}'"), errors)
                .push("token", short_message());
        }
    }
    for builder in &catalog.builders {
        if let BuilderConfig::Server(params) = &builder.config {
            if too_short(params.passkey.expose()) {
                Report::new(format!("builder '{}'", builder.name), errors)
                    .push("config.params.passkey", short_message());
            }
        }
    }
    for build in &catalog.builds {
        let mut report = Report::new(format!("build '{}'", build.name), errors);
        if too_short(&build.config.webhook_secret) {
            report.push("config.webhook_secret", short_message());
        }
        // Unparsable text is reported by the build's own checks.
        for line in parse_env_lines(&build.config.secret_args).unwrap_or_default() {
            if too_short(&line.value) {
                report.push(
                    "config.secret_args",
                    format!("{}: {}", line.key, short_message()),
                );
            }
        }
    }
}

/// What a write may do that [`transitions`] refuses otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChangeRules {
    /// Set a build's `version` lower than the stored one (the user asked
    /// for it explicitly, e.g. `force_version`).
    pub allow_lower_version: bool,
}

/// The problems of the change from `before` to `after` itself, matched by
/// name: a build's version lowered (a run may have raised it since the
/// writer read it); a secret variable made plain while keeping its value.
pub(crate) fn transitions(
    before: &Catalog,
    after: &Catalog,
    rules: ChangeRules,
    errors: &mut Vec<ValidationError>,
) {
    for build in &after.builds {
        let Some(old) = before.builds.iter().find(|old| old.name == build.name) else {
            continue;
        };
        if !rules.allow_lower_version && build.config.version < old.config.version {
            Report::new(format!("build '{}'", build.name), errors).push(
                "config.version",
                format!(
                    "{} is lower than the stored {} (a run may have raised it since this was read); reload, or lower it explicitly with force_version",
                    build.config.version, old.config.version
                ),
            );
        }
    }
    for variable in &after.variables {
        let Some(old) = before
            .variables
            .iter()
            .find(|old| old.name == variable.name)
        else {
            continue;
        };
        if old.is_secret
            && !variable.is_secret
            && !old.value.is_empty()
            && variable.value == old.value
        {
            Report::new(format!("variable '{}'", variable.name), errors).push(
                "is_secret",
                "a secret variable becomes plain only with a new value (the stored one stays secret)",
            );
        }
    }
}
