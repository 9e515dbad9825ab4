use serde::{Deserialize, Serialize};
use std::fmt;

/// The name of a resource (build, builder, variable, repo). Unique per kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResourceName(String);

/// Why a resource name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name must not be empty")]
    Empty,
    #[error("name '{0}' is longer than 128 characters")]
    TooLong(String),
    #[error("name '{0}' has leading or trailing spaces")]
    Untrimmed(String),
    #[error("name '{0}' contains '{1}', which is not allowed in names")]
    BadChar(String, char),
}

impl ResourceName {
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, NameError> {
        if raw.is_empty() {
            return Err(NameError::Empty);
        }
        if raw.trim() != raw {
            return Err(NameError::Untrimmed(raw.to_string()));
        }
        if raw.chars().count() > Self::MAX_LEN {
            return Err(NameError::TooLong(raw.to_string()));
        }
        if let Some(c) = raw
            .chars()
            .find(|c| c.is_control() || matches!(c, '/' | '\\' | '?' | '#' | '%'))
        {
            return Err(NameError::BadChar(raw.to_string(), c));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ResourceName {
    type Error = NameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ResourceName> for String {
    fn from(value: ResourceName) -> Self {
        value.0
    }
}

impl fmt::Display for ResourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
