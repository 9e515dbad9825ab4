use kiln_domain::{parse_env_lines, EnvLine, EnvLineError};

fn line(key: &str, value: &str, line: usize) -> EnvLine {
    EnvLine {
        key: key.to_string(),
        value: value.to_string(),
        line,
    }
}

fn error_of(text: &str) -> String {
    parse_env_lines(text)
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn parses_keys_and_values_with_line_numbers() {
    let text = "# toolchain\nRUST_VERSION = 1.82\n\n  APP_ENV=production  \nFEATURES = a=b,c\nlabel.with-dash_1=x\nEMPTY=\n";
    assert_eq!(
        parse_env_lines(text),
        Ok(vec![
            line("RUST_VERSION", "1.82", 2),
            line("APP_ENV", "production", 4),
            line("FEATURES", "a=b,c", 5),
            line("label.with-dash_1", "x", 6),
            line("EMPTY", "", 7),
        ])
    );
}

#[test]
fn empty_text_and_comment_only_text_give_nothing() {
    assert_eq!(parse_env_lines(""), Ok(Vec::new()));
    assert_eq!(
        parse_env_lines("\n   \n# only a comment\n   # indented comment\n"),
        Ok(Vec::new())
    );
}

#[test]
fn handles_crlf_line_endings() {
    assert_eq!(
        parse_env_lines("A=1\r\nB=2\r\n"),
        Ok(vec![line("A", "1", 1), line("B", "2", 2)])
    );
}

#[test]
fn value_keeps_inner_spaces_and_interpolation() {
    assert_eq!(
        parse_env_lines("TOKEN = [[GITHUB_TOKEN]] and more"),
        Ok(vec![line("TOKEN", "[[GITHUB_TOKEN]] and more", 1)])
    );
}

#[test]
fn line_without_equals_is_an_error() {
    assert_eq!(
        error_of("A=1\n\nsecret-looking-value\n"),
        "line 3: missing '='"
    );
}

#[test]
fn yaml_style_colon_is_not_accepted() {
    assert_eq!(error_of("KEY: value"), "line 1: missing '='");
}

#[test]
fn empty_key_is_an_error() {
    assert_eq!(error_of("A=1\n = value"), "line 2: empty key before '='");
}

#[test]
fn key_with_whitespace_is_an_error() {
    assert_eq!(
        error_of("MY KEY = value"),
        "line 1: key 'MY KEY' contains whitespace"
    );
}

#[test]
fn key_with_other_characters_is_an_error() {
    assert_eq!(
        error_of("# x\nKEY$ = value"),
        "line 2: key 'KEY$' contains '$'; keys may only use letters, digits, '_', '.' and '-'"
    );
}

#[test]
fn error_never_repeats_the_value() {
    let error: EnvLineError = parse_env_lines("KEY$=hunter2").expect_err("bad key");
    assert_eq!(error.line, 1);
    assert!(!error.to_string().contains("hunter2"));
}
