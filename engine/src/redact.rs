//! Replaces secret values with `<NAME>` in everything the engine reports.

use base64::Engine as _;
use std::fmt;

/// The shortest encoded form matched (characters): a shorter base64 slice
/// would mask ordinary text.
const MIN_ENCODED_CHARS: usize = 8;

/// Secret values and the names that replace them.
///
/// Values are matched longest first, so a secret that contains another is
/// replaced whole. A multi-line value is also matched line by line, because
/// output reaches the sink one line at a time. Empty values are ignored.
/// Each value is also matched in the forms it commonly leaks in: base64
/// (standard and URL-safe, standalone and at any offset inside a longer
/// base64 text, such as the `user:token` of a Docker `auth`) and
/// percent-encoded (as in a URL or a form body).
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
                if piece.is_empty() {
                    continue;
                }
                let mut forms = vec![piece.to_string()];
                forms.extend(encoded_forms(piece));
                for form in forms {
                    if !self.entries.iter().any(|(known, _)| *known == form) {
                        self.entries.push((form, replacement.clone()));
                    }
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

/// The base64 and percent-encoded forms of `value` worth matching.
fn encoded_forms(value: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for engine in [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
    ] {
        // Standalone, padded.
        forms.push(engine.encode(value));
        // Inside a longer base64 text, the value starts 0, 1 or 2 bytes into
        // a 3-byte group; keep only the characters that depend on the value
        // alone (whole groups of its own bytes).
        for offset in 0..3usize {
            let mut bytes = vec![0u8; offset];
            bytes.extend_from_slice(value.as_bytes());
            let encoded = engine.encode(&bytes);
            let start = if offset == 0 { 0 } else { 4 };
            let end = bytes.len() / 3 * 4;
            if end > start {
                forms.push(encoded[start..end].to_string());
            }
        }
    }
    forms.push(percent_encode(value));
    let mut out: Vec<String> = forms
        .into_iter()
        .filter(|form| form.len() >= MIN_ENCODED_CHARS && form != value)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `value` with every byte but RFC 3986's unreserved characters as `%XX`.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
    fn base64_and_percent_encoded_forms_are_redacted() {
        let token = "ghp_s3cret/t0ken+value";
        let redactor = Redactor::new([("REGISTRY_TOKEN", token)]);
        let standalone = base64::engine::general_purpose::STANDARD.encode(token);
        assert_eq!(redactor.redact(&standalone), "<REGISTRY_TOKEN>");
        for user in ["a", "ab", "abc", "robot$ci"] {
            let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"));
            let shown = redactor.redact(&format!("\"auth\": \"{auth}\""));
            assert!(shown.contains("<REGISTRY_TOKEN>"), "{user}: {shown}");
            // What is left of the encoding cannot be decoded back to the token.
            assert!(!shown.contains(&auth), "{user}: {shown}");
        }
        assert_eq!(
            redactor.redact("https://x/?t=ghp_s3cret%2Ft0ken%2Bvalue&y=1"),
            "https://x/?t=<REGISTRY_TOKEN>&y=1"
        );
    }

    #[test]
    fn empty_values_are_ignored_and_debug_hides_values() {
        let redactor = Redactor::new([("EMPTY", ""), ("TOKEN", "hunter2")]);
        assert_eq!(redactor.redact("a b"), "a b");
        assert!(!format!("{redactor:?}").contains("hunter2"));
    }
}
