//! Powers that run on a builder host, through the real `kiln` binary: a
//! build's `extra_args` that leave the build sandbox are refused with 422
//! naming the flag (API and sync), and outbound targets a user chose are
//! checked before any traffic (a git provider at the cloud metadata
//! address; this host's own address unless the admin setting allows it).

mod support;

use kiln_testkit::kiln::KilnServer;
use kiln_testkit::DockerEngine;
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escaping_extra_args_are_refused_with_422_naming_the_flag() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let build = json!({
        "name": "escape",
        "config": {
            "dockerfile": "FROM busybox\n",
            "extra_args": ["--pull", "--output type=local,dest=/etc"],
        },
    });
    let (status, body) = post_json(&server, "/api/v1/builds", build).await;
    assert_eq!(status, 422, "{body}");
    let text = body.to_string();
    assert!(
        text.contains("config.extra_args[1]") && text.contains("--output is refused"),
        "{text}"
    );

    let (status, body) = post_json(
        &server,
        "/api/v1/builds",
        json!({
            "name": "host-net",
            "config": {"dockerfile": "FROM busybox\n", "extra_args": ["--network", "host"]},
        }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string()
            .contains("allow_host_network setting is off"),
        "{body}"
    );

    let response = client(&server)
        .post(format!("{}/api/v1/sync", server.url()))
        .body(
            "[[build]]\nname = \"synced\"\n[build.config]\ndockerfile = \"FROM busybox\"\n\
             extra_args = [\"--secret id=k,src=/root/.ssh/id_rsa\"]\n",
        )
        .send()
        .await
        .expect("sync");
    assert_eq!(response.status().as_u16(), 422);
    let text = response.text().await.expect("body");
    assert!(text.contains("--secret is refused"), "{text}");

    let (status, body) = post_json(
        &server,
        "/api/v1/builds",
        json!({
            "name": "fine",
            "config": {
                "dockerfile": "FROM busybox\n",
                "extra_args": ["--network none --pull", "--label team=a", "--platform linux/amd64"],
            },
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// A git build whose provider names a host; its run must fail at the
/// clone with `expected` in the error.
async fn refused_clone(server: &KilnServer, build: &str, provider: &str, expected: &str) {
    let (status, body) = post_json(
        server,
        "/api/v1/builds",
        json!({
            "name": build,
            "config": {"git_provider": provider, "git_https": false, "repo": "acme/app"},
        }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let run_id = start_run(server, build).await;
    let run: Value = wait_run(server, run_id, Duration::from_secs(60)).await;
    assert_eq!(run["status"], "failed", "{run}");
    let text = run.to_string();
    assert!(text.contains(expected), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn git_providers_at_metadata_or_loopback_addresses_are_refused_before_any_traffic() {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    // Tests allow loopback targets (testkit sets the variable); metadata
    // addresses stay refused whatever the setting.
    let server = start_with_engine(&engine);
    refused_clone(
        &server,
        "metadata",
        "169.254.169.254",
        "git provider 169.254.169.254 is refused: it resolves to 169.254.169.254, a link-local address",
    )
    .await;
    refused_clone(
        &server,
        "metadata-v6",
        "[::ffff:169.254.169.254]",
        "a link-local address",
    )
    .await;

    let closed = KilnServer::start(
        kiln_bin(),
        &[
            ("DOCKER_HOST", engine.host()),
            ("KILN_ALLOW_LOOPBACK_TARGETS", "false"),
        ],
    )
    .expect("kiln serves");
    refused_clone(
        &closed,
        "loopback",
        "localhost:9",
        "git provider localhost is refused: it resolves to",
    )
    .await;
}
