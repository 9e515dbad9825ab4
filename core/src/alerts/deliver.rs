//! Posting one alert with retries and exponential backoff. Failures are
//! logged with the alerter's name, never its URL (incoming-webhook URLs
//! carry their token), and never reach the run.

use serde_json::Value;
use std::time::Duration;

/// How hard delivery tries.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub attempts: u32,
    /// The wait after the first failure; doubled after each next one.
    pub first_backoff: Duration,
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waiting 0.5, 1, 2 and 4 s between them, 10 s each.
    fn default() -> Self {
        Self {
            attempts: 5,
            first_backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Why an attempt failed.
#[derive(Debug, thiserror::Error)]
enum AttemptError {
    #[error("HTTP {0}")]
    Status(reqwest::StatusCode),
    #[error("{0}")]
    Request(reqwest::Error),
}

impl AttemptError {
    /// Network errors, timeouts, 5xx and 429 may pass on a later try.
    fn is_retryable(&self) -> bool {
        match self {
            Self::Status(status) => {
                status.is_server_error() || *status == reqwest::StatusCode::TOO_MANY_REQUESTS
            }
            Self::Request(_) => true,
        }
    }
}

/// Posts `body` to `url` until it is accepted (2xx), a retry cannot help,
/// or the attempts run out. Returns whether it was delivered.
pub async fn deliver(
    client: &reqwest::Client,
    alerter: &str,
    url: &str,
    body: &Value,
    policy: RetryPolicy,
) -> bool {
    let mut backoff = policy.first_backoff;
    for attempt in 1..=policy.attempts {
        let sent = client
            .post(url)
            .timeout(policy.timeout)
            .json(body)
            .send()
            .await;
        let error = match sent {
            Ok(response) if response.status().is_success() => {
                tracing::info!(alerter, attempt, "alert delivered");
                return true;
            }
            Ok(response) => AttemptError::Status(response.status()),
            Err(error) => AttemptError::Request(error.without_url()),
        };
        let retry = error.is_retryable() && attempt < policy.attempts;
        tracing::warn!(alerter, attempt, %error, retry, "alert not delivered");
        if !retry {
            return false;
        }
        tokio::time::sleep(backoff).await;
        backoff = backoff.saturating_mul(2);
    }
    false
}
