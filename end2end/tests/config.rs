//! Editing a build in the browser: tag preview, validation, save, drafts,
//! hidden secret args and the Monaco Dockerfile editor.

mod support;

use support::*;

#[test]
fn edit_config_preview_tags_keep_drafts_and_type_a_dockerfile_in_monaco() {
    let server = start_kiln();
    // A files-on-host build whose Dockerfile the Local builder can read.
    let host = tempfile::tempdir().expect("host dir");
    std::fs::create_dir_all(host.path().join("svc")).expect("svc dir");
    std::fs::write(
        host.path().join("svc/Dockerfile"),
        "FROM kiln-test/base:1\nRUN echo read-from-the-host\n",
    )
    .expect("host Dockerfile");
    apply_sync(
        &server,
        &format!(
            "[[build]]\nname = \"on-host\"\n[build.config]\nfiles_on_host = true\nbuild_path = \"{}\"\n",
            host.path().join("svc").display()
        ),
    );
    run_script("build_config.mjs", &[server.url(), "webapp", "on-host"]);

    let build = get(&server, "/api/v1/builds/webapp");
    assert!(build.contains("typed-in-monaco"), "{build}");
    assert!(build.contains("\"image_tag\":\"beta\""), "{build}");
    assert!(build.contains("NPM_TOKEN=<NPM_TOKEN>"), "{build}");
    assert!(
        !build.contains("supersecret-123"),
        "API leaked a secret arg: {build}"
    );
    let export = get(&server, "/api/v1/sync");
    assert!(
        export.contains("NPM_TOKEN=<NPM_TOKEN>") && !export.contains("supersecret-123"),
        "{export}"
    );
    // Saves after the secret was set sent its placeholder (or nothing) back:
    // the history shows it changed once, never again.
    let history = get(&server, "/api/v1/builds/webapp/history");
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
}
