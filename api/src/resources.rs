//! Variables, accounts and sync answers as the UI shows them.

use kiln_domain::access::Level;
use kiln_domain::sync::Change;
use serde::{Deserialize, Serialize};

/// The Variables page: every variable the user may read, their level on
/// each (in the same order; editing needs Write) and whether they may
/// create one (Write on every variable).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableList {
    pub variables: Vec<VariableView>,
    pub levels: Vec<Level>,
    pub can_create: bool,
}

/// One kind of account on the Accounts page, as [`VariableList`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub accounts: Vec<AccountView>,
    pub levels: Vec<Level>,
    pub can_create: bool,
}

/// A variable as the browser sees it: secret values never leave the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableView {
    pub name: String,
    /// `None` for secret variables.
    pub value: Option<String>,
    pub description: String,
    pub is_secret: bool,
    /// Its revision (a `PATCH` sends it back).
    #[serde(default)]
    pub revision: i64,
}

/// A git or registry account as the browser sees it: no token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub domain: String,
    pub username: String,
    pub has_token: bool,
    /// Its revision (a `PATCH` sends it back).
    #[serde(default)]
    pub revision: i64,
}

/// What a sync dry run or apply found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncAnswer {
    pub applied: bool,
    pub dry_run: bool,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}

/// Which kind of account: the Accounts page's two tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Git,
    Registry,
}

impl AccountKind {
    /// `git` or `registry`, as the UI names the kinds; anything else is
    /// refused with a sentence naming both.
    pub fn parse(kind: &str) -> Result<Self, String> {
        match kind {
            "git" => Ok(Self::Git),
            "registry" => Ok(Self::Registry),
            other => Err(format!("unknown account kind '{other}' (git or registry)")),
        }
    }
}
