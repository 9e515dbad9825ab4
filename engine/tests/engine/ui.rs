//! UI-defined Dockerfiles, files on the host, local tags and live output.

use std::time::Duration;

use kiln_domain::BuildConfig;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_dockerfile_without_registry_is_tagged_locally() {
    let h = Harness::new().await;
    let mut config = ui_config(&format!(
        "FROM {BASE}\nRUN echo built-[[VERSION]] > /built\n"
    ));
    config.dockerfile_path = "docker/Dockerfile.kiln".to_string();
    let name = config.image_name.clone();
    let recorder = Recorder::new();
    let output = success(run(h.job("ui-local", config), &recorder).await);

    assert_eq!(
        stage_names(&output.stages),
        [
            "Interpolate Variables",
            "Write Dockerfile",
            "Docker Build",
            "Tag"
        ]
    );
    assert!(output.pushed.is_empty());
    assert_eq!(output.commit, None);
    assert!(
        output.image_id.starts_with("sha256:"),
        "{}",
        output.image_id
    );
    assert!(output.size > 0);
    let expected: Vec<String> = ["latest", "1.2.3", "1.2", "1"]
        .iter()
        .map(|tag| format!("{name}:{tag}"))
        .collect();
    assert_eq!(output.local_refs, expected);
    for reference in &expected {
        let id = h
            .engine
            .docker()
            .inspect_image(reference)
            .await
            .expect("tagged")
            .id;
        assert_eq!(id.as_deref(), Some(output.image_id.as_str()));
    }
    assert_eq!(
        h.run_image(&expected[0], &["cat", "/built"]).await,
        "built-1.2.3\n"
    );
    let build = stage(&output.stages, "Docker Build");
    assert!(
        build.command.contains("-f docker/Dockerfile.kiln .")
            && build.command.contains("--network none")
            && build.command.contains("--build-arg VERSION=1.2.3"),
        "{}",
        build.command
    );
    h.assert_work_root_empty();
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_reach_the_sink_while_the_build_runs() {
    let h = Harness::new().await;
    let config = ui_config(&format!(
        "FROM {BASE}\nRUN echo first-line-{id} && sleep 2 && echo second-line-{id}\n",
        id = unique("live")
    ));
    let recorder = Recorder::new();
    let output = success(run(h.job("live", config), &recorder).await);

    let lines = recorder.lines();
    let at = |needle: &str| {
        lines
            .iter()
            .find(|(_, stage, line)| {
                stage == "Docker Build" && line.contains(needle) && !line.contains("RUN")
            })
            .map(|(at, _, _)| *at)
            .unwrap_or_else(|| panic!("no line {needle}:\n{}", recorder.all_text()))
    };
    let first = at("first-line-");
    let second = at("second-line-");
    let finished = recorder
        .events()
        .into_iter()
        .find_map(|(at, event)| match event {
            Event::Finished(record) if record.stage == "Docker Build" => Some(at),
            _ => None,
        })
        .expect("the stage finished");
    println!("first line at {first:?}, second at {second:?}, stage end at {finished:?}");
    assert!(
        second - first >= Duration::from_millis(1500),
        "{first:?} {second:?}"
    );
    assert!(
        finished - first >= Duration::from_millis(1500),
        "{first:?} {finished:?}"
    );
    let record = stage(&output.stages, "Docker Build");
    assert!(
        record.stderr.contains("first-line-"),
        "BuildKit writes progress on stderr"
    );
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_on_host_build_in_place_with_pre_build() {
    let h = Harness::new().await;
    let dir = h.host_root().join("apps/web");
    std::fs::create_dir_all(dir.join("scripts")).expect("host dir");
    std::fs::write(
        dir.join("Dockerfile.host"),
        format!("FROM {BASE}\nCOPY generated.txt /generated.txt\n"),
    )
    .expect("Dockerfile");
    let config = BuildConfig {
        files_on_host: true,
        build_path: "apps/web".to_string(),
        dockerfile_path: "Dockerfile.host".to_string(),
        image_name: unique("kiln-engine-host"),
        pre_build: kiln_domain::PreBuild {
            path: "scripts".to_string(),
            command: "# make the file\necho from-pre-build > ../generated.txt\npwd".to_string(),
            shell_mode: false,
        },
        ..BuildConfig::default()
    };
    let recorder = Recorder::new();
    let output = success(run(h.job("host", config), &recorder).await);

    assert_eq!(
        stage_names(&output.stages),
        ["Pre Build", "Docker Build", "Tag"]
    );
    let pre = stage(&output.stages, "Pre Build");
    assert_eq!(pre.command, "echo from-pre-build > ../generated.txt && pwd");
    assert!(
        pre.stdout.trim_end().ends_with("apps/web/scripts"),
        "{}",
        pre.stdout
    );
    assert_eq!(
        h.run_image(&output.local_refs[0], &["cat", "/generated.txt"])
            .await,
        "from-pre-build\n"
    );
    assert!(
        dir.join("generated.txt").exists(),
        "host files are not removed"
    );
    h.remove_output(&output).await;
}
