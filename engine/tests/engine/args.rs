//! Build args, labels, VERSION, OCI labels and the interpolation stages.

use kiln_domain::ImageRegistry;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_args_and_labels_are_interpolated_into_the_image() {
    let h = Harness::new().await;
    let mut config = ui_config(&format!(
        "FROM {BASE}\nARG GREETING\nARG VERSION\nLABEL greeting=$GREETING built.version=$VERSION\n\
         RUN echo \"{nonce} greeting=$GREETING version=$VERSION\"\n",
        nonce = unique("nonce")
    ));
    config.build_args = "# comment\nGREETING = hello-[[TEAM]]\n".to_string();
    config.labels = "team=[[TEAM]]\ncustom=plain\n".to_string();
    config.extra_args = vec!["--label from-extra=[[TEAM]]".to_string()];
    let mut job = h.job("args", config);
    job.version = kiln_domain::Version::new(2, 0, 1);
    job.variables = vec![
        variable("TEAM", "platform", false),
        variable("UNUSED", "x", false),
    ];
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);

    let labels = h.labels(&output.local_refs[0]).await;
    assert_eq!(labels["greeting"], "hello-platform");
    assert_eq!(labels["built.version"], "2.0.1");
    assert_eq!(labels["team"], "platform");
    assert_eq!(labels["custom"], "plain");
    assert_eq!(labels["from-extra"], "platform");
    assert_eq!(labels["org.opencontainers.image.version"], "2.0.1");
    let created = &labels["org.opencontainers.image.created"];
    let bytes = created.as_bytes();
    assert!(
        bytes.len() >= 20 && bytes[4] == b'-' && bytes[10] == b'T' && created.ends_with('Z'),
        "RFC 3339 UTC: {created}"
    );
    assert!(
        !labels.contains_key("org.opencontainers.image.revision"),
        "UI builds have no commit"
    );
    let variables = stage(&output.stages, "Interpolate Variables");
    assert_eq!(variables.stdout, "[[TEAM]] => platform\n");
    assert!(output
        .stages
        .iter()
        .all(|s| s.stage != "Interpolate Secrets"));
    assert!(stage(&output.stages, "Docker Build")
        .stderr
        .contains("greeting=hello-platform version=2.0.1"));
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_build_arg_set_by_the_user_wins() {
    let h = Harness::new().await;
    let mut config = ui_config(&format!("FROM {BASE}\nARG VERSION\nLABEL v=$VERSION\n"));
    config.build_args = "VERSION=custom".to_string();
    config.labels = "org.opencontainers.image.version=mine".to_string();
    let output = success(run(h.job("version-arg", config), &Recorder::new()).await);

    let labels = h.labels(&output.local_refs[0]).await;
    assert_eq!(labels["v"], "custom");
    assert_eq!(labels["org.opencontainers.image.version"], "mine");
    let command = &stage(&output.stages, "Docker Build").command;
    assert_eq!(command.matches("VERSION=").count(), 1, "{command}");
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_secret_interp_leaves_secrets_out_of_build_args_only() {
    let h = Harness::new().await;
    let mut config = ui_config(&format!(
        "FROM {BASE}\nARG RAW\nLABEL raw=$RAW\n\
         RUN --mount=type=secret,id=SEC wc -c < /run/secrets/SEC > /sec-len\n"
    ));
    config.skip_secret_interp = true;
    config.build_args = "RAW=[[PASSWORD]]".to_string();
    config.secret_args = "SEC=[[PASSWORD]]".to_string();
    let mut job = h.job("skip-secrets", config);
    job.variables = vec![variable("PASSWORD", "pw-0123456789", true)];
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);

    let image = &output.local_refs[0];
    assert_eq!(h.labels(image).await["raw"], "[[PASSWORD]]");
    assert_eq!(h.run_image(image, &["cat", "/sec-len"]).await.trim(), "13");
    assert_eq!(
        stage(&output.stages, "Interpolate Secrets").stdout,
        "[[PASSWORD]] => <PASSWORD>\n"
    );
    assert!(stage(&output.stages, "Docker Build")
        .command
        .contains("RAW=[[PASSWORD]]"));
    assert!(!recorder.all_text().contains("pw-0123456789"));
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_names_follow_organization_and_whole_path_rules() {
    let h = Harness::new().await;
    let registry = kiln_testkit::Registry::start(None).await.expect("registry");
    let mut config = ui_config(&format!("FROM {BASE}\nLABEL paths=yes\n"));
    config.image_name = "group/sub/app".to_string();
    config.include_version_tags = false;
    config.image_registry = vec![ImageRegistry {
        domain: registry.addr().to_string(),
        ..ImageRegistry::default()
    }];
    let output = success(run(h.job("paths", config), &Recorder::new()).await);

    assert_eq!(
        registry.tags("group/sub/app").await.expect("tags"),
        ["latest"]
    );
    assert_eq!(
        output.local_refs,
        [format!("{}/group/sub/app:latest", registry.addr())]
    );
    h.remove_output(&output).await;
}

/// The builder's extra arguments come after the build's, so where both set
/// a flag docker keeps the builder's value: a build cannot override them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builder_args_come_last_and_win() {
    let h = Harness::new().await;
    let mut config = ui_config(&format!("FROM {BASE}\nLABEL plain=yes\n"));
    config.extra_args = vec![
        "--label owner=build".to_string(),
        "--network=host".to_string(),
    ];
    let mut job = h.job("builder-last", config);
    job.docker.allow_host_network = true;
    job.docker.extra_args = vec!["--label owner=builder --network none".to_string()];
    let output = success(run(job, &Recorder::new()).await);

    assert_eq!(h.labels(&output.local_refs[0]).await["owner"], "builder");
    let command = &stage(&output.stages, "Docker Build").command;
    let build = command.find("owner=build ").expect("the build's label");
    let builder = command.find("owner=builder").expect("the builder's label");
    let network = command
        .find("--network none")
        .expect("the builder's network");
    assert!(
        build < builder && command.find("--network=host").expect("build's") < network,
        "{command}"
    );
    h.remove_output(&output).await;
}

/// The sandbox is checked again on the interpolated words before a run:
/// a variable that holds a refused flag stops the run before docker, with
/// the flag named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_extra_args_stop_the_run_before_docker() {
    let h = Harness::new().await;
    for (args, value, flag) in [
        (
            "[[EXTRA]]",
            "--output type=local,dest=/tmp/kiln-escape",
            "--output is refused",
        ),
        ("--network [[NET]]", "host", "--network host is refused"),
        ("--label a=b", "", "--label"),
    ] {
        let mut config = ui_config(&format!("FROM {BASE}\nLABEL refused=yes\n"));
        config.extra_args = vec![
            args.to_string(),
            "--secret id=x,src=/etc/shadow".to_string(),
        ];
        let mut job = h.job("refused-args", config);
        job.variables = vec![
            variable("EXTRA", value, false),
            variable("NET", value, false),
        ];
        let (error, stages) = failure(run(job, &Recorder::new()).await);
        let expected = if flag == "--label" {
            "extra_args[1]: --secret is refused".to_string()
        } else {
            format!("extra_args[0]: {flag}")
        };
        assert!(error.contains(&expected), "{args}: {error}");
        assert!(
            stages.iter().all(|s| s.stage != "Docker Build"),
            "docker ran"
        );
    }
}
