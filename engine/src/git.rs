//! Git sources: a per-Build clone cache fetched incrementally, and a fresh
//! checkout of the wanted commit for each run.
//!
//! The cache is a bare repository (`<clone_cache>/git`). Each run fetches
//! only what the cache lacks (shallow, depth 1, unless a commit is pinned),
//! then makes the build directory a repository whose object store borrows
//! the cache's (`objects/info/alternates`, like `git clone --shared`) and
//! checks the commit out there, submodules included. Everything here is
//! blocking: run it on a blocking thread. Cancel is checked by every git
//! callback (progress, sideband, credentials), which aborts libgit2. A
//! server that sends nothing fires no callback: libgit2's connect and read
//! timeouts ([`CONNECT_TIMEOUT_MS`], [`READ_TIMEOUT_MS`]) end such a fetch,
//! so a thread the run stopped waiting for ends too.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use git2::build::CheckoutBuilder;
use git2::{
    AutotagOption, Cred, CredentialType, ErrorCode, FetchOptions, Oid, RemoteCallbacks,
    RemoteRedirect, Repository, SubmoduleUpdateOptions,
};
use tokio_util::sync::CancellationToken;

use crate::cached_dockerfile::LAST_BUILT_REF;
use crate::error::{Abort, Outcome};
use crate::net_policy::{git_remote_host, NetPolicy};
use crate::stage::{StageHandle, Stream};

/// Where to fetch from and what to check out.
#[derive(Clone, Debug)]
pub(crate) struct GitSource {
    /// `http(s)://provider/repo`, without credentials.
    pub url: String,
    /// The provider's `host[:port]`: credentials are only sent there.
    pub provider: String,
    pub branch: String,
    /// A pinned commit (full or abbreviated hash, or any revision).
    pub commit: Option<String>,
    /// (username, token) of the git account.
    pub credentials: Option<(String, String)>,
    /// Where fetches may go: the provider's and every submodule's host are
    /// checked before fetching (`net_policy`).
    pub policy: NetPolicy,
}

/// The commit checked out.
#[derive(Clone, Debug)]
pub(crate) struct Checkout {
    pub commit: String,
    /// `git rev-parse --short`: 7 characters, more when ambiguous.
    pub short: String,
    pub summary: String,
}

/// Fetches `source` into the cache at `cache_dir` and checks it out into
/// `dest` (which must not exist). On cancel, `dest` is removed.
pub(crate) fn fetch_and_checkout(
    source: &GitSource,
    cache_dir: &Path,
    dest: &Path,
    stage: &StageHandle,
    cancel: &CancellationToken,
) -> Outcome<Checkout> {
    set_network_timeouts();
    let session = Session {
        source,
        stage,
        cancel,
        credential_calls: Cell::new(0),
    };
    let outcome = session.run(cache_dir, dest);
    if matches!(outcome, Err(Abort::Cancelled)) || cancel.is_cancelled() {
        let _ = std::fs::remove_dir_all(dest);
        return Err(Abort::Cancelled);
    }
    outcome
}

/// How long libgit2 may take to connect to a git server, in milliseconds.
pub(crate) const CONNECT_TIMEOUT_MS: libc::c_int = 15_000;
/// How long libgit2 waits for one read from (or write to) a git server
/// before the fetch fails, in milliseconds. Servers send progress while they
/// pack, so a healthy fetch is never silent this long. Unit tests use a
/// short one to see it fire.
#[cfg(not(test))]
pub(crate) const READ_TIMEOUT_MS: libc::c_int = 60_000;
#[cfg(test)]
pub(crate) const READ_TIMEOUT_MS: libc::c_int = 1_500;

/// Gives libgit2 its connect and read timeouts (once per process; they are
/// process-wide settings).
fn set_network_timeouts() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        // SAFETY: libgit2 keeps both as plain global ints that it reads only
        // when it opens a connection. Every fetch in this process goes
        // through `fetch_and_checkout`, which calls this first, and `Once`
        // orders this write before any of those reads.
        let set = unsafe {
            git2::opts::set_server_connect_timeout_in_milliseconds(CONNECT_TIMEOUT_MS)
                .and_then(|()| git2::opts::set_server_timeout_in_milliseconds(READ_TIMEOUT_MS))
        };
        // Neither setter can fail (git2 says so); the Result only mirrors
        // `git_libgit2_opts`.
        debug_assert!(set.is_ok(), "setting git's network timeouts: {set:?}");
    });
}

/// libgit2 asks again and again for credentials the server refuses: give up
/// after this many answers.
const MAX_CREDENTIAL_ATTEMPTS: u32 = 3;
/// libgit2's `GIT_FETCH_DEPTH_UNSHALLOW`.
const UNSHALLOW: i32 = i32::MAX;
/// How often fetch progress is reported.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// Nesting limit for submodules of submodules.
const MAX_SUBMODULE_DEPTH: usize = 5;

struct Session<'a> {
    source: &'a GitSource,
    stage: &'a StageHandle,
    cancel: &'a CancellationToken,
    /// Credential answers during the current fetch.
    credential_calls: Cell<u32>,
}

impl Session<'_> {
    fn run(&self, cache_dir: &Path, dest: &Path) -> Outcome<Checkout> {
        let started = Instant::now();
        let cache = self.open_cache(cache_dir)?;
        let oid = self.resolve(&cache)?;
        cache
            .reference(LAST_BUILT_REF, oid, true, "kiln: last built commit")
            .map_err(|e| Abort::failed(format!("updating the clone cache: {}", e.message())))?;
        self.checkout(&cache, oid, dest)?;
        self.stage.line(
            Stream::Stdout,
            &format!("checked out in {:.1} s", started.elapsed().as_secs_f64()),
        );
        let commit = cache
            .find_commit(oid)
            .map_err(|e| Abort::failed(format!("reading commit {oid}: {}", e.message())))?;
        let short = commit
            .as_object()
            .short_id()
            .ok()
            .and_then(|buf| buf.as_str().ok().map(str::to_string))
            .unwrap_or_else(|| oid.to_string().chars().take(7).collect());
        Ok(Checkout {
            commit: oid.to_string(),
            short,
            summary: commit.summary().ok().flatten().unwrap_or("").to_string(),
        })
    }

    /// Opens the cache, or makes a new one when it is missing, unreadable or
    /// holds another repository.
    fn open_cache(&self, cache_dir: &Path) -> Outcome<Repository> {
        let git_dir = cache_dir.join("git");
        let url = &self.source.url;
        if git_dir.exists() {
            if let Ok(repo) = Repository::open_bare(&git_dir) {
                let same = repo
                    .find_remote("origin")
                    .ok()
                    .is_some_and(|remote| remote.url().ok() == Some(url.as_str()));
                if same {
                    self.say(&format!("using the clone cache {}", git_dir.display()));
                    return Ok(repo);
                }
            }
            self.say("the clone cache holds another repository: starting afresh");
            std::fs::remove_dir_all(&git_dir).map_err(|e| {
                Abort::failed(format!(
                    "removing the stale clone cache {}: {e}",
                    git_dir.display()
                ))
            })?;
        }
        std::fs::create_dir_all(cache_dir).map_err(|e| {
            Abort::failed(format!(
                "creating the clone cache {}: {e}",
                cache_dir.display()
            ))
        })?;
        let repo = Repository::init_bare(&git_dir)
            .and_then(|repo| {
                repo.remote("origin", url)?;
                Ok(repo)
            })
            .map_err(|e| Abort::failed(format!("creating the clone cache: {}", e.message())))?;
        self.say(&format!("new clone cache {}", git_dir.display()));
        Ok(repo)
    }

    /// Fetches what is needed and returns the commit to build.
    fn resolve(&self, cache: &Repository) -> Outcome<Oid> {
        let branch = &self.source.branch;
        let tracking = format!("refs/remotes/origin/{branch}");
        let branch_spec = format!("+refs/heads/{branch}:{tracking}");
        let Some(commit) = &self.source.commit else {
            // A branch deleted upstream must not build from a stale ref.
            if let Ok(mut stale) = cache.find_reference(&tracking) {
                let _ = stale.delete();
            }
            self.fetch(cache, &branch_spec, Some(1))?;
            return cache
                .find_reference(&tracking)
                .and_then(|r| r.peel_to_commit())
                .map(|c| c.id())
                .map_err(|_| {
                    Abort::failed(format!(
                        "branch '{branch}' not found in {}",
                        self.source.url
                    ))
                });
        };
        if let Some(oid) = full_hash(commit) {
            if cache.find_commit(oid).is_ok() {
                self.say(&format!("commit {commit} is already in the clone cache"));
                return Ok(oid);
            }
            match self.fetch(cache, commit, Some(1)) {
                Ok(()) if cache.find_commit(oid).is_ok() => return Ok(oid),
                Ok(()) => {}
                Err(Abort::Cancelled) => return Err(Abort::Cancelled),
                Err(error) if self.credential_calls.get() > 1 => return Err(error),
                Err(_) => self.say(&format!(
                    "the server does not serve {commit} by hash: fetching the whole branch {branch}"
                )),
            }
        }
        let depth = cache.is_shallow().then_some(UNSHALLOW);
        self.fetch(cache, &branch_spec, depth)?;
        cache
            .revparse_single(commit)
            .and_then(|object| object.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| {
                Abort::failed(format!(
                    "commit '{commit}' not found in {} (branch '{branch}')",
                    self.source.url
                ))
            })
    }

    /// `git fetch origin <refspec>` into the cache, with progress lines.
    fn fetch(&self, cache: &Repository, refspec: &str, depth: Option<i32>) -> Outcome<()> {
        let started = Instant::now();
        let url = &self.source.url;
        self.check_remote("git provider", url)?;
        let mut remote = cache
            .find_remote("origin")
            .map_err(|e| Abort::failed(format!("reading the clone cache: {}", e.message())))?;
        let mut options = self.fetch_options();
        if let Some(depth) = depth {
            options.depth(depth);
        }
        options.download_tags(AutotagOption::None);
        options.update_fetchhead(false);
        remote
            .fetch(&[refspec], Some(&mut options), None)
            .map_err(|e| self.git_error(&format!("fetching {refspec} from {url}"), &e))?;
        let stats = remote.stats();
        self.say(&format!(
            "fetched {refspec}: received {} objects, {} bytes in {:.1} s",
            stats.received_objects(),
            stats.received_bytes(),
            started.elapsed().as_secs_f64()
        ));
        Ok(())
    }

    /// Makes `dest` a repository sharing the cache's objects and checks out `oid`.
    fn checkout(&self, cache: &Repository, oid: Oid, dest: &Path) -> Outcome<()> {
        let failed = |what: &str, e: git2::Error| {
            Abort::failed(format!("checking out {oid} ({what}): {}", e.message()))
        };
        let io_failed = |what: &Path, e: std::io::Error| {
            Abort::failed(format!("writing {}: {e}", what.display()))
        };
        let git_dir = Repository::init(dest)
            .map_err(|e| failed("creating the build directory", e))?
            .path()
            .to_path_buf();
        let alternates = git_dir.join("objects").join("info").join("alternates");
        let cache_objects: PathBuf = cache.path().join("objects");
        std::fs::write(&alternates, format!("{}\n", cache_objects.display()))
            .map_err(|e| io_failed(&alternates, e))?;
        if cache.is_shallow() {
            let shallow = git_dir.join("shallow");
            std::fs::copy(cache.path().join("shallow"), &shallow)
                .map_err(|e| io_failed(&shallow, e))?;
        }
        // Opened again so that the object store sees the alternates.
        let repo = Repository::open(dest).map_err(|e| failed("opening the checkout", e))?;
        repo.remote("origin", &self.source.url)
            .map_err(|e| failed("setting origin", e))?;
        let commit = repo
            .find_commit(oid)
            .map_err(|e| failed("reading the commit", e))?;
        repo.set_head_detached(oid)
            .map_err(|e| failed("setting HEAD", e))?;
        if self.source.commit.is_none() {
            let branch = &self.source.branch;
            repo.branch(branch, &commit, true)
                .and_then(|_| repo.set_head(&format!("refs/heads/{branch}")))
                .map_err(|e| failed("creating the branch", e))?;
        }
        self.check_cancel()?;
        repo.checkout_head(Some(CheckoutBuilder::new().force()))
            .map_err(|e| failed("writing the files", e))?;
        self.update_submodules(&repo, 0)
    }

    fn update_submodules(&self, repo: &Repository, depth: usize) -> Outcome<()> {
        let submodules = repo
            .submodules()
            .map_err(|e| Abort::failed(format!("reading .gitmodules: {}", e.message())))?;
        for mut submodule in submodules {
            self.check_cancel()?;
            let path = submodule.path().display().to_string();
            let url = submodule.url().ok().flatten().unwrap_or("").to_string();
            self.say(&format!("submodule {path}: {url}"));
            // Relative URLs resolve against the (checked) provider's URL.
            if !(url.starts_with("./") || url.starts_with("../")) {
                self.check_remote(&format!("submodule {path}"), &url)?;
            }
            let mut options = SubmoduleUpdateOptions::new();
            options.fetch(self.fetch_options());
            options.allow_fetch(true);
            submodule.update(true, Some(&mut options)).map_err(|e| {
                self.git_error(&format!("updating submodule {path} from {url}"), &e)
            })?;
            if depth < MAX_SUBMODULE_DEPTH {
                let inner = submodule.open().map_err(|e| {
                    Abort::failed(format!("opening submodule {path}: {}", e.message()))
                })?;
                self.update_submodules(&inner, depth + 1)?;
            }
        }
        Ok(())
    }

    /// Refuses a remote that is not http(s)/ssh (a local path, `file://`)
    /// or whose host resolves where the policy forbids.
    fn check_remote(&self, what: &str, url: &str) -> Outcome<()> {
        let (host, port) = git_remote_host(what, url).map_err(|e| Abort::failed(e.to_string()))?;
        self.source
            .policy
            .check_host_blocking(what, &host, port)
            .map(|_| ())
            .map_err(|e| Abort::failed(e.to_string()))
    }

    /// Fetch options whose callbacks answer credentials (only for the
    /// provider's host), report progress and abort on cancel. Redirects
    /// are not followed (they could lead to another host).
    fn fetch_options(&self) -> FetchOptions<'_> {
        self.credential_calls.set(0);
        let mut callbacks = RemoteCallbacks::new();
        callbacks.credentials(move |url, _username, allowed| self.credentials(url, allowed));
        let mut last_report = Instant::now();
        callbacks.transfer_progress(move |progress| {
            if self.cancel.is_cancelled() {
                return false;
            }
            if last_report.elapsed() >= PROGRESS_EVERY {
                last_report = Instant::now();
                let total = progress.total_objects().max(1);
                self.say(&format!(
                    "receiving objects: {}% ({}/{}), {} KiB",
                    progress.received_objects() * 100 / total,
                    progress.received_objects(),
                    progress.total_objects(),
                    progress.received_bytes() / 1024
                ));
            }
            true
        });
        let mut pending = String::new();
        callbacks.sideband_progress(move |data| {
            if self.cancel.is_cancelled() {
                return false;
            }
            for c in String::from_utf8_lossy(data).chars() {
                match c {
                    // Progress counters rewrite their line: keep only the last state.
                    '\r' => pending.clear(),
                    '\n' => {
                        let line = pending.trim();
                        if !line.is_empty() {
                            self.stage.line(Stream::Stderr, &format!("remote: {line}"));
                        }
                        pending.clear();
                    }
                    c => pending.push(c),
                }
            }
            true
        });
        let mut options = FetchOptions::new();
        options.remote_callbacks(callbacks);
        options.follow_redirects(RemoteRedirect::None);
        options
    }

    fn credentials(&self, url: &str, allowed: CredentialType) -> Result<Cred, git2::Error> {
        if self.cancel.is_cancelled() {
            return Err(git2::Error::from_str("cancelled"));
        }
        let calls = self.credential_calls.get() + 1;
        self.credential_calls.set(calls);
        let Some((username, token)) = &self.source.credentials else {
            return Err(git2::Error::from_str(
                "the server asks for credentials and the build has no git account",
            ));
        };
        if host_of(url) != Some(self.source.provider.as_str()) {
            return Err(git2::Error::from_str(&format!(
                "no credentials for {url}: the git account is only sent to {}",
                self.source.provider
            )));
        }
        if calls > MAX_CREDENTIAL_ATTEMPTS {
            return Err(git2::Error::from_str(
                "the server refused the git account's token",
            ));
        }
        if !allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            return Err(git2::Error::from_str(
                "the server does not accept a username and token",
            ));
        }
        Cred::userpass_plaintext(username, token)
    }

    /// A clear message for a failed git operation.
    fn git_error(&self, action: &str, error: &git2::Error) -> Abort {
        if self.cancel.is_cancelled() {
            return Abort::Cancelled;
        }
        let calls = self.credential_calls.get();
        match &self.source.credentials {
            Some((username, _)) if calls > 1 || error.code() == ErrorCode::Auth => {
                Abort::failed(format!(
                    "{action}: authentication failed: the server refused the token of git account '{username}'"
                ))
            }
            None if calls > 0 => Abort::failed(format!(
                "{action}: the repository needs credentials: set a git account for {}",
                self.source.provider
            )),
            _ if error.code() == ErrorCode::Timeout => Abort::failed(format!(
                "{action}: the server did not answer in time (connect {} s, read {} s): {}",
                CONNECT_TIMEOUT_MS / 1000,
                READ_TIMEOUT_MS / 1000,
                error.message()
            )),
            _ => Abort::failed(format!("{action}: {}", error.message())),
        }
    }

    fn check_cancel(&self) -> Outcome<()> {
        if self.cancel.is_cancelled() {
            Err(Abort::Cancelled)
        } else {
            Ok(())
        }
    }

    fn say(&self, line: &str) {
        self.stage.line(Stream::Stdout, line);
    }
}

/// A full 40-hex commit hash.
fn full_hash(commit: &str) -> Option<Oid> {
    (commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| Oid::from_str(commit).ok())
        .flatten()
}

/// `https://user@host:port/path` → `host:port`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    Some(
        authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::Redactor;
    use crate::stage::{LogSink, StageRecord, Stages};
    use std::sync::Arc;

    struct Discard;

    impl LogSink for Discard {
        fn stage_started(&self, _: &str, _: &str) {}
        fn line(&self, _: &str, _: Stream, _: &str) {}
        fn stage_finished(&self, _: &StageRecord) {}
    }

    #[test]
    fn a_server_that_never_answers_fails_the_fetch_at_the_read_timeout() {
        // The kernel completes connections to a listening socket nobody
        // accepts from: the server is reachable and silent.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let dir = tempfile::tempdir().expect("dir");
        let source = GitSource {
            url: format!("http://{addr}/team/hung"),
            provider: addr,
            branch: "main".to_string(),
            commit: None,
            credentials: None,
            policy: NetPolicy {
                allow_loopback: true,
                allow_plain_http_agents: false,
            },
        };
        let stages = Stages::new(Arc::new(Discard), Arc::new(Redactor::default()));
        let stage = stages.start("Clone Repo", "");
        let started = Instant::now();
        let outcome = fetch_and_checkout(
            &source,
            &dir.path().join("cache"),
            &dir.path().join("dest"),
            &stage,
            &CancellationToken::new(),
        );
        let took = started.elapsed();
        let read_timeout = Duration::from_millis(READ_TIMEOUT_MS as u64);
        assert!(took >= read_timeout, "{took:?}");
        assert!(took < read_timeout * 4, "{took:?}");
        match outcome {
            Err(Abort::Failed(message)) => assert!(
                message.contains("did not answer in time") || message.contains("timed out"),
                "{message}"
            ),
            Err(Abort::Cancelled) => panic!("cancelled"),
            Ok(_) => panic!("a silent server served a checkout"),
        }
        drop(listener);
    }

    #[test]
    fn hosts_and_hashes() {
        assert_eq!(
            host_of("http://127.0.0.1:8080/team/app"),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            host_of("https://kiln@github.com/a/b.git"),
            Some("github.com")
        );
        assert_eq!(host_of("no-scheme"), None);
        assert!(full_hash("0123456789abcdef0123456789abcdef01234567").is_some());
        assert!(full_hash("0123456").is_none());
    }
}
