//! Cancel during the clone, the pre-build and a slow RUN step.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_engine::{CancellationToken, RunResult};
use kiln_testkit::GitServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_a_slow_clone() {
    let h = Harness::new().await;
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/slow").await.expect("repo");
    repo.commit(
        "main",
        &[
            ("Dockerfile", &format!("FROM {BASE}\n")),
            ("blob.txt", &noise(6 * 1024 * 1024, 0xc0ffee)),
        ],
        "big",
    )
    .await
    .expect("commit");
    let proxy = SlowProxy::start(server.domain()).await;
    let mut config = git_config(&server, &repo);
    config.git_provider = proxy.domain.clone();
    let mut job = h.job("cancel-clone", config);
    job.git_account = Some(kiln_domain::GitAccount {
        domain: proxy.domain.clone(),
        ..git_account(&server, GIT_TOKEN)
    });
    let cache = job.dirs.clone_cache.clone();
    let recorder = Recorder::new();
    let cancel = CancellationToken::new();
    let running = tokio::spawn(run_with(job, Arc::clone(&recorder), cancel.clone()));

    recorder
        .wait_for_line("receiving objects", Duration::from_secs(30))
        .await;
    let cancelled_at = Instant::now();
    cancel.cancel();
    let result = running.await.expect("the run");
    let took = cancelled_at.elapsed();
    println!("clone cancelled in {took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let RunResult::Cancelled { stages } = result else {
        panic!("expected cancelled: {}", describe(&result))
    };
    assert_eq!(stage_names(&stages), ["Clone Repo"]);
    assert!(!stages[0].success);
    h.assert_work_root_empty();
    assert!(cache.join("git").exists(), "the clone cache is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_pre_build_kills_its_process_group() {
    let h = Harness::new().await;
    let marker = unique("prebuild-marker");
    let mut config = ui_config(&format!("FROM {BASE}\n"));
    config.pre_build.command = format!("echo started-{marker}\nsleep 30 & sleep 31\necho never");
    let recorder = Recorder::new();
    let cancel = CancellationToken::new();
    let running = tokio::spawn(run_with(
        h.job("cancel-pre-build", config),
        Arc::clone(&recorder),
        cancel.clone(),
    ));

    recorder
        .wait_for_line(&format!("started-{marker}"), Duration::from_secs(30))
        .await;
    let shell = pids_with(&marker);
    let [shell] = shell.as_slice() else {
        panic!("one shell with the marker: {shell:?}")
    };
    let group = pgid_of(*shell).expect("a process group");
    assert_eq!(group, *shell, "the command leads its own group");
    let members = wait_for_members(group, 3).await;
    cancel.cancel();
    let started = Instant::now();
    let result = running.await.expect("the run");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(result, RunResult::Cancelled { .. }),
        "{}",
        describe(&result)
    );
    assert!(
        group_members(group).is_empty(),
        "left running: {:?}",
        group_members(group)
    );
    assert!(
        members.len() >= 3,
        "sh and both sleeps were in the group: {members:?}"
    );
    assert!(recorder.lines().iter().all(|(_, _, line)| line != "never"));
    h.assert_work_root_empty();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_a_slow_run_step() {
    let h = Harness::new().await;
    let marker = unique("run-marker");
    // The quotes make the printed line differ from BuildKit's echo of the step.
    let config = ui_config(&format!(
        "FROM {BASE}\nRUN echo started-''{marker} && sleep 30 && echo finished-{marker}\n"
    ));
    let recorder = Recorder::new();
    let cancel = CancellationToken::new();
    let work_root = h.work_root();
    let running = tokio::spawn(run_with(
        h.job("cancel-run", config),
        Arc::clone(&recorder),
        cancel.clone(),
    ));

    recorder
        .wait_for_line(&format!("started-{marker}"), Duration::from_secs(60))
        .await;
    let run_dir = std::fs::read_dir(&work_root)
        .expect("work root")
        .flatten()
        .next()
        .expect("a run directory")
        .path();
    let cli = pids_with(&run_dir.display().to_string());
    assert!(
        !cli.is_empty(),
        "the docker CLI runs with its iidfile in the run directory"
    );
    let group = pgid_of(cli[0]).expect("a group");
    assert!(
        !pids_with(&format!("finished-{marker}")).is_empty(),
        "the RUN step's shell is running"
    );
    cancel.cancel();
    let started = Instant::now();
    let result = running.await.expect("the run");
    let took = started.elapsed();
    println!("docker build cancelled in {took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let RunResult::Cancelled { stages } = result else {
        panic!("expected cancelled: {}", describe(&result))
    };
    let build = stage(&stages, "Docker Build");
    assert!(!build.success);
    assert!(
        group_members(group).is_empty(),
        "the docker CLI's group is gone"
    );
    h.assert_work_root_empty();
    // BuildKit stops the RUN step once its client is gone.
    let deadline = Instant::now() + Duration::from_secs(15);
    while !pids_with(&format!("finished-{marker}")).is_empty() {
        assert!(Instant::now() < deadline, "the RUN step still runs");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_run_instead_of_cancelling_still_cleans_up() {
    let h = Harness::new().await;
    let marker = unique("drop-marker");
    let mut config = ui_config(&format!("FROM {BASE}\n"));
    config.pre_build.command = format!("echo started-{marker} && sleep 30");
    let recorder = Recorder::new();
    let running = tokio::spawn(run_with(
        h.job("drop", config),
        Arc::clone(&recorder),
        CancellationToken::new(),
    ));
    recorder
        .wait_for_line(&format!("started-{marker}"), Duration::from_secs(30))
        .await;
    let shell = pids_with(&marker);
    let group = pgid_of(shell[0]).expect("a process group");
    running.abort();
    assert!(running.await.is_err_and(|e| e.is_cancelled()));
    let deadline = Instant::now() + Duration::from_secs(3);
    while !group_members(group).is_empty() {
        assert!(
            Instant::now() < deadline,
            "left running: {:?}",
            group_members(group)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.assert_work_root_empty();
}

async fn wait_for_members(group: i32, count: usize) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let members = group_members(group);
        if members.len() >= count || Instant::now() > deadline {
            return members;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A TCP proxy in front of the git server that passes requests through and
/// trickles responses back (16 KiB every 100 ms): a slow network.
struct SlowProxy {
    domain: String,
    task: tokio::task::JoinHandle<()>,
}

impl SlowProxy {
    async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let domain = listener.local_addr().expect("addr").to_string();
        let upstream = Arc::new(upstream.to_string());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = Arc::clone(&upstream);
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream.as_str()).await {
                        relay(client, server).await;
                    }
                });
            }
        });
        Self { domain, task }
    }
}

impl Drop for SlowProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(client: TcpStream, server: TcpStream) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upload = async {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    };
    let download = async {
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            match server_read.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if client_write.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    };
    tokio::join!(upload, download);
}
