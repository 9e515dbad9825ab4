//! Writing TOML values by hand, so exports keep Komodo's layout and show
//! multiline text (build args, Dockerfiles) as multiline strings.

use std::fmt::Write;
use toml::{Table, Value};

/// Writes `prefix + key = value` for every entry of `table` that differs from
/// `default`, in the table's order; nested tables become dotted keys with
/// only their differing entries. Keys in `skip` are left out.
pub(super) fn write_fields(
    out: &mut String,
    prefix: &str,
    table: &Table,
    default: Option<&Table>,
    skip: &[&str],
) {
    for (key, value) in table {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let default_value = default.and_then(|default| default.get(key));
        if default_value == Some(value) {
            continue;
        }
        match value {
            Value::Table(inner) if !inner.is_empty() => {
                let nested = format!("{prefix}{}.", key_text(key));
                write_fields(
                    out,
                    &nested,
                    inner,
                    default_value.and_then(Value::as_table),
                    &[],
                );
            }
            _ => {
                let _ = writeln!(out, "{prefix}{} = {}", key_text(key), value_text(value));
            }
        }
    }
}

/// A key, bare when it can be.
pub(super) fn key_text(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        basic_string(key)
    }
}

/// A value as inline TOML.
pub(super) fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => string_text(text),
        Value::Integer(number) => number.to_string(),
        Value::Float(number) => format!("{number:?}"),
        Value::Boolean(flag) => flag.to_string(),
        Value::Datetime(datetime) => datetime.to_string(),
        Value::Array(items) => array_text(items),
        Value::Table(table) => {
            let entries: Vec<String> = table
                .iter()
                .map(|(key, value)| format!("{} = {}", key_text(key), value_text(value)))
                .collect();
            if entries.is_empty() {
                "{}".to_string()
            } else {
                format!("{{ {} }}", entries.join(", "))
            }
        }
    }
}

/// A string: multiline (literal when possible) if it has line breaks.
pub(crate) fn string_text(text: &str) -> String {
    if !text.contains('\n') {
        return basic_string(text);
    }
    let literal_ok = !text.contains("'''")
        && !text.ends_with('\'')
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if literal_ok {
        return format!("'''\n{text}'''");
    }
    let mut out = String::from("\"\"\"\n");
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            other => escape_into(&mut out, other),
        }
    }
    out.push_str("\"\"\"");
    out
}

/// Arrays longer than this are written one element per line.
const INLINE_ARRAY_MAX: usize = 80;

fn basic_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        escape_into(&mut out, c);
    }
    out.push('"');
    out
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push('\t'),
        '\r' => out.push_str("\\r"),
        c if c.is_control() => {
            let _ = write!(out, "\\u{:04X}", u32::from(c));
        }
        c => out.push(c),
    }
}

fn array_text(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(value_text).collect();
    let one_line = format!("[{}]", parts.join(", "));
    let multiline = parts.iter().any(|part| part.contains('\n'));
    let has_tables = items.iter().any(Value::is_table);
    if !multiline && !has_tables && one_line.len() <= INLINE_ARRAY_MAX {
        return one_line;
    }
    let mut out = String::from("[\n");
    for part in parts {
        let _ = writeln!(out, "  {part},");
    }
    out.push(']');
    out
}
