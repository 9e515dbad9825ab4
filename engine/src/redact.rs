//! Replaces secret values with `<NAME>` in everything the engine reports.

use std::fmt;

/// Secret values and the names that replace them.
///
/// Values are matched longest first, so a secret that contains another is
/// replaced whole. A multi-line value is also matched line by line, because
/// output reaches the sink one line at a time. Empty values are ignored.
#[derive(Clone, Default)]
pub struct Redactor {
    /// (value, `<NAME>`), longest value first, each value once.
    entries: Vec<(String, String)>,
}

impl Redactor {
    /// Builds a redactor from `(name, value)` pairs. When two names share a
    /// value, the first one given names it.
    pub fn new<I, N, V>(secrets: I) -> Self
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let mut redactor = Redactor::default();
        redactor.extend(secrets);
        redactor
    }

    /// Adds more `(name, value)` pairs.
    pub fn extend<I, N, V>(&mut self, secrets: I)
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<str>,
    {
        for (name, value) in secrets {
            let value = value.as_ref();
            let replacement = format!("<{}>", name.as_ref());
            let mut pieces = vec![value];
            if value.contains('\n') {
                pieces.extend(value.lines().map(|line| line.trim_end_matches('\r')));
            }
            for piece in pieces {
                if !piece.is_empty() && !self.entries.iter().any(|(known, _)| known == piece) {
                    self.entries.push((piece.to_string(), replacement.clone()));
                }
            }
        }
        self.entries
            .sort_by(|(a, _), (b, _)| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    }

    /// `text` with every secret value replaced by its `<NAME>`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (value, replacement) in &self.entries {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), replacement);
            }
        }
        out
    }

    /// True when there is nothing to redact.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.entries.iter().map(|(_, name)| name.as_str()).collect();
        f.debug_struct("Redactor").field("names", &names).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_value_wins_and_names_replace_values() {
        let redactor = Redactor::new([("SHORT", "abc"), ("LONG", "abcdef")]);
        assert_eq!(redactor.redact("x abcdef y abc"), "x <LONG> y <SHORT>");
    }

    #[test]
    fn multi_line_values_are_redacted_line_by_line() {
        let redactor = Redactor::new([("KEY", "line-one\nline-two")]);
        assert_eq!(redactor.redact("got line-two"), "got <KEY>");
        assert_eq!(redactor.redact("line-one\nline-two"), "<KEY>");
    }

    #[test]
    fn empty_values_are_ignored_and_debug_hides_values() {
        let redactor = Redactor::new([("EMPTY", ""), ("TOKEN", "hunter2")]);
        assert_eq!(redactor.redact("a b"), "a b");
        assert!(!format!("{redactor:?}").contains("hunter2"));
    }
}
