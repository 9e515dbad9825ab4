//! The file layout as toml reads it: Kiln's fields plus every Komodo key
//! that is accepted but ignored (as `Option<IgnoredAny>`, so its presence
//! can be reported). Everything else is refused by `deny_unknown_fields`,
//! with toml's line and column.

use super::file::{AccountEntry, VariableEntry};
use crate::builder_tagged::{deserialize_tagged, Tagged};
use crate::{AwsBuilderConfig, BuildConfig, LocalBuilderConfig, RepoConfig, ResourceName, Secret};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default, alias = "builds")]
    pub build: Vec<RawResource<BuildConfig>>,
    #[serde(default, alias = "builders")]
    pub builder: Vec<RawResource<RawBuilderConfig>>,
    #[serde(default, alias = "variables")]
    pub variable: Vec<VariableEntry>,
    #[serde(default, alias = "repos")]
    pub repo: Vec<RawResource<RawRepoConfig>>,
    #[serde(default, alias = "git_accounts")]
    pub git_account: Vec<AccountEntry>,
    #[serde(default, alias = "registry_accounts")]
    pub registry_account: Vec<AccountEntry>,
    #[serde(default, alias = "servers")]
    pub server: Vec<IgnoredAny>,
    #[serde(default, alias = "deployments")]
    pub deployment: Vec<IgnoredAny>,
    #[serde(default, alias = "stacks")]
    pub stack: Vec<IgnoredAny>,
    #[serde(default, alias = "procedures")]
    pub procedure: Vec<IgnoredAny>,
    #[serde(default, alias = "actions")]
    pub action: Vec<IgnoredAny>,
    #[serde(default, alias = "alerters")]
    pub alerter: Vec<RawResource<RawAlerterConfig>>,
    #[serde(default, alias = "resource_syncs")]
    pub resource_sync: Vec<IgnoredAny>,
    #[serde(default, alias = "user_groups")]
    pub user_group: Vec<super::user_group::RawUserGroup>,
    #[serde(default, alias = "server_templates")]
    pub server_template: Vec<IgnoredAny>,
    #[serde(default, alias = "swarms")]
    pub swarm: Vec<IgnoredAny>,
}

impl RawFile {
    /// The Komodo resource kinds Kiln skips, with how many entries each had.
    pub fn ignored_kinds(&self) -> [(&'static str, usize); 8] {
        [
            ("server", self.server.len()),
            ("deployment", self.deployment.len()),
            ("stack", self.stack.len()),
            ("procedure", self.procedure.len()),
            ("action", self.action.len()),
            ("resource_sync", self.resource_sync.len()),
            ("server_template", self.server_template.len()),
            ("swarm", self.swarm.len()),
        ]
    }
}

/// A `[[build]]`, `[[builder]]` or `[[repo]]` entry.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    bound(deserialize = "C: Deserialize<'de> + Default")
)]
pub(super) struct RawResource<C> {
    pub name: ResourceName,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub config: C,
    #[serde(default)]
    template: Option<IgnoredAny>,
    #[serde(default)]
    deploy: Option<IgnoredAny>,
    #[serde(default)]
    after: Option<IgnoredAny>,
    #[serde(default)]
    base_permission: Option<IgnoredAny>,
}

impl<C> RawResource<C> {
    /// The Komodo resource keys present but ignored.
    pub fn ignored_keys(&self) -> Vec<&'static str> {
        present(&[
            ("template", self.template.is_some()),
            ("deploy", self.deploy.is_some()),
            ("after", self.after.is_some()),
            ("base_permission", self.base_permission.is_some()),
        ])
    }
}

/// `[builder.config]`: `type` plus `params`, read with the Komodo-tolerant
/// parameter types below. Missing: a Local builder.
pub(super) struct RawBuilderConfig(pub Tagged<LocalBuilderConfig, RawServerParams, RawAwsParams>);

impl Default for RawBuilderConfig {
    fn default() -> Self {
        Self(Tagged::Local(LocalBuilderConfig::default()))
    }
}

impl<'de> Deserialize<'de> for RawBuilderConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_tagged(deserializer).map(Self)
    }
}

/// Params of `type = "Server"` (Kiln's, or Komodo's `server_id`) and of
/// Komodo's `type = "Url"`.
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawServerParams {
    pub address: Option<String>,
    pub passkey: Secret,
    pub cert_fingerprint: String,
    #[serde(alias = "server")]
    pub server_id: String,
    pub allow_build_host_powers: bool,
    pub allow_host_network: bool,
    periphery_public_key: Option<IgnoredAny>,
    insecure_tls: Option<IgnoredAny>,
}

impl RawServerParams {
    pub fn ignored_keys(&self) -> Vec<&'static str> {
        present(&[
            ("periphery_public_key", self.periphery_public_key.is_some()),
            ("insecure_tls", self.insecure_tls.is_some()),
        ])
    }
}

/// Params of `type = "Aws"`: Kiln's, plus Komodo's that Kiln ignores.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawAwsParams {
    region: String,
    instance_type: String,
    ami_id: String,
    subnet_id: String,
    key_pair_name: String,
    assign_public_ip: bool,
    use_public_ip: bool,
    #[serde(deserialize_with = "crate::serde_forms::string_list")]
    security_group_ids: Vec<String>,
    user_data: String,
    volume_gb: u32,
    port: u16,
    allow_build_host_powers: bool,
    allow_host_network: bool,
    use_https: Option<IgnoredAny>,
    periphery_public_key: Option<IgnoredAny>,
    insecure_tls: Option<IgnoredAny>,
    git_providers: Option<IgnoredAny>,
    docker_registries: Option<IgnoredAny>,
    secrets: Option<IgnoredAny>,
}

impl Default for RawAwsParams {
    fn default() -> Self {
        let AwsBuilderConfig {
            region,
            instance_type,
            ami_id,
            subnet_id,
            key_pair_name,
            assign_public_ip,
            use_public_ip,
            security_group_ids,
            user_data,
            volume_gb,
            port,
            allow_build_host_powers,
            allow_host_network,
        } = AwsBuilderConfig::default();
        Self {
            region,
            instance_type,
            ami_id,
            subnet_id,
            key_pair_name,
            assign_public_ip,
            use_public_ip,
            security_group_ids,
            user_data,
            volume_gb,
            port,
            allow_build_host_powers,
            allow_host_network,
            use_https: None,
            periphery_public_key: None,
            insecure_tls: None,
            git_providers: None,
            docker_registries: None,
            secrets: None,
        }
    }
}

impl RawAwsParams {
    pub fn ignored_keys(&self) -> Vec<&'static str> {
        present(&[
            ("use_https", self.use_https.is_some()),
            ("periphery_public_key", self.periphery_public_key.is_some()),
            ("insecure_tls", self.insecure_tls.is_some()),
            ("git_providers", self.git_providers.is_some()),
            ("docker_registries", self.docker_registries.is_some()),
            ("secrets", self.secrets.is_some()),
        ])
    }

    pub fn into_config(self) -> AwsBuilderConfig {
        AwsBuilderConfig {
            region: self.region,
            instance_type: self.instance_type,
            ami_id: self.ami_id,
            subnet_id: self.subnet_id,
            key_pair_name: self.key_pair_name,
            assign_public_ip: self.assign_public_ip,
            use_public_ip: self.use_public_ip,
            security_group_ids: self.security_group_ids,
            user_data: self.user_data,
            volume_gb: self.volume_gb,
            port: self.port,
            allow_build_host_powers: self.allow_build_host_powers,
            allow_host_network: self.allow_host_network,
        }
    }
}

/// `[repo.config]`: Kiln's fields plus Komodo's that Kiln ignores.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawRepoConfig {
    git_provider: String,
    git_https: bool,
    repo: String,
    branch: String,
    git_account: String,
    #[serde(alias = "server")]
    server_id: Option<IgnoredAny>,
    #[serde(alias = "builder")]
    builder_id: Option<IgnoredAny>,
    commit: Option<IgnoredAny>,
    path: Option<IgnoredAny>,
    on_clone: Option<IgnoredAny>,
    on_pull: Option<IgnoredAny>,
    links: Option<IgnoredAny>,
    webhook_enabled: Option<IgnoredAny>,
    webhook_secret: Option<IgnoredAny>,
    environment: Option<IgnoredAny>,
    env_file_path: Option<IgnoredAny>,
    skip_secret_interp: Option<IgnoredAny>,
}

impl Default for RawRepoConfig {
    fn default() -> Self {
        let RepoConfig {
            git_provider,
            git_https,
            repo,
            branch,
            git_account,
        } = RepoConfig::default();
        Self {
            git_provider,
            git_https,
            repo,
            branch,
            git_account,
            server_id: None,
            builder_id: None,
            commit: None,
            path: None,
            on_clone: None,
            on_pull: None,
            links: None,
            webhook_enabled: None,
            webhook_secret: None,
            environment: None,
            env_file_path: None,
            skip_secret_interp: None,
        }
    }
}

impl RawRepoConfig {
    pub fn ignored_keys(&self) -> Vec<&'static str> {
        present(&[
            ("server_id", self.server_id.is_some()),
            ("builder_id", self.builder_id.is_some()),
            ("commit", self.commit.is_some()),
            ("path", self.path.is_some()),
            ("on_clone", self.on_clone.is_some()),
            ("on_pull", self.on_pull.is_some()),
            ("links", self.links.is_some()),
            ("webhook_enabled", self.webhook_enabled.is_some()),
            ("webhook_secret", self.webhook_secret.is_some()),
            ("environment", self.environment.is_some()),
            ("env_file_path", self.env_file_path.is_some()),
            ("skip_secret_interp", self.skip_secret_interp.is_some()),
        ])
    }

    pub fn into_config(self) -> RepoConfig {
        RepoConfig {
            git_provider: self.git_provider,
            git_https: self.git_https,
            repo: self.repo,
            branch: self.branch,
            git_account: self.git_account,
        }
    }
}

/// `[alerter.config]` in Komodo's layout: the endpoint's `type` and `url`,
/// alert types and resource targets as written (mapped by `parse`).
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawAlerterConfig {
    pub enabled: bool,
    pub endpoint: RawEndpoint,
    pub alert_types: Vec<String>,
    pub resources: Vec<RawTarget>,
    pub except_resources: Vec<RawTarget>,
    maintenance_windows: Option<IgnoredAny>,
}

impl RawAlerterConfig {
    pub fn ignored_keys(&self) -> Vec<&'static str> {
        present(&[("maintenance_windows", self.maintenance_windows.is_some())])
    }
}

/// `endpoint = { type = "...", params = { url = "..." } }`; Komodo's
/// default type is `Custom`.
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawEndpoint {
    #[serde(rename = "type")]
    pub kind: String,
    pub params: RawEndpointParams,
}

impl Default for RawEndpoint {
    fn default() -> Self {
        Self {
            kind: "Custom".to_string(),
            params: RawEndpointParams::default(),
        }
    }
}

/// Endpoint params: `url`, plus Ntfy's `email` (its alerters are skipped).
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RawEndpointParams {
    pub url: Option<String>,
    pub email: Option<IgnoredAny>,
}

/// A Komodo resource target `{ type = "Build", id = "<name>" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

fn present(keys: &[(&'static str, bool)]) -> Vec<&'static str> {
    keys.iter()
        .filter(|(_, is_present)| *is_present)
        .map(|(key, _)| *key)
        .collect()
}
