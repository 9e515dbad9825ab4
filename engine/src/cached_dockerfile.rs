//! Reading a git build's Dockerfile from its clone cache (the bare
//! repository the Local builder fetches into), at the last commit a run
//! built, so the UI can show it without cloning.

use std::path::{Component, Path, PathBuf};

use git2::{ObjectType, Repository};

use crate::host_dockerfile::{HostDockerfileError, MAX_DOCKERFILE_BYTES};

/// The ref the clone cache keeps at the last built commit.
pub(crate) const LAST_BUILT_REF: &str = "refs/kiln/last-built";

/// A Dockerfile read from the clone cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedDockerfile {
    /// The full commit id it was read at.
    pub commit: String,
    /// Its path inside the repository.
    pub path: String,
    pub contents: String,
}

/// Reads `build_path/dockerfile_path` (default `Dockerfile`) at the last
/// built commit of the clone cache in `cache_dir`.
pub fn read_cached_dockerfile(
    cache_dir: &Path,
    build_path: &str,
    dockerfile_path: &str,
) -> Result<CachedDockerfile, HostDockerfileError> {
    let path = repo_path(build_path, dockerfile_path)?;
    let shown = path.display().to_string();
    let git_dir = cache_dir.join("git");
    let repo = Repository::open_bare(&git_dir).map_err(|_| {
        HostDockerfileError::NotFound(
            "no clone of this build's repository yet: run the build once to see its Dockerfile"
                .to_string(),
        )
    })?;
    let commit = repo
        .find_reference(LAST_BUILT_REF)
        .and_then(|r| r.peel_to_commit())
        .map_err(|_| {
            HostDockerfileError::NotFound(
                "no commit of this build's repository was built yet: run the build once to see its Dockerfile"
                    .to_string(),
            )
        })?;
    let short = commit.id().to_string().chars().take(7).collect::<String>();
    let entry = commit
        .tree()
        .and_then(|tree| tree.get_path(&path))
        .map_err(|_| {
            HostDockerfileError::NotFound(format!("no Dockerfile at {shown} in commit {short}"))
        })?;
    if entry.kind() != Some(ObjectType::Blob) {
        return Err(HostDockerfileError::Invalid(format!(
            "{shown} in commit {short} is not a file"
        )));
    }
    let blob = entry
        .to_object(&repo)
        .and_then(|o| o.peel_to_blob())
        .map_err(|e| HostDockerfileError::Io(format!("reading {shown}: {}", e.message())))?;
    let size = blob.size() as u64;
    if size > MAX_DOCKERFILE_BYTES {
        return Err(HostDockerfileError::Invalid(format!(
            "{shown} is {size} bytes; the limit is {MAX_DOCKERFILE_BYTES}"
        )));
    }
    let contents = String::from_utf8(blob.content().to_vec()).map_err(|_| {
        HostDockerfileError::Invalid(format!("{shown} in commit {short} is not UTF-8 text"))
    })?;
    Ok(CachedDockerfile {
        commit: commit.id().to_string(),
        path: shown,
        contents,
    })
}

/// The Dockerfile's path in the repository, refusing anything that leaves it.
fn repo_path(build_path: &str, dockerfile_path: &str) -> Result<PathBuf, HostDockerfileError> {
    let dockerfile = if dockerfile_path.trim().is_empty() {
        "Dockerfile"
    } else {
        dockerfile_path
    };
    let mut out = PathBuf::new();
    for (field, value) in [("build_path", build_path), ("dockerfile_path", dockerfile)] {
        for component in Path::new(value).components() {
            match component {
                Component::Normal(part) => out.push(part),
                Component::CurDir => {}
                _ => {
                    return Err(HostDockerfileError::Invalid(format!(
                        "{field} '{value}' must be relative to the repository, without '..'"
                    )))
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit_files(repo: &Repository, files: &[(&str, &str)]) -> git2::Oid {
        let mut index = repo.index().expect("index");
        let workdir = repo.workdir().expect("workdir").to_path_buf();
        for (path, text) in files {
            let full = workdir.join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("dirs");
            std::fs::write(&full, text).expect("write");
            index.add_path(Path::new(path)).expect("add");
        }
        index.write().expect("write index");
        let tree = repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("find tree");
        let sig = git2::Signature::now("t", "t@example.invalid").expect("sig");
        repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &[])
            .expect("commit")
    }

    #[test]
    fn reads_the_last_built_commit_and_names_what_is_missing() {
        let dir = tempfile::tempdir().expect("dir");
        let cache = dir.path().join("cache");
        assert!(matches!(
            read_cached_dockerfile(&cache, "", ""),
            Err(HostDockerfileError::NotFound(m)) if m.contains("no clone")
        ));
        let work = Repository::init(dir.path().join("work")).expect("init");
        let oid = commit_files(&work, &[("app/docker/Dockerfile.prod", "FROM scratch\n")]);
        let bare = Repository::init_bare(cache.join("git")).expect("bare");
        assert!(matches!(
            read_cached_dockerfile(&cache, "", ""),
            Err(HostDockerfileError::NotFound(m)) if m.contains("was built yet")
        ));
        bare.remote_anonymous(&work.path().display().to_string())
            .expect("remote")
            .fetch(&["+HEAD:refs/kiln/last-built"], None, None)
            .expect("fetch");
        let found = read_cached_dockerfile(&cache, "app", "docker/Dockerfile.prod").expect("read");
        assert_eq!(found.contents, "FROM scratch\n");
        assert_eq!(found.commit, oid.to_string());
        assert_eq!(found.path, "app/docker/Dockerfile.prod");
        assert!(matches!(
            read_cached_dockerfile(&cache, "app", "Dockerfile"),
            Err(HostDockerfileError::NotFound(m)) if m.contains("app/Dockerfile")
        ));
        assert!(matches!(
            read_cached_dockerfile(&cache, "app", "docker"),
            Err(HostDockerfileError::Invalid(m)) if m.contains("not a file")
        ));
        assert!(matches!(
            read_cached_dockerfile(&cache, "../x", ""),
            Err(HostDockerfileError::Invalid(m)) if m.contains("build_path")
        ));
    }
}
