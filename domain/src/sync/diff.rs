//! Which fields of a resource changed, as dotted paths (`config.version`,
//! `config.params.region`), in field order. Values are compared but never
//! reported.

use serde::Serialize;
use toml::Value;

/// The dotted paths where `old` and `new` differ: tables are compared key
/// by key, anything else (strings, lists) as a whole.
pub(super) fn changed_fields<T: Serialize>(old: &T, new: &T) -> Vec<String> {
    let mut out = Vec::new();
    match (Value::try_from(old), Value::try_from(new)) {
        (Ok(old), Ok(new)) => walk("", Some(&old), Some(&new), &mut out),
        _ => out.push("(unknown fields)".to_string()),
    }
    out
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<String>) {
    if old == new {
        return;
    }
    if let (Some(Value::Table(old)), Some(Value::Table(new))) = (old, new) {
        let keys = old
            .keys()
            .chain(new.keys().filter(|key| !old.contains_key(*key)));
        for key in keys {
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            walk(&child, old.get(key), new.get(key), out);
        }
    } else {
        out.push(if path.is_empty() {
            "(all)".to_string()
        } else {
            path.to_string()
        });
    }
}
