//! Editing a build in the browser: tag preview, validation, save, drafts,
//! hidden secret args and the Monaco Dockerfile editor.

mod support;

use support::*;

#[test]
fn edit_config_preview_tags_keep_drafts_and_type_a_dockerfile_in_monaco() {
    let server = start_kiln();
    run_script("build_config.mjs", &[server.url(), "webapp"]);

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
        export.contains("supersecret-123"),
        "the stored secret arg was lost by saving its placeholder: {export}"
    );
}
