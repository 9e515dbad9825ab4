//! Parser messages without the input they quote. toml prints the offending
//! line of the file under its message, and serde names a wrongly typed
//! string by its value (`invalid type: string "NPM_TOKEN=…"`); either may be
//! a secret the request carried (a sync file, a build as JSON). Every door
//! that passes on a parser's message passes it through [`hide_input`].

/// `message` without toml's source excerpt (the `|` gutter lines) and with
/// every serde `string "…"` replaced by `a string`; line and column stay.
pub fn hide_input(message: &str) -> String {
    let lines: Vec<String> = message
        .lines()
        .filter(|line| !is_excerpt(line))
        .map(hide_strings)
        .collect();
    lines.join("\n")
}

/// toml's excerpt: `  |`, `4 | text` and `  |    ^`.
fn is_excerpt(line: &str) -> bool {
    line.split_once('|')
        .is_some_and(|(gutter, _)| gutter.trim().chars().all(|c| c.is_ascii_digit()))
}

/// Every `string "…"` (serde's `Unexpected::Str`, Debug-quoted) as `a string`.
fn hide_strings(line: &str) -> String {
    const OPEN: &str = "string \"";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let quoted = &rest[start + OPEN.len()..];
        let mut escaped = false;
        let end = quoted.char_indices().find_map(|(i, c)| match c {
            _ if escaped => {
                escaped = false;
                None
            }
            '\\' => {
                escaped = true;
                None
            }
            '"' => Some(i),
            _ => None,
        });
        out.push_str("a string");
        // An unterminated quote hides the rest of the line.
        rest = end.map_or("", |end| &quoted[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::hide_input;

    #[test]
    fn toml_excerpts_and_serde_strings_are_hidden() {
        let toml = "TOML parse error at line 4, column 46\n  |\n4 | secret_args = \"NPM_TOKEN=s3cret\n  |                                              ^\ninvalid basic string";
        assert_eq!(
            hide_input(toml),
            "TOML parse error at line 4, column 46\ninvalid basic string"
        );
        let serde = "config.secret_args[0]: invalid type: string \"NPM_TOKEN=s3\\\"cret\", expected struct EnvVar at line 1 column 81";
        assert_eq!(
            hide_input(serde),
            "config.secret_args[0]: invalid type: a string, expected struct EnvVar at line 1 column 81"
        );
        assert_eq!(
            hide_input("invalid value: string \"s3cret"),
            "invalid value: a string"
        );
        let plain = "build 'api': config.include_latest_tag: no tags to apply";
        assert_eq!(hide_input(plain), plain);
    }
}
