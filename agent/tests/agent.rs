//! kiln-agent as a black box: the real binary on 127.0.0.1, driven through
//! kiln-protocol's client, building on the real Docker engine.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kiln_domain::{BuildConfig, PreBuild, Secret, Version};
use kiln_engine::{BuildJob, DockerSettings, JobDirs, RunResult};
use kiln_protocol::{
    AgentClient, Build, BuildEvent, Cancel, ClientError, Health, ReadDockerfile, KEY_HEADER,
    PROTOCOL_HEADER, PROTOCOL_VERSION, REQUEST_PATH,
};
use kiln_testkit::agent::KilnAgent;
use kiln_testkit::{base_image, DockerEngine};

const KEY: &str = "agent-key-test-5521";
const AGENT_SECRET: &str = "agent-only-secret-8830";

/// The agent under test: `KILN_AGENT_BIN` when set (`scripts/test.sh`
/// points it at a snapshot of the build, which no concurrent build
/// re-links), else the binary cargo built for these tests.
fn agent_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        std::env::var_os("KILN_AGENT_BIN")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_kiln-agent").into())
    })
}

async fn engine() -> DockerEngine {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    engine
}

/// A config file: no bridge network on the test engine, a builds root, and
/// a secret only the agent knows.
fn write_config(dir: &Path) -> PathBuf {
    let builds = dir.join("builds");
    std::fs::create_dir_all(&builds).expect("builds root");
    let path = dir.join("agent.toml");
    std::fs::write(
        &path,
        format!(
            r#"
builds_root = "{}"
[docker]
extra_args = ["--network", "none"]
[[variable]]
name = "AGENT_SECRET"
value = "{AGENT_SECRET}"
is_secret = true
"#,
            builds.display()
        ),
    )
    .expect("config");
    path
}

struct Agent {
    agent: KilnAgent,
    dir: tempfile::TempDir,
}

impl Agent {
    fn start(engine: &DockerEngine, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = write_config(dir.path());
        let config = config.display().to_string();
        let mut args = vec!["--key", KEY, "--config", config.as_str()];
        args.extend_from_slice(extra);
        let agent = KilnAgent::start(agent_bin(), &args, &[("DOCKER_HOST", engine.host())])
            .expect("kiln-agent starts");
        Self { agent, dir }
    }

    fn builds_root(&self) -> PathBuf {
        self.dir.path().join("builds")
    }

    fn client(&self) -> AgentClient {
        AgentClient::new(self.agent.url(), Secret::new(KEY), self.agent.fingerprint())
            .expect("client")
    }
}

fn nonce() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// A job as the server would send it: its directories and Docker settings
/// are the server's and must be replaced by the agent's.
fn job(name: &str, config: BuildConfig) -> BuildJob {
    BuildJob {
        build_name: name.to_string(),
        config,
        version: Version::new(1, 2, 3),
        source_repo: None,
        variables: Vec::new(),
        git_account: None,
        registry_accounts: Vec::new(),
        dirs: JobDirs {
            work_root: PathBuf::from("/nonexistent/server/work"),
            clone_cache: PathBuf::from("/nonexistent/server/cache/x"),
            host_builds_root: PathBuf::from("/nonexistent/server/builds"),
        },
        docker: DockerSettings::default(),
        // Every test service listens on 127.0.0.1.
        outbound: kiln_engine::NetPolicy {
            allow_loopback: true,
            allow_plain_http_agents: false,
        },
    }
}

fn ui_job(name: &str, dockerfile: &str) -> BuildJob {
    job(
        name,
        BuildConfig {
            dockerfile: dockerfile.to_string(),
            ..BuildConfig::default()
        },
    )
}

/// Every event of a build stream with its arrival time.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<(Instant, BuildEvent)>>>);

impl Events {
    fn push(&self, event: BuildEvent) {
        self.0.lock().expect("events").push((Instant::now(), event));
    }

    fn lines(&self) -> Vec<(Instant, String)> {
        self.0
            .lock()
            .expect("events")
            .iter()
            .filter_map(|(at, e)| match e {
                BuildEvent::Line { text, .. } => Some((*at, text.clone())),
                _ => None,
            })
            .collect()
    }

    fn text(&self) -> String {
        format!("{:?}", self.0.lock().expect("events"))
    }

    async fn wait_for(&self, needle: &str, limit: Duration) -> Instant {
        let deadline = Instant::now() + limit;
        loop {
            if let Some((at, _)) = self.lines().into_iter().find(|(_, l)| l.contains(needle)) {
                return at;
            }
            assert!(
                Instant::now() < deadline,
                "no line with {needle:?} within {limit:?}: {}",
                self.text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn build(
    client: &AgentClient,
    run_key: &str,
    job: BuildJob,
    events: &Events,
) -> Result<RunResult, ClientError> {
    let events = events.clone();
    client
        .stream(
            Build {
                run_key: run_key.to_string(),
                job,
            },
            move |event| events.push(event),
        )
        .await
}

#[tokio::test]
async fn build_streams_live_logs_and_interpolates_the_agents_own_secret() {
    let engine = engine().await;
    let agent = Agent::start(&engine, &[]);
    let client = agent.client();
    let nonce = nonce();
    let dockerfile = format!(
        "FROM kiln-test/base:1\nRUN echo first-line-{nonce} && sleep 3 && echo second-line [[AGENT_SECRET]]"
    );
    let events = Events::default();
    let started = Instant::now();
    let result = build(
        &client,
        &format!("run-{nonce}"),
        ui_job("agent-live", &dockerfile),
        &events,
    )
    .await
    .expect("the stream ends with a result");
    let ended = Instant::now();
    let RunResult::Success(output) = result else {
        panic!("build failed: {result:?}\n{}", events.text());
    };
    assert!(!output.local_refs.is_empty(), "{output:?}");
    let first = events
        .wait_for(&format!("first-line-{nonce}"), Duration::ZERO)
        .await;
    assert!(
        ended.duration_since(first) >= Duration::from_secs(2),
        "the first line arrived {:?} after the start, only {:?} before the end: not live",
        first.duration_since(started),
        ended.duration_since(first)
    );
    let all = events.text();
    assert!(all.contains("second-line <AGENT_SECRET>"), "{all}");
    assert!(
        !all.contains(AGENT_SECRET),
        "the agent's secret leaked: {all}"
    );
    assert!(
        output
            .stages
            .iter()
            .any(|s| s.stage == "Interpolate Secrets"),
        "{:?}",
        output.stages
    );

    let health = client.request(Health {}).await.expect("health");
    assert_eq!(health.protocol_version, PROTOCOL_VERSION);
    assert_eq!(health.agent_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(health.docker_version.as_deref(), Some(engine.version()));
}

#[tokio::test]
async fn cancel_stops_a_running_build() {
    let engine = engine().await;
    let agent = Agent::start(&engine, &[]);
    let client = agent.client();
    let nonce = nonce();
    let run_key = format!("run-{nonce}");
    let dockerfile = format!("FROM kiln-test/base:1\nRUN echo sleeping-{nonce} && sleep 120");
    let events = Events::default();
    let running = {
        let (client, events, run_key) = (client.clone(), events.clone(), run_key.clone());
        tokio::spawn(async move {
            build(
                &client,
                &run_key,
                ui_job("agent-cancel", &dockerfile),
                &events,
            )
            .await
        })
    };
    events
        .wait_for(&format!("sleeping-{nonce}"), Duration::from_secs(60))
        .await;
    let unknown = client
        .request(Cancel {
            run_key: "no-such-run".into(),
        })
        .await
        .expect("cancel answers");
    assert!(!unknown.found);
    let cancelled_at = Instant::now();
    let reply = client
        .request(Cancel {
            run_key: run_key.clone(),
        })
        .await
        .expect("cancel answers");
    assert!(reply.found);
    let result = tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("the build stops soon after the cancel")
        .expect("task")
        .expect("the stream ends with a result");
    assert!(matches!(result, RunResult::Cancelled { .. }), "{result:?}");
    assert!(cancelled_at.elapsed() < Duration::from_secs(30));
    let again = client
        .request(Cancel { run_key })
        .await
        .expect("cancel answers");
    assert!(!again.found, "the run is gone once it ended");
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_401_and_nothing_runs() {
    let engine = engine().await;
    let agent = Agent::start(&engine, &[]);
    let nonce = nonce();
    let dir = agent.builds_root().join(format!("marker-{nonce}"));
    std::fs::create_dir_all(&dir).expect("build dir");
    std::fs::write(
        dir.join("Dockerfile"),
        format!("FROM kiln-test/base:1\nRUN echo marker-{nonce}"),
    )
    .expect("Dockerfile");
    let marker_job = || {
        job(
            "agent-marker",
            BuildConfig {
                files_on_host: true,
                build_path: dir.display().to_string(),
                pre_build: PreBuild {
                    path: String::new(),
                    command: "touch pre-build-ran".to_string(),
                    shell_mode: false,
                },
                ..BuildConfig::default()
            },
        )
    };
    let marker = dir.join("pre-build-ran");

    let wrong =
        AgentClient::new(agent.agent.url(), Secret::new("not-the-key"), None).expect("client");
    let events = Events::default();
    let error = build(&wrong, "wrong-key", marker_job(), &events)
        .await
        .expect_err("refused");
    assert!(matches!(error, ClientError::Unauthorized { .. }), "{error}");
    assert!(error.to_string().contains("401"), "{error}");
    let error = wrong.request(Health {}).await.expect_err("refused");
    assert!(matches!(error, ClientError::Unauthorized { .. }), "{error}");
    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let missing = raw
        .post(format!("{}{REQUEST_PATH}", agent.agent.url()))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .json(&serde_json::json!({"type": "Health"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(missing.status().as_u16(), 401);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!marker.exists(), "a refused build ran");
    assert!(events.lines().is_empty());

    let result = build(&agent.client(), "right-key", marker_job(), &events)
        .await
        .expect("accepted");
    assert!(
        matches!(result, RunResult::Success(_)),
        "{result:?}\n{}",
        events.text()
    );
    assert!(marker.exists(), "the accepted build ran its pre-build");
}

#[tokio::test]
async fn a_protocol_mismatch_is_explained() {
    let engine = engine().await;
    let agent = Agent::start(&engine, &[]);
    let raw = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let url = format!("{}{REQUEST_PATH}", agent.agent.url());
    let response = raw
        .post(&url)
        .header(KEY_HEADER, KEY)
        .header(PROTOCOL_HEADER, "999")
        .json(&serde_json::json!({"type": "Health"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(
        response.headers()[PROTOCOL_HEADER]
            .to_str()
            .expect("header"),
        PROTOCOL_VERSION.to_string()
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["kind"], "protocol_mismatch");
    let message = body["message"].as_str().expect("message");
    assert!(
        message.contains("speaks kiln-agent protocol 999")
            && message.contains(&format!("speaks protocol {PROTOCOL_VERSION}")),
        "{message}"
    );
    let response = raw
        .post(&url)
        .header(KEY_HEADER, KEY)
        .json(&serde_json::json!({"type": "Health"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 409);

    // The client side: an agent speaking another version is named as such.
    let other = Agent::start(&engine, &["--test-protocol-version", "99"]);
    let error = other
        .client()
        .request(Health {})
        .await
        .expect_err("mismatch");
    assert!(
        matches!(error, ClientError::ProtocolMismatch { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("speaks kiln-agent protocol {PROTOCOL_VERSION}"))
            && message.contains(&format!(
                "kiln-agent {} speaks protocol 99",
                env!("CARGO_PKG_VERSION")
            ))
            && message.contains("/agent/kiln-agent"),
        "{message}"
    );
}

#[tokio::test]
async fn tls_pins_the_agents_certificate() {
    let engine = engine().await;
    let agent = Agent::start(&engine, &["--tls"]);
    assert!(
        agent.agent.url().starts_with("https://"),
        "{}",
        agent.agent.url()
    );
    let fingerprint = agent.agent.fingerprint().expect("fingerprint printed");
    let health = agent
        .client()
        .request(Health {})
        .await
        .expect("pinned TLS works");
    assert_eq!(health.protocol_version, PROTOCOL_VERSION);

    let other = kiln_protocol::tls::fingerprint(b"some other certificate");
    assert_ne!(other, fingerprint);
    let wrong =
        AgentClient::new(agent.agent.url(), Secret::new(KEY), Some(&other)).expect("client");
    let error = wrong
        .request(Health {})
        .await
        .expect_err("another certificate is refused");
    assert!(error.to_string().contains("fingerprint"), "{error}");

    let error =
        AgentClient::new(agent.agent.url(), Secret::new(KEY), None).expect_err("https needs a pin");
    assert!(error.to_string().contains("fingerprint"), "{error}");
    let plain = agent.agent.url().replace("https://", "http://");
    let error = AgentClient::new(&plain, Secret::new(KEY), None)
        .expect("client")
        .request(Health {})
        .await
        .expect_err("plain HTTP to a TLS agent fails");
    assert!(
        !error.is_permanent() || matches!(error, ClientError::Decode { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn without_a_key_the_agent_refuses_to_start_unless_insecure() {
    let output = std::process::Command::new(agent_bin())
        .args(["--bind", "127.0.0.1:0", "--data-dir"])
        .arg(tempfile::tempdir().expect("dir").path())
        .env_remove("KILN_AGENT_KEY")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("KILN_AGENT_KEY") && stderr.contains("--insecure"),
        "{stderr}"
    );

    let engine = engine().await;
    let agent = KilnAgent::start(
        agent_bin(),
        &["--insecure"],
        &[("DOCKER_HOST", engine.host())],
    )
    .expect("starts with --insecure");
    let anyone = AgentClient::new(agent.url(), Secret::new(""), None).expect("client");
    let health = anyone.request(Health {}).await.expect("no key needed");
    assert_eq!(health.protocol_version, PROTOCOL_VERSION);
}

#[tokio::test]
async fn reads_a_files_on_host_dockerfile() {
    let engine = engine().await;
    let agent = Agent::start(&engine, &[]);
    let app = agent.builds_root().join("app");
    std::fs::create_dir_all(app.join("docker")).expect("dirs");
    std::fs::write(app.join("docker/Dockerfile.dev"), "FROM kiln-test/base:1\n").expect("file");
    let client = agent.client();
    let text = client
        .request(ReadDockerfile {
            build_path: "app".into(),
            dockerfile_path: "docker/Dockerfile.dev".into(),
        })
        .await
        .expect("read");
    assert_eq!(text.contents, "FROM kiln-test/base:1\n");
    assert!(
        text.path.ends_with("app/docker/Dockerfile.dev"),
        "{}",
        text.path
    );

    let missing = client
        .request(ReadDockerfile {
            build_path: "app".into(),
            dockerfile_path: "Nope".into(),
        })
        .await
        .expect_err("missing");
    assert!(
        matches!(missing, ClientError::Agent { status: 404, .. }),
        "{missing}"
    );
    let escape = client
        .request(ReadDockerfile {
            build_path: "app".into(),
            dockerfile_path: "../../etc/passwd".into(),
        })
        .await
        .expect_err("refused");
    assert!(
        matches!(escape, ClientError::Agent { status: 400, .. }),
        "{escape}"
    );
}

#[tokio::test]
async fn plain_http_off_loopback_needs_insecure_http() {
    let output = std::process::Command::new(agent_bin())
        .args(["--bind", "0.0.0.0:0", "--key", KEY, "--data-dir"])
        .arg(tempfile::tempdir().expect("dir").path())
        .env_remove("KILN_AGENT_INSECURE_HTTP")
        .output()
        .expect("runs");
    assert!(!output.status.success(), "started on 0.0.0.0 in plain HTTP");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refusing to serve plain HTTP on 0.0.0.0:0")
            && stderr.contains("--tls")
            && stderr.contains("--insecure-http"),
        "{stderr}"
    );

    let engine = engine().await;
    let agent = KilnAgent::start(
        agent_bin(),
        &["--bind", "0.0.0.0:0", "--key", KEY, "--insecure-http"],
        &[("DOCKER_HOST", engine.host())],
    )
    .expect("starts with --insecure-http");
    assert!(
        agent.url().starts_with("http://0.0.0.0:"),
        "{}",
        agent.url()
    );
}
