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

/// `x-kiln-client: cli` on every request (the server records the command
/// line as the door of its changes and the trigger of its runs), and the
/// API key, when there is one (`client_credentials`).
fn cli_headers(base: &str) -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        crate::api::CLIENT_HEADER,
        reqwest::header::HeaderValue::from_static("cli"),
    );
    if let Some(key) = crate::client_credentials::key_for(base) {
        if let Ok(mut value) = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")) {
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
    }
    headers
}

impl Client {
    pub fn new(base: &str) -> Self {
        let base = base.trim_end_matches('/').to_string();
        Self {
            http: reqwest::Client::builder()
                .default_headers(cli_headers(&base))
                .build()
                .unwrap_or_default(),
            base,
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
                        println!("[{}] {}", printable(&l.stage), printable(&l.text));
                    }
                }
            }
        }
        bail!("the live log of run {run_id} ended without a result")
    }
}

/// `text` safe to print on a terminal: control characters (escape
/// sequences that could move the cursor, rewrite the screen, set the
/// window title or hide text) shown as `\x1b`-style escapes; tabs kept.
/// Build output comes from whatever the Dockerfile runs.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\t';
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let code = u32::from(c);
            if code <= 0xff {
                out.push_str(&format!("\\x{code:02x}"));
            } else {
                out.push_str(&format!("\\u{{{code:x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn report_end(data: &str) -> ExitCode {
    match serde_json::from_str::<RunEnd>(data) {
        Ok(end) if end.status == "success" => {
            println!("run {} succeeded", end.id);
            ExitCode::SUCCESS
        }
        Ok(end) => {
            eprintln!(
                "run {} {}: {}",
                end.id,
                printable(&end.status),
                printable(&end.error)
            );
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

#[derive(Deserialize)]
struct MeAnswer {
    csrf_token: String,
}

#[derive(Deserialize)]
struct CreatedKey {
    key: String,
}

/// `kiln login`: signs in with the password, makes an API key named for
/// this host with that session, keeps it (`client_credentials::store`) and
/// ends the session.
pub async fn login(base: &str, username: &str, password: &str) -> anyhow::Result<()> {
    let base = base.trim_end_matches('/');
    let http = reqwest::Client::new();
    let response = http
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({ "username": username, "password": password }))
        .send()
        .await
        .with_context(|| format!("cannot reach Kiln at {base}"))?;
    let status = response.status();
    let cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        bail!("{}", error_message(status, &body));
    }
    let me: MeAnswer = serde_json::from_str(&body).context("reading the login answer")?;
    let cookie = cookie.context("the server set no session cookie")?;
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "this machine".into());
    let response = http
        .post(format!("{base}/api/v1/api-keys"))
        .header(reqwest::header::COOKIE, &cookie)
        .header("x-csrf-token", &me.csrf_token)
        .json(&serde_json::json!({ "name": format!("kiln login on {host}") }))
        .send()
        .await?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        bail!("{}", error_message(status, &body));
    }
    let created: CreatedKey = serde_json::from_str(&body).context("reading the new key")?;
    let path = crate::client_credentials::store(base, &created.key)?;
    let _ = http
        .post(format!("{base}/api/v1/logout"))
        .header(reqwest::header::COOKIE, &cookie)
        .header("x-csrf-token", &me.csrf_token)
        .send()
        .await;
    eprintln!(
        "signed in as {username}; the API key is kept in {}",
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn terminal_control_characters_are_shown_not_obeyed() {
        assert_eq!(printable("plain\ttext"), "plain\ttext");
        assert_eq!(printable("\u{1b}]0;owned\u{7}red"), "\\x1b]0;owned\\x07red");
        assert_eq!(printable("a\rb\u{9b}c"), "a\\x0db\\x9bc");
    }
}
