//! The Build request: runs the job with kiln-engine and streams its
//! progress as NDJSON frames, with heartbeats while the build is silent.
//! A closed connection cancels the build.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::Response;
use kiln_engine::{LogSink, RunResult, StageRecord, Stream};
use kiln_protocol::{encode_frame, Build, BuildEvent, ErrorKind, Frame, HEARTBEAT_EVERY, NDJSON};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::routes::{error_response, AgentState};

type BuildFrame = Frame<BuildEvent, RunResult>;

/// Starts the build and answers with its stream; 409 when a build with the
/// same run key is running.
pub fn start(state: AgentState, request: Build) -> Response {
    let token = CancellationToken::new();
    let Some(registration) = state.builds.register(&request.run_key, token.clone()) else {
        return error_response(
            StatusCode::CONFLICT,
            ErrorKind::Busy,
            format!(
                "a build with run key '{}' is already running",
                request.run_key
            ),
        );
    };
    let job = state.host.localize(request.job);
    tracing::info!(run_key = %request.run_key, build = %job.build_name, "build started");
    let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
    let sink = Arc::new(FrameSink { tx: tx.clone() });
    let run_key = request.run_key;
    tokio::spawn(async move {
        let _registration = registration;
        let run = kiln_engine::run_build(job, sink, token.clone());
        tokio::pin!(run);
        let mut heartbeat = tokio::time::interval(HEARTBEAT_EVERY);
        heartbeat.tick().await;
        let result = loop {
            tokio::select! {
                result = &mut run => break result,
                _ = heartbeat.tick() => send(&tx, &Frame::Heartbeat {}),
                () = tx.closed(), if !token.is_cancelled() => {
                    tracing::warn!(%run_key, "the server went away: cancelling the build");
                    token.cancel();
                }
            }
        };
        tracing::info!(%run_key, outcome = outcome(&result), "build ended");
        send(&tx, &Frame::Done(result));
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<Bytes, Infallible>(chunk), rx))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, NDJSON)
        .body(Body::from_stream(body))
        .unwrap_or_else(|e| {
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorKind::Internal,
                format!("cannot build the stream: {e}"),
            )
        })
}

fn outcome(result: &RunResult) -> &'static str {
    match result {
        RunResult::Success(_) => "success",
        RunResult::Failed { .. } => "failed",
        RunResult::Cancelled { .. } => "cancelled",
    }
}

fn send(tx: &mpsc::UnboundedSender<Bytes>, frame: &BuildFrame) {
    match encode_frame(frame) {
        Ok(line) => {
            let _ = tx.send(Bytes::from(line));
        }
        Err(e) => tracing::error!(error = %e, "cannot encode a frame"),
    }
}

/// Turns the engine's progress into event frames.
struct FrameSink {
    tx: mpsc::UnboundedSender<Bytes>,
}

impl LogSink for FrameSink {
    fn stage_started(&self, stage: &str, command: &str) {
        send(
            &self.tx,
            &Frame::Event(BuildEvent::StageStarted {
                stage: stage.to_string(),
                command: command.to_string(),
            }),
        );
    }

    fn line(&self, stage: &str, stream: Stream, line: &str) {
        send(
            &self.tx,
            &Frame::Event(BuildEvent::Line {
                stage: stage.to_string(),
                stream,
                text: line.to_string(),
            }),
        );
    }

    fn stage_finished(&self, record: &StageRecord) {
        send(
            &self.tx,
            &Frame::Event(BuildEvent::StageFinished {
                record: record.clone(),
            }),
        );
    }
}
