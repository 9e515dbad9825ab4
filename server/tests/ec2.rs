//! Aws builders against moto: the real `kiln` binary launches instances in
//! the emulator; a locally started kiln-agent stands in for each instance
//! (reached through KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE: the addresses moto
//! hands out are never contacted). The stand-in boots like the real thing:
//! the test runs the instance's user data, which downloads kiln-agent from
//! Kiln (`[[KILN_URL]]/agent/kiln-agent`) and starts it with the run's key
//! (`[[KILN_AGENT_KEY]]`). Every test asserts the instance states in moto.

mod agent_support;
mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use agent_support::{agent_bin, write_agent_config};
use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ec2::types::{Filter, InstanceAttributeName};
use base64::Engine as _;
use kiln_testkit::kiln::KilnServer;
use kiln_testkit::moto::Moto;
use kiln_testkit::{base_image, free_port, DockerEngine};
use serde_json::Value;
use support::*;

const REGION: &str = "us-east-2";

/// The instance's boot, as the test runs it: install kiln-agent from Kiln,
/// then run it with the run's key on the stand-in address.
const STAND_IN_USER_DATA: &str = r#"#!/bin/sh
set -eu
curl -fsS "[[KILN_URL]]/agent/kiln-agent" -o "$STAND_IN_DIR/kiln-agent"
chmod 755 "$STAND_IN_DIR/kiln-agent"
export KILN_AGENT_KEY="[[KILN_AGENT_KEY]]"
exec "$STAND_IN_DIR/kiln-agent" --bind "$STAND_IN_ADDR" --data-dir "$STAND_IN_DIR/data" --config "$STAND_IN_DIR/agent.toml"
"#;

/// moto, the Docker engine, a Kiln server wired to both, and the loopback
/// address stand-in agents listen on.
struct Ec2Test {
    moto: Moto,
    engine: DockerEngine,
    server: KilnServer,
    stand_in_addr: String,
    ec2: aws_sdk_ec2::Client,
    env: Vec<(String, String)>,
}

impl Ec2Test {
    /// `overrides` replace the default bounds (`KILN_AWS_*`).
    async fn start(overrides: &[(&str, &str)]) -> Self {
        agent_bin();
        let moto = Moto::start().await.expect("moto starts");
        let engine = DockerEngine::ensure().await.expect("docker engine");
        base_image(&engine).await.expect("base image");
        let stand_in_addr = format!("127.0.0.1:{}", free_port().expect("port"));
        let mut env: Vec<(String, String)> = [
            ("DOCKER_HOST", engine.host()),
            ("KILN_AWS_ENDPOINT_URL", moto.url()),
            (
                "KILN_TEST_EC2_AGENT_ADDRESS_OVERRIDE",
                stand_in_addr.as_str(),
            ),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent/kiln-test-aws-config"),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/kiln-test-aws-credentials",
            ),
            ("KILN_AWS_POLL_MS", "100"),
            ("KILN_AWS_RUNNING_TIMEOUT_SECS", "10"),
            ("KILN_AWS_AGENT_TIMEOUT_SECS", "30"),
            ("KILN_AWS_TERMINATE_RETRY_SECS", "1"),
            ("KILN_AWS_SWEEP_SECS", "600"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (key, value) in overrides {
            env.retain(|(k, _)| k != key);
            env.push((key.to_string(), value.to_string()));
        }
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let server = KilnServer::start(kiln_bin(), &pairs).expect("kiln serves");
        let config = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(moto.url())
            .http_client(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                        aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                    ))
                    .build_https(),
            )
            .credentials_provider(Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "kiln-test",
            ))
            .build();
        let ec2 = aws_sdk_ec2::Client::from_conf(config);
        Self {
            moto,
            engine,
            server,
            stand_in_addr,
            ec2,
            env,
        }
    }

    /// The Aws builder `ec2` and a build `name` on it.
    async fn apply_build(&self, name: &str, dockerfile: &str, extra: &str) {
        apply(
            &self.server,
            &format!(
                r#"
[[builder]]
name = "ec2"
[builder.config]
type = "Aws"
params.region = "{REGION}"
params.ami_id = "ami-0a1b2c3d4e5f60718"
params.instance_type = "t3.micro"
params.key_pair_name = "kiln-test-key"
params.volume_gb = 16
params.port = 8120
params.user_data = '''
{STAND_IN_USER_DATA}'''

[[build]]
name = "{name}"
[build.config]
builder = "ec2"
image_name = "kiln-ec2-test/{name}"
dockerfile = """
{dockerfile}
"""
{extra}
"#
            ),
        )
        .await;
    }

    /// Instances of run `run_id` in moto: (id, state).
    async fn instances_of(&self, run_id: i64) -> Vec<(String, String)> {
        self.instances(Some(
            Filter::builder()
                .name("tag:kiln-run")
                .values(run_id.to_string())
                .build(),
        ))
        .await
    }

    async fn instances(&self, filter: Option<Filter>) -> Vec<(String, String)> {
        let answer = self
            .ec2
            .describe_instances()
            .set_filters(filter.map(|f| vec![f]))
            .send()
            .await
            .expect("describe instances");
        answer
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .map(|i| {
                (
                    i.instance_id().unwrap_or_default().to_string(),
                    i.state()
                        .and_then(|s| s.name())
                        .map(|n| n.as_str().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Waits until moto holds the instance of `run_id`; returns its id.
    async fn wait_instance(&self, run_id: i64, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            if let Some((id, _)) = self.instances_of(run_id).await.into_iter().next() {
                return id;
            }
            assert!(
                Instant::now() < deadline,
                "run {run_id} launched no instance"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the instance of `run_id` is in `state`.
    async fn wait_state(&self, run_id: i64, state: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let found = self.instances_of(run_id).await;
            if found.len() == 1 && found[0].1 == state {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the instance of run {run_id} is not {state}: {found:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The instance's user data, decoded.
    async fn user_data(&self, instance_id: &str) -> String {
        let answer = self
            .ec2
            .describe_instance_attribute()
            .instance_id(instance_id)
            .attribute(InstanceAttributeName::UserData)
            .send()
            .await
            .expect("user data");
        let encoded = answer
            .user_data()
            .and_then(|v| v.value())
            .expect("the instance has user data");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64");
        String::from_utf8(bytes).expect("utf-8")
    }

    /// Boots the stand-in for run `run_id`'s instance from its user data.
    async fn boot_stand_in(&self, run_id: i64) -> StandIn {
        let instance = self.wait_instance(run_id, Duration::from_secs(30)).await;
        let script = self.user_data(&instance).await;
        StandIn::boot(&script, &self.stand_in_addr, self.engine.host())
    }

    /// Fails if any instance in moto is pending or running.
    async fn assert_none_running(&self) {
        let live: Vec<_> = self
            .instances(None)
            .await
            .into_iter()
            .filter(|(_, state)| state == "pending" || state == "running")
            .collect();
        assert!(
            live.is_empty(),
            "instances left running: {live:?}\nmoto log:\n{}",
            self.moto.log_tail(40)
        );
    }
}

/// A local process standing in for an instance: the user data run by `sh`,
/// which `exec`s into kiln-agent. Killed on Drop.
struct StandIn {
    child: Child,
    _dir: tempfile::TempDir,
}

impl StandIn {
    fn boot(script: &str, addr: &str, docker_host: &str) -> Self {
        let dir = tempfile::tempdir().expect("dir");
        write_agent_config(dir.path(), "");
        let path = dir.path().join("user-data.sh");
        std::fs::write(&path, script).expect("script");
        let mut command = Command::new("sh");
        command
            .arg(&path)
            .env("STAND_IN_DIR", dir.path())
            .env("STAND_IN_ADDR", addr)
            .env("DOCKER_HOST", docker_host)
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        for var in [
            "http_proxy",
            "HTTP_PROXY",
            "https_proxy",
            "HTTPS_PROXY",
            "all_proxy",
            "ALL_PROXY",
        ] {
            command.env_remove(var);
        }
        let child = command.spawn().expect("the stand-in boots");
        Self { child, _dir: dir }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stage<'a>(run: &'a Value, name: &str) -> &'a Value {
    run["stages"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["stage"] == name))
        .unwrap_or_else(|| panic!("no stage {name}: {run}"))
}

/// Kiln's own milliseconds from the "timing:" line of the Terminate
/// Instance stage, and the whole line.
fn kiln_overhead(run: &Value) -> (u64, String) {
    let stdout = stage(run, "Terminate Instance")["stdout"]
        .as_str()
        .unwrap_or_default();
    let line = stdout
        .lines()
        .find(|l| l.starts_with("timing:"))
        .unwrap_or_else(|| panic!("no timing line: {stdout}"))
        .to_string();
    let ms = line
        .rsplit_once("+ Kiln ")
        .and_then(|(_, rest)| rest.trim_end_matches(" ms").parse().ok())
        .unwrap_or_else(|| panic!("no Kiln share in {line}"));
    (ms, line)
}

#[tokio::test]
async fn a_successful_run_terminates_its_instance_with_a_fresh_key_each_time() {
    let t = Ec2Test::start(&[]).await;
    let nonce = nonce();
    t.apply_build(
        "ec2-ok",
        &format!("FROM kiln-test/base:1\nRUN echo on-ec2-{nonce}"),
        "",
    )
    .await;

    let mut keys = Vec::new();
    for round in 0..2 {
        let run_id = start_run(&t.server, "ec2-ok").await;
        let instance = t.wait_instance(run_id, Duration::from_secs(30)).await;
        let script = t.user_data(&instance).await;
        assert!(
            !script.contains("[[KILN_AGENT_KEY]]") && !script.contains("[[KILN_URL]]"),
            "{script}"
        );
        assert!(
            script.contains(&format!("{}/agent/kiln-agent", t.server.url())),
            "{script}"
        );
        let key = script
            .lines()
            .find_map(|l| l.strip_prefix("export KILN_AGENT_KEY=\""))
            .map(|k| k.trim_end_matches('"').to_string())
            .expect("the key line");
        assert_eq!(key.len(), 64, "{key}");
        keys.push(key);
        let _stand_in = StandIn::boot(&script, &t.stand_in_addr, t.engine.host());
        let run = wait_run(&t.server, run_id, Duration::from_secs(120)).await;
        assert_eq!(run["status"], "success", "round {round}: {run}");
        t.wait_state(run_id, "terminated", Duration::from_secs(10))
            .await;

        let described = t
            .ec2
            .describe_instances()
            .instance_ids(&instance)
            .send()
            .await
            .unwrap();
        let i = &described.reservations()[0].instances()[0];
        assert_eq!(i.image_id(), Some("ami-0a1b2c3d4e5f60718"));
        assert_eq!(i.instance_type().map(|t| t.as_str()), Some("t3.micro"));
        assert_eq!(i.key_name(), Some("kiln-test-key"));
        let tag = |key: &str| {
            i.tags()
                .iter()
                .find(|t| t.key() == Some(key))
                .and_then(|t| t.value())
                .map(str::to_string)
        };
        assert_eq!(tag("Name"), Some(format!("kiln-builder-ec2-ok-{run_id}")));
        assert_eq!(tag("kiln-run"), Some(run_id.to_string()));
        let installation =
            std::fs::read_to_string(t.server.data_dir().join("installation-id")).unwrap();
        assert_eq!(
            tag("kiln-installation").as_deref(),
            Some(installation.trim())
        );

        let names: Vec<&str> = run["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["stage"].as_str().unwrap())
            .collect();
        assert_eq!(names.first(), Some(&"Start Build Instance"), "{names:?}");
        assert_eq!(names.last(), Some(&"Terminate Instance"), "{names:?}");
        assert!(names.contains(&"Docker Build"), "{names:?}");
        let start = stage(&run, "Start Build Instance")["stdout"]
            .as_str()
            .unwrap();
        assert!(start.contains(&format!("launched {instance}")), "{start}");
        assert!(
            start.contains(&format!("using the agent at {}", t.stand_in_addr)),
            "{start}"
        );
        assert!(
            !start.contains(keys.last().unwrap()),
            "the key leaked into the log"
        );
    }
    assert_ne!(keys[0], keys[1], "each run gets a fresh agent key");
    t.assert_none_running().await;
}

#[tokio::test]
async fn an_instance_that_never_runs_is_terminated() {
    // The first state check comes 1.5 s after launch: the test stops the
    // instance before that, so it never reaches running.
    let t = Ec2Test::start(&[
        ("KILN_AWS_POLL_MS", "1500"),
        ("KILN_AWS_RUNNING_TIMEOUT_SECS", "4"),
    ])
    .await;
    t.apply_build("ec2-never", "FROM kiln-test/base:1\nRUN echo never", "")
        .await;
    let run_id = start_run(&t.server, "ec2-never").await;
    let instance = t.wait_instance(run_id, Duration::from_secs(10)).await;
    t.ec2
        .stop_instances()
        .instance_ids(&instance)
        .send()
        .await
        .expect("stop");
    let run = wait_run(&t.server, run_id, Duration::from_secs(60)).await;
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains("did not reach running within 4 s") && error.contains("stopped"),
        "{error}"
    );
    assert_eq!(stage(&run, "Terminate Instance")["success"], true, "{run}");
    t.wait_state(run_id, "terminated", Duration::from_secs(10))
        .await;
    t.assert_none_running().await;
}

#[tokio::test]
async fn an_agent_that_never_answers_gets_its_instance_terminated() {
    let t = Ec2Test::start(&[("KILN_AWS_AGENT_TIMEOUT_SECS", "3")]).await;
    t.apply_build("ec2-silent", "FROM kiln-test/base:1\nRUN echo silent", "")
        .await;
    let run_id = start_run(&t.server, "ec2-silent").await;
    let run = wait_run(&t.server, run_id, Duration::from_secs(60)).await;
    assert_eq!(run["status"], "failed", "{run}");
    let error = run["error"].as_str().unwrap();
    assert!(error.contains("did not answer within 3 s"), "{error}");
    t.wait_state(run_id, "terminated", Duration::from_secs(10))
        .await;
    // A launch EC2 refuses (moto knows no such subnet) leaves nothing behind.
    apply(
        &t.server,
        &format!(
            r#"
[[builder]]
name = "ec2-bad-subnet"
[builder.config]
type = "Aws"
params.region = "{REGION}"
params.ami_id = "ami-0a1b2c3d4e5f60718"
params.subnet_id = "subnet-0000000000doesnotexist"

[[build]]
name = "ec2-no-launch"
[build.config]
builder = "ec2-bad-subnet"
dockerfile = "FROM kiln-test/base:1"
"#
        ),
    )
    .await;
    let before = t.instances(None).await.len();
    let run_id = start_run(&t.server, "ec2-no-launch").await;
    let run = wait_run(&t.server, run_id, Duration::from_secs(60)).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .contains("RunInstances failed"),
        "{run}"
    );
    assert_eq!(
        stage(&run, "Start Build Instance")["success"],
        false,
        "{run}"
    );
    assert_eq!(
        t.instances(None).await.len(),
        before,
        "a refused launch made an instance"
    );
    t.assert_none_running().await;
}

#[tokio::test]
async fn failing_cancelled_and_timed_out_builds_terminate_their_instances() {
    let t = Ec2Test::start(&[]).await;
    let nonce = nonce();

    t.apply_build(
        "ec2-fails",
        &format!("FROM kiln-test/base:1\nRUN echo failing-{nonce} && exit 3"),
        "",
    )
    .await;
    let run_id = start_run(&t.server, "ec2-fails").await;
    let stand_in = t.boot_stand_in(run_id).await;
    let run = wait_run(&t.server, run_id, Duration::from_secs(120)).await;
    drop(stand_in);
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(stage(&run, "Docker Build")["success"], false, "{run}");
    t.wait_state(run_id, "terminated", Duration::from_secs(10))
        .await;

    t.apply_build(
        "ec2-cancel",
        &format!("FROM kiln-test/base:1\nRUN echo ec2-sleeping-{nonce} && sleep 120"),
        "",
    )
    .await;
    let run_id = start_run(&t.server, "ec2-cancel").await;
    let stand_in = t.boot_stand_in(run_id).await;
    let log = read_log(&t.server, run_id);
    let canceller = async {
        wait_for_log_line(&t.server, run_id, &format!("ec2-sleeping-{nonce}")).await;
        let (status, body) = post_json(
            &t.server,
            &format!("/api/v1/runs/{run_id}/cancel"),
            Value::Null,
        )
        .await;
        assert_eq!(status, 202, "{body}");
    };
    let ((_, end), ()) = tokio::join!(log, canceller);
    drop(stand_in);
    assert_eq!(end["status"], "cancelled", "{end}");
    assert_eq!(stage(&end, "Terminate Instance")["success"], true, "{end}");
    t.wait_state(run_id, "terminated", Duration::from_secs(10))
        .await;

    t.apply_build(
        "ec2-slow",
        &format!("FROM kiln-test/base:1\nRUN echo ec2-slow-{nonce} && sleep 120"),
        "timeout_seconds = 12",
    )
    .await;
    let run_id = start_run(&t.server, "ec2-slow").await;
    let stand_in = t.boot_stand_in(run_id).await;
    let run = wait_run(&t.server, run_id, Duration::from_secs(90)).await;
    drop(stand_in);
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(
        run["error"], "timed out after 12 s (timeout_seconds)",
        "{run}"
    );
    t.wait_state(run_id, "terminated", Duration::from_secs(10))
        .await;
    t.assert_none_running().await;
}

#[tokio::test]
async fn killing_kiln_mid_run_leaves_the_instance_to_the_sweep() {
    let mut t = Ec2Test::start(&[("KILN_AWS_SWEEP_SECS", "2")]).await;
    let nonce = nonce();
    t.apply_build(
        "ec2-crash",
        &format!("FROM kiln-test/base:1\nRUN echo ec2-crash-{nonce} && sleep 120"),
        "",
    )
    .await;
    let run_id = start_run(&t.server, "ec2-crash").await;
    let stand_in = t.boot_stand_in(run_id).await;
    wait_for_log_line(&t.server, run_id, &format!("ec2-crash-{nonce}")).await;
    t.wait_state(run_id, "running", Duration::from_secs(5))
        .await;

    let env = t.env.clone();
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    t.server.crash_and_restart(&pairs).expect("kiln restarts");
    t.wait_state(run_id, "terminated", Duration::from_secs(20))
        .await;
    drop(stand_in);
    let (_, run) = get_json(&t.server, &format!("/api/v1/runs/{run_id}")).await;
    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["error"], "interrupted by restart");

    // The periodic sweep: an instance tagged by this installation for a run
    // that is not live goes; another installation's instance stays.
    let installation =
        std::fs::read_to_string(t.server.data_dir().join("installation-id")).unwrap();
    let orphan = launch_tagged(&t, installation.trim(), "999999").await;
    let foreign = launch_tagged(&t, "kiln-someone-else", "999999").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let states = t.instances(None).await;
        let state_of = |id: &str| states.iter().find(|(i, _)| i == id).map(|(_, s)| s.clone());
        if state_of(&orphan).as_deref() == Some("terminated") {
            assert_eq!(state_of(&foreign).as_deref(), Some("running"), "{states:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the periodic sweep left {orphan}: {states:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    t.ec2
        .terminate_instances()
        .instance_ids(&foreign)
        .send()
        .await
        .expect("terminate");
    t.assert_none_running().await;
}

/// An instance with the installation and run tags, launched by the test.
async fn launch_tagged(t: &Ec2Test, installation: &str, run: &str) -> String {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let answer = t
        .ec2
        .run_instances()
        .image_id("ami-0a1b2c3d4e5f60718")
        .min_count(1)
        .max_count(1)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(
                    Tag::builder()
                        .key("kiln-installation")
                        .value(installation)
                        .build(),
                )
                .tags(Tag::builder().key("kiln-run").value(run).build())
                .build(),
        )
        .send()
        .await
        .expect("launch");
    answer.instances()[0].instance_id().unwrap().to_string()
}

/// Waits until the run's live log has a line containing `needle`.
async fn wait_for_log_line(server: &KilnServer, run_id: i64, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let (_, run) = get_json(server, &format!("/api/v1/runs/{run_id}")).await;
        assert!(
            run["status"] == "running" || run["status"] == "queued",
            "the run ended early: {run}"
        );
        let response = client(server)
            .get(format!("{}/api/v1/runs/{run_id}/log", server.url()))
            .send()
            .await
            .expect("log");
        let mut response = response;
        let mut text = String::new();
        let read = tokio::time::timeout(Duration::from_millis(500), async {
            while let Ok(Some(chunk)) = response.chunk().await {
                text.push_str(&String::from_utf8_lossy(&chunk));
                if text.contains(needle) {
                    break;
                }
            }
        })
        .await;
        let _ = read;
        if text.contains(needle) {
            return;
        }
        assert!(Instant::now() < deadline, "no log line with {needle:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn kiln_side_overhead_per_ec2_run() {
    let t = Ec2Test::start(&[]).await;
    let nonce = nonce();
    t.apply_build(
        "ec2-bench",
        &format!("FROM kiln-test/base:1\nRUN echo bench-{nonce}"),
        "",
    )
    .await;
    let mut overheads = Vec::new();
    for _ in 0..5 {
        let run_id = start_run(&t.server, "ec2-bench").await;
        let stand_in = t.boot_stand_in(run_id).await;
        let run = wait_run(&t.server, run_id, Duration::from_secs(120)).await;
        drop(stand_in);
        assert_eq!(run["status"], "success", "{run}");
        let (ms, line) = kiln_overhead(&run);
        println!("run {run_id}: {line}");
        overheads.push(ms);
        t.wait_state(run_id, "terminated", Duration::from_secs(10))
            .await;
    }
    overheads.sort_unstable();
    let mean = overheads.iter().sum::<u64>() as f64 / overheads.len() as f64;
    println!("Kiln-side overhead per EC2 run (ms, sorted): {overheads:?}; mean {mean:.1} ms; median {} ms", overheads[overheads.len() / 2]);
    t.assert_none_running().await;
}
