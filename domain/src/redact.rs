//! Hides a Build's secrets from the browser and the JSON API, and puts them
//! back when an edited config comes back with the placeholders.
//!
//! - `secret_args`: each `KEY=value` line becomes `KEY=<KEY>`; blank and `#`
//!   lines are kept. A line sent back as `KEY=<KEY>` keeps the stored value
//!   of `KEY`; any other line is taken as written.
//! - `webhook_secret`: shown as [`HIDDEN_SECRET`] when set; sent back as
//!   [`HIDDEN_SECRET`] it keeps the stored one.
//!
//! ```
//! use kiln_domain::redact::{redact_secret_args, restore_secret_args};
//!
//! let stored = "NPM_TOKEN=s3cr3t\n# comment\nAPI_KEY=k3y";
//! let shown = redact_secret_args(stored);
//! assert_eq!(shown, "NPM_TOKEN=<NPM_TOKEN>\n# comment\nAPI_KEY=<API_KEY>");
//! let edited = shown.replace("API_KEY=<API_KEY>", "API_KEY=new");
//! assert_eq!(restore_secret_args(&edited, stored), "NPM_TOKEN=s3cr3t\n# comment\nAPI_KEY=new");
//! ```

use crate::env_lines::parse_env_lines;
use crate::Build;

/// What a set `webhook_secret` (or a line that is not `KEY=value`) shows.
pub const HIDDEN_SECRET: &str = "<hidden>";

/// What a secret leaf of a resource other than a build (a token, a passkey,
/// a secret variable's value, an alerter URL) shows in the core's JSON
/// answers; sent back in a patch, it keeps the stored value.
pub const SECRET_PLACEHOLDER: &str = "<secret>";

/// `build` with `secret_args` values and `webhook_secret` replaced by placeholders.
pub fn redact_build(build: &Build) -> Build {
    let mut out = build.clone();
    out.config.secret_args = redact_secret_args(&build.config.secret_args);
    out.config.webhook_secret = redact_webhook_secret(&build.config.webhook_secret);
    out
}

/// `incoming` with every placeholder replaced by the secret stored in `stored`.
pub fn restore_build(incoming: Build, stored: &Build) -> Build {
    let mut out = incoming;
    out.config.secret_args =
        restore_secret_args(&out.config.secret_args, &stored.config.secret_args);
    if out.config.webhook_secret == HIDDEN_SECRET {
        out.config.webhook_secret = stored.config.webhook_secret.clone();
    }
    out
}

/// The placeholder shown for the value of `key`: `<KEY>`.
pub fn placeholder(key: &str) -> String {
    format!("<{key}>")
}

/// Every value replaced by its key's placeholder; blank and comment lines
/// (and a final newline) kept.
pub fn redact_secret_args(text: &str) -> String {
    let lines = text
        .lines()
        .map(|raw| {
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                raw.to_string()
            } else if let Some((key, value)) = trimmed.split_once('=') {
                let key = key.trim();
                if is_variable_reference(value.trim()) {
                    // `KEY=[[NAME]]` names a variable; it holds no secret.
                    raw.to_string()
                } else {
                    format!("{key}={}", placeholder(key))
                }
            } else {
                HIDDEN_SECRET.to_string()
            }
        })
        .collect::<Vec<_>>();
    join_like(text, &lines)
}

/// `lines` joined by newlines, ending in one when `source` does.
fn join_like(source: &str, lines: &[String]) -> String {
    let mut out = lines.join("\n");
    if source.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Whether `value` is exactly one `[[NAME]]` variable reference (letters,
/// digits, `_`), which a redacted text shows as it is.
pub fn is_variable_reference(value: &str) -> bool {
    value
        .strip_prefix("[[")
        .and_then(|rest| rest.strip_suffix("]]"))
        .is_some_and(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// The keys whose line in `incoming` is its placeholder `KEY=<KEY>` while
/// `stored` has no line for `KEY`: applying `incoming` would store the
/// placeholder text as the secret.
pub fn unrestorable_placeholders(incoming: &str, stored: &str) -> Vec<String> {
    let known = parse_env_lines(stored).unwrap_or_default();
    parse_env_lines(incoming)
        .unwrap_or_default()
        .into_iter()
        .filter(|line| line.value == placeholder(&line.key))
        .filter(|line| !known.iter().any(|old| old.key == line.key))
        .map(|line| line.key)
        .collect()
}

/// `incoming` with each `KEY=<KEY>` line replaced by `stored`'s line for
/// `KEY`, exactly as it is stored.
pub fn restore_secret_args(incoming: &str, stored: &str) -> String {
    let known: Vec<(&str, &str)> = stored
        .lines()
        .filter_map(|raw| {
            let (key, _) = raw.trim().split_once('=')?;
            Some((key.trim(), raw))
        })
        .collect();
    let lines = incoming
        .lines()
        .map(|raw| {
            let Some((key, value)) = raw.trim().split_once('=') else {
                return raw.to_string();
            };
            let key = key.trim();
            if value.trim() != placeholder(key) {
                return raw.to_string();
            }
            match known.iter().find(|(known_key, _)| *known_key == key) {
                Some((_, stored_line)) => (*stored_line).to_string(),
                None => raw.to_string(),
            }
        })
        .collect::<Vec<_>>();
    join_like(incoming, &lines)
}

fn redact_webhook_secret(secret: &str) -> String {
    if secret.is_empty() {
        String::new()
    } else {
        HIDDEN_SECRET.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildConfig, ResourceName};

    fn build(secret_args: &str, webhook_secret: &str) -> Build {
        Build {
            name: ResourceName::parse("api").unwrap(),
            description: String::new(),
            tags: Vec::new(),
            config: BuildConfig {
                secret_args: secret_args.to_string(),
                webhook_secret: webhook_secret.to_string(),
                ..BuildConfig::default()
            },
        }
    }

    #[test]
    fn redacted_build_holds_no_secret_value() {
        let stored = build("TOKEN = abc=def\n\n# note\nOTHER=xyz", "hook-key-123");
        let shown = redact_build(&stored);
        let json = serde_json::to_string(&shown).unwrap();
        for secret in ["abc=def", "xyz", "hook-key-123"] {
            assert!(!json.contains(secret), "{secret} leaked: {json}");
        }
        assert_eq!(
            shown.config.secret_args,
            "TOKEN=<TOKEN>\n\n# note\nOTHER=<OTHER>"
        );
        assert_eq!(shown.config.webhook_secret, HIDDEN_SECRET);
    }

    #[test]
    fn placeholders_come_back_as_the_stored_values() {
        let stored = build("TOKEN=abc=def\nOTHER=xyz", "hook-key-123");
        let restored = restore_build(redact_build(&stored), &stored);
        assert_eq!(restored.config.secret_args, "TOKEN=abc=def\nOTHER=xyz");
        assert_eq!(restored.config.webhook_secret, "hook-key-123");
    }

    #[test]
    fn edited_and_new_lines_are_taken_as_written() {
        let stored = build("TOKEN=abc\nOTHER=xyz", "");
        let incoming = build(
            "TOKEN=changed\nOTHER=<OTHER>\nNEW=<NEW>\nRENAMED=<TOKEN>",
            "",
        );
        let restored = restore_build(incoming, &stored);
        assert_eq!(
            restored.config.secret_args,
            "TOKEN=changed\nOTHER=xyz\nNEW=<NEW>\nRENAMED=<TOKEN>"
        );
    }

    #[test]
    fn webhook_secret_can_be_replaced_or_cleared() {
        let stored = build("", "old-key");
        assert_eq!(
            restore_build(build("", "new-key"), &stored)
                .config
                .webhook_secret,
            "new-key"
        );
        assert_eq!(
            restore_build(build("", ""), &stored).config.webhook_secret,
            ""
        );
        assert_eq!(redact_build(&build("", "")).config.webhook_secret, "");
    }

    #[test]
    fn a_line_without_equals_is_hidden_whole() {
        assert_eq!(redact_secret_args("just-a-secret"), HIDDEN_SECRET);
    }
}
