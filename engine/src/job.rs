//! What the caller hands the engine: one build to run and where to run it.

use std::path::PathBuf;

use kiln_domain::{BuildConfig, GitAccount, RegistryAccount, RepoConfig, Variable, Version};
use serde::{Deserialize, Serialize};

/// One build to run on this machine. The caller (server or agent) resolves
/// everything that lives in its database: the version to build, the linked
/// repo, the variables and the accounts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BuildJob {
    /// The Build's name: the image name when `config.image_name` is empty.
    pub build_name: String,
    pub config: BuildConfig,
    /// The version being built (already bumped by the caller when
    /// `auto_increment_version` is on). `[[VERSION]]` and the `VERSION`
    /// build arg take this value.
    pub version: Version,
    /// The Repo named by `config.linked_repo`, resolved by the caller. Its
    /// provider, https flag, repo, branch and account replace the build's own.
    pub source_repo: Option<RepoConfig>,
    /// Every variable `[[NAME]]` may refer to (secret ones are redacted).
    pub variables: Vec<Variable>,
    /// The account named by the git settings, if any. Its token is sent
    /// through git's credential callback, never in a URL.
    pub git_account: Option<GitAccount>,
    /// Accounts for the build's registries, matched by (domain, username).
    pub registry_accounts: Vec<RegistryAccount>,
    pub dirs: JobDirs,
    pub docker: DockerSettings,
    /// Where the run may connect on the build's say-so (git provider and
    /// submodules, registries): the server's admin setting, which an agent
    /// follows too.
    #[serde(default)]
    pub outbound: crate::NetPolicy,
}

/// Directories the engine may use.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobDirs {
    /// Each run gets a fresh directory under it (build directory, per-run
    /// docker config), removed when the run ends, whatever the outcome.
    pub work_root: PathBuf,
    /// This Build's clone cache: kept between runs and fetched
    /// incrementally. One run per Build at a time (the caller's lock).
    pub clone_cache: PathBuf,
    /// Root for relative `build_path`s of `files_on_host` builds.
    pub host_builds_root: PathBuf,
}

impl JobDirs {
    /// The same directories, absolute (relative ones resolved against this
    /// process's working directory). The engine hands these paths to child
    /// processes that run elsewhere (`docker build` runs in the build
    /// context), so a relative one would name another place there. Errors
    /// when the working directory cannot be read.
    pub fn absolute(self) -> Result<Self, String> {
        let resolve = |field: &str, path: PathBuf| {
            std::path::absolute(&path)
                .map_err(|e| format!("{field} '{}' cannot be made absolute: {e}", path.display()))
        };
        Ok(Self {
            work_root: resolve("work_root", self.work_root)?,
            clone_cache: resolve("clone_cache", self.clone_cache)?,
            host_builds_root: resolve("host_builds_root", self.host_builds_root)?,
        })
    }
}

/// How to reach Docker on this machine.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DockerSettings {
    /// `DOCKER_HOST` for bollard and the CLI (`unix:///…` or `tcp://…`);
    /// `None` uses the process's `DOCKER_HOST`, else the default socket.
    pub host: Option<String>,
    /// A docker CLI that can build with BuildKit; `None` finds one
    /// (`/usr/bin/docker` first, then `PATH`).
    pub cli: Option<PathBuf>,
    /// Arguments added to every `docker build` (the builder's
    /// `extra_args`, e.g. `--network none`), after the build's own so a
    /// build cannot override them. Not checked against the sandbox: they
    /// are the builder admin's.
    pub extra_args: Vec<String>,
    /// Whether the build's own `extra_args` may use `--network host` (the
    /// builder's `allow_host_network`); everything else outside
    /// `kiln_domain::build_args_policy` is refused before a run.
    #[serde(default)]
    pub allow_host_network: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_dirs_become_absolute_under_the_working_dir() {
        let cwd = std::env::current_dir().unwrap();
        let dirs = JobDirs {
            work_root: "data/work".into(),
            clone_cache: "/abs/cache".into(),
            host_builds_root: "./hb".into(),
        }
        .absolute()
        .unwrap();
        assert_eq!(dirs.work_root, cwd.join("data/work"));
        assert_eq!(dirs.clone_cache, PathBuf::from("/abs/cache"));
        assert!(dirs.host_builds_root.is_absolute());
        assert!(dirs.host_builds_root.starts_with(&cwd));
    }
}
