//! The CLI's HTTP client for a running Kiln server.

use anyhow::{bail, Context};
use serde::Deserialize;
use std::process::ExitCode;

pub const DEFAULT_URL: &str = "http://127.0.0.1:3000";

pub struct Client {
    base: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct SyncAnswer {
    summary: String,
    applied: bool,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
}

/// `x-kiln-client: cli` on every request: the server records the command
/// line as the door of its changes and the trigger of its runs.
fn cli_headers() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        crate::api::CLIENT_HEADER,
        reqwest::header::HeaderValue::from_static("cli"),
    );
    headers
}

impl Client {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder()
                .default_headers(cli_headers())
                .build()
                .unwrap_or_default(),
        }
    }

    pub async fn sync_apply(
        &self,
        toml: String,
        dry_run: bool,
        delete: bool,
        force_version: bool,
    ) -> anyhow::Result<ExitCode> {
        let url = format!(
            "{}/api/v1/sync?dry_run={dry_run}&delete={delete}&force_version={force_version}",
            self.base
        );
        let request = self
            .http
            .post(&url)
            .header("content-type", "application/toml")
            .body(toml);
        let body = self.text_of(request).await?;
        let answer: SyncAnswer =
            serde_json::from_str(&body).context("unexpected answer from the server")?;
        println!("{}", answer.summary);
        if dry_run {
            println!("(dry run: nothing changed)");
        } else if answer.applied {
            println!("applied");
        }
        Ok(ExitCode::SUCCESS)
    }

    pub async fn sync_export(&self) -> anyhow::Result<String> {
        let url = format!("{}/api/v1/sync", self.base);
        self.text_of(self.http.get(&url)).await
    }

    /// Sends `request`; the body on success, the server's message otherwise.
    async fn text_of(&self, request: reqwest::RequestBuilder) -> anyhow::Result<String> {
        let response = request
            .send()
            .await
            .with_context(|| format!("cannot reach Kiln at {}", self.base))?;
        let status = response.status();
        let body = response.text().await.context("reading the answer")?;
        if !status.is_success() {
            bail!("{}", error_message(status, &body));
        }
        Ok(body)
    }
}

#[derive(Deserialize)]
struct Started {
    run_id: i64,
    status: String,
    queue_position: Option<usize>,
}

#[derive(Deserialize)]
struct RunEnd {
    id: i64,
    status: String,
    error: String,
}

#[derive(Deserialize)]
struct Line {
    stage: String,
    text: String,
}

impl Client {
    /// Starts a run; with `follow`, streams its log until it ends.
    pub async fn run_build(&self, name: &str, follow: bool) -> anyhow::Result<ExitCode> {
        let mut url = reqwest::Url::parse(&self.base).context("KILN_URL is not a URL")?;
        url.path_segments_mut()
            .map_err(|_| anyhow::anyhow!("KILN_URL cannot hold a path"))?
            .extend(["api", "v1", "builds", name, "run"]);
        let request = self.http.post(url);
        let body = self.text_of(request).await?;
        let started: Started =
            serde_json::from_str(&body).context("unexpected answer from the server")?;
        match started.queue_position {
            Some(p) => println!(
                "run {} {} (position {p} in the queue)",
                started.run_id, started.status
            ),
            None => println!("run {} {}", started.run_id, started.status),
        }
        if !follow {
            return Ok(ExitCode::SUCCESS);
        }
        self.follow(started.run_id).await
    }

    async fn follow(&self, run_id: i64) -> anyhow::Result<ExitCode> {
        let url = format!("{}/api/v1/runs/{run_id}/log", self.base);
        let mut response = self
            .http
            .get(&url)
            .send()
            .await
            .with_context(|| format!("cannot reach Kiln at {}", self.base))?;
        if !response.status().is_success() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            bail!("{}", error_message(status, &body));
        }
        let mut buffer = String::new();
        let mut event = String::new();
        while let Some(chunk) = response.chunk().await.context("reading the live log")? {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(newline) = buffer.find('\n') {
                let line: String = buffer.drain(..=newline).collect();
                let line = line.trim_end_matches(['\r', '\n']);
                if let Some(name) = line.strip_prefix("event:") {
                    event = name.trim().to_string();
                } else if let Some(data) = line.strip_prefix("data:") {
                    let data = data.strip_prefix(' ').unwrap_or(data);
                    if event == "end" {
                        return Ok(report_end(data));
                    }
                    if let Ok(l) = serde_json::from_str::<Line>(data) {
                        println!("[{}] {}", l.stage, l.text);
                    }
                }
            }
        }
        bail!("the live log of run {run_id} ended without a result")
    }
}

fn report_end(data: &str) -> ExitCode {
    match serde_json::from_str::<RunEnd>(data) {
        Ok(end) if end.status == "success" => {
            println!("run {} succeeded", end.id);
            ExitCode::SUCCESS
        }
        Ok(end) => {
            eprintln!("run {} {}: {}", end.id, end.status, end.error);
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("run ended, but its record could not be read");
            ExitCode::FAILURE
        }
    }
}

fn error_message(status: reqwest::StatusCode, body: &str) -> String {
    match serde_json::from_str::<ErrorAnswer>(body) {
        Ok(e) => e.error,
        Err(_) => format!("server answered {status}: {body}"),
    }
}
