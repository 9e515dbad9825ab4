//! The redaction table (issue 11 §2): every kind of secret, created through
//! one sync file, is sent through every door Kiln has, and none of them
//! shows it, raw or base64-encoded.
//!
//! Secrets: a literal secret arg, a secret variable, a git and a registry
//! account token, a Server builder's agent passkey, a build's webhook
//! secret and a Slack alerter's URL; and, for the dry run that changes each
//! of them, the new values it gives.
//!
//! Doors: every JSON API GET under `/api/v1`, the server-rendered HTML of
//! every page, the UI's server functions, `kiln sync export` and the CLI's
//! other output, error answers (400, 401, 404, 409, 422) to requests that
//! refer to or carry the secrets, the answers of dry-run syncs that change
//! each secret (API, server function, CLI), the webhook listener, the alert
//! the alerter posts, a real run's log and record (the run uses the secret
//! arg and the secret variable, and prints both raw and base64-encoded),
//! the agent's health as the builders list shows it, and the server's own
//! log, read last.

mod agent_support;
mod support;

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use kiln_testkit::kiln::KilnServer;
use kiln_testkit::{base_image, DockerEngine};
use leptos::server_fn::ServerFn;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One secret: what it is, and its value.
struct Secret {
    name: &'static str,
    value: String,
}

/// The values the sync file stores (`stored`) or a dry run offers in their
/// place (`next`).
struct Values {
    literal: String,
    variable: String,
    git_token: String,
    registry_token: String,
    passkey: String,
    webhook: String,
    alerter_url: String,
}

impl Values {
    fn stored(alert_port: u16) -> Self {
        Self {
            literal: "literal-Qx93vT7r".into(),
            variable: "varsecret-Hy77mK2p".into(),
            git_token: "gittoken-Pw42kL9s".into(),
            registry_token: "regtoken-Zq81xN4d".into(),
            passkey: "passkey-Vb56rJ3w".into(),
            webhook: "whsec-Lm28pF6t".into(),
            alerter_url: format!("http://127.0.0.1:{alert_port}/services/T0/B0/alerturl-Cd39sM1q"),
        }
    }

    fn next(alert_port: u16) -> Self {
        Self {
            literal: "nextliteral-Ue41gB8k".into(),
            variable: "nextvar-Ra63tW5n".into(),
            git_token: "nextgit-Jo27cX0v".into(),
            registry_token: "nextreg-Ki90hD3y".into(),
            passkey: "nextpass-Wf15qS6m".into(),
            webhook: "nextwhsec-Ny84bA2z".into(),
            alerter_url: format!("http://127.0.0.1:{alert_port}/services/T1/B1/nexturl-Ep72lG9j"),
        }
    }

    /// The table rows: secret name → value.
    fn table(&self, how: &str) -> Vec<Secret> {
        let row = |name: &'static str, value: &str| Secret {
            name,
            value: value.to_string(),
        };
        let mut rows = vec![
            row("literal secret arg", &self.literal),
            row("secret variable", &self.variable),
            row("git account token", &self.git_token),
            row("registry account token", &self.registry_token),
            row("agent passkey", &self.passkey),
            row("webhook secret", &self.webhook),
            row("alerter URL", &self.alerter_url),
        ];
        // The part of the alerter URL that is its token: the host is shown.
        if let Some((_, token)) = self.alerter_url.rsplit_once('/') {
            rows.push(row("alerter URL token", token));
        }
        for r in &mut rows {
            r.name = match how {
                "stored" => r.name,
                _ => leak(format!("{} ({how})", r.name)),
            };
        }
        rows
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The forms of `value` to look for: the value itself, and the part of its
/// standard and URL-safe base64 encodings that is the same wherever the
/// value sits in a longer encoded text (three byte alignments; the
/// 4-character groups shared with neighbouring bytes are cut off).
fn forms(value: &str) -> Vec<(String, String)> {
    let mut out = vec![("raw".to_string(), value.to_string())];
    for (engine_name, engine) in [("base64", &STANDARD), ("base64url", &URL_SAFE)] {
        for align in 0..3usize {
            let mut bytes = vec![0u8; align];
            bytes.extend_from_slice(value.as_bytes());
            let encoded = engine.encode(&bytes);
            let start = if align == 0 { 0 } else { 4 };
            let end = encoded.len().saturating_sub(4);
            if end > start + 8 {
                out.push((
                    format!("{engine_name} (offset {align})"),
                    encoded[start..end].to_string(),
                ));
            }
        }
    }
    out
}

/// What a door answered: a status (a CLI's exit maps to 200 or 500), the
/// headers (HTTP only) and the text.
#[derive(Default)]
struct Answer {
    status: u16,
    headers: String,
    body: String,
}

impl Answer {
    fn text(status: u16, body: String) -> Self {
        Self {
            status,
            body,
            ..Self::default()
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

/// A door: its label, the status it must answer (so a door that did not
/// work cannot pass by showing nothing), and the answer.
struct Door {
    label: String,
    want: u16,
    answer: Answer,
}

/// Everything the doors need.
struct Ctx {
    server: KilnServer,
    client: Client,
    run_id: i64,
}

impl Ctx {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn get(&self, path: &str) -> Answer {
        answer(self.client.get(self.url(path)).send())
    }

    fn post_text(&self, path: &str, body: &str) -> Answer {
        answer(
            self.client
                .post(self.url(path))
                .body(body.to_string())
                .send(),
        )
    }

    fn post_json(&self, path: &str, body: &Value) -> Answer {
        answer(self.client.post(self.url(path)).json(body).send())
    }

    /// A server function with the default (URL-encoded form) input.
    fn rpc_form(&self, path: &str, args: &[(&str, &str)]) -> Answer {
        answer(self.client.post(self.url(path)).form(args).send())
    }

    fn cli(&self, args: &[&str], stdin: Option<&str>) -> Answer {
        let output = self.server.cli(args, stdin).expect("kiln CLI");
        Answer::text(
            if output.status.success() { 200 } else { 500 },
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        )
    }
}

fn answer(sent: reqwest::Result<reqwest::blocking::Response>) -> Answer {
    let response = sent.expect("request");
    let status = response.status().as_u16();
    let mut headers = String::new();
    for (name, value) in response.headers() {
        headers.push_str(&format!("{name}: {}\n", value.to_str().unwrap_or_default()));
    }
    let body = response.text().expect("body");
    Answer {
        status,
        headers,
        body,
    }
}

/// The sync file that creates every secret. `values` gives the secrets;
/// `agent` is the Server builder's address; `dockerfile_nonce` keeps the
/// RUN step out of BuildKit's cache.
fn sync_file(values: &Values, agent: &str, nonce: &str) -> String {
    let Values {
        literal,
        variable,
        git_token,
        registry_token,
        passkey,
        webhook,
        alerter_url,
    } = values;
    format!(
        r#"
[[variable]]
name = "API_TOKEN"
value = "{variable}"
is_secret = true

[[git_account]]
domain = "git.redaction.test"
username = "ci"
token = "{git_token}"

[[registry_account]]
domain = "registry.redaction.test"
username = "kiln"
token = "{registry_token}"

[[builder]]
name = "test-local"
[builder.config]
type = "Local"
params.extra_args = ["--network", "none"]

[[builder]]
name = "agent-box"
[builder.config]
type = "Server"
params.address = "{agent}"
params.passkey = "{passkey}"

[[alerter]]
name = "slack-ci"
[alerter.config]
enabled = true
endpoint.type = "Slack"
endpoint.params.url = "{alerter_url}"

[[build]]
name = "leaky"
[build.config]
builder = "test-local"
secret_args = """
NPM_TOKEN={literal}
API_TOKEN=[[API_TOKEN]]
"""
webhook_secret = "{webhook}"
dockerfile = '''
FROM kiln-test/base:1
RUN --mount=type=secret,id=NPM_TOKEN --mount=type=secret,id=API_TOKEN echo seen-{nonce}-$(cat /run/secrets/NPM_TOKEN)-$(cat /run/secrets/API_TOKEN) && echo b64-{nonce}-$(busybox base64 /run/secrets/NPM_TOKEN)-$(busybox base64 /run/secrets/API_TOKEN)
'''

[[build]]
name = "wired"
[build.config]
builder = "agent-box"
git_provider = "git.redaction.test"
git_account = "ci"
repo = "team/app"
image_registry = {{ domain = "registry.redaction.test", account = "kiln" }}
secret_args = "NPM_TOKEN={literal}"
webhook_secret = "{webhook}"
"#
    )
}

/// A stand-in for Slack: records every request it gets and answers 404
/// (not retried, so the failure is logged once).
fn alert_catcher() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
                if complete(&request) {
                    break;
                }
            }
            // Headers and body; not the request line, which is the URL
            // itself (the alert is sent to the secret URL, of course).
            let text = String::from_utf8_lossy(&request).into_owned();
            let without_target = text.split_once("\r\n").map_or("", |(_, rest)| rest);
            record
                .lock()
                .expect("lock")
                .push(without_target.to_string());
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    });
    (port, seen)
}

/// Whether `request` holds its headers and the whole body they announce.
fn complete(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    body.len() >= length
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn github_signature(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("hmac key");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[test]
fn no_secret_leaves_through_any_door() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let engine = runtime.block_on(async {
        let engine = DockerEngine::ensure().await.expect("engine");
        base_image(&engine).await.expect("base image");
        engine
    });
    let (alert_port, alerts) = alert_catcher();
    let stored = Values::stored(alert_port);
    let next = Values::next(alert_port);
    // The agent has a key of its own, so the health check's refusal is a
    // door too.
    let agent_dir = tempfile::tempdir().expect("agent dir");
    let agent = agent_support::start_agent(&engine, agent_dir.path(), &[]);
    let server = KilnServer::start(support::kiln_bin(), &[("DOCKER_HOST", engine.host())])
        .expect("kiln serves");
    let nonce = support::nonce();
    let file = sync_file(&stored, agent.url(), &nonce);

    let mut doors: Vec<Door> = Vec::new();
    let mut ctx = Ctx {
        client: server.http_blocking(),
        server,
        run_id: 0,
    };
    let mut door = |label: &str, want: u16, answer: Answer| {
        doors.push(Door {
            label: label.to_string(),
            want,
            answer,
        })
    };

    door(
        "kiln sync apply (creates every secret)",
        200,
        ctx.cli(&["sync", "apply", "-"], Some(&file)),
    );

    // One real run that uses the secret arg and the secret variable.
    let run = ctx.cli(&["build", "run", "leaky", "--follow"], None);
    assert_eq!(run.status, 200, "the run succeeds: {}", run.body);
    assert!(
        run.body.contains(&format!("seen-{nonce}-")) && run.body.contains(&format!("b64-{nonce}-")),
        "the run printed the secrets (masked): {}",
        run.body
    );
    door("kiln build run --follow", 200, run);
    let runs = ctx.get("/api/v1/builds/leaky/runs").json();
    ctx.run_id = runs[0]["id"].as_i64().expect("run id");
    assert_eq!(runs[0]["status"], "success", "{runs}");
    let run_id = ctx.run_id;

    // The alert for the run reaches the stand-in for Slack.
    wait_for("the alert arrives", Duration::from_secs(20), || {
        !alerts.lock().expect("lock").is_empty()
    });
    // The agent's health is checked (and refused: wrong key).
    wait_for(
        "agent-box's health is known",
        Duration::from_secs(30),
        || {
            let builders = ctx.get("/api/v1/builders").json();
            builders
                .as_array()
                .into_iter()
                .flatten()
                .any(|b| b["name"] == "agent-box" && b["health"]["state"] != "unknown")
        },
    );

    // Every JSON API GET.
    for path in [
        "/api/v1/health".to_string(),
        "/api/v1/builds".into(),
        "/api/v1/builds/leaky".into(),
        "/api/v1/builds/wired".into(),
        "/api/v1/builds/leaky/runs".into(),
        "/api/v1/builds/leaky/webhook".into(),
        "/api/v1/builds/wired/webhook".into(),
        "/api/v1/builders".into(),
        "/api/v1/alerters".into(),
        "/api/v1/sync".into(),
        format!("/api/v1/runs/{run_id}"),
        format!("/api/v1/runs/{run_id}/log"),
    ] {
        door(&format!("GET {path}"), 200, ctx.get(&path));
    }
    // The host Dockerfile of a UI build and of a git build on an agent
    // that refuses Kiln's key: refusals.
    for path in [
        "/api/v1/builds/leaky/host-dockerfile",
        "/api/v1/builds/wired/host-dockerfile",
    ] {
        let got = ctx.get(path);
        let want = got.status.clamp(400, 599);
        door(&format!("GET {path}"), want, got);
    }

    // Every page, server-rendered.
    for path in [
        "/".to_string(),
        "/builds/leaky".into(),
        "/builds/leaky/dockerfile".into(),
        "/builds/leaky/runs".into(),
        "/builds/wired".into(),
        "/builds/wired/dockerfile".into(),
        "/builders".into(),
        "/variables".into(),
        "/accounts".into(),
        "/sync".into(),
        format!("/runs/{run_id}"),
    ] {
        door(&format!("page {path}"), 200, ctx.get(&path));
    }

    // The server functions.
    use kiln_app::api as rpc;
    let run_text = run_id.to_string();
    for (label, path, args) in [
        ("list_builds", rpc::ListBuilds::PATH, vec![]),
        (
            "get_build_page leaky",
            rpc::GetBuildPage::PATH,
            vec![("name", "leaky")],
        ),
        (
            "get_build_page wired",
            rpc::GetBuildPage::PATH,
            vec![("name", "wired")],
        ),
        ("list_builders", rpc::ListBuilders::PATH, vec![]),
        ("list_variables", rpc::ListVariables::PATH, vec![]),
        (
            "list_accounts git",
            rpc::ListAccounts::PATH,
            vec![("kind", "git")],
        ),
        (
            "list_accounts registry",
            rpc::ListAccounts::PATH,
            vec![("kind", "registry")],
        ),
        ("list_runs", rpc::ListRuns::PATH, vec![("name", "leaky")]),
        (
            "get_run_page",
            rpc::GetRunPage::PATH,
            vec![("id", run_text.as_str())],
        ),
        (
            "get_run",
            rpc::GetRun::PATH,
            vec![("id", run_text.as_str())],
        ),
        ("export_toml", rpc::ExportToml::PATH, vec![]),
    ] {
        door(&format!("rpc {label}"), 200, ctx.rpc_form(path, &args));
    }
    for (label, name) in [
        ("get_source_dockerfile leaky", "leaky"),
        ("get_source_dockerfile wired", "wired"),
        ("get_build_page (unknown build)", "nope"),
    ] {
        let path = if name == "nope" {
            rpc::GetBuildPage::PATH
        } else {
            rpc::GetSourceDockerfile::PATH
        };
        let got = ctx.rpc_form(path, &[("name", name)]);
        let want = got.status.clamp(400, 599);
        door(&format!("rpc {label}"), want, got);
    }
    let build = ctx.get("/api/v1/builds/leaky").json();
    assert_eq!(build["name"], "leaky", "{build}");
    door(
        "rpc check_build (as shown)",
        200,
        ctx.post_json(rpc::CheckBuild::PATH, &json!({ "build": build })),
    );
    let patch = |build: &Value| {
        json!({
            "name": "leaky",
            "revision": build["revision"],
            "config": build["config"].to_string(),
        })
    };
    door(
        "rpc patch_build (as shown)",
        200,
        ctx.post_json(rpc::PatchBuild::PATH, &patch(&build)),
    );
    let mut bad = build.clone();
    bad["config"]["secret_args"] = json!(format!(
        "NPM_TOKEN={}\nBAD KEY={}",
        stored.literal, stored.literal
    ));
    bad["config"]["builder"] = json!("no-such-builder");
    door(
        "rpc check_build (bad secret args, unknown builder)",
        200,
        ctx.post_json(rpc::CheckBuild::PATH, &json!({ "build": bad })),
    );
    let got = ctx.post_json(rpc::PatchBuild::PATH, &patch(&bad));
    let want = got.status;
    door(
        "rpc patch_build (bad secret args, unknown builder)",
        want,
        got,
    );
    let mut wrong_type = build.clone();
    wrong_type["config"]["secret_args"] = json!([format!("NPM_TOKEN={}", stored.literal)]);
    let got = ctx.post_json(rpc::PatchBuild::PATH, &patch(&wrong_type));
    let want = got.status.clamp(400, 599);
    door("rpc patch_build (secret args of the wrong type)", want, got);

    // Exports.
    let export = ctx.cli(&["sync", "export"], None);
    assert!(
        export.body.contains("NPM_TOKEN=<NPM_TOKEN>") && export.body.contains("agent-box"),
        "the export names what it hides: {}",
        export.body
    );
    door("kiln sync export", 200, export);

    // Dry runs that change every secret: through the API, the Sync page's
    // server function and the CLI.
    let changed = sync_file(&next, agent.url(), &nonce);
    door(
        "POST /api/v1/sync?dry_run=true (every secret changed)",
        200,
        ctx.post_text("/api/v1/sync?dry_run=true", &changed),
    );
    door(
        "rpc sync_toml dry run (every secret changed)",
        200,
        ctx.post_json(
            rpc::SyncToml::PATH,
            &json!({ "toml": changed, "dry_run": true, "delete": false }),
        ),
    );
    door(
        "kiln sync apply --dry-run (every secret changed)",
        200,
        ctx.cli(&["sync", "apply", "-", "--dry-run"], Some(&changed)),
    );
    door(
        "POST /api/v1/sync?dry_run=true (the stored secrets again)",
        200,
        ctx.post_text("/api/v1/sync?dry_run=true", &file),
    );

    // Error answers to requests that refer to the secrets or carry them.
    let plain_variable = "[[variable]]\nname = \"API_TOKEN\"\nis_secret = false\n";
    let moved_agent = "[[builder]]\nname = \"agent-box\"\n[builder.config]\ntype = \"Server\"\nparams.address = \"http://127.0.0.1:9\"\n";
    let bad_args = format!(
        "[[build]]\nname = \"leaky\"\n[build.config]\nbuilder = \"test-local\"\nsecret_args = \"\"\"\nNPM_TOKEN={lit}\nBAD KEY={lit}\n\"\"\"\nwebhook_secret = \"{hook}\"\n",
        lit = next.literal,
        hook = next.webhook
    );
    let new_placeholder =
        "[[build]]\nname = \"leaky\"\n[build.config]\nbuilder = \"test-local\"\nsecret_args = \"OTHER=<OTHER>\"\n";
    let not_toml = format!(
        "[[build]]\nname = \"leaky\"\n[build.config]\nsecret_args = \"NPM_TOKEN={lit}\nwebhook_secret = {hook}\n",
        lit = next.literal,
        hook = next.webhook
    );
    let short_secrets = format!(
        "[[variable]]\nname = \"API_TOKEN\"\nvalue = \"abc\"\nis_secret = true\n[[git_account]]\ndomain = \"git.redaction.test\"\nusername = \"ci\"\ntoken = \"{}\"\n[[builder]]\nname = \"agent-box\"\n[builder.config]\ntype = \"Server\"\nparams.address = \"ftp://x\"\nparams.passkey = \"{}\"\n[[alerter]]\nname = \"slack-ci\"\n[alerter.config]\nendpoint.type = \"Slack\"\nendpoint.params.url = \"ftp://{}\"\n",
        next.git_token, next.passkey, next.alerter_url
    );
    let wrong_type_args = format!(
        "[[build]]\nname = \"leaky\"\n[build.config]\nbuilder = \"test-local\"\nsecret_args = [\"NPM_TOKEN={}\"]\n",
        next.literal
    );
    for (label, body, want) in [
        (
            "secret variable made plain without a value",
            plain_variable,
            422,
        ),
        ("Server builder moved without its passkey", moved_agent, 422),
        ("secret args with a bad line", bad_args.as_str(), 422),
        ("a placeholder with no stored value", new_placeholder, 422),
        ("not TOML", not_toml.as_str(), 400),
        (
            "secret args of the wrong type",
            wrong_type_args.as_str(),
            400,
        ),
        ("short and malformed secrets", short_secrets.as_str(), 422),
    ] {
        for dry_run in [false, true] {
            door(
                &format!("POST /api/v1/sync?dry_run={dry_run}: {label}"),
                want,
                ctx.post_text(&format!("/api/v1/sync?dry_run={dry_run}"), body),
            );
        }
        let got = ctx.post_json(
            rpc::SyncToml::PATH,
            &json!({ "toml": body, "dry_run": false, "delete": false }),
        );
        let want = got.status.clamp(400, 599);
        door(&format!("rpc sync_toml: {label}"), want, got);
        door(
            &format!("kiln sync apply: {label}"),
            500,
            ctx.cli(&["sync", "apply", "-"], Some(body)),
        );
    }
    let secret_build = |name: &str| {
        json!({
            "name": name,
            "config": {
                "builder": "test-local",
                "secret_args": format!("NPM_TOKEN={}", next.literal),
                "webhook_secret": next.webhook,
            },
        })
    };
    door(
        "POST /api/v1/builds (created)",
        201,
        ctx.post_json("/api/v1/builds", &secret_build("posted")),
    );
    door(
        "POST /api/v1/builds (taken name)",
        409,
        ctx.post_json("/api/v1/builds", &secret_build("leaky")),
    );
    let mut unknown_builder = secret_build("posted-2");
    unknown_builder["config"]["builder"] = json!("no-such-builder");
    door(
        "POST /api/v1/builds (unknown builder)",
        422,
        ctx.post_json("/api/v1/builds", &unknown_builder),
    );
    let mut wrong_type = secret_build("posted-3");
    wrong_type["config"]["secret_args"] = json!([format!("NPM_TOKEN={}", next.literal)]);
    wrong_type["config"]["webhook_secret"] = json!({ "value": next.webhook });
    door(
        "POST /api/v1/builds (secrets of the wrong type)",
        400,
        ctx.post_json("/api/v1/builds", &wrong_type),
    );
    door(
        "POST /api/v1/runs/{id}/cancel (ended run)",
        409,
        ctx.post_text(&format!("/api/v1/runs/{run_id}/cancel"), ""),
    );
    for path in [
        "/api/v1/builds/nope",
        "/api/v1/builds/nope/webhook",
        "/api/v1/runs/999999",
        "/api/v1/runs/999999/log",
    ] {
        door(&format!("GET {path}"), 404, ctx.get(path));
    }
    let not_found_page = ctx.get("/builds/nope");
    let want = not_found_page.status;
    door("page /builds/nope", want, not_found_page);

    // The webhook listener: a wrong signature, and a right one.
    let ping = r#"{"zen":"Keep it logically awesome."}"#;
    door(
        "webhook listener (wrong signature)",
        401,
        answer(
            ctx.client
                .post(ctx.url("/listener/github/build/leaky"))
                .header("x-github-event", "ping")
                .header("x-hub-signature-256", github_signature("wrong-key", ping))
                .body(ping)
                .send(),
        ),
    );
    door(
        "webhook listener (signed ping)",
        200,
        answer(
            ctx.client
                .post(ctx.url("/listener/github/build/leaky"))
                .header("x-github-event", "ping")
                .header(
                    "x-hub-signature-256",
                    github_signature(&stored.webhook, ping),
                )
                .body(ping)
                .send(),
        ),
    );

    // The alert the alerter posted.
    let alert_text = alerts.lock().expect("lock").join("\n");
    assert!(
        alert_text.contains("leaky"),
        "the alert names the build: {alert_text}"
    );
    door(
        "the alert posted to Slack",
        200,
        Answer::text(200, alert_text),
    );

    // The stored secrets are still the stored ones (the dry runs and the
    // refusals changed nothing): a second run of the same Dockerfile passes.
    let again = ctx.cli(&["build", "run", "leaky", "--follow"], None);
    door("kiln build run --follow (after the refusals)", 200, again);

    // Last: the server's own log, after everything above.
    door("server log", 200, Answer::text(200, ctx.server.log()));

    let secrets: Vec<Secret> = stored
        .table("stored")
        .into_iter()
        .chain(next.table("dry-run value"))
        .collect();
    // The doors show the resources (so finding no secret means something).
    let seen = format!("seen-{nonce}-<NPM_TOKEN>-<API_TOKEN>");
    // HTML escapes the placeholders' angle brackets.
    let seen_in_html = format!("seen-{nonce}-");
    let shows: Vec<(String, &str)> = vec![
        ("GET /api/v1/builds/leaky".into(), "NPM_TOKEN=<NPM_TOKEN>"),
        ("GET /api/v1/builds/leaky".into(), "<hidden>"),
        ("GET /api/v1/builders".into(), "agent-box"),
        ("GET /api/v1/alerters".into(), "127.0.0.1"),
        (format!("GET /api/v1/runs/{run_id}/log"), seen.as_str()),
        ("kiln build run --follow".into(), seen.as_str()),
        ("page /builds/leaky".into(), "NPM_TOKEN"),
        ("page /builders".into(), "agent-box"),
        ("page /variables".into(), "API_TOKEN"),
        ("page /accounts".into(), "registry.redaction.test"),
        ("page /sync".into(), "agent-box"),
        (format!("page /runs/{run_id}"), seen_in_html.as_str()),
        ("rpc get_run_page".into(), seen.as_str()),
        ("rpc list_accounts git".into(), "git.redaction.test"),
        (
            "POST /api/v1/sync?dry_run=true (every secret changed)".into(),
            "value hidden",
        ),
    ];
    let mut failures = Vec::new();
    for (label, needle) in &shows {
        let shown = doors
            .iter()
            .find(|door| &door.label == label)
            .is_some_and(|door| door.answer.body.contains(needle));
        if !shown {
            failures.push(format!("{label} does not show {needle}"));
        }
    }
    for door in &doors {
        if door.answer.status != door.want {
            failures.push(format!(
                "{}: answered {} (expected {}): {}",
                door.label,
                door.answer.status,
                door.want,
                excerpt(&door.answer.body, 0, 600)
            ));
        }
        let text = format!("{}{}", door.answer.headers, door.answer.body);
        for secret in &secrets {
            for (form, needle) in forms(&secret.value) {
                if let Some(at) = text.find(&needle) {
                    failures.push(format!(
                        "{} ({form}) leaked through {}: …{}…",
                        secret.name,
                        door.label,
                        excerpt(&text, at, 200)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems in {} doors:\n{}",
        failures.len(),
        doors.len(),
        failures.join("\n")
    );
}

/// Up to `around` characters either side of byte `at` of `text`.
fn excerpt(text: &str, at: usize, around: usize) -> String {
    let mut start = at.saturating_sub(around);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + around).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text[start..end].to_string()
}
