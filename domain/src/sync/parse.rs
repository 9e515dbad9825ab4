use super::raw::{
    RawAwsParams, RawBuilderConfig, RawFile, RawRepoConfig, RawResource, RawServerParams,
};
use super::{SyncError, SyncFile};
use crate::builder_tagged::Tagged;
use crate::{Build, BuildConfig, Builder, BuilderConfig, Repo, ServerBuilderConfig};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::BTreeSet;

/// Reads a sync file. Unknown keys and wrongly typed values are errors whose
/// message names the key and its line; Komodo-only keys and resource kinds
/// are skipped and listed in [`SyncFile::warnings`].
pub fn parse(text: &str) -> Result<SyncFile, SyncError> {
    let raw: RawFile = toml::from_str(text)
        .map_err(|error| SyncError::Toml(error.to_string().trim_end().to_string()))?;
    let builds_without_version = builds_without_version(text)?;
    let mut warnings = Vec::new();
    for (kind, count) in raw.ignored_kinds() {
        if count > 0 {
            let entries = if count == 1 { "entry" } else { "entries" };
            warnings.push(format!(
                "ignored {count} [[{kind}]] {entries}: Kiln manages builds, builders, variables and repos"
            ));
        }
    }
    let builds = raw
        .build
        .into_iter()
        .map(|raw| build(raw, &mut warnings))
        .collect();
    let builders = raw
        .builder
        .into_iter()
        .map(|raw| builder(raw, &mut warnings))
        .collect();
    let repos = raw
        .repo
        .into_iter()
        .map(|raw| repo(raw, &mut warnings))
        .collect();
    let mut alerters = Vec::new();
    for raw in raw.alerter {
        alerters.extend(super::parse_alerter::alerter(raw, &mut warnings)?);
    }
    let mut user_groups = Vec::new();
    for raw in raw.user_group {
        user_groups.push(raw.read(&mut warnings).map_err(SyncError::Toml)?);
    }
    Ok(SyncFile {
        builds,
        builders,
        variables: raw.variable,
        repos,
        git_accounts: raw.git_account,
        registry_accounts: raw.registry_account,
        alerters,
        warnings,
        builds_without_version,
        user_groups,
    })
}

/// Only whether each `[[build]]` gives `config.version` (everything else is
/// skipped unread).
#[derive(Deserialize)]
struct VersionPresence {
    #[serde(default)]
    build: Vec<BuildVersionPresence>,
}

#[derive(Deserialize)]
struct BuildVersionPresence {
    name: String,
    #[serde(default)]
    config: ConfigVersionPresence,
}

#[derive(Default, Deserialize)]
struct ConfigVersionPresence {
    #[serde(default)]
    version: Option<IgnoredAny>,
}

/// The names of the builds whose entry has no `config.version`.
fn builds_without_version(text: &str) -> Result<BTreeSet<String>, SyncError> {
    let presence: VersionPresence = toml::from_str(text)
        .map_err(|error| SyncError::Toml(error.to_string().trim_end().to_string()))?;
    Ok(presence
        .build
        .into_iter()
        .filter(|build| build.config.version.is_none())
        .map(|build| build.name)
        .collect())
}

/// Komodo's default address of a `type = "Url"` builder without one.
const KOMODO_URL_DEFAULT_ADDRESS: &str = "https://periphery:8120";

pub(super) fn warn_ignored<C>(raw: &RawResource<C>, kind: &str, warnings: &mut Vec<String>) {
    let keys = raw.ignored_keys();
    if !keys.is_empty() {
        warnings.push(format!(
            "{kind} '{}': ignored Komodo keys {} (Kiln does not use them)",
            raw.name,
            keys.join(", ")
        ));
    }
}

fn build(mut raw: RawResource<BuildConfig>, warnings: &mut Vec<String>) -> Build {
    warn_ignored(&raw, "build", warnings);
    let registries = &mut raw.config.image_registry;
    let before = registries.len();
    registries.retain(|registry| !registry.domain.is_empty());
    let dropped = before - registries.len();
    if dropped > 0 {
        let entries = if dropped == 1 { "entry" } else { "entries" };
        warnings.push(format!(
            "build '{}': dropped {dropped} image_registry {entries} without a domain (Komodo pushes nowhere for them)",
            raw.name
        ));
    }
    Build {
        name: raw.name,
        description: raw.description,
        tags: raw.tags,
        config: raw.config,
    }
}

fn builder(raw: RawResource<RawBuilderConfig>, warnings: &mut Vec<String>) -> Builder {
    warn_ignored(&raw, "builder", warnings);
    let name = raw.name;
    let mut ignored = Vec::new();
    let config = match raw.config.0 {
        Tagged::Local(params) => BuilderConfig::Local(params),
        Tagged::Server(params) => BuilderConfig::Server(server(params, "", &mut ignored)),
        Tagged::Url(params) => {
            warnings.push(format!(
                "builder '{name}': Komodo's type \"Url\" is imported as a Server builder (a kiln-agent at params.address)"
            ));
            BuilderConfig::Server(server(params, KOMODO_URL_DEFAULT_ADDRESS, &mut ignored))
        }
        Tagged::Aws(params) => aws(params, &mut ignored),
    };
    if !ignored.is_empty() {
        warnings.push(format!(
            "builder '{name}': ignored Komodo params {} (Kiln's {} builder does not use them)",
            ignored.join(", "),
            config.kind()
        ));
    }
    Builder {
        name,
        description: raw.description,
        tags: raw.tags,
        config,
    }
}

fn server(
    params: RawServerParams,
    default_address: &str,
    ignored: &mut Vec<&'static str>,
) -> ServerBuilderConfig {
    ignored.extend(params.ignored_keys());
    ServerBuilderConfig {
        address: params
            .address
            .unwrap_or_else(|| default_address.to_string()),
        passkey: params.passkey,
        cert_fingerprint: params.cert_fingerprint,
        server_id: params.server_id,
        allow_build_host_powers: params.allow_build_host_powers,
        allow_host_network: params.allow_host_network,
    }
}

fn aws(params: RawAwsParams, ignored: &mut Vec<&'static str>) -> BuilderConfig {
    ignored.extend(params.ignored_keys());
    BuilderConfig::Aws(params.into_config())
}

fn repo(raw: RawResource<RawRepoConfig>, warnings: &mut Vec<String>) -> Repo {
    warn_ignored(&raw, "repo", warnings);
    let ignored = raw.config.ignored_keys();
    if !ignored.is_empty() {
        warnings.push(format!(
            "repo '{}': ignored Komodo repo settings {} (Kiln repos are only sources for builds)",
            raw.name,
            ignored.join(", ")
        ));
    }
    Repo {
        name: raw.name,
        description: raw.description,
        tags: raw.tags,
        config: raw.config.into_config(),
    }
}
