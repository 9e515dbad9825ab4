//! Everything decided before a run touches the disk: where the source comes
//! from, which paths are allowed, which images and accounts are involved.

use std::path::PathBuf;

use bollard::auth::DockerCredentials;
use kiln_domain::image::{image_name, image_paths, tags, validate_repository};
use kiln_domain::{Build, BuildConfig, ResourceName, SourceKind};

use crate::git::GitSource;
use crate::job::BuildJob;
use crate::paths::check_relative;
use crate::redact::Redactor;

/// The checked plan of one run.
pub(crate) struct Plan {
    pub source: SourcePlan,
    /// `build_path`: relative (checked) for git and UI sources.
    pub build_path: PathBuf,
    /// `dockerfile_path`, relative to the build path.
    pub dockerfile_path: PathBuf,
    /// `pre_build.path`, relative to the checkout (or host directory).
    pub pre_build_path: PathBuf,
    /// Registry paths and who pushes to each; empty: build only.
    pub targets: Vec<Target>,
    /// `image_name`, tagged locally when there is no registry.
    pub local_name: String,
    /// (domain, username, token) written to the per-run docker config so
    /// that `FROM` can pull from the build's registries.
    pub docker_auths: Vec<(String, String, String)>,
}

/// Where the build context comes from.
pub(crate) enum SourcePlan {
    /// The Dockerfile typed in the UI, written into a fresh directory.
    Ui,
    /// A directory already on this host (absolute).
    Host(PathBuf),
    /// A git repository.
    Git {
        source: GitSource,
        /// `http(s)://provider/repo`, for the OCI source label.
        source_url: String,
    },
}

/// One registry path to push to.
pub(crate) struct Target {
    pub domain: String,
    /// `domain/…/name`, without tag.
    pub path: String,
    /// The account name (for messages) and its credentials; `None` pushes anonymously.
    pub account: Option<(String, DockerCredentials)>,
}

impl Plan {
    /// Checks the job; every error names the setting at fault.
    pub(crate) fn new(job: &BuildJob) -> Result<Plan, String> {
        let config = &job.config;
        let name = ResourceName::parse(&job.build_name).map_err(|e| format!("build name: {e}"))?;
        let build = Build {
            name,
            description: String::new(),
            tags: Vec::new(),
            config: config.clone(),
        };
        let source = source_plan(job)?;
        let (build_path, dockerfile_path, pre_build_path) = match &source {
            SourcePlan::Host(_) => (
                PathBuf::new(),
                PathBuf::from(or_default(&config.dockerfile_path, "Dockerfile")),
                PathBuf::from(or_default(&config.pre_build.path, ".")),
            ),
            SourcePlan::Ui | SourcePlan::Git { .. } => (
                check_relative("build_path", &config.build_path)?,
                check_relative(
                    "dockerfile_path",
                    or_default(&config.dockerfile_path, "Dockerfile"),
                )?,
                check_relative("pre_build.path", &config.pre_build.path)?,
            ),
        };
        if dockerfile_path.as_os_str().is_empty() {
            return Err(
                "dockerfile_path is empty: name the Dockerfile, e.g. Dockerfile".to_string(),
            );
        }
        let placeholder_commit = matches!(source, SourcePlan::Git { .. }).then_some("0000000");
        if tags(config, &job.version, placeholder_commit).is_empty() {
            return Err(
                "no tags to apply: turn on include_latest_tag, include_version_tags or \
                 include_commit_tag (git), or set image_tag"
                    .to_string(),
            );
        }
        let local_name = image_name(&build);
        validate_repository(&local_name).map_err(|e| format!("image_name: {e}"))?;
        let mut targets = Vec::new();
        let mut docker_auths = Vec::new();
        for image in image_paths(&build) {
            validate_repository(&image.path).map_err(|e| format!("image_registry: {e}"))?;
            let account = if image.account.is_empty() {
                None
            } else {
                let found = job
                    .registry_accounts
                    .iter()
                    .find(|a| a.domain == image.domain && a.username == image.account)
                    .ok_or_else(|| {
                        format!(
                            "image_registry: no registry account '{}' for {} was given to the engine",
                            image.account, image.domain
                        )
                    })?;
                docker_auths.push((
                    image.domain.clone(),
                    found.username.clone(),
                    found.token.expose().to_string(),
                ));
                Some((
                    found.username.clone(),
                    DockerCredentials {
                        username: Some(found.username.clone()),
                        password: Some(found.token.expose().to_string()),
                        serveraddress: Some(image.domain.clone()),
                        ..DockerCredentials::default()
                    },
                ))
            };
            targets.push(Target {
                domain: image.domain,
                path: image.path,
                account,
            });
        }
        Ok(Plan {
            source,
            build_path,
            dockerfile_path,
            pre_build_path,
            targets,
            local_name,
            docker_auths,
        })
    }
}

/// Every secret the job carries, named: secret variables by their name,
/// the git token as `GIT_TOKEN`, registry tokens as `REGISTRY_TOKEN`.
pub(crate) fn job_redactor(job: &BuildJob) -> Redactor {
    let mut secrets: Vec<(String, String)> = job
        .variables
        .iter()
        .filter(|v| v.is_secret)
        .map(|v| (v.name.as_str().to_string(), v.value.expose().to_string()))
        .collect();
    if let Some(account) = &job.git_account {
        secrets.push(("GIT_TOKEN".to_string(), account.token.expose().to_string()));
    }
    for account in &job.registry_accounts {
        secrets.push((
            "REGISTRY_TOKEN".to_string(),
            account.token.expose().to_string(),
        ));
    }
    Redactor::new(secrets)
}

fn or_default<'a>(value: &'a str, default: &'a str) -> &'a str {
    if value.trim().is_empty() {
        default
    } else {
        value
    }
}

fn source_plan(job: &BuildJob) -> Result<SourcePlan, String> {
    let config = &job.config;
    match config.source_kind() {
        SourceKind::Ui => {
            if config.dockerfile.trim().is_empty() {
                return Err(
                    "nothing to build: set a repo, files_on_host, or a Dockerfile in the UI"
                        .to_string(),
                );
            }
            Ok(SourcePlan::Ui)
        }
        SourceKind::FilesOnHost => {
            let configured = PathBuf::from(or_default(&config.build_path, "."));
            let dir = if configured.is_absolute() {
                configured
            } else {
                job.dirs.host_builds_root.join(configured)
            };
            if !dir.is_dir() {
                return Err(format!(
                    "files_on_host: build_path '{}' does not exist on this host ({})",
                    config.build_path,
                    dir.display()
                ));
            }
            Ok(SourcePlan::Host(dir))
        }
        SourceKind::Git => git_plan(job),
    }
}

fn git_plan(job: &BuildJob) -> Result<SourcePlan, String> {
    let config: &BuildConfig = &job.config;
    let (provider, https, repo, branch, account) = if config.linked_repo.is_empty() {
        (
            config.git_provider.as_str(),
            config.git_https,
            config.repo.as_str(),
            config.branch.as_str(),
            config.git_account.as_str(),
        )
    } else {
        let linked = job.source_repo.as_ref().ok_or_else(|| {
            format!(
                "linked_repo '{}': the caller did not pass the repo's settings",
                config.linked_repo
            )
        })?;
        (
            linked.git_provider.as_str(),
            linked.git_https,
            linked.repo.as_str(),
            linked.branch.as_str(),
            linked.git_account.as_str(),
        )
    };
    if repo.trim().is_empty() {
        return Err("repo is empty: name the repository, e.g. acme/api".to_string());
    }
    if provider.trim().is_empty() {
        return Err("git_provider is empty: name the host, e.g. github.com".to_string());
    }
    let credentials = if account.is_empty() {
        None
    } else {
        let given = job.git_account.as_ref().ok_or_else(|| {
            format!("git account '{account}' for {provider} was not given to the engine")
        })?;
        Some((given.username.clone(), given.token.expose().to_string()))
    };
    let scheme = if https { "https" } else { "http" };
    let url = format!("{scheme}://{provider}/{repo}");
    let commit = Some(config.commit.trim())
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    Ok(SourcePlan::Git {
        source: GitSource {
            url: url.clone(),
            provider: provider.to_string(),
            branch: or_default(branch, "main").to_string(),
            commit,
            credentials,
        },
        source_url: url,
    })
}
