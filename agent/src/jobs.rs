//! Turning the server's job into this host's job: the agent's directories
//! and Docker settings, and its own variables and accounts merged in.

use std::path::PathBuf;

use kiln_engine::{BuildJob, DockerSettings, JobDirs};

use crate::config::AgentConfig;

/// Where this agent keeps its files and how it reaches Docker.
#[derive(Debug)]
pub struct HostSettings {
    pub work_root: PathBuf,
    pub cache_root: PathBuf,
    pub builds_root: PathBuf,
    pub docker_host: Option<String>,
    pub config: AgentConfig,
}

impl HostSettings {
    /// The job as it runs here. The server's directories and Docker
    /// settings mean nothing on this host and are replaced; the agent's
    /// variables win over the server's of the same name; the agent's
    /// accounts replace the server's for the same domain and username.
    pub fn localize(&self, mut job: BuildJob) -> BuildJob {
        job.dirs = JobDirs {
            work_root: self.work_root.clone(),
            clone_cache: self.cache_root.join(cache_name(&job.build_name)),
            host_builds_root: self.builds_root.clone(),
        };
        // The host's own arguments come last: they win over the server's.
        let mut extra_args = std::mem::take(&mut job.docker.extra_args);
        extra_args.extend(self.config.docker.extra_args.iter().cloned());
        job.docker = DockerSettings {
            host: self.docker_host.clone(),
            cli: self.config.docker.cli.clone(),
            extra_args,
            // The builder's setting, sent by the server.
            allow_host_network: job.docker.allow_host_network,
        };
        for own in &self.config.variables {
            job.variables.retain(|v| v.name != own.name);
            job.variables.push(own.clone());
        }
        for own in &self.config.registry_accounts {
            job.registry_accounts
                .retain(|a| !(a.domain == own.domain && a.username == own.username));
            job.registry_accounts.push(own.clone());
        }
        let (provider, account) = match &job.source_repo {
            Some(repo) => (repo.git_provider.clone(), repo.git_account.clone()),
            None => (
                job.config.git_provider.clone(),
                job.config.git_account.clone(),
            ),
        };
        if let Some(own) = self
            .config
            .git_accounts
            .iter()
            .find(|a| !account.is_empty() && a.domain == provider && a.username == account)
        {
            job.git_account = Some(own.clone());
        }
        job
    }
}

/// A file-system-safe, collision-resistant directory name for a build's
/// clone cache.
fn cache_name(build: &str) -> String {
    let safe: String = build
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = build.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{safe}-{hash:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_domain::{RegistryAccount, ResourceName, Secret, Variable};

    fn variable(name: &str, value: &str) -> Variable {
        Variable {
            name: ResourceName::parse(name).expect("name"),
            value: Secret::new(value),
            description: String::new(),
            is_secret: true,
        }
    }

    fn job() -> BuildJob {
        serde_json::from_value(serde_json::json!({
            "build_name": "api/x",
            "config": {},
            "version": "1.0.0",
            "source_repo": null,
            "variables": [],
            "git_account": null,
            "registry_accounts": [],
            "dirs": {"work_root": "/server/work", "clone_cache": "/server/cache/x", "host_builds_root": "/server/hb"},
            "docker": {"host": "unix:///server.sock", "cli": null, "extra_args": []}
        }))
        .expect("a job")
    }

    #[test]
    fn the_agents_own_settings_win() {
        let settings = HostSettings {
            work_root: "/agent/work".into(),
            cache_root: "/agent/cache".into(),
            builds_root: "/agent/builds".into(),
            docker_host: None,
            config: AgentConfig {
                variables: vec![variable("TOKEN", "agent-value")],
                registry_accounts: vec![RegistryAccount {
                    domain: "r.local".into(),
                    username: "ci".into(),
                    token: Secret::new("agent-token"),
                }],
                ..AgentConfig::default()
            },
        };
        let mut server_job = job();
        server_job.variables = vec![variable("TOKEN", "server-value"), variable("OTHER", "o")];
        server_job.registry_accounts = vec![RegistryAccount {
            domain: "r.local".into(),
            username: "ci".into(),
            token: Secret::new(""),
        }];
        let local = settings.localize(server_job);
        assert_eq!(local.dirs.work_root, PathBuf::from("/agent/work"));
        assert!(local.dirs.clone_cache.starts_with("/agent/cache"));
        assert_eq!(local.docker.host, None);
        let token = local.variables.iter().find(|v| v.name.as_str() == "TOKEN");
        assert_eq!(token.map(|v| v.value.expose()), Some("agent-value"));
        assert_eq!(local.variables.len(), 2);
        assert_eq!(local.registry_accounts.len(), 1);
        assert_eq!(local.registry_accounts[0].token.expose(), "agent-token");
    }
}
