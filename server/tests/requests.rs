//! Black-box tests of request bodies and refusals: the body limit
//! (`KILN_MAX_BODY_BYTES`) on the JSON API and the UI's server functions,
//! every `/api/v1` refusal answering `{"error": "..."}`, and save-time
//! validation answering 422 with the field named.

mod support;

use kiln_testkit::kiln::KilnServer;
use leptos::server_fn::ServerFn;
use reqwest::blocking::Body;
use serde_json::{json, Value};
use support::kiln_bin;

fn start(env: &[(&str, &str)]) -> KilnServer {
    KilnServer::start(kiln_bin(), env).expect("kiln serves")
}

/// A Komodo sync file of `count` builds, each with a repo, a branch, one
/// registry and three build args (about 263 bytes a build).
fn sync_file(count: usize) -> String {
    let mut text = String::with_capacity(count * 270);
    for i in 0..count {
        text.push_str(&format!(
            "[[build]]\nname = \"service-{i:05}\"\n[build.config]\nrepo = \"acme/service-{i:05}\"\nbranch = \"main\"\nimage_registry = {{ domain = \"registry.acme.internal:5000\", organization = \"platform\" }}\nbuild_args = \"\"\"\nSERVICE = service-{i:05}\nPROFILE = release\nRUST_VERSION = 1.82\n\"\"\"\n\n"
        ));
    }
    text
}

/// Status and body of an answer; the body parsed as JSON (else `Value::Null`).
fn answer(response: reqwest::blocking::Response) -> (u16, Value, String) {
    let status = response.status().as_u16();
    let text = response.text().expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json, text)
}

fn error_of(status: u16, body: &Value, text: &str) -> String {
    let message = body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{status}: not {{\"error\": ...}}: {text}"));
    assert!(!message.trim().is_empty(), "{status}: empty error: {text}");
    message.to_string()
}

#[test]
fn a_10000_build_sync_file_is_accepted_and_a_small_limit_refuses_it_in_json() {
    let file = sync_file(10_000);
    assert!(
        (2_500_000..3_000_000).contains(&file.len()),
        "about 2.7 MB: {}",
        file.len()
    );
    let server = start(&[]);
    let client = server.http_blocking();
    let started = std::time::Instant::now();
    let (status, body, text) = answer(
        client
            .post(format!("{}/api/v1/sync?dry_run=true", server.url()))
            .body(file.clone())
            .send()
            .expect("POST"),
    );
    println!("10,000-build dry run: {:?}", started.elapsed());
    assert_eq!(status, 200, "{}", &text[..text.len().min(500)]);
    assert_eq!(body["dry_run"], true);
    assert_eq!(body["applied"], false);
    assert_eq!(body["changes"].as_array().map(Vec::len), Some(10_000));

    // The UI's sync page sends the same file through its server function.
    let (status, body, text) = answer(
        client
            .post(format!("{}{}", server.url(), kiln_app::api::SyncToml::PATH))
            .json(&json!({ "toml": file, "dry_run": true, "delete": false }))
            .send()
            .expect("POST /rpc"),
    );
    assert_eq!(status, 200, "{}", &text[..text.len().min(500)]);
    assert_eq!(body["changes"].as_array().map(Vec::len), Some(10_000));

    let small = start(&[("KILN_MAX_BODY_BYTES", "1000")]);
    let client = small.http_blocking();
    let (status, body, text) = answer(
        client
            .post(format!("{}/api/v1/sync?dry_run=true", small.url()))
            .body(file.clone())
            .send()
            .expect("POST"),
    );
    assert_eq!(status, 413, "{text}");
    let message = error_of(status, &body, &text);
    assert!(
        message.contains("1000 bytes") && message.contains("KILN_MAX_BODY_BYTES"),
        "{message}"
    );
    // Without a Content-Length (chunked), the limit is found while reading.
    let chunked = Body::new(std::io::Cursor::new(file.clone().into_bytes()));
    let (status, body, text) = answer(
        client
            .post(format!("{}/api/v1/sync?dry_run=true", small.url()))
            .body(chunked)
            .send()
            .expect("POST chunked"),
    );
    assert_eq!(status, 413, "{text}");
    assert!(error_of(status, &body, &text).contains("KILN_MAX_BODY_BYTES"));

    // Server functions: Leptos's error encoding, which the UI shows as the
    // sentence after `ServerError|`.
    let rpc = format!("{}{}", small.url(), kiln_app::api::SyncToml::PATH);
    let args = json!({ "toml": file, "dry_run": true, "delete": false }).to_string();
    for (how, request) in [
        ("declared", client.post(&rpc).body(args.clone())),
        (
            "chunked",
            client
                .post(&rpc)
                .body(Body::new(std::io::Cursor::new(args.clone().into_bytes()))),
        ),
    ] {
        let (status, _, text) = answer(
            request
                .header("content-type", "application/json")
                .send()
                .expect("POST /rpc"),
        );
        assert_eq!(status, 413, "{how}: {text}");
        assert!(
            text.starts_with(
                "ServerError|the request body is larger than this server's limit of 1000 bytes"
            ) && text.contains("KILN_MAX_BODY_BYTES"),
            "{how}: {text}"
        );
    }
}

#[test]
fn every_refusal_of_the_api_is_json_with_its_status() {
    let server = start(&[("KILN_MAX_BODY_BYTES", "4096")]);
    let url = server.url();
    let client = server.http_blocking();
    let created = client
        .post(format!("{url}/api/v1/builds"))
        .json(&json!({ "name": "api" }))
        .send()
        .expect("create");
    assert_eq!(created.status().as_u16(), 201);
    let big_json = json!({ "name": "big", "description": "x".repeat(5000) }).to_string();
    let big_toml = sync_file(30);

    struct Case {
        what: &'static str,
        method: &'static str,
        path: &'static str,
        content_type: Option<&'static str>,
        body: Vec<u8>,
        status: u16,
        says: &'static str,
    }
    let case = |what, method, path, content_type, body: &[u8], status, says| Case {
        what,
        method,
        path,
        content_type,
        body: body.to_vec(),
        status,
        says,
    };
    let json_type = Some("application/json");
    #[rustfmt::skip]
    let cases = [
        case("wrong method on a collection", "PUT", "/api/v1/builds", None, b"", 405, "PUT is not allowed here; this endpoint takes GET, HEAD, POST"),
        case("wrong method on one build", "POST", "/api/v1/builds/api", None, b"", 405, "POST is not allowed here"),
        case("wrong method on sync", "DELETE", "/api/v1/sync", None, b"", 405, "DELETE is not allowed here"),
        case("wrong method on an action", "GET", "/api/v1/runs/1/cancel", None, b"", 405, "GET is not allowed here; this endpoint takes POST"),
        case("no content type", "POST", "/api/v1/builds", None, br#"{"name":"x"}"#, 415, "Content-Type: application/json (the request had no Content-Type)"),
        case("wrong content type", "POST", "/api/v1/builds", Some("text/plain"), br#"{"name":"x"}"#, 415, "(the request had Content-Type: text/plain)"),
        case("malformed JSON", "POST", "/api/v1/builds", json_type, br#"{"name":"#, 400, "JSON"),
        case("JSON that is not a build", "POST", "/api/v1/builds", json_type, br#"{"nom":"x"}"#, 400, "name"),
        case("a build that fails validation", "POST", "/api/v1/builds", json_type, br#"{"name":"Not Valid"}"#, 422, "build 'Not Valid': name:"),
        case("malformed run request", "POST", "/api/v1/builds/api/run", json_type, b"{trigger", 400, "run request"),
        case("oversized build", "POST", "/api/v1/builds", json_type, big_json.as_bytes(), 413, "limit of 4096 bytes (4 KiB)"),
        case("oversized sync file", "POST", "/api/v1/sync?dry_run=true", None, big_toml.as_bytes(), 413, "KILN_MAX_BODY_BYTES"),
        case("oversized run request", "POST", "/api/v1/builds/api/run", json_type, big_json.as_bytes(), 413, "KILN_MAX_BODY_BYTES"),
        case("bad query", "POST", "/api/v1/sync?dry_run=maybe", None, b"", 400, "dry_run"),
        case("bad path parameter", "GET", "/api/v1/runs/abc", None, b"", 400, "abc"),
        case("sync file that is not TOML", "POST", "/api/v1/sync", None, b"[[build", 400, "line 1"),
        case("sync file that is not UTF-8", "POST", "/api/v1/sync", None, &[0xff, 0xfe], 400, "UTF-8"),
        case("unknown route", "GET", "/api/v1/nothing-here", None, b"", 404, "no such API endpoint"),
        case("unknown route, POST", "POST", "/api/v1/nothing/here", json_type, b"{}", 404, "no such API endpoint"),
        case("unknown build", "GET", "/api/v1/builds/ghost", None, b"", 404, "build 'ghost' not found"),
        case("unknown run", "GET", "/api/v1/runs/999", None, b"", 404, "not found"),
        case("taken name", "POST", "/api/v1/builds", json_type, br#"{"name":"api"}"#, 409, "already exists"),
    ];
    for case in cases {
        let method = reqwest::Method::from_bytes(case.method.as_bytes()).expect("method");
        let mut request = client.request(method, format!("{url}{}", case.path));
        if let Some(content_type) = case.content_type {
            request = request.header("content-type", content_type);
        }
        if !case.body.is_empty() {
            request = request.body(case.body.clone());
        }
        let (status, body, text) = answer(request.send().expect(case.what));
        assert_eq!(status, case.status, "{}: {text}", case.what);
        let message = error_of(status, &body, &text);
        assert!(
            message.contains(case.says),
            "{}: {message:?} should say {:?}",
            case.what,
            case.says
        );
        assert!(
            !message.contains("Failed to buffer"),
            "{}: {message}",
            case.what
        );
    }
}

#[test]
fn builds_without_tags_are_refused_at_save_time_naming_the_field() {
    let server = start(&[]);
    let url = server.url();
    let client = server.http_blocking();
    let untagged = json!({
        "name": "untagged",
        "config": {
            "include_latest_tag": false,
            "include_version_tags": false,
            "include_commit_tag": false,
            "image_tag": ""
        }
    });
    let (status, body, text) = answer(
        client
            .post(format!("{url}/api/v1/builds"))
            .json(&untagged)
            .send()
            .expect("POST"),
    );
    assert_eq!(status, 422, "{text}");
    let message = error_of(status, &body, &text);
    assert!(
        message.contains("build 'untagged': config.include_latest_tag: no tags to apply"),
        "{message}"
    );

    let file = "[[build]]\nname = \"fine\"\n\n[[build]]\nname = \"untagged\"\n[build.config]\nrepo = \"acme/app\"\ninclude_latest_tag = false\ninclude_version_tags = false\ninclude_commit_tag = false\n";
    for query in ["?dry_run=true", ""] {
        let (status, body, text) = answer(
            client
                .post(format!("{url}/api/v1/sync{query}"))
                .body(file)
                .send()
                .expect("POST"),
        );
        assert_eq!(status, 422, "{query}: {text}");
        assert!(
            error_of(status, &body, &text).contains("config.include_latest_tag"),
            "{text}"
        );
    }

    let (status, body, text) = answer(
        client
            .post(format!("{url}/api/v1/builds"))
            .json(&json!({ "name": "escape", "config": { "repo": "acme/app", "build_path": "../up" } }))
            .send()
            .expect("POST"),
    );
    assert_eq!(status, 422, "{text}");
    assert!(
        error_of(status, &body, &text)
            .contains("config.build_path: '../up' leaves the build directory"),
        "{text}"
    );

    let (_, body, text) = answer(
        client
            .get(format!("{url}/api/v1/builds"))
            .send()
            .expect("GET"),
    );
    assert_eq!(body, json!([]), "nothing was saved: {text}");

    // The UI's create form (a name only) still saves with the defaults.
    let (status, _, text) = answer(
        client
            .post(format!("{url}{}", kiln_app::api::CreateBuild::PATH))
            .form(&[("name", "from-ui"), ("description", ""), ("dockerfile", "")])
            .send()
            .expect("POST /rpc"),
    );
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("from-ui"), "{text}");
}
