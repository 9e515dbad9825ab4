//! The Docker engine, the base image and BuildKit builds.

use std::path::Path;
use std::process::Stdio;

use kiln_testkit::{
    base_image, buildkit_cli, shared_engine_host, DockerEngine, EngineKind, BASE_IMAGE,
};

#[tokio::test]
async fn engine_answers_ping_and_reports_a_version() {
    let engine = DockerEngine::ensure().await.expect("a Docker engine");
    let docker = engine.docker();
    assert_eq!(docker.ping().await.expect("ping"), "OK");
    let version = docker.version().await.expect("version");
    assert!(version.version.is_some_and(|v| !v.is_empty()));
    assert!(!engine.version().is_empty());
    if engine.kind() == EngineKind::Shared {
        assert_eq!(engine.host(), shared_engine_host());
    }
}

#[tokio::test]
async fn base_image_exists_and_runs_busybox() {
    let engine = DockerEngine::ensure().await.expect("a Docker engine");
    let (first, second) = tokio::join!(base_image(&engine), base_image(&engine));
    assert_eq!(first.expect("base image"), BASE_IMAGE);
    assert_eq!(second.expect("base image again"), BASE_IMAGE);
    engine
        .docker()
        .inspect_image(BASE_IMAGE)
        .await
        .expect("the image is in the engine");
    let output = engine
        .cli()
        .args(["run", "--rm", "--network", "none", BASE_IMAGE, "echo", "hi"])
        .output()
        .await
        .expect("docker run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "hi\n");
}

#[test]
fn buildkit_cli_prefers_debians_client() {
    if Path::new("/usr/bin/docker").exists() {
        assert_eq!(
            buildkit_cli().as_deref(),
            Some(Path::new("/usr/bin/docker"))
        );
    }
}

#[tokio::test]
async fn buildkit_cli_builds_from_the_base_image() {
    let Some(cli) = buildkit_cli() else {
        eprintln!("no docker CLI with BuildKit here: skipped");
        return;
    };
    let engine = DockerEngine::ensure().await.expect("a Docker engine");
    base_image(&engine).await.expect("base image");
    let context = tempfile::tempdir().expect("temp dir");
    let config = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        context.path().join("Dockerfile"),
        format!("FROM {BASE_IMAGE}\nRUN echo built > /built.txt\nCMD [\"cat\", \"/built.txt\"]\n"),
    )
    .expect("Dockerfile");
    let tag = format!("kiln-test/buildkit-check:{}", std::process::id());
    let build = engine
        .cli_at(&cli)
        .env("DOCKER_BUILDKIT", "1")
        .env("DOCKER_CONFIG", config.path())
        .args(["build", "--progress=plain", "--network", "none", "-t", &tag])
        .arg(context.path())
        .output()
        .await
        .expect("docker build");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let run = engine
        .cli()
        .args(["run", "--rm", "--network", "none", &tag])
        .output()
        .await
        .expect("docker run");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "built\n");
    let removed = engine
        .cli()
        .args(["rmi", &tag])
        .stdout(Stdio::null())
        .status()
        .await
        .expect("docker rmi");
    assert!(removed.success());
}

#[tokio::test]
async fn private_engine_stops_on_drop() {
    let engine = DockerEngine::start_private()
        .await
        .expect("a private engine");
    assert_eq!(engine.kind(), EngineKind::Private);
    assert_eq!(engine.docker().ping().await.expect("ping"), "OK");
    let pid = engine.daemon_pid().expect("a daemon pid");
    let socket = engine
        .host()
        .strip_prefix("unix://")
        .expect("a unix socket")
        .to_owned();
    drop(engine);
    assert!(!Path::new(&format!("/proc/{pid}")).exists());
    assert!(!Path::new(&socket).exists());
}
