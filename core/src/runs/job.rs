//! Turning a stored build and the catalog into an engine job.

use super::manager::RunSettings;
use kiln_domain::{
    AwsBuilderConfig, Build, BuilderConfig, Catalog, LocalBuilderConfig, ServerBuilderConfig,
    Version, LOCAL_BUILDER_NAME,
};
use kiln_engine::{BuildJob, DockerSettings, JobDirs};
use std::path::PathBuf;

/// The builder a run goes to, with what the executor needs from it.
#[derive(Clone, Debug)]
pub struct ResolvedBuilder {
    pub name: String,
    /// Runs of different builds that may use this builder at once.
    pub max_parallel: usize,
    pub target: BuilderTarget,
}

/// Where a run executes.
#[derive(Clone, Debug)]
pub enum BuilderTarget {
    /// This server's Docker engine.
    Local(LocalBuilderConfig),
    /// A long-lived host running kiln-agent.
    Server(ServerBuilderConfig),
    /// A temporary EC2 instance per run, running kiln-agent.
    Aws(AwsBuilderConfig),
}

/// Runs a Server builder takes at once (the agent runs them in parallel).
const SERVER_MAX_PARALLEL: usize = 4;
/// Runs an Aws builder takes at once (one instance each).
const AWS_MAX_PARALLEL: usize = 8;

impl ResolvedBuilder {
    /// The build's builder; "" and "local" are the built-in Local builder.
    pub fn for_build(build: &Build, catalog: &Catalog) -> Result<Self, String> {
        let name = &build.config.builder;
        if name.is_empty() || name == LOCAL_BUILDER_NAME {
            let local = LocalBuilderConfig::default();
            return Ok(Self {
                name: LOCAL_BUILDER_NAME.to_string(),
                max_parallel: local.max_parallel as usize,
                target: BuilderTarget::Local(local),
            });
        }
        let builder = catalog
            .builders
            .iter()
            .find(|b| b.name.as_str() == name)
            .ok_or_else(|| format!("unknown builder '{name}'"))?;
        let (max_parallel, target) = match &builder.config {
            BuilderConfig::Local(local) => (
                local.max_parallel as usize,
                BuilderTarget::Local(local.clone()),
            ),
            BuilderConfig::Server(server) => {
                (SERVER_MAX_PARALLEL, BuilderTarget::Server(server.clone()))
            }
            BuilderConfig::Aws(aws) => (AWS_MAX_PARALLEL, BuilderTarget::Aws(aws.clone())),
        };
        Ok(Self {
            name: name.clone(),
            max_parallel,
            target,
        })
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
    let referenced = kiln_domain::references::references(build, catalog);
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
    // Remote builders use their host's own Docker settings (the agent's config).
    let (cli, extra_args) = match &builder.target {
        BuilderTarget::Local(local) => (
            (!local.docker_cli.is_empty()).then(|| PathBuf::from(&local.docker_cli)),
            local.extra_args.clone(),
        ),
        BuilderTarget::Server(_) | BuilderTarget::Aws(_) => (None, Vec::new()),
    };
    BuildJob {
        build_name: build.name.to_string(),
        config: config.clone(),
        version,
        source_repo,
        // Only what the build names: a remote builder never receives the
        // rest of the catalog's variables and secrets.
        variables: catalog
            .variables
            .iter()
            .filter(|v| referenced.variables.contains(v.name.as_str()))
            .cloned()
            .collect(),
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
            extra_args,
            allow_host_network: match &builder.target {
                BuilderTarget::Local(local) => local.allow_host_network,
                BuilderTarget::Server(server) => server.allow_host_network,
                BuilderTarget::Aws(aws) => aws.allow_host_network,
            },
        },
        outbound: settings.outbound,
    }
}

/// A file-system-safe directory name for a build's clone cache.
pub(crate) fn cache_name(build: &str) -> String {
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
