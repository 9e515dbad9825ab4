//! Headless Chromium against a real `kiln serve`. Needs the site built by
//! `cargo leptos build` and `npm ci` in end2end/ (scripts/test.sh does both).

mod support;

use support::*;

#[test]
fn create_build_in_the_browser_and_see_it_after_reload() {
    let server = start_kiln();
    run_script("create_build.mjs", &[server.url(), "browser-made"]);

    let body = get(&server, "/api/v1/builds/browser-made");
    assert!(body.contains("made by the browser test"), "{body}");
    assert!(body.contains("FROM scratch"), "{body}");
}
