//! Headless Chromium against a real `kiln serve`. Needs the site built by
//! `scripts/build.sh debug` and `npm ci` in end2end/ (scripts/test.sh does both).

mod support;

use support::*;

#[test]
fn create_build_in_the_browser_and_see_it_after_reload() {
    let server = start_kiln();
    run_script(&server, "create_build.mjs", &[server.url(), "browser-made"]);

    let body = get(&server, "/api/v1/builds/browser-made");
    assert!(body.contains("made by the browser test"), "{body}");
    assert!(body.contains("FROM scratch"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_reads_without_javascript_and_assets_are_compressed() {
    let services = Services::start().await;
    let nonce = nonce();
    let toml = format!(
        r#"{base}
[[build]]
name = "plain"
[build.config]
builder = "test-local"
dockerfile = """
FROM kiln-test/base:1
RUN echo no-js-marker-{nonce}
"""
"#,
        base = services.base_toml()
    );
    apply_sync(&services.server, &toml);
    let started = post(&services.server, "/api/v1/builds/plain/run");
    let run_id = started
        .split("\"run_id\":")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
        })
        .unwrap_or_else(|| panic!("no run id in {started}"))
        .to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let run = get(&services.server, &format!("/api/v1/runs/{run_id}"));
        if run.contains("\"status\":\"success\"") {
            break;
        }
        assert!(
            !run.contains("\"status\":\"failed\"") && std::time::Instant::now() < deadline,
            "run did not succeed: {run}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    run_script(
        &services.server,
        "no_js.mjs",
        &[services.server.url(), "plain", &run_id],
    );
}
