use crate::builder_tagged::{deserialize_tagged, Tagged};
use crate::{ResourceName, Secret};
use serde::{Deserialize, Deserializer, Serialize};

/// The name a build's `builder` may use for the built-in Local builder (as
/// may `""`); no stored builder may take it.
pub const LOCAL_BUILDER_NAME: &str = "local";

/// A machine that runs builds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Builder {
    pub name: ResourceName,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub config: BuilderConfig,
}

/// The kind of builder and its parameters. In TOML: `type = "Aws"` plus
/// `params.*` (Komodo's layout). Komodo's `Url` type reads as `Server`, and
/// a missing `params` means the type's defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "params")]
pub enum BuilderConfig {
    /// The Kiln server's own Docker engine.
    Local(LocalBuilderConfig),
    /// A host running `kiln-agent`.
    Server(ServerBuilderConfig),
    /// A temporary EC2 instance per run.
    Aws(AwsBuilderConfig),
}

impl Default for BuilderConfig {
    fn default() -> Self {
        Self::Local(LocalBuilderConfig::default())
    }
}

impl<'de> Deserialize<'de> for BuilderConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tagged =
            deserialize_tagged::<D, LocalBuilderConfig, ServerBuilderConfig, AwsBuilderConfig>(
                deserializer,
            )?;
        Ok(match tagged {
            Tagged::Local(params) => Self::Local(params),
            Tagged::Server(params) | Tagged::Url(params) => Self::Server(params),
            Tagged::Aws(params) => Self::Aws(params),
        })
    }
}

impl BuilderConfig {
    /// `"Local"`, `"Server"` or `"Aws"`: the `type` written in TOML.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Local(_) => "Local",
            Self::Server(_) => "Server",
            Self::Aws(_) => "Aws",
        }
    }

    /// Whether users without admin rights may set `pre_build` or
    /// `extra_args` on builds that use this builder (they run with the
    /// builder host's authority). Never on a Local builder (the Kiln server
    /// itself: admins only); on Server and Aws builders as their
    /// `allow_build_host_powers` says.
    pub fn allows_build_host_powers(&self) -> bool {
        match self {
            Self::Local(_) => false,
            Self::Server(params) => params.allow_build_host_powers,
            Self::Aws(params) => params.allow_build_host_powers,
        }
    }

    /// Whether builds on this builder may use `--network host` in their
    /// `extra_args` (the builder's `allow_host_network`).
    pub fn allows_host_network(&self) -> bool {
        match self {
            Self::Local(params) => params.allow_host_network,
            Self::Server(params) => params.allow_host_network,
            Self::Aws(params) => params.allow_host_network,
        }
    }
}

/// The stored builder named `name` (a build's `builder`); `None` for the
/// built-in Local builder (`""` or `local`) and for unknown names.
pub fn stored_builder<'a>(catalog: &'a crate::Catalog, name: &str) -> Option<&'a Builder> {
    if name.is_empty() || name == LOCAL_BUILDER_NAME {
        return None;
    }
    catalog.builders.iter().find(|b| b.name.as_str() == name)
}

/// What the sandbox of `extra_args` allows for builds on the builder named
/// `name` (the built-in Local builder allows nothing beyond it).
pub fn args_policy(catalog: &crate::Catalog, name: &str) -> crate::build_args_policy::ArgsPolicy {
    crate::build_args_policy::ArgsPolicy {
        allow_host_network: stored_builder(catalog, name)
            .is_some_and(|b| b.config.allows_host_network()),
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LocalBuilderConfig {
    /// Path of a docker CLI that can build with BuildKit; "" finds one.
    pub docker_cli: String,
    /// Arguments added to every `docker build` on this builder (e.g. `--network none`).
    pub extra_args: Vec<String>,
    /// Runs of different builds that may go on at once; more wait in a queue.
    pub max_parallel: u32,
    /// Whether builds may use `--network host` in `extra_args` (RUN steps
    /// on the Kiln server's network). Default false; exported only when on.
    #[serde(skip_serializing_if = "is_false")]
    pub allow_host_network: bool,
}

impl Default for LocalBuilderConfig {
    fn default() -> Self {
        Self {
            docker_cli: String::new(),
            extra_args: Vec::new(),
            max_parallel: 2,
            allow_host_network: false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerBuilderConfig {
    /// `http(s)://host:port` of the kiln-agent.
    pub address: String,
    /// The key the agent expects on every request. A secret: never exported.
    pub passkey: Secret,
    /// With an `https://` address: the SHA-256 fingerprint of the agent's
    /// (self-signed) certificate, which Kiln pins (`kiln-agent --tls`
    /// prints it).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cert_fingerprint: String,
    /// Komodo's `Server` builders name a Komodo Server instead of an address;
    /// kept only to explain the error, Kiln needs `address`.
    #[serde(alias = "server", skip_serializing_if = "String::is_empty")]
    pub server_id: String,
    /// Whether users without admin rights may set `pre_build` or
    /// `extra_args` on builds that use this builder. Default false: the
    /// agent's host is long-lived and shared by every build sent to it (its
    /// clone caches, its own variables and accounts), and a pre-build
    /// command runs there with the agent's authority. Exported only when on.
    #[serde(skip_serializing_if = "is_false")]
    pub allow_build_host_powers: bool,
    /// Whether builds may use `--network host` in `extra_args`. Default
    /// false; exported only when on.
    #[serde(skip_serializing_if = "is_false")]
    pub allow_host_network: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AwsBuilderConfig {
    pub region: String,
    pub instance_type: String,
    pub ami_id: String,
    pub subnet_id: String,
    pub key_pair_name: String,
    pub assign_public_ip: bool,
    pub use_public_ip: bool,
    #[serde(deserialize_with = "crate::serde_forms::string_list")]
    pub security_group_ids: Vec<String>,
    pub user_data: String,
    pub volume_gb: u32,
    pub port: u16,
    /// Whether users without admin rights may set `pre_build` or
    /// `extra_args` on builds that use this builder. Default true: each run
    /// gets a fresh instance, terminated after the run, that holds only
    /// that run's job and key. Exported only when off.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub allow_build_host_powers: bool,
    /// Whether builds may use `--network host` in `extra_args` (the
    /// instance's network, which reaches the instance metadata service).
    /// Default false; exported only when on.
    #[serde(skip_serializing_if = "is_false")]
    pub allow_host_network: bool,
}

impl Default for AwsBuilderConfig {
    fn default() -> Self {
        Self {
            region: "us-east-1".to_string(),
            instance_type: "c5.2xlarge".to_string(),
            ami_id: String::new(),
            subnet_id: String::new(),
            key_pair_name: String::new(),
            assign_public_ip: false,
            use_public_ip: false,
            security_group_ids: Vec::new(),
            user_data: String::new(),
            volume_gb: 20,
            port: 8120,
            allow_build_host_powers: true,
            allow_host_network: false,
        }
    }
}
