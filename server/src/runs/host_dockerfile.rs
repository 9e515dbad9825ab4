//! A files-on-host build's Dockerfile, read where the build would run: on
//! this server for Local builders, through the agent's ReadDockerfile for
//! Server builders. Aws builders have no standing host.

use kiln_domain::SourceKind;
use kiln_engine::read_host_dockerfile;
use kiln_protocol::{ClientError, ErrorKind, ReadDockerfile};
use kiln_store::StoreError;

use super::execute::agent_client;
use super::job::{BuilderTarget, ResolvedBuilder};
use super::RunManager;

/// The Dockerfile, and where it was read.
#[derive(Clone, Debug, serde::Serialize)]
pub struct HostDockerfile {
    pub builder: String,
    pub path: String,
    pub contents: String,
}

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

impl RunManager {
    /// Reads the Dockerfile of the files-on-host build `build_name`.
    pub async fn host_dockerfile(
        &self,
        build_name: &str,
    ) -> Result<HostDockerfile, HostDockerfileError> {
        let build = self.store().build(build_name).await?;
        if build.config.source_kind() != SourceKind::FilesOnHost {
            return Err(HostDockerfileError::NotApplicable(format!(
                "build '{build_name}' does not use files_on_host"
            )));
        }
        let catalog = self.store().catalog().await?;
        let builder = ResolvedBuilder::for_build(&build, &catalog)
            .map_err(HostDockerfileError::NotApplicable)?;
        let config = &build.config;
        let (path, contents) = match &builder.target {
            BuilderTarget::Local(_) => {
                let (path, text) = read_host_dockerfile(
                    self.host_builds_dir(),
                    &config.build_path,
                    &config.dockerfile_path,
                )
                .map_err(|e| match e {
                    kiln_engine::HostDockerfileError::NotFound(m) => HostDockerfileError::NotFound(m),
                    kiln_engine::HostDockerfileError::Invalid(m) => HostDockerfileError::Invalid(m),
                    kiln_engine::HostDockerfileError::Io(m) => HostDockerfileError::Unavailable(m),
                })?;
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
            BuilderTarget::Aws(_) => {
                return Err(HostDockerfileError::NotApplicable(format!(
                    "builder '{}' starts a fresh EC2 instance per run: there is no host to read files from",
                    builder.name
                )))
            }
        };
        Ok(HostDockerfile {
            builder: builder.name,
            path,
            contents,
        })
    }
}
