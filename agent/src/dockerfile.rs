//! Reading a files-on-host build's Dockerfile on this host.

use std::path::Path;

use kiln_engine::{read_host_dockerfile, HostDockerfileError};
use kiln_protocol::{DockerfileText, ErrorKind, ReadDockerfile};

/// Reads the Dockerfile `request` names; relative build paths are under
/// `builds_root`.
pub fn read(
    request: &ReadDockerfile,
    builds_root: &Path,
) -> Result<DockerfileText, (ErrorKind, String)> {
    match read_host_dockerfile(builds_root, &request.build_path, &request.dockerfile_path) {
        Ok((path, contents)) => Ok(DockerfileText {
            path: path.display().to_string(),
            contents,
        }),
        Err(e @ HostDockerfileError::Invalid(_)) => Err((ErrorKind::BadRequest, e.to_string())),
        Err(e @ HostDockerfileError::NotFound(_)) => Err((ErrorKind::NotFound, e.to_string())),
        Err(e @ HostDockerfileError::Io(_)) => Err((ErrorKind::Internal, e.to_string())),
    }
}
