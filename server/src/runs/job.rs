//! Turning a stored build and the catalog into an engine job.

use super::manager::RunSettings;
use kiln_domain::{Build, BuilderConfig, Catalog, LocalBuilderConfig, Version, LOCAL_BUILDER_NAME};
use kiln_engine::{BuildJob, DockerSettings, JobDirs};
use std::path::PathBuf;

/// The builder a run goes to, with what the executor needs from it.
#[derive(Clone, Debug)]
pub struct ResolvedBuilder {
    pub name: String,
    pub max_parallel: usize,
    pub local: LocalBuilderConfig,
}

impl ResolvedBuilder {
    /// The build's builder; "" and "local" are the built-in Local builder.
    /// Only Local builders run builds so far.
    pub fn for_build(build: &Build, catalog: &Catalog) -> Result<Self, String> {
        let name = &build.config.builder;
        if name.is_empty() || name == LOCAL_BUILDER_NAME {
            let local = LocalBuilderConfig::default();
            return Ok(Self {
                name: LOCAL_BUILDER_NAME.to_string(),
                max_parallel: local.max_parallel as usize,
                local,
            });
        }
        let builder = catalog
            .builders
            .iter()
            .find(|b| b.name.as_str() == name)
            .ok_or_else(|| format!("unknown builder '{name}'"))?;
        match &builder.config {
            BuilderConfig::Local(local) => Ok(Self {
                name: name.clone(),
                max_parallel: local.max_parallel as usize,
                local: local.clone(),
            }),
            other => Err(format!(
                "builder '{name}' is of type {}, which cannot run builds yet (only Local builders can)",
                other.kind()
            )),
        }
    }
}

/// Everything the engine needs for one run, resolved from the catalog.
pub fn job_for(
    build: &Build,
    builder: &ResolvedBuilder,
    version: Version,
    catalog: &Catalog,
    settings: &RunSettings,
) -> BuildJob {
    let config = &build.config;
    let source_repo = catalog
        .repos
        .iter()
        .find(|r| !config.linked_repo.is_empty() && r.name.as_str() == config.linked_repo)
        .map(|r| r.config.clone());
    let (provider, account) = match &source_repo {
        Some(repo) => (repo.git_provider.as_str(), repo.git_account.as_str()),
        None => (config.git_provider.as_str(), config.git_account.as_str()),
    };
    let git_account = catalog
        .git_accounts
        .iter()
        .find(|a| !account.is_empty() && a.domain == provider && a.username == account)
        .cloned();
    let registry_accounts = catalog
        .registry_accounts
        .iter()
        .filter(|a| {
            config
                .image_registry
                .iter()
                .any(|r| r.domain == a.domain && r.account == a.username)
        })
        .cloned()
        .collect();
    let cli =
        (!builder.local.docker_cli.is_empty()).then(|| PathBuf::from(&builder.local.docker_cli));
    BuildJob {
        build_name: build.name.to_string(),
        config: config.clone(),
        version,
        source_repo,
        variables: catalog.variables.clone(),
        git_account,
        registry_accounts,
        dirs: JobDirs {
            work_root: settings.work_dir.clone(),
            clone_cache: settings.cache_dir.join(cache_name(build.name.as_str())),
            host_builds_root: settings.host_builds_dir.clone(),
        },
        docker: DockerSettings {
            host: settings.docker_host.clone(),
            cli,
            extra_args: builder.local.extra_args.clone(),
        },
    }
}

/// A file-system-safe directory name for a build's clone cache.
fn cache_name(build: &str) -> String {
    build
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        + &format!("-{:08x}", fnv1a(build))
}

/// A small stable hash so names that map to the same safe text stay apart.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}
