//! Runs over the JSON API: start, read, cancel, and the live log as
//! Server-Sent Events.

use super::actor::ApiActor;
use super::ApiError;
use crate::serve::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures_util::stream::{self, Stream, StreamExt};
use kiln_api::{RunJson, RunView};
use kiln_core::{Kiln, LogEvent};
use kiln_domain::LogLine;
use serde::Serialize;
use std::convert::Infallible;

/// How many runs `GET /api/v1/builds/{name}/runs` lists.
const RUN_HISTORY: u64 = 100;

fn json(view: RunView) -> RunJson {
    RunJson::of(view, kiln_core::now_ms())
}

#[derive(Debug, Serialize)]
pub struct Started {
    run_id: i64,
    status: String,
    queue_position: Option<usize>,
}

/// `POST /api/v1/builds/{name}/run`: 202 with the queued run. The run
/// records what started it from the caller (`api`, or `cli` for the
/// command line), never from the body: an empty body or a JSON object
/// (its fields are ignored); 400 for anything else.
pub async fn start(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    if !body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(serde_json::Value::Object(_) | serde_json::Value::Null) => {}
            Ok(_) => {
                return Err(ApiError::BadRequest(
                    "run request: expected a JSON object or nothing".into(),
                ))
            }
            Err(e) => return Err(ApiError::BadRequest(format!("run request: {e}"))),
        }
    }
    let view = state.kiln.start_run(&actor, &name).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Started {
            run_id: view.run.id,
            status: view.run.status.to_string(),
            queue_position: view.queue_position,
        }),
    ))
}

/// `GET /api/v1/runs/{id}`
pub async fn get_one(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> Result<Json<RunJson>, ApiError> {
    Ok(Json(json(state.kiln.run(&actor, id).await?)))
}

/// `GET /api/v1/builds/{name}/runs`: newest first.
pub async fn of_build(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<Json<Vec<RunJson>>, ApiError> {
    let runs = state.kiln.runs_of_build(&actor, &name, RUN_HISTORY).await?;
    Ok(Json(runs.into_iter().map(json).collect()))
}

/// `POST /api/v1/runs/{id}/cancel`
pub async fn cancel(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.kiln.cancel_run(&actor, id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// `GET /api/v1/runs/{id}/log`: Server-Sent Events. Every past line first,
/// then each new line as it is printed (`event: line`, JSON `LogLine`), then
/// `event: end` with the run's final record.
pub async fn log(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let follow = state.kiln.follow_run_log(&actor, id).await?;
    let (past, live) = (follow.past, follow.live);
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
    let kiln: Kiln = state.kiln.clone();
    let end = stream::once(async move {
        let data = match kiln.run(&actor, id).await {
            Ok(view) => serde_json::to_string(&view.run).unwrap_or_default(),
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
