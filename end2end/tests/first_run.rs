//! A new user's first run, exactly as the README says: `scripts/run.sh`
//! started in a fresh directory (so `./data` is a relative data dir), on the
//! `dockerd --bridge=none` engine the test command starts (the same flags the
//! run command's `ensure-docker.sh` uses), with every other setting at its
//! default. Then the first build is made through the Builds page's form and
//! run from the browser, and the README's Server-builder steps run against
//! the `kiln-agent` that this Kiln serves.
//!
//! The run command is given `KILN_PROFILE=debug` (it then reuses the build the
//! test command made, instead of a release build), `KILN_BIND` on a free
//! port and `KILN_ALLOW_LOOPBACK_TARGETS=true` (the README's setting for an
//! agent on the same machine); nothing else differs from the README's
//! command.

mod support;

use kiln_testkit::{base_image, free_port, DockerEngine};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::*;

/// `scripts/run.sh` in its own process group, stopped (the whole group) on drop.
struct RunCommand {
    child: Child,
    url: String,
    /// The one-time setup link Kiln printed (it has no user yet).
    setup_link: String,
}

impl RunCommand {
    fn start(cwd: &Path, docker_host: &str, port: u16) -> Self {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let log = cwd.join("run.log");
        let mut child = Command::new(repo.join("scripts/run.sh"))
            .current_dir(cwd)
            .env("KILN_PROFILE", "debug")
            .env("KILN_BIND", format!("127.0.0.1:{port}"))
            .env("DOCKER_HOST", docker_host)
            .env("KILN_LOG", "info")
            // The README's Server-builder steps run the agent on this same
            // machine, which the README says needs this setting.
            .env("KILN_ALLOW_LOOPBACK_TARGETS", "true")
            .env_remove("KILN_DATA_DIR")
            .env_remove("KILN_DATABASE_URL")
            .env_remove("KILN_CONFIG")
            .env_remove("KILN_SITE_DIR")
            .env_remove("KILN_BUILDS_ROOT")
            .env_remove("KILN_BIN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(&log).expect("run.log can be created"),
            ))
            .process_group(0)
            .spawn()
            .expect("scripts/run.sh starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut setup_link = String::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                println!("run.sh: {line}");
                if let Some(link) = line
                    .split_whitespace()
                    .find(|w| w.contains("/setup?token="))
                {
                    setup_link = link.to_string();
                }
                if let Some(url) = line.strip_prefix("kiln listening on ") {
                    let _ = tx.send((url.trim().to_string(), setup_link.clone()));
                }
            }
        });
        // The debug build is already there; the run command's own checks and
        // a no-op build take seconds, but a cold check can be slow.
        let (url, setup_link) = match rx.recv_timeout(Duration::from_secs(900)) {
            Ok(found) => found,
            Err(_) => panic!(
                "scripts/run.sh did not start Kiln; its output:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ),
        };
        Self {
            child,
            url,
            setup_link,
        }
    }
}

impl Drop for RunCommand {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// The admin the first run creates through the setup link.
const ADMIN: &str = "first-admin";
const PASSWORD: &str = "first-admin-password";

/// A session of the first admin: the cookie and CSRF headers for curl.
fn session_headers(base: &str) -> Vec<String> {
    let (token, csrf) =
        kiln_testkit::kiln::login(base, ADMIN, PASSWORD).expect("the admin signs in");
    vec![
        "-H".into(),
        format!("Cookie: kiln_session={token}"),
        "-H".into(),
        format!("x-csrf-token: {csrf}"),
    ]
}

/// `curl` with proxies off, signed in as the first admin; returns (status, body).
fn curl(args: &[&str], stdin: Option<&str>) -> (u16, String) {
    let session = args
        .iter()
        .find(|arg| arg.starts_with("http://"))
        .and_then(|url| url.split("/api/").next())
        .map(session_headers)
        .unwrap_or_default();
    let mut child = Command::new("curl")
        .args(["-sS", "--noproxy", "*", "-o", "-", "-w", "\n%{http_code}"])
        .args(&session)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl runs");
    {
        use std::io::Write;
        let mut input = child.stdin.take().expect("stdin is piped");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("curl reads stdin");
        }
    }
    let output = child.wait_with_output().expect("curl ends");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    let (body, status) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (status.trim().parse().unwrap_or(0), body.to_string())
}

/// Polls a run until it ends; returns its JSON.
fn wait_for_run(base: &str, run_id: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let (_, body) = curl(&[&format!("{base}/api/v1/runs/{run_id}")], None);
        if ["success", "failed", "cancelled"]
            .iter()
            .any(|s| body.contains(&format!("\"status\":\"{s}\"")))
        {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "run {run_id} did not end: {body}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_run_command_builds_a_first_dockerfile_and_serves_a_working_agent() {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    let cwd = tempfile::Builder::new()
        .prefix("kiln-first-run-")
        .tempdir()
        .expect("temp dir");
    let port = free_port().expect("free port");
    let kiln = RunCommand::start(cwd.path(), engine.host(), port);
    let base = kiln.url.clone();

    // The default data dir is ./data under the directory run.sh started in.
    assert!(
        cwd.path().join("data/kiln.db").is_file(),
        "no ./data/kiln.db in {}",
        cwd.path().display()
    );

    // 1. The first build, through the UI form, with a RUN step.
    let nonce = nonce();
    assert!(
        kiln.setup_link.starts_with(&format!("{base}/setup?token=")),
        "no setup link printed: '{}'",
        kiln.setup_link
    );
    run_script_as(
        None,
        "first_build.mjs",
        &[
            &base,
            "first-build",
            &nonce,
            &kiln.setup_link,
            ADMIN,
            PASSWORD,
        ],
    );
    let (_, builders) = curl(&[&format!("{base}/api/v1/builders")], None);
    assert!(builders.contains("no bridge network"), "{builders}");

    // 2. The README's Server-builder steps against the agent this Kiln serves.
    let agent_path: PathBuf = cwd.path().join("kiln-agent");
    let download = Command::new("curl")
        .args(["-fsSL", "--noproxy", "*", "-o"])
        .arg(&agent_path)
        .arg(format!("{base}/agent/kiln-agent"))
        .status()
        .expect("curl runs");
    assert!(download.success(), "GET /agent/kiln-agent failed");
    std::fs::set_permissions(
        &agent_path,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod +x");
    let key = format!("first-run-key-{nonce}");
    let agent = kiln_testkit::agent::KilnAgent::start(
        &agent_path,
        &[],
        &[
            ("KILN_AGENT_KEY", key.as_str()),
            ("DOCKER_HOST", engine.host()),
        ],
    )
    .expect("the downloaded kiln-agent starts");
    let toml = format!(
        r#"
[[builder]]
name = "agent-host"
[builder.config]
type = "Server"
params.address = "{address}"
params.passkey = "{key}"

[[build]]
name = "on-agent"
[build.config]
builder = "agent-host"
dockerfile = """
FROM kiln-test/base:1
RUN echo built-by-agent-{nonce}
"""
"#,
        address = agent.url()
    );
    let (status, body) = curl(
        &[
            "-X",
            "POST",
            "--data-binary",
            "@-",
            "-H",
            "Content-Type: application/toml",
            &format!("{base}/api/v1/sync"),
        ],
        Some(&toml),
    );
    assert_eq!(status, 200, "sync: {body}");
    let (status, body) = curl(
        &["-X", "POST", &format!("{base}/api/v1/builds/on-agent/run")],
        None,
    );
    assert!(status == 200 || status == 202, "run: {status} {body}");
    let run_id = body
        .split("\"run_id\":")
        .nth(1)
        .and_then(|rest| rest.split([',', '}']).next())
        .map(|id| id.trim().trim_matches('"').to_string())
        .expect("run_id in the answer");
    let run = wait_for_run(&base, &run_id);
    assert!(run.contains("\"status\":\"success\""), "{run}");
    let (_, log) = curl(
        &[
            "-N",
            "--max-time",
            "10",
            &format!("{base}/api/v1/runs/{run_id}/log"),
        ],
        None,
    );
    assert!(log.contains(&format!("built-by-agent-{nonce}")), "{log}");
    drop(agent);
    drop(kiln);
}
