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

impl Client {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn sync_apply(
        &self,
        toml: String,
        dry_run: bool,
        delete: bool,
    ) -> anyhow::Result<ExitCode> {
        let url = format!(
            "{}/api/v1/sync?dry_run={dry_run}&delete={delete}",
            self.base
        );
        let response = self
            .http
            .post(&url)
            .header("content-type", "application/toml")
            .body(toml)
            .send()
            .await
            .with_context(|| format!("cannot reach Kiln at {}", self.base))?;
        let status = response.status();
        let body = response.text().await.context("reading the answer")?;
        if !status.is_success() {
            bail!("{}", error_message(status, &body));
        }
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
        let response = self
            .http
            .get(&url)
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

fn error_message(status: reqwest::StatusCode, body: &str) -> String {
    match serde_json::from_str::<ErrorAnswer>(body) {
        Ok(e) => e.error,
        Err(_) => format!("server answered {status}: {body}"),
    }
}
