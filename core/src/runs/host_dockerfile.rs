//! A build's Dockerfile when it does not live in Kiln: read where the build
//! would run. Files on host: on this server for Local builders, through the
//! agent's ReadDockerfile for Server builders. Git: from the Local builder's
//! clone cache, at the last built commit. Aws builders have no standing
//! host, and a Server builder's clone cache stays on its host.

use kiln_api::SourceDockerfile;
use kiln_domain::{Build, SourceKind};
use kiln_engine::{read_cached_dockerfile, read_host_dockerfile};
use kiln_protocol::{ClientError, ErrorKind, ReadDockerfile};
use kiln_store::StoreError;

use super::execute::agent_client;
use super::job::{cache_name, BuilderTarget, ResolvedBuilder};
use super::RunManager;

/// Why it could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HostDockerfileError {
    #[error("{0}")]
    NotApplicable(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<kiln_engine::HostDockerfileError> for HostDockerfileError {
    fn from(e: kiln_engine::HostDockerfileError) -> Self {
        match e {
            kiln_engine::HostDockerfileError::NotFound(m) => Self::NotFound(m),
            kiln_engine::HostDockerfileError::Invalid(m) => Self::Invalid(m),
            kiln_engine::HostDockerfileError::Io(m) => Self::Unavailable(m),
        }
    }
}

impl RunManager {
    /// Reads the Dockerfile of the git or files-on-host build `build_name`.
    pub async fn host_dockerfile(
        &self,
        build_name: &str,
    ) -> Result<SourceDockerfile, HostDockerfileError> {
        let build = self.store().build(build_name).await?;
        let kind = build.config.source_kind();
        if kind == SourceKind::Ui {
            return Err(HostDockerfileError::NotApplicable(format!(
                "build '{build_name}' keeps its Dockerfile in Kiln"
            )));
        }
        let catalog = self.store().catalog().await?;
        let builder = ResolvedBuilder::for_build(&build, &catalog)
            .map_err(HostDockerfileError::NotApplicable)?;
        if kind == SourceKind::Git {
            return self.cached_dockerfile(&build, &builder);
        }
        let config = &build.config;
        let (path, contents) = match &builder.target {
            BuilderTarget::Local(_) => {
                let (path, text) = read_host_dockerfile(
                    self.host_builds_dir(),
                    &config.build_path,
                    &config.dockerfile_path,
                )?;
                (path.display().to_string(), text)
            }
            BuilderTarget::Server(server) => {
                let client = agent_client(server)
                    .map_err(|e| HostDockerfileError::Unavailable(e.to_string()))?;
                let request = ReadDockerfile {
                    build_path: config.build_path.clone(),
                    dockerfile_path: config.dockerfile_path.clone(),
                };
                let text = client.request(request).await.map_err(|e| match &e {
                    ClientError::Agent {
                        kind: Some(ErrorKind::NotFound),
                        ..
                    } => HostDockerfileError::NotFound(e.to_string()),
                    ClientError::Agent {
                        kind: Some(ErrorKind::BadRequest),
                        ..
                    } => HostDockerfileError::Invalid(e.to_string()),
                    _ => HostDockerfileError::Unavailable(e.to_string()),
                })?;
                (text.path, text.contents)
            }
            BuilderTarget::Aws(_) => return Err(no_standing_host(&builder)),
        };
        Ok(SourceDockerfile {
            builder: builder.name,
            path,
            commit: None,
            contents,
        })
    }

    /// A git build's Dockerfile from the Local builder's clone cache.
    fn cached_dockerfile(
        &self,
        build: &Build,
        builder: &ResolvedBuilder,
    ) -> Result<SourceDockerfile, HostDockerfileError> {
        match &builder.target {
            BuilderTarget::Local(_) => {}
            BuilderTarget::Server(_) => {
                return Err(HostDockerfileError::NotApplicable(format!(
                    "builder '{}' clones on its own host; Kiln keeps no copy of the repository",
                    builder.name
                )))
            }
            BuilderTarget::Aws(_) => return Err(no_standing_host(builder)),
        }
        let config = &build.config;
        let cache = self.cache_dir().join(cache_name(build.name.as_str()));
        let found = read_cached_dockerfile(&cache, &config.build_path, &config.dockerfile_path)?;
        Ok(SourceDockerfile {
            builder: builder.name.clone(),
            path: found.path,
            commit: Some(found.commit),
            contents: found.contents,
        })
    }
}

fn no_standing_host(builder: &ResolvedBuilder) -> HostDockerfileError {
    HostDockerfileError::NotApplicable(format!(
        "builder '{}' starts a fresh EC2 instance per run: there is no host to read files from",
        builder.name
    ))
}
