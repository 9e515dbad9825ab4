//! The agent's own config file. Its variables and accounts never leave
//! this host: they are merged into each job the server sends.

use std::path::{Path, PathBuf};

use anyhow::Context;
use kiln_domain::{GitAccount, RegistryAccount, Variable};
use serde::Deserialize;

/// Everything the config file may say; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentConfig {
    /// Run directories, clone caches and the TLS certificate
    /// (default `/var/lib/kiln-agent`).
    pub data_dir: Option<PathBuf>,
    /// Root for relative `build_path`s of files-on-host builds
    /// (default `<data_dir>/host-builds`).
    pub builds_root: Option<PathBuf>,
    pub docker: DockerConfig,
    /// Variables and secrets for `[[NAME]]`; they win over the server's
    /// variables of the same name.
    #[serde(rename = "variable")]
    pub variables: Vec<Variable>,
    /// Registry credentials; they replace the server's for the same
    /// domain and username, or add to them.
    #[serde(rename = "registry_account")]
    pub registry_accounts: Vec<RegistryAccount>,
    /// Git credentials, matched like registry accounts.
    #[serde(rename = "git_account")]
    pub git_accounts: Vec<GitAccount>,
}

/// How builds on this host reach Docker.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DockerConfig {
    /// `unix:///…` or `tcp://…`; default `DOCKER_HOST`, else the default socket.
    pub host: Option<String>,
    /// A docker CLI that builds with BuildKit; default: found on this host.
    pub cli: Option<PathBuf>,
    /// Added to every `docker build` on this host (e.g. `--network none`).
    pub extra_args: Vec<String>,
}

impl AgentConfig {
    /// Reads `path`, or the defaults without a path.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in the config file {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config_parses_and_hides_secrets_from_debug() {
        let config: AgentConfig = toml::from_str(
            r#"
builds_root = "/srv/builds"
[docker]
extra_args = ["--network", "none"]
[[variable]]
name = "NPM_TOKEN"
value = "npm-secret-4410"
is_secret = true
[[registry_account]]
domain = "ghcr.io"
username = "acme"
token = "ghcr-secret-9921"
"#,
        )
        .expect("parses");
        assert_eq!(config.docker.extra_args, ["--network", "none"]);
        assert_eq!(config.variables[0].value.expose(), "npm-secret-4410");
        let shown = format!("{config:?}");
        assert!(!shown.contains("npm-secret-4410") && !shown.contains("ghcr-secret-9921"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let error = toml::from_str::<AgentConfig>("bulids_root = \"/x\"").unwrap_err();
        assert!(error.to_string().contains("bulids_root"), "{error}");
    }
}
