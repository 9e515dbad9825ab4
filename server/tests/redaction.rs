//! Secrets leave the core only as placeholders, through every door: a
//! literal secret arg and a webhook secret are in no JSON API answer (the
//! sync export, a created build's echo, a build read back) and not in
//! `kiln sync export`; applying an export that holds the placeholders, by
//! the CLI or the API, keeps the stored values.

use kiln_testkit::kiln::KilnServer;
use serde_json::{json, Value};

const LITERAL: &str = "literal-Qx93v";
const HOOK: &str = "whsec-Lm28p";

/// Kiln on the test Docker engine (with the offline base image). The
/// runtime that set the engine up lives as long as the test.
fn start() -> (KilnServer, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let engine = runtime.block_on(async {
        let engine = kiln_testkit::DockerEngine::ensure().await.expect("engine");
        kiln_testkit::base_image(&engine).await.expect("base image");
        engine
    });
    let server = KilnServer::start(
        &kiln_testkit::kiln::kiln_bin().expect("kiln binary"),
        &[("DOCKER_HOST", engine.host())],
    )
    .expect("kiln serves");
    (server, runtime)
}

/// SHA-256 of `text`, in hex (the Dockerfile compares the secret by its
/// hash, so the file itself holds no secret).
fn sha256(text: &str) -> String {
    let output = std::process::Command::new("sh")
        .args([
            "-c",
            "printf %s \"$1\" | sha256sum | cut -c1-64",
            "sh",
            text,
        ])
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn file() -> String {
    format!(
        "[[builder]]\nname = \"test-local\"\n[builder.config]\ntype = \"Local\"\nparams.extra_args = [\"--network\", \"none\"]\n\
         [[build]]\nname = \"leaky\"\n[build.config]\nbuilder = \"test-local\"\nsecret_args = \"NPM_TOKEN={LITERAL}\"\nwebhook_secret = \"{HOOK}\"\n\
         dockerfile = '''\nFROM kiln-test/base:1\nRUN --mount=type=secret,id=NPM_TOKEN test \"$(busybox sha256sum /run/secrets/NPM_TOKEN | busybox cut -c1-64)\" = {hash}\n'''\n",
        hash = sha256(LITERAL)
    )
}

fn assert_hidden(place: &str, text: &str) {
    for secret in [LITERAL, HOOK] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into {place}: {text}"
        );
    }
}

fn sync(server: &KilnServer, toml: &str, dry_run: bool) -> Value {
    let response = server
        .http_blocking()
        .post(format!("{}/api/v1/sync?dry_run={dry_run}", server.url()))
        .body(toml.to_string())
        .send()
        .expect("sync");
    assert!(response.status().is_success(), "sync refused");
    response.json().expect("sync answer")
}

fn get_text(server: &KilnServer, path: &str) -> String {
    server
        .http_blocking()
        .get(format!("{}{path}", server.url()))
        .send()
        .expect("GET")
        .text()
        .expect("body")
}

/// The stored secret arg is still the literal: a run of the build, whose
/// RUN step compares it by hash, succeeds (no answer shows the value, and a
/// dry run never says whether a given secret equals the stored one).
fn assert_secrets_kept(server: &KilnServer, how: &str) {
    let run = server
        .cli(&["build", "run", "leaky", "--follow"], None)
        .expect("kiln build run");
    assert!(
        run.status.success(),
        "{how} lost the secret arg: {}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert_hidden(how, &String::from_utf8_lossy(&run.stdout));
}

#[test]
fn literal_secret_args_never_leave_and_placeholders_keep_them() {
    let (server, _runtime) = start();
    let applied = server.cli(&["sync", "apply", "-"], Some(&file())).unwrap();
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );

    let api_export = get_text(&server, "/api/v1/sync");
    assert_hidden("GET /api/v1/sync", &api_export);
    assert!(
        api_export.contains("NPM_TOKEN=<NPM_TOKEN>"),
        "the export names the secret arg: {api_export}"
    );
    let cli_export = server.cli(&["sync", "export"], None).unwrap();
    assert!(cli_export.status.success());
    let cli_export = String::from_utf8(cli_export.stdout).unwrap();
    assert_hidden("kiln sync export", &cli_export);
    assert_hidden(
        "GET /api/v1/builds/leaky",
        &get_text(&server, "/api/v1/builds/leaky"),
    );
    assert_hidden("GET /api/v1/builds", &get_text(&server, "/api/v1/builds"));

    let created = server
        .http_blocking()
        .post(format!("{}/api/v1/builds", server.url()))
        .json(&json!({
            "name": "posted",
            "config": { "secret_args": format!("KEY={LITERAL}"), "webhook_secret": HOOK },
        }))
        .send()
        .expect("POST");
    assert_eq!(created.status().as_u16(), 201);
    let created = created.text().unwrap();
    assert_hidden("POST /api/v1/builds", &created);
    assert!(created.contains("KEY=<KEY>"), "{created}");

    let reapplied = server
        .cli(&["sync", "apply", "-"], Some(&cli_export))
        .unwrap();
    assert!(
        reapplied.status.success(),
        "{}",
        String::from_utf8_lossy(&reapplied.stderr)
    );
    assert_secrets_kept(&server, "kiln sync apply of the export");
    sync(&server, &api_export, false);
    assert_secrets_kept(&server, "POST /api/v1/sync of the export");
}
