//! Keeping `build_path`, `dockerfile_path` and `pre_build.path` inside the
//! build directory of git and UI sources: the configured text is checked by
//! `kiln_domain::paths` (in the run plan), the disk by [`resolve_inside`].

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// `root/relative`, following the symlinks that already exist on the way and
/// refusing any that lead outside `root` (or nowhere). Missing components are
/// fine: they will be created as plain directories or files.
pub(crate) fn resolve_inside(
    root: &Path,
    relative: &Path,
    field: &str,
    value: &str,
) -> Result<PathBuf, String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("reading the build directory {}: {e}", root.display()))?;
    let mut current = root.clone();
    for part in relative.components() {
        let next = current.join(part);
        match std::fs::symlink_metadata(&next) {
            Ok(meta) => {
                let resolved = next.canonicalize().map_err(|_| {
                    if meta.file_type().is_symlink() {
                        let target = std::fs::read_link(&next)
                            .map(|t| t.display().to_string())
                            .unwrap_or_default();
                        format!("{field} '{value}' goes through the symlink {} -> {target}, which points nowhere", shown(&root, &next))
                    } else {
                        format!("{field} '{value}': cannot read {}", shown(&root, &next))
                    }
                })?;
                if !resolved.starts_with(&root) {
                    return Err(format!(
                        "{field} '{value}' leads outside the build directory through the symlink {}",
                        shown(&root, &next)
                    ));
                }
                current = resolved;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => current = next,
            Err(e) => {
                return Err(format!(
                    "{field} '{value}': reading {}: {e}",
                    shown(&root, &next)
                ))
            }
        }
    }
    Ok(current)
}

/// A path inside the build directory as the user wrote it (relative).
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_out_are_refused_and_inside_accepted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("real")).expect("dirs");
        std::os::unix::fs::symlink("/etc", root.join("out")).expect("symlink");
        std::os::unix::fs::symlink("real", root.join("in")).expect("symlink");
        std::os::unix::fs::symlink("/nonexistent/x", root.join("dangling")).expect("symlink");
        let error =
            resolve_inside(&root, Path::new("out/passwd"), "build_path", "out").unwrap_err();
        assert!(error.contains("outside"), "{error}");
        let inside =
            resolve_inside(&root, Path::new("in/new/Dockerfile"), "f", "v").expect("inside");
        assert!(
            inside.ends_with("real/new/Dockerfile"),
            "{}",
            inside.display()
        );
        let error = resolve_inside(&root, Path::new("dangling"), "f", "dangling").unwrap_err();
        assert!(error.contains("points nowhere"), "{error}");
    }
}
