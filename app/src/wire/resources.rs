use kiln_domain::sync::Change;
use serde::{Deserialize, Serialize};

/// A variable as the browser sees it: secret values never leave the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableView {
    pub name: String,
    /// `None` for secret variables.
    pub value: Option<String>,
    pub description: String,
    pub is_secret: bool,
}

/// A git or registry account as the browser sees it: no token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub domain: String,
    pub username: String,
    pub has_token: bool,
}

/// What a sync dry run or apply found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncAnswer {
    pub applied: bool,
    pub dry_run: bool,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
}
