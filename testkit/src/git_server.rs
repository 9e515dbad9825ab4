//! A real smart-HTTP git server on 127.0.0.1: `git http-backend` run as CGI by a small
//! Python HTTP server (`testkit/scripts/git_http_server.py`), with optional Basic auth.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tempfile::TempDir;

use crate::git_cli::GitCli;
use crate::ports::wait_http;
use crate::process::{is_executable, log_tail, which, ServiceProcess};

/// A running git HTTP server serving the bare repositories made with
/// [`GitServer::create_repo`]. Dropping it kills the server and removes every repository.
///
/// A repository `team/app` is served at both `http://127.0.0.1:PORT/team/app.git` and
/// `http://127.0.0.1:PORT/team/app` (clone, fetch, shallow clone, fetch of any reachable
/// commit by SHA, protocol v0 and v2; pushes over HTTP work too). With auth, every
/// request without the right credentials gets 401 with `WWW-Authenticate: Basic`.
pub struct GitServer {
    domain: String,
    auth: Option<(String, String)>,
    git: GitCli,
    repos: PathBuf,
    work: PathBuf,
    // Declared before `_dir`: the server must stop before its files are removed.
    process: ServiceProcess,
    _dir: TempDir,
}

/// A repository on a [`GitServer`], with helpers to add commits, branches and tags.
///
/// Changes are made with the git CLI in a private work tree and pushed into the bare
/// repository on disk, with the fixed identity `Kiln Test <kiln-test@example.invalid>`.
pub struct RepoHandle {
    path: String,
    domain: String,
    bare: PathBuf,
    work: PathBuf,
    git: GitCli,
    lock: tokio::sync::Mutex<()>,
}

impl GitServer {
    /// Starts a server on a free port of 127.0.0.1; with `auth = Some((user, password))`
    /// every request needs those Basic credentials.
    pub async fn start(auth: Option<(&str, &str)>) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("kiln-git-")
            .tempdir()
            .context("creating a temp dir for the git server")?;
        let git = GitCli::new(dir.path())?;
        let repos = dir.path().join("repos");
        let work = dir.path().join("work");
        for sub in [&repos, &work] {
            std::fs::create_dir_all(sub).with_context(|| format!("creating {}", sub.display()))?;
        }
        let script = dir.path().join("git_http_server.py");
        std::fs::write(&script, SERVER_SCRIPT)
            .with_context(|| format!("writing {}", script.display()))?;
        let port_file = dir.path().join("port");
        let mut command = Command::new(find_python()?);
        command
            .arg("-u")
            .arg(&script)
            .arg("--root")
            .arg(&repos)
            .arg("--port-file")
            .arg(&port_file)
            .arg("--git")
            .arg(&git.program)
            .current_dir(dir.path());
        git.apply_env(&mut command);
        if let Some((user, password)) = auth {
            command.env("KILN_GIT_AUTH", format!("{user}:{password}"));
        }
        let mut process = ServiceProcess::spawn(
            "git http server",
            command,
            &dir.path().join("server.log"),
            STOP_GRACE,
        )?;
        let port = wait_port_file(&mut process, &port_file).await?;
        let domain = format!("127.0.0.1:{port}");
        wait_http(&format!("http://{domain}/"), START_TIMEOUT).await?;
        Ok(Self {
            domain,
            auth: auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
            git,
            repos,
            work,
            process,
            _dir: dir,
        })
    }

    /// `127.0.0.1:PORT`: the git provider domain in Kiln's `http://{domain}/{repo}` form.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.domain)
    }

    /// The user and password the server requires, if any.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.auth.as_ref().map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// The process id of the HTTP server.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Creates an empty bare repository at `path` (e.g. `team/app`; a trailing `.git` is
    /// ignored) whose default branch is `main`. Fails if it already exists.
    pub async fn create_repo(&self, path: &str) -> anyhow::Result<RepoHandle> {
        let path = normalize_repo_path(path)?;
        let bare = self.repos.join(format!("{path}.git"));
        if bare.exists() {
            bail!("repository {path} already exists");
        }
        let work = self.work.join(&path);
        let git = &self.git;
        let bare_arg = path_arg(&bare)?;
        let work_arg = path_arg(&work)?;
        git.run(
            &self.repos,
            &["init", "-q", "--bare", "--initial-branch=main", bare_arg],
        )
        .await?;
        for (key, value) in [
            ("uploadpack.allowReachableSHA1InWant", "true"),
            ("uploadpack.allowFilter", "true"),
            ("http.receivepack", "true"),
        ] {
            git.run(&bare, &["config", key, value]).await?;
        }
        git.run(
            &self.work,
            &["init", "-q", "--initial-branch=main", work_arg],
        )
        .await?;
        git.run(&work, &["remote", "add", "origin", bare_arg])
            .await?;
        Ok(RepoHandle {
            path,
            domain: self.domain.clone(),
            bare,
            work,
            git: git.clone(),
            lock: tokio::sync::Mutex::new(()),
        })
    }
}

impl RepoHandle {
    /// The repository path on the server, e.g. `team/app`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `127.0.0.1:PORT`.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// `http://127.0.0.1:PORT/team/app.git`.
    pub fn url(&self) -> String {
        format!("http://{}/{}.git", self.domain, self.path)
    }

    /// `http://127.0.0.1:PORT/team/app` (Kiln's `http://{git_provider}/{repo}` form).
    pub fn url_without_suffix(&self) -> String {
        format!("http://{}/{}", self.domain, self.path)
    }

    /// The bare repository on disk.
    pub fn bare_dir(&self) -> &Path {
        &self.bare
    }

    /// Writes `files` (path relative to the repository root, contents) on top of
    /// `branch`, commits everything with `message` and pushes; returns the commit SHA.
    ///
    /// A branch that does not exist yet starts from `main` (or, without `main`, from
    /// the last commit made through this handle); the first commit of the repository
    /// is a root commit and becomes the default branch if `main` does not exist.
    pub async fn commit(
        &self,
        branch: &str,
        files: &[(&str, &str)],
        message: &str,
    ) -> anyhow::Result<String> {
        let _guard = self.lock.lock().await;
        let git = &self.git;
        let work = &self.work;
        let local = format!("refs/heads/{branch}");
        if git
            .succeeds(work, &["rev-parse", "--verify", "-q", &local])
            .await?
        {
            git.run(work, &["checkout", "-q", "-f", branch]).await?;
        } else if git
            .succeeds(work, &["rev-parse", "--verify", "-q", "HEAD"])
            .await?
        {
            let base = if git
                .succeeds(work, &["rev-parse", "--verify", "-q", "refs/heads/main"])
                .await?
            {
                "main"
            } else {
                "HEAD"
            };
            git.run(work, &["checkout", "-q", "-f", "-b", branch, base])
                .await?;
        } else {
            git.run(work, &["symbolic-ref", "HEAD", &local]).await?;
        }
        for (path, contents) in files {
            let target = work.join(checked_relative(path)?);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&target, contents)
                .with_context(|| format!("writing {}", target.display()))?;
        }
        git.run(work, &["add", "-A"]).await?;
        git.run(work, &["commit", "-q", "--allow-empty", "-m", message])
            .await?;
        let sha = git.run(work, &["rev-parse", "HEAD"]).await?;
        self.push(&local).await?;
        if !git
            .succeeds(&self.bare, &["rev-parse", "--verify", "-q", "HEAD"])
            .await?
        {
            git.run(&self.bare, &["symbolic-ref", "HEAD", &local])
                .await?;
        }
        Ok(sha)
    }

    /// Creates or moves the lightweight tag `name` to `sha` (any commit-ish) and pushes it.
    pub async fn tag(&self, name: &str, sha: &str) -> anyhow::Result<()> {
        let _guard = self.lock.lock().await;
        self.git.run(&self.work, &["tag", "-f", name, sha]).await?;
        self.push(&format!("refs/tags/{name}")).await
    }

    /// Creates or moves the annotated tag `name` to `sha` and pushes it.
    pub async fn annotated_tag(&self, name: &str, sha: &str, message: &str) -> anyhow::Result<()> {
        let _guard = self.lock.lock().await;
        self.git
            .run(&self.work, &["tag", "-f", "-a", "-m", message, name, sha])
            .await?;
        self.push(&format!("refs/tags/{name}")).await
    }

    /// Creates or moves branch `name` to `from` (a SHA, branch or tag) and pushes it.
    pub async fn branch(&self, name: &str, from: &str) -> anyhow::Result<()> {
        let _guard = self.lock.lock().await;
        // Detach first: git refuses to move the checked-out branch.
        self.git
            .run(&self.work, &["checkout", "-q", "-f", "--detach"])
            .await?;
        self.git
            .run(&self.work, &["branch", "-f", name, from])
            .await?;
        self.push(&format!("refs/heads/{name}")).await
    }

    /// The SHA that `branch` points to on the server.
    pub async fn head(&self, branch: &str) -> anyhow::Result<String> {
        self.git
            .run(
                &self.bare,
                &[
                    "rev-parse",
                    "--verify",
                    &format!("refs/heads/{branch}^{{commit}}"),
                ],
            )
            .await
    }

    async fn push(&self, reference: &str) -> anyhow::Result<()> {
        self.git
            .run(
                &self.work,
                &[
                    "push",
                    "-q",
                    "-f",
                    "origin",
                    &format!("{reference}:{reference}"),
                ],
            )
            .await
            .map(drop)
    }
}

/// The server script, written into each server's temp dir.
const SERVER_SCRIPT: &str = include_str!("../scripts/git_http_server.py");
/// How long the server may take to listen and answer.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the server gets to exit after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(3);
/// Waits for the server to write its port, failing early if it exits.
async fn wait_port_file(process: &mut ServiceProcess, port_file: &Path) -> anyhow::Result<u16> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        process.check_running()?;
        if let Ok(text) = std::fs::read_to_string(port_file) {
            return text
                .trim()
                .parse()
                .with_context(|| format!("{} holds no port: {text:?}", port_file.display()));
        }
        if Instant::now() >= deadline {
            bail!(
                "the git server did not start within {START_TIMEOUT:?}; last lines of {}:\n{}",
                process.log_path().display(),
                log_tail(process.log_path(), 30)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Debian's `/usr/bin/python3` if present, else `python3` from `PATH`.
fn find_python() -> anyhow::Result<PathBuf> {
    let system = PathBuf::from("/usr/bin/python3");
    if is_executable(&system) {
        return Ok(system);
    }
    which("python3").context("`python3` is not on PATH: install the Debian package python3")
}

/// `team/app.git`, `/team/app/` → `team/app`; only `[A-Za-z0-9._-]` segments.
fn normalize_repo_path(path: &str) -> anyhow::Result<String> {
    let trimmed = path.trim_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let valid = !trimmed.is_empty()
        && trimmed.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
    if !valid {
        bail!("invalid repository path {path:?}: use segments of [A-Za-z0-9._-] like team/app");
    }
    Ok(trimmed.to_owned())
}

/// Checks that a file path stays inside the work tree and is not under `.git`.
fn checked_relative(path: &str) -> anyhow::Result<&Path> {
    let relative = Path::new(path);
    let escapes = relative.is_absolute()
        || relative.components().any(|c| {
            matches!(
                c,
                std::path::Component::ParentDir | std::path::Component::RootDir
            )
        })
        || relative.components().next() == Some(std::path::Component::Normal(".git".as_ref()));
    if escapes || path.is_empty() {
        bail!("file path {path:?} must be relative, inside the repository and not in .git");
    }
    Ok(relative)
}

fn path_arg(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_are_normalized() {
        assert_eq!(normalize_repo_path("team/app").unwrap(), "team/app");
        assert_eq!(normalize_repo_path("/team/app.git").unwrap(), "team/app");
        assert!(normalize_repo_path("../x").is_err());
        assert!(normalize_repo_path("team//app").is_err());
        assert!(normalize_repo_path("").is_err());
    }

    #[test]
    fn file_paths_stay_inside() {
        assert!(checked_relative("src/main.rs").is_ok());
        assert!(checked_relative("/etc/passwd").is_err());
        assert!(checked_relative("a/../../x").is_err());
        assert!(checked_relative(".git/config").is_err());
    }
}
