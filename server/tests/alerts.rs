//! Alerts end to end: alerters synced into the real `kiln` binary, runs on
//! the real Docker engine, and alerts received by a real HTTP server that
//! this test runs on 127.0.0.1.

mod support;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use kiln_testkit::{base_image, DockerEngine, Registry};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

/// Every secret the catalog holds; none may appear in any alert.
const SECRETS: [&str; 7] = [
    "var-secret-3390",
    "hook-secret-3390",
    "custom-url-secret-3390",
    "slack-url-secret-3390",
    "discord-url-secret-3390",
    "flaky-url-secret-3390",
    "off-url-secret-3390",
];

/// What the receiver got: (endpoint name, JSON body), in arrival order.
#[derive(Clone, Default)]
struct Inbox {
    received: Arc<Mutex<Vec<(String, Value)>>>,
    attempts: Arc<Mutex<HashMap<String, u32>>>,
}

impl Inbox {
    fn of(&self, endpoint: &str) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|(name, _)| name == endpoint)
            .map(|(_, body)| body.clone())
            .collect()
    }

    fn all(&self) -> Vec<(String, Value)> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `endpoint` has received `count` bodies.
    async fn wait_for(&self, endpoint: &str, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.of(endpoint);
            if got.len() >= count {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{endpoint} got {} of {count} alerts: {:?}",
                got.len(),
                self.all()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// `POST /{endpoint}/{token}`: records the body; `flaky` answers 500 to
/// its first attempt.
async fn receive(
    State(inbox): State<Inbox>,
    Path((endpoint, _token)): Path<(String, String)>,
    body: String,
) -> StatusCode {
    let attempt = {
        let mut attempts = inbox.attempts.lock().unwrap();
        let n = attempts.entry(endpoint.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let value: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    inbox
        .received
        .lock()
        .unwrap()
        .push((endpoint.clone(), value));
    if endpoint == "flaky" && attempt == 1 {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn start_receiver() -> (String, Inbox) {
    let inbox = Inbox::default();
    let app = Router::new()
        .route("/{endpoint}/{token}", post(receive))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), inbox)
}

fn catalog(receiver: &str, registry: &Registry, slow_dockerfile: &str) -> String {
    format!(
        r#"
[[variable]]
name = "TOKEN"
value = "var-secret-3390"
is_secret = true

[[build]]
name = "good"
[build.config]
builder = "test-local"
image_registry = {{ domain = "{reg}" }}
dockerfile = "FROM kiln-test/base:1\nLABEL purpose=alerts"
secret_args = "TOKEN=[[TOKEN]]"
webhook_secret = "hook-secret-3390"

[[build]]
name = "bad"
[build.config]
builder = "test-local"
dockerfile = "FROM kiln-test/base:1\nRUN echo [[TOKEN]] && exit 3"

[[build]]
name = "slow"
[build.config]
builder = "test-local"
dockerfile = "{slow_dockerfile}"

[[alerter]]
name = "custom-all"
[alerter.config]
enabled = true
endpoint.type = "Custom"
endpoint.params.url = "{receiver}/custom/custom-url-secret-3390"

[[alerter]]
name = "slack-failures"
[alerter.config]
enabled = true
endpoint.type = "Slack"
endpoint.params.url = "{receiver}/slack/slack-url-secret-3390"
alert_types = ["BuildFailed"]
resources = [{{ type = "Build", id = "bad" }}]

[[alerter]]
name = "discord-successes"
[alerter.config]
enabled = true
endpoint.type = "Discord"
endpoint.params.url = "{receiver}/discord/discord-url-secret-3390"
alert_types = ["BuildSucceeded", "BuildCancelled"]
except_resources = [{{ type = "Build", id = "slow" }}]

[[alerter]]
name = "flaky"
[alerter.config]
enabled = true
endpoint.params.url = "{receiver}/flaky/flaky-url-secret-3390"
alert_types = ["BuildSucceeded"]
resources = [{{ type = "Build", id = "good" }}]

[[alerter]]
name = "unreachable"
[alerter.config]
enabled = true
endpoint.params.url = "http://127.0.0.1:1/nobody-listens"

[[alerter]]
name = "off"
[alerter.config]
endpoint.params.url = "{receiver}/off/off-url-secret-3390"
"#,
        reg = registry.addr(),
    )
}

#[tokio::test]
async fn alerts_reach_the_receiver_with_the_right_content_and_no_secret() {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    let registry = Registry::start(None).await.unwrap();
    let (receiver, inbox) = start_receiver().await;
    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    let slow = format!("FROM kiln-test/base:1\\nRUN echo {} && sleep 60", nonce());
    apply(&server, &catalog(&receiver, &registry, &slow)).await;

    let (status, listed) = get_json(&server, "/api/v1/alerters").await;
    assert_eq!(status, 200);
    let listed_text = listed.to_string();
    for secret in SECRETS {
        assert!(!listed_text.contains(secret), "{secret} in {listed_text}");
    }
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "custom-all",
            "discord-successes",
            "flaky",
            "off",
            "slack-failures",
            "unreachable"
        ]
    );
    assert_eq!(listed[0]["endpoint_type"], "Custom");
    assert_eq!(
        listed[0]["url_host"],
        receiver.trim_start_matches("http://")
    );
    assert_eq!(listed[4]["alert_types"], serde_json::json!(["BuildFailed"]));

    let started = Instant::now();
    let good = wait_run(
        &server,
        start_run(&server, "good").await,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(good["status"], "success", "{good}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "an unreachable alerter must not hold the build"
    );
    let bad = wait_run(
        &server,
        start_run(&server, "bad").await,
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(bad["status"], "failed", "{bad}");
    let slow_id = start_run(&server, "slow").await;
    wait_status(&server, slow_id, "running", Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    post_json(
        &server,
        &format!("/api/v1/runs/{slow_id}/cancel"),
        Value::Null,
    )
    .await;
    let slow_run = wait_run(&server, slow_id, Duration::from_secs(30)).await;
    assert_eq!(slow_run["status"], "cancelled");

    // Custom: every outcome of every build, Komodo's alert shape plus the run.
    let custom = inbox.wait_for("custom", 3).await;
    let by_build = |build: &str| {
        custom
            .iter()
            .find(|a| a["run"]["build"] == build)
            .unwrap_or_else(|| panic!("no custom alert about {build}: {custom:?}"))
            .clone()
    };
    let alert = by_build("good");
    assert_eq!(alert["level"], "OK");
    assert_eq!(alert["data"]["type"], "BuildSucceeded");
    assert_eq!(
        alert["target"],
        serde_json::json!({ "type": "Build", "id": "good" })
    );
    assert_eq!(alert["run"]["id"], good["id"]);
    assert_eq!(alert["run"]["status"], "success");
    assert_eq!(alert["run"]["version"], "0.0.1");
    let image = format!("{}/good:0.0.1", registry.addr());
    assert!(
        alert["run"]["images"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == &image),
        "{alert}"
    );
    assert!(
        alert["text"]
            .as_str()
            .unwrap()
            .starts_with("✅ Build 'good' 0.0.1 succeeded"),
        "{alert}"
    );
    let alert = by_build("bad");
    assert_eq!(alert["level"], "CRITICAL");
    assert_eq!(alert["data"]["type"], "BuildFailed");
    assert_eq!(alert["data"]["data"]["name"], "bad");
    assert_eq!(alert["run"]["status"], "failed");
    assert!(
        !alert["run"]["error"].as_str().unwrap().is_empty(),
        "{alert}"
    );
    let alert = by_build("slow");
    assert_eq!(alert["level"], "WARNING");
    assert_eq!(alert["data"]["type"], "BuildCancelled");

    // Slack: only failures of `bad`.
    let slack = inbox.wait_for("slack", 1).await;
    let text = slack[0]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("❌ Build 'bad' 0.0.1 failed (run {}", bad["id"])),
        "{text}"
    );
    // Discord: successes and cancels, except of `slow`.
    let discord = inbox.wait_for("discord", 1).await;
    let content = discord[0]["content"].as_str().unwrap();
    assert!(
        content.starts_with("✅ Build 'good' 0.0.1 succeeded"),
        "{content}"
    );
    assert!(content.contains(&image), "{content}");
    // Flaky: answered 500 once, so the same alert came again.
    let flaky = inbox.wait_for("flaky", 2).await;
    assert_eq!(flaky[0], flaky[1], "a retry resends the same alert");
    assert_eq!(flaky[0]["run"]["build"], "good");

    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(inbox.of("custom").len(), 3, "{:?}", inbox.all());
    assert_eq!(inbox.of("slack").len(), 1, "{:?}", inbox.all());
    assert_eq!(inbox.of("discord").len(), 1, "{:?}", inbox.all());
    assert_eq!(inbox.of("flaky").len(), 2, "{:?}", inbox.all());
    assert!(
        inbox.of("off").is_empty(),
        "a disabled alerter sends nothing"
    );
    let everything = serde_json::to_string(&inbox.all()).unwrap();
    for secret in SECRETS {
        assert!(
            !everything.contains(secret),
            "{secret} in an alert: {everything}"
        );
    }
}
