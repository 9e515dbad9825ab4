use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of resource a sync file manages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    Build,
    Builder,
    Variable,
    Repo,
    GitAccount,
    RegistryAccount,
    Alerter,
}

impl ResourceKind {
    /// Every kind, in the order a sync file lists them.
    pub const ALL: [ResourceKind; 7] = [
        Self::Build,
        Self::Builder,
        Self::Variable,
        Self::Repo,
        Self::GitAccount,
        Self::RegistryAccount,
        Self::Alerter,
    ];

    /// The kind named by [`ResourceKind::as_str`] (`"git_account"`) or by
    /// Komodo's type name (`"Build"`, `"GitAccount"`), any case; None
    /// otherwise.
    pub fn parse(text: &str) -> Option<Self> {
        let flat: String = text.trim().chars().filter(|c| *c != '_').collect();
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().replace('_', "").eq_ignore_ascii_case(&flat))
    }

    /// `"build"`, `"builder"`, `"variable"`, `"repo"`, `"git_account"`,
    /// `"registry_account"` or `"alerter"`: the TOML array name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Build => "build",
            Self::Builder => "builder",
            Self::Variable => "variable",
            Self::Repo => "repo",
            Self::GitAccount => "git_account",
            Self::RegistryAccount => "registry_account",
            Self::Alerter => "alerter",
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
