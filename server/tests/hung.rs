//! Runs whose work hangs on something outside (a git server or an agent
//! that accepts the connection and never answers): the timeout and cancel
//! still end them within seconds, and the build's lock is released. The
//! real `kiln` binary, the real Docker engine, a silent TCP server.

mod support;

use kiln_testkit::{base_image, DockerEngine, SilentServer};
use serde_json::Value;
use std::time::{Duration, Instant};
use support::*;

async fn engine() -> DockerEngine {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    engine
}

/// How long after the deadline (or the cancel) a run may take to end.
const ENDS_WITHIN: Duration = Duration::from_secs(5);

/// Starts a run, waits until the silent server holds one more connection
/// (the run's work is stuck on it), and returns the run's id.
async fn start_hung(
    server: &kiln_testkit::kiln::KilnServer,
    build: &str,
    silent: &SilentServer,
) -> i64 {
    let before = silent.accepted();
    let run_id = start_run(server, build).await;
    assert!(
        silent
            .wait_for_connections(before + 1, Duration::from_secs(30))
            .await,
        "run {run_id} never connected to the silent server: {}",
        get_json(server, &format!("/api/v1/runs/{run_id}")).await.1
    );
    run_id
}

/// Cancels a hung run and returns it once ended, with how long that took.
async fn cancel_hung(server: &kiln_testkit::kiln::KilnServer, run_id: i64) -> (Value, Duration) {
    let cancelled_at = Instant::now();
    let (status, body) = post_json(
        server,
        &format!("/api/v1/runs/{run_id}/cancel"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let run = wait_run(server, run_id, Duration::from_secs(60)).await;
    (run, cancelled_at.elapsed())
}

/// Waits until the live log of run `run_id` has a line containing `needle`.
async fn wait_for_line(server: &kiln_testkit::kiln::KilnServer, run_id: i64, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut response = client(server)
        .get(format!("{}/api/v1/runs/{run_id}/log", server.url()))
        .send()
        .await
        .expect("log");
    let mut text = String::new();
    while !text.contains(needle) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, response.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            _ => panic!("no line containing {needle:?} in run {run_id}'s log: {text}"),
        }
    }
}

fn stage_of<'a>(run: &'a Value, name: &str) -> &'a Value {
    run["stages"]
        .as_array()
        .and_then(|stages| stages.iter().find(|s| s["stage"] == name))
        .unwrap_or_else(|| panic!("no stage {name}: {run}"))
}

#[tokio::test]
async fn a_hung_clone_times_out_and_cancels_within_seconds_and_releases_the_lock() {
    let engine = engine().await;
    let silent = SilentServer::start().expect("silent server");
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    apply(
        &server,
        &format!(
            r#"
[[build]]
name = "hung-git"
[build.config]
builder = "test-local"
git_provider = "{silent}"
git_https = false
repo = "team/hung"
timeout_seconds = 5

[[build]]
name = "hung-git-long"
[build.config]
builder = "test-local"
git_provider = "{silent}"
git_https = false
repo = "team/hung"
timeout_seconds = 600
"#,
            silent = silent.addr()
        ),
    )
    .await;

    // The timeout ends the run although the clone never ends.
    let started = Instant::now();
    let run_id = start_hung(&server, "hung-git", &silent).await;
    let run = wait_run(&server, run_id, Duration::from_secs(60)).await;
    let took = started.elapsed();
    println!(
        "timed-out run ended {:?} after the 5 s deadline (API round trip included)",
        took.saturating_sub(Duration::from_secs(5))
    );
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"], "timed out after 5 s (timeout_seconds)",
        "{run}"
    );
    assert_eq!(stage_of(&run, "Clone Repo")["success"], false, "{run}");
    assert!(
        took < Duration::from_secs(5) + ENDS_WITHIN,
        "the timed-out run took {took:?}"
    );

    // The lock is released: a new start is accepted. Its clone does not
    // reuse the cache the abandoned fetch still holds; cancel ends it.
    let run_id = start_run(&server, "hung-git").await;
    wait_for_line(&server, run_id, "still used by an abandoned fetch").await;
    let (run, took) = cancel_hung(&server, run_id).await;
    assert_eq!(run["status"], "cancelled", "{run}");
    assert!(took < ENDS_WITHIN, "the second run took {took:?} to cancel");

    // Cancel ends a run whose clone hangs, long before its timeout.
    let run_id = start_hung(&server, "hung-git-long", &silent).await;
    let (run, took) = cancel_hung(&server, run_id).await;
    println!("cancelled hung clone ended {took:?} after the cancel");
    assert_eq!(run["status"], "cancelled", "{run}");
    assert_eq!(stage_of(&run, "Clone Repo")["success"], false, "{run}");
    assert!(took < ENDS_WITHIN, "the cancelled run took {took:?}");

    // And nothing keeps that build locked either.
    let run_id = start_run(&server, "hung-git-long").await;
    let (run, took) = cancel_hung(&server, run_id).await;
    assert_eq!(run["status"], "cancelled", "{run}");
    assert!(took < ENDS_WITHIN, "the next run took {took:?} to cancel");
}

#[tokio::test]
async fn a_hung_agent_times_out_and_cancels_within_seconds_and_releases_the_lock() {
    let engine = engine().await;
    let silent = SilentServer::start().expect("silent server");
    let server = start_with_engine(&engine);
    apply(
        &server,
        &format!(
            r#"
[[builder]]
name = "silent-agent"
[builder.config]
type = "Server"
params.address = "http://{silent}"
params.passkey = "agent-key-0b7e2d"

[[build]]
name = "on-silent-agent"
[build.config]
builder = "silent-agent"
dockerfile = "FROM kiln-test/base:1"
timeout_seconds = 5
"#,
            silent = silent.addr()
        ),
    )
    .await;

    let started = Instant::now();
    let run_id = start_hung(&server, "on-silent-agent", &silent).await;
    let run = wait_run(&server, run_id, Duration::from_secs(60)).await;
    let took = started.elapsed();
    println!(
        "timed-out agent run ended {:?} after the 5 s deadline (API round trip included)",
        took.saturating_sub(Duration::from_secs(5))
    );
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"], "timed out after 5 s (timeout_seconds)",
        "{run}"
    );
    assert!(
        took < Duration::from_secs(5) + ENDS_WITHIN,
        "the timed-out run took {took:?}"
    );

    let run_id = start_hung(&server, "on-silent-agent", &silent).await;
    let (run, took) = cancel_hung(&server, run_id).await;
    println!("cancelled agent run ended {took:?} after the cancel");
    assert_eq!(run["status"], "cancelled", "{run}");
    assert!(took < ENDS_WITHIN, "the cancelled run took {took:?}");
}

#[tokio::test]
async fn a_hung_ec2_endpoint_times_out_within_the_grace_and_releases_the_lock() {
    let engine = engine().await;
    let silent = SilentServer::start().expect("silent server");
    let endpoint = format!("http://{}", silent.addr());
    let server = kiln_testkit::kiln::KilnServer::start(
        kiln_bin(),
        &[
            ("DOCKER_HOST", engine.host()),
            ("KILN_AWS_ENDPOINT_URL", endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent/kiln-test-aws-config"),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/kiln-test-aws-credentials",
            ),
            // RunInstances alone could hang for two minutes.
            ("KILN_AWS_CALL_TIMEOUT_SECS", "120"),
            ("KILN_AWS_SWEEP_SECS", "600"),
        ],
    )
    .expect("kiln serves");
    apply(
        &server,
        r#"
[[builder]]
name = "ec2-silent"
[builder.config]
type = "Aws"
params.region = "us-east-1"
params.ami_id = "ami-0a1b2c3d4e5f60718"
params.instance_type = "t3.micro"
params.port = 8120

[[build]]
name = "on-silent-ec2"
[build.config]
builder = "ec2-silent"
dockerfile = "FROM kiln-test/base:1"
timeout_seconds = 5
"#,
    )
    .await;

    // The run manager's own bound (10 s after the deadline) ends it.
    let bound = Duration::from_secs(5 + 10) + ENDS_WITHIN;
    let started = Instant::now();
    let run_id = start_run(&server, "on-silent-ec2").await;
    let run = wait_run(&server, run_id, Duration::from_secs(90)).await;
    let took = started.elapsed();
    println!(
        "timed-out EC2 run ended {:?} after the 5 s deadline",
        took.saturating_sub(Duration::from_secs(5))
    );
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"], "timed out after 5 s (timeout_seconds)",
        "{run}"
    );
    let start = stage_of(&run, "Start Build Instance");
    assert_eq!(start["success"], false, "{run}");
    assert!(
        start["stderr"]
            .as_str()
            .unwrap_or_default()
            .contains("did not stop within 10 s"),
        "{run}"
    );
    assert!(took < bound, "the timed-out run took {took:?}");

    let run_id = start_run(&server, "on-silent-ec2").await;
    wait_status(&server, run_id, "running", Duration::from_secs(10)).await;
    let (run, took) = cancel_hung(&server, run_id).await;
    println!("cancelled EC2 run ended {took:?} after the cancel");
    assert_eq!(run["status"], "cancelled", "{run}");
    assert!(
        took < Duration::from_secs(10) + ENDS_WITHIN,
        "the cancelled run took {took:?}"
    );
}
