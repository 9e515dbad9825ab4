//! The registry: auth, CLI and bollard pushes, tags and digests.

use std::path::Path;
use std::process::Stdio;

use bollard::query_parameters::PushImageOptionsBuilder;
use futures_util::StreamExt;
use kiln_testkit::{base_image, DockerEngine, Registry};
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn registry_with_auth_refuses_anonymous_and_accepts_the_user() {
    let registry = Registry::start(Some(("kiln", "s3cret")))
        .await
        .expect("registry");
    let url = format!("{}/v2/", registry.url());
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let anonymous = client.get(&url).send().await.expect("GET /v2/");
    assert_eq!(anonymous.status(), 401);
    let challenge = anonymous
        .headers()
        .get("www-authenticate")
        .expect("a challenge")
        .to_str()
        .expect("text");
    assert!(challenge.starts_with("Basic"), "{challenge}");
    let wrong = client
        .get(&url)
        .basic_auth("kiln", Some("nope"))
        .send()
        .await
        .expect("GET /v2/");
    assert_eq!(wrong.status(), 401);
    let right = client
        .get(&url)
        .basic_auth("kiln", Some("s3cret"))
        .send()
        .await
        .expect("GET /v2/");
    assert_eq!(right.status(), 200);
    assert!(registry
        .tags("kiln/missing")
        .await
        .expect("tags")
        .is_empty());
    assert_eq!(
        registry
            .manifest_digest("kiln/missing", "t1")
            .await
            .expect("digest"),
        None
    );
    assert_stops_on_drop(registry);
}

#[tokio::test]
async fn docker_push_with_login_then_tags_lists_it() {
    let engine = DockerEngine::ensure().await.expect("engine");
    let base = base_image(&engine).await.expect("base image");
    let registry = Registry::start(Some(("kiln", "s3cret")))
        .await
        .expect("registry");
    let repo = format!("{}/kiln/base", registry.addr());
    let config = tempfile::tempdir().expect("temp dir");

    cli_ok(&engine, &["tag", &base, &format!("{repo}:t1")]).await;
    let mut login = engine
        .cli()
        .arg("--config")
        .arg(config.path())
        .args([
            "login",
            "--username",
            "kiln",
            "--password-stdin",
            registry.addr(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docker login");
    let mut stdin = login.stdin.take().expect("stdin");
    stdin.write_all(b"s3cret").await.expect("password");
    drop(stdin);
    let output = login.wait_with_output().await.expect("docker login");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    push_with_config(&engine, config.path(), &format!("{repo}:t1")).await;
    assert_eq!(registry.tags("kiln/base").await.expect("tags"), ["t1"]);
    let digest = registry
        .manifest_digest("kiln/base", "t1")
        .await
        .expect("digest")
        .expect("a manifest");
    assert!(digest.starts_with("sha256:"), "{digest}");

    // The same registry through a config written by the testkit, and through bollard.
    let written = tempfile::tempdir().expect("temp dir");
    registry
        .write_docker_config(written.path())
        .expect("docker config");
    cli_ok(&engine, &["tag", &base, &format!("{repo}:t2")]).await;
    push_with_config(&engine, written.path(), &format!("{repo}:t2")).await;
    cli_ok(&engine, &["tag", &base, &format!("{repo}:t3")]).await;
    let mut push = engine.docker().push_image(
        &repo,
        Some(PushImageOptionsBuilder::default().tag("t3").build()),
        registry.docker_credentials(),
    );
    while let Some(item) = push.next().await {
        item.expect("bollard push progress");
    }
    assert_eq!(
        registry.tags("kiln/base").await.expect("tags"),
        ["t1", "t2", "t3"]
    );
    for tag in ["t1", "t2", "t3"] {
        cli_ok(&engine, &["rmi", &format!("{repo}:{tag}")]).await;
    }
    assert_stops_on_drop(registry);
}

#[tokio::test]
async fn registry_without_auth_accepts_anonymous_pushes() {
    let engine = DockerEngine::ensure().await.expect("engine");
    let base = base_image(&engine).await.expect("base image");
    let registry = Registry::start(None).await.expect("registry");
    assert_eq!(registry.credentials(), None);
    let image = format!("{}/kiln/open:latest", registry.addr());
    let config = tempfile::tempdir().expect("temp dir");
    cli_ok(&engine, &["tag", &base, &image]).await;
    push_with_config(&engine, config.path(), &image).await;
    assert_eq!(registry.tags("kiln/open").await.expect("tags"), ["latest"]);
    cli_ok(&engine, &["rmi", &image]).await;
    assert_stops_on_drop(registry);
}

async fn push_with_config(engine: &DockerEngine, config: &Path, image: &str) {
    let output = engine
        .cli()
        .arg("--config")
        .arg(config)
        .args(["push", image])
        .output()
        .await
        .expect("docker push");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn cli_ok(engine: &DockerEngine, args: &[&str]) {
    let output = engine.cli().args(args).output().await.expect("docker CLI");
    assert!(
        output.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn assert_stops_on_drop(registry: Registry) {
    let pid = registry.pid();
    drop(registry);
    assert!(!Path::new(&format!("/proc/{pid}")).exists());
}
