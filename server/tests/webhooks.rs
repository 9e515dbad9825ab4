//! Git webhooks end to end: real signed GitHub, Gitea and GitLab payloads
//! sent to the real `kiln` binary, which builds on the real Docker engine
//! from the real git server and pushes to the real registry.

mod support;

use hmac::{Hmac, KeyInit, Mac};
use kiln_testkit::kiln::KilnServer;
use kiln_testkit::{base_image, DockerEngine, GitServer, Registry, RepoHandle};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::{Duration, Instant};
use support::*;

const BUILD_SECRET: &str = "build-secret-4471";
const SERVER_SECRET: &str = "server-secret-5582";

async fn engine() -> DockerEngine {
    let engine = DockerEngine::ensure().await.expect("docker engine");
    base_image(&engine).await.expect("base image");
    engine
}

fn start_server(engine: Option<&DockerEngine>, server_secret: Option<&str>) -> KilnServer {
    let mut env = Vec::new();
    if let Some(engine) = engine {
        env.push(("DOCKER_HOST", engine.host()));
    }
    if let Some(secret) = server_secret {
        env.push(("KILN_WEBHOOK_SECRET", secret));
    }
    KilnServer::start(kiln_bin(), &env).expect("kiln serves")
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, as GitHub signs.
fn github_signature(secret: &str, body: &str) -> String {
    format!("sha256={}", hmac_hex(secret, body))
}

fn hmac_hex(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key size");
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A client with no credentials, as a git server delivering a webhook.
fn unauthenticated() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// Posts `body` with `headers` to a listener path; (status, JSON answer).
async fn hook(
    server: &KilnServer,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, Value) {
    let mut request = unauthenticated()
        .post(format!("{}{path}", server.url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.expect("POST hook");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn github(
    server: &KilnServer,
    build: &str,
    event: &str,
    secret: &str,
    body: &str,
) -> (u16, Value) {
    let headers = [
        ("x-github-event", event.to_string()),
        (
            "x-github-delivery",
            "72d3162e-cc78-11e3-81ab-4c9367dc0958".to_string(),
        ),
        ("x-hub-signature-256", github_signature(secret, body)),
    ];
    hook(
        server,
        &format!("/listener/github/build/{build}"),
        &headers,
        body,
    )
    .await
}

async fn gitlab(
    server: &KilnServer,
    build: &str,
    event: &str,
    token: &str,
    body: &str,
) -> (u16, Value) {
    let headers = [
        ("x-gitlab-event", event.to_string()),
        ("x-gitlab-token", token.to_string()),
    ];
    hook(
        server,
        &format!("/listener/gitlab/build/{build}"),
        &headers,
        body,
    )
    .await
}

/// A GitHub push payload (the fields GitHub sends that matter, plus some
/// that do not).
fn github_push(git_ref: &str, before: &str, after: &str, head_commit: &str) -> String {
    json!({
        "ref": git_ref,
        "before": before,
        "after": after,
        "created": false,
        "deleted": false,
        "forced": false,
        "repository": { "id": 1296269, "full_name": "team/app", "default_branch": "main" },
        "pusher": { "name": "octocat", "email": "octocat@example.com" },
        "head_commit": { "id": head_commit, "message": "change", "timestamp": "2024-05-01T10:00:00Z" },
        "commits": [{ "id": head_commit, "message": "change", "added": [], "removed": [], "modified": ["app.txt"] }],
    })
    .to_string()
}

/// A GitLab push or tag push payload.
fn gitlab_push(kind: &str, git_ref: &str, before: &str, after: &str, checkout_sha: &str) -> String {
    json!({
        "object_kind": kind,
        "event_name": kind,
        "before": before,
        "after": after,
        "ref": git_ref,
        "ref_protected": true,
        "checkout_sha": checkout_sha,
        "user_username": "jsmith",
        "project": { "id": 15, "path_with_namespace": "team/app", "default_branch": "main" },
        "commits": [],
        "total_commits_count": 0,
    })
    .to_string()
}

async fn runs_of(server: &KilnServer, build: &str) -> Vec<Value> {
    let (status, runs) = get_json(server, &format!("/api/v1/builds/{build}/runs")).await;
    assert_eq!(status, 200, "{runs}");
    runs.as_array().cloned().unwrap_or_default()
}

/// The run id a "started" answer names.
fn started(status: u16, answer: &Value) -> i64 {
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["status"], "started", "{answer}");
    answer["run_id"].as_i64().expect("run_id")
}

fn git_build(name: &str, git: &GitServer, registry: &Registry, extra: &str) -> String {
    format!(
        r#"
[[build]]
name = "{name}"
[build.config]
builder = "test-local"
git_provider = "{git}"
git_https = false
repo = "team/app"
image_registry = {{ domain = "{reg}" }}
{extra}
"#,
        git = git.domain(),
        reg = registry.addr()
    )
}

async fn repo_with_dockerfile(git: &GitServer, dockerfile: &str) -> (RepoHandle, String) {
    let repo = git.create_repo("team/app").await.unwrap();
    let first = repo
        .commit(
            "main",
            &[("Dockerfile", dockerfile), ("app.txt", "v1")],
            "first",
        )
        .await
        .unwrap();
    (repo, first)
}

#[tokio::test]
async fn github_gitea_and_gitlab_pushes_build_the_watched_branch() {
    let engine = engine().await;
    let registry = Registry::start(None).await.unwrap();
    let git = GitServer::start(None).await.unwrap();
    let (repo, first) =
        repo_with_dockerfile(&git, "FROM kiln-test/base:1\nCOPY app.txt /app.txt\n").await;
    let server = start_server(Some(&engine), Some(SERVER_SECRET));
    apply(&server, TEST_BUILDER).await;
    apply(
        &server,
        &git_build(
            "hooked",
            &git,
            &registry,
            &format!("webhook_secret = \"{BUILD_SECRET}\""),
        ),
    )
    .await;
    apply(
        &server,
        &git_build("fallback", &git, &registry, "image_name = \"fallback\""),
    )
    .await;

    let (_, info) = get_json(&server, "/api/v1/builds/hooked/webhook").await;
    let id = info["id"].as_i64().expect("numeric id");
    assert_eq!(info["github_path"], format!("/listener/github/build/{id}"));
    assert_eq!(info["gitlab_path"], format!("/listener/gitlab/build/{id}"));
    assert_eq!(info["secret"], "build");
    assert_eq!(info["branch"], "main");
    let (_, fallback_info) = get_json(&server, "/api/v1/builds/fallback/webhook").await;
    assert_eq!(fallback_info["secret"], "server");
    assert!(!fallback_info.to_string().contains(SERVER_SECRET));

    let ping = json!({ "zen": "Design for failure.", "hook_id": 42, "hook": { "type": "Repository", "events": ["push"] } })
        .to_string();
    let (status, answer) = github(&server, "hooked", "ping", BUILD_SECRET, &ping).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "ignored");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .starts_with("ignored: no ref"),
        "{answer}"
    );
    assert!(
        runs_of(&server, "hooked").await.is_empty(),
        "a ping runs nothing"
    );

    // GitHub, by numeric id.
    let second = repo
        .commit("main", &[("app.txt", "v2")], "second")
        .await
        .unwrap();
    let body = github_push("refs/heads/main", &first, &second, &second);
    let (status, answer) = github(&server, &id.to_string(), "push", BUILD_SECRET, &body).await;
    let run_id = started(status, &answer);
    assert_eq!(answer["build"], "hooked");
    let run = wait_run(&server, run_id, Duration::from_secs(120)).await;
    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(run["trigger"], "webhook");
    assert_eq!(run["commit"], second.as_str());

    // Gitea: its own bare-hex signature header and event header, by name.
    let third = repo
        .commit("main", &[("app.txt", "v3")], "third")
        .await
        .unwrap();
    let body = github_push("refs/heads/main", &second, &third, &third);
    let headers = [
        ("x-gitea-event", "push".to_string()),
        (
            "x-gitea-delivery",
            "d4b1a8f0-0000-4000-8000-000000000001".to_string(),
        ),
        ("x-gitea-signature", hmac_hex(BUILD_SECRET, &body)),
    ];
    let (status, answer) = hook(&server, "/listener/github/build/hooked", &headers, &body).await;
    let run_id = started(status, &answer);
    let run = wait_run(&server, run_id, Duration::from_secs(120)).await;
    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(run["commit"], third.as_str());

    // GitLab.
    let fourth = repo
        .commit("main", &[("app.txt", "v4")], "fourth")
        .await
        .unwrap();
    let body = gitlab_push("push", "refs/heads/main", &third, &fourth, &fourth);
    let (status, answer) = gitlab(&server, "hooked", "Push Hook", BUILD_SECRET, &body).await;
    let run_id = started(status, &answer);
    let run = wait_run(&server, run_id, Duration::from_secs(120)).await;
    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(run["commit"], fourth.as_str());

    // Other branches are ignored.
    repo.branch("dev", &fourth).await.unwrap();
    let body = github_push("refs/heads/dev", &"0".repeat(40), &fourth, &fourth);
    let (status, answer) = github(&server, "hooked", "push", BUILD_SECRET, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["message"], "ignored: branch dev");
    assert_eq!(
        runs_of(&server, "hooked").await.len(),
        3,
        "exactly the three pushes to main ran"
    );

    // A build without its own secret takes the server's; each build only its own.
    let body = github_push("refs/heads/main", &third, &fourth, &fourth);
    let (status, answer) = github(&server, "fallback", "push", BUILD_SECRET, &body).await;
    assert_eq!(status, 401, "{answer}");
    let (status, answer) = github(&server, "hooked", "push", SERVER_SECRET, &body).await;
    assert_eq!(status, 401, "{answer}");
    let (status, answer) = github(&server, "fallback", "push", SERVER_SECRET, &body).await;
    let run_id = started(status, &answer);
    let run = wait_run(&server, run_id, Duration::from_secs(120)).await;
    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(runs_of(&server, "hooked").await.len(), 3);

    let mut tags = registry.tags("hooked").await.unwrap();
    tags.sort();
    let mut want = vec![
        "0".to_string(),
        "0.0".into(),
        "0.0.1".into(),
        "0.0.2".into(),
        "0.0.3".into(),
        "latest".into(),
        second[..7].to_string(),
        third[..7].to_string(),
        fourth[..7].to_string(),
    ];
    want.sort();
    assert_eq!(tags, want, "every webhook run pushed its commit");
}

#[tokio::test]
async fn tag_pushes_build_the_tag_commit_with_the_tag_version() {
    let engine = engine().await;
    let registry = Registry::start(None).await.unwrap();
    let git = GitServer::start(None).await.unwrap();
    let (repo, first) =
        repo_with_dockerfile(&git, "FROM kiln-test/base:1\nCOPY app.txt /app.txt\n").await;
    let head = repo
        .commit("main", &[("app.txt", "v2")], "second")
        .await
        .unwrap();
    repo.tag("v1.4.0", &first).await.unwrap();
    let server = start_server(Some(&engine), None);
    apply(&server, TEST_BUILDER).await;
    let extra = format!(
        "webhook_secret = \"{BUILD_SECRET}\"\nwebhook_build_tags = true\nversion = \"0.0.3\""
    );
    apply(&server, &git_build("tagged", &git, &registry, &extra)).await;
    apply(
        &server,
        &git_build(
            "no-tags",
            &git,
            &registry,
            &format!("webhook_secret = \"{BUILD_SECRET}\""),
        ),
    )
    .await;

    // GitLab tag push of an older commit: that commit is built, as 1.4.0.
    let zero = "0".repeat(40);
    let body = gitlab_push("tag_push", "refs/tags/v1.4.0", &zero, &first, &first);
    let (status, answer) = gitlab(&server, "tagged", "Tag Push Hook", BUILD_SECRET, &body).await;
    let run_id = started(status, &answer);
    let run = wait_run(&server, run_id, Duration::from_secs(120)).await;
    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(run["version"], "1.4.0");
    assert_eq!(
        run["commit"],
        first.as_str(),
        "the tag's commit, not main's head"
    );
    assert_eq!(run["trigger"], "webhook tag v1.4.0");
    let mut tags = registry.tags("tagged").await.unwrap();
    tags.sort();
    let mut want = vec![
        "1".to_string(),
        "1.4".into(),
        "1.4.0".into(),
        "latest".into(),
        first[..7].to_string(),
    ];
    want.sort();
    assert_eq!(tags, want);
    let (_, build) = get_json(&server, "/api/v1/builds/tagged").await;
    assert_eq!(
        build["config"]["version"], "1.4.0",
        "a newer tag version is kept"
    );
    assert_eq!(
        build["config"]["commit"], "",
        "the build's own commit is untouched"
    );

    // GitHub, annotated tag: `after` is the tag object, head_commit the commit.
    repo.annotated_tag("v1.5.0", &head, "release 1.5")
        .await
        .unwrap();
    let tag_object = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(repo.bare_dir())
        .args(["rev-parse", "refs/tags/v1.5.0"])
        .output()
        .unwrap();
    let tag_object = String::from_utf8(tag_object.stdout)
        .unwrap()
        .trim()
        .to_string();
    assert_ne!(tag_object, head);
    let body = github_push("refs/tags/v1.5.0", &zero, &tag_object, &head);
    let (status, answer) = github(&server, "tagged", "push", BUILD_SECRET, &body).await;
    let run_id = started(status, &answer);
    let run = wait_run(&server, run_id, Duration::from_secs(120)).await;
    assert_eq!(run["status"], "success", "{run}");
    assert_eq!(run["version"], "1.5.0");
    assert_eq!(run["commit"], head.as_str());
    let digest = registry.manifest_digest("tagged", "1.5.0").await.unwrap();
    assert!(digest.is_some(), "1.5.0 is in the registry");

    // Tags that do not match, and builds without tag builds, start nothing.
    let body = github_push("refs/tags/release-2", &zero, &head, &head);
    let (status, answer) = github(&server, "tagged", "push", BUILD_SECRET, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["message"],
        "ignored: tag release-2 does not match webhook_tag_pattern 'v*'"
    );
    let body = github_push("refs/tags/v2.0.0", &zero, &head, &head);
    let (status, answer) = github(&server, "no-tags", "push", BUILD_SECRET, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["message"],
        "ignored: tag v2.0.0 (this build does not build tags: webhook_build_tags is off)"
    );
    assert_eq!(runs_of(&server, "tagged").await.len(), 2);
    assert!(runs_of(&server, "no-tags").await.is_empty());
}

#[tokio::test]
async fn refusals_and_ignored_events_start_nothing() {
    let server = start_server(None, None);
    apply(
        &server,
        &format!(
            r#"
[[build]]
name = "guarded"
[build.config]
dockerfile = "FROM kiln-test/base:1"
webhook_secret = "{BUILD_SECRET}"

[[build]]
name = "off"
[build.config]
dockerfile = "FROM kiln-test/base:1"
webhook_enabled = false
webhook_secret = "{BUILD_SECRET}"

[[build]]
name = "no-secret"
[build.config]
dockerfile = "FROM kiln-test/base:1"
"#
        ),
    )
    .await;
    let sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    let body = github_push("refs/heads/main", sha, sha, sha);
    let path = "/listener/github/build/guarded";

    let error = |answer: &Value| answer["error"].as_str().unwrap_or_default().to_string();
    let (status, answer) = hook(&server, path, &[], &body).await;
    assert_eq!(
        (status, error(&answer)),
        (401, "missing X-Hub-Signature-256 header".into())
    );
    let (status, answer) = github(&server, "guarded", "push", "not-the-secret", &body).await;
    assert_eq!(
        (status, error(&answer)),
        (401, "wrong signature or token".into())
    );
    let tampered = [("x-hub-signature-256", github_signature(BUILD_SECRET, &body))];
    let other_body = body.replace("refs/heads/main", "refs/heads/main ");
    let (status, _) = hook(&server, path, &tampered, &other_body).await;
    assert_eq!(status, 401, "a signature is for one body only");
    let (status, answer) = hook(&server, "/listener/gitlab/build/guarded", &[], &body).await;
    assert_eq!(
        (status, error(&answer)),
        (401, "missing X-Gitlab-Token header".into())
    );
    let (status, answer) = gitlab(&server, "guarded", "Push Hook", "not-the-secret", &body).await;
    assert_eq!(
        (status, error(&answer)),
        (401, "wrong signature or token".into())
    );

    let (status, answer) = github(&server, "off", "push", BUILD_SECRET, &body).await;
    assert_eq!(
        (status, error(&answer)),
        (
            403,
            "webhooks are disabled for build 'off' (webhook_enabled = false)".into()
        )
    );
    let (status, answer) = gitlab(&server, "off", "Push Hook", BUILD_SECRET, &body).await;
    assert_eq!(status, 403, "{answer}");
    let (status, answer) = github(&server, "nope", "push", BUILD_SECRET, &body).await;
    assert_eq!((status, error(&answer)), (404, "no build 'nope'".into()));
    let (status, _) = gitlab(&server, "987654", "Push Hook", BUILD_SECRET, &body).await;
    assert_eq!(status, 404);
    let (status, answer) = github(&server, "no-secret", "push", "", &body).await;
    assert_eq!(status, 401, "{answer}");
    assert!(error(&answer).contains("KILN_WEBHOOK_SECRET"), "{answer}");

    let huge = format!(
        r#"{{"ref":"refs/heads/main","padding":"{}"}}"#,
        "x".repeat(6 << 20)
    );
    let (status, answer) = github(&server, "guarded", "push", BUILD_SECRET, &huge).await;
    assert_eq!(status, 413, "{answer}");
    assert!(error(&answer).contains("larger than"), "{answer}");
    let (status, answer) = github(&server, "guarded", "push", BUILD_SECRET, "payload=%7B%7D").await;
    assert_eq!(status, 400, "{answer}");
    assert!(error(&answer).contains("application/json"), "{answer}");

    // Signed, but nothing to build.
    let ping = r#"{"zen":"Keep it logically awesome.","hook_id":7}"#;
    let (status, answer) = github(&server, "guarded", "ping", BUILD_SECRET, ping).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("ignored")));
    let dev = github_push("refs/heads/dev", sha, sha, sha);
    let (status, answer) = github(&server, "guarded", "push", BUILD_SECRET, &dev).await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (200, Some("ignored: branch dev"))
    );
    let deleted = gitlab_push("push", "refs/heads/main", sha, &"0".repeat(40), "");
    let (status, answer) = gitlab(&server, "guarded", "Push Hook", BUILD_SECRET, &deleted).await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (200, Some("ignored: refs/heads/main was deleted"))
    );

    for build in ["guarded", "off", "no-secret"] {
        assert!(runs_of(&server, build).await.is_empty(), "{build} ran");
    }
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_rate_limited() {
    let server = start_server(None, None);
    apply(
        &server,
        &format!(
            "[[build]]\nname = \"limited\"\n[build.config]\ndockerfile = \"FROM kiln-test/base:1\"\nwebhook_secret = \"{BUILD_SECRET}\"\n"
        ),
    )
    .await;
    let ping = r#"{"zen":"Approachable is better than simple.","hook_id":9}"#;
    for attempt in 0..10 {
        let (status, _) = github(
            &server,
            "limited",
            "ping",
            &format!("guess-{attempt}"),
            ping,
        )
        .await;
        assert_eq!(status, 401, "attempt {attempt}");
    }
    let response = unauthenticated()
        .post(format!("{}/listener/github/build/limited", server.url()))
        .header("x-hub-signature-256", github_signature(BUILD_SECRET, ping))
        .body(ping)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        429,
        "even the right secret waits once an address has failed too often"
    );
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let answer: Value = response.json().await.unwrap();
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("too many failed"),
        "{answer}"
    );
    let (status, _) = gitlab(&server, "limited", "Push Hook", BUILD_SECRET, ping).await;
    assert_eq!(status, 429, "the limit is per address, for both listeners");
    let (status, _) = get_json(&server, "/api/v1/builds/limited").await;
    assert_eq!(status, 200, "the rest of the server still answers");
}

#[tokio::test]
async fn a_newer_push_cancels_the_running_build() {
    let engine = engine().await;
    let registry = Registry::start(None).await.unwrap();
    let git = GitServer::start(None).await.unwrap();
    let dockerfile = format!(
        "FROM kiln-test/base:1\nCOPY app.txt /app.txt\nRUN echo slow-{} && sleep 60\n",
        nonce()
    );
    let (repo, first) = repo_with_dockerfile(&git, &dockerfile).await;
    let server = start_server(Some(&engine), None);
    apply(&server, TEST_BUILDER).await;
    apply(
        &server,
        &git_build(
            "busy",
            &git,
            &registry,
            &format!("webhook_secret = \"{BUILD_SECRET}\"\nwebhook_build_tags = true"),
        ),
    )
    .await;

    let body = github_push("refs/heads/main", &"0".repeat(40), &first, &first);
    let (status, answer) = github(&server, "busy", "push", BUILD_SECRET, &body).await;
    let older = started(status, &answer);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, run) = get_json(&server, &format!("/api/v1/runs/{older}")).await;
        if run["stages"].as_array().is_some_and(|s| !s.is_empty()) && run["status"] == "running" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the first run never got going: {run}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let second = repo
        .commit("main", &[("app.txt", "v2")], "second")
        .await
        .unwrap();
    let body = github_push("refs/heads/main", &first, &second, &second);
    let (status, answer) = github(&server, "busy", "push", BUILD_SECRET, &body).await;
    let newer = started(status, &answer);
    assert_ne!(newer, older);
    let run = wait_run(&server, older, Duration::from_secs(30)).await;
    assert_eq!(run["status"], "cancelled", "{run}");
    let run = wait_status(&server, newer, "running", Duration::from_secs(60)).await;
    assert_eq!(run["trigger"], "webhook");

    let (status, _) = post_json(
        &server,
        &format!("/api/v1/runs/{newer}/cancel"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 202);
    let run = wait_run(&server, newer, Duration::from_secs(30)).await;
    assert_eq!(run["status"], "cancelled");

    // A release build is not thrown away for a later push.
    repo.tag("v9.0.0", &second).await.unwrap();
    let body = github_push("refs/tags/v9.0.0", &"0".repeat(40), &second, &second);
    let (status, answer) = github(&server, "busy", "push", BUILD_SECRET, &body).await;
    let tag_run = started(status, &answer);
    wait_status(&server, tag_run, "running", Duration::from_secs(60)).await;
    let body = github_push("refs/heads/main", &first, &second, &second);
    let (status, answer) = github(&server, "busy", "push", BUILD_SECRET, &body).await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["error"].as_str().unwrap().contains(&format!(
            "(run {tag_run}, webhook tag v9.0.0); webhooks do not cancel tag runs"
        )),
        "{answer}"
    );
    let (_, run) = get_json(&server, &format!("/api/v1/runs/{tag_run}")).await;
    assert_eq!(run["status"], "running", "{run}");
    post_json(
        &server,
        &format!("/api/v1/runs/{tag_run}/cancel"),
        Value::Null,
    )
    .await;
    wait_run(&server, tag_run, Duration::from_secs(30)).await;
    assert_eq!(runs_of(&server, "busy").await.len(), 3);
}
