//! Black-box tests: the real `kiln` binary on port 0, driven over HTTP and
//! through its own CLI.

use kiln_testkit::kiln::KilnServer;
use serde_json::{json, Value};

fn start() -> KilnServer {
    KilnServer::start(&kiln_testkit::kiln::kiln_bin().expect("kiln binary"), &[])
        .expect("kiln serves")
}

fn get(server: &KilnServer, path: &str) -> (u16, String) {
    let response = server
        .http_blocking()
        .get(format!("{}{path}", server.url()))
        .send()
        .expect("GET");
    let status = response.status().as_u16();
    (status, response.text().expect("body"))
}

fn send(server: &KilnServer, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let client = server.http_blocking();
    let url = format!("{}{path}", server.url());
    let mut request = match method {
        "POST" => client.post(url),
        "DELETE" => client.delete(url),
        _ => client.get(url),
    };
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().expect("request");
    let status = response.status().as_u16();
    let text = response.text().expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[test]
fn builds_api_create_get_list_delete() {
    let server = start();
    let (status, body) = send(&server, "GET", "/api/v1/builds", None);
    assert_eq!((status, body), (200, json!([])));

    let (status, created) = send(
        &server,
        "POST",
        "/api/v1/builds",
        Some(json!({ "name": "api" })),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["config"]["branch"], "main");
    assert_eq!(created["config"]["version"], "0.0.0");

    let (status, body) = send(&server, "GET", "/api/v1/builds/api", None);
    assert_eq!(status, 200);
    assert_eq!(body["name"], "api");
    assert_eq!(body["config"]["dockerfile_path"], "Dockerfile");

    let (status, body) = send(
        &server,
        "POST",
        "/api/v1/builds",
        Some(json!({ "name": "api" })),
    );
    assert_eq!(status, 409);
    assert_eq!(body["error"], "build 'api' already exists");

    let (status, body) = send(
        &server,
        "POST",
        "/api/v1/builds",
        Some(json!({ "name": "bad", "config": { "image_name": "Not Valid" } })),
    );
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("image_name"),
        "{body}"
    );

    let (status, body) = send(
        &server,
        "POST",
        "/api/v1/builds",
        Some(json!({ "nom": "x" })),
    );
    assert_eq!(status, 400, "{body}");

    let (status, _) = send(&server, "DELETE", "/api/v1/builds/api", None);
    assert_eq!(status, 204);
    let (status, body) = send(&server, "GET", "/api/v1/builds/api", None);
    assert_eq!(status, 404);
    assert_eq!(body["error"], "build 'api' not found");
    let (status, _) = send(&server, "GET", "/api/v1/nothing-here", None);
    assert_eq!(status, 404);
}

#[test]
fn pages_render_on_the_server() {
    let server = start();
    send(
        &server,
        "POST",
        "/api/v1/builds",
        Some(json!({ "name": "web", "description": "the site" })),
    );
    let (status, html) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"<a href="/builds/web" class="build-link">web"#),
        "{html}"
    );
    assert!(
        html.contains("/pkg/kiln.js"),
        "hydration script missing: {html}"
    );
    let (status, html) = get(&server, "/builds/web");
    assert_eq!(status, 200);
    assert!(
        html.contains("the site") && html.contains("dockerfile_path"),
        "{html}"
    );
    let (status, _) = get(&server, "/pkg/kiln.css");
    assert_eq!(status, 200, "site files are served without set-up");
}

#[test]
fn local_builder_reports_an_unreachable_engine() {
    let server = KilnServer::start(
        &kiln_testkit::kiln::kiln_bin().expect("kiln binary"),
        &[("DOCKER_HOST", "unix:///nonexistent/kiln-test/docker.sock")],
    )
    .expect("kiln serves without Docker");
    let (status, body) = send(&server, "GET", "/api/v1/builders", None);
    assert_eq!(status, 200);
    assert_eq!(body[0]["name"], "local");
    assert_eq!(body[0]["health"]["state"], "unreachable");
    let (_, html) = get(&server, "/builders");
    assert!(html.contains("Docker engine unreachable: "), "{html}");
}

const KOMODO_FILE: &str = r#"
[[variable]]
name = "REGISTRY_ORG"
value = "team"

[[build]]
name = "komodo-app"
description = "from Komodo"
tags = ["prod"]

[build.config]
version = { major = 1, minor = 4, patch = 2 }
repo = "team/app"
branch = "release"
image_registry = { domain = "127.0.0.1:5000", organization = "team" }
build_args = """
# a comment
NODE_ENV = production
"""
extra_args = ["--network", "none"]

[[deployment]]
name = "ignored"
"#;

#[test]
fn sync_cli_dry_run_apply_idempotent_export_round_trip() {
    let server = start();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), KOMODO_FILE).unwrap();
    let path = file.path().to_str().unwrap();

    let out = server
        .cli(&["sync", "apply", path, "--dry-run"], None)
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("create build 'komodo-app'"), "{stdout}");
    assert!(
        stdout.contains("create variable 'REGISTRY_ORG'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deployment"),
        "ignored kinds are reported: {stdout}"
    );
    assert_eq!(
        send(&server, "GET", "/api/v1/builds", None).1,
        json!([]),
        "dry run changed nothing"
    );

    let out = server.cli(&["sync", "apply", path], None).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, build) = send(&server, "GET", "/api/v1/builds/komodo-app", None);
    assert_eq!(build["config"]["version"], "1.4.2");
    assert_eq!(build["config"]["branch"], "release");
    assert_eq!(build["config"]["image_registry"][0]["organization"], "team");

    let again = server.cli(&["sync", "apply", path], None).unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("no changes"),
        "idempotent"
    );

    let export = server.cli(&["sync", "export"], None).unwrap();
    assert!(export.status.success());
    let exported = String::from_utf8(export.stdout).unwrap();
    assert!(
        exported.contains("[[build]]") && exported.contains("komodo-app"),
        "{exported}"
    );

    let other = start();
    let out = other.cli(&["sync", "apply", "-"], Some(&exported)).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let re_export = other.cli(&["sync", "export"], None).unwrap();
    assert_eq!(
        String::from_utf8(re_export.stdout).unwrap(),
        exported,
        "export → apply is lossless"
    );
}

#[test]
fn sync_is_atomic_and_reports_lines() {
    let server = start();
    let bad = "[[build]]\nname = \"ok\"\n\n[[build]]\nname = \"broken\"\n[build.config]\nimage_name = \"Bad Name\"\n";
    let client = server.http_blocking();
    let response = client
        .post(format!("{}/api/v1/sync", server.url()))
        .body(bad)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    assert!(response.text().unwrap().contains("broken"));
    assert_eq!(
        send(&server, "GET", "/api/v1/builds", None).1,
        json!([]),
        "nothing applied"
    );

    let unknown = "[[build]]\nname = \"x\"\n[build.config]\nbranch = \"main\"\nnot_a_field = 1\n";
    let response = client
        .post(format!("{}/api/v1/sync", server.url()))
        .body(unknown)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let text = response.text().unwrap();
    assert!(
        text.contains("not_a_field") && text.contains("line 5"),
        "{text}"
    );

    let out = server
        .cli(&["sync", "apply", "/nonexistent/kiln.toml"], None)
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reading /nonexistent/kiln.toml"));
}
