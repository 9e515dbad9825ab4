//! The git HTTP server: clones with git2 and the git CLI, auth, shallow and pinned fetches.

use std::cell::Cell;
use std::path::Path;

use git2::build::RepoBuilder;
use git2::{Cred, FetchOptions, Oid, RemoteCallbacks, Repository};
use kiln_testkit::{GitServer, RepoHandle};

const USER: &str = "kiln";
const TOKEN: &str = "token-1";

/// Commits made by [`populate`].
struct History {
    first: String,
    second: String,
    dev: String,
}

/// main: first → second (tag v1.0.0); dev: first → dev; annotated tag v0.1.0 on first.
async fn populate(repo: &RepoHandle) -> History {
    let first = repo
        .commit(
            "main",
            &[
                ("Dockerfile", "FROM kiln-test/base:1\n"),
                ("README.md", "v1\n"),
            ],
            "first",
        )
        .await
        .expect("first commit");
    let second = repo
        .commit(
            "main",
            &[("README.md", "v2\n"), ("src/app.txt", "app\n")],
            "second",
        )
        .await
        .expect("second commit");
    repo.branch("dev", &first).await.expect("dev branch");
    let dev = repo
        .commit("dev", &[("dev.txt", "dev\n")], "dev work")
        .await
        .expect("dev commit");
    repo.tag("v1.0.0", &second).await.expect("tag");
    repo.annotated_tag("v0.1.0", &first, "first release")
        .await
        .expect("annotated tag");
    History { first, second, dev }
}

/// Fetch options answering credential requests with `credentials`, giving up after 3 calls.
fn fetch_options<'a>(
    credentials: Option<(&'a str, &'a str)>,
    calls: &'a Cell<usize>,
) -> FetchOptions<'a> {
    let mut callbacks = RemoteCallbacks::new();
    callbacks.credentials(move |_url, _user, _allowed| {
        calls.set(calls.get() + 1);
        if calls.get() > 3 {
            return Err(git2::Error::from_str(
                "giving up after 3 credential attempts",
            ));
        }
        match credentials {
            Some((user, password)) => Cred::userpass_plaintext(user, password),
            None => Err(git2::Error::from_str("no credentials")),
        }
    });
    let mut options = FetchOptions::new();
    options.remote_callbacks(callbacks);
    options
}

fn clone(
    url: &str,
    branch: &str,
    depth: Option<i32>,
    credentials: Option<(&str, &str)>,
    into: &Path,
) -> (Result<Repository, git2::Error>, usize) {
    let calls = Cell::new(0);
    let mut options = fetch_options(credentials, &calls);
    if let Some(depth) = depth {
        options.depth(depth);
    }
    let result = RepoBuilder::new()
        .branch(branch)
        .fetch_options(options)
        .clone(url, into);
    (result, calls.get())
}

fn read(repo: &Repository, path: &str) -> String {
    let workdir = repo.workdir().expect("a work tree");
    std::fs::read_to_string(workdir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn head_sha(repo: &Repository) -> String {
    repo.head()
        .expect("HEAD")
        .peel_to_commit()
        .expect("a commit")
        .id()
        .to_string()
}

#[tokio::test]
async fn clone_with_credentials_sees_branches_tags_and_files() {
    let server = GitServer::start(Some((USER, TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    let history = populate(&repo).await;
    assert_eq!(repo.head("main").await.expect("main"), history.second);
    assert_eq!(repo.head("dev").await.expect("dev"), history.dev);
    assert_eq!(
        repo.url(),
        format!("http://{}/team/app.git", server.domain())
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let main_dir = dir.path().join("main");
    let (cloned, calls) = clone(
        &repo.url_without_suffix(),
        "main",
        None,
        Some((USER, TOKEN)),
        &main_dir,
    );
    let cloned = cloned.expect("clone of main");
    assert_eq!(calls, 1);
    assert_eq!(head_sha(&cloned), history.second);
    assert_eq!(read(&cloned, "README.md"), "v2\n");
    assert_eq!(read(&cloned, "src/app.txt"), "app\n");
    assert_eq!(read(&cloned, "Dockerfile"), "FROM kiln-test/base:1\n");
    assert!(!main_dir.join("dev.txt").exists());
    let tag = cloned
        .revparse_single("refs/tags/v1.0.0")
        .expect("tag v1.0.0")
        .peel_to_commit()
        .expect("a commit");
    assert_eq!(tag.id().to_string(), history.second);
    let annotated = cloned
        .revparse_single("refs/tags/v0.1.0")
        .expect("tag v0.1.0");
    assert_eq!(annotated.kind(), Some(git2::ObjectType::Tag));
    assert_eq!(
        annotated
            .peel_to_commit()
            .expect("a commit")
            .id()
            .to_string(),
        history.first
    );

    let dev_dir = dir.path().join("dev");
    let (cloned, _) = clone(&repo.url(), "dev", None, Some((USER, TOKEN)), &dev_dir);
    let cloned = cloned.expect("clone of dev");
    assert_eq!(head_sha(&cloned), history.dev);
    assert_eq!(read(&cloned, "dev.txt"), "dev\n");
    assert_eq!(read(&cloned, "README.md"), "v1\n");
}

#[tokio::test]
async fn wrong_or_missing_credentials_fail_fast() {
    let server = GitServer::start(Some((USER, TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/secret").await.expect("repo");
    repo.commit("main", &[("a.txt", "a\n")], "only")
        .await
        .expect("commit");
    let dir = tempfile::tempdir().expect("temp dir");

    let (wrong, calls) = clone(
        &repo.url(),
        "main",
        None,
        Some((USER, "wrong")),
        &dir.path().join("wrong"),
    );
    let error = wrong.err().expect("a wrong password must fail");
    assert!(calls <= 4, "{calls} credential calls");
    assert!(
        error.code() == git2::ErrorCode::Auth || error.message().contains("credential"),
        "{error}"
    );

    let (missing, _) = clone(&repo.url(), "main", None, None, &dir.path().join("none"));
    assert!(missing.is_err());

    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let response = client
        .get(format!("{}/info/refs?service=git-upload-pack", repo.url()))
        .send()
        .await
        .expect("GET info/refs");
    assert_eq!(response.status(), 401);
    let challenge = response
        .headers()
        .get("www-authenticate")
        .expect("a challenge")
        .to_str()
        .expect("text")
        .to_owned();
    assert!(challenge.starts_with("Basic "), "{challenge}");
}

#[tokio::test]
async fn shallow_clone_of_a_branch() {
    let server = GitServer::start(None).await.expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    let history = populate(&repo).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (cloned, calls) = clone(&repo.url_without_suffix(), "dev", Some(1), None, dir.path());
    let cloned = cloned.expect("shallow clone");
    assert_eq!(calls, 0);
    assert!(cloned.is_shallow());
    assert_eq!(head_sha(&cloned), history.dev);
    let mut walk = cloned.revwalk().expect("revwalk");
    walk.push_head().expect("push HEAD");
    assert_eq!(walk.count(), 1);
}

#[tokio::test]
async fn fetch_of_a_pinned_older_commit() {
    let server = GitServer::start(Some((USER, TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    let history = populate(&repo).await;
    let dir = tempfile::tempdir().expect("temp dir");

    for (name, depth) in [("shallow", Some(1)), ("full", None)] {
        let local = Repository::init(dir.path().join(name)).expect("init");
        let calls = Cell::new(0);
        let mut options = fetch_options(Some((USER, TOKEN)), &calls);
        if let Some(depth) = depth {
            options.depth(depth);
        }
        let mut remote = local
            .remote_anonymous(&repo.url_without_suffix())
            .expect("remote");
        remote
            .fetch(&[history.first.as_str()], Some(&mut options), None)
            .unwrap_or_else(|e| panic!("{name} fetch of {}: {e}", history.first));
        drop(remote);
        let oid = Oid::from_str(&history.first).expect("oid");
        let commit = local.find_commit(oid).expect("the pinned commit");
        local
            .checkout_tree(
                commit.as_object(),
                Some(git2::build::CheckoutBuilder::new().force()),
            )
            .expect("checkout");
        local.set_head_detached(oid).expect("detach");
        assert_eq!(read(&local, "README.md"), "v1\n");
        assert_eq!(head_sha(&local), history.first);
    }
}

#[tokio::test]
async fn git_cli_shallow_clone_with_protocol_v2() {
    let server = GitServer::start(Some((USER, TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    let history = populate(&repo).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("http://{USER}:{TOKEN}@{}/{}", server.domain(), repo.path());
    let target = dir.path().join("clone");
    let output = tokio::process::Command::new("git")
        .env("HOME", dir.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .args([
            "-c",
            "protocol.version=2",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "main",
        ])
        .arg(&url)
        .arg(&target)
        .output()
        .await
        .expect("git clone");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cloned = Repository::open(&target).expect("open");
    assert_eq!(head_sha(&cloned), history.second);
    assert!(cloned.is_shallow());
}

#[tokio::test]
async fn server_stops_on_drop() {
    let server = GitServer::start(None).await.expect("git server");
    let pid = server.pid();
    drop(server);
    assert!(!Path::new(&format!("/proc/{pid}")).exists());
}
