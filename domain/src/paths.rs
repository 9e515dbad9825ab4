//! The paths a UI or git build names inside its build directory
//! (`build_path`, `dockerfile_path`, `pre_build.path`): relative, without
//! `..`. One check, made at save time by [`crate::validation`] and again by
//! the engine before a run touches the disk (agents receive jobs directly).
//!
//! Paths are read with `/` as the only separator, whatever the platform
//! (the browser runs this code too). A files-on-host build's `build_path`
//! may be absolute: [`host_paths`] checks what can be checked without the
//! builder host's disk; the engine resolves it there (symlinks followed)
//! and keeps it inside the builds root.

use crate::BuildConfig;
use std::fmt;

/// Checks one configured path: it must be relative and have no `..`
/// component. Returns it normalised: `.` and empty components dropped,
/// joined with `/` (`""` and `"."` give `""`: the directory itself).
///
/// The error is a sentence starting with the quoted value, for the caller
/// to prefix with the field name: `'../x' leaves the build directory: '..'
/// is not allowed` or `'/etc' must be relative to the build directory, not
/// absolute`.
pub fn relative_path(value: &str) -> Result<String, String> {
    if value.starts_with('/') {
        return Err(format!(
            "'{value}' must be relative to the build directory, not absolute"
        ));
    }
    let mut parts = Vec::new();
    for part in value.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(format!(
                    "'{value}' leaves the build directory: '..' is not allowed"
                ))
            }
            normal => parts.push(normal),
        }
    }
    Ok(parts.join("/"))
}

/// The checked paths of a UI or git build, normalised by [`relative_path`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildPaths {
    /// `build_path`; `""` is the checkout (or UI directory) itself.
    pub build_path: String,
    /// `dockerfile_path` relative to the build path (`Dockerfile` when
    /// blank); never empty.
    pub dockerfile_path: String,
    /// `pre_build.path`; `""` is the checkout itself.
    pub pre_build_path: String,
}

/// One refused path: the field as the config names it (`build_path`,
/// `dockerfile_path`, `pre_build.path`) and why. Displays as
/// `{field} {message}`, e.g. `build_path '../x' leaves the build directory:
/// '..' is not allowed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathProblem {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

/// Checks `build_path`, `dockerfile_path` and `pre_build.path` of a UI or
/// git build (callers skip files-on-host builds). Every problem is
/// returned, in that field order; a `dockerfile_path` that names the build
/// directory itself (`.`) is one.
pub fn build_paths(config: &BuildConfig) -> Result<BuildPaths, Vec<PathProblem>> {
    let dockerfile_value = if config.dockerfile_path.trim().is_empty() {
        "Dockerfile"
    } else {
        config.dockerfile_path.as_str()
    };
    let mut problems = Vec::new();
    let [build_path, dockerfile_path, pre_build_path] = [
        ("build_path", config.build_path.as_str()),
        ("dockerfile_path", dockerfile_value),
        ("pre_build.path", config.pre_build.path.as_str()),
    ]
    .map(|(field, value)| {
        let checked = relative_path(value).and_then(|path| {
            if field == "dockerfile_path" && path.is_empty() {
                Err(format!(
                    "'{value}' names the build directory, not a file: name the Dockerfile, e.g. Dockerfile"
                ))
            } else {
                Ok(path)
            }
        });
        checked.unwrap_or_else(|message| {
            problems.push(PathProblem { field, message });
            String::new()
        })
    });
    if problems.is_empty() {
        Ok(BuildPaths {
            build_path,
            dockerfile_path,
            pre_build_path,
        })
    } else {
        Err(problems)
    }
}

/// The kernel's file systems: nothing in them is a build context or a
/// Dockerfile (`/proc/self/environ` holds the process's environment).
pub const KERNEL_FILESYSTEMS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// The save-time checks of a files-on-host build's paths: `build_path` has
/// no `..` component and is not in a kernel file system
/// ([`KERNEL_FILESYSTEMS`]); `dockerfile_path` is relative to it, without
/// `..`. Whether `build_path` exists and stays inside the builds root is
/// checked where the build runs.
pub fn host_paths(config: &BuildConfig) -> Vec<PathProblem> {
    let mut problems = Vec::new();
    let build_path = config.build_path.as_str();
    if build_path.split('/').any(|part| part == "..") {
        problems.push(PathProblem {
            field: "build_path",
            message: format!(
                "'{build_path}' contains '..': name the directory under the builds root directly"
            ),
        });
    } else if KERNEL_FILESYSTEMS
        .iter()
        .any(|fs| build_path == *fs || build_path.starts_with(&format!("{fs}/")))
    {
        problems.push(PathProblem {
            field: "build_path",
            message: format!("'{build_path}' is in a kernel file system, not a build directory"),
        });
    }
    let dockerfile = config.dockerfile_path.as_str();
    if let Err(message) = relative_path(dockerfile) {
        problems.push(PathProblem {
            field: "dockerfile_path",
            message,
        });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_normalised() {
        assert_eq!(relative_path("./a/./b").as_deref(), Ok("a/b"));
        assert_eq!(relative_path("a//b/").as_deref(), Ok("a/b"));
        assert_eq!(relative_path(".").as_deref(), Ok(""));
        assert_eq!(relative_path("").as_deref(), Ok(""));
        assert_eq!(relative_path("a/..b/c..").as_deref(), Ok("a/..b/c.."));
    }

    #[test]
    fn parent_and_absolute_paths_are_refused() {
        assert_eq!(
            relative_path("a/../../b"),
            Err("'a/../../b' leaves the build directory: '..' is not allowed".to_string())
        );
        assert_eq!(
            relative_path("/etc/passwd"),
            Err("'/etc/passwd' must be relative to the build directory, not absolute".to_string())
        );
    }
}
