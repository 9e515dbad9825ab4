use super::ApiError;
use crate::runs::{read_log_file, LogEvent, RunError, RunManager};
use crate::serve::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::stream::{self, Stream, StreamExt};
use kiln_domain::{LogLine, Run};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;

/// A run as the API shows it.
#[derive(Debug, Serialize)]
pub struct RunView {
    #[serde(flatten)]
    run: Run,
    /// 1-based place in the builder's queue while queued.
    queue_position: Option<usize>,
    duration_ms: Option<i64>,
}

impl RunView {
    fn new(runs: &RunManager, run: Run) -> Self {
        Self {
            queue_position: runs.queue_position(&run),
            duration_ms: run.duration_ms(crate::runs::now_ms()),
            run,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StartBody {
    trigger: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Started {
    run_id: i64,
    status: String,
    queue_position: Option<usize>,
}

/// `POST /api/v1/builds/{name}/run`
pub async fn start(
    State(state): State<AppState>,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    let body: StartBody = if body.iter().all(u8::is_ascii_whitespace) {
        StartBody::default()
    } else {
        serde_json::from_slice::<Option<StartBody>>(&body)
            .map_err(|e| ApiError::BadRequest(format!("run request: {e}")))?
            .unwrap_or_default()
    };
    let trigger = body.trigger.unwrap_or_else(|| "api".to_string());
    let run = state.runs.start(&name, &trigger).await?;
    let queue_position = state.runs.queue_position(&run);
    Ok((
        StatusCode::ACCEPTED,
        Json(Started {
            run_id: run.id,
            status: run.status.to_string(),
            queue_position,
        }),
    ))
}

/// `GET /api/v1/runs/{id}`
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<RunView>, ApiError> {
    let run = state.runs.store().run(id).await?;
    Ok(Json(RunView::new(&state.runs, run)))
}

/// `GET /api/v1/builds/{name}/runs`: newest first.
pub async fn of_build(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<Vec<RunView>>, ApiError> {
    state.runs.store().build(&name).await?;
    let runs = state.runs.store().runs_of_build(&name, 100).await?;
    Ok(Json(
        runs.into_iter()
            .map(|r| RunView::new(&state.runs, r))
            .collect(),
    ))
}

/// `POST /api/v1/runs/{id}/cancel`
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.runs.cancel(id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `GET /api/v1/runs/{id}/log`: Server-Sent Events. Every past line first,
/// then each new line as it is printed (`event: line`, JSON `LogLine`), then
/// `event: end` with the run's final record.
pub async fn log(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    state.runs.store().run(id).await?;
    let (past, live) = match state.runs.follow(id) {
        Some(follow) if !follow.ended => (follow.past, Some(follow.next)),
        Some(follow) => (follow.past, None),
        None => {
            let lines = read_log_file(state.runs.log_dir(), id).map_err(|e| {
                tracing::error!(run_id = id, error = %e, "cannot read run log");
                ApiError::Internal
            })?;
            (lines, None)
        }
    };
    let past = stream::iter(past.into_iter().map(line_event));
    let live = stream::unfold(live, |rx| async move {
        let mut rx = rx?;
        loop {
            match rx.recv().await {
                Ok(LogEvent::Line(line)) => return Some((line_event(line), Some(rx))),
                Ok(LogEvent::End) | Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                    return None
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            }
        }
    });
    let store = state.runs.store().clone();
    let end = stream::once(async move {
        let data = match store.run(id).await {
            Ok(run) => serde_json::to_string(&run).unwrap_or_default(),
            Err(_) => String::new(),
        };
        Ok(Event::default().event("end").data(data))
    });
    Ok(Sse::new(past.chain(live).chain(end)).keep_alive(KeepAlive::default()))
}

fn line_event(line: LogLine) -> Result<Event, Infallible> {
    let data = serde_json::to_string(&line).unwrap_or_default();
    Ok(Event::default()
        .event("line")
        .id(line.seq.to_string())
        .data(data))
}

impl From<RunError> for ApiError {
    fn from(err: RunError) -> Self {
        match err {
            RunError::AlreadyRunning { .. } | RunError::NotLive(_) => {
                Self::Conflict(err.to_string())
            }
            RunError::Unsupported(_) => Self::Unprocessable(err.to_string()),
            RunError::Store(e) => e.into(),
        }
    }
}
