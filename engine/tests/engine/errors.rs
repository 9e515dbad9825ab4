//! Every failure ends in `Failed` with a clear message.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kiln_domain::{BuildConfig, ImageRegistry};
use kiln_testkit::GitServer;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_variable_fails_before_anything_runs() {
    let h = Harness::new().await;
    let mut config = ui_config(&format!("FROM {BASE}\n"));
    config.build_args = "A=[[KNOWN]]\nB=x-[[NOPE]]".to_string();
    let mut job = h.job("unknown-variable", config);
    job.variables = vec![variable("KNOWN", "k", false)];
    let (error, stages) = failure(run(job, &Recorder::new()).await);
    println!("error: {error}");

    assert_eq!(
        error,
        "unknown variable [[NOPE]] in build_args (B): no variable or secret has that name"
    );
    assert_eq!(stage_names(&stages), ["Interpolate Variables"]);
    assert!(!stages[0].success);
    assert_eq!(stages[0].stdout, "[[KNOWN]] => k\n");
    assert!(!h.work_root().exists(), "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_git_token_fails_fast_without_leaking_it() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    repo.commit("main", &[("Dockerfile", &format!("FROM {BASE}\n"))], "one")
        .await
        .expect("commit");
    let mut job = h.job("bad-token", git_config(&server, &repo));
    job.git_account = Some(git_account(&server, "wrong-token-1234"));
    let recorder = Recorder::new();
    let started = Instant::now();
    let (error, stages) = failure(run(job, &recorder).await);
    println!("error: {error}");

    assert!(
        started.elapsed() < Duration::from_secs(20),
        "libgit2 must not retry forever"
    );
    assert!(
        error.contains("authentication failed")
            && error.contains(&format!("git account '{GIT_USER}'"))
            && error.contains(&repo.url_without_suffix()),
        "{error}"
    );
    assert!(!format!("{error}{stages:?}{}", recorder.all_text()).contains("wrong-token-1234"));
    assert_eq!(stage_names(&stages), ["Clone Repo"]);
    h.assert_work_root_empty();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_repo_without_git_account_says_so() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    repo.commit("main", &[("Dockerfile", &format!("FROM {BASE}\n"))], "one")
        .await
        .expect("commit");
    let mut config = git_config(&server, &repo);
    config.git_account = String::new();
    let (error, _) = failure(run(h.job("no-account", config), &Recorder::new()).await);
    println!("error: {error}");
    assert!(
        error.contains("the repository needs credentials"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_branch_and_unknown_commit_are_named() {
    let h = Harness::new().await;
    let server = GitServer::start(None).await.expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    repo.commit("main", &[("Dockerfile", &format!("FROM {BASE}\n"))], "one")
        .await
        .expect("commit");
    let mut config = git_config(&server, &repo);
    config.git_account = String::new();
    config.branch = "no-such-branch".to_string();
    let (error, _) = failure(run(h.job("unknown-branch", config.clone()), &Recorder::new()).await);
    println!("error: {error}");
    assert!(
        error.contains("no-such-branch") && error.contains("not found"),
        "{error}"
    );

    config.branch = "main".to_string();
    config.commit = "0123456789abcdef0123456789abcdef01234567".to_string();
    let (error, _) = failure(run(h.job("unknown-commit", config), &Recorder::new()).await);
    println!("error: {error}");
    assert!(
        error.contains("commit '0123456789abcdef0123456789abcdef01234567' not found"),
        "{error}"
    );
    h.assert_work_root_empty();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_dockerfile_is_named() {
    let h = Harness::new().await;
    let server = GitServer::start(None).await.expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    repo.commit("main", &[("README.md", "no Dockerfile here\n")], "one")
        .await
        .expect("commit");
    let mut config = git_config(&server, &repo);
    config.git_account = String::new();
    let (error, stages) = failure(run(h.job("no-dockerfile", config), &Recorder::new()).await);
    println!("error: {error}");
    assert_eq!(
        error,
        "Dockerfile not found: dockerfile_path 'Dockerfile' in build_path '.' does not exist"
    );
    assert!(!stage(&stages, "Docker Build").success);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_run_step_reports_the_builds_error() {
    let h = Harness::new().await;
    let config = ui_config(&format!("FROM {BASE}\nRUN echo about to fail && exit 7\n"));
    let recorder = Recorder::new();
    let (error, stages) = failure(run(h.job("failing-run", config), &recorder).await);
    println!("error: {error}");
    assert!(
        error.starts_with("docker build failed (exit status: 1): ")
            && error.contains("exit code: 7"),
        "{error}"
    );
    let build = stage(&stages, "Docker Build");
    assert!(!build.success);
    assert!(build.stderr.contains("about to fail"));
    h.assert_work_root_empty();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paths_leaving_the_build_directory_are_refused_before_anything_is_written() {
    let h = Harness::new().await;
    let cases = [
        ("build_path", "../elsewhere", "'..' is not allowed"),
        ("dockerfile_path", "/etc/passwd", "not absolute"),
        ("pre_build.path", "scripts/../../..", "'..' is not allowed"),
    ];
    for (field, value, reason) in cases {
        let mut config = ui_config(&format!("FROM {BASE}\n"));
        config.repo = "team/app".to_string();
        config.git_provider = "127.0.0.1:9".to_string();
        match field {
            "build_path" => config.build_path = value.to_string(),
            "dockerfile_path" => config.dockerfile_path = value.to_string(),
            _ => config.pre_build.path = value.to_string(),
        }
        let job = h.job("escape", config);
        let cache = job.dirs.clone_cache.clone();
        let (error, stages) = failure(run(job, &Recorder::new()).await);
        println!("error: {error}");
        assert!(
            error.starts_with(&format!("{field} '{value}'")) && error.contains(reason),
            "{error}"
        );
        assert!(stages.is_empty(), "{stages:?}");
        assert!(
            !cache.exists() && !h.work_root().exists(),
            "nothing written"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symlinks_leading_out_of_the_checkout_are_refused() {
    let h = Harness::new().await;
    let outside = h.dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside dir");
    let server = GitServer::start(None).await.expect("git server");
    let repo = server.create_repo("team/links").await.expect("repo");
    repo.commit("main", &[("Dockerfile", &format!("FROM {BASE}\n"))], "one")
        .await
        .expect("commit");
    let tree = work_tree(&repo, &h.dir.path().join("craft/links")).await;
    std::os::unix::fs::symlink(&outside, tree.join("escape")).expect("symlink");
    git(&tree, &["add", "escape"]).await;
    git(&tree, &["commit", "-q", "-m", "link out"]).await;
    git(&tree, &["push", "-q", "origin", "HEAD:main"]).await;

    let mut config = git_config(&server, &repo);
    config.git_account = String::new();
    config.dockerfile = format!("FROM {BASE}\n");
    config.dockerfile_path = "escape/Dockerfile".to_string();
    config.pre_build.command = format!("touch {}/pre-build-ran", outside.display());
    let (error, stages) = failure(run(h.job("symlink", config), &Recorder::new()).await);
    println!("error: {error}");

    assert_eq!(
        error,
        "dockerfile_path 'escape/Dockerfile' leads outside the build directory through the symlink escape"
    );
    assert_eq!(stage_names(&stages), ["Clone Repo", "Latest Commit"]);
    let written: Vec<PathBuf> = std::fs::read_dir(&outside)
        .expect("outside")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(written.is_empty(), "{written:?}");
    h.assert_work_root_empty();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_errors_are_clear() {
    let h = Harness::new().await;
    let missing_host_dir = BuildConfig {
        files_on_host: true,
        build_path: "not/there".to_string(),
        ..BuildConfig::default()
    };
    let (error, _) = failure(run(h.job("host-missing", missing_host_dir), &Recorder::new()).await);
    println!("error: {error}");
    assert_eq!(
        error,
        format!(
            "files_on_host: build_path 'not/there' does not exist on this host ({})",
            h.host_root().join("not/there").display()
        )
    );

    let mut no_account = ui_config(&format!("FROM {BASE}\n"));
    no_account.image_registry = vec![ImageRegistry {
        domain: "127.0.0.1:9".to_string(),
        account: "ghost".to_string(),
        organization: String::new(),
    }];
    let (error, _) = failure(run(h.job("no-registry-account", no_account), &Recorder::new()).await);
    println!("error: {error}");
    assert_eq!(
        error,
        "image_registry: no registry account 'ghost' for 127.0.0.1:9 was given to the engine"
    );

    let (error, _) = failure(run(h.job("nothing", BuildConfig::default()), &Recorder::new()).await);

    println!("error: {error}");
    assert!(error.starts_with("nothing to build"), "{error}");

    let mut untagged = ui_config(&format!("FROM {BASE}\n"));
    untagged.include_latest_tag = false;
    untagged.include_version_tags = false;
    let (error, _) = failure(run(h.job("untagged", untagged), &Recorder::new()).await);
    assert!(error.starts_with("no tags to apply"), "{error}");

    let mut job = h.job("bad-cli", ui_config(&format!("FROM {BASE}\n")));
    job.docker.cli = Some(PathBuf::from("/nonexistent/docker"));
    let (error, _) = failure(run(job, &Recorder::new()).await);
    println!("error: {error}");
    assert!(
        error.contains("/nonexistent/docker does not exist"),
        "{error}"
    );
    h.assert_work_root_empty();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn use_buildx_without_the_plugin_is_a_clear_error() {
    let has_buildx = std::process::Command::new("/usr/bin/docker")
        .args(["buildx", "version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_buildx {
        eprintln!("/usr/bin/docker has buildx here: nothing to check");
        return;
    }
    let h = Harness::new().await;
    let mut config = ui_config(&format!("FROM {BASE}\n"));
    config.use_buildx = true;
    let mut job = h.job("buildx", config);
    job.docker.cli = Some(PathBuf::from("/usr/bin/docker"));
    let (error, _) = failure(run(job, &Recorder::new()).await);
    println!("error: {error}");
    assert_eq!(
        error,
        "use_buildx is on but `/usr/bin/docker buildx` is not available: install the docker buildx plugin or turn use_buildx off"
    );

    let newer = PathBuf::from("/usr/local/bin/docker");
    let newer_lacks_buildx = std::process::Command::new(&newer)
        .args(["buildx", "version"])
        .output()
        .is_ok_and(|o| !o.status.success());
    if newer_lacks_buildx {
        let mut job = h.job("no-buildkit", ui_config(&format!("FROM {BASE}\n")));
        job.docker.cli = Some(newer);
        let (error, _) = failure(run(job, &Recorder::new()).await);
        println!("error: {error}");
        assert!(error.contains("cannot build with BuildKit"), "{error}");
    }
}
