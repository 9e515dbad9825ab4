//! `[[NAME]]` placeholders: variables first, then secrets.
//!
//! A placeholder is `[[` + 1 to 128 characters other than whitespace, `[`
//! and `]` + `]]`, so shell tests like `[[ -f x ]]` are left alone. A name
//! that is neither a variable nor a secret fails the run. `[[VERSION]]` is
//! the version being built unless a variable named `VERSION` exists.

use std::collections::HashMap;

use kiln_domain::placeholder::placeholders;
use kiln_domain::{Variable, Version};

/// Replaces placeholders and remembers which names were used, for the
/// "Interpolate Variables" and "Interpolate Secrets" stages.
pub(crate) struct Interpolator {
    variables: HashMap<String, String>,
    secrets: HashMap<String, String>,
    used_variables: Vec<String>,
    used_secrets: Vec<String>,
}

impl Interpolator {
    pub(crate) fn new(variables: &[Variable], version: &Version) -> Self {
        let mut plain = HashMap::new();
        let mut secrets = HashMap::new();
        for variable in variables {
            let map = if variable.is_secret {
                &mut secrets
            } else {
                &mut plain
            };
            map.insert(
                variable.name.as_str().to_string(),
                variable.value.expose().to_string(),
            );
        }
        if !plain.contains_key(VERSION) && !secrets.contains_key(VERSION) {
            plain.insert(VERSION.to_string(), version.to_string());
        }
        Self {
            variables: plain,
            secrets,
            used_variables: Vec::new(),
            used_secrets: Vec::new(),
        }
    }

    /// Interpolates `text` found in `field` (named in error messages).
    /// Without `with_secrets`, secret placeholders stay as written.
    pub(crate) fn apply(
        &mut self,
        text: &str,
        field: &str,
        with_secrets: bool,
    ) -> Result<String, String> {
        let mut used = Vec::new();
        let after_variables = replace(text, |name| {
            let value = self.variables.get(name)?;
            used.push(name.to_string());
            Some(value.clone())
        });
        for name in used.drain(..) {
            remember(&mut self.used_variables, name);
        }
        if let Some(unknown) =
            placeholders(&after_variables).find(|p| !self.secrets.contains_key(p.name))
        {
            return Err(format!(
                "unknown variable [[{}]] in {field}: no variable or secret has that name",
                unknown.name
            ));
        }
        if !with_secrets {
            return Ok(after_variables);
        }
        let out = replace(&after_variables, |name| {
            let value = self.secrets.get(name)?;
            used.push(name.to_string());
            Some(value.clone())
        });
        for name in used {
            remember(&mut self.used_secrets, name);
        }
        Ok(out)
    }

    /// `[[NAME]] => value` for each variable used, in first-use order.
    pub(crate) fn variables_report(&self) -> Vec<String> {
        self.used_variables
            .iter()
            .map(|name| {
                let value = self.variables.get(name).map_or("", String::as_str);
                format!("[[{name}]] => {value}")
            })
            .collect()
    }

    /// `[[NAME]] => <NAME>` for each secret used (values never shown).
    pub(crate) fn secrets_report(&self) -> Vec<String> {
        self.used_secrets
            .iter()
            .map(|name| format!("[[{name}]] => <{name}>"))
            .collect()
    }
}

/// The built-in variable holding the version being built.
const VERSION: &str = "VERSION";

fn remember(list: &mut Vec<String>, name: String) {
    if !list.contains(&name) {
        list.push(name);
    }
}

/// Replaces each placeholder for which `value` answers.
fn replace(text: &str, mut value: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for placeholder in placeholders(text) {
        if let Some(replacement) = value(placeholder.name) {
            out.push_str(&text[last..placeholder.start]);
            out.push_str(&replacement);
            last = placeholder.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_domain::{ResourceName, Secret};

    fn variable(name: &str, value: &str, is_secret: bool) -> Variable {
        Variable {
            name: ResourceName::parse(name).expect("name"),
            value: Secret::new(value),
            description: String::new(),
            is_secret,
        }
    }

    fn interpolator() -> Interpolator {
        Interpolator::new(
            &[
                variable("HOST", "db.local", false),
                variable("PASS", "hunter2", true),
                variable("NESTED", "[[PASS]]", false),
            ],
            &Version::new(1, 2, 3),
        )
    }

    #[test]
    fn variables_then_secrets() {
        let mut i = interpolator();
        let out = i
            .apply("[[HOST]]:[[PASS]] v[[VERSION]] [[NESTED]]", "f", true)
            .expect("known names");
        assert_eq!(out, "db.local:hunter2 v1.2.3 hunter2");
        assert_eq!(
            i.variables_report(),
            [
                "[[HOST]] => db.local",
                "[[VERSION]] => 1.2.3",
                "[[NESTED]] => [[PASS]]"
            ]
        );
        assert_eq!(i.secrets_report(), ["[[PASS]] => <PASS>"]);
    }

    #[test]
    fn secrets_can_be_left_out() {
        let mut i = interpolator();
        let out = i
            .apply("[[HOST]] [[PASS]]", "build_args", false)
            .expect("ok");
        assert_eq!(out, "db.local [[PASS]]");
        assert!(i.secrets_report().is_empty());
    }

    #[test]
    fn unknown_names_fail_and_shell_tests_are_ignored() {
        let mut i = interpolator();
        let error = i
            .apply("a [[MISSING]] b", "labels (team)", true)
            .unwrap_err();
        assert_eq!(
            error,
            "unknown variable [[MISSING]] in labels (team): no variable or secret has that name"
        );
        let out = i
            .apply("if [[ -f x ]]; then [[[HOST]]]; fi", "f", true)
            .expect("not placeholders");
        assert_eq!(out, "if [[ -f x ]]; then [db.local]; fi");
    }
}
