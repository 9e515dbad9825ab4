use crate::{Alerter, Build, Builder, GitAccount, RegistryAccount, Repo, Variable};
use serde::{Deserialize, Serialize};

/// Every resource Kiln manages, as one value: what validation checks as a
/// whole and what sync compares against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub builds: Vec<Build>,
    pub builders: Vec<Builder>,
    pub variables: Vec<Variable>,
    pub git_accounts: Vec<GitAccount>,
    pub registry_accounts: Vec<RegistryAccount>,
    pub repos: Vec<Repo>,
    #[serde(default)]
    pub alerters: Vec<Alerter>,
}
