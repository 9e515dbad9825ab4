//! The first build on an engine without a bridge network (what
//! `dockerd --bridge=none` gives, as Kiln's run command starts it): RUN steps
//! work with no network settings at all, the log says which network they got,
//! and a network chosen in extra args wins. Also: relative job directories
//! (a relative data dir) still build, since `docker build` runs elsewhere.

use kiln_engine::DefaultNetwork;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_steps_work_on_an_engine_without_a_bridge_network() {
    let h = Harness::new().await;
    assert_eq!(
        DefaultNetwork::of(&h.engine.docker()).await,
        DefaultNetwork::NoBridge,
        "the test engine is started with --bridge=none"
    );
    let nonce = unique("first");
    let config = ui_config(&format!(
        "FROM {BASE}\nRUN echo hello-{nonce} && echo done > /done.txt\n"
    ));
    let mut job = h.job("no-bridge", config);
    job.docker.extra_args.clear();
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);
    let build = stage(&output.stages, "Docker Build");
    assert!(
        build.command.contains("--network none"),
        "{}",
        build.command
    );
    let log = recorder.all_text();
    assert!(log.contains(&format!("hello-{nonce}")), "{log}");
    assert!(log.contains("no bridge network"), "{log}");
    h.remove_refs(&output.local_refs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_chosen_in_extra_args_wins() {
    let h = Harness::new().await;
    let nonce = unique("own-net");
    let mut config = ui_config(&format!("FROM {BASE}\nRUN echo own-{nonce}\n"));
    config.extra_args = vec!["--network=host".to_string()];
    let mut job = h.job("own-network", config);
    job.docker.extra_args.clear();
    job.docker.allow_host_network = true;
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);
    let build = stage(&output.stages, "Docker Build");
    assert!(
        build.command.contains("--network=host") && !build.command.contains("--network none"),
        "{}",
        build.command
    );
    assert!(!recorder.all_text().contains("no bridge network"));
    h.remove_refs(&output.local_refs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relative_job_directories_build() {
    let h = Harness::new().await;
    // Relative to this test process's working directory, as a relative
    // KILN_DATA_DIR is to Kiln's: `../..` up to `/`, then the temp dir.
    let cwd = std::env::current_dir().expect("cwd");
    let relative = |p: std::path::PathBuf| {
        let mut rel = std::path::PathBuf::new();
        for _ in 1..cwd.components().count() {
            rel.push("..");
        }
        rel.join(p.strip_prefix("/").expect("absolute temp dir"))
    };
    let config = ui_config(&format!("FROM {BASE}\nRUN echo relative\n"));
    let mut job = h.job("relative-dirs", config);
    job.dirs.work_root = relative(h.work_root());
    job.dirs.clone_cache = relative(h.cache("relative-dirs"));
    assert!(job.dirs.work_root.is_relative());
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);
    h.remove_refs(&output.local_refs).await;
    h.assert_work_root_empty();
}
