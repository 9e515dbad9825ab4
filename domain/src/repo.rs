use crate::ResourceName;
use serde::{Deserialize, Serialize};

/// A git repository that builds can link to with `linked_repo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repo {
    pub name: ResourceName,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub config: RepoConfig,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RepoConfig {
    pub git_provider: String,
    pub git_https: bool,
    pub repo: String,
    pub branch: String,
    pub git_account: String,
}

impl Default for RepoConfig {
    fn default() -> Self {
        Self {
            git_provider: "github.com".to_string(),
            git_https: true,
            repo: String::new(),
            branch: "main".to_string(),
            git_account: String::new(),
        }
    }
}
