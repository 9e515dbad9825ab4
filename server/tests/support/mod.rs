//! Shared helpers for the black-box tests: a `kiln serve` wired to the real
//! Docker engine, and small HTTP helpers.

#![allow(dead_code)]

use kiln_testkit::kiln::KilnServer;
use kiln_testkit::DockerEngine;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

/// The `kiln` under test: `KILN_BIN` when set (`scripts/test.sh` points it
/// at a snapshot of the build, which no concurrent build re-links), else the
/// binary cargo built for these tests.
pub fn kiln_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var_os("KILN_BIN")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_kiln").into())
    })
}

/// `kiln serve` using `engine` as its Local builder's Docker.
pub fn start_with_engine(engine: &DockerEngine) -> KilnServer {
    KilnServer::start(kiln_bin(), &[("DOCKER_HOST", engine.host())]).expect("kiln serves")
}

/// An HTTP client acting as the server's admin (their API key).
pub fn client(server: &KilnServer) -> reqwest::Client {
    server.http()
}

pub async fn get_json(server: &KilnServer, path: &str) -> (u16, Value) {
    let response = client(server)
        .get(format!("{}{path}", server.url()))
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// POSTs `body` as text and returns the status and the body as text.
pub async fn post_text(server: &KilnServer, path: &str, body: &str) -> (u16, String) {
    let response = client(server)
        .post(format!("{}{path}", server.url()))
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

pub async fn post_json(server: &KilnServer, path: &str, body: Value) -> (u16, Value) {
    let response = client(server)
        .post(format!("{}{path}", server.url()))
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Applies a sync file and panics with the server's message if refused.
pub async fn apply(server: &KilnServer, toml: &str) {
    let response = client(server)
        .post(format!("{}/api/v1/sync", server.url()))
        .body(toml.to_string())
        .send()
        .await
        .expect("sync");
    let status = response.status();
    let text = response.text().await.expect("body");
    assert!(status.is_success(), "sync refused ({status}): {text}");
}

/// Starts a run and returns its id.
pub async fn start_run(server: &KilnServer, build: &str) -> i64 {
    let (status, body) =
        post_json(server, &format!("/api/v1/builds/{build}/run"), Value::Null).await;
    assert_eq!(status, 202, "{body}");
    body["run_id"].as_i64().expect("run_id")
}

/// Polls a run until it is no longer queued or running.
pub async fn wait_run(server: &KilnServer, run_id: i64, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let (_, run) = get_json(server, &format!("/api/v1/runs/{run_id}")).await;
        let status = run["status"].as_str().unwrap_or_default().to_string();
        if status != "queued" && status != "running" {
            return run;
        }
        assert!(
            Instant::now() < deadline,
            "run {run_id} still {status} after {limit:?}: {run}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the run's status is `want`.
pub async fn wait_status(server: &KilnServer, run_id: i64, want: &str, limit: Duration) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let (_, run) = get_json(server, &format!("/api/v1/runs/{run_id}")).await;
        if run["status"] == want {
            return run;
        }
        assert!(
            Instant::now() < deadline,
            "run {run_id} never became {want}: {run}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reads the run's SSE log to its end: (line texts with arrival times, end record).
pub async fn read_log(server: &KilnServer, run_id: i64) -> (Vec<(Instant, String)>, Value) {
    let mut response = client(server)
        .get(format!("{}/api/v1/runs/{run_id}/log", server.url()))
        .send()
        .await
        .expect("log");
    assert_eq!(response.status().as_u16(), 200);
    let mut buffer = String::new();
    let mut lines = Vec::new();
    let mut event = String::new();
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        let now = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(pos) = buffer.find('\n') {
            let line: String = buffer.drain(..=pos).collect();
            let line = line.trim_end();
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_string();
            } else if let Some(data) = line.strip_prefix("data:") {
                let value: Value = serde_json::from_str(data.trim()).unwrap_or(Value::Null);
                if event == "end" {
                    return (lines, value);
                }
                lines.push((now, value["text"].as_str().unwrap_or_default().to_string()));
            }
        }
    }
    panic!("log of run {run_id} ended without an end event");
}

/// A Local builder that gives every `docker build` `--network none` (the
/// test engine has no bridge network).
pub const TEST_BUILDER: &str = r#"
[[builder]]
name = "test-local"
[builder.config]
type = "Local"
params.extra_args = ["--network", "none"]
params.max_parallel = 1
"#;

/// A string unique to this call, for RUN steps that must not come from
/// BuildKit's cache (the test engine outlives test processes).
pub fn nonce() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}
