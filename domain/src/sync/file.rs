use crate::{Alerter, Build, Builder, Repo, ResourceName};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;

/// The resources of one sync file, as read by [`parse`](super::parse).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncFile {
    pub builds: Vec<Build>,
    pub builders: Vec<Builder>,
    pub variables: Vec<VariableEntry>,
    pub repos: Vec<Repo>,
    pub git_accounts: Vec<AccountEntry>,
    pub registry_accounts: Vec<AccountEntry>,
    /// Alerters; an empty `endpoint.params.url` keeps the current URL.
    pub alerters: Vec<Alerter>,
    /// What was read but ignored (Komodo-only keys and resource kinds).
    pub warnings: Vec<String>,
    /// The builds whose entry has no `config.version` (Komodo's exports
    /// leave it out): applying the file keeps their stored version.
    pub builds_without_version: BTreeSet<String>,
    /// `[[user_group]]` entries (applied by admins only, after the
    /// resources).
    pub user_groups: Vec<super::UserGroupEntry>,
}

/// A `[[variable]]`. Without `value` the current value is kept.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableEntry {
    pub name: ResourceName,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub is_secret: bool,
}

/// A `[[git_account]]` or `[[registry_account]]`. Without `token` the
/// current token is kept.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    pub domain: String,
    pub username: String,
    #[serde(default)]
    pub token: Option<String>,
}

impl fmt::Debug for VariableEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match (&self.value, self.is_secret) {
            (Some(_), true) => Some("<redacted>"),
            (Some(value), false) => Some(value.as_str()),
            (None, _) => None,
        };
        f.debug_struct("VariableEntry")
            .field("name", &self.name)
            .field("value", &value)
            .field("description", &self.description)
            .field("is_secret", &self.is_secret)
            .finish()
    }
}

impl fmt::Debug for AccountEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountEntry")
            .field("domain", &self.domain)
            .field("username", &self.username)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}
