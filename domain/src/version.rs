//! A build's `major.minor.patch` version.
//!
//! Written as `"1.2.3"` (also `"1.2"`, `"1"` and a leading `v`) or, as Komodo
//! exports it, as a table `{ major = 1, minor = 2, patch = 3 }`. Always
//! serialized as the string `"1.2.3"`.

use serde::de::{self, value::MapAccessDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A `major.minor.patch` version. Ordered by major, then minor, then patch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// Why a version string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("invalid version '{input}': {reason}")]
    Invalid { input: String, reason: String },
}

impl Version {
    pub fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// Parses `"1.2.3"`, `"1.2"` or `"1"` (missing parts are 0), with an
    /// optional leading `v`. Anything else (spaces, signs, pre-release
    /// suffixes, more than three parts) is refused.
    pub fn parse(input: &str) -> Result<Version, VersionError> {
        let invalid = |reason: String| VersionError::Invalid {
            input: input.to_string(),
            reason,
        };
        let body = input.strip_prefix('v').unwrap_or(input);
        if body.is_empty() {
            return Err(invalid(
                "expected MAJOR[.MINOR[.PATCH]], like 1.2.3".to_string(),
            ));
        }
        let parts: Vec<&str> = body.split('.').collect();
        if parts.len() > 3 {
            return Err(invalid(format!(
                "expected at most 3 numbers separated by '.', found {}",
                parts.len()
            )));
        }
        let mut numbers = [0u32; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            *slot = parse_number(part).map_err(invalid)?;
        }
        let [major, minor, patch] = numbers;
        Ok(Version {
            major,
            minor,
            patch,
        })
    }

    /// The next patch version (`1.2.3` → `1.2.4`). Saturates at `u32::MAX`.
    pub fn bump_patch(self) -> Version {
        Version {
            patch: self.patch.saturating_add(1),
            ..self
        }
    }
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(VersionVisitor)
    }
}

fn parse_number(part: &str) -> Result<u32, String> {
    if part.is_empty() {
        return Err("empty number (two dots in a row, or a leading or trailing dot)".to_string());
    }
    if let Some(c) = part.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!("'{part}' is not a number ('{c}' is not a digit)"));
    }
    part.parse::<u32>()
        .map_err(|_| format!("'{part}' is too large"))
}

/// Komodo's table form; missing keys are 0.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct VersionTable {
    major: u32,
    minor: u32,
    patch: u32,
}

struct VersionVisitor;

impl<'de> Visitor<'de> for VersionVisitor {
    type Value = Version;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a version string like \"1.2.3\" or a table { major, minor, patch }")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Version, E> {
        Version::parse(v).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Version, A::Error> {
        let table = VersionTable::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Version {
            major: table.major,
            minor: table.minor,
            patch: table.patch,
        })
    }
}
