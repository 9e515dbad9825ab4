//! Shared by the browser tests: the real services, the real `kiln` binary,
//! and running one playwright-core script against them.

#![allow(dead_code)]

use kiln_testkit::kiln::{kiln_bin, KilnServer};
use kiln_testkit::{base_image, DockerEngine, Registry};
use std::path::Path;
use std::process::Command;

/// The registry account every run test pushes with.
pub const REGISTRY_USER: &str = "kiln";
pub const REGISTRY_PASS: &str = "registry-pass-5521";

/// Runs `node scripts/<script> ARGS...` signed in as `server`'s admin
/// (their session cookie in `KILN_SESSION`, which `browser.mjs` gives the
/// browser) and fails the test with its output if it fails. Returns its
/// stdout.
pub fn run_script(server: &KilnServer, script: &str, args: &[&str]) -> String {
    let (session, _) = server.admin_session().expect("the admin signs in");
    run_script_with(
        &[
            ("KILN_SESSION", &session),
            ("KILN_API_KEY", server.api_key()),
        ],
        script,
        args,
    )
}

/// [`run_script`] with the session cookie `session` (None: signed out).
pub fn run_script_as(session: Option<&str>, script: &str, args: &[&str]) -> String {
    run_script_with(
        &[("KILN_SESSION", session.unwrap_or_default())],
        script,
        args,
    )
}

/// [`run_script`] with the environment `env` (`KILN_SESSION`: the browser's
/// session cookie; `KILN_API_KEY`: the key `browser.mjs`'s `api` sends).
pub fn run_script_with(env: &[(&str, &str)], script: &str, args: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .arg(dir.join("scripts").join(script))
        .args(args)
        .env_remove("KILN_SESSION")
        .env_remove("KILN_API_KEY")
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    println!("{stdout}");
    stdout
}

/// `kiln serve` without a Docker engine of its own choosing.
pub fn start_kiln() -> KilnServer {
    KilnServer::start(&kiln_bin().expect("kiln binary"), &[]).expect("kiln serves")
}

/// The real Docker engine (with the offline base image), a registry with
/// auth, and `kiln serve` building on that engine.
pub struct Services {
    pub engine: DockerEngine,
    pub registry: Registry,
    pub server: KilnServer,
}

impl Services {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// [`Services::start`] with more environment for `kiln serve`.
    pub async fn start_with(env: &[(&str, &str)]) -> Self {
        let engine = DockerEngine::ensure().await.expect("docker engine");
        base_image(&engine).await.expect("base image");
        let registry = Registry::start(Some((REGISTRY_USER, REGISTRY_PASS)))
            .await
            .expect("registry");
        let mut server_env = vec![("DOCKER_HOST", engine.host())];
        server_env.extend_from_slice(env);
        let server =
            KilnServer::start(&kiln_bin().expect("kiln binary"), &server_env).expect("kiln serves");
        Self {
            engine,
            registry,
            server,
        }
    }

    /// A Local builder giving every build `--network none` (the test engine
    /// has no bridge network) and the registry's account.
    pub fn base_toml(&self) -> String {
        format!(
            r#"
[[builder]]
name = "test-local"
[builder.config]
type = "Local"
params.extra_args = ["--network", "none"]
params.max_parallel = 2

[[registry_account]]
domain = "{domain}"
username = "{REGISTRY_USER}"
token = "{REGISTRY_PASS}"
"#,
            domain = self.registry.addr()
        )
    }
}

/// The admin's `Authorization` header, for curl.
fn bearer(server: &KilnServer) -> String {
    format!("Authorization: Bearer {}", server.api_key())
}

/// POSTs a sync file to the server's JSON API; panics if refused.
pub fn apply_sync(server: &KilnServer, toml: &str) {
    let output = Command::new("curl")
        .args(["-sS", "--noproxy", "*", "-o", "-", "-w", "\n%{http_code}"])
        .args(["-X", "POST", "--data-binary", "@-"])
        .args(["-H", "Content-Type: application/toml"])
        .args(["-H", &bearer(server)])
        .arg(format!("{}/api/v1/sync", server.url()))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(toml.as_bytes())?;
            }
            child.wait_with_output()
        })
        .expect("curl runs");
    let body = String::from_utf8_lossy(&output.stdout);
    assert!(body.trim_end().ends_with("200"), "sync refused: {body}");
}

/// GETs a JSON API path and returns the body.
pub fn get(server: &KilnServer, path: &str) -> String {
    let output = Command::new("curl")
        .args(["-sSf", "--noproxy", "*"])
        .args(["-H", &bearer(server)])
        .arg(format!("{}{path}", server.url()))
        .output()
        .expect("curl runs");
    assert!(output.status.success(), "GET {path} failed");
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// POSTs to a JSON API path with an empty body and returns the body.
pub fn post(server: &KilnServer, path: &str) -> String {
    let output = Command::new("curl")
        .args(["-sSf", "--noproxy", "*", "-X", "POST"])
        .args(["-H", &bearer(server)])
        .arg(format!("{}{path}", server.url()))
        .output()
        .expect("curl runs");
    assert!(output.status.success(), "POST {path} failed");
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// A string unique to this call, so RUN steps do not come from BuildKit's cache.
pub fn nonce() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}
