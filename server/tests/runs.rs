//! Runs end to end: the real `kiln` binary building on the real Docker
//! engine, pushing to the real registry and cloning from the real git server.
//! Tags are checked through the registry's own HTTP API.

mod support;

use kiln_testkit::{base_image, DockerEngine, GitServer, Registry};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::*;

async fn engine() -> DockerEngine {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    engine
}

fn ui_build(name: &str, registry: &Registry, dockerfile: &str, extra: &str) -> String {
    format!(
        r#"
[[registry_account]]
domain = "{domain}"
username = "kiln"
token = "registry-pass-7731"

[[build]]
name = "{name}"
[build.config]
builder = "test-local"
image_registry = {{ domain = "{domain}", account = "kiln" }}
dockerfile = """
{dockerfile}
"""
{extra}
"#,
        domain = registry.addr(),
    )
}

#[tokio::test]
async fn ui_dockerfile_run_pushes_every_tag_and_saves_the_version() {
    let engine = engine().await;
    let registry = Registry::start(Some(("kiln", "registry-pass-7731")))
        .await
        .unwrap();
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    let dockerfile = "FROM kiln-test/base:1\nRUN echo built-by-kiln > /hello.txt";
    apply(
        &server,
        &ui_build("hello", &registry, dockerfile, "version = \"1.4.9\""),
    )
    .await;

    let out = server
        .cli(&["build", "run", "hello", "--follow"], None)
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("[Docker Build]"), "{stdout}");
    assert!(stdout.contains("succeeded"), "{stdout}");

    let mut tags = registry.tags("kiln/hello").await.unwrap();
    tags.sort();
    assert_eq!(tags, ["1", "1.4", "1.4.10", "latest"]);

    let (_, build) = get_json(&server, "/api/v1/builds/hello").await;
    assert_eq!(
        build["config"]["version"], "1.4.10",
        "a successful run saves the bumped version"
    );
    let (_, runs) = get_json(&server, "/api/v1/builds/hello/runs").await;
    let run = &runs[0];
    assert_eq!(run["status"], "success");
    assert_eq!(run["version"], "1.4.10");
    assert_eq!(run["trigger"], "cli");
    assert_eq!(
        run["pushed"][0]["image"],
        format!("{}/kiln/hello", registry.addr())
    );
    let digest = registry
        .manifest_digest("kiln/hello", "1.4.10")
        .await
        .unwrap();
    assert_eq!(run["pushed"][0]["digest"].as_str(), digest.as_deref());
    assert!(run["image_size"].as_i64().unwrap() > 0);
    assert!(run["duration_ms"].as_i64().unwrap() > 0);
    let stages: Vec<&str> = run["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert!(stages.contains(&"Docker Build"), "{stages:?}");
}

#[tokio::test]
async fn one_run_per_build_and_cancel_keeps_the_version() {
    let engine = engine().await;
    let registry = Registry::start(Some(("kiln", "registry-pass-7731")))
        .await
        .unwrap();
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    let dockerfile = format!(
        "FROM kiln-test/base:1\nRUN echo going-to-sleep {} && sleep 60",
        nonce()
    );
    apply(&server, &ui_build("slow", &registry, &dockerfile, "")).await;

    let run_id = start_run(&server, "slow").await;
    let (status, body) = post_json(&server, "/api/v1/builds/slow/run", Value::Null).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        body["error"],
        format!("build 'slow' is already running (run {run_id})")
    );

    let (lines, end) = {
        let log = read_log(&server, run_id);
        let waiter = async {
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let (_, l) = get_json(&server, &format!("/api/v1/runs/{run_id}")).await;
                let seen = l["stages"].as_array().map(|s| s.len()).unwrap_or(0);
                if seen > 0 && l["status"] == "running" {
                    break;
                }
                assert!(Instant::now() < deadline);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            let (status, _) = post_json(
                &server,
                &format!("/api/v1/runs/{run_id}/cancel"),
                Value::Null,
            )
            .await;
            assert_eq!(status, 202);
            Instant::now()
        };
        let (log, cancelled_at) = tokio::join!(log, waiter);
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(15),
            "cancel took too long"
        );
        log
    };
    assert_eq!(end["status"], "cancelled", "{end}");
    assert!(
        lines.iter().any(|(_, l)| l.contains("going-to-sleep")),
        "{lines:?}"
    );

    let (_, build) = get_json(&server, "/api/v1/builds/slow").await;
    assert_eq!(
        build["config"]["version"], "0.0.0",
        "a cancelled run keeps the version"
    );
    let (status, body) = post_json(
        &server,
        &format!("/api/v1/runs/{run_id}/cancel"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(registry.tags("kiln/slow").await.unwrap().is_empty());
    let work = std::fs::read_dir(server.data_dir().join("work"))
        .unwrap()
        .count();
    assert_eq!(work, 0, "the build directory is removed");

    let again = start_run(&server, "slow").await;
    assert_ne!(again, run_id, "the lock is released");
    post_json(
        &server,
        &format!("/api/v1/runs/{again}/cancel"),
        Value::Null,
    )
    .await;
    wait_run(&server, again, Duration::from_secs(30)).await;
}

#[tokio::test]
async fn git_source_with_token_tags_the_commit() {
    let engine = engine().await;
    let registry = Registry::start(None).await.unwrap();
    let git = GitServer::start(Some(("ci", "git-token-5512")))
        .await
        .unwrap();
    let repo = git.create_repo("team/app").await.unwrap();
    repo.commit(
        "main",
        &[
            (
                "Dockerfile",
                "FROM kiln-test/base:1\nCOPY app.txt /app.txt\n",
            ),
            ("app.txt", "v1"),
        ],
        "first",
    )
    .await
    .unwrap();
    let head = repo
        .commit("main", &[("app.txt", "v2")], "second")
        .await
        .unwrap();
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    apply(
        &server,
        &format!(
            r#"
[[git_account]]
domain = "{git}"
username = "ci"
token = "git-token-5512"

[[build]]
name = "from-git"
[build.config]
builder = "test-local"
git_provider = "{git}"
git_https = false
git_account = "ci"
repo = "team/app"
image_registry = {{ domain = "{reg}" }}
image_tag = "aarch64"
auto_increment_version = false
version = "1.2.3"
"#,
            git = git.domain(),
            reg = registry.addr()
        ),
    )
    .await;
    // Before any run Kiln has no clone to show the Dockerfile from.
    let (status, body) = get_json(&server, "/api/v1/builds/from-git/host-dockerfile").await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("run the build once"),
        "{body}"
    );
    let run_id = start_run(&server, "from-git").await;
    let run = wait_run(&server, run_id, Duration::from_secs(120)).await;
    assert_eq!(run["status"], "success", "{run}");
    // After it, the Dockerfile is read from the clone cache at that commit.
    let (status, body) = get_json(&server, "/api/v1/builds/from-git/host-dockerfile").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["contents"], "FROM kiln-test/base:1\nCOPY app.txt /app.txt\n",
        "{body}"
    );
    assert_eq!(body["commit"], head.as_str(), "{body}");
    assert_eq!(body["path"], "Dockerfile", "{body}");
    let short = &head[..7];
    assert_eq!(run["short_commit"], short);
    assert_eq!(run["commit"], head.as_str());
    let mut tags = registry.tags("from-git").await.unwrap();
    tags.sort();
    let mut want = vec![
        "1.2.3-aarch64".to_string(),
        "1.2-aarch64".into(),
        "1-aarch64".into(),
        "latest-aarch64".into(),
        format!("{short}-aarch64"),
        "aarch64".into(),
    ];
    want.sort();
    assert_eq!(tags, want);
    let (_, build) = get_json(&server, "/api/v1/builds/from-git").await;
    assert_eq!(
        build["config"]["version"], "1.2.3",
        "manual versions are used as given"
    );
}

#[tokio::test]
async fn failures_end_the_run_with_a_message_and_release_the_lock() {
    let engine = engine().await;
    let registry = Registry::start(Some(("kiln", "registry-pass-7731")))
        .await
        .unwrap();
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    apply(
        &server,
        &ui_build(
            "broken",
            &registry,
            "FROM kiln-test/base:1\nRUN echo [[NOPE]]",
            "",
        ),
    )
    .await;
    apply(
        &server,
        &ui_build(
            "failing",
            &registry,
            "FROM kiln-test/base:1\nRUN exit 3",
            "",
        ),
    )
    .await;
    let sleepy = format!("FROM kiln-test/base:1\nRUN echo {} && sleep 60", nonce());
    apply(
        &server,
        &ui_build("sleepy", &registry, &sleepy, "timeout_seconds = 3"),
    )
    .await;

    let run = wait_run(
        &server,
        start_run(&server, "broken").await,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(run["status"], "failed");
    assert!(run["error"].as_str().unwrap().contains("NOPE"), "{run}");
    let run = wait_run(
        &server,
        start_run(&server, "broken").await,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(run["status"], "failed", "a failed run releases the lock");

    let run = wait_run(
        &server,
        start_run(&server, "failing").await,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(run["status"], "failed");
    assert!(!run["error"].as_str().unwrap().is_empty(), "{run}");

    let run = wait_run(
        &server,
        start_run(&server, "sleepy").await,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(run["status"], "failed");
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .contains("timed out after 3 s"),
        "{run}"
    );
    let (_, build) = get_json(&server, "/api/v1/builds/sleepy").await;
    assert_eq!(build["config"]["version"], "0.0.0");
}

#[tokio::test]
async fn runs_queue_per_builder_and_a_restart_fails_live_runs() {
    let engine = engine().await;
    let registry = Registry::start(None).await.unwrap();
    let mut server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    for name in ["first", "second"] {
        let toml = format!(
            "[[build]]\nname = \"{name}\"\n[build.config]\nbuilder = \"test-local\"\nimage_registry = {{ domain = \"{}\" }}\ndockerfile = \"FROM kiln-test/base:1\\nRUN echo {} && sleep 60\"\n",
            registry.addr(),
            nonce()
        );
        apply(&server, &toml).await;
    }
    let first = start_run(&server, "first").await;
    wait_status(&server, first, "running", Duration::from_secs(30)).await;
    let (status, body) = post_json(&server, "/api/v1/builds/second/run", Value::Null).await;
    assert_eq!(status, 202);
    assert_eq!(
        body["status"], "queued",
        "max_parallel = 1 queues the second build"
    );
    assert_eq!(body["queue_position"], 1);
    let second = body["run_id"].as_i64().unwrap();

    server
        .crash_and_restart(&[("DOCKER_HOST", engine.host())])
        .unwrap();
    for id in [first, second] {
        let (_, run) = get_json(&server, &format!("/api/v1/runs/{id}")).await;
        assert_eq!(run["status"], "failed", "{run}");
        assert_eq!(run["error"], "interrupted by restart");
    }
    let again = start_run(&server, "first").await;
    wait_status(&server, again, "running", Duration::from_secs(30)).await;
    post_json(
        &server,
        &format!("/api/v1/runs/{again}/cancel"),
        Value::Null,
    )
    .await;
    let run = wait_run(&server, again, Duration::from_secs(30)).await;
    assert_eq!(run["status"], "cancelled");
}

#[tokio::test]
async fn log_lines_arrive_while_the_build_runs() {
    let engine = engine().await;
    let registry = Registry::start(None).await.unwrap();
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    let n = nonce();
    let toml = format!(
        "[[build]]\nname = \"live\"\n[build.config]\nbuilder = \"test-local\"\nimage_registry = {{ domain = \"{}\" }}\ndockerfile = \"FROM kiln-test/base:1\\nRUN echo tick-one-{n} && sleep 3 && echo tick-two-{n}\"\n",
        registry.addr()
    );
    apply(&server, &toml).await;
    let run_id = start_run(&server, "live").await;
    let (lines, end) = read_log(&server, run_id).await;
    assert_eq!(end["status"], "success", "{end}");
    let printed = |l: &str, needle: &str| l.ends_with(needle) && !l.contains("RUN ");
    let at = |needle: String| {
        lines
            .iter()
            .find(|(_, l)| printed(l, &needle))
            .map(|(t, _)| *t)
    };
    let one = at(format!("tick-one-{n}")).expect("first line");
    let two = at(format!("tick-two-{n}")).expect("second line");
    assert!(
        two.duration_since(one) >= Duration::from_secs(2),
        "lines were batched, not streamed: {:?}",
        lines
            .iter()
            .map(|(t, l)| (t.duration_since(lines[0].0), l))
            .collect::<Vec<_>>()
    );

    let (replayed, _) = read_log(&server, run_id).await;
    assert_eq!(
        replayed.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>(),
        lines.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>(),
        "late readers get the whole log"
    );
}
