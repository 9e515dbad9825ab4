//! Secrets never leak: after a real run that uses a secret variable, a git
//! token and a registry password, none of the raw values is in the database
//! files, the run logs, any API answer or page, the server's own log, the
//! CLI's output, `docker history` or the image's filesystem.

mod support;

use kiln_testkit::{base_image, DockerEngine, GitServer, Registry};
use support::*;

const REGISTRY_PASS: &str = "regpass-Zq81x";
const GIT_TOKEN: &str = "gittoken-Pw42k";
const VAR_SECRET: &str = "varsecret-Hy77m";

#[tokio::test]
async fn no_raw_secret_anywhere_after_a_run() {
    let engine = DockerEngine::ensure().await.unwrap();
    base_image(&engine).await.unwrap();
    let registry = Registry::start(Some(("kiln", REGISTRY_PASS)))
        .await
        .unwrap();
    let git = GitServer::start(Some(("ci", GIT_TOKEN))).await.unwrap();
    let repo = git.create_repo("team/secret-app").await.unwrap();
    let n = nonce();
    let dockerfile = format!(
        "FROM kiln-test/base:1\nRUN --mount=type=secret,id=API_TOKEN echo seen-{n}-$(cat /run/secrets/API_TOKEN)\nRUN echo done > /done\n"
    );
    repo.commit(
        "main",
        &[("Dockerfile", dockerfile.as_str())],
        "secret build",
    )
    .await
    .unwrap();

    let server = start_with_engine(&engine);
    apply(&server, TEST_BUILDER).await;
    apply(
        &server,
        &format!(
            r#"
[[variable]]
name = "API_TOKEN"
value = "{VAR_SECRET}"
is_secret = true

[[git_account]]
domain = "{git}"
username = "ci"
token = "{GIT_TOKEN}"

[[registry_account]]
domain = "{reg}"
username = "kiln"
token = "{REGISTRY_PASS}"

[[build]]
name = "secretive"
[build.config]
builder = "test-local"
git_provider = "{git}"
git_https = false
git_account = "ci"
repo = "team/secret-app"
image_registry = {{ domain = "{reg}", account = "kiln" }}
secret_args = "API_TOKEN=[[API_TOKEN]]"
"#,
            git = git.domain(),
            reg = registry.addr()
        ),
    )
    .await;

    let cli = server
        .cli(&["build", "run", "secretive", "--follow"], None)
        .unwrap();
    let cli_out = format!(
        "{}{}",
        String::from_utf8_lossy(&cli.stdout),
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(cli.status.success(), "{cli_out}");
    assert!(
        cli_out.contains(&format!("seen-{n}-<API_TOKEN>")),
        "the secret was used and redacted: {cli_out}"
    );

    let mut haystack = vec![("cli output".to_string(), cli_out.into_bytes())];
    let (_, run) = get_json(&server, "/api/v1/builds/secretive/runs").await;
    let run_id = run[0]["id"].as_i64().unwrap();
    assert_eq!(run[0]["status"], "success", "{run}");
    let (lines, end) = read_log(&server, run_id).await;
    let log_text: Vec<String> = lines.into_iter().map(|(_, l)| l).collect();
    haystack.push(("live log".into(), format!("{log_text:?}{end}").into_bytes()));
    for path in [
        "/api/v1/builds".to_string(),
        "/api/v1/builds/secretive".into(),
        "/api/v1/builds/secretive/runs".into(),
        format!("/api/v1/runs/{run_id}"),
        "/api/v1/builders".into(),
        "/api/v1/sync".into(),
        "/".into(),
        "/builds/secretive".into(),
        "/builders".into(),
    ] {
        let body = client(&server)
            .get(format!("{}{path}", server.url()))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        haystack.push((path, body.to_vec()));
    }
    for entry in walk(server.data_dir()) {
        if entry.file_name().is_some_and(|n| n == "secret.key") {
            continue;
        }
        haystack.push((
            entry.display().to_string(),
            std::fs::read(&entry).unwrap_or_default(),
        ));
    }
    haystack.push(("server log".into(), server.log().into_bytes()));

    let image = format!("{}/kiln/secretive:latest", registry.addr());
    let history = engine
        .cli()
        .args(["history", "--no-trunc", &image])
        .output()
        .await
        .unwrap();
    assert!(
        history.status.success(),
        "{}",
        String::from_utf8_lossy(&history.stderr)
    );
    haystack.push(("docker history".into(), history.stdout));
    let saved = engine.cli().args(["save", &image]).output().await.unwrap();
    assert!(saved.status.success());
    assert!(saved.stdout.len() > 1000, "the image was saved");
    haystack.push(("image filesystem (docker save)".into(), saved.stdout));

    for (place, bytes) in &haystack {
        for secret in [REGISTRY_PASS, GIT_TOKEN, VAR_SECRET] {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{secret} leaked into {place}");
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}
