//! Headless Chromium against a real `kiln serve`. Needs the site built by
//! `cargo leptos build` and `npm ci` in end2end/ (scripts/test.sh does both).

use kiln_testkit::kiln::{kiln_bin, KilnServer};
use std::path::Path;
use std::process::Command;

fn run_script(script: &str, args: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .arg(dir.join("scripts").join(script))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    println!("{stdout}");
}

#[test]
fn create_build_in_the_browser_and_see_it_after_reload() {
    let server = KilnServer::start(&kiln_bin().expect("kiln binary"), &[]).expect("kiln serves");
    run_script("create_build.mjs", &[server.url(), "browser-made"]);

    let listed = Command::new("curl")
        .args([
            "-sf",
            &format!("{}/api/v1/builds/browser-made", server.url()),
        ])
        .output()
        .expect("curl runs");
    let body = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.status.success(),
        "build not in the API after the browser made it"
    );
    assert!(body.contains("made by the browser test"), "{body}");
    assert!(body.contains("FROM scratch"), "{body}");
}
