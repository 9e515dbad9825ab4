//! The alternative value forms Komodo accepts for some fields, so its files
//! import unchanged.

use serde::de::{self, value::SeqAccessDeserializer, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// A list of strings, or (Komodo's form) one string with one entry per line
/// and/or separated by commas; blank lines, `#` lines and ` #` comments at
/// the end of a line are dropped.
pub(crate) fn string_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<String>, D::Error> {
    deserializer.deserialize_any(StringListVisitor)
}

/// `KEY=value` text as a string, or (older Komodo exports) a list of
/// `{ variable, value }` tables, turned into the same text.
pub(crate) fn env_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(EnvTextVisitor)
}

fn split_string_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split(" #").next().unwrap_or(line))
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_string)
        .collect()
}

struct StringListVisitor;

impl<'de> Visitor<'de> for StringListVisitor {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of strings or one string with one entry per line")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(split_string_list(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Vec::<String>::deserialize(SeqAccessDeserializer::new(seq))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvVar {
    variable: String,
    #[serde(default)]
    value: String,
}

struct EnvTextVisitor;

impl<'de> Visitor<'de> for EnvTextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("KEY=value lines as a string, or a list of { variable, value } tables")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let vars = Vec::<EnvVar>::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(vars
            .iter()
            .map(|var| format!("{}={}\n", var.variable, var.value))
            .collect())
    }
}
