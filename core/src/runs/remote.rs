//! Running a job on a kiln-agent: the build stream feeds the run's live log
//! and stage records as on the Local builder; cancel (and the timeout,
//! which cancels) is sent to the agent as the protocol's Cancel. A cancelled
//! build ends here within [`CANCEL_GRACE`] whatever the agent does: one that
//! does not answer the Cancel within [`CANCEL_ANSWER`], or does not end the
//! build in time, has its connection dropped (which stops the build there).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kiln_engine::{BuildJob, LogSink, RunResult, StageRecord};
use kiln_protocol::{AgentClient, Build, BuildEvent, Cancel};
use tokio_util::sync::CancellationToken;

/// How long a cancelled build on an agent gets to report its end before
/// the connection is dropped (which makes the agent stop it too): 7
/// seconds, beyond the agent engine's own [`kiln_engine::STOP_GRACE`].
const CANCEL_GRACE: Duration = Duration::from_secs(7);

/// How long the agent gets to answer the Cancel request: 3 seconds. An
/// agent that does not answer it is not heard from again: the connection
/// is dropped at once.
const CANCEL_ANSWER: Duration = Duration::from_secs(3);

/// Runs `job` on the agent behind `client` under `run_key`.
pub async fn run_on_agent(
    client: &AgentClient,
    run_key: &str,
    job: BuildJob,
    sink: Arc<dyn LogSink>,
    cancel: &CancellationToken,
) -> RunResult {
    let stages: Arc<Mutex<Vec<StageRecord>>> = Arc::default();
    let on_event = {
        let stages = stages.clone();
        move |event: BuildEvent| match event {
            BuildEvent::StageStarted { stage, command } => sink.stage_started(&stage, &command),
            BuildEvent::Line {
                stage,
                stream,
                text,
            } => sink.line(&stage, stream, &text),
            BuildEvent::StageFinished { record } => {
                sink.stage_finished(&record);
                if let Ok(mut stages) = stages.lock() {
                    stages.push(record);
                }
            }
        }
    };
    let request = Build {
        run_key: run_key.to_string(),
        job,
    };
    let stream = client.stream(request, on_event);
    tokio::pin!(stream);
    let outcome = tokio::select! {
        outcome = &mut stream => outcome,
        () = cancel.cancelled() => {
            let deadline = tokio::time::Instant::now() + CANCEL_GRACE;
            let cancel_request = client.request(Cancel { run_key: run_key.to_string() });
            let answered = tokio::select! {
                outcome = &mut stream => Some(outcome),
                answer = tokio::time::timeout(CANCEL_ANSWER, cancel_request) => match answer {
                    Ok(Ok(_)) => None,
                    Ok(Err(e)) => {
                        tracing::warn!(run_key, error = %e, "cannot send the cancel to the agent; waiting for its stream, then dropping the connection");
                        None
                    }
                    Err(_) => {
                        tracing::warn!(run_key, "the agent does not answer the cancel; connection dropped");
                        return RunResult::Cancelled { stages: recorded(&stages) };
                    }
                },
            };
            let ended = match answered {
                Some(outcome) => Some(outcome),
                None => tokio::time::timeout_at(deadline, &mut stream).await.ok(),
            };
            match ended {
                Some(outcome) => outcome,
                None => {
                    tracing::warn!(run_key, "the agent did not end the cancelled build in time; connection dropped");
                    return RunResult::Cancelled { stages: recorded(&stages) };
                }
            }
        }
    };
    match outcome {
        Ok(result) => result,
        Err(_) if cancel.is_cancelled() => RunResult::Cancelled {
            stages: recorded(&stages),
        },
        Err(e) => RunResult::Failed {
            error: e.to_string(),
            stages: recorded(&stages),
        },
    }
}

fn recorded(stages: &Mutex<Vec<StageRecord>>) -> Vec<StageRecord> {
    stages.lock().map(|s| s.clone()).unwrap_or_default()
}
