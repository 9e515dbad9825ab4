//! Editing a build in the browser: tag preview, validation, save, drafts,
//! hidden secret args and the Monaco Dockerfile editor.

mod support;

use support::*;

#[tokio::test(flavor = "multi_thread")]
async fn edit_config_preview_tags_keep_drafts_and_type_a_dockerfile_in_monaco() {
    // A files-on-host build whose Dockerfile the Local builder can read,
    // under the server's builds root.
    let host = tempfile::tempdir().expect("host dir");
    let root = host.path().display().to_string();
    let services = Services::start_with(&[("KILN_BUILDS_ROOT", &root)]).await;
    let server = &services.server;
    std::fs::create_dir_all(host.path().join("svc")).expect("svc dir");
    std::fs::write(
        host.path().join("svc/Dockerfile"),
        "FROM kiln-test/base:1\nRUN echo read-from-the-host\n",
    )
    .expect("host Dockerfile");
    apply_sync(
        server,
        &format!(
            "[[build]]\nname = \"on-host\"\n[build.config]\nfiles_on_host = true\nbuild_path = \"{}\"\n",
            host.path().join("svc").display()
        ),
    );
    run_script(
        server,
        "build_config.mjs",
        &[server.url(), "webapp", "on-host"],
    );

    let build = get(server, "/api/v1/builds/webapp");
    assert!(build.contains("typed-in-monaco"), "{build}");
    assert!(build.contains("\"image_tag\":\"beta\""), "{build}");
    assert!(build.contains("NPM_TOKEN=<NPM_TOKEN>"), "{build}");
    assert!(
        !build.contains("supersecret-123"),
        "API leaked a secret arg: {build}"
    );
    let export = get(server, "/api/v1/sync");
    assert!(
        !export.contains("supersecret-123") && export.contains("NPM_TOKEN=<NPM_TOKEN>"),
        "the export shows the secret arg: {export}"
    );
    // Saves after the secret was set sent its placeholder (or nothing) back:
    // the history shows it changed once, never again.
    let history = get(server, "/api/v1/builds/webapp/history");
    assert!(!history.contains("supersecret-123"), "{history}");
    let updates_of_the_secret = history
        .split("{\"kind\"")
        .filter(|entry| entry.contains("\"action\":\"update\""))
        .filter(|entry| entry.contains("\"config.secret_args\""))
        .count();
    assert_eq!(
        updates_of_the_secret, 1,
        "the stored secret arg was changed by saving its placeholder: {history}"
    );
    // No door shows the stored value, so prove it is still there by using
    // it: a file that gives the placeholder back keeps the stored value,
    // and a run's RUN step compares it.
    apply_sync(
        server,
        &format!(
            r#"{base}
[[build]]
name = "webapp"
[build.config]
builder = "test-local"
secret_args = "NPM_TOKEN=<NPM_TOKEN>"
dockerfile = """
FROM kiln-test/base:1
RUN --mount=type=secret,id=NPM_TOKEN test "$(cat /run/secrets/NPM_TOKEN)" = supersecret-123 && echo secret-kept-{nonce}
"""
"#,
            base = services.base_toml(),
            nonce = nonce()
        ),
    );
    let started = post(server, "/api/v1/builds/webapp/run");
    let run_id = started
        .split("\"run_id\":")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .unwrap_or_else(|| panic!("no run id in {started}"))
        .to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let run = loop {
        let run = get(server, &format!("/api/v1/runs/{run_id}"));
        if !run.contains("\"status\":\"running\"") && !run.contains("\"status\":\"queued\"") {
            break run;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "run did not end: {run}"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    assert!(
        run.contains("\"status\":\"success\""),
        "the stored secret arg was lost by saving its placeholder: {run}"
    );
}
