//! A git server that accepts connections and never answers: cancel ends the
//! run within seconds, nothing reaches the sink after the run returned, and
//! the clone cache an abandoned fetch may still write is not reused until
//! that fetch has stopped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_domain::BuildConfig;
use kiln_engine::{CancellationToken, RunResult};
use kiln_testkit::{GitServer, SilentServer};

use crate::support::*;

/// A git build of `team/hung` on the silent server, over plain http.
fn silent_config(silent: &SilentServer) -> BuildConfig {
    BuildConfig {
        git_provider: silent.addr().to_string(),
        git_https: false,
        repo: "team/hung".to_string(),
        branch: "main".to_string(),
        image_name: unique("kiln-engine-hung"),
        ..BuildConfig::default()
    }
}

/// Starts a run of `job` and cancels it once the silent server holds a
/// connection from it; returns the result and how long the cancel took.
async fn cancel_when_hung(
    job: kiln_engine::BuildJob,
    silent: &SilentServer,
    recorder: &Arc<Recorder>,
) -> (RunResult, Duration) {
    let before = silent.accepted();
    let cancel = CancellationToken::new();
    let running = tokio::spawn(run_with(job, Arc::clone(recorder), cancel.clone()));
    assert!(
        silent
            .wait_for_connections(before + 1, Duration::from_secs(30))
            .await,
        "git never connected to the silent server:\n{}",
        recorder.all_text()
    );
    // Let libgit2 sit in its read.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cancelled_at = Instant::now();
    cancel.cancel();
    let result = running.await.expect("the run");
    (result, cancelled_at.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_a_clone_from_a_silent_server_ends_the_run() {
    let h = Harness::new().await;
    let silent = SilentServer::start().expect("silent server");
    let recorder = Recorder::new();
    let job = h.job("hung-clone", silent_config(&silent));
    let (result, took) = cancel_when_hung(job, &silent, &recorder).await;
    println!("clone from a silent server cancelled in {took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    let RunResult::Cancelled { stages } = result else {
        panic!("expected cancelled: {}", describe(&result))
    };
    assert_eq!(stage_names(&stages), ["Clone Repo"]);
    assert!(!stages[0].success);
    h.assert_work_root_empty();
    // The abandoned git thread holds no reference to the sink (a caller may
    // wait for its sink to be dropped) and no longer reaches it.
    assert_eq!(Arc::strong_count(&recorder), 1, "the sink is still held");
    let seen = recorder.events().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(silent);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        recorder.events().len(),
        seen,
        "events after the run returned:\n{}",
        recorder.all_text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_an_abandoned_fetch_may_still_write_is_not_reused_until_it_stopped() {
    let h = Harness::new().await;
    let silent = SilentServer::start().expect("silent server");
    let server = GitServer::start(Some((GIT_USER, GIT_TOKEN)))
        .await
        .expect("git server");
    let repo = server.create_repo("team/app").await.expect("repo");
    repo.commit(
        "main",
        &[("Dockerfile", &format!("FROM {BASE}\nCOPY . /src\n"))],
        "first",
    )
    .await
    .expect("commit");
    let cache = h.cache("shared");

    // A run whose fetch hangs, cancelled: its git thread is abandoned and
    // still holds the cache.
    let mut hung = h.job("hung-cache", silent_config(&silent));
    hung.dirs.clone_cache = cache.clone();
    let (result, _) = cancel_when_hung(hung, &silent, &Recorder::new()).await;
    assert!(
        matches!(result, RunResult::Cancelled { .. }),
        "{}",
        describe(&result)
    );

    // The next run of the build waits a bounded time, then clones into a
    // temporary cache and says so; the shared cache is left alone.
    let mut next = h.job("hung-cache", git_config(&server, &repo));
    next.git_account = Some(git_account(&server, GIT_TOKEN));
    next.dirs.clone_cache = cache.clone();
    let recorder = Recorder::new();
    let started = Instant::now();
    let output = success(run(next.clone(), &recorder).await);
    println!(
        "the run beside an abandoned fetch took {:?}",
        started.elapsed()
    );
    let text = recorder.all_text();
    assert!(text.contains("still used by an abandoned fetch"), "{text}");
    assert!(text.contains("temporary clone cache"), "{text}");
    let origin = git(&cache.join("git"), &["config", "remote.origin.url"]).await;
    assert!(
        origin.contains(silent.addr()),
        "the shared cache was left to the abandoned fetch: {origin}"
    );
    h.assert_work_root_empty();
    h.remove_output(&output).await;

    // Once that fetch has stopped (the server hung up), the cache is used again.
    drop(silent);
    let recorder = Recorder::new();
    let output = success(run(next, &recorder).await);
    let text = recorder.all_text();
    assert!(!text.contains("temporary clone cache"), "{text}");
    let origin = git(&cache.join("git"), &["config", "remote.origin.url"]).await;
    assert!(origin.contains(server.domain()), "{origin}");
    h.remove_output(&output).await;
}
