//! Secret args stay out of the image and its history; secrets are redacted
//! in every line, command, record and error.

use futures_util::StreamExt;
use kiln_domain::ImageRegistry;
use kiln_testkit::GitServer;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_arg_reaches_run_but_not_history_or_filesystem() {
    let h = Harness::new().await;
    let value = "s3cr3t-value-9f8e7d";
    // The nonce keeps BuildKit from answering the RUN step from its cache.
    let mut config = ui_config(&format!(
        "FROM {BASE}\n\
         RUN --mount=type=secret,id=TOKEN echo \"{nonce} token=$(cat /run/secrets/TOKEN)\" \
         && wc -c < /run/secrets/TOKEN > /token-length\n",
        nonce = unique("nonce")
    ));
    config.secret_args = "TOKEN=[[API_TOKEN]]".to_string();
    let mut job = h.job("secret-arg", config);
    job.variables = vec![variable("API_TOKEN", value, true)];
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);

    let image = output.local_refs[0].clone();
    assert_eq!(
        h.run_image(&image, &["cat", "/token-length"]).await.trim(),
        value.len().to_string(),
        "the secret was mounted in the RUN step"
    );
    let text = recorder.all_text();
    assert!(!text.contains(value), "{text}");
    assert!(text.contains("token=<API_TOKEN>"), "{text}");
    let build = stage(&output.stages, "Docker Build");
    assert!(
        build
            .command
            .contains("--secret id=TOKEN,env=KILN_SECRET_0"),
        "{}",
        build.command
    );

    let history = h
        .engine
        .cli()
        .args(["history", "--no-trunc", &image])
        .output()
        .await
        .expect("docker history");
    assert!(history.status.success());
    let history = String::from_utf8_lossy(&history.stdout);
    assert!(history.contains("/run/secrets/TOKEN"), "{history}");
    assert!(!history.contains(value), "{history}");

    let docker = h.engine.docker();
    let container = docker
        .create_container(
            None::<bollard::query_parameters::CreateContainerOptions>,
            bollard::models::ContainerCreateBody {
                image: Some(image.clone()),
                ..Default::default()
            },
        )
        .await
        .expect("create container");
    let mut export = docker.export_container(&container.id);
    let mut filesystem = Vec::new();
    while let Some(chunk) = export.next().await {
        filesystem.extend_from_slice(&chunk.expect("export"));
    }
    docker
        .remove_container(
            &container.id,
            None::<bollard::query_parameters::RemoveContainerOptions>,
        )
        .await
        .expect("remove container");
    assert!(
        filesystem.len() > 100_000,
        "the export holds the file system"
    );
    assert!(
        !filesystem
            .windows(value.len())
            .any(|w| w == value.as_bytes()),
        "the secret is in the image file system"
    );
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_secret_is_redacted_in_lines_records_and_errors() {
    let h = Harness::new().await;
    let db_pass = "db-pass-4c3b2a";
    let git_token = "git-tok-a1b2c3d4";
    let registry_pass = "reg-pw-77aa88";
    let server = GitServer::start(Some((GIT_USER, git_token)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/secret").await.expect("repo");
    repo.commit("main", &[("Dockerfile", &format!("FROM {BASE}\n"))], "one")
        .await
        .expect("commit");
    let mut config = git_config(&server, &repo);
    config.build_args = "DB=[[DB_PASS]]".to_string();
    config.image_registry = vec![ImageRegistry {
        domain: "127.0.0.1:9".to_string(),
        account: "kiln".to_string(),
        organization: String::new(),
    }];
    config.pre_build.command = format!(
        "echo db=[[DB_PASS]] git={git_token} registry={registry_pass}\n\
         echo db=[[DB_PASS]] on stderr >&2\n\
         echo failing with {db_pass} >&2; exit 3"
    );
    let mut job = h.job("redaction", config);
    job.variables = vec![variable("DB_PASS", db_pass, true)];
    job.git_account = Some(git_account(&server, git_token));
    job.registry_accounts = vec![registry_account("127.0.0.1:9", "kiln", registry_pass)];
    let recorder = Recorder::new();
    let (error, stages) = failure(run(job, &recorder).await);

    let mut everything = format!("{error}\n{stages:?}\n{}", recorder.all_text());
    everything.push_str(&format!("{:?}", recorder.events()));
    for secret in [db_pass, git_token, registry_pass] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
    let pre = stage(&stages, "Pre Build");
    assert!(
        pre.command
            .contains("echo db=<DB_PASS> git=<GIT_TOKEN> registry=<REGISTRY_TOKEN>"),
        "{}",
        pre.command
    );
    assert_eq!(
        pre.stdout,
        "db=<DB_PASS> git=<GIT_TOKEN> registry=<REGISTRY_TOKEN>\n"
    );
    assert!(
        pre.stderr.contains("db=<DB_PASS> on stderr"),
        "{}",
        pre.stderr
    );
    assert_eq!(
        error,
        "the pre_build command failed (exit status: 3): failing with <DB_PASS>"
    );
    let live: Vec<String> = recorder
        .lines()
        .into_iter()
        .filter(|(_, stage, _)| stage == "Pre Build")
        .map(|(_, _, line)| line)
        .collect();
    assert!(live.contains(&"db=<DB_PASS> git=<GIT_TOKEN> registry=<REGISTRY_TOKEN>".to_string()));
    assert_eq!(
        stage(&stages, "Interpolate Secrets").stdout,
        "[[DB_PASS]] => <DB_PASS>\n"
    );
    h.assert_work_root_empty();
}
