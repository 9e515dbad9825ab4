//! Everything decided before a run touches the disk: where the source comes
//! from, which paths are allowed, which images and accounts are involved.

use std::path::PathBuf;

use bollard::auth::DockerCredentials;
use kiln_domain::image::{check_tags, image_name, image_paths, validate_repository};
use kiln_domain::paths::build_paths;
use kiln_domain::{Build, BuildConfig, ResourceName, SourceKind};

use crate::git::GitSource;
use crate::host_path::{host_build_dir, host_dockerfile_path};
use crate::job::BuildJob;
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
    /// Where pushes may go (each registry's host is checked first).
    pub outbound: crate::NetPolicy,
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
    ///
    /// The checks that do not depend on this host (tags, the paths of UI and
    /// git builds, image names) are the functions `kiln_domain::validation`
    /// calls at save time, so a saved build normally passes them; they are
    /// made again here because agents receive jobs directly.
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
            SourcePlan::Host(dir) => {
                // The Dockerfile must be a regular file inside the builds
                // root too (a symlink to /proc/self/environ is not).
                let dockerfile = or_default(&config.dockerfile_path, "Dockerfile");
                host_dockerfile_path(&job.dirs.host_builds_root, dir, dockerfile)
                    .map_err(|error| format!("files_on_host: {error}"))?;
                (
                    PathBuf::new(),
                    PathBuf::from(dockerfile),
                    PathBuf::from(or_default(&config.pre_build.path, ".")),
                )
            }
            SourcePlan::Ui | SourcePlan::Git { .. } => {
                let paths = build_paths(config).map_err(|problems| {
                    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    problems.join("; ")
                })?;
                (
                    PathBuf::from(paths.build_path),
                    PathBuf::from(paths.dockerfile_path),
                    PathBuf::from(paths.pre_build_path),
                )
            }
        };
        check_tags(config, matches!(source, SourcePlan::Git { .. }))?;
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
            outbound: job.outbound,
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
            if !config.has_source() {
                return Err(
                    "nothing to build: set a repo, files_on_host, or a Dockerfile in the UI"
                        .to_string(),
                );
            }
            Ok(SourcePlan::Ui)
        }
        SourceKind::FilesOnHost => {
            let dir = host_build_dir(&job.dirs.host_builds_root, &config.build_path)
                .map_err(|error| format!("files_on_host: {error}"))?;
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
            policy: job.outbound,
        },
        source_url: url,
    })
}

#[cfg(test)]
mod tests {
    //! The engine's own refusals, made before any work: the same checks as
    //! save-time validation, because agents receive jobs directly.

    use super::*;
    use crate::job::{DockerSettings, JobDirs};
    use kiln_domain::Version;

    fn job(edit: impl FnOnce(&mut BuildConfig)) -> BuildJob {
        let mut config = BuildConfig {
            dockerfile: "FROM busybox\n".to_string(),
            ..BuildConfig::default()
        };
        edit(&mut config);
        BuildJob {
            build_name: "api".to_string(),
            config,
            version: Version::new(1, 2, 3),
            source_repo: None,
            variables: Vec::new(),
            git_account: None,
            registry_accounts: Vec::new(),
            dirs: JobDirs {
                work_root: "/nonexistent/work".into(),
                clone_cache: "/nonexistent/cache".into(),
                host_builds_root: "/nonexistent/host".into(),
            },
            docker: DockerSettings::default(),
            outbound: crate::NetPolicy::default(),
        }
    }

    fn refusal(job: &BuildJob) -> String {
        match Plan::new(job) {
            Ok(_) => panic!("the plan should be refused"),
            Err(error) => error,
        }
    }

    #[test]
    fn untagged_builds_are_refused() {
        let untagged = job(|c| {
            c.include_latest_tag = false;
            c.include_version_tags = false;
            c.include_commit_tag = false;
        });
        assert!(refusal(&untagged).starts_with("no tags to apply: turn on include_latest_tag"));
        let commit_only_ui = job(|c| {
            c.include_latest_tag = false;
            c.include_version_tags = false;
        });
        assert!(refusal(&commit_only_ui).contains("include_commit_tag tags only git builds"));
        let commit_only_git = job(|c| {
            c.repo = "acme/api".to_string();
            c.include_latest_tag = false;
            c.include_version_tags = false;
        });
        assert!(
            Plan::new(&commit_only_git).is_ok(),
            "a git run knows its commit"
        );
    }

    #[test]
    fn paths_leaving_the_build_directory_are_refused() {
        type Edit = fn(&mut BuildConfig);
        let cases: [(Edit, &str); 4] = [
            (
                |c| c.build_path = "../elsewhere".to_string(),
                "build_path '../elsewhere' leaves the build directory: '..' is not allowed",
            ),
            (
                |c| c.dockerfile_path = "/etc/passwd".to_string(),
                "dockerfile_path '/etc/passwd' must be relative to the build directory, not absolute",
            ),
            (
                |c| c.dockerfile_path = ".".to_string(),
                "dockerfile_path '.' names the build directory, not a file: name the Dockerfile, e.g. Dockerfile",
            ),
            (
                |c| c.pre_build.path = "scripts/../..".to_string(),
                "pre_build.path 'scripts/../..' leaves the build directory: '..' is not allowed",
            ),
        ];
        for (edit, expected) in cases {
            assert_eq!(refusal(&job(edit)), expected);
        }
        let plan = match Plan::new(&job(|c| {
            c.build_path = "./app/.".to_string();
            c.dockerfile_path = "docker//Dockerfile".to_string();
        })) {
            Ok(plan) => plan,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(plan.build_path, PathBuf::from("app"));
        assert_eq!(plan.dockerfile_path, PathBuf::from("docker/Dockerfile"));
        assert_eq!(plan.pre_build_path, PathBuf::new());
    }
}
