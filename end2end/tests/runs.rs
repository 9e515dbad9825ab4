//! Runs in the browser: press Run, watch log lines arrive while the build
//! is running, see it succeed with the pushed tags; cancel a slow run.

mod support;

use support::*;

#[tokio::test(flavor = "multi_thread")]
async fn run_follows_the_live_log_and_shows_tags_then_cancel_stops_a_slow_run() {
    let services = Services::start().await;
    let registry = services.registry.addr().to_string();
    let nonce = nonce();
    let toml = format!(
        r#"{base}
[[build]]
name = "hello"
[build.config]
builder = "test-local"
version = "2.3.4"
image_registry = {{ domain = "{registry}", account = "{REGISTRY_USER}" }}
dockerfile = """
FROM kiln-test/base:1
RUN for i in 1 2 3 4 5 6; do echo tick-$i-{nonce}; sleep 1; done
"""

[[build]]
name = "slow"
[build.config]
builder = "test-local"
dockerfile = """
FROM kiln-test/base:1
RUN echo going-to-sleep-{nonce} && sleep 120
"""
"#,
        base = services.base_toml()
    );
    apply_sync(&services.server, &toml);

    run_script(
        &services.server,
        "run_build.mjs",
        &[services.server.url(), &registry, &nonce],
    );

    let runs = get(&services.server, "/api/v1/builds/hello/runs");
    assert!(runs.contains("\"status\":\"success\""), "{runs}");
    let mut tags = services.registry.tags("kiln/hello").await.expect("tags");
    tags.sort();
    assert_eq!(tags, ["2", "2.3", "2.3.5", "latest"]);
    let slow = get(&services.server, "/api/v1/builds/slow/runs");
    assert!(slow.contains("\"status\":\"cancelled\""), "{slow}");
}
