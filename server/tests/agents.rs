//! Server builders end to end: the real `kiln` binary sends runs to a real
//! `kiln-agent` over kiln-protocol; the agent builds on the real Docker
//! engine and pushes to the real registry.

mod agent_support;
mod support;

use agent_support::{agent_bin, start_agent, AGENT_KEY};
use kiln_testkit::agent::KilnAgent;
use kiln_testkit::kiln::KilnServer;
use kiln_testkit::{base_image, DockerEngine, Registry};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::*;

async fn engine() -> DockerEngine {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    engine
}

/// A kiln-agent on the test engine, registered as the Server builder
/// "remote" of a running server, and the registry `build_on` pushes to.
struct Remote {
    registry: Registry,
    server: KilnServer,
    _agent: KilnAgent,
    _dir: tempfile::TempDir,
}

impl Remote {
    async fn start() -> Self {
        let engine = engine().await;
        let registry = Registry::start(Some(("kiln", "registry-pass-4412")))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let agent = start_agent(&engine, dir.path(), &[]);
        let server = start_with_engine(&engine);
        apply(
            &server,
            &server_builder("remote", agent.url(), AGENT_KEY, None),
        )
        .await;
        Self {
            registry,
            server,
            _agent: agent,
            _dir: dir,
        }
    }
}

fn server_builder(name: &str, address: &str, key: &str, fingerprint: Option<&str>) -> String {
    let fingerprint = fingerprint
        .map(|f| format!("params.cert_fingerprint = \"{f}\"\n"))
        .unwrap_or_default();
    format!(
        r#"
[[builder]]
name = "{name}"
[builder.config]
type = "Server"
params.address = "{address}"
params.passkey = "{key}"
{fingerprint}"#
    )
}

fn build_on(
    name: &str,
    builder: &str,
    registry: &Registry,
    dockerfile: &str,
    extra: &str,
) -> String {
    format!(
        r#"
[[registry_account]]
domain = "{domain}"
username = "kiln"
token = "registry-pass-4412"

[[build]]
name = "{name}"
[build.config]
builder = "{builder}"
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
async fn a_server_builder_builds_on_the_agent_with_live_logs_and_pushes() {
    // `_agent` and `_dir` stay bound: the agent runs until the test ends.
    let Remote {
        registry,
        server,
        _agent,
        _dir,
    } = Remote::start().await;
    let nonce = nonce();
    let dockerfile = format!(
        "FROM kiln-test/base:1\nRUN echo agent-first-{nonce} && sleep 3 && echo agent-last-{nonce}"
    );
    apply(
        &server,
        &build_on(
            "on-agent",
            "remote",
            &registry,
            &dockerfile,
            "version = \"2.0.0\"",
        ),
    )
    .await;

    let run_id = start_run(&server, "on-agent").await;
    let (lines, end) = read_log(&server, run_id).await;
    let ended = Instant::now();
    assert_eq!(end["status"], "success", "{end}\n{lines:?}");
    assert_eq!(end["builder"], "remote");
    let first = lines
        .iter()
        .find(|(_, text)| text.contains(&format!("agent-first-{nonce}")))
        .map(|(at, _)| *at)
        .unwrap_or_else(|| panic!("no first line: {lines:?}"));
    assert!(
        ended.duration_since(first) >= Duration::from_secs(2),
        "the line from the agent arrived only {:?} before the end: not live",
        ended.duration_since(first)
    );
    let stages: Vec<&str> = end["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert!(
        stages.contains(&"Docker Build") && stages.contains(&"Push"),
        "{stages:?}"
    );
    let mut tags = registry.tags("kiln/on-agent").await.unwrap();
    tags.sort();
    assert_eq!(tags, ["2", "2.0", "2.0.1", "latest"]);
}

#[tokio::test]
async fn cancel_and_timeout_reach_the_agent() {
    // `_agent` and `_dir` stay bound: the agent runs until the test ends.
    let Remote {
        registry,
        server,
        _agent,
        _dir,
    } = Remote::start().await;
    let nonce = nonce();
    let sleeper = format!("FROM kiln-test/base:1\nRUN echo agent-sleeping-{nonce} && sleep 120");
    apply(
        &server,
        &build_on("sleeper", "remote", &registry, &sleeper, ""),
    )
    .await;

    let run_id = start_run(&server, "sleeper").await;
    let log = read_log(&server, run_id);
    let canceller = async {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (_, run) = get_json(&server, &format!("/api/v1/runs/{run_id}")).await;
            let started = run["stages"].as_array().is_some_and(|s| !s.is_empty());
            if started && run["status"] == "running" {
                break;
            }
            assert!(Instant::now() < deadline, "never running: {run}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (status, body) = post_json(
            &server,
            &format!("/api/v1/runs/{run_id}/cancel"),
            Value::Null,
        )
        .await;
        assert_eq!(status, 202, "{body}");
        Instant::now()
    };
    let ((lines, end), cancelled_at) = tokio::join!(log, canceller);
    assert_eq!(end["status"], "cancelled", "{end}");
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(20),
        "the agent took {:?} to stop (the connection-drop fallback waits 30 s)",
        cancelled_at.elapsed()
    );
    assert!(
        lines
            .iter()
            .any(|(_, l)| l.contains(&format!("agent-sleeping-{nonce}"))),
        "{lines:?}"
    );
    let docker_build = end["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == "Docker Build")
        .cloned()
        .unwrap_or_else(|| panic!("the agent reported no Docker Build stage: {end}"));
    assert_eq!(docker_build["success"], false);

    let slow = format!("FROM kiln-test/base:1\nRUN echo agent-timeout-{nonce} && sleep 120");
    apply(
        &server,
        &build_on(
            "too-slow",
            "remote",
            &registry,
            &slow,
            "timeout_seconds = 4",
        ),
    )
    .await;
    let run_id = start_run(&server, "too-slow").await;
    let run = wait_run(&server, run_id, Duration::from_secs(60)).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"], "timed out after 4 s (timeout_seconds)",
        "{run}"
    );
    let (_, again) = post_json(&server, "/api/v1/builds/too-slow/run", Value::Null).await;
    assert!(
        again["run_id"].is_i64(),
        "the build lock is released: {again}"
    );
    let again = again["run_id"].as_i64().unwrap();
    post_json(
        &server,
        &format!("/api/v1/runs/{again}/cancel"),
        Value::Null,
    )
    .await;
    wait_run(&server, again, Duration::from_secs(60)).await;
}

#[tokio::test]
async fn a_wrong_key_fails_the_run_and_the_builders_list_shows_agent_health() {
    let Remote {
        registry,
        mut server,
        _agent: agent,
        _dir,
    } = Remote::start().await;
    let engine = engine().await;
    let tls_dir = tempfile::tempdir().unwrap();
    let tls_agent = start_agent(&engine, tls_dir.path(), &["--tls"]);
    let fingerprint = tls_agent.fingerprint().expect("fingerprint");
    let other = "AA:".repeat(31) + "AA";
    let old_dir = tempfile::tempdir().unwrap();
    let old_agent = start_agent(&engine, old_dir.path(), &["--test-protocol-version", "99"]);
    let builders = [
        server_builder("wrong-key", agent.url(), "not-the-key", None),
        server_builder("nowhere", "http://127.0.0.1:1", AGENT_KEY, None),
        server_builder("secure", tls_agent.url(), AGENT_KEY, Some(fingerprint)),
        server_builder("impostor", tls_agent.url(), AGENT_KEY, Some(&other)),
        server_builder("mismatched", old_agent.url(), AGENT_KEY, None),
    ]
    .concat();
    apply(&server, &builders).await;
    let nonce = nonce();
    let dockerfile = format!("FROM kiln-test/base:1\nRUN echo never-{nonce}");
    apply(
        &server,
        &build_on("refused", "wrong-key", &registry, &dockerfile, ""),
    )
    .await;
    let run_id = start_run(&server, "refused").await;
    let run = wait_run(&server, run_id, Duration::from_secs(30)).await;
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains("401") && error.contains("passkey"),
        "{error}"
    );
    apply(
        &server,
        &build_on("too-old", "mismatched", &registry, &dockerfile, ""),
    )
    .await;
    let run_id = start_run(&server, "too-old").await;
    let run = wait_run(&server, run_id, Duration::from_secs(30)).await;
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains("protocol mismatch") && error.contains("speaks protocol 99"),
        "{error}"
    );

    // The health checks run at start-up (and every 15 s): restart to see them now.
    server
        .crash_and_restart(&[("DOCKER_HOST", engine.host())])
        .unwrap();
    let (status, list) = get_json(&server, "/api/v1/builders").await;
    assert_eq!(status, 200, "{list}");
    let health = |name: &str| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .map(|b| b["health"].clone())
            .unwrap_or_else(|| panic!("no builder {name}: {list}"))
    };
    for name in ["remote", "secure"] {
        let h = health(name);
        assert_eq!(h["state"], "healthy", "{name}: {h}");
        assert_eq!(h["agent_version"], env!("CARGO_PKG_VERSION"), "{name}: {h}");
        assert_eq!(h["docker_version"], engine.version(), "{name}: {h}");
    }
    let wrong = health("wrong-key");
    assert_eq!(wrong["state"], "unreachable");
    assert!(wrong["reason"].as_str().unwrap().contains("401"), "{wrong}");
    let nowhere = health("nowhere");
    assert!(
        nowhere["reason"]
            .as_str()
            .unwrap()
            .contains("cannot reach kiln-agent"),
        "{nowhere}"
    );
    let mismatched = health("mismatched");
    assert!(
        mismatched["reason"]
            .as_str()
            .unwrap()
            .contains("protocol mismatch"),
        "{mismatched}"
    );
    let impostor = health("impostor");
    assert!(
        impostor["reason"].as_str().unwrap().contains("fingerprint"),
        "{impostor}"
    );
}

#[tokio::test]
async fn the_agent_binary_is_served_from_beside_kiln() {
    let agent = agent_bin();
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let response = client(&server)
        .get(format!("{}/agent/kiln-agent", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    let body = response.bytes().await.unwrap();
    let file = std::fs::read(&agent).unwrap();
    assert!(
        body.len() == file.len() && body[..] == file[..],
        "served bytes differ from {}",
        agent.display()
    );

    // A kiln without kiln-agent beside it says what is missing.
    let target = kiln_bin().parent().unwrap();
    let lonely = tempfile::tempdir_in(target).unwrap();
    let kiln = lonely.path().join("kiln");
    std::fs::hard_link(kiln_bin(), &kiln).unwrap();
    let server = KilnServer::start(&kiln, &[]).expect("kiln serves");
    let response = client(&server)
        .get(format!("{}/agent/kiln-agent", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("no kiln-agent binary at")
            && text.contains("cargo build --release -p kiln-agent"),
        "{text}"
    );
}

#[tokio::test]
async fn a_files_on_host_dockerfile_is_read_where_the_build_runs() {
    let engine = engine().await;
    let dir = tempfile::tempdir().unwrap();
    // One builds root for both: the agent's `builds_root` and the server's
    // KILN_BUILDS_ROOT.
    let host = tempfile::tempdir().unwrap();
    let root = host.path().display().to_string();
    let config = dir.path().join("agent.toml");
    std::fs::write(
        &config,
        format!("builds_root = \"{root}\"\n[docker]\nextra_args = [\"--network\", \"none\"]\n"),
    )
    .unwrap();
    let agent = KilnAgent::start(
        &agent_bin(),
        &[
            "--key",
            AGENT_KEY,
            "--config",
            &config.display().to_string(),
        ],
        &[("DOCKER_HOST", engine.host())],
    )
    .expect("kiln-agent starts");
    let server = KilnServer::start(
        kiln_bin(),
        &[("DOCKER_HOST", engine.host()), ("KILN_BUILDS_ROOT", &root)],
    )
    .expect("kiln serves");
    std::fs::create_dir_all(host.path().join("app/docker")).unwrap();
    std::fs::write(
        host.path().join("app/docker/Dockerfile.prod"),
        "FROM kiln-test/base:1\n",
    )
    .unwrap();
    // Links that lead out of the builds root: to the kernel's view of the
    // process (its environment) and to a directory beside the root.
    std::os::unix::fs::symlink("/proc/self", host.path().join("app/proc")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("Dockerfile"), "FROM outside\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), host.path().join("elsewhere")).unwrap();
    let on = |name: &str, builder: &str, build_path: &str, dockerfile: &str| {
        format!(
            "[[build]]\nname = \"{name}\"\n[build.config]\nbuilder = \"{builder}\"\nfiles_on_host = true\nbuild_path = \"{build_path}\"\ndockerfile_path = \"{dockerfile}\"\n",
        )
    };
    let app = host.path().join("app").display().to_string();
    let toml = [
        server_builder("remote", agent.url(), AGENT_KEY, None),
        on("via-agent", "remote", &app, "docker/Dockerfile.prod"),
        on("via-local", "", "app", "docker/Dockerfile.prod"),
        on("missing", "remote", &app, "docker/Nope"),
        on("environ-agent", "remote", "app/proc", "environ"),
        on("environ-local", "", "app/proc", "environ"),
        on("beside-agent", "remote", "elsewhere", "Dockerfile"),
        on("beside-local", "", "elsewhere", "Dockerfile"),
    ]
    .concat();
    apply(&server, &toml).await;
    for (build, builder) in [("via-agent", "remote"), ("via-local", "local")] {
        let (status, body) =
            get_json(&server, &format!("/api/v1/builds/{build}/host-dockerfile")).await;
        assert_eq!(status, 200, "{build}: {body}");
        assert_eq!(
            body["contents"], "FROM kiln-test/base:1\n",
            "{build}: {body}"
        );
        assert_eq!(body["builder"], builder, "{body}");
    }
    let (status, body) = get_json(&server, "/api/v1/builds/missing/host-dockerfile").await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("no Dockerfile at"),
        "{body}"
    );
    for (build, expected) in [
        ("environ-agent", "kernel file system"),
        ("environ-local", "kernel file system"),
        ("beside-agent", "outside the builds root"),
        ("beside-local", "outside the builds root"),
    ] {
        let (status, body) =
            get_json(&server, &format!("/api/v1/builds/{build}/host-dockerfile")).await;
        assert_eq!(status, 422, "{build}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(expected), "{build}: {body}");
        assert!(
            !error.contains("PATH="),
            "{build} showed an environment: {body}"
        );
    }
    // Straight into procfs, or up with '..': refused when saved.
    for (build_path, expected) in [
        ("/proc/self", "kernel file system"),
        ("app/../../etc", "contains '..'"),
    ] {
        let (status, body) = post_text(
            &server,
            "/api/v1/sync",
            &on("refused", "", build_path, "environ"),
        )
        .await;
        assert_eq!(status, 422, "{build_path}: {body}");
        assert!(body.contains(expected), "{build_path}: {body}");
    }
}
