//! Where a files-on-host build's directory and Dockerfile really are: the
//! configured paths resolved on this host (symlinks followed), refused
//! unless they stay inside the builds root (`KILN_BUILDS_ROOT` for the
//! Local builder, `builds_root` in an agent's config) and are what they
//! claim to be (a directory; a regular file outside the kernel's file
//! systems).

use kiln_domain::paths::KERNEL_FILESYSTEMS;
use std::path::{Path, PathBuf};

/// Why a host path was refused. Messages name the configured value and
/// what it resolved to, for the user to fix the build or the root.
#[derive(Debug, thiserror::Error)]
pub enum HostPathError {
    /// The path leaves the builds root, or is not a directory / regular file.
    #[error("{0}")]
    Invalid(String),
    /// Nothing exists at the path.
    #[error("{0}")]
    NotFound(String),
    /// The path could not be read (permissions, I/O).
    #[error("{0}")]
    Io(String),
}

/// `path` resolved; `missing` is the message when nothing is there.
fn canonical(path: &Path, missing: impl FnOnce() -> String) -> Result<PathBuf, HostPathError> {
    std::fs::canonicalize(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => HostPathError::NotFound(missing()),
        _ => HostPathError::Io(format!("cannot resolve {}: {e}", path.display())),
    })
}

/// The builds root, resolved.
fn root(builds_root: &Path) -> Result<PathBuf, HostPathError> {
    canonical(builds_root, || {
        format!(
            "the builds root {} does not exist on this host",
            builds_root.display()
        )
    })
}

fn inside(root: &Path, real: &Path, field: &str, value: &str) -> Result<(), HostPathError> {
    if KERNEL_FILESYSTEMS
        .iter()
        .any(|fs| real.starts_with(Path::new(fs)))
    {
        return Err(HostPathError::Invalid(format!(
            "{field} '{value}' resolves to {}, in a kernel file system",
            real.display()
        )));
    }
    if !real.starts_with(root) {
        return Err(HostPathError::Invalid(format!(
            "{field} '{value}' resolves to {}, outside the builds root {} (KILN_BUILDS_ROOT on the Kiln server, builds_root in a kiln-agent's config)",
            real.display(),
            root.display()
        )));
    }
    Ok(())
}

/// The build directory of `build_path` (blank: `.`; relative: under
/// `builds_root`), resolved with symlinks followed; it must be a directory
/// inside the resolved builds root.
pub fn host_build_dir(builds_root: &Path, build_path: &str) -> Result<PathBuf, HostPathError> {
    let value = if build_path.trim().is_empty() {
        "."
    } else {
        build_path
    };
    let configured = PathBuf::from(value);
    let joined = if configured.is_absolute() {
        configured
    } else {
        builds_root.join(configured)
    };
    let real = canonical(&joined, || {
        format!(
            "build_path '{build_path}' does not exist on this host ({})",
            joined.display()
        )
    })?;
    let root = root(builds_root)?;
    inside(&root, &real, "build_path", value)?;
    if !real.is_dir() {
        return Err(HostPathError::Invalid(format!(
            "build_path '{value}' resolves to {}, which is not a directory",
            real.display()
        )));
    }
    Ok(real)
}

/// The Dockerfile `relative` (`dockerfile_path`) under the build directory
/// `dir`, resolved: a regular file inside the resolved builds root.
pub fn host_dockerfile_path(
    builds_root: &Path,
    dir: &Path,
    relative: &str,
) -> Result<PathBuf, HostPathError> {
    let field = "dockerfile_path";
    let root = root(builds_root)?;
    let joined = dir.join(relative);
    let real = canonical(&joined, || format!("no Dockerfile at {}", joined.display()))?;
    inside(&root, &real, field, relative)?;
    let meta = std::fs::metadata(&real)
        .map_err(|e| HostPathError::Io(format!("cannot read {}: {e}", real.display())))?;
    if !meta.is_file() {
        return Err(HostPathError::Invalid(format!(
            "{field} '{relative}' resolves to {}, which is not a regular file",
            real.display()
        )));
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root_whatever_symlinks_say() {
        let dir = tempfile::tempdir().expect("dir");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("app")).expect("app");
        std::fs::write(root.join("app/Dockerfile"), "FROM scratch\n").expect("file");
        std::os::unix::fs::symlink("/proc/self", root.join("proc-link")).expect("link");
        std::os::unix::fs::symlink(dir.path(), root.join("up")).expect("link");
        std::os::unix::fs::symlink("/etc/hostname", root.join("app/host-file")).expect("link");

        let app = host_build_dir(&root, "app").expect("inside");
        assert!(app.ends_with("root/app"));
        host_dockerfile_path(&root, &app, "Dockerfile").expect("regular file");
        for (path, expected) in [
            ("proc-link", "kernel file system"),
            ("/proc/self", "kernel file system"),
            ("up", "outside the builds root"),
            ("/etc", "outside the builds root"),
            ("app/Dockerfile", "not a directory"),
        ] {
            let error = host_build_dir(&root, path).expect_err(path).to_string();
            assert!(error.contains(expected), "{path}: {error}");
        }
        let error = host_dockerfile_path(&root, &app, "host-file")
            .expect_err("symlink out")
            .to_string();
        assert!(error.contains("outside the builds root"), "{error}");
        assert!(matches!(
            host_build_dir(&root, "missing"),
            Err(HostPathError::NotFound(_))
        ));
    }
}
