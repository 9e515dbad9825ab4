//! Git sources: token auth, branches, pinned commits, submodules, linked
//! repos, the clone cache, and a Dockerfile written over a checkout.

use kiln_domain::{ImageRegistry, RepoConfig};
use kiln_engine::StageRecord;
use kiln_testkit::{GitServer, Registry};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn git_branch_build_with_token_pushes_commit_tags_and_oci_labels() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    repo.commit(
        "main",
        &[("Dockerfile", &format!("FROM {BASE}\nLABEL branch=main\n"))],
        "main",
    )
    .await
    .expect("commit");
    let release = repo
        .commit(
            "release",
            &[(
                "Dockerfile",
                &format!("FROM {BASE}\nARG VERSION\nRUN echo release-$VERSION > /which\n"),
            )],
            "release work",
        )
        .await
        .expect("commit");
    let registry = Registry::start(Some(("kiln", "reg-pass-g1")))
        .await
        .expect("registry");
    let mut config = git_config(&server, &repo);
    config.branch = "release".to_string();
    config.image_name = "app".to_string();
    config.image_tag = "aarch64".to_string();
    config.image_registry = vec![ImageRegistry {
        domain: registry.addr().to_string(),
        account: "kiln".to_string(),
        organization: "acme".to_string(),
    }];
    let mut job = h.job("git-branch", config);
    job.git_account = Some(git_account(&server, GIT_TOKEN));
    job.registry_accounts = vec![registry_account(registry.addr(), "kiln", "reg-pass-g1")];
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);

    assert_eq!(
        stage_names(&output.stages),
        ["Clone Repo", "Latest Commit", "Docker Build", "Tag", "Push"]
    );
    assert_eq!(output.commit.as_deref(), Some(release.as_str()));
    let short = output.short_commit.clone().expect("short commit");
    assert_eq!(short, release[..7]);
    let mut expected = vec![
        "1-aarch64".to_string(),
        "1.2-aarch64".to_string(),
        "1.2.3-aarch64".to_string(),
        format!("{short}-aarch64"),
        "aarch64".to_string(),
        "latest-aarch64".to_string(),
    ];
    expected.sort();
    assert_eq!(registry.tags("acme/app").await.expect("tags"), expected);
    assert!(stage(&output.stages, "Latest Commit")
        .stdout
        .contains(&release));
    let image = &output.local_refs[0];
    assert_eq!(
        h.run_image(image, &["cat", "/which"]).await,
        "release-1.2.3\n"
    );
    let labels = h.labels(image).await;
    assert_eq!(labels["org.opencontainers.image.revision"], release);
    assert_eq!(
        labels["org.opencontainers.image.source"],
        format!("http://{}/team/app", server.domain())
    );
    assert_eq!(labels["org.opencontainers.image.version"], "1.2.3");
    assert!(!recorder.all_text().contains(GIT_TOKEN));
    h.assert_work_root_empty();
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pinned_commit_builds_that_commit() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/pinned").await.expect("repo");
    let first = repo
        .commit(
            "main",
            &[("Dockerfile", &format!("FROM {BASE}\nLABEL content=v1\n"))],
            "v1",
        )
        .await
        .expect("commit");
    repo.commit(
        "main",
        &[("Dockerfile", &format!("FROM {BASE}\nLABEL content=v2\n"))],
        "v2",
    )
    .await
    .expect("commit");
    let mut config = git_config(&server, &repo);
    config.commit = first.clone();
    let mut job = h.job("pinned", config);
    job.git_account = Some(git_account(&server, GIT_TOKEN));
    let output = success(run(job, &Recorder::new()).await);

    assert_eq!(output.commit.as_deref(), Some(first.as_str()));
    assert_eq!(h.labels(&output.local_refs[0]).await["content"], "v1");
    assert!(output.local_refs.iter().any(|r| r.ends_with(&first[..7])));
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submodules_are_checked_out_with_the_same_account() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let lib = server.create_repo("team/lib").await.expect("lib repo");
    let lib_sha = lib
        .commit(
            "main",
            &[("hello.txt", "hello from the submodule\n")],
            "lib",
        )
        .await
        .expect("commit");
    let app = server.create_repo("team/app").await.expect("app repo");
    app.commit(
        "main",
        &[(
            "Dockerfile",
            &format!("FROM {BASE}\nCOPY lib/hello.txt /hello.txt\nRUN cat /hello.txt\n"),
        )],
        "app",
    )
    .await
    .expect("commit");
    let tree = work_tree(&app, &h.dir.path().join("craft/app")).await;
    std::fs::write(
        tree.join(".gitmodules"),
        "[submodule \"lib\"]\n\tpath = lib\n\turl = ../lib\n",
    )
    .expect(".gitmodules");
    git(
        &tree,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{lib_sha},lib"),
        ],
    )
    .await;
    git(&tree, &["add", ".gitmodules"]).await;
    git(&tree, &["commit", "-q", "-m", "add lib"]).await;
    git(&tree, &["push", "-q", "origin", "HEAD:main"]).await;

    let mut job = h.job("submodules", git_config(&server, &app));
    job.git_account = Some(git_account(&server, GIT_TOKEN));
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);

    assert_eq!(
        h.run_image(&output.local_refs[0], &["cat", "/hello.txt"])
            .await,
        "hello from the submodule\n"
    );
    assert!(stage(&output.stages, "Clone Repo")
        .stdout
        .contains("submodule lib"));
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linked_repo_settings_replace_the_builds_own() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("shared/service").await.expect("repo");
    repo.commit(
        "main",
        &[("Dockerfile", &format!("FROM {BASE}\nLABEL branch=main\n"))],
        "main",
    )
    .await
    .expect("commit");
    let dev = repo
        .commit(
            "dev",
            &[("Dockerfile", &format!("FROM {BASE}\nLABEL branch=dev\n"))],
            "dev",
        )
        .await
        .expect("commit");
    let mut config = ui_config("");
    config.linked_repo = "service".to_string();
    let mut job = h.job("linked", config);
    job.source_repo = Some(RepoConfig {
        git_provider: server.domain().to_string(),
        git_https: false,
        repo: "shared/service".to_string(),
        branch: "dev".to_string(),
        git_account: GIT_USER.to_string(),
    });
    job.git_account = Some(git_account(&server, GIT_TOKEN));
    let output = success(run(job, &Recorder::new()).await);

    assert_eq!(output.commit.as_deref(), Some(dev.as_str()));
    assert_eq!(h.labels(&output.local_refs[0]).await["branch"], "dev");
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dockerfile_from_the_ui_is_written_over_the_checkout() {
    let h = Harness::new().await;
    let server = GitServer::start(None).await.expect("git server");
    let repo = server.create_repo("team/mixed").await.expect("repo");
    repo.commit(
        "main",
        &[
            ("app/Dockerfile", "FROM scratch\nLABEL origin=repo\n"),
            ("app/data.txt", "from the repo\n"),
        ],
        "repo",
    )
    .await
    .expect("commit");
    let mut config = git_config(&server, &repo);
    config.git_account = String::new();
    config.build_path = "app".to_string();
    config.dockerfile =
        format!("FROM {BASE}\nCOPY data.txt /data.txt\nLABEL origin=ui-[[VERSION]]\n");
    let output = success(run(h.job("write-dockerfile", config), &Recorder::new()).await);

    assert_eq!(
        stage_names(&output.stages),
        [
            "Interpolate Variables",
            "Clone Repo",
            "Latest Commit",
            "Write Dockerfile",
            "Docker Build",
            "Tag"
        ]
    );
    assert_eq!(
        stage(&output.stages, "Write Dockerfile").command,
        "write app/Dockerfile"
    );
    let image = &output.local_refs[0];
    assert_eq!(h.labels(image).await["origin"], "ui-1.2.3");
    assert_eq!(
        h.run_image(image, &["cat", "/data.txt"]).await,
        "from the repo\n"
    );
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clone_cache_is_reused_and_fetched_incrementally() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/big").await.expect("repo");
    let blob = noise(12 * 1024 * 1024, 0x5eed);
    repo.commit(
        "main",
        &[
            (
                "Dockerfile",
                &format!("FROM {BASE}\nCOPY version.txt /version.txt\n"),
            ),
            (".dockerignore", "assets\n"),
            ("assets/blob.txt", &blob),
            ("version.txt", "one\n"),
        ],
        "big",
    )
    .await
    .expect("commit");
    let config = git_config(&server, &repo);
    let mut job = h.job("cache", config);
    job.git_account = Some(git_account(&server, GIT_TOKEN));

    let cold = success(run(job.clone(), &Recorder::new()).await);
    let second = repo
        .commit("main", &[("version.txt", "two\n")], "small change")
        .await
        .expect("commit");
    let warm = success(run(job.clone(), &Recorder::new()).await);
    let mut fresh_job = job.clone();
    fresh_job.dirs.clone_cache = h.cache("cache-fresh");
    let fresh = success(run(fresh_job, &Recorder::new()).await);

    assert_eq!(warm.commit.as_deref(), Some(second.as_str()));
    assert_eq!(fresh.commit.as_deref(), Some(second.as_str()));
    assert_eq!(
        h.run_image(&warm.local_refs[0], &["cat", "/version.txt"])
            .await,
        "two\n"
    );
    let (cold_ms, cold_bytes) = clone_cost(&cold.stages);
    let (warm_ms, warm_bytes) = clone_cost(&warm.stages);
    let (fresh_ms, fresh_bytes) = clone_cost(&fresh.stages);
    println!(
        "clone cache: first clone {cold_ms} ms / {cold_bytes} bytes; same commit+1 with the cache \
         {warm_ms} ms / {warm_bytes} bytes; without the cache {fresh_ms} ms / {fresh_bytes} bytes; \
         saving {} ms ({:.0}%) and {} bytes",
        fresh_ms - warm_ms,
        100.0 * (fresh_ms - warm_ms) as f64 / fresh_ms.max(1) as f64,
        fresh_bytes - warm_bytes
    );
    assert!(cold_bytes > 4 * 1024 * 1024, "{cold_bytes}");
    assert!(
        warm_bytes * 20 < fresh_bytes,
        "{warm_bytes} vs {fresh_bytes}"
    );
    assert!(warm_ms < fresh_ms, "{warm_ms} vs {fresh_ms}");
    assert!(stage(&warm.stages, "Clone Repo")
        .stdout
        .contains("using the clone cache"));
    h.assert_work_root_empty();
    for output in [&cold, &warm, &fresh] {
        h.remove_output(output).await;
    }
}

/// (duration in ms, bytes received) of the "Clone Repo" stage.
fn clone_cost(stages: &[StageRecord]) -> (i64, i64) {
    let record = stage(stages, "Clone Repo");
    let bytes = record
        .stdout
        .lines()
        .filter_map(|line| {
            let rest = line.split("received ").nth(1)?;
            let bytes = rest.split(", ").nth(1)?.split(' ').next()?;
            bytes.parse::<i64>().ok()
        })
        .sum();
    (record.end_ms - record.start_ms, bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_holding_another_repo_is_replaced() {
    let h = Harness::new().await;
    let server = GitServer::start(None).await.expect("git server");
    for name in ["one", "two"] {
        let repo = server
            .create_repo(&format!("team/{name}"))
            .await
            .expect("repo");
        repo.commit(
            "main",
            &[("Dockerfile", &format!("FROM {BASE}\nLABEL repo={name}\n"))],
            name,
        )
        .await
        .expect("commit");
    }
    let mut job = h.job("switch", ui_config(""));
    job.config.git_provider = server.domain().to_string();
    job.config.git_https = false;
    job.config.repo = "team/one".to_string();
    let first = success(run(job.clone(), &Recorder::new()).await);
    assert_eq!(h.labels(&first.local_refs[0]).await["repo"], "one");
    job.config.repo = "team/two".to_string();
    let second = success(run(job, &Recorder::new()).await);

    assert_eq!(h.labels(&second.local_refs[0]).await["repo"], "two");
    assert!(stage(&second.stages, "Clone Repo")
        .stdout
        .contains("holds another repository"));
    h.remove_output(&second).await;
    h.remove_output(&first).await;
}
