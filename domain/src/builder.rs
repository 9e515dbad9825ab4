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
}

impl Default for LocalBuilderConfig {
    fn default() -> Self {
        Self {
            docker_cli: String::new(),
            extra_args: Vec::new(),
            max_parallel: 2,
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
        }
    }
}
