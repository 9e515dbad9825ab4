//! The multiline `KEY=value` text of `build_args`, `secret_args` and `labels`.
//!
//! Komodo's rules: blank lines and lines starting with `#` (after trimming)
//! are skipped; spaces around `=` are trimmed; the value is everything after
//! the first `=` (so it may contain `=`). Kiln refuses, rather than guesses
//! at, a line without `=`, an empty key, or a key with characters other than
//! letters, digits, `_`, `.` and `-`. Error messages never repeat a value:
//! `secret_args` values are secrets.

/// One `KEY=value` line. `line` is 1-based within the field's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvLine {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// A line that is not `KEY=value`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct EnvLineError {
    pub line: usize,
    pub message: String,
}

/// Parses the whole text; stops at the first bad line.
pub fn parse_env_lines(text: &str) -> Result<Vec<EnvLine>, EnvLineError> {
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            return Err(EnvLineError {
                line,
                message: "missing '='".to_string(),
            });
        };
        let key = key.trim();
        check_key(key).map_err(|message| EnvLineError { line, message })?;
        out.push(EnvLine {
            key: key.to_string(),
            value: value.trim().to_string(),
            line,
        });
    }
    Ok(out)
}

fn check_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("empty key before '='".to_string());
    }
    if key.chars().any(char::is_whitespace) {
        return Err(format!("key '{key}' contains whitespace"));
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "key '{key}' contains '{c}'; keys may only use letters, digits, '_', '.' and '-'"
        ));
    }
    Ok(())
}
