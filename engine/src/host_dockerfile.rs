//! Reading a files-on-host build's Dockerfile where the build would run
//! (the server for Local builders, the agent's host for Server builders),
//! so it can be shown before a run.

use crate::host_path::{host_build_dir, host_dockerfile_path, HostPathError};
use std::path::{Component, Path, PathBuf};

/// The largest Dockerfile read.
pub const MAX_DOCKERFILE_BYTES: u64 = 1024 * 1024;

/// Why the Dockerfile could not be read: the paths' errors
/// ([`HostPathError`]: invalid, not found, I/O), and a file over
/// [`MAX_DOCKERFILE_BYTES`] (invalid).
pub type HostDockerfileError = HostPathError;

/// Reads `build_path/dockerfile_path`: a relative `build_path` is under
/// `builds_root` (as the engine resolves it), `dockerfile_path` must stay
/// inside it (default `Dockerfile`); both are resolved with symlinks
/// followed and must stay inside the builds root ([`crate::host_path`]).
/// Returns the file's path and text.
pub fn read_host_dockerfile(
    builds_root: &Path,
    build_path: &str,
    dockerfile_path: &str,
) -> Result<(PathBuf, String), HostDockerfileError> {
    let dockerfile = if dockerfile_path.trim().is_empty() {
        "Dockerfile"
    } else {
        dockerfile_path
    };
    let relative = Path::new(dockerfile);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(HostDockerfileError::Invalid(format!(
            "dockerfile_path '{dockerfile}' must be relative to build_path, without '..'"
        )));
    }
    let dir = host_build_dir(builds_root, build_path)?;
    let path = host_dockerfile_path(builds_root, &dir, dockerfile)?;
    let size = std::fs::metadata(&path)
        .map_err(|e| HostDockerfileError::Io(format!("cannot read {}: {e}", path.display())))?
        .len();
    if size > MAX_DOCKERFILE_BYTES {
        return Err(HostDockerfileError::Invalid(format!(
            "{} is {size} bytes; the limit is {MAX_DOCKERFILE_BYTES}",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| HostDockerfileError::Io(format!("cannot read {}: {e}", path.display())))?;
    Ok((path, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_under_the_root_and_refuses_escapes() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join("app")).expect("app");
        std::fs::write(dir.path().join("app/Dockerfile"), "FROM scratch\n").expect("file");
        let (path, text) = read_host_dockerfile(dir.path(), "app", "").expect("read");
        assert_eq!(text, "FROM scratch\n");
        assert!(path.ends_with("app/Dockerfile"));
        assert!(matches!(
            read_host_dockerfile(dir.path(), "app", "../../etc/passwd"),
            Err(HostDockerfileError::Invalid(_))
        ));
        assert!(matches!(
            read_host_dockerfile(dir.path(), "app", "Nope"),
            Err(HostDockerfileError::NotFound(_))
        ));
    }
}
